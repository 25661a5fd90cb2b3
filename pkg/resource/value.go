package resource

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// UnknownValue stands in the attribute tree for a value that cannot be known:
// "known after apply" in a plan, or an expression static evaluation of HCL
// cannot resolve (a reference to another resource, a variable without a value).
// Reason says which, for the "cannot be decided statically" finding.
type UnknownValue struct {
	Reason string
}

// Unknown returns an unknown value with the given reason.
func Unknown(reason string) *UnknownValue { return &UnknownValue{Reason: reason} }

// AfterApply is the unknown value of a plan attribute computed during apply.
var AfterApply = &UnknownValue{Reason: "known only after apply"}

// MarshalJSON renders an unknown value as a marker string in JSON reports.
func (u *UnknownValue) MarshalJSON() ([]byte, error) {
	return json.Marshal("(unknown: " + u.Reason + ")")
}

// IsUnknown reports whether raw is an unknown value.
func IsUnknown(raw any) bool {
	_, ok := raw.(*UnknownValue)
	return ok
}

// ContainsUnknown reports whether raw is, or contains anywhere below it, an
// unknown value.
func ContainsUnknown(raw any) bool {
	switch t := raw.(type) {
	case *UnknownValue:
		return true
	case map[string]any:
		for _, v := range t {
			if ContainsUnknown(v) {
				return true
			}
		}
	case []any:
		for _, v := range t {
			if ContainsUnknown(v) {
				return true
			}
		}
	}
	return false
}

// pathNode is an immutable linked path, so that descending into a value costs
// one small allocation and the full Path is built only when a finding needs it.
type pathNode struct {
	parent *pathNode
	step   Step
	depth  int
}

// Value is an attribute of a resource together with the path it was reached
// by. The zero Value is absent. Reading through an absent or unknown Value
// yields absent or unknown Values, so chains like
// v.Get("spec").Get("template").Get("spec") never panic.
type Value struct {
	raw     any
	path    *pathNode
	present bool
}

// ValueOf wraps a raw attribute tree with an empty path.
func ValueOf(raw any) Value { return Value{raw: raw, present: true} }

// ValueAt wraps raw as if it had been reached by path p.
func ValueAt(raw any, p Path) Value {
	v := Value{raw: raw, present: true}
	for _, s := range p {
		v.path = &pathNode{parent: v.path, step: s, depth: depthOf(v.path) + 1}
	}
	return v
}

func depthOf(n *pathNode) int {
	if n == nil {
		return 0
	}
	return n.depth
}

func (v Value) child(raw any, present bool, s Step) Value {
	return Value{raw: raw, present: present, path: &pathNode{parent: v.path, step: s, depth: depthOf(v.path) + 1}}
}

// Raw returns the underlying Go value: map[string]any, []any, string, bool,
// a number (float64, int64 or json.Number), nil, or *UnknownValue.
func (v Value) Raw() any { return v.raw }

// Exists reports whether the attribute is present (it may still be null).
func (v Value) Exists() bool { return v.present }

// IsNull reports whether the attribute is absent or explicitly null.
func (v Value) IsNull() bool { return !v.present || v.raw == nil }

// IsUnknown reports whether the attribute's value cannot be known statically.
func (v Value) IsUnknown() bool { return IsUnknown(v.raw) }

// ContainsUnknown reports whether the value or anything below it is unknown.
func (v Value) ContainsUnknown() bool { return ContainsUnknown(v.raw) }

// UnknownReason returns why the value is unknown, or "" when it is known.
func (v Value) UnknownReason() string {
	if u, ok := v.raw.(*UnknownValue); ok {
		return u.Reason
	}
	return ""
}

// Path returns the path by which the value was reached.
func (v Value) Path() Path {
	n := v.path
	p := make(Path, depthOf(n))
	for i := len(p) - 1; n != nil; i, n = i-1, n.parent {
		p[i] = n.step
	}
	return p
}

// Get descends through map keys. A missing key yields an absent Value; an
// unknown value yields unknown Values all the way down.
func (v Value) Get(keys ...string) Value {
	for _, k := range keys {
		switch t := v.raw.(type) {
		case map[string]any:
			raw, ok := t[k]
			v = v.child(raw, ok, Key(k))
		case *UnknownValue:
			v = v.child(t, true, Key(k))
		default:
			v = v.child(nil, false, Key(k))
		}
	}
	return v
}

// At returns the i-th element of a list.
func (v Value) At(i int) Value {
	switch t := v.raw.(type) {
	case []any:
		if i >= 0 && i < len(t) {
			return v.child(t[i], true, Index(i))
		}
	case *UnknownValue:
		return v.child(t, true, Index(i))
	}
	return v.child(nil, false, Index(i))
}

// List returns the elements of a list value. A map value, such as a single
// nested block written as an object, is returned as a one-element list, so rules
// read blocks the same way whichever form the input used. Anything else,
// including an unknown value, returns nil: check IsUnknown first where an
// unknown list matters.
func (v Value) List() []Value {
	switch t := v.raw.(type) {
	case []any:
		out := make([]Value, len(t))
		for i, e := range t {
			out[i] = v.child(e, true, Index(i))
		}
		return out
	case map[string]any:
		return []Value{v}
	}
	return nil
}

// Len returns the number of elements of a list or keys of a map.
func (v Value) Len() int {
	switch t := v.raw.(type) {
	case []any:
		return len(t)
	case map[string]any:
		return len(t)
	}
	return 0
}

// Map returns the value as a map, or nil.
func (v Value) Map() map[string]any {
	m, _ := v.raw.(map[string]any)
	return m
}

// Keys returns the sorted keys of a map value.
func (v Value) Keys() []string {
	m := v.Map()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Str returns the value as a string. Numbers and booleans are rendered as
// strings too, since Terraform and YAML authors write "443" and 443 alike.
func (v Value) Str() (string, bool) {
	switch t := v.raw.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case int:
		return strconv.Itoa(t), true
	case json.Number:
		return t.String(), true
	}
	return "", false
}

// String returns the value as a string, or "" when it is not a known scalar.
func (v Value) String() string {
	s, _ := v.Str()
	return s
}

// Int returns the value as an integer; integral numbers and decimal strings are
// accepted.
func (v Value) Int() (int64, bool) {
	switch t := v.raw.(type) {
	case int64:
		return t, true
	case int:
		return int64(t), true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<62 {
			return int64(t), true
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n, true
		}
		// 22.0 and 2.2e1 are integral too, as they are as float64.
		if f, err := t.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<62 {
			return int64(f), true
		}
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Bool returns the value as a boolean; the strings "true" and "false" are
// accepted, as Terraform converts them.
func (v Value) Bool() (bool, bool) {
	switch t := v.raw.(type) {
	case bool:
		return t, true
	case string:
		b, err := strconv.ParseBool(t)
		return b, err == nil
	}
	return false, false
}

// BoolOr returns the boolean value, or def when it is absent or not a boolean.
func (v Value) BoolOr(def bool) bool {
	if b, ok := v.Bool(); ok {
		return b
	}
	return def
}

// Strings returns the known string elements of a list (or the string itself, for
// a scalar), and whether any element was unknown.
func (v Value) Strings() (out []string, unknown bool) {
	if v.IsUnknown() {
		return nil, true
	}
	if s, ok := v.raw.(string); ok {
		return []string{s}, false
	}
	for _, e := range v.List() {
		if e.IsUnknown() {
			unknown = true
			continue
		}
		if s, ok := e.Str(); ok {
			out = append(out, s)
		}
	}
	return out, unknown
}
