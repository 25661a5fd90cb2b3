package manifest

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/internal/synth"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// converterOK is the reference typeOK must agree with.
func converterOK(attrs map[string]any, t reflect.Type) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return runtime.DefaultUnstructuredConverter.FromUnstructured(attrs, reflect.New(t).Interface()) == nil
}

// typedObjects returns the objects of built-in kinds in data, List items included.
func typedObjects(data []byte) (objs []map[string]any, types []reflect.Type) {
	docs, err := yamldoc.Parse(data, yamldoc.Limits{})
	if err != nil {
		return nil, nil
	}
	var add func(v any, depth int)
	add = func(v any, depth int) {
		m, ok := v.(map[string]any)
		if !ok || depth > 4 {
			return
		}
		if items, ok := m["items"].([]any); ok {
			for _, it := range items {
				add(it, depth+1)
			}
		}
		av, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		gv, err := schema.ParseGroupVersion(av)
		if err != nil {
			return
		}
		if t, ok := clientgoscheme.Scheme.AllKnownTypes()[gv.WithKind(kind)]; ok {
			objs, types = append(objs, m), append(types, t)
		}
	}
	for _, d := range docs {
		add(d.Value, 0)
	}
	return objs, types
}

// mutations returns copies of v with one scalar replaced by each value of
// another kind, so that every field's type is exercised.
func mutations(v any, limit int) []any {
	repl := []any{"text", "500m", int64(7), 1.5, true, nil, map[string]any{"k": "v"}, []any{"x"}, int64(1) << 40}
	var out []any
	var walk func(cur any, set func(any) any)
	walk = func(cur any, rebuild func(any) any) {
		if len(out) >= limit {
			return
		}
		switch x := cur.(type) {
		case map[string]any:
			for k := range x {
				walk(x[k], func(nv any) any {
					c := make(map[string]any, len(x))
					for kk, vv := range x {
						c[kk] = vv
					}
					c[k] = nv
					return rebuild(c)
				})
			}
		case []any:
			for i := range x {
				walk(x[i], func(nv any) any {
					c := append([]any(nil), x...)
					c[i] = nv
					return rebuild(c)
				})
			}
		}
		for _, r := range repl {
			out = append(out, rebuild(r))
		}
	}
	walk(v, func(nv any) any { return nv })
	return out
}

// TestTypeCheckMatchesConverter checks typeOK against the unstructured
// converter on every built-in object of the fixtures, the generated bench
// input and the corpus, and on mutations of each with a scalar of every
// other kind.
func TestTypeCheckMatchesConverter(t *testing.T) {
	var inputs [][]byte
	files, _ := filepath.Glob("testdata/*")
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			inputs = append(inputs, data)
		}
	}
	inputs = append(inputs, synth.Manifests(25))
	if dir, err := filepath.Abs("../../../../shared/corpus/k8s-manifests"); err == nil {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				if data, err := os.ReadFile(p); err == nil {
					inputs = append(inputs, data)
				}
			}
			return nil
		})
	}
	var objects, variants, refused int
	for _, data := range inputs {
		objs, types := typedObjects(data)
		for i, obj := range objs {
			objects++
			for _, m := range append([]any{obj}, mutations(obj, 300)...) {
				attrs, ok := m.(map[string]any)
				if !ok {
					continue
				}
				variants++
				want := converterOK(attrs, types[i])
				if got := typeOK(attrs, infoFor(types[i]), 0); got != want {
					t.Fatalf("%s: typeOK %v, converter %v for %v", types[i], got, want, attrs)
				}
				if !want {
					refused++
				}
			}
		}
	}
	t.Logf("typeOK agrees with the converter on %d objects and %d variants (%d refused)", objects, variants, refused)
}

// FuzzTypeCheck compares typeOK with the unstructured converter on any
// YAML input holding built-in objects.
func FuzzTypeCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.y*ml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add(synth.Manifests(5))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, types := typedObjects(data)
		for i, obj := range objs {
			if got, want := typeOK(obj, infoFor(types[i]), 0), converterOK(obj, types[i]); got != want {
				t.Fatalf("%s: typeOK %v, converter %v for %v", types[i], got, want, obj)
			}
		}
	})
}
