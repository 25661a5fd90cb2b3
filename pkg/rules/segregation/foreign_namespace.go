package segregation

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// nameLabel is the label Kubernetes sets on every namespace to its name.
const nameLabel = "kubernetes.io/metadata.name"

// ForeignNamespace is GR-SEG-005.
var ForeignNamespace = &rule.Rule{
	ID:       "GR-SEG-005",
	Title:    "NetworkPolicies do not admit another environment's namespaces",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SegmentationByRisk},
	Description: "A NetworkPolicy's namespaceSelector admits traffic from (or to) namespaces of another environment: " +
		"an empty selector, or one made only of exclusions (NotIn, DoesNotExist), which match nearly every " +
		"namespace; a selector matching namespaces the inputs (or the cluster) place in another environment; " +
		"or a selector on the environment label that admits another environment's value (In, NotIn, Exists).",
	Remediation: "Select only namespaces of the policy's own environment, e.g. with a namespaceSelector on the " +
		"environment label set to this environment.",
	Formats: []resource.Format{resource.FormatKubernetes},
	CheckAll: func(p *rule.Pass) {
		var nsx *namespaceIndex // built on the first NetworkPolicy that needs it
		for _, r := range p.Index.ByType("NetworkPolicy") {
			env := envOf(p, r)
			if env == "" || r.IsDeleted() || !kube.Is(r, "networking.k8s.io", "NetworkPolicy") {
				continue
			}
			np, err := kube.NetworkPolicy(r)
			if err != nil {
				p.UndecidableBecause(r, nil, "which namespaces the NetworkPolicy admits", err.Error())
				continue
			}
			judge := func(sel *metav1.LabelSelector, at resource.Path, dir string) {
				if sel == nil {
					return
				}
				if len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 {
					p.Report(r, at, "an empty namespaceSelector admits %s traffic with every namespace, including those of other environments", dir)
					return
				}
				s, err := metav1.LabelSelectorAsSelector(sel)
				if err != nil {
					return
				}
				if nsx == nil {
					nsx = newNamespaceIndex(p)
				}
				reach := nsx.reach(p, s)
				if reach.everything {
					p.Report(r, at, "the namespaceSelector %s only excludes namespaces, so it admits %s traffic with every other namespace, including those of other environments", s, dir)
					return
				}
				for _, other := range reach.envs {
					if crosses(p, env, other.env) {
						p.Report(r, at, "the namespaceSelector %s admits %s traffic with %s, of environment %s", s, dir, other.what, other.env)
					}
				}
			}
			spec := resource.Path{resource.Key("spec")}
			for i, in := range np.Spec.Ingress {
				for j, peer := range in.From {
					judge(peer.NamespaceSelector, spec.Append(resource.Key("ingress"), resource.Index(i), resource.Key("from"), resource.Index(j), resource.Key("namespaceSelector")), "ingress")
				}
			}
			for i, eg := range np.Spec.Egress {
				for j, peer := range eg.To {
					judge(peer.NamespaceSelector, spec.Append(resource.Key("egress"), resource.Index(i), resource.Key("to"), resource.Index(j), resource.Key("namespaceSelector")), "egress")
				}
			}
		}
	},
}

type selected struct{ env, what string }

// reach is what a namespace selector admits.
type reach struct {
	// everything is set for a selector made only of exclusions.
	everything bool
	envs       []selected
}

// namespaceIndex holds the namespaces of the inputs with their labels and
// environments, indexed by label so that a selector is matched against the
// namespaces it can select rather than against all of them, and each
// distinct selector is worked out once.
type namespaceIndex struct {
	names   []string
	labels  []labels.Set
	envs    []string
	byLabel map[string][]int // key + "\x00" + value
	byKey   map[string][]int
	byEnv   map[string][]int
	envKeys map[string]bool
	cache   map[string]reach
}

func newNamespaceIndex(p *rule.Pass) *namespaceIndex {
	x := &namespaceIndex{
		byLabel: map[string][]int{}, byKey: map[string][]int{}, byEnv: map[string][]int{},
		envKeys: map[string]bool{}, cache: map[string]reach{},
	}
	for _, k := range p.Policy.Document().Spec.Environments.NamespaceLabelKeys {
		x.envKeys[k] = true
	}
	for _, name := range sortedKeys(p.Index.Namespaces()) {
		ns, _ := p.Index.Namespace(name)
		set := labels.Set{nameLabel: name}
		for k, v := range ns.Labels {
			set[k] = v
		}
		i := len(x.names)
		env := namespaceEnv(p, name)
		x.names, x.labels, x.envs = append(x.names, name), append(x.labels, set), append(x.envs, env)
		for k, v := range set {
			x.byLabel[k+"\x00"+v] = append(x.byLabel[k+"\x00"+v], i)
			x.byKey[k] = append(x.byKey[k], i)
		}
		if env != "" {
			x.byEnv[env] = append(x.byEnv[env], i)
		}
	}
	return x
}

// reach works out the environments selector s admits: those of the known
// namespaces it matches, and those whose environment label values it
// admits, even when none of their namespaces is in the inputs.
func (x *namespaceIndex) reach(p *rule.Pass, s labels.Selector) reach {
	key := s.String()
	if r, ok := x.cache[key]; ok {
		return r
	}
	reqs, _ := s.Requirements()
	var out reach
	seen := map[string]bool{}
	add := func(env, what string) {
		if env != "" && !seen[env] {
			seen[env] = true
			out.envs = append(out.envs, selected{env: env, what: what})
		}
	}
	// The known namespaces it matches, found through its most selective
	// positive requirement.
	var candidates []int
	positive, onEnvKey := false, false
	for _, req := range reqs {
		onEnvKey = onEnvKey || x.envKeys[req.Key()]
		var c []int
		switch req.Operator() {
		case selection.In, selection.Equals, selection.DoubleEquals:
			for _, v := range req.Values().List() {
				c = append(c, x.byLabel[req.Key()+"\x00"+v]...)
			}
		case selection.Exists:
			c = x.byKey[req.Key()]
		default:
			continue
		}
		if !positive || len(c) < len(candidates) {
			candidates = c
		}
		positive = true
	}
	if !positive && !onEnvKey {
		out.everything = true
		x.cache[key] = out
		return out
	}
	if positive {
		for _, i := range candidates {
			if !seen[x.envs[i]] && s.Matches(x.labels[i]) {
				add(x.envs[i], "namespace "+x.names[i])
			}
		}
	} else {
		for _, env := range sortedKeys(x.byEnv) {
			for _, i := range x.byEnv[env] {
				if s.Matches(x.labels[i]) {
					add(env, "namespace "+x.names[i])
					break
				}
			}
		}
	}
	// Environments whose label values the selector admits.
	if onEnvKey {
		admitted := map[string]string{} // env -> how
		first := true
		for _, req := range reqs {
			if !x.envKeys[req.Key()] {
				continue
			}
			these := map[string]string{}
			switch req.Operator() {
			case selection.In, selection.Equals, selection.DoubleEquals:
				for _, v := range req.Values().List() {
					if e, ok := p.Policy.Env(v); ok {
						these[e.Name] = req.Key() + "=" + v
					}
				}
			case selection.NotIn, selection.NotEquals:
				excluded := map[string]bool{}
				for _, v := range req.Values().List() {
					if e, ok := p.Policy.Env(v); ok {
						excluded[e.Name] = true
					}
				}
				for _, e := range p.Policy.Environments() {
					if !excluded[e.Name] {
						these[e.Name] = req.Key() + "=" + e.Name
					}
				}
			case selection.Exists:
				for _, e := range p.Policy.Environments() {
					these[e.Name] = req.Key() + "=" + e.Name
				}
			}
			if first {
				admitted, first = these, false
				continue
			}
			for e := range admitted {
				if _, ok := these[e]; !ok {
					delete(admitted, e)
				}
			}
		}
		for _, e := range p.Policy.Environments() {
			if how, ok := admitted[e.Name]; ok {
				add(e.Name, "namespaces labelled "+how)
			}
		}
	}
	// Namespaces named by kubernetes.io/metadata.name that the inputs lack.
	for _, req := range reqs {
		if req.Key() != nameLabel || !(req.Operator() == selection.In || req.Operator() == selection.Equals || req.Operator() == selection.DoubleEquals) {
			continue
		}
		for _, v := range req.Values().List() {
			if len(x.byLabel[nameLabel+"\x00"+v]) == 0 {
				add(namespaceEnv(p, v), "namespace "+v)
			}
		}
	}
	x.cache[key] = out
	return out
}
