package approval

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Subject is one change approvals are given for: a Kubernetes object, or
// the resource changes of one plan that need approval.
type Subject struct {
	// Name is the object's address (Deployment/prod/web), or "plan FILE".
	Name string
	// Kubernetes is set for an object, clear for a plan.
	Kubernetes bool
	// Resources are the object, or the plan's changes in scope sorted by address.
	Resources []*resource.Resource
	// Envs are the environments of the resources, sorted.
	Envs []string
	// Namespace is the object's namespace.
	Namespace string
	// Digest is the digest of the change's canonical form.
	Digest string
	// Canonical is the canonical form of an object, which approvals embed.
	// For a plan, which can be large, Subjects leaves it nil: PlanDigest
	// returns it.
	Canonical []byte
	// Err says why the canonical form could not be computed.
	Err error
}

// InScope reports whether r is a change that needs approval under p, r
// being in environment env: a Kubernetes object, or a plan's change of a
// managed resource other than no-op and read, in an environment of
// spec.approval.environments.
func InScope(p *policy.Policy, r *resource.Resource, env string) bool {
	if !p.RequiresApproval(env) {
		return false
	}
	switch r.Format {
	case resource.FormatKubernetes:
		return r.Action != resource.ActionDelete
	case resource.FormatPlan:
		return r.Mode != "data" && r.Action != resource.ActionNoop && r.Action != resource.ActionRead
	}
	return false
}

// Subjects groups the resources that need approval into the changes
// approvals are given for, and computes each change's digest: one per
// Kubernetes object, one per plan (Unit) for its changes in scope.
func Subjects(p *policy.Policy, ix *rule.Index, resources []*resource.Resource) []*Subject {
	var out []*Subject
	plans := map[string]*Subject{}
	prefix := p.ApprovalPrefix()
	for _, r := range resources {
		env := ix.Env(r)
		if !InScope(p, r, env) {
			continue
		}
		if r.IsKubernetes() {
			s := &Subject{Name: r.Address, Kubernetes: true, Resources: []*resource.Resource{r}, Envs: []string{env}, Namespace: r.Namespace}
			if r.Type == "Namespace" && r.APIVersion == "v1" {
				s.Namespace = r.Name
			}
			s.Digest, s.Canonical, s.Err = ObjectDigest(r.Attributes, r.Namespace, prefix)
			out = append(out, s)
			continue
		}
		s := plans[r.Unit]
		if s == nil {
			s = &Subject{Name: "plan " + r.Unit}
			plans[r.Unit] = s
			out = append(out, s)
		}
		s.Resources = append(s.Resources, r)
		if !slices.Contains(s.Envs, env) {
			s.Envs = append(s.Envs, env)
		}
	}
	for _, s := range out {
		if s.Kubernetes {
			continue
		}
		sort.Strings(s.Envs)
		slices.SortStableFunc(s.Resources, func(a, b *resource.Resource) int { return cmp.Compare(a.Address, b.Address) })
		s.Digest, s.Err = planDigest(s.Resources)
	}
	return out
}

// PlanChanges is the canonical form of a plan's changes: a list, sorted by
// address, of {"address", "action", "after"} for each change, where action
// is create, update, replace (either order of delete and create) or delete
// (delete and forget), and after is the planned value, with every value
// known only after apply replaced by UnknownMarker, and null for a delete.
func PlanChanges(changes []*resource.Resource) []any {
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, func(a, b *resource.Resource) int { return cmp.Compare(a.Address, b.Address) })
	out := make([]any, 0, len(sorted))
	for _, r := range sorted {
		var after any = r.Attributes
		if r.Action == resource.ActionDelete {
			after = nil
		}
		out = append(out, map[string]any{"address": r.Address, "action": string(r.Action), "after": after})
	}
	return out
}

// PlanDigest returns the digest of a plan's changes in scope, and their canonical form.
func PlanDigest(changes []*resource.Resource) (digest string, canonical []byte, err error) {
	var kept bytes.Buffer
	digest, err = hashPlan(changes, &kept)
	if err != nil {
		return "", nil, err
	}
	return digest, kept.Bytes(), nil
}

// planDigest is PlanDigest without keeping the canonical form, which is as
// large as the plan.
func planDigest(changes []*resource.Resource) (string, error) { return hashPlan(changes, nil) }

// hashPlan writes the canonical form of a plan's changes, Canonical of
// PlanChanges, a change at a time into the hash, and into keep when it is
// not nil, and returns the digest.
func hashPlan(changes []*resource.Resource, keep *bytes.Buffer) (string, error) {
	h := sha256.New()
	var b bytes.Buffer
	flush := func() {
		h.Write(b.Bytes())
		if keep != nil {
			keep.Write(b.Bytes())
		}
		b.Reset()
	}
	b.WriteByte('[')
	for i, c := range PlanChanges(changes) {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encode(&b, c, 1); err != nil {
			return "", fmt.Errorf("[%d]: %w", i, err)
		}
		if b.Len() >= 64<<10 {
			flush()
		}
	}
	b.WriteByte(']')
	flush()
	return DigestPrefix + hex.EncodeToString(h.Sum(nil)), nil
}
