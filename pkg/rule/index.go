package rule

import (
	"context"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Index is the inputs of one evaluation, indexed once so that rules looking
// across resources do constant-time lookups. It is read-only after NewIndex
// and safe for concurrent use.
type Index struct {
	resources  []*resource.Resource
	placements map[*resource.Resource]policy.Placement
	byType     map[string][]*resource.Resource
	byAddress  map[string][]*resource.Resource // unit + "\x00" + base address
	byObject   map[string]*resource.Resource   // kind/namespace/name
	namespaces map[string]*Namespace
	units      []string
	byUnit     map[string][]*resource.Resource
	ctx        context.Context
	policy     *policy.Policy
	nsLabels   policy.NamespaceLabels
}

// Namespace is what the inputs say about a Kubernetes namespace.
type Namespace struct {
	Name string
	// Object is the Namespace object, when the inputs hold it.
	Object *resource.Resource
	// Labels are the namespace's labels, from the inputs or the cluster.
	Labels map[string]string
	// Members are the namespaced objects of the inputs in this namespace.
	Members []*resource.Resource
}

// IndexOptions tune NewIndex.
type IndexOptions struct {
	// Env, when set, places every resource in this environment (the CLI's --env).
	Env string
	// NamespaceLabels supplies labels of namespaces the inputs do not hold,
	// from a cluster; nil means none.
	NamespaceLabels policy.NamespaceLabels
	// Context is the evaluation's context, which checks that may run long
	// (the CEL expressions of custom rules) stop on; nil means
	// context.Background().
	Context context.Context
}

// NewIndex indexes resources and places each in its environment.
func NewIndex(p *policy.Policy, resources []*resource.Resource, opts IndexOptions) *Index {
	ix := &Index{
		resources:  resources,
		placements: make(map[*resource.Resource]policy.Placement, len(resources)),
		byType:     map[string][]*resource.Resource{},
		byAddress:  make(map[string][]*resource.Resource, len(resources)),
		byObject:   map[string]*resource.Resource{},
		namespaces: map[string]*Namespace{},
		byUnit:     map[string][]*resource.Resource{},
		ctx:        opts.Context,
		policy:     p,
	}
	if ix.ctx == nil {
		ix.ctx = context.Background()
	}
	for _, r := range resources {
		ix.byType[r.Type] = append(ix.byType[r.Type], r)
		if _, seen := ix.byUnit[r.Unit]; !seen {
			ix.units = append(ix.units, r.Unit)
		}
		ix.byUnit[r.Unit] = append(ix.byUnit[r.Unit], r)
		if r.IsKubernetes() {
			ix.byObject[ObjectKey(r.Type, r.Namespace, r.Name)] = r
			if r.Type == "Namespace" && r.APIVersion == "v1" { // as Policy.Place reads namespaces
				ns := ix.namespace(r.Name)
				ns.Object, ns.Labels = r, r.Labels
			} else if r.Namespace != "" {
				ns := ix.namespace(r.Namespace)
				ns.Members = append(ns.Members, r)
			}
			continue
		}
		key := r.Unit + "\x00" + BaseAddress(r.Address)
		ix.byAddress[key] = append(ix.byAddress[key], r)
	}
	nsLabels := func(name string) (map[string]string, bool) {
		if ns, ok := ix.namespaces[name]; ok && ns.Object != nil {
			return ns.Labels, true
		}
		if opts.NamespaceLabels != nil {
			return opts.NamespaceLabels(name)
		}
		return nil, false
	}
	ix.nsLabels = nsLabels
	if opts.NamespaceLabels != nil {
		for name, ns := range ix.namespaces {
			if ns.Object == nil {
				ns.Labels, _ = opts.NamespaceLabels(name)
			}
		}
	}
	for _, r := range resources {
		var pl policy.Placement
		if opts.Env != "" {
			pl = policy.Placement{Env: opts.Env, Source: policy.SourceOverride, Detail: "--env " + opts.Env}
			if e, ok := p.Env(opts.Env); ok {
				pl.Env = e.Name
			} else {
				pl.Undefined = true
			}
		} else {
			pl = p.Place(r, nsLabels)
		}
		ix.placements[r] = pl
	}
	return ix
}

func (ix *Index) namespace(name string) *Namespace {
	ns, ok := ix.namespaces[name]
	if !ok {
		ns = &Namespace{Name: name}
		ix.namespaces[name] = ns
	}
	return ns
}

// ObjectKey is the Index key of a Kubernetes object.
func ObjectKey(kind, namespace, name string) string {
	return kind + "/" + namespace + "/" + name
}

// BaseAddress strips instance keys from a Terraform address:
// module.a["x"].aws_instance.web[0] becomes module.a.aws_instance.web.
func BaseAddress(addr string) string {
	if !strings.ContainsRune(addr, '[') {
		return addr
	}
	var b strings.Builder
	depth := 0
	inString := false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"' && depth > 0:
			inString = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Context returns the evaluation's context (IndexOptions.Context).
func (ix *Index) Context() context.Context { return ix.ctx }

// Resources returns every resource, in input order.
func (ix *Index) Resources() []*resource.Resource { return ix.resources }

// Placement returns the environment placement of r.
func (ix *Index) Placement(r *resource.Resource) policy.Placement { return ix.placements[r] }

// Contradiction returns the placement of a weaker detector that puts r in
// another defined environment than Placement(r) does (see
// policy.Policy.Contradiction); false when they agree or an override placed r.
func (ix *Index) Contradiction(r *resource.Resource) (policy.Placement, bool) {
	return ix.policy.Contradiction(r, ix.nsLabels, ix.placements[r])
}

// Env returns the environment of r, or "" when it has none.
func (ix *Index) Env(r *resource.Resource) string { return ix.placements[r].Env }

// ByType returns the resources of a Terraform type or Kubernetes kind.
func (ix *Index) ByType(typ string) []*resource.Resource { return ix.byType[typ] }

// Resolve returns the resources of r's unit at a Terraform address (without
// instance keys), as references name them. A reference from inside a module
// is resolved within that module first.
func (ix *Index) Resolve(from *resource.Resource, address string) []*resource.Resource {
	if from.Module != "" && !strings.HasPrefix(address, "module.") {
		if rs := ix.byAddress[from.Unit+"\x00"+BaseAddress(from.Module)+"."+address]; len(rs) > 0 {
			return rs
		}
	}
	return ix.byAddress[from.Unit+"\x00"+address]
}

// Object returns the Kubernetes object of a kind, namespace and name.
func (ix *Index) Object(kind, namespace, name string) (*resource.Resource, bool) {
	r, ok := ix.byObject[ObjectKey(kind, namespace, name)]
	return r, ok
}

// Namespace returns what is known of a namespace.
func (ix *Index) Namespace(name string) (*Namespace, bool) {
	ns, ok := ix.namespaces[name]
	return ns, ok
}

// Namespaces returns every namespace the inputs mention, in no particular order.
func (ix *Index) Namespaces() map[string]*Namespace { return ix.namespaces }

// Units returns the units (plan files, root modules, manifest files) in input order.
func (ix *Index) Units() []string { return ix.units }

// Unit returns the resources of one unit.
func (ix *Index) Unit(name string) []*resource.Resource { return ix.byUnit[name] }
