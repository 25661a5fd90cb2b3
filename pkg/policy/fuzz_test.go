package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzParse checks that Parse never panics, that every problem it reports
// has a line, and that a policy it accepts survives the round trip through
// Document (what `guardrail policy default` prints) and back.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	json, _ := filepath.Glob("testdata/*.json")
	for _, file := range append(append(files, json...), "../../examples/policy.yaml") {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "\xef\xbb\xbf", "---\n---\n", "- a", "hello", header, header + "spec: [1]\n",
		header + "spec:\n  rules:\n    'GR-{TLS': {mode: warn}\n    a.b: {severity: x}\n",
		header + "spec:\n  environments:\n    definitions: [{name: a, aliases: [A]}, {name: ''}]\n  ports: {allowed: {b: [70000, 22-21, icmp/8]}}\n",
		header + "spec:\n  waivers: {maxDuration: -1h, entries: [{rules: ['[x'], expires: 2027-02-30}]}\n",
		header + "metadata:\n  annotations:\n" + laughs(4),
		header + "spec: &s {approval: *s}\n",
		header + "spec:\n  <<: {transit: {minTLSVersion: '1.3'}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if perr.File != "fuzz.yaml" || len(perr.Fields) == 0 {
				t.Fatalf("bad error %#v", perr)
			}
			for _, fe := range perr.Fields {
				if fe.Line < 1 || fe.Path == "" || fe.Message == "" {
					t.Fatalf("problem without a line, path or message: %#v\n%s", fe, err)
				}
			}
			_ = err.Error()
			return
		}
		doc := p.Document()
		again, err := Compile(doc)
		if err != nil {
			t.Fatalf("the compiled document does not compile: %v", err)
		}
		if !equalJSON(t, again.Document(), doc) {
			t.Fatal("compiling the compiled document changed it")
		}
		text, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatalf("yaml.Marshal: %v", err)
		}
		back, err := Parse("again.yaml", text)
		if err != nil {
			t.Fatalf("the document rendered as YAML does not parse: %v\n%s", err, text)
		}
		if !equalJSON(t, back.Document(), doc) {
			t.Fatalf("the document changed through YAML:\n%s", text)
		}
	})
}
