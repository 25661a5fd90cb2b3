package approval_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/quick"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := approval.Canonical(v)
	if err != nil {
		t.Fatalf("Canonical(%v): %v", v, err)
	}
	return string(b)
}

// TestCanonicalRFC8785 checks the examples of RFC 8785 (JSON
// Canonicalization Scheme), and where guardrail departs from it: integral
// numbers are written as integers, never with an exponent.
func TestCanonicalRFC8785(t *testing.T) {
	// RFC 8785 section 3.2.2, read as JSON.
	var v any
	dec := json.NewDecoder(strings.NewReader(`{
	  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
	  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
	  "literals": [null, true, false]
	}`))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	want := `{"literals":[null,true,false],"numbers":[333333333.3333333,1000000000000000000000000000000,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
	if got := canonical(t, v); got != want {
		t.Errorf("RFC 8785 example:\n got %s\nwant %s", got, want)
	}
	// RFC 8785 section 3.2.3: members sorted by UTF-16 code units.
	keys := map[string]any{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
		"1": "One", "\U0001F600": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}
	want = `{"\r":"Carriage Return","1":"One","` + "\u0080" + `":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","` +
		"\U0001F600" + `":"Emoji: Grinning Face","` + "\ufb33" + `":"Hebrew Letter Dalet With Dagesh"}`
	if got := canonical(t, keys); got != want {
		t.Errorf("UTF-16 order:\n got %s\nwant %s", got, want)
	}

	for _, tc := range []struct {
		in   any
		want string
	}{
		{int64(3), "3"}, {3.0, "3"}, {json.Number("3.0"), "3"}, {json.Number("30e-1"), "3"}, {json.Number("0.3e1"), "3"},
		{math.Copysign(0, -1), "0"}, {json.Number("-0"), "0"}, {1e21, "1000000000000000000000"}, {1.5e-7, "1.5e-7"},
		{0.000001, "0.000001"}, {1e-7, "1e-7"}, {-2.5, "-2.5"}, {1.5e300, "15" + strings.Repeat("0", 299)},
		{json.Number("123456789012345678901234567890"), "123456789012345678901234567890"},
		{"<&>\u2028", `"<&>` + "\u2028" + `"`}, {"\x01\x1f\t", `"\u0001\u001f\t"`},
		{&resource.UnknownValue{Reason: "known after apply"}, `{"$unknown":true}`},
		{[]any{}, "[]"}, {map[string]any{}, "{}"},
	} {
		if got := canonical(t, tc.in); got != tc.want {
			t.Errorf("Canonical(%#v) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), "\xff", json.Number("1e999999"), struct{}{}, map[string]any{"a": []any{math.Inf(-1)}}} {
		if _, err := approval.Canonical(bad); err == nil {
			t.Errorf("Canonical(%#v): no error", bad)
		}
	}
}

// tree is a random attribute tree for property tests: maps, lists,
// strings, integers, non-integral numbers, booleans and nulls.
type tree struct{ v any }

var keyAlphabet = []string{"a", "b", "image", "ports", "key-1", "Ö", "€", "\U0001F600", "with space", "x.y/z"}

var stringAlphabet = []string{"", "plain", "3", "true", "null", "yes", "a: b", "- x", "# not a comment", "quote\"d", "back\\slash",
	"line\nbreak", "tab\there", "ünïcödé", "€", "\U0001F600", "<&>", "  padded  ", "CHG-1234", "0.5", "1e3", "~"}

func randomValue(r *rand.Rand, depth int) any {
	n := r.Intn(10)
	if depth >= 3 && n < 4 {
		n += 4
	}
	switch n {
	case 0, 1:
		m := map[string]any{}
		for range 1 + r.Intn(4) {
			m[keyAlphabet[r.Intn(len(keyAlphabet))]] = randomValue(r, depth+1)
		}
		return m
	case 2, 3:
		l := make([]any, r.Intn(4))
		for i := range l {
			l[i] = randomValue(r, depth+1)
		}
		return l
	case 4, 5:
		return stringAlphabet[r.Intn(len(stringAlphabet))]
	case 6:
		// Integers up to 2^53, which every spelling reads exactly.
		return r.Int63n(1<<53) - 1<<52
	case 7:
		return float64(r.Intn(20000)-10000) / 8 // 1.125, -3.5...
	case 8:
		return r.Intn(2) == 0
	}
	return nil
}

// Generate makes a random spec for a custom resource (no type checks).
func (tree) Generate(r *rand.Rand, _ int) reflect.Value {
	spec := map[string]any{}
	for range 1 + r.Intn(5) {
		spec[keyAlphabet[r.Intn(len(keyAlphabet))]] = randomValue(r, 1)
	}
	return reflect.ValueOf(tree{spec})
}

// widget is a custom resource holding spec.
func widget(spec any) map[string]any {
	return map[string]any{
		"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "namespace": "prod", "labels": map[string]any{"app": "w"},
			"annotations": map[string]any{"note": "x"}},
		"spec": spec,
	}
}

// number spells a number one of several ways.
func number(r *rand.Rand, v any, yaml bool) string {
	switch n := v.(type) {
	case int64:
		switch r.Intn(4) {
		case 0:
			return strconv.FormatInt(n, 10) + ".0"
		case 1:
			if n != 0 {
				return strconv.FormatInt(n, 10) + "0e-1"
			}
		case 2:
			return strconv.FormatInt(n, 10) + "e0"
		}
		return strconv.FormatInt(n, 10)
	case float64:
		switch r.Intn(3) {
		case 0:
			f := strconv.FormatFloat(n, 'f', -1, 64)
			if !strings.Contains(f, ".") {
				f += "."
			}
			return f + "000"
		case 1:
			return strconv.FormatFloat(n, 'e', -1, 64)
		}
		return strconv.FormatFloat(n, 'g', -1, 64)
	}
	panic(v)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// shuffled returns m's keys in a random order.
func shuffled(r *rand.Rand, m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	return keys
}

// writeJSON writes v as JSON with random key order, spacing and number spellings.
func writeJSON(r *rand.Rand, b *strings.Builder, v any) {
	space := func() {
		if r.Intn(3) == 0 {
			b.WriteString([]string{" ", "\n  ", "\t"}[r.Intn(3)])
		}
	}
	switch t := v.(type) {
	case map[string]any:
		b.WriteByte('{')
		for i, k := range shuffled(r, t) {
			if i > 0 {
				b.WriteByte(',')
			}
			space()
			b.WriteString(quote(k) + ":")
			space()
			writeJSON(r, b, t[k])
		}
		space()
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			space()
			writeJSON(r, b, e)
		}
		b.WriteByte(']')
	case string:
		b.WriteString(quote(t))
	case int64, float64:
		b.WriteString(number(r, t, false))
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
}

// writeYAML writes v as YAML at indent, mixing block and flow styles, with
// random key order and number spellings.
func writeYAML(r *rand.Rand, b *strings.Builder, v any, indent int, flow bool) {
	pad := strings.Repeat(" ", indent)
	switch t := v.(type) {
	case map[string]any:
		if flow || len(t) == 0 {
			b.WriteByte('{')
			for i, k := range shuffled(r, t) {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quote(k) + ": ")
				writeYAML(r, b, t[k], 0, true)
			}
			b.WriteByte('}')
			return
		}
		b.WriteByte('\n')
		for _, k := range shuffled(r, t) {
			b.WriteString(pad + quote(k) + ":")
			block := false
			switch e := t[k].(type) {
			case map[string]any:
				block = len(e) > 0 && r.Intn(3) > 0
			case []any:
				block = len(e) > 0 && r.Intn(3) > 0
			}
			if !block {
				b.WriteByte(' ')
			}
			writeYAML(r, b, t[k], indent+2+2*r.Intn(2), !block)
			if !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
		}
	case []any:
		if flow || len(t) == 0 {
			b.WriteByte('[')
			for i, e := range t {
				if i > 0 {
					b.WriteString(", ")
				}
				writeYAML(r, b, e, 0, true)
			}
			b.WriteByte(']')
			return
		}
		b.WriteByte('\n')
		for _, e := range t {
			b.WriteString(pad + "- ")
			writeYAML(r, b, e, indent+2, true)
			b.WriteByte('\n')
		}
	case string:
		b.WriteString(quote(t))
	case int64, float64:
		b.WriteString(number(r, t, true))
	case bool:
		b.WriteString([]string{strconv.FormatBool(t), map[bool]string{true: "True", false: "False"}[t]}[r.Intn(2)])
	case nil:
		b.WriteString([]string{"null", "~"}[r.Intn(2)])
	}
}

func digestOf(t *testing.T, name string, data []byte) string {
	t.Helper()
	set, _ := manifest.Load(name, data, manifest.Options{})
	if set.Diagnostics.HasErrors() || len(set.Resources) != 1 {
		t.Fatalf("%s does not load as one object: %v\n%s", name, set.Diagnostics.Errs(), data)
	}
	r := set.Resources[0]
	d, _, err := approval.ObjectDigest(r.Attributes, r.Namespace, "guardrail.dev/")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// TestDigestStable is a property test: an object's digest is the same
// however it is written (YAML or JSON, key order, indentation, flow or
// block style, 3 or 3.0 or 30e-1, yes or true), read by the linter (from a
// file) or by the webhook (decoded JSON); approval annotations, kubectl's
// last-applied configuration and status do not change it.
func TestDigestStable(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	prop := func(tr tree) bool {
		obj := widget(tr.v)
		want, _, err := approval.ObjectDigest(obj, "prod", "guardrail.dev/")
		if err != nil {
			t.Fatal(err)
		}
		var js strings.Builder
		writeJSON(r, &js, obj)
		var ys strings.Builder
		writeYAML(r, &ys, obj, 0, false)
		var decoded map[string]any
		if err := json.Unmarshal([]byte(js.String()), &decoded); err != nil {
			t.Fatalf("%v\n%s", err, js.String())
		}
		decorated := widget(tr.v)
		meta := decorated["metadata"].(map[string]any)
		meta["annotations"] = map[string]any{"note": "x", "guardrail.dev/approvals": "{}", "guardrail.dev/break-glass": "why",
			"kubectl.kubernetes.io/last-applied-configuration": "{}"}
		meta["uid"], meta["resourceVersion"], meta["managedFields"] = "1234", "7", []any{map[string]any{"manager": "kubectl"}}
		decorated["status"] = map[string]any{"ready": true}
		got := map[string]string{
			"json":      digestOf(t, "w.json", []byte(js.String())),
			"yaml":      digestOf(t, "w.yaml", []byte(strings.TrimPrefix(ys.String(), "\n"))),
			"decorated": mustDigest(t, decorated),
		}
		set := manifest.Object("admission", decoded, manifest.Options{})
		got["admission"], _, _ = approval.ObjectDigest(set.Resources[0].Attributes, "prod", "guardrail.dev/")
		for how, d := range got {
			if d != want {
				t.Errorf("%s digest %s, want %s\njson: %s\nyaml:\n%s", how, d, want, js.String(), ys.String())
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 400, Rand: rand.New(rand.NewSource(2))}); err != nil {
		t.Error(err)
	}
}

func mustDigest(t *testing.T, obj map[string]any) string {
	t.Helper()
	d, _, err := approval.ObjectDigest(obj, "prod", "guardrail.dev/")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// leaves returns the paths of the scalars and empty containers in v.
func leaves(v any, at []any, out *[][]any) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			*out = append(*out, slices.Clone(at))
		}
		for k, e := range t {
			leaves(e, append(at, k), out)
		}
	case []any:
		if len(t) == 0 {
			*out = append(*out, slices.Clone(at))
		}
		for i, e := range t {
			leaves(e, append(at, i), out)
		}
	default:
		*out = append(*out, slices.Clone(at))
	}
}

// change returns a deep copy of v with the value at path p changed.
func change(r *rand.Rand, v any, p []any) any {
	if len(p) == 0 {
		switch t := v.(type) {
		case string:
			return t + "x"
		case int64:
			return t + 1
		case float64:
			return t + 0.5
		case bool:
			return !t
		case nil:
			return false
		case map[string]any:
			return map[string]any{"added": nil}
		case []any:
			return []any{int64(0)}
		}
		panic(v)
	}
	switch t := v.(type) {
	case map[string]any:
		c := map[string]any{}
		for k, e := range t {
			c[k] = e
		}
		c[p[0].(string)] = change(r, t[p[0].(string)], p[1:])
		return c
	case []any:
		c := slices.Clone(t)
		c[p[0].(int)] = change(r, t[p[0].(int)], p[1:])
		return c
	}
	panic(fmt.Sprint(v, p))
}

// TestDigestDiffers is a property test: any change to the spec (a value, a
// key added or removed, a list entry added or removed) changes the digest.
func TestDigestDiffers(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	prop := func(tr tree) bool {
		spec := tr.v.(map[string]any)
		before := mustDigest(t, widget(spec))
		var paths [][]any
		leaves(spec, nil, &paths)
		variants := []any{change(r, spec, paths[r.Intn(len(paths))])}
		added := map[string]any{"zz-new": int64(1)}
		removed := map[string]any{}
		for k, v := range spec {
			added[k], removed[k] = v, v
		}
		delete(removed, shuffled(r, spec)[0])
		variants = append(variants, added, removed)
		for i, v := range variants {
			if after := mustDigest(t, widget(v)); after == before {
				t.Errorf("variant %d of %v: %v has the same digest", i, spec, v)
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 400, Rand: rand.New(rand.NewSource(4))}); err != nil {
		t.Error(err)
	}
}

func TestDigestOfSecretsBindsKeysNotValues(t *testing.T) {
	secret := func(field string, data map[string]any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "db", "namespace": "prod"}, field: data}
	}
	a := mustDigest(t, secret("data", map[string]any{"password": "c2VjcmV0"}))
	b := mustDigest(t, secret("stringData", map[string]any{"password": "secret"}))
	c := mustDigest(t, secret("data", map[string]any{"password": "(redacted)"}))
	d := mustDigest(t, secret("data", map[string]any{"password": "c2VjcmV0", "user": "YQ=="}))
	if a != b || a != c {
		t.Errorf("data, stringData and redacted values give different digests: %s %s %s", a, b, c)
	}
	if a == d {
		t.Error("a key added to a Secret does not change its digest")
	}
	got, _ := approval.Canonical(approval.Object(secret("stringData", map[string]any{"password": "secret"}), "prod", "guardrail.dev/"))
	if strings.Contains(string(got), "secret\"") {
		t.Errorf("the canonical form holds the Secret's value: %s", got)
	}
}

// TestDocumentedVectors checks the worked examples of docs/approvals.md.
func TestDocumentedVectors(t *testing.T) {
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "web", "namespace": "prod", "uid": "0c1d", "resourceVersion": "7",
			"annotations": map[string]any{"guardrail.dev/approvals": "{}", "note": "ünï", "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
		"data": map[string]any{"replicas": "3", "level": "info"}, "status": map[string]any{}}
	d, c, err := approval.ObjectDigest(cm, "prod", "guardrail.dev/")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"apiVersion":"v1","data":{"level":"info","replicas":"3"},"kind":"ConfigMap","metadata":{"annotations":{"note":"ünï"},"name":"web","namespace":"prod"}}`; string(c) != want {
		t.Errorf("canonical ConfigMap\n got %s\nwant %s", c, want)
	}
	if want := "sha256:9ce12bc2e92c61d884ead6fd0835e20451011985ab4d1eb3e7a227c62adb0fce"; d != want {
		t.Errorf("digest %s, want %s", d, want)
	}
	var plan any
	if err := json.Unmarshal([]byte(`[{"action":"delete","address":"aws_db_instance.old","after":null},`+
		`{"action":"create","address":"aws_instance.web","after":{"ami":"ami-1","id":{"$unknown":true},"tags":{"Environment":"prod"}}}]`), &plan); err != nil {
		t.Fatal(err)
	}
	if d, _ := approval.Digest(plan); d != "sha256:875473655c62dabc69d70edfed13cd51a29e061d18b23ffda72981aae79245a7" {
		t.Errorf("plan digest %s", d)
	}
}
