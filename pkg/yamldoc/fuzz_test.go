package yamldoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// FuzzParse checks that Parse, Convert and Locate never panic or run away on
// any input, that every error has a line, and that every path of a converted
// document is located inside that document.
func FuzzParse(f *testing.F) {
	var files []string
	for _, pattern := range []string{"testdata/*.yaml", "../../examples/kubernetes/*/*.yaml", "../load/manifest/testdata/*.yaml", "../load/manifest/testdata/*.json"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "---", "--- a: 1\n--- [b]\n", "...\n", "a: &a [*a]", "a: &a {<<: *a}", "? [a]\n: b\n",
		"<<: {a: 1}\n<<: [{b: 2}, {c: 3}]\n", "on: yes\noff: no\n", "a: !!int x", "a: !!binary ====",
		"x: 0x_\ny: 0o9\nz: .NaN\n", "%TAG ! tag:x,2000:\n--- !a b\n", "a:\r\n  - b\r\n...\r\n--- c\r\n",
		billionLaughs(4), mergeLaughs(4), strings.Repeat("[", 40) + strings.Repeat("]", 40),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := Limits{MaxNodes: 50_000, MaxDepth: 64, MaxDocuments: 1000}
		docs, err := Parse(data, limits)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		lines := countLines(data)
		for i, d := range docs {
			if d.Index != i || d.Line < 1 || d.Line > lines {
				t.Fatalf("document %d: index %d line %d of %d", i, d.Index, d.Line, lines)
			}
			if d.Err != nil {
				if d.Err.Line < 1 || d.Err.Reason == "" {
					t.Fatalf("document %d: error without line or reason: %+v", i, d.Err)
				}
				if d.Value != nil {
					t.Fatalf("document %d: value with an error", i)
				}
			}
			if d.Root == nil {
				continue
			}
			// Convert again with other limits: it must not panic either way.
			v, cerr := Convert(d.Root, Limits{MaxNodes: 5_000, MaxDepth: 8})
			if cerr != nil && (cerr.Line < 1 || cerr.Reason == "") {
				t.Fatalf("document %d: Convert error without a line: %+v", i, cerr)
			}
			if cerr == nil && d.Err == nil && v == nil && d.Value != nil {
				t.Fatalf("document %d: Convert lost the value", i)
			}
			// Locate never panics, on paths that exist and on paths that do not.
			for _, p := range []resource.Path{
				nil,
				{resource.Key("spec"), resource.Index(0), resource.Key("x")},
				{resource.Index(3), resource.Index(0)},
				{resource.Key("<<"), resource.Key("")},
				{resource.Key("a"), resource.Key("a"), resource.Key("a"), resource.Key("a")},
			} {
				Locate(d.Root, p)
			}
			if d.Err != nil {
				continue
			}
			budget := 2000
			walk(d.Value, nil, func(p resource.Path) {
				if budget--; budget < 0 {
					return
				}
				line, col := Locate(d.Root, p)
				if line < d.Line || line > lines || col < 1 {
					t.Fatalf("document %d (line %d): %s located at %d:%d of %d lines", i, d.Line, p, line, col, lines)
				}
			})
		}
	})
}

// countLines counts lines as YAML does: "\n", "\r\n" and a lone "\r" end one.
func countLines(data []byte) int {
	n := 1
	for pos := 0; pos < len(data); n++ {
		if pos = nextLine(data, pos); pos == len(data) && data[pos-1] != '\n' && data[pos-1] != '\r' {
			break
		}
	}
	return n
}
