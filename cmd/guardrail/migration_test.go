package main

import (
	"bytes"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules"
)

// TestMigrationDocIsCurrent keeps docs/migration.md equal to the registry.
func TestMigrationDocIsCurrent(t *testing.T) {
	chdirRoot(t)
	var b bytes.Buffer
	if err := MigrationMarkdown(&b, rules.Default().Rules()); err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("docs/migration.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Errorf("docs/migration.md is stale: run `make docs`")
	}
}

// TestMigrationReverseIndex: every peer ID of every rule is in the reverse
// index, pointing back at the rule, and the registry resolves it as an alias.
func TestMigrationReverseIndex(t *testing.T) {
	var b bytes.Buffer
	if err := MigrationMarkdown(&b, rules.Default().Rules()); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	reverse := doc[strings.Index(doc, "## By peer rule ID"):]
	for _, r := range rules.Default().Rules() {
		for _, id := range r.Aliases() {
			line := ""
			for _, l := range strings.Split(reverse, "\n") {
				if strings.HasPrefix(l, "| `"+id+"` |") {
					line = l
				}
			}
			if !strings.Contains(line, "["+r.ID+"]") {
				t.Errorf("reverse index: %s does not lead to %s (%q)", id, r.ID, line)
			}
			found := false
			for _, a := range rules.Default().ByAlias(id) {
				found = found || a.ID == r.ID
			}
			if !found {
				t.Errorf("ByAlias(%s) does not resolve %s", id, r.ID)
			}
		}
	}
	for _, want := range []string{
		"| `CKV_K8S_26` | [GR-PORT-005](rules.md#gr-port-005) |",
		"| `KSV-0024` | [GR-PORT-005](rules.md#gr-port-005) |",
		"| `hostPortSet` | [GR-PORT-005](rules.md#gr-port-005) |",
		"| `disallow-host-ports` | [GR-PORT-005](rules.md#gr-port-005) |",
		"| `CKV_AWS_24` | [GR-PORT-001](rules.md#gr-port-001) |",
		"| `AWS-0107` | [GR-PORT-001](rules.md#gr-port-001) |",
		"| `GCP-0027` | [GR-PORT-001](rules.md#gr-port-001), [GR-PORT-002](rules.md#gr-port-002), [GR-PORT-003](rules.md#gr-port-003) |",
	} {
		if !strings.Contains(doc, want+"\n") {
			t.Errorf("missing %s", want)
		}
	}
}

func TestNaturalLess(t *testing.T) {
	ids := []string{"CKV_AWS_10", "CKV2_AWS_1", "CKV_AWS_2", "AC_AWS_0120", "AC_AWS_0014", "CKV_AWS_100", "KSV-0024", "KSV-0109", "KSV-01010"}
	sort.Slice(ids, func(i, j int) bool { return naturalLess(ids[i], ids[j]) })
	want := "AC_AWS_0014 AC_AWS_0120 CKV2_AWS_1 CKV_AWS_2 CKV_AWS_10 CKV_AWS_100 KSV-0024 KSV-0109 KSV-01010"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}
