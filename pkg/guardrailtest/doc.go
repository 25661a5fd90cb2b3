// Package guardrailtest runs guardrail inside go test, so that an
// infrastructure repository guards its Terraform, plans and manifests with
// its own tests, judged exactly as the CLI and the admission webhook judge
// them.
//
//	func TestInfraFollowsPolicy(t *testing.T) {
//		t.Parallel()
//		guardrailtest.Lint(t, []string{"envs/", "k8s/"},
//			guardrail.WithPolicyFile("policy.yaml"))
//	}
//
// Lint passes silently when nothing fails and otherwise fails the test with
// the CLI's text report: each finding at its file:line:column, its rule,
// message and remediation, with a snippet of the source. RequireFinding and
// RequireNoFinding assert what one rule says about fixtures, such as a
// deliberately broken file kept to prove a rule still catches it.
//
// Options are those of package guardrail (WithPolicyFile, WithEnv,
// WithSeverityThreshold, WithRules, WithNow...). The helpers keep no state
// between calls and are safe in parallel tests. Package
// guardrailtest/gomega offers the same checks as Gomega matchers for
// Ginkgo suites.
package guardrailtest
