package waiver

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

const reportedBy = "the waiver package, when waivers are applied"

var waiverClauses = []clause.Clause{clause.BaselineConfigurations, clause.ValidatedApprovedChanges, clause.FourEyes}

// InvalidInline is reported for an inline waiver that does not waive.
var InvalidInline = &rule.Rule{
	ID:       "GR-WAIVE-001",
	Title:    "Inline waivers are well-formed, justified, current and allowed",
	Control:  rule.WaiverControls,
	Severity: policy.Medium,
	Clauses:  waiverClauses,
	Description: "An inline waiver (an HCL comment, a guardrail.dev/ignore annotation or tag) suppresses findings " +
		"only when it names known rules, gives a reason, has not expired and the policy allows inline waivers " +
		"for that rule and environment. Otherwise the finding stays and the waiver is reported, so that nobody " +
		"waives their own finding unseen.",
	Remediation: `Fix the waiver (guardrail:ignore GR-XXX-NNN reason="..." expires=YYYY-MM-DD), fix the finding, ` +
		"or move the waiver into the policy file where the policy requires it.",
	ReportedBy: reportedBy,
}

// InvalidPolicyWaiver is reported for a policy-file waiver that does not waive.
var InvalidPolicyWaiver = &rule.Rule{
	ID:       "GR-WAIVE-002",
	Title:    "Policy-file waivers are justified and current",
	Control:  rule.WaiverControls,
	Severity: policy.Medium,
	Clauses:  waiverClauses,
	Description: "A waiver in the policy file applies only when it has a reason and has not expired " +
		"(and, where the policy sets one, does not run past the maximum waiver duration).",
	Remediation: "Renew the waiver with a reason and a new expiry date, or fix the findings it covered.",
	ReportedBy:  reportedBy,
}

// UnusedWaiver is reported for a waiver that matches no finding.
var UnusedWaiver = &rule.Rule{
	ID:       "GR-WAIVE-003",
	Title:    "Waivers match a finding",
	Control:  rule.WaiverControls,
	Severity: policy.Low,
	Clauses:  waiverClauses,
	Description: "A waiver that suppresses nothing is stale: the finding was fixed or the waiver was " +
		"mistyped. Left in place it would silently waive a future regression.",
	Remediation: "Remove the waiver, or correct the rule IDs and resources it names.",
	ReportedBy:  reportedBy,
}

// Rules returns the waiver bookkeeping rules, for the rule catalogue.
func Rules() []*rule.Rule { return []*rule.Rule{InvalidInline, InvalidPolicyWaiver, UnusedWaiver} }
