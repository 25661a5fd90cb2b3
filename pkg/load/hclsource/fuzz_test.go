package hclsource

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func FuzzLoadModule(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.tf")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("locals {\n  x = [for a in range(3) : \"${a}\"]\n}\n"))
	f.Add([]byte("resource \"a\" \"b\" {\n  dynamic \"c\" {\n    for_each = [1]\n    content { d = c.value }\n  }\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		start := time.Now()
		set, err := LoadModule(ctx, dir, Options{Limits: Limits{MaxInstances: 100, MaxFileBytes: 1 << 20}})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("LoadModule took %s", d)
		}
		if err != nil {
			t.Fatalf("LoadModule: %v", err)
		}
		for _, d := range set.Diagnostics {
			if d.Summary == "" || d.Location.File == "" {
				t.Errorf("diagnostic without summary or file: %+v", d)
			}
			if len(d.Summary) > 21 && d.Summary[:21] == "Internal error while " {
				t.Errorf("internal error: %s", d.Error())
			}
		}
		for _, r := range set.Resources {
			_ = r.Locate(nil)
			for k := range r.Attributes {
				_ = r.Locate(resource.Path{resource.Key(k), resource.Index(0), resource.Key("x")})
			}
		}
	})
}
