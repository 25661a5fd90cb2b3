package waiver

import (
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	approvalrules "github.com/guardrail-dev/guardrail/pkg/rules/approval"
)

// Options tune Apply.
type Options struct {
	// ReportUnused reports waivers that match no finding (GR-WAIVE-003). The
	// linter does; the webhook, which sees one object at a time, does not.
	ReportUnused bool
	// PolicyFile names the policy file in findings about its waivers.
	PolicyFile string
	// Approvals are the verdicts on the changes of the input. In an
	// environment that needs approval, a waiver is a change too: an inline
	// waiver in a Kubernetes object or a plan applies only when the change
	// carrying it is approved by someone other than the waiver's owner, one
	// in an HCL comment only with approved-by= naming someone else (an
	// unsigned approval, so only where the policy accepts those), and a
	// policy-file waiver only with approvedBy naming someone other than its
	// owner (approval.VerifyWaiver). Nil leaves every inline waiver in such
	// an environment unapproved.
	Approvals *approval.Result
}

type parsedInline struct {
	*Inline
	src  resource.InlineWaiver
	used bool
	// known is set when the waiver names at least one rule or peer ID the
	// registry knows; a waiver naming none is reported as invalid, not also as unused.
	known bool
}

// Apply applies inline and policy-file waivers to findings. It returns the
// findings with Waiver set on those waived, followed by findings about the
// waivers themselves. pass supplies the policy, the index and the clock.
func Apply(pass *rule.Pass, reg *rule.Registry, findings []rule.Finding, opts Options) []rule.Finding {
	a := applier{pass: pass, reg: reg, opts: opts, inline: map[*resource.Resource][]*parsedInline{}, reported: map[string]bool{}}
	a.parseAll()
	policyWaivers := pass.Policy.Waivers()
	used := make([]bool, len(policyWaivers))
	approved := make([]*waiverApproval, len(policyWaivers))
	for i := range findings {
		f := &findings[i]
		if f.Resource == nil || f.Control == rule.WaiverControls {
			continue
		}
		ids := []string{f.RuleID}
		var cfgAliases []string
		if r, ok := reg.Lookup(f.RuleID); ok {
			cfgAliases = r.Aliases()
			ids = append(ids, cfgAliases...)
		}
		env := pass.Index.Env(f.Resource)
		// Every waiver matching the finding is used, and reported when it
		// cannot apply; the first that can, inline before policy, waives it.
		a.applyInline(f, ids, env)
		for wi, w := range policyWaivers {
			if !w.MatchesRule(ids...) || !w.Matches(f.Subject.Address, env, f.Location.File) {
				continue
			}
			used[wi] = true
			if problem := w.Problem(pass.Now); problem != "" {
				a.reportPolicy(wi, fmt.Sprintf("policy waiver %d (%s) does not apply: %s", wi+1, strings.Join(w.Rules, ","), problem))
				continue
			}
			var approvers []string
			if pass.Policy.RequiresApproval(env) {
				if approved[wi] == nil {
					approvers, problem := approval.VerifyWaiver(pass.Policy, w.Waiver)
					approved[wi] = &waiverApproval{approvers, problem}
				}
				if problem := approved[wi].problem; problem != "" {
					a.reportPolicy(wi, fmt.Sprintf("policy waiver %d (%s) does not apply in %s: %s", wi+1, strings.Join(w.Rules, ","), env, problem))
					continue
				}
				approvers = approved[wi].approvers
			}
			if f.Waiver == nil {
				f.Waiver = &rule.AppliedWaiver{Source: "policy", Reason: w.Reason, Expires: w.Expires, Owner: w.Owner, Ticket: w.Ticket,
					Location: resource.Location{File: opts.PolicyFile}, Alias: matchedAlias(w.Rules, f.RuleID, cfgAliases), ApprovedBy: approvers}
			}
		}
	}
	if opts.ReportUnused {
		for r, ws := range a.inline {
			for _, w := range ws {
				if !w.used && w.known {
					a.add(UnusedWaiver, r, w.src.Location, fmt.Sprintf("waiver of %s matches no finding on %s", strings.Join(w.Rules, ","), r.Address))
				}
			}
		}
		for wi, w := range policyWaivers {
			if !used[wi] {
				a.reportPolicyRule(UnusedWaiver, wi, fmt.Sprintf("policy waiver %d (%s) matches no finding", wi+1, strings.Join(w.Rules, ",")))
			}
		}
	}
	return append(findings, a.extra...)
}

type applier struct {
	pass     *rule.Pass
	reg      *rule.Registry
	opts     Options
	inline   map[*resource.Resource][]*parsedInline
	extra    []rule.Finding
	reported map[string]bool
}

// parseAll parses every inline waiver once, reporting those that cannot be parsed.
func (a *applier) parseAll() {
	for _, r := range a.pass.Index.Resources() {
		for _, src := range r.Waivers {
			w, err := Parse(src.Text)
			if err != nil {
				a.add(InvalidInline, r, src.Location, fmt.Sprintf("waiver %q cannot be read: %v", clip(src.Text), err))
				continue
			}
			pw := &parsedInline{Inline: w, src: src}
			for _, id := range w.Rules {
				if _, ok := a.reg.Lookup(id); ok || len(a.reg.ByAlias(id)) > 0 {
					pw.known = true
				} else {
					a.add(InvalidInline, r, src.Location, fmt.Sprintf("waiver names %s, which is neither a guardrail rule nor a known peer rule ID", id))
				}
			}
			a.inline[r] = append(a.inline[r], pw)
		}
	}
}

// applyInline checks the inline waivers of f's resource that name f's rule,
// reports those that cannot apply, and waives f with the first that can.
func (a *applier) applyInline(f *rule.Finding, ids []string, env string) {
	for _, w := range a.inline[f.Resource] {
		named := ""
		for _, id := range w.Rules {
			if contains(ids, id) {
				named = id
				break
			}
		}
		if named == "" {
			continue
		}
		w.used = true
		cfg := a.pass.Policy.Rule(f.RuleID, ids[1:]...)
		problem := ""
		if ok, why := a.pass.Policy.InlineWaiverAllowed(env, cfg, ids...); !ok {
			problem = why
		} else if w.Reason == "" {
			problem = "it gives no reason"
		} else if w.Expired(a.pass.Now) {
			problem = "it expired on " + w.Expires
		} else if w.Expires == "" && a.pass.Policy.RequireWaiverExpiry() {
			problem = "it has no expiry date and the policy requires one"
		} else if max := a.pass.Policy.MaxWaiverDuration(); max > 0 && w.Expires != "" && w.Expiry.Sub(a.pass.Now) > max+24*time.Hour {
			problem = "its expiry is further away than the policy's maximum waiver duration"
		}
		var approvers []string
		if problem == "" && a.pass.Policy.RequiresApproval(env) {
			approvers, problem = a.inlineApproval(f.Resource, w, env)
		}
		if problem != "" {
			a.add(InvalidInline, f.Resource, w.src.Location, fmt.Sprintf("waiver of %s on %s does not apply: %s", named, f.Subject.Address, problem))
			continue
		}
		if f.Waiver != nil {
			continue
		}
		alias := ""
		if named != f.RuleID {
			alias = named
		}
		f.Waiver = &rule.AppliedWaiver{Source: "inline", Reason: w.Reason, Expires: w.Expires, Owner: w.Owner, Ticket: w.Ticket,
			Location: w.src.Location, Alias: alias, ApprovedBy: approvers}
	}
}

// waiverApproval is the outcome of verifying a policy-file waiver's approvals.
type waiverApproval struct {
	approvers []string
	problem   string
}

// inlineApproval says who approved an inline waiver of r, in env, an
// environment that needs approval, or why it is not approved.
func (a *applier) inlineApproval(r *resource.Resource, w *parsedInline, env string) (approvers []string, problem string) {
	if r.Format == resource.FormatTerraform {
		approvalPolicy := a.pass.Policy.Document().Spec.Approval
		switch {
		case w.Owner == "" || w.ApprovedBy == "":
			return nil, fmt.Sprintf("in %s, where changes need approval, an inline waiver needs owner= and approved-by= naming someone else; "+
				"or waive in the policy file with owner and approvedBy", env)
		case approval.NormalizeIdentity(w.Owner) == approval.NormalizeIdentity(w.ApprovedBy):
			return nil, fmt.Sprintf("it is approved by its own owner %s; in %s someone else must approve it", w.Owner, env)
		case !approvalPolicy.AllowUnsigned:
			return nil, fmt.Sprintf("approved-by= in a comment is an unsigned approval, which the policy does not accept (spec.approval.allowUnsigned); "+
				"in %s, waive in the policy file with owner and approvedBy", env)
		}
		a.addMode(approvalrules.Unsigned, r, w.src.Location, policy.Warn,
			fmt.Sprintf("the waiver of %s on %s is approved by %s without a signature (approved-by= in a comment); the policy accepts it, but anyone could have written it",
				strings.Join(w.Rules, ","), r.Address, w.ApprovedBy))
		return []string{w.ApprovedBy}, ""
	}
	v := a.opts.Approvals.Of(r)
	switch {
	case v == nil:
		return nil, fmt.Sprintf("in %s a waiver applies only with an approval of the change that carries it, and none was verified", env)
	case v.Exempt != "":
		return nil, "" // an update that changes nothing approvals cover: the waiver was there before
	}
	authors := append([]string{w.Owner}, v.Authors...)
	if who, ok := v.ApprovedBy(authors...); ok {
		return []string{who}, ""
	}
	if v.Approved {
		return nil, fmt.Sprintf("the change carrying it is approved only by its owner %s; in %s someone else must approve it", w.Owner, env)
	}
	return nil, fmt.Sprintf("in %s a waiver applies only when the change carrying it is approved by someone other than its author, and %s has no valid approval",
		env, r.Address)
}

func (a *applier) add(r *rule.Rule, res *resource.Resource, loc resource.Location, msg string) {
	a.addMode(r, res, loc, "", msg)
}

// addMode reports a finding of r on res at loc; a mode other than "" replaces the default (deny).
func (a *applier) addMode(r *rule.Rule, res *resource.Resource, loc resource.Location, mode policy.Mode, msg string) {
	if _, ok := a.reg.Lookup(r.ID); !ok && r.Control != rule.WaiverControls {
		return
	}
	key := r.ID + "\x00" + res.Address + "\x00" + loc.String() + "\x00" + msg
	if a.reported[key] {
		return
	}
	a.reported[key] = true
	p := a.pass.WithRule(r)
	p.Report(res, nil, "%s", msg)
	for _, f := range p.Findings() {
		f.Location = loc
		if mode != "" {
			f.Mode = mode
		}
		a.extra = append(a.extra, f)
	}
}

func (a *applier) reportPolicy(index int, msg string) {
	a.reportPolicyRule(InvalidPolicyWaiver, index, msg)
}

func (a *applier) reportPolicyRule(r *rule.Rule, index int, msg string) {
	key := fmt.Sprintf("%s\x00%d", r.ID, index)
	if a.reported[key] {
		return
	}
	a.reported[key] = true
	a.extra = append(a.extra, rule.Finding{
		RuleID: r.ID, Title: r.Title, Control: r.Control, Severity: r.Severity, Mode: "deny",
		Message:     msg,
		Subject:     rule.Subject{Address: "policy", Type: "Policy"},
		Location:    resource.Location{File: a.opts.PolicyFile},
		Path:        fmt.Sprintf("spec.waivers.entries[%d]", index),
		Clauses:     clauseIDs(r),
		Remediation: r.Remediation,
		Docs:        r.DocsURL(),
	})
}

func clauseIDs(r *rule.Rule) []string {
	out := make([]string, len(r.Clauses))
	for i, c := range r.Clauses {
		out[i] = c.ID
	}
	return out
}

func matchedAlias(patterns []string, id string, aliases []string) string {
	for _, p := range patterns {
		if p == id {
			return ""
		}
		if contains(aliases, p) {
			return p
		}
	}
	return ""
}

func contains(ss []string, s string) bool {
	for _, e := range ss {
		if e == s {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
