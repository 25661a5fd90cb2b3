package resource

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

func TestValueGet(t *testing.T) {
	unknown := Unknown("a variable without a value")
	tree := map[string]any{
		"spec": map[string]any{
			"name":  "web",
			"null":  nil,
			"later": unknown,
			"list":  []any{"a", "b"},
		},
	}
	root := ValueOf(tree)
	tests := []struct {
		name        string
		v           Value
		exists      bool
		null        bool
		unknown     bool
		path        string
		str         string
		unknownText string
	}{
		{"present", root.Get("spec", "name"), true, false, false, "spec.name", "web", ""},
		{"absent key", root.Get("spec", "nope"), false, true, false, "spec.nope", "", ""},
		{"through absent", root.Get("nope", "deeper", "still"), false, true, false, "nope.deeper.still", "", ""},
		{"explicit null", root.Get("spec", "null"), true, true, false, "spec.null", "", ""},
		{"through null", root.Get("spec", "null", "x"), false, true, false, "spec.null.x", "", ""},
		{"unknown", root.Get("spec", "later"), true, false, true, "spec.later", "", "a variable without a value"},
		{"through unknown", root.Get("spec", "later", "a", "b"), true, false, true, "spec.later.a.b", "", "a variable without a value"},
		{"key of a list", root.Get("spec", "list", "x"), false, true, false, "spec.list.x", "", ""},
		{"key of a scalar", root.Get("spec", "name", "x"), false, true, false, "spec.name.x", "", ""},
		{"index", root.Get("spec", "list").At(1), true, false, false, "spec.list[1]", "b", ""},
		{"index out of range", root.Get("spec", "list").At(2), false, true, false, "spec.list[2]", "", ""},
		{"negative index", root.Get("spec", "list").At(-1), false, true, false, "spec.list[-1]", "", ""},
		{"index of unknown", root.Get("spec", "later").At(4), true, false, true, "spec.later[4]", "", "a variable without a value"},
		{"index of a map", root.Get("spec").At(0), false, true, false, "spec[0]", "", ""},
		{"zero value", Value{}, false, true, false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v.Exists() != tt.exists || v.IsNull() != tt.null || v.IsUnknown() != tt.unknown {
				t.Errorf("Exists %v IsNull %v IsUnknown %v, want %v %v %v", v.Exists(), v.IsNull(), v.IsUnknown(), tt.exists, tt.null, tt.unknown)
			}
			if tt.name != "negative index" { // Index(-1) is not a list step; its rendering is not specified
				if got := v.Path().String(); got != tt.path {
					t.Errorf("Path() = %q, want %q", got, tt.path)
				}
			}
			if got := v.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := v.UnknownReason(); got != tt.unknownText {
				t.Errorf("UnknownReason() = %q, want %q", got, tt.unknownText)
			}
		})
	}
}

func TestValueAtPath(t *testing.T) {
	p := Path{Key("spec"), Index(2), Key(`a.b`)}
	v := ValueAt("x", p).Get("c")
	if got, want := v.Path().String(), `spec[2]."a.b".c`; got != want {
		t.Fatalf("Path() = %q, want %q", got, want)
	}
	// The path returned is a copy: changing it does not change the value's.
	got := v.Path()
	got[0] = Key("other")
	if v.Path()[0].Key != "spec" {
		t.Fatal("Path() returned shared storage")
	}
}

func TestValueList(t *testing.T) {
	m := map[string]any{"from_port": int64(22)}
	root := ValueOf(map[string]any{
		"list":   []any{m, "x"},
		"block":  m,
		"scalar": "x",
		"null":   nil,
		"later":  AfterApply,
		"empty":  []any{},
	})
	tests := []struct {
		key   string
		n     int
		paths []string
	}{
		{"list", 2, []string{"list[0]", "list[1]"}},
		{"block", 1, []string{"block"}},
		{"scalar", 0, nil},
		{"null", 0, nil},
		{"later", 0, nil},
		{"absent", 0, nil},
		{"empty", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got := root.Get(tt.key).List()
			if len(got) != tt.n {
				t.Fatalf("List() has %d elements, want %d", len(got), tt.n)
			}
			for i, e := range got {
				if p := e.Path().String(); p != tt.paths[i] {
					t.Errorf("element %d path %q, want %q", i, p, tt.paths[i])
				}
			}
		})
	}
	if n := root.Get("block").List()[0].Get("from_port").Path().String(); n != "block.from_port" {
		t.Errorf("a block read as a list keeps its own path, got %q", n)
	}
	if root.Get("list").Len() != 2 || root.Get("block").Len() != 1 || root.Get("scalar").Len() != 0 {
		t.Error("Len is wrong")
	}
	if got := root.Keys(); !reflect.DeepEqual(got, []string{"block", "empty", "later", "list", "null", "scalar"}) {
		t.Errorf("Keys() = %v", got)
	}
	if root.Get("scalar").Map() != nil || root.Get("block").Map() == nil {
		t.Error("Map is wrong")
	}
}

func TestValueConversions(t *testing.T) {
	tests := []struct {
		name    string
		raw     any
		str     string
		strOK   bool
		i       int64
		intOK   bool
		b       bool
		boolOK  bool
		strings []string
	}{
		{"string 22", "22", "22", true, 22, true, false, false, []string{"22"}},
		{"string with spaces", " 22 ", " 22 ", true, 22, true, false, false, []string{" 22 "}},
		{"string 22.5", "22.5", "22.5", true, 0, false, false, false, []string{"22.5"}},
		{"string true", "true", "true", true, 0, false, true, true, []string{"true"}},
		{"string false", "false", "false", true, 0, false, false, true, []string{"false"}},
		{"string 1 as bool", "1", "1", true, 1, true, true, true, []string{"1"}},
		{"string yes", "yes", "yes", true, 0, false, false, false, []string{"yes"}},
		{"int64", int64(22), "22", true, 22, true, false, false, nil},
		{"int", 443, "443", true, 443, true, false, false, nil},
		{"float64 integral", 22.0, "22", true, 22, true, false, false, nil},
		{"float64 fraction", 22.5, "22.5", true, 0, false, false, false, nil},
		{"float64 huge", 1e300, "1" + zeros(300), true, 0, false, false, false, nil},
		{"float64 NaN", math.NaN(), "NaN", true, 0, false, false, false, nil},
		{"float64 Inf", math.Inf(1), "+Inf", true, 0, false, false, false, nil},
		{"negative float", -1.0, "-1", true, -1, true, false, false, nil},
		{"json.Number int", json.Number("22"), "22", true, 22, true, false, false, nil},
		{"json.Number integral float", json.Number("22.0"), "22.0", true, 22, true, false, false, nil},
		{"json.Number exponent", json.Number("2.2e1"), "2.2e1", true, 22, true, false, false, nil},
		{"json.Number fraction", json.Number("22.5"), "22.5", true, 0, false, false, false, nil},
		{"bool", true, "true", true, 0, false, true, true, nil},
		{"nil", nil, "", false, 0, false, false, false, nil},
		{"unknown", AfterApply, "", false, 0, false, false, false, nil},
		{"map", map[string]any{"a": "b"}, "", false, 0, false, false, false, nil},
		{"list of mixed", []any{"a", int64(1), AfterApply, map[string]any{}, true}, "", false, 0, false, false, false, []string{"a", "1", "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ValueOf(tt.raw)
			if s, ok := v.Str(); s != tt.str || ok != tt.strOK {
				t.Errorf("Str() = %q, %v; want %q, %v", s, ok, tt.str, tt.strOK)
			}
			if i, ok := v.Int(); i != tt.i || ok != tt.intOK {
				t.Errorf("Int() = %d, %v; want %d, %v", i, ok, tt.i, tt.intOK)
			}
			if b, ok := v.Bool(); b != tt.b || ok != tt.boolOK {
				t.Errorf("Bool() = %v, %v; want %v, %v", b, ok, tt.b, tt.boolOK)
			}
			if got := v.BoolOr(true); tt.boolOK && got != tt.b || !tt.boolOK && !got {
				t.Errorf("BoolOr(true) = %v", got)
			}
			if got, _ := v.Strings(); !reflect.DeepEqual(got, tt.strings) {
				t.Errorf("Strings() = %#v, want %#v", got, tt.strings)
			}
		})
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestValueStringsUnknown(t *testing.T) {
	if _, unknown := ValueOf(AfterApply).Strings(); !unknown {
		t.Error("an unknown list is unknown")
	}
	out, unknown := ValueOf([]any{"a", AfterApply}).Strings()
	if !unknown || !reflect.DeepEqual(out, []string{"a"}) {
		t.Errorf("Strings() = %v, %v", out, unknown)
	}
}

func TestContainsUnknown(t *testing.T) {
	tests := []struct {
		name string
		raw  any
		want bool
	}{
		{"nil", nil, false},
		{"scalar", "x", false},
		{"unknown", AfterApply, true},
		{"typed nil unknown", (*UnknownValue)(nil), true},
		{"in a map", map[string]any{"a": Unknown("r")}, true},
		{"deep", map[string]any{"a": []any{map[string]any{"b": []any{1, AfterApply}}}}, true},
		{"known tree", map[string]any{"a": []any{map[string]any{"b": []any{1, "x", nil}}}}, false},
		{"empty containers", map[string]any{"a": []any{}, "b": map[string]any{}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContainsUnknown(tt.raw); got != tt.want {
				t.Errorf("ContainsUnknown = %v, want %v", got, tt.want)
			}
			if got := ValueOf(tt.raw).ContainsUnknown(); got != tt.want {
				t.Errorf("Value.ContainsUnknown = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnknownMarshalJSON(t *testing.T) {
	b, err := json.Marshal(map[string]any{"a": Unknown(`say "x"`)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"a":"(unknown: say \"x\")"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
