package approval_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/internal/synth"
	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/load/tfplan"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// TestPlanSubjectDigest: Subjects hashes a plan's canonical form as it
// writes it, in chunks, without keeping it; the digest must be the one
// PlanDigest computes from the whole form.
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
	digest, canonical, err := approval.PlanDigest(s.Resources)
	if err != nil || s.Err != nil {
		t.Fatal(err, s.Err)
	}
	if len(canonical) < 256<<10 {
		t.Fatalf("the canonical form is %d bytes: too small to be hashed in several chunks", len(canonical))
	}
	if s.Digest != digest || s.Canonical != nil {
		t.Errorf("subject digest %s (canonical kept: %v), PlanDigest %s", s.Digest, s.Canonical != nil, digest)
	}
}
