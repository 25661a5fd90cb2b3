package approval_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/internal/synth"
	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/load/tfplan"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// TestPlanSubjectDigest: Subjects and PlanDigest hash a plan's canonical
// form as they write it, in chunks; the digest, and the form PlanDigest
// keeps, must be those of the whole form written at once.
func TestPlanSubjectDigest(t *testing.T) {
	set, err := tfplan.Load("plan.json", synth.Plan(1000, synth.PlanOptions{}), tfplan.Options{})
	if err != nil || set.Diagnostics.HasErrors() {
		t.Fatalf("%v %v", err, set.Diagnostics)
	}
	pol := policy.MustCompile(policy.Default())
	subjects := approval.Subjects(pol, rule.NewIndex(pol, set.Resources, rule.IndexOptions{}), set.Resources)
	if len(subjects) != 1 || subjects[0].Kubernetes {
		t.Fatalf("want one plan subject, got %d", len(subjects))
	}
	s := subjects[0]
	// The reference: the whole canonical form at once, as Canonical writes it.
	canonical, err := approval.Canonical(approval.PlanChanges(s.Resources))
	if err != nil || s.Err != nil {
		t.Fatal(err, s.Err)
	}
	digest := approval.DigestBytes(canonical)
	if d, kept, err := approval.PlanDigest(s.Resources); err != nil || d != digest || string(kept) != string(canonical) {
		t.Errorf("PlanDigest = %s (%d bytes kept), %v; want %s (%d bytes)", d, len(kept), err, digest, len(canonical))
	}
	if len(canonical) < 256<<10 {
		t.Fatalf("the canonical form is %d bytes: too small to be hashed in several chunks", len(canonical))
	}
	if s.Digest != digest || s.Canonical != nil {
		t.Errorf("subject digest %s (canonical kept: %v), PlanDigest %s", s.Digest, s.Canonical != nil, digest)
	}
}
