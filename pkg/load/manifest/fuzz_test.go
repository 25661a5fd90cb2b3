package manifest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/guardrail-dev/guardrail/internal/synth"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// FuzzLoad checks that Load never panics (not even one it recovers from)
// and that everything it returns is located.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.y*ml")
	json, _ := filepath.Glob("testdata/*.json")
	for _, file := range append(files, json...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "---\n", "a: &a [*a]", "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: [{}]}]\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {guardrail.dev/ignore: 'GR-1;GR-2'}}\nspec: {containers: [{name: a, ports: [{containerPort: 1.5}]}]}\n",
		"apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: {a: b}}}}\n",
		"apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: !!binary aGVsbG8=\n",
		"<<: {apiVersion: v1, kind: ConfigMap}\nmetadata: {name: merged}\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(synth.Manifests(5))
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := Limits{MaxBytes: 1 << 20, Limits: yamldoc.Limits{MaxNodes: 100_000, MaxDocuments: 1000}}
		set, err := Load("fuzz.yaml", data, Options{Namespace: "ns", Limits: limits})
		if err != nil {
			t.Fatalf("Load error %v", err)
		}
		for _, d := range set.Diagnostics {
			if d.Summary == "object could not be read" {
				t.Fatalf("recovered panic: %v", d)
			}
			if d.Location.File != "fuzz.yaml" || d.Location.Line < 1 {
				t.Fatalf("diagnostic without location: %+v", d)
			}
		}
		for _, r := range set.Resources {
			if r.Location.Line < 1 || r.Address == "" || r.Type == "" || r.APIVersion == "" || r.Attributes == nil {
				t.Fatalf("bad resource %+v", r)
			}
			r.Locate(resource.Path{resource.Key("spec"), resource.Index(0), resource.Key("x")})
		}
	})
}
