package approval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// WaiverForm is the canonical form of a policy-file waiver, what its
// approvals cover: rules, resources, environments, files, reason, expires,
// owner and ticket, each left out when empty. Its approvers and signatures
// are not part of it.
func WaiverForm(w policy.Waiver) map[string]any {
	m := map[string]any{}
	for k, v := range map[string][]string{"rules": w.Rules, "resources": w.Resources, "environments": w.Environments, "files": w.Files} {
		if len(v) > 0 {
			m[k] = v
		}
	}
	for k, v := range map[string]string{"reason": w.Reason, "expires": w.Expires, "owner": w.Owner, "ticket": w.Ticket} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// WaiverStatement is the statement an approver of a policy-file waiver
// signs: the digest of its canonical form, the approver (normalized: trimmed,
// lower case), and its ticket and expiry.
func WaiverStatement(w policy.Waiver, approver string) (Statement, error) {
	d, err := Digest(WaiverForm(w))
	if err != nil {
		return Statement{}, err
	}
	return Statement{Format: StatementFormat, Digest: d, Approver: NormalizeIdentity(approver), Ticket: w.Ticket, Expires: w.Expires}, nil
}

// VerifyWaiver checks the approvals of a policy-file waiver for an
// environment that needs approval: the waiver must name its owner, and at
// least spec.approval.approvers people other than the owner must approve it
// (approvedBy). Signatures are optional, the policy file being under review
// itself, but every signature given must verify against a key the policy
// lists for one of the approvers; a signed approval counts for everyone
// listing its key. It returns who approved, or why the waiver does not count.
func VerifyWaiver(p *policy.Policy, w policy.Waiver) (approvers []string, problem string) {
	owner := NormalizeIdentity(w.Owner)
	if owner == "" {
		return nil, "it names no owner, so its approval cannot be told independent (set owner and approvedBy)"
	}
	if len(w.ApprovedBy) == 0 {
		return nil, "it is not approved: where changes need approval, a policy-file waiver needs approvedBy naming someone other than its owner"
	}
	signers, err := SignersOf(p)
	if err != nil {
		return nil, "the policy's allowed signers cannot be read: " + err.Error()
	}
	var groups []judged
	signedBy := map[string][]string{} // approver -> the identities holding the key that signed for them
	for i, armored := range w.Signatures {
		sig := parseSignature(armored)
		if sig.err != nil {
			return nil, fmt.Sprintf("signature %d: %v", i+1, sig.err)
		}
		fp := sig.fp
		holders := signers.Holders(fp)
		key, listed := signers.Key(fp)
		signer := ""
		for _, a := range w.ApprovedBy {
			if slices.Contains(holders, NormalizeIdentity(a)) {
				signer = a
				break
			}
		}
		if !listed || signer == "" {
			return nil, fmt.Sprintf("signature %d is made with key %s, which the policy lists for none of the approvers (%s)", i+1, fp, strings.Join(w.ApprovedBy, ", "))
		}
		st, err := WaiverStatement(w, signer)
		if err != nil {
			return nil, err.Error()
		}
		if err := verifySignature(st.Bytes(), sig, key); err != nil {
			return nil, fmt.Sprintf("signature %d by %s does not verify: the waiver changed after it was signed", i+1, signer)
		}
		signedBy[NormalizeIdentity(signer)] = holders
	}
	for _, a := range w.ApprovedBy {
		id := NormalizeIdentity(a)
		ids := []string{id}
		if holders, ok := signedBy[id]; ok {
			ids = holders
		}
		if slices.Contains(ids, owner) {
			continue
		}
		groups = append(groups, judged{persons: ids})
	}
	people := persons(groups)
	required := max(p.Document().Spec.Approval.Approvers, 1)
	if len(people) < required {
		if len(people) == 0 {
			return nil, fmt.Sprintf("it is approved only by its owner %s; someone else must approve it", w.Owner)
		}
		return nil, fmt.Sprintf("it is approved by %d approver%s other than its owner (%s), the policy requires %d", len(people), plural(len(people)), names(people), required)
	}
	for _, g := range people {
		approvers = append(approvers, g[0])
	}
	return approvers, ""
}
