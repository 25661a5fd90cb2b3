package hostile

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Bounds every case must stay within. They catch hangs and blow-ups, not
// slowness: a healthy run is far below them.
const (
	deadline = 60 * time.Second
	maxHeap  = 768 << 20
)

type hostileCase struct {
	name string
	// path is the input, relative to testdata, or made by gen in dir.
	path string
	gen  func(t *testing.T, dir string) string
	// want are fragments the error diagnostic must contain (case-insensitive).
	want []string
	// finding, when set, is a rule that must report instead of an input error.
	finding string
}

// binary writes deterministic noise with the NUL bytes of a real binary file.
func binary(name string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		r := rand.New(rand.NewPCG(1, 2))
		b := make([]byte, 8192)
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(name) == ".tf" {
			return filepath.Dir(p)
		}
		return p
	}
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const depth = 200_000

var cases = []hostileCase{
	{name: "YAML alias bomb (billion laughs)", path: "alias-bomb.yaml", want: []string{"alias-bomb.yaml", "alias"}},
	{name: "duplicate keys", path: "duplicate-keys.yaml", want: []string{"duplicate-keys.yaml:8", "duplicate", "type"}},
	{name: "wrong types in known fields", path: "wrong-types.yaml", want: []string{"wrong-types.yaml:7", "spec.replicas"}},
	{name: "unknown apiVersion of a built-in group", path: "unknown-api-version.yaml", want: []string{"unknown-api-version.yaml", "apps/v9"}},
	{name: "plan of an unsupported format_version", path: "future-plan.json", want: []string{"future-plan.json", "format_version", "2.0"}},
	{name: "truncated plan", path: "truncated-plan.json", want: []string{"truncated-plan.json", "unexpected end"}},
	{name: "truncated YAML", path: "truncated.yaml", want: []string{"truncated.yaml"}},
	{name: "invalid UTF-8", path: "invalid-utf8.yaml", want: []string{"invalid-utf8.yaml:4", "utf-8"}},
	{name: "HCL interpolation cycle", path: "hcl-cycle", want: []string{"main.tf", "cycle", "local.a"}},
	{name: "truncated HCL", path: "hcl-truncated", want: []string{"main.tf:4"}},
	{name: "binary file named .yaml", gen: binary("binary.yaml"), want: []string{"binary.yaml"}},
	{name: "binary file named .json", gen: binary("binary.json"), want: []string{"binary.json"}},
	{name: "binary file named .tf", gen: binary("mod/main.tf"), want: []string{"main.tf"}},
	{name: "deeply nested JSON", gen: func(t *testing.T, dir string) string {
		var b bytes.Buffer
		b.WriteString(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{"x":`)
		b.WriteString(strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}}")
		return write(t, dir, "deep.json", b.Bytes())
	}, want: []string{"deep.json", "nest"}},
	{name: "deeply nested YAML", gen: func(t *testing.T, dir string) string {
		var b bytes.Buffer
		b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ")
		b.WriteString(strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n")
		return write(t, dir, "deep.yaml", b.Bytes())
	}, want: []string{"deep.yaml"}},
	{name: "deeply nested HCL", gen: func(t *testing.T, dir string) string {
		src := "locals {\n  x = " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n}\n"
		write(t, dir, "hcl/main.tf", []byte(src))
		return filepath.Join(dir, "hcl")
	}, want: []string{"main.tf", "nest"}},
	{name: "200 MB plan", gen: func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "huge.plan.json")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(`{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[`); err != nil {
			t.Fatal(err)
		}
		change := []byte(`{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","change":{"actions":["create"],"after":{"bucket":"x"},"after_unknown":{}}},`)
		for written := 0; written < 200<<20; written += len(change) {
			if _, err := f.Write(change); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.WriteString(`{}]}`); err != nil {
			t.Fatal(err)
		}
		return p
	}, want: []string{"huge.plan.json", "limit"}},
	{name: "manifest under a dev path claiming a production namespace", gen: func(t *testing.T, dir string) string {
		return write(t, dir, "dev/app.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: prod}\ndata: {mode: live}\n"))
	}, finding: "GR-SEG-002"},
	{name: "symlink loop in a directory", gen: func(t *testing.T, dir string) string {
		root := filepath.Join(dir, "loop")
		write(t, root, "sub/app.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: dev}\n"))
		if err := os.Symlink(root, filepath.Join(root, "sub", "again")); err != nil {
			t.Skip("symlinks unavailable:", err)
		}
		return root
	}, want: []string{"again", "symlink"}},
}

// peakHeap samples the heap while f runs and returns the highest reading.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

func TestHostileInputs(t *testing.T) {
	pol := policy.MustCompile(policy.Default())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", c.path)
			if c.gen != nil {
				path = c.gen(t, t.TempDir())
			}
			runtime.GC()
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			var set *resource.Set
			var res *engine.Result
			var loadErr, evalErr error
			finished := make(chan struct{})
			peak := peakHeap(func() {
				go func() {
					defer close(finished)
					set, loadErr = load.Load(ctx, []string{path}, load.Options{})
					if loadErr == nil {
						res, evalErr = engine.Evaluate(ctx, pol, set, engine.Options{})
					}
				}()
				select {
				case <-finished:
				case <-time.After(deadline + 5*time.Second):
				}
			})
			select {
			case <-finished:
			default:
				t.Fatalf("no answer within %s: the input hangs guardrail", deadline)
			}
			if peak > maxHeap {
				t.Errorf("the heap reached %d MiB (bound %d MiB)", peak>>20, maxHeap>>20)
			}
			if loadErr != nil {
				t.Fatalf("load failed as a call error, not a diagnostic: %v", loadErr)
			}
			if evalErr != nil {
				t.Fatalf("evaluation failed: %v", evalErr)
			}
			if c.finding != "" {
				for _, f := range res.Findings {
					if f.RuleID == c.finding {
						t.Logf("reported: %s %s: %s", f.RuleID, f.Location, f.Message)
						return
					}
				}
				t.Fatalf("want a %s finding; got findings %v and diagnostics %v", c.finding, ruleIDs(res), res.Diagnostics)
			}
			if !res.Diagnostics.HasErrors() && !hasWarning(res.Diagnostics, c.want) {
				t.Fatalf("the input passed without an error: %d resources, diagnostics %v", res.Resources, res.Diagnostics)
			}
			text := strings.ToLower(describe(res.Diagnostics))
			for _, w := range c.want {
				if !strings.Contains(text, strings.ToLower(w)) {
					t.Errorf("the diagnostics do not say %q:\n%s", w, describe(res.Diagnostics))
				}
			}
			t.Logf("%s (peak heap %d MiB)", strings.TrimSpace(describe(res.Diagnostics)), peak>>20)
		})
	}
}

// hasWarning accepts a warning only for inputs that are read but flagged
// (a symlink not followed): it must name what the case wants.
func hasWarning(ds resource.Diagnostics, want []string) bool {
	text := strings.ToLower(describe(ds))
	for _, w := range want {
		if !strings.Contains(text, strings.ToLower(w)) {
			return false
		}
	}
	return len(ds) > 0
}

func describe(ds resource.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s: %s\n", d.Severity, d.Error())
	}
	return b.String()
}

func ruleIDs(res *engine.Result) []string {
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, f.RuleID)
	}
	return ids
}
