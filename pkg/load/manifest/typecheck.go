package manifest

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
)

// typeInfo is what typeOK needs to know about a Go type of the Kubernetes
// API, computed once per type.
type typeInfo struct {
	typ    reflect.Type
	kind   reflect.Kind
	custom bool                   // decoded by its own UnmarshalJSON (Quantity, IntOrString, Time...)
	bytes  bool                   // []byte, written as base64 text
	elem   *typeInfo              // of a slice or map
	fields map[string][]*typeInfo // of a struct, by JSON name, embedded structs flattened
	inline []*typeInfo            // of a struct: embedded fields given the whole map
}

var typeInfos sync.Map // reflect.Type → *typeInfo

// infoFor returns the typeInfo of t (pointers removed), building and
// caching it on first use.
func infoFor(t reflect.Type) *typeInfo {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	building := map[reflect.Type]*typeInfo{}
	ti := buildInfo(t, building)
	for bt, bi := range building {
		typeInfos.LoadOrStore(bt, bi)
	}
	return ti
}

func buildInfo(t reflect.Type, building map[reflect.Type]*typeInfo) *typeInfo {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	if ti, ok := building[t]; ok {
		return ti // a recursive type: filled in by the caller up the stack
	}
	ti := &typeInfo{typ: t, kind: t.Kind(), custom: hasCustomDecoding(t)}
	building[t] = ti
	switch t.Kind() {
	case reflect.Slice:
		ti.bytes = t.Elem().Kind() == reflect.Uint8
		ti.elem = buildInfo(t.Elem(), building)
	case reflect.Map:
		ti.elem = buildInfo(t.Elem(), building)
	case reflect.Struct:
		ti.fields = map[string][]*typeInfo{}
		addFields(ti, t, building)
	}
	return ti
}

// addFields adds the fields of struct t to ti the way the unstructured
// converter names them: the JSON tag's name, the Go name when the tag has
// none, and the fields of an embedded struct without a name in place.
func addFields(ti *typeInfo, t reflect.Type, building map[reflect.Type]*typeInfo) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		// As the converter: the tag's name as written (even "-"), the Go
		// name when there is none, and an embedded field without a name
		// read from the same map as its parent.
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" && f.Anonymous {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && !hasCustomDecoding(ft) {
				addFields(ti, ft, building)
			} else {
				ti.inline = append(ti.inline, buildInfo(f.Type, building))
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		ti.fields[name] = append(ti.fields[name], buildInfo(f.Type, building))
	}
}

// typeOK reports whether v, an attribute tree from yamldoc, converts to the
// type ti describes as runtime.DefaultUnstructuredConverter.FromUnstructured
// would convert it, without building the typed object: the same kinds are
// accepted for each field, and types with their own JSON decoding are given
// the value as JSON, as the converter does. Unknown fields are ignored, as
// the converter ignores them.
func typeOK(v any, ti *typeInfo, depth int) bool {
	if v == nil {
		return true // the converter leaves the zero value
	}
	if depth > 512 {
		return false
	}
	switch ti.kind {
	case reflect.Interface:
		return true
	case reflect.Map, reflect.Slice, reflect.Struct:
		if ti.custom {
			return customOK(v, ti.typ)
		}
	default:
		if simpleOK(v, ti.kind) {
			return true
		}
		return ti.custom && customOK(v, ti.typ)
	}
	switch ti.kind {
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, e := range m {
			if !typeOK(e, ti.elem, depth+1) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if s, ok := v.(string); ok && ti.bytes {
			return customOK(s, ti.typ) // base64, decoded through JSON as the converter does
		}
		l, ok := v.([]any)
		if !ok {
			return false
		}
		for _, e := range l {
			if !typeOK(e, ti.elem, depth+1) {
				return false
			}
		}
		return true
	default: // struct
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, in := range ti.inline {
			if !typeOK(m, in, depth+1) {
				return false
			}
		}
		for k, e := range m {
			for _, f := range ti.fields[k] {
				if !typeOK(e, f, depth+1) {
					return false
				}
			}
		}
		return true
	}
}

// simpleOK mirrors the converter's rules for scalars: a value of the same
// group (strings, booleans, integers and floats) converts, and a float
// converts to an integer when it has no fractional part.
func simpleOK(v any, dst reflect.Kind) bool {
	switch dst {
	case reflect.String:
		_, ok := v.(string)
		return ok
	case reflect.Bool:
		_, ok := v.(bool)
		return ok
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch x := v.(type) {
		case int64, int:
			return true
		case float64:
			return x == math.Trunc(x)
		}
	case reflect.Float32, reflect.Float64:
		switch v.(type) {
		case int64, int, float64:
			return true
		}
	}
	return false
}

// customOK gives v to the UnmarshalJSON of a new t, as the converter does.
func customOK(v any, t reflect.Type) bool {
	data, err := json.Marshal(v)
	if err != nil {
		return false
	}
	if u, ok := reflect.New(t).Interface().(json.Unmarshaler); ok {
		return u.UnmarshalJSON(data) == nil
	}
	// []byte has no UnmarshalJSON of its own: encoding/json decodes base64.
	return json.Unmarshal(data, reflect.New(t).Interface()) == nil
}
