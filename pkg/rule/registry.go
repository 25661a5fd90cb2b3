package rule

import (
	"fmt"
	"sort"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Registry is an immutable set of rules with lookups by ID, alias and
// resource type.
type Registry struct {
	rules   []*Rule
	byID    map[string]*Rule
	byAlias map[string][]*Rule
	byType  map[typeKey][]*Rule
	untyped []*Rule
	setwide []*Rule
}

type typeKey struct {
	format resource.Format
	typ    string
}

var allFormats = []resource.Format{resource.FormatTerraform, resource.FormatPlan, resource.FormatKubernetes}

// NewRegistry builds a registry. Rules are validated; duplicate IDs are an error.
func NewRegistry(rules ...*Rule) (*Registry, error) {
	reg := &Registry{byID: map[string]*Rule{}, byAlias: map[string][]*Rule{}, byType: map[typeKey][]*Rule{}}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		if _, dup := reg.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule %s registered twice", r.ID)
		}
		reg.byID[r.ID] = r
		reg.rules = append(reg.rules, r)
		for _, a := range r.Aliases() {
			reg.byAlias[a] = append(reg.byAlias[a], r)
		}
		switch {
		case r.ReportedBy != "":
		case r.CheckAll != nil:
			reg.setwide = append(reg.setwide, r)
		case len(r.Types) == 0:
			reg.untyped = append(reg.untyped, r)
		default:
			formats := r.Formats
			if len(formats) == 0 {
				formats = allFormats
			}
			for _, f := range formats {
				for _, t := range r.Types {
					k := typeKey{f, t}
					reg.byType[k] = append(reg.byType[k], r)
				}
			}
		}
	}
	sort.Slice(reg.rules, func(i, j int) bool { return reg.rules[i].ID < reg.rules[j].ID })
	return reg, nil
}

// MustRegistry is NewRegistry for rule lists known to be valid; it panics otherwise.
func MustRegistry(rules ...*Rule) *Registry {
	reg, err := NewRegistry(rules...)
	if err != nil {
		panic(err)
	}
	return reg
}

// Rules returns the rules ordered by ID.
func (reg *Registry) Rules() []*Rule { return reg.rules }

// Lookup returns the rule with the given ID.
func (reg *Registry) Lookup(id string) (*Rule, bool) {
	r, ok := reg.byID[id]
	return r, ok
}

// ByAlias returns the rules a peer ID maps to.
func (reg *Registry) ByAlias(peerID string) []*Rule { return reg.byAlias[peerID] }

// ForResource returns the per-resource rules that judge r, in registration order.
func (reg *Registry) ForResource(r *resource.Resource) []*Rule {
	typed := reg.byType[typeKey{r.Format, r.Type}]
	if len(reg.untyped) == 0 {
		return typed
	}
	out := make([]*Rule, 0, len(typed)+len(reg.untyped))
	out = append(out, typed...)
	for _, u := range reg.untyped {
		if u.AppliesTo(r.Format, r.Type) {
			out = append(out, u)
		}
	}
	return out
}

// SetWide returns the rules that judge the whole input at once.
func (reg *Registry) SetWide() []*Rule { return reg.setwide }

// With returns a new registry holding reg's rules and more, such as custom rules.
func (reg *Registry) With(more ...*Rule) (*Registry, error) {
	return NewRegistry(append(append([]*Rule{}, reg.rules...), more...)...)
}
