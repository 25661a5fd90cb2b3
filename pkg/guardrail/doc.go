// Package guardrail is the one import for the common path: load Terraform
// source, plans and Kubernetes manifests, evaluate them against a policy,
// and read or render the findings, exactly as the guardrail CLI does.
//
//	res, err := guardrail.Lint(ctx, []string{"infra/", "k8s/"},
//		guardrail.WithPolicyFile("policy.yaml"))
//	if err != nil {
//		return err // a path that does not exist, an invalid policy
//	}
//	if res.Failed() {
//		res.Write(os.Stderr, report.Text)
//	}
//
// Options choose the policy (WithPolicy, WithPolicyFile; the built-in policy
// otherwise), add rules written in Go (WithRules), place every resource in
// one environment (WithEnv), tune loading (WithLoadOptions), give approvals
// from files, the author and the deployer (WithApproval), and set the
// severity that fails (WithSeverityThreshold). A Linter built once with New
// lints any number of inputs, concurrently.
//
// The packages underneath stay usable on their own: load (inputs), policy,
// rule and rules (the rule model and the built-in registry), engine
// (evaluation) and report (output formats). Rules of a policy's own, as CEL
// expressions, are declared in the policy file (spec.customRules, see
// docs/policy.md) and need no code.
//
// Package guardrailtest runs the same evaluation inside go test, and
// guardrailtest/gomega offers it as Gomega matchers.
package guardrail
