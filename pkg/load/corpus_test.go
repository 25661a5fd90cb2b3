package load

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// TestCorpus walks the whole shared corpus (Terraform modules, plans and
// manifests side by side): the walk never fails, every diagnostic is
// located, and the result is the same twice.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("walks the whole corpus")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(root, "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not found at %s; the corpus test needs it", corpus)
	}
	set, err := Load(context.Background(), []string{corpus}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]bool{}
	formats := map[resource.Format]int{}
	for _, r := range set.Resources {
		units[r.Unit] = true
		formats[r.Format]++
		if r.Location.File == "" || r.Location.Line == 0 {
			t.Errorf("%s: no location", r.Address)
		}
	}
	errs := map[string]int{}
	for _, d := range set.Diagnostics {
		if d.Location.File == "" {
			t.Errorf("diagnostic without a file: %v", d)
		}
		if d.Severity == resource.DiagError {
			errs[d.Summary]++
		}
	}
	t.Logf("corpus walk: %d resources %v in %d units; %d diagnostics, errors by summary %v",
		len(set.Resources), formats, len(units), len(set.Diagnostics), errs)
	again, err := Load(context.Background(), []string{corpus}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Resources) != len(set.Resources) || len(again.Diagnostics) != len(set.Diagnostics) {
		t.Fatalf("second walk differs: %d/%d resources, %d/%d diagnostics",
			len(again.Resources), len(set.Resources), len(again.Diagnostics), len(set.Diagnostics))
	}
	for i := range set.Resources {
		if a, b := set.Resources[i], again.Resources[i]; a.Unit != b.Unit || a.Address != b.Address {
			t.Fatalf("resource %d differs: %s %s / %s %s", i, a.Unit, a.Address, b.Unit, b.Address)
		}
	}
}
