package hclsource

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// writeModule writes files (name -> content) into a new temporary directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBadInput(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name    string
		files   map[string]string
		limits  Limits
		summary string // of the expected error diagnostic
		file    string
		line    int
		col     int
	}{
		{"too large", map[string]string{"main.tf": strings.Repeat("# padding\n", 20)}, Limits{MaxFileBytes: 100},
			"File too large", "main.tf", 1, 1},
		{"invalid utf-8", map[string]string{"main.tf": "resource \"a\" \"b\" {\n  x = \"\xff\"\n}\n"}, Limits{},
			"Invalid UTF-8", "main.tf", 2, 8},
		{"binary", map[string]string{"main.tf": "resource \"a\" \"b\" {}\n\x00\x01\x02"}, Limits{},
			"Binary file", "main.tf", 2, 1},
		{"syntax error", map[string]string{"main.tf": "resource \"a\" \"b\" {\n  x = \n}\n"}, Limits{},
			"Invalid expression", "main.tf", 2, 7},
		{"unclosed block", map[string]string{"main.tf": "resource \"a\" \"b\" {\n  x = 1\n"}, Limits{},
			"Unclosed configuration block", "main.tf", 1, 18},
		{"json syntax", map[string]string{"main.tf.json": "{\"resource\": {\"a\": {\"b\": {\"x\": }}}}"}, Limits{},
			"Missing JSON value", "main.tf.json", 1, 32},
		{"deep brackets", map[string]string{"main.tf": "locals {\n  x = " + deep("[", "]", 5000) + "\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 2, 262},
		{"deep json", map[string]string{"main.tf.json": deep("[", "]", 100000)}, Limits{},
			"Nesting too deep", "main.tf.json", 1, 257},
		{"deep interpolation", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat(`"${`, 200) + "1" + strings.Repeat(`}"`, 200) + "\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 2, 0},
		{"deep unary", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("!", 100000) + "true\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 2, 0},
		{"long operator chain", map[string]string{"main.tf": "locals {\n  x = 1" + strings.Repeat(" + 1", 100000) + "\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 2, 0},
		{"ternary chain", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("true ? 1 : ", 100000) + "2\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 2, 0},
		{"splat chain", map[string]string{"main.tf": "locals {\n  x = local.y" + strings.Repeat("[*]", 100000) + "\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 2, 0},
		{"template directives", map[string]string{"main.tf": "locals {\n  x = <<EOT\n" + strings.Repeat("%{if true}", 5000) + strings.Repeat("%{endif}", 5000) + "\nEOT\n}\n"}, Limits{},
			"Nesting too deep", "main.tf", 3, 0},
		{"missing module dir", map[string]string{"main.tf": "module \"m\" {\n  source = \"./gone\"\n}\n"}, Limits{},
			"Module directory missing", "main.tf", 2, 12},
		{"module self cycle", map[string]string{"main.tf": "module \"m\" {\n  source = \"../" + "x" + "\"\n}\n"}, Limits{},
			"", "", 0, 0}, // replaced below with a real self reference
		{"huge count", map[string]string{"main.tf": "resource \"a\" \"b\" {\n  count = 1e9\n}\n"}, Limits{},
			"Too many instances", "main.tf", 2, 11},
		{"huge for_each", map[string]string{"main.tf": "resource \"a\" \"b\" {\n  for_each = toset([for i in range(1000) : tostring(i)])\n}\n"}, Limits{MaxInstances: 10},
			"Too many instances", "main.tf", 2, 14},
		{"too many files", map[string]string{"a.tf": "", "b.tf": "", "c.tf": ""}, Limits{MaxFiles: 2},
			"Too many configuration files", "", 0, 0},
		{"modules too deep", map[string]string{"main.tf": "module \"a\" {\n  source = \"./a\"\n}\n", "a/main.tf": "module \"b\" {\n  source = \"./b\"\n}\n", "a/b/main.tf": "resource \"x\" \"y\" {}\n"}, Limits{MaxModuleDepth: 1},
			"Modules nested too deeply", "a/main.tf", 2, 12},
		{"huge setproduct", map[string]string{"main.tf": "locals {\n  x = setproduct(range(1000), range(1000))\n}\nresource \"a\" \"b\" {\n  x = local.x\n}\n"}, Limits{},
			"", "", 0, 0},
		{"format width", map[string]string{"main.tf": "resource \"a\" \"b\" {\n  x = format(\"%099999999d\", 1)\n}\n"}, Limits{},
			"", "", 0, 0},
		{"nested for budget", map[string]string{"main.tf": "locals {\n  r = range(1000)\n  x = [for a in local.r : [for b in local.r : [for c in local.r : 1]]]\n}\n"}, Limits{},
			"", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "module self cycle" {
				tt.files = map[string]string{"main.tf": "module \"m\" {\n  source = \"./\"\n}\n"}
				tt.summary, tt.file, tt.line, tt.col = "Module cycle", "main.tf", 2, 12
			}
			dir := writeModule(t, tt.files)
			done := make(chan *resource.Set, 1)
			go func() {
				set, err := LoadModule(context.Background(), dir, Options{Limits: tt.limits})
				if err != nil {
					t.Errorf("LoadModule: %v", err)
				}
				done <- set
			}()
			var set *resource.Set
			select {
			case set = <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("LoadModule did not finish")
			}
			if set == nil || tt.summary == "" {
				return
			}
			for _, d := range set.Diagnostics {
				if d.Severity != resource.DiagError || d.Summary != tt.summary {
					continue
				}
				if tt.file == "" {
					return
				}
				want := filepath.Join(dir, tt.file)
				if d.Location.File != want || d.Location.Line != tt.line || (tt.col != 0 && d.Location.Column != tt.col) || d.Location.Column == 0 {
					t.Errorf("%s at %s, want %s:%d:%d", d.Summary, d.Location, want, tt.line, tt.col)
				}
				if d.Detail == "" {
					t.Errorf("%s has no detail", d.Summary)
				}
				return
			}
			t.Errorf("no error %q in %v", tt.summary, set.Diagnostics)
		})
	}
}

func TestNotRegularFiles(t *testing.T) {
	dir := writeModule(t, map[string]string{"ok.tf": "resource \"a\" \"b\" {}\n"})
	if err := os.Mkdir(filepath.Join(dir, "dir.tf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.tf"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	set := load(t, dir, Options{})
	n := 0
	for _, d := range set.Diagnostics {
		if d.Summary == "Not a regular file" {
			n++
		}
	}
	if n != 2 || len(set.Resources) != 1 {
		t.Errorf("%d not-regular diagnostics, %d resources: %v", n, len(set.Resources), set.Diagnostics)
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.tf":     "module \"sub\" {\n  source = \"./sub\"\n}\n",
		"sub/main.tf": "module \"back\" {\n  source = \"./up/sub\"\n}\nresource \"a\" \"b\" {}\n",
	})
	if err := os.Symlink("..", filepath.Join(dir, "sub", "up")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	set := load(t, dir, Options{})
	if hasDiag(set, resource.DiagError, "module back") == nil {
		t.Errorf("no cycle error: %v", set.Diagnostics)
	}
	if len(set.Resources) != 1 {
		t.Errorf("%d resources, want 1", len(set.Resources))
	}
}

func TestUnusableDirAndContext(t *testing.T) {
	if _, err := LoadModule(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{}); err == nil {
		t.Error("no error for a missing directory")
	}
	f := filepath.Join(t.TempDir(), "file.tf")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModule(context.Background(), f, Options{}); err == nil {
		t.Error("no error for a file")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadModule(ctx, "testdata/basic", Options{}); err == nil {
		t.Error("no error for a cancelled context")
	}
	set := load(t, t.TempDir(), Options{})
	if hasDiag(set, resource.DiagWarning, "No configuration files") == nil {
		t.Errorf("no warning for an empty directory: %v", set.Diagnostics)
	}
}

func TestWorkspaceFile(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.tf":                "resource \"a\" \"b\" {\n  ws = terraform.workspace\n}\n",
		".terraform/environment": "staging\n",
	})
	r := find(t, load(t, dir, Options{}), "a.b")
	if r.Origin.Workspace != "staging" || r.Attributes["ws"] != "staging" {
		t.Errorf("workspace %q, attribute %v", r.Origin.Workspace, r.Attributes["ws"])
	}
	r = find(t, load(t, dir, Options{Workspace: "blue"}), "a.b")
	if r.Origin.Workspace != "blue" {
		t.Errorf("workspace %q", r.Origin.Workspace)
	}
}
