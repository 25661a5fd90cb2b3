package manifest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	gr "github.com/guardrail-dev/guardrail/pkg/resource"
)

// KubernetesVersion is the Kubernetes release whose built-in types objects
// are checked against.
const KubernetesVersion = "1.37"

// checkTypes turns the check against built-in types on; benchmarks turn it
// off to measure its cost.
var checkTypes = true

// validate checks an object of a built-in kind against its Go type, as the
// API server would decode it. It reports why an object cannot be judged and
// returns false for it; objects of kinds the scheme does not know are kept.
func (l *loader) validate(o object, apiVersion, kind string) bool {
	if !checkTypes {
		return true
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		l.errorf(l.locate(o, gr.Path{gr.Key("apiVersion")}), "invalid Kubernetes object",
			fmt.Sprintf("apiVersion %q is not group/version or version", apiVersion))
		return false
	}
	gvk := gv.WithKind(kind)
	scheme := clientgoscheme.Scheme
	if !scheme.Recognizes(gvk) {
		if !scheme.IsVersionRegistered(gv) && scheme.IsGroupRegistered(gv.Group) {
			var served []string
			for _, v := range scheme.PrioritizedVersionsForGroup(gv.Group) {
				served = append(served, v.String())
			}
			l.errorf(l.locate(o, gr.Path{gr.Key("apiVersion")}), "unknown API version",
				fmt.Sprintf("Kubernetes %s does not serve %s (the versions of this group guardrail knows are %s), so the API server would refuse the object; it is not judged until it is fixed",
					KubernetesVersion, apiVersion, strings.Join(served, ", ")))
			return false
		}
		if scheme.IsVersionRegistered(gv) {
			l.warnf(l.locate(o, gr.Path{gr.Key("kind")}), "unknown kind",
				fmt.Sprintf("%s has no kind %s in Kubernetes %s (misspelled, or removed from this version): the object is judged as written, without type checks",
					apiVersion, kind, KubernetesVersion))
		}
		return true
	}
	t, ok := scheme.AllKnownTypes()[gvk]
	if !ok {
		return true
	}
	// typeOK answers as the unstructured converter would, without building
	// the typed object; the converter itself runs only for an object
	// typeOK refuses, and has the last word.
	if typeOK(o.attrs, infoFor(t), 0) {
		return true
	}
	obj, err := scheme.New(gvk)
	if err != nil {
		return true
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.attrs, obj); err != nil {
		path, reason := explain(o.attrs, reflect.TypeOf(obj).Elem(), err)
		where := "the object"
		if len(path) > 0 {
			where = path.String()
		}
		l.errorf(l.locate(o, path), "invalid "+kind,
			fmt.Sprintf("%s: %s; Kubernetes would refuse this %s %s, so it is not judged until it is fixed", where, reason, apiVersion, kind))
		return false
	}
	return true
}

// explain finds the innermost attribute FromUnstructured refuses and says
// why, trying each field of the object on its own and descending into the
// one that fails.
func explain(attrs map[string]any, t reflect.Type, err error) (gr.Path, string) {
	path, leaf, leafType := descend(attrs, t, nil, 0)
	if leafType == nil {
		return nil, err.Error()
	}
	return path, mismatch(leaf, leafType, err)
}

// maxExplainDepth bounds the descent of explain.
const maxExplainDepth = 64

// descend returns the path, value and type of the innermost part of v that
// does not convert to t.
func descend(v any, t reflect.Type, path gr.Path, depth int) (gr.Path, any, reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > maxExplainDepth || hasCustomDecoding(t) {
		return path, v, t
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return path, v, t
		}
		for _, f := range fields(t) {
			sub, present := m[f.name]
			if !present || converts(sub, f.typ) == nil {
				continue
			}
			return descend(sub, f.typ, path.Append(gr.Key(f.name)), depth+1)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // []byte is written as base64 text
			return path, v, t
		}
		l, ok := v.([]any)
		if !ok {
			return path, v, t
		}
		for i, e := range l {
			if converts(e, t.Elem()) != nil {
				return descend(e, t.Elem(), path.Append(gr.Index(i)), depth+1)
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return path, v, t
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if converts(m[k], t.Elem()) != nil {
				return descend(m[k], t.Elem(), path.Append(gr.Key(k)), depth+1)
			}
		}
	}
	return path, v, t
}

type field struct {
	name string
	typ  reflect.Type
}

// fields returns the JSON fields of a struct, inlined and embedded ones flattened.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if name == "" && (f.Anonymous || strings.Contains(opts, "inline")) && ft.Kind() == reflect.Struct {
			out = append(out, fields(ft)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name: name, typ: f.Type})
	}
	return out
}

// converts tries to convert v to t as FromUnstructured would, by wrapping
// both in a one-field struct.
func converts(v any, t reflect.Type) error {
	wrapper := reflect.StructOf([]reflect.StructField{{Name: "X", Type: t, Tag: `json:"x"`}})
	return runtime.DefaultUnstructuredConverter.FromUnstructured(map[string]any{"x": v}, reflect.New(wrapper).Interface())
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	microTimeType   = reflect.TypeFor[metav1.MicroTime]()
	durationType    = reflect.TypeFor[metav1.Duration]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// hasCustomDecoding reports whether values of t are decoded by their own
// code rather than field by field.
func hasCustomDecoding(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(unmarshalerType)
}

// mismatch says why v does not convert to t.
func mismatch(v any, t reflect.Type, err error) string {
	got := kindOf(v)
	switch x := v.(type) {
	case string:
		if len(x) <= 40 {
			got = fmt.Sprintf("string %q", x)
		}
	case float64:
		got = fmt.Sprintf("number %v", x)
	case int64:
		got = fmt.Sprintf("number %d", x)
	case bool:
		got = fmt.Sprintf("boolean %v", x)
	}
	want := expected(t)
	if hasCustomDecoding(t) {
		// The type's own decoder refused the value; its message says why.
		if cerr := converts(v, t); cerr != nil {
			return fmt.Sprintf("expected %s, got %s (%v)", want, got, cerr)
		}
		return fmt.Sprintf("expected %s, got %s (%v)", want, got, err)
	}
	return fmt.Sprintf("expected %s, got %s", want, got)
}

func expected(t reflect.Type) string {
	switch t {
	case quantityType:
		return "a quantity such as 500m or 1Gi"
	case intOrStringType:
		return "an integer or a string"
	case timeType, microTimeType:
		return "an RFC 3339 time"
	case durationType:
		return "a duration such as 30s"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "base64 text"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}
