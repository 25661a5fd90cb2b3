package rule

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Control is the security control a rule belongs to.
type Control string

// The four controls guardrail enforces first, and the others the policies ask for.
const (
	Segregation    Control = "segregation"
	Transit        Control = "encryption-in-transit"
	Ports          Control = "port-restrictions"
	Approval       Control = "change-approval"
	AtRest         Control = "encryption-at-rest"
	AdminAccess    Control = "administrative-access"
	Logging        Control = "logging"
	Backup         Control = "backup"
	WaiverControls Control = "waivers"
)

// Peers are the IDs of the nearest rules in other tools, so users find the
// rules they know and can carry their suppressions over.
type Peers struct {
	Checkov    []string `json:"checkov,omitempty"`
	Trivy      []string `json:"trivy,omitempty"`
	KubeLinter []string `json:"kubeLinter,omitempty"`
	Polaris    []string `json:"polaris,omitempty"`
	Kyverno    []string `json:"kyverno,omitempty"`
	Terrascan  []string `json:"terrascan,omitempty"`
}

// All returns every peer ID.
func (p Peers) All() []string {
	var out []string
	for _, ids := range [][]string{p.Checkov, p.Trivy, p.KubeLinter, p.Polaris, p.Kyverno, p.Terrascan} {
		out = append(out, ids...)
	}
	return out
}

// Rule is one guardrail rule.
type Rule struct {
	// ID is GR-<CONTROL>-<NNN>, stable forever.
	ID string
	// Title says in a line what the rule wants ("SSH and RDP are not open to the world").
	Title string
	// Control is the control the rule belongs to.
	Control Control
	// Severity is the default severity; the policy may override it.
	Severity policy.Severity
	// Clauses are the policy clauses the rule enforces.
	Clauses []clause.Clause
	// Description says what the rule checks and why it matters.
	Description string
	// Remediation says how to fix a finding.
	Remediation string
	// Formats limits the rule to some kinds of input; nil means all.
	Formats []resource.Format
	// Types limits the rule to some resource types (Terraform types or
	// Kubernetes kinds); nil means every resource of its Formats.
	Types []string
	// Peers maps the rule to other tools' IDs.
	Peers Peers
	// JudgesDeletes makes the engine call Check for resources a plan deletes.
	JudgesDeletes bool
	// Check judges one resource. Exactly one of Check and CheckAll is set.
	Check func(p *Pass, r *resource.Resource)
	// CheckAll judges the whole input at once, through p.Index.
	CheckAll func(p *Pass)
	// NeedsWholeInput marks a CheckAll rule that can only judge a complete
	// set of objects (all of a unit, all of a namespace's policies), not one
	// object arriving alone at the admission webhook; the webhook skips it
	// and the audit controller, which sees the whole cluster, runs it.
	NeedsWholeInput bool
	// ReportedBy names the part of guardrail that reports this rule's findings
	// when it has no check of its own (waiver bookkeeping, approval
	// verification), so the rule is still in the catalogue with its metadata.
	ReportedBy string
	// Custom marks a rule written outside guardrail: in Go by a program that
	// imports it, or as a CEL expression in a policy file (spec.customRules).
	// Its ID is its author's own (ACME-001, see policy.ValidateCustomRuleID),
	// never GR-, and its Clauses cite its author's own policy.
	Custom bool
	// Link is where the rule is documented. Empty means guardrail's rule
	// catalogue for a built-in rule, and no link for a custom one.
	Link string
}

// DocsURL is where the rule is documented: its Link, else, for a built-in
// rule, its entry in the rule catalogue.
func (r *Rule) DocsURL() string {
	if r.Link != "" || r.Custom {
		return r.Link
	}
	return "https://github.com/guardrail-dev/guardrail/blob/main/docs/rules.md#" + strings.ToLower(r.ID)
}

// Aliases returns the peer IDs the policy may use for this rule.
func (r *Rule) Aliases() []string { return r.Peers.All() }

// AppliesTo reports whether the rule judges resources of this format and type.
func (r *Rule) AppliesTo(f resource.Format, typ string) bool {
	if len(r.Formats) > 0 && !contains(r.Formats, f) {
		return false
	}
	return len(r.Types) == 0 || contains(r.Types, typ)
}

func contains[T comparable](s []T, v T) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}

var idRE = regexp.MustCompile(`^GR-[A-Z]+-[0-9]{3}$`)

// Validate checks that the rule is complete: every rule cites a clause, says
// how to fix its findings, and has exactly one check. A built-in rule's ID is
// GR-CONTROL-NNN; a custom rule's is its author's own.
func (r *Rule) Validate() error {
	var errs []error
	if r.Custom {
		if err := policy.ValidateCustomRuleID(r.ID); err != nil {
			errs = append(errs, err)
		}
	} else if !idRE.MatchString(r.ID) {
		errs = append(errs, fmt.Errorf("ID %q is not of the form GR-CONTROL-NNN", r.ID))
	}
	if r.Title == "" || r.Description == "" || r.Remediation == "" {
		errs = append(errs, errors.New("title, description and remediation are required"))
	}
	if r.Control == "" {
		errs = append(errs, errors.New("control is required"))
	}
	if len(r.Clauses) == 0 {
		errs = append(errs, errors.New("a rule cites at least one policy clause"))
	}
	checks := 0
	for _, set := range []bool{r.Check != nil, r.CheckAll != nil, r.ReportedBy != ""} {
		if set {
			checks++
		}
	}
	if checks != 1 {
		errs = append(errs, errors.New("exactly one of Check, CheckAll and ReportedBy is set"))
	}
	if r.NeedsWholeInput && r.CheckAll == nil {
		errs = append(errs, errors.New("NeedsWholeInput is for CheckAll rules (the webhook skips only those)"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("rule %s: %w", r.ID, err)
	}
	return nil
}
