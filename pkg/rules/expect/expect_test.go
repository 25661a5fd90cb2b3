package expect_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

var settings = []expect.Setting{
	{Type: "cache", Path: []string{"tls"}, Wrong: expect.IsFalse("tls is false"),
		Missing: "tls is not set and defaults to false", What: "whether the cache uses TLS"},
	{Type: "cache", Path: []string{"mode"}, Wrong: expect.OneOf("mode is %v", "plaintext", "preferred"), What: "the mode"},
	{Type: "domain", Path: []string{"endpoint", "enforce_https"}, Wrong: expect.IsFalse("enforce_https is false"),
		MissingBlock: "no endpoint block, so HTTPS is not enforced", What: "whether HTTPS is enforced"},
	{Type: "search", Path: []string{"endpoint", "enforce_https"}, Wrong: expect.IsFalse("enforce_https is false"),
		Missing: "enforce_https is not set", What: "whether HTTPS is enforced"},
	{Type: "dms", Path: []string{"ssl_mode"}, Wrong: expect.NoneOf("ssl_mode is %v", "require", "verify-full"),
		When: func(r *resource.Resource) bool { return r.Get("engine").String() != "s3" }, What: "whether TLS is used"},
	{Type: "redis", Path: []string{"non_ssl_port"}, Wrong: expect.IsTrue("the plaintext port is on"), What: "the plaintext port"},
}

var testRule = &rule.Rule{
	ID: "GR-TEST-001", Title: "t", Description: "d", Remediation: "r", Control: rule.Transit,
	Clauses: []clause.Clause{clause.EncryptionInTransit},
	Check:   func(p *rule.Pass, r *resource.Resource) { expect.Judge(p, r, settings) },
}

// judge runs the settings on one resource and renders its findings as
// "path: message" or "path: undecidable: message".
func judge(t *testing.T, typ string, attrs map[string]any) []string {
	t.Helper()
	r := &resource.Resource{Format: resource.FormatTerraform, Type: typ, Address: typ + ".x", Attributes: attrs}
	pol := policy.MustCompile(policy.Default())
	ix := rule.NewIndex(pol, []*resource.Resource{r}, rule.IndexOptions{})
	pass := rule.NewPass(pol, ix, time.Time{})
	if err := pass.Run(testRule, r); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range pass.Findings() {
		s := f.Path + ": "
		if f.Undecidable {
			s += "undecidable: "
		}
		out = append(out, s+f.Message)
	}
	return out
}

func TestJudge(t *testing.T) {
	unknown := resource.Unknown("variable \"x\" has no value")
	tests := []struct {
		name  string
		typ   string
		attrs map[string]any
		want  []string
	}{
		{"wrong value", "cache", map[string]any{"tls": false, "mode": "required"}, []string{"tls: tls is false"}},
		{"wrong value written as a string", "cache", map[string]any{"tls": "false"}, []string{"tls: tls is false"}},
		{"right values", "cache", map[string]any{"tls": true, "mode": "required"}, nil},
		{"missing, with a message", "cache", map[string]any{}, []string{": tls is not set and defaults to false"}},
		{"explicit null counts as missing", "cache", map[string]any{"tls": nil}, []string{": tls is not set and defaults to false"}},
		{"one of the bad values, any case", "cache", map[string]any{"tls": true, "mode": "Preferred"}, []string{"mode: mode is Preferred"}},
		{"unknown value", "cache", map[string]any{"tls": unknown, "mode": "required"},
			[]string{`tls: undecidable: cannot be decided statically: whether the cache uses TLS depends on tls (variable "x" has no value)`}},
		{"other types are not judged", "other", map[string]any{"tls": false}, nil},
		{"block missing: MissingBlock", "domain", map[string]any{}, []string{": no endpoint block, so HTTPS is not enforced"}},
		{"block present, attribute left to its safe default", "domain", map[string]any{"endpoint": []any{map[string]any{}}}, nil},
		{"block present, attribute wrong", "domain", map[string]any{"endpoint": []any{map[string]any{"enforce_https": false}}},
			[]string{"endpoint[0].enforce_https: enforce_https is false"}},
		{"block written as an object", "domain", map[string]any{"endpoint": map[string]any{"enforce_https": false}},
			[]string{"endpoint.enforce_https: enforce_https is false"}},
		{"repeated blocks are each judged", "domain", map[string]any{"endpoint": []any{
			map[string]any{"enforce_https": false}, map[string]any{"enforce_https": true}, map[string]any{"enforce_https": false}}},
			[]string{"endpoint[0].enforce_https: enforce_https is false", "endpoint[2].enforce_https: enforce_https is false"}},
		{"unknown block", "domain", map[string]any{"endpoint": unknown}, []string{"endpoint: undecidable: cannot be decided statically: whether HTTPS is enforced depends on endpoint (variable \"x\" has no value)"}},
		{"unknown attribute in a block", "domain", map[string]any{"endpoint": []any{map[string]any{"enforce_https": unknown}}},
			[]string{"endpoint[0].enforce_https: undecidable: cannot be decided statically: whether HTTPS is enforced depends on endpoint[0].enforce_https (variable \"x\" has no value)"}},
		{"Missing covers the block and the attribute", "search", map[string]any{}, []string{": enforce_https is not set"}},
		{"Missing covers the attribute in a present block", "search", map[string]any{"endpoint": []any{map[string]any{}}}, []string{"endpoint[0]: enforce_https is not set"}},
		{"none of the good values", "dms", map[string]any{"engine": "postgres", "ssl_mode": "none"}, []string{"ssl_mode: ssl_mode is none"}},
		{"one of the good values", "dms", map[string]any{"engine": "postgres", "ssl_mode": "REQUIRE"}, nil},
		{"when excludes the resource", "dms", map[string]any{"engine": "s3", "ssl_mode": "none"}, nil},
		{"missing without a message is fine", "dms", map[string]any{"engine": "postgres"}, nil},
		{"true is wrong", "redis", map[string]any{"non_ssl_port": "true"}, []string{"non_ssl_port: the plaintext port is on"}},
		{"false is right", "redis", map[string]any{"non_ssl_port": false}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(t, tt.typ, tt.attrs)
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
		})
	}
}

func TestWrong(t *testing.T) {
	type fn = func(resource.Value) (string, bool)
	tests := []struct {
		name    string
		f       fn
		in      any
		wantMsg string
		wrong   bool
	}{
		{"IsFalse false", expect.IsFalse("off"), false, "off", true},
		{"IsFalse string false", expect.IsFalse("off"), "false", "off", true},
		{"IsFalse true", expect.IsFalse("off"), true, "", false},
		{"IsFalse not a boolean", expect.IsFalse("off"), "maybe", "", false},
		{"IsTrue true", expect.IsTrue("on"), true, "on", true},
		{"IsTrue false", expect.IsTrue("on"), false, "", false},
		{"OneOf hit", expect.OneOf("mode %v", "a", "b"), "B", "mode B", true},
		{"OneOf miss", expect.OneOf("mode %v", "a", "b"), "c", "", false},
		{"OneOf number", expect.OneOf("value %v", "0"), 0.0, "value 0", true},
		{"OneOf not a scalar", expect.OneOf("mode %v", "a"), []any{"a"}, "", false},
		{"NoneOf miss", expect.NoneOf("mode %v", "TLS"), "NONE", "mode NONE", true},
		{"NoneOf hit", expect.NoneOf("mode %v", "TLS"), "tls", "", false},
		{"NoneOf not a scalar", expect.NoneOf("mode %v", "TLS"), map[string]any{}, "", false},
	}
	for _, tt := range tests {
		msg, wrong := tt.f(resource.ValueOf(tt.in))
		if wrong != tt.wrong || (wrong && msg != tt.wantMsg) {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", tt.name, msg, wrong, tt.wantMsg, tt.wrong)
		}
	}
}

func TestTypes(t *testing.T) {
	got := expect.Types(settings)
	want := []string{"cache", "domain", "search", "dms", "redis"}
	if !slices.Equal(got, want) {
		t.Errorf("Types = %v, want %v (each once, in order)", got, want)
	}
	if n := len(expect.Types(nil)); n != 0 {
		t.Errorf("Types(nil) has %d types", n)
	}
}

func ExampleJudge() {
	r := &resource.Resource{Format: resource.FormatTerraform, Type: "cache", Address: "cache.x",
		Attributes: map[string]any{"tls": false}}
	pol := policy.MustCompile(policy.Default())
	pass := rule.NewPass(pol, rule.NewIndex(pol, []*resource.Resource{r}, rule.IndexOptions{}), time.Time{})
	_ = pass.Run(testRule, r)
	for _, f := range pass.Findings() {
		fmt.Printf("%s at %s: %s\n", f.Subject.Address, f.Path, f.Message)
	}
	// Output: cache.x at tls: tls is false
}
