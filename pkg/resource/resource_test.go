package resource

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoConcurrent(t *testing.T) {
	r := &Resource{}
	var calls [4]atomic.Int32
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			key := g % len(calls)
			got := r.Memo(key, func() any {
				calls[key].Add(1)
				return key * 10
			})
			if got != key*10 {
				t.Errorf("Memo(%d) = %v", key, got)
			}
		})
	}
	wg.Wait()
	for k := range calls {
		if n := calls[k].Load(); n != 1 {
			t.Errorf("compute for key %d ran %d times, want once", k, n)
		}
	}
}

func TestMemoNested(t *testing.T) {
	// A derived view may be built from another one (containers from the pod spec).
	r := &Resource{}
	done := make(chan any)
	go func() {
		done <- r.Memo("outer", func() any {
			return r.Memo("inner", func() any { return 1 }).(int) + 1
		})
	}()
	select {
	case v := <-done:
		if v != 2 {
			t.Fatalf("Memo = %v, want 2", v)
		}
	case <-timeout(t):
		t.Fatal("Memo called from a compute function deadlocked")
	}
}

func timeout(t *testing.T) <-chan time.Time {
	t.Helper()
	return time.After(10 * time.Second)
}

func TestMemoPanicRetries(t *testing.T) {
	r := &Resource{}
	func() {
		defer func() { _ = recover() }()
		r.Memo("k", func() any { panic("boom") })
	}()
	if got := r.Memo("k", func() any { return "ok" }); got != "ok" {
		t.Fatalf("after a panic Memo = %v, want a fresh compute", got)
	}
}

func TestMemoNilValue(t *testing.T) {
	r := &Resource{}
	calls := 0
	for range 3 {
		if v := r.Memo("nil", func() any { calls++; return nil }); v != nil {
			t.Fatalf("Memo = %v", v)
		}
	}
	if calls != 1 {
		t.Fatalf("a nil result is cached too; compute ran %d times", calls)
	}
}

func TestResourceLocate(t *testing.T) {
	own := Location{File: "main.tf", Line: 3, Column: 1}
	r := &Resource{Location: own}
	if got := r.Locate(Path{Key("a")}); got != own {
		t.Errorf("without a Locator: %v", got)
	}
	r.Locator = LocatorFunc(func(p Path) Location {
		if p.String() == "a" {
			return Location{File: "main.tf", Line: 5, Column: 3}
		}
		return Location{}
	})
	if got := r.Locate(Path{Key("a")}); got.Line != 5 {
		t.Errorf("Locate(a) = %v", got)
	}
	if got := r.Locate(Path{Key("b")}); got != own {
		t.Errorf("a Locator that knows nothing falls back to the resource: %v", got)
	}
	if got := r.Locate(nil); got != own {
		t.Errorf("the empty path is the resource: %v", got)
	}
}

func TestResourceGetAndKinds(t *testing.T) {
	r := &Resource{Format: FormatPlan, Action: ActionDelete, Attributes: map[string]any{"a": map[string]any{"b": "c"}}}
	if r.Get("a", "b").String() != "c" || r.Value().Get("a").Len() != 1 {
		t.Error("Get")
	}
	if r.IsKubernetes() || !r.IsDeleted() || !r.Format.IsTerraform() || !FormatTerraform.IsTerraform() || FormatKubernetes.IsTerraform() {
		t.Error("format and action predicates")
	}
}

func TestSetAdd(t *testing.T) {
	var s Set
	s.Add(nil)
	s.Add(&Set{Resources: []*Resource{{Address: "a"}}, Sources: map[string][]byte{"f": []byte("x")}})
	s.Add(&Set{Resources: []*Resource{{Address: "b"}}, Diagnostics: Diagnostics{ErrorAt(Location{File: "g"}, "s", "")}})
	if len(s.Resources) != 2 || len(s.Diagnostics) != 1 || string(s.Sources["f"]) != "x" {
		t.Fatalf("Add: %+v", s)
	}
}

func TestLocationString(t *testing.T) {
	tests := []struct {
		loc  Location
		want string
	}{
		{Location{}, "<input>"},
		{Location{File: "a.yaml"}, "a.yaml"},
		{Location{File: "a.yaml", Line: 3}, "a.yaml:3"},
		{Location{File: "a.yaml", Line: 3, Column: 7}, "a.yaml:3:7"},
		{Location{File: "a.yaml", Column: 7}, "a.yaml"},
		{Location{File: "a.yaml", Line: 3, Column: 7, Document: 0}, "a.yaml:3:7"},
		{Location{File: "a.yaml", Line: 3, Column: 7, Document: 2}, "a.yaml:3:7 (document 3)"},
		{Location{File: "main.tf", Line: 1, Document: -1}, "main.tf:1"},
		{Location{Line: 9}, "<input>:9"},
	}
	for _, tt := range tests {
		if got := tt.loc.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.loc, got, tt.want)
		}
	}
	if !(Location{}).IsZero() || (Location{Line: 1}).IsZero() || (Location{File: "a"}).IsZero() {
		t.Error("IsZero")
	}
}

func TestDiagnostics(t *testing.T) {
	loc := Location{File: "a.tf", Line: 2, Column: 4}
	warn := WarningAt(loc, "odd", "look at it")
	e1 := ErrorAt(loc, "broken", "fix it")
	e2 := ErrorAt(Location{File: "b.tf"}, "also broken", "")
	tests := []struct {
		name      string
		ds        Diagnostics
		hasErrors bool
		errs      []string
	}{
		{"nil", nil, false, nil},
		{"warnings only", Diagnostics{warn, warn}, false, nil},
		{"one error", Diagnostics{warn, e1}, true, []string{"a.tf:2:4: broken: fix it"}},
		{"two errors", Diagnostics{e1, warn, e2}, true, []string{"a.tf:2:4: broken: fix it", "b.tf: also broken"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ds.HasErrors(); got != tt.hasErrors {
				t.Errorf("HasErrors() = %v", got)
			}
			err := tt.ds.Errs()
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("Errs() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Errs() = nil")
			}
			if got := err.Error(); got != strings.Join(tt.errs, "\n") {
				t.Errorf("Errs() = %q", got)
			}
			var d Diagnostic
			if !errors.As(err, &d) || d.Severity != DiagError {
				t.Errorf("the joined error does not unwrap to a Diagnostic: %v", err)
			}
		})
	}
	if DiagError.String() != "error" || DiagWarning.String() != "warning" {
		t.Error("severity names")
	}
	if b, _ := DiagWarning.MarshalText(); string(b) != "warning" {
		t.Error("MarshalText")
	}
}
