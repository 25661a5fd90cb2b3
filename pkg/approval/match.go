package approval

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Difference is one way an object differs from the manifest approved for it.
type Difference struct {
	// Path is the field of the object.
	Path resource.Path
	// Message says how it differs.
	Message string
}

// String returns the difference as path: message, or the message alone for the object as a whole.
func (d Difference) String() string {
	if len(d.Path) == 0 {
		return d.Message
	}
	return d.Path.String() + " " + d.Message
}

// MatchOptions tune Match.
type MatchOptions struct {
	// IgnoreReplicas leaves spec.replicas of Deployments, ReplicaSets,
	// StatefulSets and ReplicationControllers out (spec.approval.scaleOnly: exempt).
	IgnoreReplicas bool
	// Max bounds the differences returned; zero means 5.
	Max int
}

// Match checks an object as the API server admits it against the manifest
// approved for it, both in canonical form (Object). The API server defaults
// and allocates fields before validating admission webhooks see an object,
// so the two are not equal; the object matches when
//
//   - every field of the approved manifest has the same value in the object
//     (the manifest read through the kind's Go type, as the API server
//     reads it, so 0.5 and 500m are the same CPU, and hostNetwork: false is
//     no field at all), and
//   - every field the object has beyond it is one the API server sets: a
//     default with its fixed value (a container's terminationMessagePath,
//     a Deployment's strategy), a value derived from the object (a Service
//     port's targetPort is its port), or one it allocates (a cluster IP, a
//     node port); for Pods, the entries admission plugins append (the
//     service account token volume, the not-ready tolerations).
//
// It returns the differences found, at most opts.Max; none means the object
// is the approved change.
func Match(approved, admitted map[string]any, opts MatchOptions) []Difference {
	return matchTyped(typed(approved), admitted, opts)
}

// matchTyped is Match for an approved manifest already read through its Go
// type. The admitted object, written by the API server, needs no such
// reading: it already is in the form the type writes.
func matchTyped(a, o map[string]any, opts MatchOptions) []Difference {
	approved, admitted := a, o
	kind, _ := approved["kind"].(string)
	if k, _ := admitted["kind"].(string); k != kind || approved["apiVersion"] != admitted["apiVersion"] {
		return []Difference{{Message: fmt.Sprintf("is a %v %v, the approved manifest a %v %v",
			admitted["apiVersion"], admitted["kind"], approved["apiVersion"], approved["kind"])}}
	}
	m := &matcher{
		kind:    kind,
		table:   defaultTables[kind],
		appends: appendTables[kind],
		podSpec: podSpecPaths[kind],
		ignore:  opts.IgnoreReplicas && scalable[kind],
		max:     opts.Max,
	}
	if m.max <= 0 {
		m.max = 5
	}
	m.ctx.object = o
	m.walk(nil, "", nil, a, o)
	return m.diffs
}

type matcher struct {
	kind    string
	table   map[string]fieldDefault
	appends map[string]listAppend
	podSpec string
	ignore  bool
	ctx     defaultContext
	diffs   []Difference
	max     int
}

func (m *matcher) full() bool { return len(m.diffs) >= m.max }

func (m *matcher) diff(p resource.Path, format string, args ...any) {
	if !m.full() {
		m.diffs = append(m.diffs, Difference{Path: p, Message: fmt.Sprintf(format, args...)})
	}
}

func (m *matcher) ignored(pat string) bool { return m.ignore && pat == "spec.replicas" }

func join(pat, key string) string {
	if pat == "" {
		return key
	}
	return pat + "." + key
}

// walk compares the approved value a with the object's value o at path p,
// whose pattern is pat; parent is the object's map holding o.
func (m *matcher) walk(p resource.Path, pat string, parent map[string]any, a, o any) {
	if m.full() {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		om, ok := o.(map[string]any)
		if !ok {
			m.diff(p, "is %s, the approved manifest has %s", show(o), show(a))
			return
		}
		if pat == m.podSpec {
			m.ctx.podSpec = om
		}
		for _, k := range sortedKeys(av) {
			cp := join(pat, k)
			if av[k] == nil || m.ignored(cp) {
				continue // a null approved field is an absent one: judged below
			}
			ov, present := om[k]
			if !present || ov == nil {
				m.diff(p.Append(resource.Key(k)), "is not set, the approved manifest has %s", show(av[k]))
				continue
			}
			m.walk(p.Append(resource.Key(k)), cp, om, av[k], ov)
		}
		for _, k := range sortedKeys(om) {
			if _, approved := av[k]; approved && av[k] != nil || om[k] == nil {
				continue
			}
			m.extra(p.Append(resource.Key(k)), pat, k, om, om[k])
		}
	case []any:
		ol, ok := o.([]any)
		if !ok {
			m.diff(p, "is %s, the approved manifest has %s", show(o), show(a))
			return
		}
		if len(ol) < len(av) {
			m.diff(p, "has %d entries, the approved manifest %d", len(ol), len(av))
			return
		}
		for i := range av {
			m.walk(p.Append(resource.Index(i)), pat+"[]", nil, av[i], ol[i])
		}
		for i := len(av); i < len(ol); i++ {
			e, isMap := ol[i].(map[string]any)
			if fn := m.appends[pat]; fn != nil && isMap && fn(&m.ctx, e) {
				continue
			}
			m.diff(p.Append(resource.Index(i)), "is %s, which the approved manifest does not have", show(ol[i]))
		}
	case nil:
		if o != nil {
			key := lastKey(p)
			m.extra(p, strings.TrimSuffix(strings.TrimSuffix(pat, key), "."), key, parent, o)
		}
	default:
		if equalValues(a, o) {
			return
		}
		if d, ok := m.table[pat]; ok && d.zeroUnset && isZero(a) {
			m.ctx.parent, m.ctx.key = parent, lastKey(p)
			if d.accepts(&m.ctx, o) {
				return
			}
		}
		m.diff(p, "is %s, the approved manifest has %s", show(o), show(a))
	}
}

func isZero(v any) bool {
	if f, ok := number(v); ok {
		return f == 0
	}
	return v == "" || v == false
}

// extra judges a field the object has and the approved manifest does not:
// key of parent, whose pattern is parentPat.
func (m *matcher) extra(p resource.Path, parentPat, key string, parent map[string]any, v any) {
	pat := join(parentPat, key)
	if m.full() || m.ignored(pat) {
		return
	}
	d, ok := m.table[pat]
	if !ok {
		d, ok = m.table[join(parentPat, "*")]
	}
	vm, isMap := v.(map[string]any)
	if ok {
		m.ctx.parent, m.ctx.key = parent, key
		if d.accepts(&m.ctx, v) {
			return
		}
		// An object the API server writes empty, or one of its own defaults,
		// may hold defaulted fields: judge them one by one.
		if _, emptyDefault := d.value.(map[string]any); !emptyDefault || !isMap {
			m.diff(p, "is %s, which the approved manifest does not set and which is not what the API server sets (%s)", show(v), d.describe())
			return
		}
	}
	if vl, isList := v.([]any); isList && m.appends[pat] != nil && appended(m.appends[pat], &m.ctx, vl) {
		return // a list only admission plugins wrote
	}
	if isMap && len(vm) > 0 {
		if pat == m.podSpec {
			m.ctx.podSpec = vm
		}
		for _, k := range sortedKeys(vm) {
			if vm[k] != nil {
				m.extra(p.Append(resource.Key(k)), pat, k, vm, vm[k])
			}
		}
		return
	}
	m.diff(p, "is %s, which the approved manifest does not set and which the API server does not default", show(v))
}

// appended reports whether fn accepts every entry of l.
func appended(fn listAppend, c *defaultContext, l []any) bool {
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok || !fn(c, m) {
			return false
		}
	}
	return true
}

func (d fieldDefault) accepts(c *defaultContext, v any) bool {
	switch {
	case d.anyValue:
		return true
	case d.check != nil:
		return d.check(c, v)
	}
	return equalValues(v, d.value)
}

func (d fieldDefault) describe() string {
	if d.what != "" {
		return d.what
	}
	return show(d.value)
}

func lastKey(p resource.Path) string {
	if len(p) == 0 || p[len(p)-1].IsIndex() {
		return ""
	}
	return p[len(p)-1].Key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// show renders a value for a message, clipped.
func show(v any) string {
	if v == nil {
		return "not set"
	}
	b, err := Canonical(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return clip(string(b), 60)
}

// number returns v as a float64 when it is a number.
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true
	case int32:
		return float64(t), true
	case int64:
		return float64(t), true
	case uint64:
		return float64(t), true
	case float32:
		return float64(t), true
	case float64:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// equalValues compares two attribute trees, numbers by value.
func equalValues(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		if !ok {
			return false
		}
		if ia, ok := a.(int64); ok {
			if ib, ok := b.(int64); ok {
				return ia == ib
			}
		}
		return fa == fb
	}
	switch av := a.(type) {
	case nil:
		return b == nil
	case string, bool:
		return a == b
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !equalValues(x, y) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equalValues(av[i], bv[i]) {
				return false
			}
		}
		return true
	case *resource.UnknownValue:
		_, ok := b.(*resource.UnknownValue)
		return ok
	}
	return false
}
