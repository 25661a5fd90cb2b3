package approval

import (
	"crypto/sha256"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	rules "github.com/guardrail-dev/guardrail/pkg/rules/approval"
)

// parsedChange is an approvals annotation as read.
type parsedChange struct {
	c   *Change
	err error
}

var changes cache[[32]byte, *parsedChange]

// parseChangeCached reads an approvals annotation once per distinct value;
// the Change returned is shared and must not be modified.
func parseChangeCached(text string) (*Change, error) {
	h := sha256.Sum256([]byte(text))
	if p, ok := changes.get(h); ok {
		return p.c, p.err
	}
	c, err := ParseChange([]byte(text))
	changes.put(h, &parsedChange{c, err})
	return c, err
}

// clockSkew is how far in the future an approval's time may be.
const clockSkew = 5 * time.Minute

// Context is what verifying approvals needs besides the policy and the
// inputs. The zero value verifies the approvals the inputs carry, with no
// author or deployer known but the objects' own author annotations.
type Context struct {
	// Changes are approvals read from approvals files; each applies to the
	// change its digest names.
	Changes []Change
	// Author names the author of every change (lint --author); an object's
	// guardrail.dev/author annotation names its own author too.
	Author string
	// Deployer names who deploys the changes: the user of an admission
	// request, lint --deployer.
	Deployer string
	// Previous holds, by object address, the object before an update (an
	// admission request's oldObject): an update that changes nothing an
	// approval covers (or, with scaleOnly exempt, only replicas) needs none.
	Previous map[string]map[string]any
	// Exempt holds, by object address, why an object's change needs no
	// approval, such as a Pod a built-in controller creates for an approved
	// Deployment.
	Exempt map[string]string
	// Admitted says the objects are as the API server wrote them (admission,
	// audit): they need not be read through their Go type before they are
	// compared with approved manifests, as manifests from files are.
	Admitted bool
	// Deployed says the objects are already deployed (the audit of a
	// cluster): their approvals are checked for what they approve and who
	// signed them, not for their age or expiry, which were judged when the
	// change was admitted.
	Deployed bool
}

// Verdict is what verification concluded about one change.
type Verdict struct {
	Subject *Subject
	// Exempt says why a change that would need approval needs none.
	Exempt string
	// Approved is set when enough independent approvals verify.
	Approved bool
	// Approvers are the distinct people whose approvals counted, each as
	// the identities (normalized) that name them.
	Approvers [][]string
	// Authors are the change's authors, normalized.
	Authors []string
	// BreakGlass, when set, says who broke glass and why.
	BreakGlass string
	// Problem summarises why the change is not approved.
	Problem string
}

// ApprovedBy reports whether a person other than the given identities
// (authors, owners) approved the change; it returns that person's identity.
func (v *Verdict) ApprovedBy(except ...string) (string, bool) {
	if v == nil || !v.Approved {
		return "", false
	}
	for _, ids := range v.Approvers {
		independent := true
		for _, e := range except {
			if e != "" && slices.Contains(ids, NormalizeIdentity(e)) {
				independent = false
			}
		}
		if independent {
			return ids[0], true
		}
	}
	return "", false
}

// Result is the outcome of Verify: findings and a verdict per change.
type Result struct {
	Findings []rule.Finding
	verdicts map[*resource.Resource]*Verdict
}

// Of returns the verdict on the change r is part of, or nil when r needs no approval.
func (r *Result) Of(res *resource.Resource) *Verdict {
	if r == nil {
		return nil
	}
	return r.verdicts[res]
}

// Verify verifies the approvals of every change among resources that needs
// one, and reports what fails as GR-APPR-* findings (of the rules reg
// holds). pass supplies the policy, the index and the clock.
//
// A change is approved when at least spec.approval.approvers distinct
// people approved it with approvals that each
//
//  1. are for this change: the digest is the change's, or (Kubernetes) the
//     object matches the approved manifest the approval embeds (Match);
//  2. are signed by a key the policy lists for the approver (or unsigned,
//     where the policy allows it), and the approver may approve changes in
//     the change's environment and namespace;
//  3. are current: not expired, not older than spec.approval.maxAge;
//  4. name a change ticket matching spec.approval.ticketPattern;
//  5. are by someone other than the change's authors and its deployer.
//
// A change that is not approved is reported with every condition that
// failed, unless its deployer broke glass, which is reported on its own.
func Verify(pass *rule.Pass, reg *rule.Registry, resources []*resource.Resource, ctx *Context) *Result {
	if ctx == nil {
		ctx = &Context{}
	}
	v := &verifier{pass: pass, reg: reg, ctx: ctx, pol: pass.Policy, res: &Result{verdicts: map[*resource.Resource]*Verdict{}}}
	subjects := Subjects(pass.Policy, pass.Index, resources)
	if len(subjects) == 0 {
		return v.res
	}
	v.signers, v.signersErr = SignersOf(pass.Policy)
	v.prefix = pass.Policy.ApprovalPrefix()
	a := pass.Policy.Document().Spec.Approval
	v.required = max(a.Approvers, 1)
	v.scaleExempt = a.ScaleOnly != "require"
	v.requireReason = a.BreakGlass.RequireReason == nil || *a.BreakGlass.RequireReason
	for _, id := range a.BreakGlass.Identities {
		v.breakGlass = append(v.breakGlass, NormalizeIdentity(id))
	}
	for _, s := range subjects {
		v.subject(s)
	}
	return v.res
}

type verifier struct {
	pass          *rule.Pass
	reg           *rule.Registry
	ctx           *Context
	pol           *policy.Policy
	res           *Result
	signers       *Signers
	signersErr    error
	prefix        string
	required      int
	scaleExempt   bool
	requireReason bool
	breakGlass    []string
}

// judged is one approval's verdict.
type judged struct {
	approval Approval
	rule     *rule.Rule
	problem  string
	persons  []string
	unsigned bool
}

// rejection is one reason a change is not approved.
type rejection struct {
	rule    *rule.Rule
	message string
}

func (v *verifier) subject(s *Subject) {
	verdict := &Verdict{Subject: s}
	for _, r := range s.Resources {
		v.res.verdicts[r] = verdict
	}
	var (
		candidates []Change
		rejections []rejection
		annotated  bool
	)
	r0 := s.Resources[0]
	if s.Kubernetes {
		if why := v.ctx.Exempt[r0.Address]; why != "" {
			verdict.Exempt = why
			return
		}
		if author := r0.Annotations[v.prefix+KeyAuthor]; strings.TrimSpace(author) != "" {
			verdict.Authors = append(verdict.Authors, NormalizeIdentity(author))
		}
		if prev := v.ctx.Previous[r0.Address]; prev != nil && s.Err == nil {
			if v.unchanged(prev, r0) {
				verdict.Exempt = "the update changes nothing an approval covers"
				if v.scaleExempt && scalable[r0.Type] {
					verdict.Exempt += " (replicas aside: spec.approval.scaleOnly is exempt)"
				}
				return
			}
		}
		if text, ok := r0.Annotations[v.prefix+KeyApprovals]; ok {
			annotated = true
			c, err := parseChangeCached(text)
			if err != nil {
				rejections = append(rejections, rejection{rules.ApprovalMetadata, fmt.Sprintf("the %s%s annotation cannot be read: %v", v.prefix, KeyApprovals, err)})
			} else {
				candidates = append(candidates, *c)
			}
		}
	}
	if a := strings.TrimSpace(v.ctx.Author); a != "" && !slices.Contains(verdict.Authors, NormalizeIdentity(a)) {
		verdict.Authors = append(verdict.Authors, NormalizeIdentity(a))
	}
	for _, c := range v.ctx.Changes {
		if c.Digest == s.Digest || c.Subject == s.Name || !s.Kubernetes && samePlan(c.Subject, s.Name) {
			candidates = append(candidates, c)
		}
	}
	if s.Err != nil {
		v.report(s, rules.WrongDigest, annotated, fmt.Sprintf("the digest of %s cannot be computed: %v", s.Name, s.Err))
		verdict.Problem = s.Err.Error()
		return
	}
	if v.signersErr != nil {
		rejections = append(rejections, rejection{rules.UnknownSigner, "the policy's allowed signers cannot be read: " + v.signersErr.Error()})
	}

	var accepted, breakGlass []judged
	var curTyped map[string]any
	bound := 0
	for _, c := range candidates {
		ok, why := v.bind(s, &c, &curTyped)
		if !ok {
			rejections = append(rejections, rejection{rules.WrongDigest, why})
			continue
		}
		bound++
		if len(c.Approvals) == 0 {
			rejections = append(rejections, rejection{rules.ApprovalMetadata, "the approval of " + shortDigest(c.Digest) + " lists no approvals"})
		}
		for _, a := range c.Approvals {
			j := v.judge(s, c.Digest, a, verdict.Authors)
			switch {
			case j.rule != nil:
				rejections = append(rejections, rejection{j.rule, j.problem})
			case a.BreakGlass != "":
				breakGlass = append(breakGlass, j)
			default:
				accepted = append(accepted, j)
			}
		}
	}
	verdict.Approvers = persons(accepted)
	if len(verdict.Approvers) >= v.required {
		verdict.Approved = true
		for _, j := range accepted {
			if j.unsigned {
				v.reportMode(s, rules.Unsigned, annotated, policy.Warn, fmt.Sprintf("the approval by %s is not signed; the policy accepts it (spec.approval.allowUnsigned), but anyone could have written it", j.approval.Approver))
			}
		}
		return
	}

	// Not approved: break glass, or say why.
	glassWho, glassWhy, brokeGlass := v.brokeGlass(s, breakGlass)
	if brokeGlass {
		verdict.BreakGlass = glassWho + ": " + glassWhy
		v.reportMode(s, rules.BreakGlass, annotated, policy.Warn, fmt.Sprintf("break-glass: %s deployed the %s change to %s without approval, giving the reason %q", glassWho, strings.Join(s.Envs, ", "), s.Name, glassWhy))
		return
	}
	n := len(verdict.Approvers)
	switch {
	case len(candidates) == 0 && len(rejections) == 0:
		if s.Kubernetes {
			rejections = append(rejections, rejection{rules.ApprovalMetadata, fmt.Sprintf("the %s change to %s has no approval (no %s%s annotation)", strings.Join(s.Envs, ", "), s.Name, v.prefix, KeyApprovals)})
		} else {
			rejections = append(rejections, rejection{rules.ApprovalMetadata, fmt.Sprintf("this %s change of %s has no approval: no approvals file names the digest of the plan's changes, %s", strings.Join(s.Envs, ", "), s.Name, s.Digest)})
		}
	case n > 0:
		rejections = append(rejections, rejection{rules.TooFewApprovers, fmt.Sprintf("%d distinct independent approver%s (%s), the policy requires %d", n, plural(n), names(verdict.Approvers), v.required)})
	case bound == 0 && len(rejections) == 0:
		rejections = append(rejections, rejection{rules.ApprovalMetadata, "no approval names this change"})
	}
	if glassWhy != "" {
		rejections = append(rejections, rejection{rules.BreakGlass, glassWhy})
	}
	var problems []string
	for _, rj := range rejections {
		v.report(s, rj.rule, annotated, rj.message)
		problems = append(problems, rj.message)
	}
	verdict.Problem = strings.Join(problems, "; ")
}

// samePlan reports whether two subjects name the same plan file, wherever
// it was read from ("plan prod.plan.json", "plan envs/prod/prod.plan.json").
func samePlan(a, b string) bool {
	fa, okA := strings.CutPrefix(a, "plan ")
	fb, okB := strings.CutPrefix(b, "plan ")
	return okA && okB && path.Base(filepath.ToSlash(fa)) == path.Base(filepath.ToSlash(fb))
}

// unchanged reports whether an update changes nothing an approval covers.
func (v *verifier) unchanged(prev map[string]any, r *resource.Resource) bool {
	old := Object(prev, r.Namespace, v.prefix)
	cur := Object(r.Attributes, r.Namespace, v.prefix)
	// Both are written by the API server: no need to read them through their type.
	return len(matchTyped(old, cur, MatchOptions{IgnoreReplicas: v.scaleExempt, Max: 1})) == 0
}

// bind says whether change c approves subject s.
func (v *verifier) bind(s *Subject, c *Change, curTyped *map[string]any) (bool, string) {
	if c.Digest == s.Digest {
		return true, ""
	}
	if s.Kubernetes && c.Manifest != "" {
		m := decodeManifest(c.Manifest)
		if m.err != nil {
			return false, m.err.Error()
		}
		if m.digest != c.Digest {
			return false, fmt.Sprintf("the embedded manifest's digest is %s, not the approved %s", shortDigest(m.digest), shortDigest(c.Digest))
		}
		if *curTyped == nil {
			r := s.Resources[0]
			*curTyped = Object(r.Attributes, r.Namespace, v.prefix)
			if !v.ctx.Admitted {
				*curTyped = typed(*curTyped)
			}
		}
		diffs := matchTyped(m.typed, *curTyped, MatchOptions{IgnoreReplicas: v.scaleExempt, Max: 3})
		if len(diffs) == 0 {
			return true, ""
		}
		parts := make([]string, len(diffs))
		for i, d := range diffs {
			parts[i] = d.String()
		}
		return false, fmt.Sprintf("the approval (%s) does not match the change: %s", shortDigest(c.Digest), strings.Join(parts, "; "))
	}
	what := "object"
	if !s.Kubernetes {
		what = "plan's changes"
	}
	return false, fmt.Sprintf("the approval is for %s, and this %s %s is %s: the change was modified after it was approved", shortDigest(c.Digest), what, "digest", shortDigest(s.Digest))
}

// judge checks one approval of the change with this digest.
func (v *verifier) judge(s *Subject, digest string, a Approval, authors []string) judged {
	j := judged{approval: a}
	fail := func(r *rule.Rule, format string, args ...any) judged {
		j.rule, j.problem = r, fmt.Sprintf(format, args...)
		return j
	}
	approver := NormalizeIdentity(a.Approver)
	isBreakGlass := a.BreakGlass != ""
	if isBreakGlass && !slices.Contains(v.breakGlass, approver) {
		return fail(rules.BreakGlass, "the break-glass entry of %s does not count: %s may not break glass (spec.approval.breakGlass.identities)", a.Approver, a.Approver)
	}

	// 2. Signature and signer.
	signers := v.signers
	if signers == nil {
		signers = &Signers{}
	}
	if a.Signature == "" {
		if !v.pol.Document().Spec.Approval.AllowUnsigned {
			return fail(rules.UnknownSigner, "the approval by %s is not signed, and the policy accepts only signed approvals (spec.approval.allowUnsigned is false)", a.Approver)
		}
		if !signers.Empty() && !signers.Known(approver) && !isBreakGlass {
			return fail(rules.UnknownSigner, "the unsigned approval by %s does not count: %s is not an allowed signer", a.Approver, a.Approver)
		}
		j.unsigned, j.persons = true, []string{approver}
	} else {
		sig := parseSignature(a.Signature)
		if sig.err != nil {
			return fail(rules.UnknownSigner, "the approval by %s does not count: %v", a.Approver, sig.err)
		}
		fp := sig.fp
		holders := signers.Holders(fp)
		if len(holders) == 0 {
			return fail(rules.UnknownSigner, "the approval by %s is signed with key %s, which no allowed signer lists", a.Approver, fp)
		}
		if !slices.Contains(holders, approver) {
			return fail(rules.UnknownSigner, "the approval names %s as approver but is signed with a key of %s", a.Approver, strings.Join(holders, ", "))
		}
		key, _ := signers.Key(fp)
		if err := verifySignature(StatementOf(digest, a).Bytes(), sig, key); err != nil {
			return fail(rules.UnknownSigner, "the signature of the approval by %s does not verify: the digest, approver, ticket, time or expiry differ from what %s signed", a.Approver, fp)
		}
		j.persons = holders
	}
	if !isBreakGlass && (!j.unsigned || !signers.Empty()) {
		for _, env := range s.Envs {
			if ok, why := signers.MayApprove(approver, env, s.Namespace); !ok {
				return fail(rules.UnknownSigner, "the approval does not count: %s", why)
			}
		}
	}

	// 3. Time.
	now := v.pass.Now
	at, err := ParseTime(a.Time)
	if err != nil {
		return fail(rules.Expired, "the approval by %s has no valid time: %v", a.Approver, err)
	}
	// A deployed change's approval was judged current when it was admitted.
	if !v.ctx.Deployed && at.After(now.Add(clockSkew)) {
		return fail(rules.Expired, "the approval by %s is dated %s, in the future", a.Approver, a.Time)
	}
	if a.Expires != "" {
		exp, err := ParseTime(a.Expires)
		if err != nil {
			return fail(rules.Expired, "the approval by %s has an invalid expiry: %v", a.Approver, err)
		}
		if !now.Before(exp) && !v.ctx.Deployed {
			return fail(rules.Expired, "the approval by %s expired at %s", a.Approver, a.Expires)
		}
	}
	if maxAge := v.pol.ApprovalMaxAge(); maxAge > 0 && now.Sub(at) > maxAge && !v.ctx.Deployed {
		return fail(rules.Expired, "the approval by %s was given at %s, longer ago than the policy's maximum age of %s (spec.approval.maxAge)", a.Approver, a.Time, v.pol.Document().Spec.Approval.MaxAge)
	}
	if isBreakGlass {
		return j
	}

	// 4. Ticket.
	ticket := strings.TrimSpace(a.Ticket)
	if ticket == "" {
		return fail(rules.TicketMismatch, "the approval by %s names no change ticket", a.Approver)
	}
	if re := v.pol.TicketPattern(); re != nil && !re.MatchString(ticket) {
		return fail(rules.TicketMismatch, "the approval by %s names change ticket %q, which does not match the policy's pattern %s", a.Approver, ticket, v.pol.Document().Spec.Approval.TicketPattern)
	}

	// 5. Independence.
	for _, id := range j.persons {
		if slices.Contains(authors, id) {
			return fail(rules.NotIndependent, "%s approved their own change: %s is its author", a.Approver, id)
		}
		if d := NormalizeIdentity(v.ctx.Deployer); d != "" && id == d {
			return fail(rules.NotIndependent, "%s approved the change they are deploying: %s is the deployer", a.Approver, id)
		}
	}
	return j
}

// brokeGlass says whether the change was deployed by breaking glass: by a
// break-glass identity with a reason (the annotation, or a break-glass
// entry). When a break-glass identity tried without the reason the policy
// requires, why says so and ok is false.
func (v *verifier) brokeGlass(s *Subject, entries []judged) (who, why string, ok bool) {
	if len(entries) > 0 {
		return entries[0].approval.Approver, entries[0].approval.BreakGlass, true
	}
	deployer := NormalizeIdentity(v.ctx.Deployer)
	if deployer == "" || !slices.Contains(v.breakGlass, deployer) || !s.Kubernetes {
		return "", "", false
	}
	reason := strings.TrimSpace(s.Resources[0].Annotations[v.prefix+KeyBreakGlass])
	if reason == "" && v.requireReason {
		return "", fmt.Sprintf("%s may break glass, but gave no reason (the %s%s annotation)", v.ctx.Deployer, v.prefix, KeyBreakGlass), false
	}
	if reason == "" {
		reason = "(none given)"
	}
	return v.ctx.Deployer, reason, true
}

func (v *verifier) report(s *Subject, r *rule.Rule, annotated bool, msg string) {
	v.reportMode(s, r, annotated, "", msg)
}

// reportMode reports a finding of rule r on every resource of s; a mode
// other than "" replaces the finding's default (deny).
func (v *verifier) reportMode(s *Subject, r *rule.Rule, annotated bool, mode policy.Mode, msg string) {
	if _, ok := v.reg.Lookup(r.ID); !ok {
		return
	}
	p := v.pass.WithRule(r)
	for _, res := range s.Resources {
		var at resource.Path
		if s.Kubernetes {
			at = resource.Path{resource.Key("metadata"), resource.Key("annotations")}
			if annotated {
				at = at.Append(resource.Key(v.prefix + KeyApprovals))
			}
		}
		p.Report(res, at, "%s", msg)
	}
	for _, f := range p.Findings() {
		if mode != "" {
			f.Mode = mode
		}
		v.res.Findings = append(v.res.Findings, f)
	}
}

// persons groups the accepted approvals into distinct people: approvals
// whose signers share an identity (the same approver, or a key listed for
// several identities) are one person's.
func persons(accepted []judged) [][]string {
	var groups [][]string
	for _, j := range accepted {
		merged := slices.Clone(j.persons)
		var rest [][]string
		for _, g := range groups {
			if overlaps(g, merged) {
				for _, id := range g {
					if !slices.Contains(merged, id) {
						merged = append(merged, id)
					}
				}
			} else {
				rest = append(rest, g)
			}
		}
		groups = append(rest, merged)
	}
	return groups
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func names(groups [][]string) string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = g[0]
	}
	return strings.Join(out, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// shortDigest abbreviates a digest for messages: sha256: and 12 hex digits.
func shortDigest(d string) string {
	if len(d) > len(DigestPrefix)+12 {
		return d[:len(DigestPrefix)+12] + "..."
	}
	return d
}
