package manifest

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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

type manifestIndexEntry struct {
	Path       string         `json:"path"`
	K8sObjects int            `json:"k8s_objects"`
	Kinds      map[string]int `json:"kinds"`
	ParseError *string        `json:"parse_error"`
}

// TestCorpus loads every manifest of the shared corpus and compares the
// objects found with manifests_index.json: each file loads with the
// objects the index counts, or fails with a located diagnostic, and never
// panics.
func TestCorpus(t *testing.T) {
	root := corpusDir(t, "k8s-manifests")
	raw, err := os.ReadFile(filepath.Join(root, "manifests_index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []manifestIndexEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	index := map[string]manifestIndexEntry{}
	for _, e := range entries {
		index[e.Path] = e
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json":
			if d.Name() != "manifests_index.json" {
				files = append(files, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var clean, failed, objects, indexObjects, warnings int
	summaries := map[string]int{}
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
		if !inIndex {
			t.Errorf("%s: not in manifests_index.json", rel)
			continue
		}
		indexObjects += e.K8sObjects
		objects += len(set.Resources)
		for _, d := range set.Diagnostics {
			if d.Location.File != rel || d.Location.Line == 0 {
				t.Errorf("%s: diagnostic without a location: %v", rel, d)
			}
			if d.Severity == resource.DiagWarning {
				warnings++
				t.Logf("%s: %v", rel, d)
			}
		}
		kinds := map[string]int{}
		for _, r := range set.Resources {
			kinds[r.Type]++
			if r.Location.Line == 0 || r.Address == "" {
				t.Errorf("%s: resource without address or location: %+v", rel, r)
			}
		}
		if set.Diagnostics.HasErrors() {
			failed++
			for _, d := range set.Diagnostics {
				if d.Severity == resource.DiagError {
					summaries[d.Summary]++
					t.Logf("%s: %v", rel, d)
				}
			}
		} else {
			clean++
		}
		// The index was built with PyYAML, which cannot read the "=" scalar
		// some CRDs hold; Kubernetes (and guardrail) read those files.
		pyYAMLOnly := e.ParseError != nil && strings.Contains(*e.ParseError, "yaml.org,2002:value")
		switch {
		case pyYAMLOnly:
			if set.Diagnostics.HasErrors() || len(set.Resources) == 0 {
				t.Errorf("%s: the index's parse error is PyYAML's; want the file loaded, got %d objects, %v", rel, len(set.Resources), set.Diagnostics.Errs())
			}
		case e.ParseError != nil:
			if !set.Diagnostics.HasErrors() {
				t.Errorf("%s: the index records a parse error (%s); loaded without error", rel, *e.ParseError)
			}
		case len(set.Resources)+stricter(t, rel, set) != e.K8sObjects:
			t.Errorf("%s: %d objects %v, the index counts %d %v; %v", rel, len(set.Resources), kinds, e.K8sObjects, e.Kinds, set.Diagnostics.Errs())
		case e.K8sObjects == 0 && len(data) > 0 && !set.Diagnostics.HasErrors() && len(set.Diagnostics) == 0:
			t.Errorf("%s: no objects and no diagnostic", rel)
		}
	}
	t.Logf("manifest corpus: %d files, %d without errors, %d with error diagnostics %v, %d warnings; %d objects loaded, the index counts %d",
		len(files), clean, failed, summaries, warnings, objects, indexObjects)
}

// stricter counts the objects guardrail refuses on purpose where the index
// (built with PyYAML, which keeps the last of duplicate keys and checks no
// types) counts an object: duplicate keys, and values of the wrong type for
// a built-in kind, such as a placeholder where an integer belongs.
func stricter(t *testing.T, rel string, set *resource.Set) int {
	n := 0
	for _, d := range set.Diagnostics {
		if d.Severity != resource.DiagError {
			continue
		}
		if strings.HasPrefix(d.Detail, "duplicate key") || strings.HasPrefix(d.Summary, "invalid ") && d.Summary != "invalid YAML" && d.Summary != "invalid Kubernetes object" {
			t.Logf("%s: refused on purpose, the index counts it: %v", rel, d)
			n++
		}
	}
	return n
}
