package yamldoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	sigyaml "sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func TestSplit(t *testing.T) {
	type chunk struct {
		line int
		data string
	}
	tests := []struct {
		name string
		in   string
		want []chunk
	}{
		{"empty", "", nil},
		{"one document", "a: 1\n", []chunk{{1, "a: 1\n"}}},
		{"no trailing newline", "a: 1\n---\nb: 2", []chunk{{1, "a: 1\n"}, {3, "b: 2"}}},
		{"leading separator", "---\na: 1\n", []chunk{{2, "a: 1\n"}}},
		{"comment after separator", "a: 1\n--- # next\nb: 2\n", []chunk{{1, "a: 1\n"}, {3, "b: 2\n"}}},
		{"tab and comment after separator", "---\t# tab\na: 1\n", []chunk{{2, "a: 1\n"}}},
		{"content after separator", "--- a: 1\n", []chunk{{1, "    a: 1\n"}}},
		{"tag after separator", "--- !!map\na: 1\n", []chunk{{1, "    !!map\na: 1\n"}}},
		{"block scalar after separator", "--- |\n  text\n---\nb: 1", []chunk{{1, "    |\n  text\n"}, {4, "b: 1"}}},
		{"end markers", "---\na: 1\n...\n---\nb: 2\n... # end\n", []chunk{{2, "a: 1\n"}, {5, "b: 2\n"}}},
		{"end marker without separator", "a: 1\n...\nb: 2\n", []chunk{{1, "a: 1\n"}, {3, "b: 2\n"}}},
		{"content after an end marker is kept", "a: 1\n... b: 2\nc: 3\n", []chunk{{1, "a: 1\n... b: 2\nc: 3\n"}}},
		{"CRLF", "a: 1\r\n---\r\nb: 2\r\n", []chunk{{1, "a: 1\r\n"}, {3, "b: 2\r\n"}}},
		{"lone CR line breaks", "a: 1\r---\rb: 2\r# c\rc: 3", []chunk{{1, "a: 1\r"}, {3, "b: 2\r# c\rc: 3"}}},
		{"lone CR after a comment", "# c\ra: 1\n", []chunk{{1, "# c\ra: 1\n"}}},
		{"CRLF comment after separator", "a: 1\r\n--- # x\r\nb: 2\r\n", []chunk{{1, "a: 1\r\n"}, {3, "b: 2\r\n"}}},
		{"only comments", "# only\n# comments\n---\n# more\n", nil},
		{"only separators", "---\n---\n...\n", nil},
		{"whitespace documents dropped", "a: 1\n---\n  \n\t\n---\nb: 2\n", []chunk{{1, "a: 1\n"}, {6, "b: 2\n"}}},
		{"directive only document dropped", "%YAML 1.2\n---\na: 1\n", []chunk{{3, "a: 1\n"}}},
		{"four dashes are content", "----\na: 1\n", []chunk{{1, "----\na: 1\n"}}},
		{"indented separator is content", "a: |\n  ---\n  x\n", []chunk{{1, "a: |\n  ---\n  x\n"}}},
		{"dashes inside a word", "---x: 1\n", []chunk{{1, "---x: 1\n"}}},
		{"separator at end without newline", "a: 1\n---", []chunk{{1, "a: 1\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split([]byte(tt.in))
			if len(got) != len(tt.want) {
				t.Fatalf("Split(%q) = %d chunks %+v, want %d", tt.in, len(got), got, len(tt.want))
			}
			for i, c := range got {
				if c.Index != i || c.Line != tt.want[i].line || string(c.Data) != tt.want[i].data {
					t.Errorf("chunk %d = {%d, line %d, %q}, want {%d, line %d, %q}", i, c.Index, c.Line, c.Data, i, tt.want[i].line, tt.want[i].data)
				}
			}
		})
	}
}

func TestSplitKeepsColumns(t *testing.T) {
	// "--- key: v" puts the key at column 5 of the file; the document says so.
	docs, err := Parse([]byte("--- kind: Pod\n"), Limits{})
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("Parse: %v %+v", err, docs)
	}
	if l, c := Locate(docs[0].Root, resource.Path{resource.Key("kind")}); l != 1 || c != 5 {
		t.Fatalf("kind at %d:%d, want 1:5", l, c)
	}
}

func TestParseLines(t *testing.T) {
	in := "# leading comment\n" + // 1
		"apiVersion: v1\n" + // 2
		"kind: ConfigMap\n" + // 3
		"---\n" + // 4
		"\n" + // 5
		"# second\n" + // 6
		"apiVersion: v1\n" + // 7
		"kind: Secret\n" + // 8
		"data:\n" + // 9
		"  key: |\n" + // 10
		"    line one\n" + // 11
		"    line two\n" + // 12
		"  other: [a,\n" + // 13
		"     b]\n" + // 14
		"--- # third\n" + // 15
		"items:\n" + // 16
		"- name: x\n" + // 17
		"  value: y\n" // 18
	docs, err := Parse([]byte(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 {
		t.Fatalf("%d documents", len(docs))
	}
	for i, want := range []int{1, 5, 16} {
		if docs[i].Index != i || docs[i].Line != want || docs[i].Err != nil {
			t.Errorf("document %d: index %d line %d err %v, want line %d", i, docs[i].Index, docs[i].Line, docs[i].Err, want)
		}
	}
	locs := []struct {
		doc        int
		path       string
		line, col  int
		annotation string
	}{
		{0, "kind", 3, 1, ""},
		{1, "kind", 8, 1, ""},
		{1, "data.key", 10, 3, ""},
		{1, "data.other[1]", 14, 6, ""},
		{2, "items[0].value", 18, 3, ""},
		{2, "items[0]", 17, 3, ""},
	}
	for _, l := range locs {
		p, err := resource.ParsePath(l.path)
		if err != nil {
			t.Fatal(err)
		}
		if line, col := Locate(docs[l.doc].Root, p); line != l.line || col != l.col {
			t.Errorf("document %d %s at %d:%d, want %d:%d", l.doc, l.path, line, col, l.line, l.col)
		}
	}
	if got := docs[1].Value.(map[string]any)["data"].(map[string]any)["key"]; got != "line one\nline two\n" {
		t.Errorf("block scalar %q", got)
	}
}

func TestParseErrorLines(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		doc    int
		line   int
		reason string
	}{
		{"syntax error in second document", "a: 1\n---\nb: 2\nc: [\n", 1, 4, "did not find expected node content"},
		{"bad indentation in third document", "a: 1\n---\nb: 2\n---\nx:\n  y: 1\n z: 2\n", 2, 6, "did not find expected key"},
		{"duplicate key in second document", "a: 1\n---\nb: 1\nc: 2\nb: 3\n", 1, 5, `duplicate key "b"`},
		{"tab indentation", "a:\n\tb: 1\n", 0, 2, "found character that cannot start any token"},
		{"unknown anchor", "a: *nope\n", 0, 1, "unknown anchor 'nope' referenced"},
		{"lone CR lines", "a: 1\r---\rb: [\r", 1, 3, "did not find expected node content"},
		{"content after an end marker", "a: 1\n---\nb: 2\n... c: 3\n", 1, 4, "mapping values are not allowed in this context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse([]byte(tt.in), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			d := docs[tt.doc]
			if d.Err == nil {
				t.Fatalf("document %d has no error: %#v", tt.doc, d.Value)
			}
			if d.Err.Line != tt.line || d.Err.Reason != tt.reason {
				t.Errorf("error %+v, want line %d %q", d.Err, tt.line, tt.reason)
			}
			if d.Value != nil {
				t.Errorf("a broken document has a value: %#v", d.Value)
			}
			for i, other := range docs {
				if i != tt.doc && other.Err != nil {
					t.Errorf("document %d broken too: %v", i, other.Err)
				}
			}
		})
	}
}

func convertOne(t *testing.T, src string) (any, *Error) {
	t.Helper()
	root, perr := ParseNode([]byte(src), 0)
	if perr != nil {
		t.Fatalf("ParseNode(%q): %v", src, perr)
	}
	return Convert(root, Limits{})
}

func TestConvertScalars(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		// YAML 1.1 booleans, as kubectl reads them.
		{"yes", true}, {"Yes", true}, {"YES", true}, {"y", true}, {"Y", true},
		{"no", false}, {"No", false}, {"NO", false}, {"n", false}, {"N", false},
		{"on", true}, {"On", true}, {"ON", true}, {"off", false}, {"Off", false}, {"OFF", false},
		{"true", true}, {"True", true}, {"TRUE", true}, {"false", false}, {"FALSE", false},
		{"tRue", "tRue"}, {"yES", "yES"},
		{`"yes"`, "yes"}, {"'no'", "no"}, {`"on"`, "on"}, {"!!str yes", "yes"},
		{"!!bool yes", true}, {"!!bool off", false},
		// Integers.
		{"22", int64(22)}, {"+12", int64(12)}, {"-7", int64(-7)}, {"0", int64(0)},
		{"0x1F", int64(31)}, {"-0x10", int64(-16)}, {"0x_1F", int64(31)},
		{"0o17", int64(15)}, {"017", int64(15)}, {"0b101", int64(5)},
		{"1_000", int64(1000)}, {"1_000_000", int64(1000000)},
		{"9223372036854775807", int64(math.MaxInt64)},
		{"9223372036854775808", float64(9223372036854775808)},
		{`"22"`, "22"}, {"'0x1F'", "0x1F"},
		// Floats.
		{"1.5", 1.5}, {"1e3", 1000.0}, {".5", 0.5}, {"5.", 5.0}, {"0.", 0.0}, {"-2.5e-3", -0.0025},
		{"1_0.5", 10.5}, {"685.230_15e+03", 685230.15}, {"!!float 1", 1.0},
		{".inf", math.Inf(1)}, {"+.inf", math.Inf(1)}, {"-.Inf", math.Inf(-1)}, {".INF", math.Inf(1)},
		// Nulls.
		{"~", nil}, {"null", nil}, {"Null", nil}, {"NULL", nil}, {"", nil}, {"!!null ''", nil},
		// Timestamps and other tags keep their text.
		{"2001-12-14", "2001-12-14"}, {"2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00"},
		{"2026-01-31 10:00:00", "2026-01-31 10:00:00"}, {"12:30:00", "12:30:00"}, {"1:20", "1:20"},
		{"!!binary aGVsbG8=", "aGVsbG8="}, {"!custom text", "text"}, {"!!timestamp 2001-12-14", "2001-12-14"},
		// Strings.
		{"hello world", "hello world"}, {"'it''s'", "it's"}, {`"tab\tx"`, "tab\tx"}, {"0.0.0.0/0", "0.0.0.0/0"},
		{"v1.2", "v1.2"}, {"1.2.3", "1.2.3"}, {"0x", "0x"}, {"1e", "1e"}, {"[x, 'y']", []any{"x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := convertOne(t, "v: "+tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := v.(map[string]any)["v"]
			if f, ok := tt.want.(float64); ok && math.IsInf(f, 0) {
				if g, ok := got.(float64); !ok || g != f {
					t.Fatalf("got %#v, want %v", got, f)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v (%T), want %#v (%T)", got, got, tt.want, tt.want)
			}
		})
	}
	v, err := convertOne(t, "v: .nan")
	if err != nil || !math.IsNaN(v.(map[string]any)["v"].(float64)) {
		t.Fatalf(".nan: %#v %v", v, err)
	}
}

// TestConvertMatchesKubernetes compares Convert with sigs.k8s.io/yaml, the
// conversion kubectl uses, on everything JSON can carry; timestamps, binary
// and big integers are left out on purpose (see TestConvertScalars).
func TestConvertMatchesKubernetes(t *testing.T) {
	docs := []string{
		"a: [yes, no, on, off, y, n, Y, N, True, FALSE, tRue, 'yes', \"on\"]",
		"a: [0x1F, 0o17, 017, 0b101, 1_000, -0x10, +12, 0, -0]",
		"a: [1.5, 1e3, .5, 5., 0., 1_0.5, 685.230_15e+03, -2.5e-3]",
		"a: [~, null, Null, NULL, '', \"\"]",
		"a: {b: c, d: [1, {e: f}]}",
		"yes: 1\nno: 2\n0x1F: 4\n1.5: 5\n017: 6\n'on': 7\n1e3: 8\nx: 9",
		"base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
		"l: &l [1, 2]\nm: *l\n",
		"a: !!str 12\nb: !!float 1\nc: !!int '7'\nd: !!bool yes",
		"a: |\n  line\n  two\nb: >\n  folded\n  text\n",
		"apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: on\n  containers:\n  - name: a\n    ports: [{containerPort: 0x50}]\n",
	}
	for _, src := range docs {
		t.Run(src, func(t *testing.T) {
			got, cerr := convertOne(t, src)
			if cerr != nil {
				t.Fatal(cerr)
			}
			j, err := sigyaml.YAMLToJSON([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			want := decodeJSON(t, j)
			if g := normalise(got); !reflect.DeepEqual(g, want) {
				t.Fatalf("Convert = %#v\nkubectl = %#v", g, want)
			}
		})
	}
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// normalise makes an attribute tree comparable with encoding/json's output.
func normalise(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = normalise(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalise(e)
		}
		return out
	case int64:
		return float64(t)
	}
	return v
}

func TestConvertMergeKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"one merge", "b: &b {p: 1, q: 2}\nm: {<<: *b, r: 3}", map[string]any{"p": int64(1), "q": int64(2), "r": int64(3)}},
		{"explicit key wins", "b: &b {p: 1, q: 2}\nm: {q: 9, <<: *b}", map[string]any{"p": int64(1), "q": int64(9)}},
		{"explicit key after merge wins", "b: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 9\n", map[string]any{"p": int64(1), "q": int64(9)}},
		{"list of merges, earlier wins", "a: &a {p: 1}\nb: &b {p: 2, q: 2}\nm: {<<: [*a, *b]}", map[string]any{"p": int64(1), "q": int64(2)}},
		{"inline mapping merge", "m: {<<: {p: 1}, q: 2}", map[string]any{"p": int64(1), "q": int64(2)}},
		{"merge of a merge", "a: &a {p: 1}\nb: &b {<<: *a, q: 2}\nm: {<<: *b, r: 3}", map[string]any{"p": int64(1), "q": int64(2), "r": int64(3)}},
		{"quoted << is a key", "m: {'<<': 1}", map[string]any{"<<": int64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := convertOne(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.(map[string]any)["m"]; !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("m = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestConvertKeys(t *testing.T) {
	// Keys resolve as values do before they become strings, as kubectl sends them.
	v, err := convertOne(t, "y: 1\nOFF: 2\n0x1F: 3\n1.50: 4\n'on': 5\n\"no\": 6\n~: 7\n2026-01-31: 8\n.inf: 9\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"true": int64(1), "false": int64(2), "31": int64(3), "1.5": int64(4), "on": int64(5), "no": int64(6), "null": int64(7), "2026-01-31": int64(8), ".inf": int64(9)}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v", v)
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		limits    Limits
		line, col int
		reason    string
	}{
		{"duplicate key", "a: 1\nb:\n  c: 1\n  c: 2\n", Limits{}, 4, 3, `duplicate key "c"`},
		{"duplicate key by resolution", "on: 1\n'true': 2\n", Limits{}, 2, 1, `duplicate key "true"`},
		{"duplicate in flow mapping", "{a: 1, b: 2, a: 3}", Limits{}, 1, 14, `duplicate key "a"`},
		{"merge of a scalar", "m: {<<: 1}", Limits{}, 1, 9, "merge key (<<) needs a mapping"},
		{"merge of a list of scalars", "m: {<<: [1]}", Limits{}, 1, 10, "merge key (<<) needs a mapping"},
		{"mapping as key", "? {a: 1}\n: x\n", Limits{}, 1, 3, "mapping keys must be scalars"},
		{"bad explicit int", "a: !!int abc", Limits{}, 1, 4, `"abc" is not an integer`},
		{"bad explicit float", "a: !!float abc", Limits{}, 1, 4, `"abc" is not a number`},
		{"bad explicit bool", "a: !!bool maybe", Limits{}, 1, 4, `"maybe" is not a boolean`},
		{"too deep", strings.Repeat("[", 6) + strings.Repeat("]", 6), Limits{MaxDepth: 4}, 1, 6, "nesting deeper than 4 levels"},
		{"too deep by default", strings.Repeat("- ", 130) + "x", Limits{}, 1, 259, "nesting deeper than 128 levels"},
		{"too many nodes", "[1, 2, 3, 4, 5]", Limits{MaxNodes: 4}, 1, 11, "document expands to more than 4 values (an alias bomb?)"},
		{"too deep through aliases", "a: &a [[[1]]]\nb: [[*a]]", Limits{MaxDepth: 4}, 1, 8, "nesting deeper than 4 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, perr := ParseNode([]byte(tt.in), 0)
			if perr != nil {
				t.Fatal(perr)
			}
			v, err := Convert(root, tt.limits)
			if err == nil {
				t.Fatalf("no error, value %#v", v)
			}
			if err.Line != tt.line || err.Column != tt.col || err.Reason != tt.reason {
				t.Fatalf("error %d:%d %q, want %d:%d %q", err.Line, err.Column, err.Reason, tt.line, tt.col, tt.reason)
			}
			if v != nil {
				t.Fatalf("value with an error: %#v", v)
			}
		})
	}
}

func TestConvertNil(t *testing.T) {
	if v, err := Convert(nil, Limits{}); v != nil || err != nil {
		t.Fatalf("Convert(nil) = %v, %v", v, err)
	}
}

// billionLaughs is the classic alias bomb: levels of ten aliases to the level below.
func billionLaughs(levels int) string {
	var b strings.Builder
	b.WriteString(`a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// mergeLaughs is the same bomb made of merge keys.
func mergeLaughs(levels int) string {
	var b strings.Builder
	b.WriteString("m0: &m0 {lol: 1}\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "m%d: &m%d {k%d: 1, <<: [", i, i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*m%d", i-1)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}

func TestAliasBomb(t *testing.T) {
	for name, src := range map[string]string{"aliases": billionLaughs(9), "merge keys": mergeLaughs(9)} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			docs, err := Parse([]byte(src), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 1 || docs[0].Err == nil {
				t.Fatalf("the bomb was converted: %+v", docs)
			}
			if want := fmt.Sprintf("document expands to more than %d values", DefaultMaxNodes); !strings.Contains(docs[0].Err.Reason, want) {
				t.Fatalf("error %q, want %q", docs[0].Err.Reason, want)
			}
			if docs[0].Err.Line < 1 {
				t.Errorf("error without a line: %+v", docs[0].Err)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v to fail", d)
			}
			// Locating in the bomb must not expand it either.
			start = time.Now()
			Locate(docs[0].Root, resource.Path{resource.Key("m8"), resource.Key("missing")})
			Locate(docs[0].Root, resource.Path{resource.Key("a8"), resource.Index(9), resource.Index(9), resource.Index(9)})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Locate took %v", d)
			}
		})
	}
	// Small limits stop it sooner.
	docs, _ := Parse([]byte(billionLaughs(9)), Limits{MaxNodes: 1000})
	if docs[0].Err == nil || !strings.Contains(docs[0].Err.Reason, "more than 1000 values") {
		t.Fatalf("MaxNodes 1000: %v", docs[0].Err)
	}
}

func TestParseLimits(t *testing.T) {
	t.Run("invalid UTF-8", func(t *testing.T) {
		_, err := Parse([]byte("a: 1\nb: 2\nc: \xff\xfe\n"), Limits{})
		e, ok := err.(*Error)
		if !ok || e.Line != 3 || !strings.Contains(e.Reason, "not valid UTF-8") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("invalid UTF-8 after CR lines", func(t *testing.T) {
		_, err := Parse([]byte("a: 1\rb: 2\r\nc: \xff\n"), Limits{})
		if e, ok := err.(*Error); !ok || e.Line != 3 {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("UTF-16", func(t *testing.T) {
		_, err := Parse([]byte("\xff\xfea\x00:\x00 \x001\x00"), Limits{})
		if e, ok := err.(*Error); !ok || e.Line != 1 {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("byte order mark", func(t *testing.T) {
		docs, err := Parse([]byte("\xef\xbb\xbfa: 1\n"), Limits{})
		if err != nil || len(docs) != 1 || !reflect.DeepEqual(docs[0].Value, map[string]any{"a": int64(1)}) {
			t.Fatalf("%v %+v", err, docs)
		}
	})
	t.Run("byte order mark only", func(t *testing.T) {
		docs, err := Parse([]byte("\xef\xbb\xbf"), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Value != nil || d.Root != nil {
				t.Fatalf("%+v", d)
			}
		}
	})
	t.Run("document over MaxDocumentBytes", func(t *testing.T) {
		big := "a: " + strings.Repeat("x", 200) + "\n"
		docs, err := Parse([]byte("small: 1\n---\n"+big+"---\nb: 2\n"), Limits{MaxDocumentBytes: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 3 || docs[0].Err != nil || docs[2].Err != nil {
			t.Fatalf("%+v", docs)
		}
		if e := docs[1].Err; e == nil || e.Line != 3 || !strings.Contains(e.Reason, "exceeds the limit of 100 bytes") {
			t.Fatalf("error %v", e)
		}
	})
	t.Run("document over the default limit", func(t *testing.T) {
		if testing.Short() {
			t.Skip("allocates 16 MiB")
		}
		big := bytes.Repeat([]byte("# filler\n"), DefaultMaxDocumentBytes/9+1)
		big = append(big, "a: 1\n"...)
		docs, err := Parse(big, Limits{})
		if err != nil || len(docs) != 1 || docs[0].Err == nil || !strings.Contains(docs[0].Err.Reason, "exceeds the limit") {
			t.Fatalf("%v %+v", err, docs)
		}
	})
	t.Run("too many documents", func(t *testing.T) {
		_, err := Parse([]byte(strings.Repeat("a: 1\n---\n", 5)), Limits{MaxDocuments: 4})
		if err == nil || !strings.Contains(err.Error(), "5 documents exceed the limit of 4") {
			t.Fatalf("error %v", err)
		}
	})
}

func TestLocate(t *testing.T) {
	src := `metadata: &meta
  name: web
  labels:
    app: web
spec:
  template:
    metadata: *meta
    spec:
      containers:
      - name: a
        ports: [{containerPort: 80}, {containerPort: 443}]
      - <<: &base
          image: nginx
          env: [{name: X}]
        name: b
  merged:
    <<: [{first: 1}, *base]
    own: 2
on: true
~: nothing
0x10: sixteen
`
	root, perr := ParseNode([]byte(src), 0)
	if perr != nil {
		t.Fatal(perr)
	}
	tests := []struct {
		path      string
		line, col int
	}{
		{"", 1, 1},
		{"metadata", 1, 1},
		{"metadata.labels.app", 4, 5},
		{"spec.template.spec.containers", 9, 7},
		{"spec.template.spec.containers[0]", 10, 9},
		{"spec.template.spec.containers[0].ports[1]", 11, 38},
		{"spec.template.spec.containers[0].ports[1].containerPort", 11, 39},
		// Through an alias: the anchored mapping's own keys.
		{"spec.template.metadata.labels.app", 4, 5},
		{"spec.template.metadata.name", 2, 3},
		// Through merge keys: the key where the merged mapping writes it.
		{"spec.template.spec.containers[1].image", 13, 11},
		{"spec.template.spec.containers[1].env[0].name", 14, 18},
		{"spec.template.spec.containers[1].name", 15, 9},
		{"spec.merged.first", 17, 11},
		{"spec.merged.image", 13, 11},
		{"spec.merged.own", 18, 5},
		// Keys as Convert names them.
		{"true", 19, 1},
		{"null", 20, 1},
		{"16", 21, 1},
		// Missing: the deepest part that exists.
		{"spec.template.spec.containers[0].missing", 10, 9},
		{"spec.template.spec.containers[7].name", 9, 7},
		{"spec.template.spec.containers.name", 9, 7},
		{"metadata[0]", 1, 1},
		{"nope.deeper", 1, 1},
		{"metadata.name.deeper", 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := resource.ParsePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if line, col := Locate(root, p); line != tt.line || col != tt.col {
				t.Fatalf("Locate(%s) = %d:%d, want %d:%d", tt.path, line, col, tt.line, tt.col)
			}
		})
	}
	if l, c := Locate(nil, resource.Path{resource.Key("a")}); l != 0 || c != 0 {
		t.Errorf("Locate(nil) = %d:%d", l, c)
	}
}

func TestLocateEveryConvertedPath(t *testing.T) {
	// Every path of a converted document is located at a line of its document.
	for _, file := range []string{"testdata/anchors.yaml", "testdata/stream.yaml", "testdata/crlf.yaml", "../../examples/kubernetes/prod/web.yaml"} {
		data := readFile(t, file)
		docs, err := Parse(data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range docs {
			if d.Err != nil {
				t.Fatalf("%s: %v", file, d.Err)
			}
			walk(d.Value, nil, func(p resource.Path) {
				line, col := Locate(d.Root, p)
				if line < d.Line || line > lines || col < 1 {
					t.Errorf("%s: %s at %d:%d, outside document %d (line %d)", file, p, line, col, d.Index, d.Line)
				}
			})
		}
	}
}

func walk(v any, p resource.Path, visit func(resource.Path)) {
	visit(p)
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			walk(e, p.Append(resource.Key(k)), visit)
		}
	case []any:
		for i, e := range t {
			walk(e, p.Append(resource.Index(i)), visit)
		}
	}
}

func TestFixtures(t *testing.T) {
	data := readFile(t, "testdata/anchors.yaml")
	docs, err := Parse(data, Limits{})
	if err != nil || len(docs) != 2 {
		t.Fatalf("%v %d", err, len(docs))
	}
	dep := docs[0].Value.(map[string]any)
	spec := dep["spec"].(map[string]any)
	if spec["replicas"] != int64(3) {
		t.Errorf("replicas %#v", spec["replicas"])
	}
	containers := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	side := containers[1].(map[string]any)
	if side["name"] != "sidecar" || side["image"] != "registry.example.com/web:1.0" {
		t.Errorf("sidecar %#v", side)
	}
	sc := side["securityContext"].(map[string]any)
	if sc["privileged"] != false || sc["runAsNonRoot"] != true {
		t.Errorf("securityContext %#v", sc)
	}
	cm := docs[1].Value.(map[string]any)
	meta := cm["metadata"].(map[string]any)
	if meta["name"] != "settings" || meta["namespace"] != "prod" || meta["annotations"].(map[string]any)["note"] != "merged" {
		t.Errorf("metadata %#v", meta)
	}
	if d := cm["data"].(map[string]any); d["enabled"] != "yes" || d["ratio"] != "0.5" || d["started"] != "2026-01-31T10:00:00Z" {
		t.Errorf("data %#v", d)
	}

	docs, err = Parse(readFile(t, "testdata/crlf.yaml"), Limits{})
	if err != nil || len(docs) != 2 || docs[1].Line != 12 {
		t.Fatalf("crlf: %v %+v", err, docs)
	}
	if l, _ := Locate(docs[1].Root, resource.Path{resource.Key("metadata"), resource.Key("labels"), resource.Key("env")}); l != 14 {
		t.Errorf("crlf: labels.env at line %d", l)
	}
	if name := docs[0].Value.(map[string]any)["metadata"].(map[string]any)["name"]; name != "crlf" {
		t.Errorf("crlf: name %q keeps a carriage return?", name)
	}

	docs, err = Parse(readFile(t, "testdata/stream.yaml"), Limits{})
	if err != nil || len(docs) != 2 || docs[0].Line != 3 || docs[1].Line != 24 || docs[0].Err != nil || docs[1].Err != nil {
		t.Fatalf("stream: %v %+v", err, docs)
	}
	args := docs[1].Value.(map[string]any)["spec"].(map[string]any)["jobTemplate"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["args"].([]any)
	if want := []any{"--compress", true, false, nil, int64(1000), math.Inf(1)}; !reflect.DeepEqual(args, want) {
		t.Errorf("args %#v", args)
	}
}

func TestErrorString(t *testing.T) {
	if got := (&Error{Line: 3, Reason: "bad"}).Error(); got != "line 3: bad" {
		t.Error(got)
	}
	if got := (&Error{Reason: "bad"}).Error(); got != "bad" {
		t.Error(got)
	}
}

func TestParseNodeRecovers(t *testing.T) {
	// The parser never panics on these, but ParseNode's guard must turn a panic
	// into an error should one appear; an empty document is no node and no error.
	for _, src := range []string{"", "# c\n", "\xef\xbb\xbf"} {
		if n, err := ParseNode([]byte(src), 4); n != nil || err != nil {
			t.Errorf("ParseNode(%q) = %v, %v", src, n, err)
		}
	}
	// A second document the caller did not split off is an error, not ignored.
	n, err := ParseNode([]byte("a: 1\n---\nkind: Pod\n"), 2)
	if n != nil || err == nil || err.Line != 4 || !strings.Contains(err.Reason, "another YAML document") {
		t.Fatalf("hidden document: %v %v", n, err)
	}
	n, err = ParseNode([]byte("a: 1\nb: [\n"), 10)
	if n != nil || err == nil || err.Line != 12 {
		t.Fatalf("line offset: %v %v", n, err)
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
