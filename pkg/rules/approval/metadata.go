package approval

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// reportedBy names the verifier that reports every GR-APPR-* finding.
const reportedBy = "approval verification (pkg/approval), run by the engine for the linter, the webhook and the audit"

var (
	clauses     = []clause.Clause{clause.ApprovalForSystemChanges, clause.ValidatedApprovedChanges, clause.FourEyes, clause.ReviewAndRollout}
	formats     = []resource.Format{resource.FormatPlan, resource.FormatKubernetes}
	remediation = "Have an independent person approve this exact change (guardrail approve, docs/approvals.md) and deploy it with the approval."
)

// ApprovalMetadata is GR-APPR-001: a change that needs approval has none.
var ApprovalMetadata = &rule.Rule{
	ID:       "GR-APPR-001",
	Title:    "Changes that need approval carry an approval",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  clauses,
	Description: "A change to an environment that needs approval (spec.approval.environments; production by default) " +
		"carries no approval: a Kubernetes object without the guardrail.dev/approvals annotation (the policy's " +
		"annotationPrefix + approvals), a resource change of a Terraform plan with no approvals file whose digest is " +
		"the plan's (<plan>.approvals.json next to the plan, or guardrail lint --approvals), or an approval that cannot " +
		"be read. Plan changes include deletes; no-op and read changes, and Terraform source (HCL), are not changes. " +
		"Naming an approver in an annotation is not an approval: an approval states the digest of the change, " +
		"the approver, the ticket and the time, signed with the approver's SSH key.",
	Remediation: remediation,
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// WrongDigest is GR-APPR-002: the approval is for another change.
var WrongDigest = &rule.Rule{
	ID:       "GR-APPR-002",
	Title:    "An approval is for this exact change",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  clauses,
	Description: "The approval names the digest of a different change: the object or plan was modified after it was " +
		"approved, or an approval of an earlier version was carried over. For Kubernetes, the approval embeds the " +
		"approved manifest, and the object the API server admits must equal it but for the fields the API server " +
		"defaults or allocates; the finding names the first fields that differ.",
	Remediation: "Have the change as it now is approved (guardrail approve), or deploy the version that was approved.",
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// NotIndependent is GR-APPR-003: the approver wrote or deploys the change.
var NotIndependent = &rule.Rule{
	ID:       "GR-APPR-003",
	Title:    "The approver is neither the author nor the deployer of the change",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.FourEyes, clause.ApprovalForSystemChanges, clause.ValidatedApprovedChanges},
	Description: "Four eyes: an approval by the change's author (the guardrail.dev/author annotation, or lint --author) " +
		"or by the identity deploying it (the admission request's user, or lint --deployer) does not count. " +
		"Identities compare without case, and the identities holding the signing key all count as the signer, so " +
		"one person approves once however many keys or names they have.",
	Remediation: "Ask someone who neither wrote nor deploys the change to approve it.",
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// UnknownSigner is GR-APPR-004: the signature is not an allowed signer's.
var UnknownSigner = &rule.Rule{
	ID:       "GR-APPR-004",
	Title:    "Approvals are signed by a signer allowed for the environment",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  append([]clause.Clause{clause.AccessToProductRestricted}, clauses...),
	Description: "The approval's SSH signature (ssh-keygen -Y sign, namespace guardrail.dev/approval) must verify " +
		"against a key the policy lists for the approver (spec.approval.allowedSigners), and the signer must be allowed " +
		"to approve changes in the change's environment and namespace. Unsigned approvals count only where the policy " +
		"sets allowUnsigned. A signature over another digest, approver, ticket, time or expiry does not verify.",
	Remediation: "Sign with a key listed for the approver in spec.approval.allowedSigners, or have a signer allowed for " +
		"this environment and namespace approve.",
	Formats:    formats,
	ReportedBy: reportedBy,
}

// Expired is GR-APPR-005: the approval is past its expiry or too old.
var Expired = &rule.Rule{
	ID:       "GR-APPR-005",
	Title:    "Approvals are current",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  clauses,
	Description: "An approval past its own expiry, older than the policy's spec.approval.maxAge, dated more than five " +
		"minutes in the future, or with a time that cannot be read does not count.",
	Remediation: "Have the change approved again.",
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// TicketMismatch is GR-APPR-006: the approval names no valid change ticket.
var TicketMismatch = &rule.Rule{
	ID:          "GR-APPR-006",
	Title:       "Approvals name a change ticket matching the policy",
	Control:     rule.Approval,
	Severity:    policy.Medium,
	Clauses:     clauses,
	Description: "An approval names the change ticket it was given under; where the policy sets spec.approval.ticketPattern, the whole ticket must match it.",
	Remediation: "Approve again naming the change ticket (guardrail approve --ticket CHG-1234).",
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// TooFewApprovers is GR-APPR-007: fewer distinct approvers than the policy asks.
var TooFewApprovers = &rule.Rule{
	ID:       "GR-APPR-007",
	Title:    "Changes have as many distinct independent approvers as the policy asks",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  clauses,
	Description: "The change has valid approvals, but from fewer distinct people than spec.approval.approvers. " +
		"Approvals by the same person (the same identity, or the same key) count once.",
	Remediation: "Have more independent people approve the change (each runs guardrail approve on it).",
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// BreakGlass is GR-APPR-008: a change deployed without approval in an emergency.
var BreakGlass = &rule.Rule{
	ID:       "GR-APPR-008",
	Title:    "Break-glass deploys are reported",
	Control:  rule.Approval,
	Severity: policy.High,
	Clauses:  clauses,
	Description: "A change was deployed without the approval it needs by an identity the policy allows to break glass " +
		"(spec.approval.breakGlass.identities), with its reason in the guardrail.dev/break-glass annotation (or a " +
		"break-glass entry of a plan's approvals file). It is admitted, and always reported at high severity, as an " +
		"admission warning and a Kubernetes Event on the object; the policy can make it deny but not silence it. " +
		"Break-glass without the reason the policy requires is refused.",
	Remediation: "Review the emergency change after the fact and have it approved, or roll it back.",
	Formats:     formats,
	ReportedBy:  reportedBy,
}

// Unsigned is GR-APPR-009: an unsigned approval was accepted.
var Unsigned = &rule.Rule{
	ID:       "GR-APPR-009",
	Title:    "Approvals are signed",
	Control:  rule.Approval,
	Severity: policy.Low,
	Clauses:  clauses,
	Description: "An approval (or a waiver's approval in an HCL comment) names its approver without a signature, which " +
		"the policy accepts (spec.approval.allowUnsigned) but anyone could have written. It is reported as a warning.",
	Remediation: "Sign approvals with the approver's SSH key (guardrail approve --key) and turn allowUnsigned off.",
	Formats:     append([]resource.Format{resource.FormatTerraform}, formats...),
	ReportedBy:  reportedBy,
}

// Rules returns the change-approval rules.
func Rules() []*rule.Rule {
	return []*rule.Rule{ApprovalMetadata, WrongDigest, NotIndependent, UnknownSigner, Expired, TicketMismatch,
		TooFewApprovers, BreakGlass, Unsigned}
}
