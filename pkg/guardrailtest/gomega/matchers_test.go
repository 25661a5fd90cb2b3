package gomega_test

import (
	"context"
	"strings"
	"testing"

	"github.com/onsi/gomega"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	grm "github.com/guardrail-dev/guardrail/pkg/guardrailtest/gomega"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// expect runs one assertion and returns its failure message, "" when it passes.
func expect(t *testing.T, assert func(g gomega.Gomega)) string {
	t.Helper()
	var msgs []string
	g := gomega.NewGomega(func(message string, _ ...int) { msgs = append(msgs, message) })
	assert(g)
	return strings.Join(msgs, "\n")
}

func TestPassPolicy(t *testing.T) {
	t.Parallel()
	acme := policy.MustCompile(policy.Default())
	if msg := expect(t, func(g gomega.Gomega) { g.Expect("../testdata/clean").To(grm.PassPolicy(acme)) }); msg != "" {
		t.Errorf("a clean input: %s", msg)
	}
	if msg := expect(t, func(g gomega.Gomega) {
		g.Expect([]string{"../testdata/clean", "../testdata/waived"}).To(grm.PassPolicy(nil))
	}); msg != "" {
		t.Errorf("clean and waived inputs: %s", msg)
	}
	msg := expect(t, func(g gomega.Gomega) { g.Expect("../testdata/open-ssh").To(grm.PassPolicy(acme)) })
	for _, want := range []string{
		`Expected ../testdata/open-ssh to pass policy "guardrail-default", but 1 findings and 0 input errors fail it:`,
		"CRITICAL GR-PORT-001 Administration ports are not open to the world",
		"at ../testdata/open-ssh/main.tf:5:3",
		"Remediation: Restrict the source",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the failure message lacks %q:\n%s", want, msg)
		}
	}
	msg = expect(t, func(g gomega.Gomega) { g.Expect("../testdata/clean").NotTo(grm.PassPolicy(nil)) })
	if !strings.Contains(msg, "Expected ../testdata/clean not to pass policy") {
		t.Errorf("negated: %s", msg)
	}
	// Options reach the lint: at the critical threshold a high finding passes.
	if msg := expect(t, func(g gomega.Gomega) {
		g.Expect("../testdata/open-ssh").To(grm.PassPolicy(nil, guardrail.WithSeverityThreshold(policy.Critical)))
	}); msg == "" {
		t.Error("a critical finding passes at the critical threshold")
	}
}

func TestHaveFinding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		negate      bool
		want        string // "" to pass
	}{
		{"violation", "../testdata/open-ssh", false, ""},
		{"violation negated", "../testdata/open-ssh", true, "Expected no finding of GR-PORT-001 in ../testdata/open-ssh, got:"},
		{"clean", "../testdata/clean", false, "Expected a finding of GR-PORT-001 in ../testdata/clean, got none:"},
		{"clean negated", "../testdata/clean", true, ""},
		{"waived", "../testdata/waived", false, "got none (1 waived):"},
		{"waived negated", "../testdata/waived", true, ""},
		{"undecidable", "../testdata/unknown", false, "GR-PORT-001 cannot decide statically on ../testdata/unknown"},
		{"undecidable negated", "../testdata/unknown", true, "GR-PORT-001 cannot decide statically on ../testdata/unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := expect(t, func(g gomega.Gomega) {
				if tt.negate {
					g.Expect(tt.input).NotTo(grm.HaveFinding("GR-PORT-001"))
				} else {
					g.Expect(tt.input).To(grm.HaveFinding("GR-PORT-001"))
				}
			})
			if tt.want == "" && msg != "" || tt.want != "" && !strings.Contains(msg, tt.want) {
				t.Errorf("message %q, want one containing %q", msg, tt.want)
			}
		})
	}
	if msg := expect(t, func(g gomega.Gomega) { g.Expect("../testdata/clean").To(grm.HaveFinding("GR-NOPE-001")) }); !strings.Contains(msg, "no rule has that ID") {
		t.Errorf("unknown rule: %s", msg)
	}
}

func TestActualValues(t *testing.T) {
	t.Parallel()
	set, err := load.Load(context.Background(), []string{"../testdata/open-ssh"}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if msg := expect(t, func(g gomega.Gomega) { g.Expect(set).To(grm.HaveFinding("GR-PORT-001")) }); msg != "" {
		t.Errorf("a *resource.Set: %s", msg)
	}
	for name, actual := range map[string]any{"an int": 42, "a missing path": "../testdata/none"} {
		if msg := expect(t, func(g gomega.Gomega) { g.Expect(actual).To(grm.PassPolicy(nil)) }); msg == "" {
			t.Errorf("%s passed", name)
		}
	}
	if msg := expect(t, func(g gomega.Gomega) {
		g.Expect("../testdata/clean").To(grm.PassPolicy(nil, guardrail.WithEnv("moon")))
	}); !strings.Contains(msg, `"moon"`) {
		t.Errorf("a bad option: %s", msg)
	}
}
