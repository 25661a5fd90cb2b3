package segregation

import (
	"regexp"
	"sort"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/iampolicy"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// envOf returns the environment r is placed in, or "" when it has none or
// when its tag or label names an environment the policy does not define:
// GR-SEG-002 reports such a typo, and no other rule takes it for an
// environment of its own.
func envOf(p *rule.Pass, r *resource.Resource) string {
	pl := p.Index.Placement(r)
	if pl.Undefined {
		return ""
	}
	return pl.Env
}

// crosses reports whether a resource in env may not reach something in other:
// both are known, they differ, and the policy does not allow the mix.
func crosses(p *rule.Pass, env, other string) bool {
	return env != "" && other != "" && env != other && !p.Policy.MixAllowed(env, other)
}

// productionFirst sorts environment names: production environments first,
// then by name, so that a finding about environments sharing something is
// reported on the side that is not production.
func productionFirst(p *rule.Pass, envs []string) {
	sort.SliceStable(envs, func(i, j int) bool {
		pi, pj := p.Policy.IsProduction(envs[i]), p.Policy.IsProduction(envs[j])
		if pi != pj {
			return pi
		}
		return envs[i] < envs[j]
	})
}

// crossedBy returns the first environment before envs[i] that envs[i] may
// not share with. Comparing each environment with those before it finds
// every forbidden mix (not only those with the first), and costs the square
// of the number of environments involved, which the policy bounds.
func crossedBy(p *rule.Pass, envs []string, i int) (string, bool) {
	for j := 0; j < i; j++ {
		if crosses(p, envs[j], envs[i]) {
			return envs[j], true
		}
	}
	return "", false
}

// refTargets returns, for each reference of r from an attribute under key
// (or any attribute when key is empty), the referenced resources.
func refTargets(p *rule.Pass, r *resource.Resource, key string) []target {
	var out []target
	for _, ref := range r.Refs {
		if key != "" && (len(ref.From) == 0 || ref.From[0].Key != key) {
			continue
		}
		for _, t := range p.Index.Resolve(r, ref.To) {
			if t != r {
				out = append(out, target{ref: ref, res: t})
			}
		}
	}
	return out
}

type target struct {
	ref resource.Ref
	res *resource.Resource
}

var (
	gcpProjectRE   = regexp.MustCompile(`projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/`)
	azureSubRE     = regexp.MustCompile(`(?i)/subscriptions/([0-9a-f-]{36})/`)
	gcpServiceAcct = regexp.MustCompile(`@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com`)
)

// envOfIdentifier places a string that names something of another
// resource: an ARN or account ID, a GCP self link or service account, an
// Azure resource ID, or a name matching an environment's name patterns.
// It returns the environment and what placed it.
func envOfIdentifier(p *rule.Pass, s string) (env, how string) {
	if s == "" {
		return "", ""
	}
	if acct := iampolicy.AccountOf(s); acct != "" {
		if e, ok := p.Policy.EnvOfAccount(acct); ok {
			return e, "account " + acct
		}
	}
	for _, re := range []*regexp.Regexp{gcpProjectRE, azureSubRE, gcpServiceAcct} {
		if m := re.FindStringSubmatch(s); m != nil {
			if e, ok := p.Policy.EnvOfAccount(m[1]); ok {
				return e, "project or subscription " + m[1]
			}
		}
	}
	for _, name := range identifierNames(s) {
		if e, ok := p.Policy.EnvOfAccount(name); ok {
			return e, "project or account " + name
		}
		if e, ok := p.Policy.EnvOfName(name); ok {
			return e, "name " + name
		}
	}
	return "", ""
}

// identifierNames returns the names an identifier is made of, most
// specific first: the bucket of an S3 ARN (not the object key); else the
// last segment of an ARN, path or project:instance pair, then the others.
func identifierNames(s string) []string {
	if rest, ok := strings.CutPrefix(s, "arn:"); ok {
		if parts := strings.SplitN(rest, ":", 5); len(parts) == 5 && parts[1] == "s3" {
			bucket, _, _ := strings.Cut(parts[4], "/")
			return []string{bucket}
		}
	}
	parts := strings.FieldsFunc(s, func(c rune) bool { return c == ':' || c == '/' })
	if len(parts) <= 1 {
		return parts
	}
	return append([]string{parts[len(parts)-1]}, parts[:len(parts)-1]...)
}

// endpointEnv places the value of attribute key of r: through a reference to
// a resource in the inputs first, else from the value itself.
func endpointEnv(p *rule.Pass, r *resource.Resource, key string) (env, how string, unknown *resource.Value) {
	for _, t := range refTargets(p, r, key) {
		if e := envOf(p, t.res); e != "" {
			return e, t.res.Address, nil
		}
	}
	v := r.Get(key)
	if v.IsUnknown() {
		return "", "", &v
	}
	env, how = envOfIdentifier(p, v.String())
	return env, how, nil
}

// namespaceEnv places a Kubernetes namespace the way the index places a
// Namespace object: by the object when the inputs hold it, else by the
// labels known for it (from the inputs or the cluster) and its name, in the
// policy's precedence order. Under --env every namespace the inputs deploy
// into is in that environment.
func namespaceEnv(p *rule.Pass, name string) string {
	pl := namespacePlacement(p, name)
	if pl.Undefined {
		return ""
	}
	return pl.Env
}

// namespacePlacement is namespaceEnv's placement, with how it was made.
func namespacePlacement(p *rule.Pass, name string) policy.Placement {
	if name == "" {
		return policy.Placement{}
	}
	ns, known := p.Index.Namespace(name)
	var labels map[string]string
	if known {
		if ns.Object != nil {
			return p.Index.Placement(ns.Object)
		}
		if len(ns.Members) > 0 {
			if pl := p.Index.Placement(ns.Members[0]); pl.Source == policy.SourceOverride {
				return pl
			}
		}
		labels = ns.Labels
	}
	synth := &resource.Resource{
		Format: resource.FormatKubernetes, APIVersion: "v1", Type: "Namespace", Name: name,
		Address: "Namespace/" + name, Labels: labels,
	}
	return p.Policy.Place(synth, func(string) (map[string]string, bool) { return labels, labels != nil })
}

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// use is one resource's use of something environments must not share.
type use struct {
	env  string
	r    *resource.Resource
	at   resource.Path
	what string
	// owner marks the resource that is the shared thing itself, not a user of it.
	owner bool
}

// sharing groups uses by what they use, in input order, to report the
// things used by environments that may not mix. It is linear in the uses.
type sharing struct {
	keys []string
	uses map[string][]use
}

func (s *sharing) add(key, what string, u use) {
	if s.uses == nil {
		s.uses = map[string][]use{}
	}
	if _, ok := s.uses[key]; !ok {
		s.keys = append(s.keys, key)
	}
	u.what = what
	s.uses[key] = append(s.uses[key], u)
}

// report calls fn once for each environment using a shared thing that may
// not mix with an environment using it before: the owner's environment
// first, then production, then by name. fn gets the first user of that
// environment, the environment it crosses, and that environment's owner of
// the thing, or else its first user.
func (s *sharing) report(p *rule.Pass, fn func(u use, other string, first use)) {
	for _, key := range s.keys {
		uses := s.uses[key]
		first := map[string]use{}  // per environment, its first user, else its owner
		owners := map[string]use{} // per environment, its owner
		ownerEnv, users := "", 0
		for _, u := range uses {
			if u.owner {
				if ownerEnv == "" {
					ownerEnv = u.env
				}
				if _, ok := owners[u.env]; !ok {
					owners[u.env] = u
				}
			} else {
				users++
			}
			if f, ok := first[u.env]; !ok || f.owner && !u.owner {
				first[u.env] = u
			}
		}
		if len(first) < 2 || users == 0 {
			continue
		}
		envs := sortedKeys(first)
		productionFirst(p, envs)
		if ownerEnv != "" {
			for i, e := range envs {
				if e == ownerEnv {
					copy(envs[1:i+1], envs[:i])
					envs[0] = e
					break
				}
			}
		}
		for i := 1; i < len(envs); i++ {
			u := first[envs[i]]
			if u.owner {
				continue
			}
			if other, ok := crossedBy(p, envs, i); ok {
				ref, owned := owners[other]
				if !owned {
					ref = first[other]
				}
				fn(u, other, ref)
			}
		}
	}
}
