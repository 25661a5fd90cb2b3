package kustomize

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

const fuzzDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{containerPort: 8080}]
`

// FuzzLoad builds a fuzzed kustomization with a fuzzed patch file over a
// fixed Deployment, and locates every attribute of what it renders: nothing
// may panic, every diagnostic names a file, and every location is in a
// file of the overlay.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/shop/overlays/prod", "testdata/shop/overlays/dev", "testdata/broken/invalid-patch-op", "testdata/broken/remote"} {
		k, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(k, []byte(""))
	}
	hostport, err := os.ReadFile("testdata/shop/overlays/prod/hostport.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("resources: [deployment.yaml]\npatches: [{path: patch.yaml}]\n"), hostport)
	f.Add([]byte("resources: [deployment.yaml]\npatches: [{path: patch.yaml, target: {kind: Deployment, name: 'w.*'}}]\n"),
		[]byte("- {op: remove, path: /spec/template/spec/containers/0/ports}\n- {op: add, path: /spec/x~1y, value: 1}\n"))
	f.Add([]byte("resources: [deployment.yaml, .]\nnamePrefix: p-\nnamespace: n\nimages: [{name: web, newTag: '2'}]\n"), []byte("{"))
	f.Add([]byte("resources: [deployment.yaml]\nconfigMapGenerator: [{name: c, literals: [a=b]}]\npatchesStrategicMerge: [patch.yaml]\n"),
		[]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: web, $patch: delete}]}}}\n"))
	f.Fuzz(func(t *testing.T, kustomization, patch []byte) {
		dir := t.TempDir()
		for name, data := range map[string][]byte{"kustomization.yaml": kustomization, "patch.yaml": patch, "deployment.yaml": []byte(fuzzDeployment)} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		set, err := Load(context.Background(), dir, Options{})
		if err != nil {
			t.Fatalf("Load error %v", err)
		}
		for _, d := range set.Diagnostics {
			if d.Location.File == "" || d.Summary == "" {
				t.Errorf("diagnostic without a file or summary: %+v", d)
			}
		}
		for _, r := range set.Resources {
			walkPaths(r.Attributes, nil, func(p resource.Path) {
				loc := r.Locate(p)
				if loc.File == "" || loc.Line < 1 {
					t.Errorf("%s %s located at %+v", r.Address, p, loc)
				}
			})
		}
	})
}

// walkPaths calls fn with the path of every attribute under v, bounded.
func walkPaths(v any, p resource.Path, fn func(resource.Path)) {
	if len(p) > 12 {
		return
	}
	switch c := v.(type) {
	case map[string]any:
		for k, e := range c {
			q := p.Append(resource.Key(k))
			fn(q)
			walkPaths(e, q, fn)
		}
	case []any:
		for i, e := range c {
			q := p.Append(resource.Index(i))
			fn(q)
			walkPaths(e, q, fn)
		}
	}
}

// FuzzIsRemote checks that an entry IsRemote accepts as local never has a
// scheme, a user or a GitHub host: what kustomize would clone or fetch.
func FuzzIsRemote(f *testing.F) {
	for _, s := range []string{"../base", "github.com/a/b", "git@x:y", "https://x", "a?ref=b", "GIT::x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IsRemote(s) {
			return
		}
		if remoteLike(s) {
			t.Errorf("IsRemote(%q) = false for a remote-looking entry", s)
		}
	})
}

// remoteLike is an independent statement of what must count as remote.
func remoteLike(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		if s[i:i+3] == "://" {
			return true
		}
	}
	l := []byte(s)
	for i := range l {
		if l[i] >= 'A' && l[i] <= 'Z' {
			l[i] += 'a' - 'A'
		}
	}
	low := string(l)
	trim := low
	for len(trim) > 0 && (trim[0] == ' ' || trim[0] == '\t' || trim[0] == '\n' || trim[0] == '\r' || trim[0] == '\v' || trim[0] == '\f') {
		trim = trim[1:]
	}
	if len(trim) >= 5 && trim[:5] == "git::" || len(trim) >= 11 && (trim[:11] == "github.com/" || trim[:11] == "github.com:") {
		return true
	}
	for i := 0; i < len(trim) && trim[i] != '/'; i++ {
		if trim[i] == '@' {
			return true
		}
	}
	return false
}
