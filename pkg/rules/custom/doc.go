// Package custom turns the custom rules a policy declares (spec.customRules:
// CEL expressions over a resource, see package celexpr) into rule.Rule
// values. The engine adds them to the registry of every evaluation under
// that policy, so their findings are placed, configured (spec.rules),
// waived and reported like those of guardrail's own rules, by the linter, the
// admission webhook and the go test helpers alike.
//
// A custom rule's check judges each resource its match selects: a true
// expression is a finding at the rule's path; a value that depends on an
// attribute unknown until apply, or an expression that fails on the resource
// (a missing key, its cost limit), is a "cannot be decided statically"
// finding naming why, reported as the policy's undecidable setting says.
// Neither is ever taken for a pass.
package custom
