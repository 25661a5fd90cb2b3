package rule_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
)

// TestBuiltInRules checks every rule of the built-in registry: it validates,
// its ID is unique, the clauses it cites are the catalogue's, and its
// documentation anchor exists in docs/rules.md.
func TestBuiltInRules(t *testing.T) {
	all := rules.All()
	if len(all) == 0 {
		t.Fatal("no rules")
	}
	if _, err := rule.NewRegistry(all...); err != nil {
		t.Fatalf("the built-in rules do not make a registry: %v", err)
	}
	anchors := docAnchors(t, filepath.Join("..", "..", "docs", "rules.md"))
	seen := map[string]bool{}
	for _, r := range all {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if seen[r.ID] {
			t.Errorf("%s: two rules have this ID", r.ID)
		}
		seen[r.ID] = true
		for _, c := range r.Clauses {
			if want, ok := clause.ByID(c.ID); !ok {
				t.Errorf("%s cites clause %s, which is not in clause.All()", r.ID, c.ID)
			} else if want != c {
				t.Errorf("%s cites clause %s with other text than the catalogue's", r.ID, c.ID)
			}
		}
		url := r.DocsURL()
		_, anchor, ok := strings.Cut(url, "docs/rules.md#")
		if !ok || !anchors[anchor] {
			t.Errorf("%s: %s has no heading in docs/rules.md (run make docs)", r.ID, url)
		}
		for _, a := range r.Aliases() {
			if a == "" || strings.TrimSpace(a) != a {
				t.Errorf("%s: peer ID %q", r.ID, a)
			}
		}
	}
	if reg := rules.Default(); len(reg.Rules()) != len(all) {
		t.Errorf("Default() has %d rules, All() %d", len(reg.Rules()), len(all))
	}
}

// docAnchors returns the GitHub anchors of the headings of a Markdown file.
func docAnchors(t *testing.T, file string) map[string]bool {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	drop := regexp.MustCompile(`[^\p{L}\p{N}\- _]`)
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		out[strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(h), ""), " ", "-")] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPeerIDsExist checks the Checkov, Trivy and Terrascan IDs the rules
// list against the peers' own catalogues in ../shared/peer-rules.
func TestPeerIDsExist(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "peer-rules")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the peer rule catalogues are not here (%s): %v", dir, err)
	}
	checkov := peerIDs(t, filepath.Join(dir, "checkov_tf.tsv"), filepath.Join(dir, "checkov_k8s.tsv"))
	trivy := peerIDs(t, filepath.Join(dir, "trivy.tsv"))
	terrascan := peerIDs(t, filepath.Join(dir, "terrascan.tsv"))
	for _, r := range rules.All() {
		for _, c := range []struct {
			peer  string
			ids   []string
			known map[string]bool
		}{
			{"Checkov", r.Peers.Checkov, checkov},
			{"Trivy", r.Peers.Trivy, trivy},
			{"Terrascan", r.Peers.Terrascan, terrascan},
		} {
			for _, id := range c.ids {
				if !c.known[id] {
					t.Errorf("%s: %s has no rule %s", r.ID, c.peer, id)
				}
			}
		}
	}
}

// peerIDs reads the first column of tab-separated catalogues.
func peerIDs(t *testing.T, files ...string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if id, _, _ := strings.Cut(line, "\t"); strings.TrimSpace(id) != "" {
				out[strings.TrimSpace(id)] = true
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no IDs in %v", files)
	}
	return out
}
