package tfplan

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/internal/synth"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-dev/guardrail/pkg/load/internal/textenc"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// corpusDir returns the shared corpus directory next to the repository, or
// skips the test when it is absent.
func corpusDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	corpus := filepath.Join(dir, "..", "shared", "corpus", sub)
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not found at %s; the corpus test needs it", corpus)
	}
	return corpus
}

type planIndexEntry struct {
	CorpusPath      string  `json:"corpus_path"`
	FormatVersion   *string `json:"format_version"`
	ResourceChanges int     `json:"resource_changes"`
	Origin          string  `json:"origin"`
	JSONParseError  *string `json:"json_parse_error"`
}

// TestCorpus loads every plan-shaped JSON file of the shared corpus: each
// must load cleanly or fail with a located diagnostic, as plans_index.json
// predicts, and never panic.
func TestCorpus(t *testing.T) {
	root := corpusDir(t, "plan-json")
	raw, err := os.ReadFile(filepath.Join(root, "plans_index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []planIndexEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	index := map[string]planIndexEntry{}
	for _, e := range entries {
		index[strings.TrimPrefix(e.CorpusPath, "plan-json/")] = e
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && d.Name() != "plans_index.json" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var loaded, failed, resources, warned int
	reasons := map[string]int{}
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		set, err := Load(rel, data, Options{})
		if err != nil {
			t.Errorf("%s: Load error %v", rel, err)
			continue
		}
		e, inIndex := index[rel]
		wantFail := !inIndex || e.JSONParseError != nil || e.FormatVersion == nil || strings.Contains(e.Origin, "state-shaped")
		for _, d := range set.Diagnostics {
			if d.Location.File != rel || (d.Severity == resource.DiagError && d.Location.Line == 0) {
				t.Errorf("%s: diagnostic without a location: %v", rel, d)
			}
			if d.Severity == resource.DiagWarning {
				warned++
			}
		}
		if set.Diagnostics.HasErrors() {
			failed++
			for _, d := range set.Diagnostics {
				if d.Severity == resource.DiagError {
					reasons[d.Summary]++
					t.Logf("%s: %v", rel, d)
					break
				}
			}
			if !wantFail {
				t.Errorf("%s: failed, the index says it is a valid plan: %v", rel, set.Diagnostics.Errs())
			}
			continue
		}
		loaded++
		resources += len(set.Resources)
		if wantFail {
			t.Errorf("%s: loaded %d resources, the index marks it invalid or not a plan", rel, len(set.Resources))
		}
		if inIndex && len(set.Resources) != e.ResourceChanges {
			t.Errorf("%s: %d resources, the index counts %d resource changes", rel, len(set.Resources), e.ResourceChanges)
		}
	}
	t.Logf("plan corpus: %d files, %d loaded (%d resources), %d failed with a diagnostic %v, %d warnings; index lists %d plans",
		len(files), loaded, resources, failed, reasons, warned, len(entries))
}

// TestDecodeChangeMatchesStdlib decodes every resource change of the corpus
// with decodeChange (goccy/go-json) and with encoding/json, and requires the
// same result, so that the faster decoder changes nothing but speed.
func TestDecodeChangeMatchesStdlib(t *testing.T) {
	root := corpusDir(t, "plan-json")
	var compared int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		data, _ = textenc.Normalize(data)
		var plan struct {
			ResourceChanges []json.RawMessage `json:"resource_changes"`
		}
		if json.Unmarshal(data, &plan) != nil {
			return nil
		}
		for i, raw := range plan.ResourceChanges {
			var fast, std tfjson.ResourceChange
			ferr := decodeChange(raw, &fast)
			serr := json.Unmarshal(raw, &std)
			if (ferr == nil) != (serr == nil) || !reflect.DeepEqual(fast, std) {
				t.Errorf("%s: resource_changes[%d] decodes differently: %v / %v", path, i, ferr, serr)
			}
			compared++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	gen := synth.Plan(300, synth.PlanOptions{})
	var plan struct {
		ResourceChanges []json.RawMessage `json:"resource_changes"`
	}
	if err := json.Unmarshal(gen, &plan); err != nil {
		t.Fatal(err)
	}
	for i, raw := range plan.ResourceChanges {
		var fast, std tfjson.ResourceChange
		if decodeChange(raw, &fast) != nil || json.Unmarshal(raw, &std) != nil || !reflect.DeepEqual(fast, std) {
			t.Errorf("generated resource_changes[%d] decodes differently", i)
		}
		compared++
	}
	t.Logf("%d resource changes decode the same with goccy/go-json and encoding/json", compared)
}
