// Package approval makes a change approval mean something: who approved,
// that they neither wrote nor deploy the change, and that they approved this
// change and not another.
//
// An Approval states the digest of the change (the sha256 of its canonical
// form: Object for a Kubernetes object, PlanChanges for a plan's changes
// that need approval), the approver, the change ticket, the time and an
// optional expiry, signed with the approver's SSH key in the format of
// `ssh-keygen -Y sign -n guardrail.dev/approval` over the approval's
// Statement, so that none of these can be changed after signing. A Change
// holds the approvals of one digest; it is the value of a Kubernetes
// object's guardrail.dev/approvals annotation, where it also embeds the
// approved manifest, and an entry of a plan's approvals file.
//
// Verify checks every change of an input that needs approval, and reports
// each condition that fails as a finding of a GR-APPR-* rule: no approval,
// another change's approval, an approver who is the author or the deployer,
// a signer the policy does not list for the environment, an expired
// approval, a ticket not matching the policy, too few distinct people. It
// is what the engine runs for the linter, the admission webhook and the go
// test helpers alike, with a Context saying who authors and deploys.
//
// The API server defaults and allocates fields before a validating webhook
// sees an object, so the admitted object's digest never is the approved
// manifest's. Match compares the two: every approved field must be in the
// object as approved, and every other field of the object must be one the
// API server sets, with its default value where that is fixed.
//
// The package does not depend on controller-runtime; docs/approvals.md
// describes the formats and the canonical forms so that other tools can
// compute and check them.
package approval
