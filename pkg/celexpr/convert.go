package celexpr

import (
	"encoding/json"
	"math"
	"slices"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// inputs are a resource's variables as CEL values. They are built once per
// resource (resource.Resource.Memo) and shared by every expression and
// evaluation, which only read them.
type inputs struct {
	object, old, labels ref.Val
	res                 Resource
	annotations         map[string]string
	// unknowns are the unknown attributes; the CEL unknown standing for
	// unknowns[i] has ID i+1.
	unknowns []Unknown
}

type memoKey struct{}

func inputsOf(r *resource.Resource) *inputs {
	return r.Memo(memoKey{}, func() any { return convert(r) }).(*inputs)
}

func convert(r *resource.Resource) *inputs {
	in := &inputs{
		res: Resource{
			Format: string(r.Format), Type: r.Type, Name: r.Name, Namespace: r.Namespace, Address: r.Address,
			Module: r.Module, Provider: r.Provider, APIVersion: r.APIVersion, Action: string(r.Action),
			Unit: r.Unit, File: r.Location.File,
		},
		annotations: nonNil(r.Annotations),
	}
	c := converter{in: in}
	attrs := any(r.Attributes)
	if r.Attributes == nil {
		attrs = map[string]any{}
	}
	in.object = c.value(attrs)
	if r.Before != nil {
		// Unknowns of the prior state are not expected; if any, they are
		// reported with their path under oldObject's tree all the same.
		in.old = c.value(map[string]any(r.Before))
	} else {
		in.old = types.NullValue
	}
	in.labels = c.labels(r)
	return in
}

// labelSources are the Terraform attributes tags and labels are read from.
var labelSources = []string{"tags", "tags_all", "labels", "terraform_labels"}

// labels is the resource's labels (Terraform tags) as a CEL map. The known
// tags are r.Labels; a tag whose value is unknown is an unknown entry, and
// when a tag attribute is unknown as a whole, so is the map: which tags a
// resource has is then not known, and `'Owner' in labels` must not be
// decided on the tags that happen to be known.
func (c *converter) labels(r *resource.Resource) ref.Val {
	m := make(map[ref.Val]ref.Val, len(r.Labels))
	for k, v := range r.Labels {
		m[types.String(k)] = types.String(v)
	}
	if r.Format.IsTerraform() {
		for _, src := range labelSources {
			switch t := r.Attributes[src].(type) {
			case *resource.UnknownValue:
				c.path = append(c.path[:0], resource.Key(src))
				return c.value(t)
			case map[string]any:
				keys := make([]string, 0, len(t))
				for k := range t {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				for _, k := range keys {
					if _, known := r.Labels[k]; known || !resource.IsUnknown(t[k]) {
						continue
					}
					c.path = append(c.path[:0], resource.Key(src), resource.Key(k))
					m[types.String(k)] = c.value(t[k])
				}
			}
		}
	}
	return types.NewRefValMap(types.DefaultTypeAdapter, m)
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// converter turns an attribute tree into CEL values, recording the path of
// every unknown value on the way.
type converter struct {
	in   *inputs
	path resource.Path // the path of the value being converted; reused
}

func (c *converter) value(raw any) ref.Val {
	switch t := raw.(type) {
	case nil:
		return types.NullValue
	case *resource.UnknownValue:
		c.in.unknowns = append(c.in.unknowns, Unknown{Path: slices.Clone(c.path), Reason: t.Reason})
		return types.NewUnknown(int64(len(c.in.unknowns)), nil)
	case map[string]any:
		m := make(map[ref.Val]ref.Val, len(t))
		// Sorted, so that unknowns are numbered in a stable order.
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			c.path = append(c.path, resource.Key(k))
			m[types.String(k)] = c.value(t[k])
			c.path = c.path[:len(c.path)-1]
		}
		return types.NewRefValMap(types.DefaultTypeAdapter, m)
	case []any:
		l := make([]ref.Val, len(t))
		for i, e := range t {
			c.path = append(c.path, resource.Index(i))
			l[i] = c.value(e)
			c.path = c.path[:len(c.path)-1]
		}
		return types.NewRefValList(types.DefaultTypeAdapter, l)
	case string:
		return types.String(t)
	case bool:
		return types.Bool(t)
	case int:
		return types.Int(t)
	case int64:
		return types.Int(t)
	case float64:
		return number(t)
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return types.Int(n)
		}
		if f, err := t.Float64(); err == nil {
			return number(f)
		}
		return types.String(t.String())
	}
	return types.DefaultTypeAdapter.NativeToValue(raw)
}

// number is a whole number as an int (443, not 443.0), other numbers as doubles.
func number(f float64) ref.Val {
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		return types.Int(int64(f))
	}
	return types.Double(f)
}

// unknownsOf maps a CEL unknown back to the attributes it stands for.
func (in *inputs) unknownsOf(u *types.Unknown) []Unknown {
	var out []Unknown
	for _, id := range u.IDs() {
		if id >= 1 && int(id) <= len(in.unknowns) {
			out = append(out, in.unknowns[id-1])
		}
	}
	if len(out) == 0 {
		out = []Unknown{{Reason: "a value it depends on is unknown"}}
	}
	return out
}
