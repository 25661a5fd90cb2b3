package rule

import (
	"fmt"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Pass is what a rule's check works with: the policy, the index, and the
// means to report. A Pass is used by one goroutine at a time.
type Pass struct {
	Policy *policy.Policy
	Index  *Index
	// Now is the evaluation's clock, for expiry checks.
	Now time.Time

	rule *Rule
	out  []Finding
	// meta caches what every finding of a rule shares, so reporting does not
	// rebuild it per finding.
	meta map[*Rule]ruleMeta
}

type ruleMeta struct {
	docs    string
	clauses []string
}

func (p *Pass) ruleMeta() ruleMeta {
	if m, ok := p.meta[p.rule]; ok {
		return m
	}
	m := ruleMeta{docs: p.rule.DocsURL(), clauses: make([]string, len(p.rule.Clauses))}
	for i, c := range p.rule.Clauses {
		m.clauses[i] = c.ID
	}
	if p.meta == nil {
		p.meta = map[*Rule]ruleMeta{}
	}
	p.meta[p.rule] = m
	return m
}

// NewPass returns a pass over an index; the engine makes one per worker.
func NewPass(p *policy.Policy, ix *Index, now time.Time) *Pass {
	return &Pass{Policy: p, Index: ix, Now: now}
}

// Run runs a per-resource rule on one resource. A panic in the check is
// turned into an error naming the rule and resource, so that one faulty rule
// cannot take down the linter or the webhook.
func (p *Pass) Run(r *Rule, res *resource.Resource) (err error) {
	p.rule = r
	defer p.recover(&err, res)
	r.Check(p, res)
	return nil
}

// RunAll runs a rule that judges the whole input.
func (p *Pass) RunAll(r *Rule) (err error) {
	p.rule = r
	defer p.recover(&err, nil)
	r.CheckAll(p)
	return nil
}

func (p *Pass) recover(err *error, res *resource.Resource) {
	if v := recover(); v != nil {
		where := "the input"
		if res != nil {
			where = res.Address
		}
		*err = fmt.Errorf("rule %s failed on %s: %v", p.rule.ID, where, v)
	}
}

// WithRule returns a pass that reports findings of rule r; it is for the
// parts of guardrail that report findings of rules with no check of their own
// (see Rule.ReportedBy).
func (p *Pass) WithRule(r *Rule) *Pass {
	return &Pass{Policy: p.Policy, Index: p.Index, Now: p.Now, rule: r}
}

// Rule returns the rule being run.
func (p *Pass) Rule() *Rule { return p.rule }

// Env returns the environment of r.
func (p *Pass) Env(r *resource.Resource) string { return p.Index.Env(r) }

// Report records a finding on r at the attribute path at (nil for the
// resource as a whole). The message is formatted with fmt.Sprintf.
func (p *Pass) Report(r *resource.Resource, at resource.Path, format string, args ...any) {
	p.out = append(p.out, p.finding(r, at, fmt.Sprintf(format, args...), false))
}

// ReportValue records a finding on the attribute v was read from.
func (p *Pass) ReportValue(r *resource.Resource, v resource.Value, format string, args ...any) {
	p.Report(r, v.Path(), format, args...)
}

// Undecidable records that the rule cannot judge r statically because v is
// unknown; what says what was being decided ("whether port 22 is open to the
// world"). It is reported at the policy's severity for undecidable findings,
// never silently dropped.
func (p *Pass) Undecidable(r *resource.Resource, v resource.Value, what string) {
	reason := v.UnknownReason()
	if reason == "" {
		reason = "its value is unknown"
	}
	msg := fmt.Sprintf("cannot be decided statically: %s depends on %s (%s)", what, v.Path(), reason)
	p.out = append(p.out, p.finding(r, v.Path(), msg, true))
}

// UndecidableBecause records that the rule cannot judge r for a reason other
// than an unknown value, such as a setting guardrail has no table for (a
// custom TLS policy name). It is reported like Undecidable.
func (p *Pass) UndecidableBecause(r *resource.Resource, at resource.Path, what, reason string) {
	msg := fmt.Sprintf("cannot be decided statically: %s: %s", what, reason)
	p.out = append(p.out, p.finding(r, at, msg, true))
}

func (p *Pass) finding(r *resource.Resource, at resource.Path, msg string, undecidable bool) Finding {
	pl := p.Index.Placement(r)
	meta := p.ruleMeta()
	f := Finding{
		RuleID:   p.rule.ID,
		Title:    p.rule.Title,
		Control:  p.rule.Control,
		Severity: p.rule.Severity,
		Mode:     policy.Deny,
		Message:  msg,
		Subject: Subject{
			Address: r.Address, Type: r.Type, Name: r.Name, Namespace: r.Namespace, Format: r.Format,
			Env: pl.Env, EnvSource: pl.Source, Unit: r.Unit,
		},
		Location:    r.Locate(at),
		Remediation: p.rule.Remediation,
		Docs:        meta.docs,
		Clauses:     meta.clauses,
		Undecidable: undecidable,
		Resource:    r,
	}
	if len(at) > 0 {
		f.Path = at.String()
	}
	return f
}

// Findings returns and clears what the pass has reported.
func (p *Pass) Findings() []Finding {
	out := p.out
	p.out = nil
	return out
}
