package rule

import (
	"context"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

func TestCustomRuleValidate(t *testing.T) {
	custom := func(id string) *Rule {
		return valid(id, func(r *Rule) { r.Custom = true })
	}
	for _, tt := range []struct {
		rule *Rule
		want string // "" for valid
	}{
		{custom("ACME-001"), ""},
		{custom("ACME-NET-004"), ""},
		{custom("GR-PORT-001"), "starts with GR-"},
		{custom("acme-1"), "is not upper-case words"},
		{valid("ACME-001"), "is not of the form GR-CONTROL-NNN"},
	} {
		err := tt.rule.Validate()
		if tt.want == "" && err != nil {
			t.Errorf("%s: %v", tt.rule.ID, err)
		}
		if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: error %v, want one containing %q", tt.rule.ID, err, tt.want)
		}
	}
	reg, err := MustRegistry(valid("GR-PORT-001")).With(custom("ACME-001"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := reg.Lookup("ACME-001"); !ok {
		t.Error("the custom rule is not in the registry")
	}
}

func TestDocsURL(t *testing.T) {
	builtIn := valid("GR-PORT-001")
	if got := builtIn.DocsURL(); !strings.HasSuffix(got, "docs/rules.md#gr-port-001") {
		t.Errorf("built-in DocsURL %q", got)
	}
	builtIn.Link = "https://example.com/x"
	if builtIn.DocsURL() != "https://example.com/x" {
		t.Error("Link does not win")
	}
	custom := valid("ACME-001", func(r *Rule) { r.Custom = true })
	if got := custom.DocsURL(); got != "" {
		t.Errorf("a custom rule without a link points at %q", got)
	}
	custom.Link = "https://wiki.acme.example/ACME-001"
	if custom.DocsURL() != custom.Link {
		t.Error("custom Link")
	}
}

func TestIndexContext(t *testing.T) {
	p := policy.MustCompile(policy.Default())
	if ix := NewIndex(p, nil, IndexOptions{}); ix.Context() == nil {
		t.Error("an index without a context returns nil")
	}
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, 1)
	if ix := NewIndex(p, nil, IndexOptions{Context: ctx}); ix.Context().Value(key{}) != 1 {
		t.Error("the index does not carry its context")
	}
}
