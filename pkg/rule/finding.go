package rule

import (
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Subject identifies the resource a finding is about.
type Subject struct {
	Address   string          `json:"address"`
	Type      string          `json:"type"`
	Name      string          `json:"name,omitempty"`
	Namespace string          `json:"namespace,omitempty"`
	Format    resource.Format `json:"format"`
	// Env is the resource's environment and EnvSource how it was detected.
	Env       string `json:"env,omitempty"`
	EnvSource string `json:"envSource,omitempty"`
	Unit      string `json:"unit,omitempty"`
}

// Finding is one rule's verdict on one resource (or on the input as a whole).
type Finding struct {
	RuleID   string          `json:"ruleId"`
	Title    string          `json:"title"`
	Control  Control         `json:"control"`
	Severity policy.Severity `json:"severity"`
	Mode     policy.Mode     `json:"mode"`
	// Message says what is wrong with this resource, in a sentence.
	Message  string            `json:"message"`
	Subject  Subject           `json:"resource"`
	Location resource.Location `json:"location"`
	// Path is the attribute the finding is about, when it is about one.
	Path string `json:"path,omitempty"`
	// Clauses are the IDs of the policy clauses the rule enforces.
	Clauses     []string `json:"clauses"`
	Remediation string   `json:"remediation"`
	Docs        string   `json:"docs"`
	// Undecidable marks a finding that could not be decided statically because
	// a value it depends on is unknown until apply.
	Undecidable bool `json:"undecidable,omitempty"`
	// Waiver is set when a waiver suppresses the finding.
	Waiver *AppliedWaiver `json:"waiver,omitempty"`
	// Resource is the resource the finding is about.
	Resource *resource.Resource `json:"-"`
}

// AppliedWaiver records which waiver suppressed a finding.
type AppliedWaiver struct {
	// Source is "inline" or "policy".
	Source   string            `json:"source"`
	Reason   string            `json:"reason"`
	Expires  string            `json:"expires,omitempty"`
	Owner    string            `json:"owner,omitempty"`
	Ticket   string            `json:"ticket,omitempty"`
	Location resource.Location `json:"location"`
	// Alias is the peer rule ID the waiver named, when it named one.
	Alias string `json:"alias,omitempty"`
	// ApprovedBy lists who approved the waiver, where approval is required.
	ApprovedBy []string `json:"approvedBy,omitempty"`
}

// Fails reports whether the finding fails a run whose threshold is min:
// a deny finding, not waived, at or above min.
func (f *Finding) Fails(min policy.Severity) bool {
	return f.Waiver == nil && f.Mode == policy.Deny && f.Severity >= min
}
