package clause

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIDsUniqueAndSorted(t *testing.T) {
	all := All()
	if len(all) == 0 {
		t.Fatal("no clauses")
	}
	seen := map[string]bool{}
	for i, c := range all {
		if seen[c.ID] {
			t.Errorf("duplicate ID %s", c.ID)
		}
		seen[c.ID] = true
		if i > 0 && all[i-1].ID >= c.ID {
			t.Errorf("not sorted: %s before %s", all[i-1].ID, c.ID)
		}
		if c.Policy == "" || c.Source == "" || c.Heading == "" || c.Text == "" {
			t.Errorf("%s: incomplete %+v", c.ID, c)
		}
		// The ID is the policy number and a slug; the number is the file's.
		num, slug, ok := strings.Cut(c.ID, "/")
		if !ok || !strings.HasPrefix(c.Source, num+"_") || slug == "" || slug != strings.ToLower(slug) || strings.ContainsAny(slug, " _/") {
			t.Errorf("%s: ID does not match the source %s", c.ID, c.Source)
		}
		if got, ok := ByID(c.ID); !ok || got != c {
			t.Errorf("ByID(%s) = %+v, %v", c.ID, got, ok)
		}
	}
	if _, ok := ByID("999/none"); ok {
		t.Error("ByID of an unknown ID")
	}
	// All returns a fresh slice: sorting or changing it does not change the catalogue.
	a := All()
	a[0].Text = "changed"
	slices.Reverse(a)
	if b := All(); b[0].Text == "changed" || b[0].ID != all[0].ID {
		t.Error("All returns shared storage")
	}
}

func TestEnglish(t *testing.T) {
	if got := SeparateDevTestProd.English(); got != SeparateDevTestProd.Translation || got == SeparateDevTestProd.Text {
		t.Errorf("Dutch clause in English: %q", got)
	}
	if got := EncryptionInTransit.English(); got != EncryptionInTransit.Text {
		t.Errorf("English clause: %q", got)
	}
	for _, c := range All() {
		if strings.HasPrefix(c.Source, "002_") && c.Translation == "" {
			t.Errorf("%s: a clause of the Dutch policy needs a translation", c.ID)
		}
	}
}

// normalise collapses whitespace and straightens curly quotes and
// apostrophes, so a clause quoted from a file wrapped or typeset differently
// still matches.
func normalise(s string) string {
	s = strings.NewReplacer(
		"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u2032", "'",
		"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2033", `"`,
		"\u00a0", " ", "\u2013", "-", "\u2014", "-",
	).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// TestTextQuotesTheSeed checks that every clause quotes its policy file word
// for word.
func TestTextQuotesTheSeed(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "seeds")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the seed policies are not here (%s): %v", dir, err)
	}
	texts := map[string]string{}
	for _, c := range All() {
		text, ok := texts[c.Source]
		if !ok {
			b, err := os.ReadFile(filepath.Join(dir, c.Source))
			if err != nil {
				t.Errorf("%s: %v", c.ID, err)
				continue
			}
			text = normalise(string(b))
			texts[c.Source] = text
		}
		// Passages joined by an ellipsis appear in order.
		rest := text
		for _, part := range strings.Split(normalise(c.Text), "\u2026") {
			i := strings.Index(rest, strings.TrimSpace(part))
			if i < 0 {
				t.Errorf("%s: the text is not in %s:\n  %s", c.ID, c.Source, strings.TrimSpace(part))
				break
			}
			rest = rest[i+len(strings.TrimSpace(part)):]
		}
	}
}
