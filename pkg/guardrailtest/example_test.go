package guardrailtest_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/guardrailtest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// An infrastructure repository's own test: everything it deploys follows
// the policy. It passes silently, or fails with the CLI's text report.
func ExampleLint() {
	testInfra := func(t *testing.T) {
		t.Parallel()
		guardrailtest.Lint(t, []string{"envs/", "k8s/", "plans/"},
			guardrail.WithPolicyFile("policy.yaml"),
			guardrail.WithSeverityThreshold(policy.Medium))
	}
	_ = testInfra // func TestInfra(t *testing.T) in infra_test.go
}

// Fixtures kept to prove that rules still catch what they must: a
// deliberately broken file, and its fixed twin.
func ExampleRequireFinding() {
	testFixtures := func(t *testing.T) {
		fs := guardrailtest.RequireFinding(t, []string{"testdata/open-ssh"}, "GR-PORT-001",
			guardrail.WithPolicyFile("policy.yaml"), guardrail.WithEnv("prod"))
		for _, f := range fs {
			if f.Subject.Address != "aws_security_group.bastion" {
				t.Errorf("GR-PORT-001 on %s, want the bastion", f.Subject.Address)
			}
		}
		guardrailtest.RequireNoFinding(t, []string{"testdata/vpn-only-ssh"}, "GR-PORT-001",
			guardrail.WithPolicyFile("policy.yaml"), guardrail.WithEnv("prod"))
	}
	_ = testFixtures // func TestFixtures(t *testing.T) in fixtures_test.go
}
