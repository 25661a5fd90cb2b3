package segregation

import (
	"sort"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// DefaultDeny is GR-SEG-010.
var DefaultDeny = &rule.Rule{
	ID:       "GR-SEG-010",
	Title:    "Production namespaces deny traffic by default",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.ExplicitlyAllowedTraffic, clause.SegmentationByRisk},
	Description: "A namespace of an environment that requires it (spec.segregation.requireDefaultDeny; the " +
		"production environments by default) has no NetworkPolicy selecting all its pods with an empty ingress " +
		"rule list, so any pod in the cluster, of any environment, can reach its pods; or none with an empty " +
		"egress rule list, so its pods can reach any other environment. Only the namespaces the inputs define " +
		"or deploy into are judged; NetworkPolicies must be among the inputs.",
	Remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules, then allow " +
		"the traffic each workload needs with narrower policies.",
	Formats:         []resource.Format{resource.FormatKubernetes},
	Peers:           rule.Peers{Checkov: []string{"CKV2_K8S_6"}, KubeLinter: []string{"non-isolated-pod"}},
	NeedsWholeInput: true,
	CheckAll: func(p *rule.Pass) {
		names := make([]string, 0, len(p.Index.Namespaces()))
		for n := range p.Index.Namespaces() {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			ns, _ := p.Index.Namespace(n)
			env, anchor := requiredEnv(p, ns)
			if anchor == nil {
				continue
			}
			ingress, egress := false, false
			for _, m := range ns.Members {
				if !kube.Is(m, "networking.k8s.io", "NetworkPolicy") || m.IsDeleted() {
					continue
				}
				i, e := denies(m)
				ingress, egress = ingress || i, egress || e
			}
			switch {
			case !ingress:
				p.Report(anchor, nil, "namespace %s (environment %s) has no default-deny ingress NetworkPolicy", n, env)
			case !egress:
				p.Report(anchor, nil, "namespace %s (environment %s) denies ingress by default but not egress", n, env)
			}
		}
	},
}

// requiredEnv returns the environment of a namespace that needs a
// default-deny policy, and the object to report on: the Namespace object
// when the inputs hold it, else its first workload. A namespace is placed
// as a whole (by its object, labels or name); one that is not is judged by
// the environment its workloads are labelled with. A namespace holding
// neither a Namespace object nor a workload or Service is not judged.
func requiredEnv(p *rule.Pass, ns *rule.Namespace) (string, *resource.Resource) {
	var first *resource.Resource
	labelled := ""
	for _, m := range ns.Members {
		if _, ok, _ := kube.PodSpec(m); !ok && m.Type != "Service" || m.IsDeleted() {
			continue
		}
		if first == nil {
			first = m
		}
		if e := envOf(p, m); labelled == "" && p.Policy.RequiresDefaultDeny(e) {
			labelled, first = e, m
		}
	}
	anchor := ns.Object
	if anchor == nil {
		anchor = first
	}
	if anchor == nil || anchor.IsDeleted() {
		return "", nil
	}
	env := ""
	if pl := namespacePlacement(p, ns.Name); !pl.Undefined && pl.Source != policy.SourceDefault {
		env = pl.Env
	}
	if env == "" {
		env = labelled
	}
	if env == "" {
		env = namespaceEnv(p, ns.Name) // the policy's default environment
	}
	if !p.Policy.RequiresDefaultDeny(env) {
		return "", nil
	}
	return env, anchor
}

// denies reports whether a NetworkPolicy selects every pod and denies all
// ingress, all egress, or both.
func denies(r *resource.Resource) (ingress, egress bool) {
	np, err := kube.NetworkPolicy(r)
	if err != nil || len(np.Spec.PodSelector.MatchLabels) > 0 || len(np.Spec.PodSelector.MatchExpressions) > 0 {
		return false, false
	}
	types := map[string]bool{}
	for _, t := range np.Spec.PolicyTypes {
		types[string(t)] = true
	}
	if len(np.Spec.PolicyTypes) == 0 {
		types["Ingress"] = true
		types["Egress"] = len(np.Spec.Egress) > 0
	}
	return types["Ingress"] && len(np.Spec.Ingress) == 0, types["Egress"] && len(np.Spec.Egress) == 0
}
