package policy

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Placement is the environment detected for a resource and how.
// +kubebuilder:object:generate=false
type Placement struct {
	// Env is the environment's name; empty when no detector placed the resource.
	Env string `json:"env,omitempty"`
	// Source is the detector that placed it (label, namespace, path...).
	Source string `json:"source,omitempty"`
	// Detail says what the detector saw, e.g. `tag Environment="production"`.
	Detail string `json:"detail,omitempty"`
	// Undefined is set when a label or tag names an environment the policy
	// does not define; Env then holds the value as written.
	Undefined bool `json:"undefined,omitempty"`
}

// NamespaceLabels returns the labels of a Kubernetes namespace, and whether
// the namespace is known at all.
// +kubebuilder:object:generate=false
type NamespaceLabels func(namespace string) (labels map[string]string, found bool)

// Place detects the environment of r with the detectors in the policy's
// precedence order. nsLabels may be nil.
func (p *Policy) Place(r *resource.Resource, nsLabels NamespaceLabels) Placement {
	for _, src := range p.precedence {
		if pl, ok := p.detect(src, r, nsLabels); ok {
			return pl
		}
	}
	if p.defaultEnv != "" {
		return Placement{Env: p.defaultEnv, Source: SourceDefault, Detail: "the policy's default environment"}
	}
	return Placement{}
}

// Contradiction returns what a later detector in the precedence order says
// about r when it places r in another defined environment than pl, the
// placement Place returned: a manifest under envs/dev/ that names a
// production namespace, a resource tagged prod in a dev account. Name
// patterns are the weakest detector and never contradict another (a dev
// peering named "dev-to-prod" is not a production resource), nor can an
// override (--env) or the policy's default be contradicted.
func (p *Policy) Contradiction(r *resource.Resource, nsLabels NamespaceLabels, pl Placement) (Placement, bool) {
	if pl.Env == "" || pl.Undefined {
		return Placement{}, false
	}
	after := false
	for _, src := range p.precedence {
		if !after {
			after = src == pl.Source
			continue
		}
		if src == SourceName {
			continue
		}
		if other, ok := p.detect(src, r, nsLabels); ok && !other.Undefined && other.Env != pl.Env {
			return other, true
		}
	}
	return Placement{}, false
}

func (p *Policy) detect(src string, r *resource.Resource, nsLabels NamespaceLabels) (Placement, bool) {
	switch src {
	case SourceLabel:
		for _, k := range p.tagKeys {
			if v, ok := r.Labels[k]; ok && v != "" {
				return p.byValue(SourceLabel, labelWord(r)+" "+k+"="+quote(v), v), true
			}
		}
	case SourceNamespaceLabel:
		ns := namespaceOf(r)
		if ns == "" || nsLabels == nil {
			return Placement{}, false
		}
		labels, _ := nsLabels(ns)
		for _, k := range p.namespaceLabelKeys {
			if v, ok := labels[k]; ok && v != "" {
				return p.byValue(SourceNamespaceLabel, "namespace "+ns+" label "+k+"="+quote(v), v), true
			}
		}
	case SourceNamespace:
		if ns := namespaceOf(r); ns != "" {
			if env, ok := p.EnvOfNamespaceName(ns); ok {
				return Placement{Env: env, Source: SourceNamespace, Detail: "namespace " + ns}, true
			}
		}
	case SourceWorkspace:
		if ws := r.Origin.Workspace; ws != "" && ws != "default" {
			for _, e := range p.envs {
				if matchAny(e.workspaces, ws) {
					return Placement{Env: e.Name, Source: SourceWorkspace, Detail: "workspace " + ws}, true
				}
			}
		}
	case SourceAccount:
		for _, id := range []string{r.Origin.Account, r.Origin.Project, r.Origin.Subscription} {
			if id == "" {
				continue
			}
			if env, ok := p.EnvOfAccount(id); ok {
				return Placement{Env: env, Source: SourceAccount, Detail: "account " + id}, true
			}
		}
	case SourcePath:
		if f := r.Location.File; f != "" {
			for _, e := range p.envs {
				if matchPath(e.paths, f) {
					return Placement{Env: e.Name, Source: SourcePath, Detail: "path " + f}, true
				}
			}
		}
	case SourceName:
		for _, n := range namesOf(r) {
			if env, ok := p.EnvOfName(n); ok {
				return Placement{Env: env, Source: SourceName, Detail: "name " + n}, true
			}
		}
	}
	return Placement{}, false
}

func (p *Policy) byValue(src, detail, value string) Placement {
	if e, ok := p.byName[strings.ToLower(value)]; ok {
		return Placement{Env: e.Name, Source: src, Detail: detail}
	}
	return Placement{Env: value, Source: src, Detail: detail, Undefined: true}
}

func labelWord(r *resource.Resource) string {
	if r.IsKubernetes() {
		return "label"
	}
	return "tag"
}

func quote(s string) string { return `"` + s + `"` }

// namespaceOf is the namespace whose labels and name place r: its own
// namespace, or the namespace itself for a Namespace object.
func namespaceOf(r *resource.Resource) string {
	if !r.IsKubernetes() {
		return ""
	}
	if r.Type == "Namespace" && r.APIVersion == "v1" {
		return r.Name
	}
	return r.Namespace
}

// namesOf lists the names of r that name patterns are tried on: the object
// or resource name, and for Terraform the Name tag and the usual naming attributes.
func namesOf(r *resource.Resource) []string {
	names := []string{r.Name}
	if r.IsKubernetes() {
		return names
	}
	if n := r.Labels["Name"]; n != "" {
		names = append(names, n)
	}
	for _, attr := range [...]string{"name", "bucket", "identifier", "cluster_identifier", "cluster_name", "function_name", "domain_name"} {
		if s, ok := r.Get(attr).Str(); ok && s != "" {
			names = append(names, s)
		}
	}
	return names
}
