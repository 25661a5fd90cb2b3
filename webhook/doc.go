// Package webhook is guardrail's validating admission webhook: a thin
// controller-runtime admission.Handler that turns an AdmissionRequest into
// the resource model, asks the same engine the linter uses, and answers with
// a denial a person can act on (rule IDs, field paths, remediations), with
// admission warnings for warn-mode findings, or with an allowance.
//
// Change approvals are verified against the object the API server admits
// and the request's user as the deployer (approval.go): an update that
// changes nothing an approval covers needs none, objects the built-in
// controllers create for an approved owner need none, and break-glass
// deploys are admitted with a warning and recorded as Events.
//
// The handler keeps to its time budget; when it cannot decide (the object
// cannot be read, the namespace cannot be looked up in time, a rule fails) it
// follows the policy's failure policy and says so in its answer, in its logs
// and in its metrics. It never logs or echoes Secret data.
package webhook
