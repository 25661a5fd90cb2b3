package hclsource

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// corpusDir is the shared corpus of real-world Terraform, beside the
// repository; tests that need it skip when it is absent.
var corpusDir = filepath.Join("..", "..", "..", "..", "shared", "corpus", "terraform-hcl")

func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus not found at " + corpusDir)
	}
	dirs := moduleDirs(t, corpusDir)
	var resources, errs, warns int
	for _, dir := range dirs {
		start := time.Now()
		set, err := LoadModule(context.Background(), dir, Options{})
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %s", dir, d)
		}
		resources += len(set.Resources)
		for _, d := range set.Diagnostics {
			if d.Severity.String() == "error" {
				errs++
				t.Logf("%s", d.Error())
			} else {
				warns++
			}
		}
		for _, r := range set.Resources {
			if r.Address == "" || r.Location.Line == 0 || r.Unit != filepath.Clean(dir) {
				t.Errorf("%s: incomplete resource %+v", dir, r)
			}
		}
	}
	t.Logf("corpus: %d module directories, %d resources, %d error and %d warning diagnostics", len(dirs), resources, errs, warns)
}
