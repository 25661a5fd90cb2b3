package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testRule returns a valid rule judging resources of type "thing" with check.
func testRule(id string, sev policy.Severity, check func(p *rule.Pass, r *resource.Resource)) *rule.Rule {
	return &rule.Rule{
		ID: id, Title: "test rule " + id, Control: rule.AdminAccess, Severity: sev,
		Clauses:     []clause.Clause{clause.LeastPrivilege},
		Description: "A rule for engine tests.", Remediation: "None needed.",
		Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
		Types:   []string{"thing"},
		Check:   check,
	}
}

// always reports every resource it sees.
func always(p *rule.Pass, r *resource.Resource) { p.Report(r, nil, "%s is bad", r.Address) }

// unknown reports every resource as undecidable.
func unknown(p *rule.Pass, r *resource.Resource) {
	p.Undecidable(r, resource.ValueAt(resource.Unknown("a test"), resource.Path{resource.Key("x")}), "whether it is bad")
}

// thing is a Terraform resource of type "thing" placed in env by its tag.
func thing(name, env string, line int) *resource.Resource {
	r := &resource.Resource{
		Format: resource.FormatTerraform, Address: "thing." + name, Type: "thing", Name: name, Mode: "managed",
		Action: resource.ActionCreate, Attributes: map[string]any{"name": name}, Unit: "unit",
		Location: resource.Location{File: "main.tf", Line: line, Column: 1},
	}
	if env != "" {
		r.Labels = map[string]string{"Environment": env}
		r.Attributes["tags"] = map[string]any{"Environment": env}
	}
	return r
}

func mustPolicy(t testing.TB, spec string) *policy.Policy {
	t.Helper()
	doc := `apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: engine-test}
spec:
  environments:
    definitions:
    - {name: prod, production: true, aliases: [production]}
    - {name: staging}
    - {name: dev}
` + spec
	p, err := policy.Parse("policy.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	return p
}

func evaluate(t testing.TB, p *policy.Policy, reg *rule.Registry, opts engine.Options, rs ...*resource.Resource) *engine.Result {
	t.Helper()
	opts.Registry, opts.Now = reg, now
	res, err := engine.Evaluate(context.Background(), p, &resource.Set{Resources: rs}, opts)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return res
}

func of(res *engine.Result, id string) []rule.Finding {
	var out []rule.Finding
	for _, f := range res.Findings {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestSeverityAndModeOverrides(t *testing.T) {
	r1 := testRule("GR-TEST-001", policy.Medium, always)
	r1.Peers = rule.Peers{Checkov: []string{"CKV_T_1"}, Trivy: []string{"T-0001"}}
	reg := rule.MustRegistry(r1)
	for _, tc := range []struct {
		name, rules string
		sev         policy.Severity
		mode        policy.Mode
		key         string
	}{
		{name: "rule defaults", sev: policy.Medium, mode: policy.Deny},
		{name: "exact ID", rules: "GR-TEST-001: {severity: critical, mode: warn}", sev: policy.Critical, mode: policy.Warn, key: "GR-TEST-001"},
		{name: "severity in any case", rules: "GR-TEST-001: {severity: HIGH}", sev: policy.High, mode: policy.Deny},
		{name: "glob", rules: `"GR-TEST-*": {severity: low}`, sev: policy.Low, mode: policy.Deny, key: "GR-TEST-*"},
		{name: "exact ID beats glob", rules: `{"GR-TEST-*": {severity: high}, "GR-TEST-001": {severity: info}}`, sev: policy.Info, mode: policy.Deny, key: "GR-TEST-001"},
		{name: "longest glob wins", rules: `{"GR-*": {severity: low}, "GR-TEST-*": {severity: high, mode: warn}, "*": {severity: info}}`,
			sev: policy.High, mode: policy.Warn, key: "GR-TEST-*"},
		{name: "longest glob wins whatever its wildcard", rules: `{"GR-TEST-00?": {severity: critical}, "GR-TEST-*": {severity: low}}`,
			sev: policy.Critical, mode: policy.Deny, key: "GR-TEST-00?"},
		{name: "glob settings do not mix", rules: `{"GR-*": {mode: warn}, "GR-TEST-*": {severity: high}}`, sev: policy.High, mode: policy.Deny},
		{name: "peer ID key", rules: "CKV_T_1: {severity: high, mode: warn}", sev: policy.High, mode: policy.Warn, key: "CKV_T_1"},
		{name: "second peer ID key", rules: "T-0001: {severity: low}", sev: policy.Low, mode: policy.Deny, key: "T-0001"},
		{name: "exact ID beats peer ID", rules: `{"CKV_T_1": {severity: high}, "GR-TEST-001": {severity: low}}`, sev: policy.Low, mode: policy.Deny},
		{name: "peer ID beats glob", rules: `{"GR-TEST-*": {severity: low}, "CKV_T_1": {severity: critical}}`, sev: policy.Critical, mode: policy.Deny},
		{name: "glob not matching", rules: `"GR-PORT-*": {severity: info}`, sev: policy.Medium, mode: policy.Deny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := ""
			if tc.rules != "" {
				spec = "  rules: " + tc.rules + "\n"
				if !strings.HasPrefix(tc.rules, "{") {
					spec = "  rules:\n    " + tc.rules + "\n"
				}
			}
			p := mustPolicy(t, spec)
			if tc.key != "" {
				if got := p.Rule("GR-TEST-001", r1.Aliases()...).Key; got != tc.key {
					t.Errorf("the setting came from %q, want %q", got, tc.key)
				}
			}
			fs := of(evaluate(t, p, reg, engine.Options{}, thing("a", "prod", 1)), "GR-TEST-001")
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1", len(fs))
			}
			if fs[0].Severity != tc.sev || fs[0].Mode != tc.mode {
				t.Errorf("got %s/%s, want %s/%s", fs[0].Severity, fs[0].Mode, tc.sev, tc.mode)
			}
		})
	}
}

func TestModeOffDropsAndSkips(t *testing.T) {
	var calls, setwideCalls atomic.Int32
	r1 := testRule("GR-TEST-001", policy.High, func(p *rule.Pass, r *resource.Resource) { calls.Add(1); always(p, r) })
	r1.Peers = rule.Peers{Checkov: []string{"CKV_T_1"}}
	r2 := testRule("GR-TEST-002", policy.High, always)
	all := &rule.Rule{ID: "GR-TEST-010", Title: "set-wide", Control: rule.AdminAccess, Severity: policy.Low,
		Clauses: []clause.Clause{clause.LeastPrivilege}, Description: "d", Remediation: "r",
		CheckAll: func(p *rule.Pass) {
			setwideCalls.Add(1)
			for _, r := range p.Index.Resources() {
				p.Report(r, nil, "seen")
			}
		}}
	reg := rule.MustRegistry(r1, r2, all)
	for _, tc := range []struct {
		name, rules string
		want        []string // rules with findings
		runs        bool     // whether GR-TEST-001 and GR-TEST-010 were run
	}{
		{"on", "", []string{"GR-TEST-001", "GR-TEST-002", "GR-TEST-010"}, true},
		{"off by ID", "{GR-TEST-001: {mode: off}, GR-TEST-010: {mode: off}}", []string{"GR-TEST-002"}, false},
		{"off by peer ID", "{CKV_T_1: {mode: off}, GR-TEST-010: {mode: OFF}}", []string{"GR-TEST-002"}, false},
		{"off by glob, back on by ID", `{"GR-TEST-*": {mode: off}, "GR-TEST-002": {mode: warn}}`, []string{"GR-TEST-002"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			setwideCalls.Store(0)
			spec := ""
			if tc.rules != "" {
				spec = "  rules: " + tc.rules + "\n"
			}
			res := evaluate(t, mustPolicy(t, spec), reg, engine.Options{}, thing("a", "prod", 1), thing("b", "dev", 2))
			var got []string
			for _, id := range []string{"GR-TEST-001", "GR-TEST-002", "GR-TEST-010"} {
				if len(of(res, id)) > 0 {
					got = append(got, id)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rules with findings %v, want %v", got, tc.want)
			}
			if ran := calls.Load() > 0 || setwideCalls.Load() > 0; ran != tc.runs {
				t.Errorf("rules switched off ran: %v, want %v", ran, tc.runs)
			}
		})
	}
}

func TestEnvironmentScopes(t *testing.T) {
	all := &rule.Rule{ID: "GR-TEST-010", Title: "set-wide", Control: rule.AdminAccess, Severity: policy.Low,
		Clauses: []clause.Clause{clause.LeastPrivilege}, Description: "d", Remediation: "r",
		CheckAll: func(p *rule.Pass) {
			for _, r := range p.Index.Resources() {
				p.Report(r, nil, "seen")
			}
		}}
	reg := rule.MustRegistry(testRule("GR-TEST-001", policy.High, always), all)
	resources := func() []*resource.Resource {
		return []*resource.Resource{thing("p", "production", 1), thing("s", "staging", 2), thing("d", "dev", 3), thing("n", "", 4)}
	}
	for _, tc := range []struct {
		name, rules string
		want        string // addresses judged, for both rules
	}{
		{"everywhere", "", "[thing.p thing.s thing.d thing.n]"},
		{"production only, named by alias", "{GR-TEST-*: {environments: [production]}}", "[thing.p]"},
		{"two environments", "{GR-TEST-*: {environments: [prod, staging]}}", "[thing.p thing.s]"},
		{"excluding production", "{GR-TEST-*: {excludeEnvironments: [prod]}}", "[thing.s thing.d thing.n]"},
		{"both lists", "{GR-TEST-*: {environments: [prod, dev], excludeEnvironments: [dev]}}", "[thing.p]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := ""
			if tc.rules != "" {
				spec = "  rules: " + strings.ReplaceAll(tc.rules, "GR-TEST-*", `"GR-TEST-*"`) + "\n"
			}
			res := evaluate(t, mustPolicy(t, spec), reg, engine.Options{}, resources()...)
			for _, id := range []string{"GR-TEST-001", "GR-TEST-010"} {
				var got []string
				for _, f := range of(res, id) {
					got = append(got, f.Subject.Address)
				}
				if fmt.Sprint(got) != tc.want {
					t.Errorf("%s judged %v, want %v", id, got, tc.want)
				}
			}
		})
	}
	t.Run("the --env override places everything", func(t *testing.T) {
		spec := "  rules: {\"GR-TEST-*\": {environments: [prod]}}\n"
		res := evaluate(t, mustPolicy(t, spec), reg, engine.Options{Env: "production"}, resources()...)
		if got := len(of(res, "GR-TEST-001")); got != 4 {
			t.Errorf("got %d findings, want 4", got)
		}
		if res.Environments["prod"] != 4 {
			t.Errorf("Environments = %v, want 4 in prod", res.Environments)
		}
	})
	t.Run("environments counted", func(t *testing.T) {
		res := evaluate(t, mustPolicy(t, ""), reg, engine.Options{}, resources()...)
		want := map[string]int{"prod": 1, "staging": 1, "dev": 1, "": 1}
		if fmt.Sprint(res.Environments) != fmt.Sprint(want) || res.Resources != 4 {
			t.Errorf("Environments %v Resources %d, want %v and 4", res.Environments, res.Resources, want)
		}
	})
}

func TestUndecidable(t *testing.T) {
	reg := rule.MustRegistry(testRule("GR-TEST-001", policy.Critical, unknown), testRule("GR-TEST-002", policy.Low, always))
	for _, tc := range []struct {
		name, spec string
		drop       bool
		sev        policy.Severity
		mode       policy.Mode
	}{
		{name: "policy default: medium, warn", sev: policy.Medium, mode: policy.Warn},
		{name: "inherit", spec: "  undecidable: {severity: inherit}\n", sev: policy.Critical, mode: policy.Warn},
		{name: "inherit the overridden severity", spec: "  undecidable: {severity: inherit}\n  rules: {GR-TEST-001: {severity: low}}\n", sev: policy.Low, mode: policy.Warn},
		{name: "deny at high", spec: "  undecidable: {severity: high, mode: deny}\n", sev: policy.High, mode: policy.Deny},
		{name: "a rule in warn mode stays in warn", spec: "  undecidable: {mode: deny}\n  rules: {GR-TEST-001: {mode: warn}}\n", sev: policy.Medium, mode: policy.Warn},
		{name: "off", spec: "  undecidable: {mode: off}\n", drop: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := evaluate(t, mustPolicy(t, tc.spec), reg, engine.Options{}, thing("a", "prod", 1))
			fs := of(res, "GR-TEST-001")
			if decided := of(res, "GR-TEST-002"); len(decided) != 1 || decided[0].Severity != policy.Low || decided[0].Mode != policy.Deny {
				t.Errorf("a decided finding was changed: %+v", decided)
			}
			if tc.drop {
				if len(fs) != 0 {
					t.Errorf("got %d undecidable findings, want none", len(fs))
				}
				return
			}
			if len(fs) != 1 || !fs[0].Undecidable {
				t.Fatalf("got %+v, want one undecidable finding", fs)
			}
			if fs[0].Severity != tc.sev || fs[0].Mode != tc.mode {
				t.Errorf("got %s/%s, want %s/%s", fs[0].Severity, fs[0].Mode, tc.sev, tc.mode)
			}
			if !strings.Contains(fs[0].Message, "cannot be decided statically: whether it is bad depends on x (a test)") {
				t.Errorf("message %q", fs[0].Message)
			}
		})
	}
}

func TestRuleFailure(t *testing.T) {
	boom := testRule("GR-TEST-003", policy.High, func(p *rule.Pass, r *resource.Resource) {
		if r.Name == "boom" {
			p.Report(r, nil, "reported before failing")
			_ = strings.Split(r.Name, ".")[1] // a real bug, not a deliberate panic(string)
		}
	})
	setwide := &rule.Rule{ID: "GR-TEST-010", Title: "set-wide", Control: rule.AdminAccess, Severity: policy.Low,
		Clauses: []clause.Clause{clause.LeastPrivilege}, Description: "d", Remediation: "r",
		CheckAll: func(p *rule.Pass) { panic(errors.New("set-wide failure")) }}
	reg := rule.MustRegistry(testRule("GR-TEST-001", policy.Low, always), boom, setwide)
	for _, size := range []int{3, 1500} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%d resources %d workers", size, workers), func(t *testing.T) {
				rs := []*resource.Resource{thing("boom", "prod", 1)}
				for i := 1; i < size; i++ {
					rs = append(rs, thing(fmt.Sprintf("ok%d", i), "prod", i+1))
				}
				res := evaluate(t, mustPolicy(t, ""), reg, engine.Options{Workers: workers}, rs...)
				var details []string
				for _, d := range res.Diagnostics {
					if d.Summary == "rule failed" && d.Severity == resource.DiagError {
						details = append(details, d.Detail)
					}
				}
				if len(details) != 2 ||
					!strings.Contains(details[0], "rule GR-TEST-003 failed on thing.boom: runtime error: index out of range [1] with length 1") ||
					!strings.Contains(details[1], "rule GR-TEST-010 failed on the input: set-wide failure") {
					t.Errorf("diagnostics %q", details)
				}
				if got := len(of(res, "GR-TEST-001")); got != size {
					t.Errorf("the other rule judged %d resources, want %d", got, size)
				}
				if !res.Fails(policy.Critical) {
					t.Error("a run in which a rule failed does not fail")
				}
			})
		}
	}
}

func TestResultFails(t *testing.T) {
	finding := func(sev policy.Severity, mode policy.Mode, waived bool) rule.Finding {
		f := rule.Finding{RuleID: "GR-TEST-001", Severity: sev, Mode: mode}
		if waived {
			f.Waiver = &rule.AppliedWaiver{Source: "inline", Reason: "r"}
		}
		return f
	}
	res := &engine.Result{Findings: []rule.Finding{
		finding(policy.High, policy.Deny, false),
		finding(policy.Critical, policy.Warn, false),
		finding(policy.Critical, policy.Deny, true),
		finding(policy.Low, policy.Deny, false),
	}}
	for sev, want := range map[policy.Severity]bool{policy.Critical: false, policy.High: true, policy.Medium: true, policy.Low: true, policy.Info: true} {
		if got := res.Fails(sev); got != want {
			t.Errorf("Fails(%s) = %v, want %v", sev, got, want)
		}
	}
	if len(res.Active()) != 3 || len(res.Waived()) != 1 {
		t.Errorf("Active %d Waived %d, want 3 and 1", len(res.Active()), len(res.Waived()))
	}
	quiet := &engine.Result{Findings: []rule.Finding{finding(policy.Critical, policy.Warn, false), finding(policy.Critical, policy.Deny, true)}}
	if quiet.Fails(policy.Info) {
		t.Error("warnings and waived findings fail the run")
	}
	quiet.Diagnostics = resource.Diagnostics{resource.WarningAt(resource.Location{File: "a"}, "odd", "")}
	if quiet.Fails(policy.Info) {
		t.Error("a warning diagnostic fails the run")
	}
	quiet.Diagnostics = append(quiet.Diagnostics, resource.ErrorAt(resource.Location{File: "b"}, "unreadable", ""))
	if !quiet.Fails(policy.Critical) {
		t.Error("an input error does not fail the run")
	}
	if (&engine.Result{}).Fails(policy.Info) {
		t.Error("an empty result fails")
	}
}

func TestDataSourcesAndDeletes(t *testing.T) {
	deletes := testRule("GR-TEST-002", policy.Low, always)
	deletes.JudgesDeletes = true
	reg := rule.MustRegistry(testRule("GR-TEST-001", policy.Low, always), deletes)
	data := thing("d", "prod", 1)
	data.Mode = "data"
	read := thing("r", "prod", 2)
	read.Action = resource.ActionRead
	gone := thing("g", "prod", 3)
	gone.Action = resource.ActionDelete
	res := evaluate(t, mustPolicy(t, ""), reg, engine.Options{}, data, read, gone, thing("k", "prod", 4))
	if got := of(res, "GR-TEST-001"); len(got) != 1 || got[0].Subject.Address != "thing.k" {
		t.Errorf("GR-TEST-001 judged %v, want thing.k only", got)
	}
	if got := of(res, "GR-TEST-002"); len(got) != 2 {
		t.Errorf("a rule judging deletes judged %d resources, want 2 (thing.g and thing.k)", len(got))
	}
}

func TestEvaluateArguments(t *testing.T) {
	if _, err := engine.Evaluate(context.Background(), nil, nil, engine.Options{}); err == nil {
		t.Error("no policy: no error")
	}
	res, err := engine.Evaluate(context.Background(), mustPolicy(t, ""), nil, engine.Options{})
	if err != nil || len(res.Findings) != 0 || res.Resources != 0 || res.Policy != "engine-test" {
		t.Errorf("no inputs: %+v, %v", res, err)
	}
	if len(res.Rules) == 0 {
		t.Error("the default registry was not used")
	}
}

func TestWaiverFindingsAreSettled(t *testing.T) {
	quiet := testRule("GR-TEST-002", policy.Low, func(*rule.Pass, *resource.Resource) {})
	reg := rule.MustRegistry(append([]*rule.Rule{testRule("GR-TEST-001", policy.Low, always), quiet}, waiver.Rules()...)...)
	// Staging: in prod, which needs approval, inline waivers need one too.
	r := thing("a", "staging", 5)
	at := resource.Location{File: "main.tf", Line: 4}
	r.Waivers = []resource.InlineWaiver{
		{Text: "guardrail:ignore GR-TEST-001 reason=known", Location: at},
		{Text: "guardrail:ignore GR-TEST-002 reason=stale", Location: at},
		{Text: "guardrail:ignore GR-TEST-001", Location: at},
	}
	for _, tc := range []struct {
		name, rules     string
		unused, invalid int
		invalidSev      policy.Severity
	}{
		{"defaults", "", 1, 1, policy.Medium},
		{"overridden", "{GR-WAIVE-003: {mode: off}, GR-WAIVE-001: {severity: critical}}", 0, 1, policy.Critical},
		{"scoped out", "{GR-WAIVE-*: {excludeEnvironments: [staging]}}", 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := ""
			if tc.rules != "" {
				spec = "  rules: " + strings.ReplaceAll(tc.rules, "GR-WAIVE-*", `"GR-WAIVE-*"`) + "\n"
			}
			res := evaluate(t, mustPolicy(t, spec), reg, engine.Options{ReportUnusedWaivers: true}, r)
			if fs := of(res, "GR-TEST-001"); len(fs) != 1 || fs[0].Waiver == nil || fs[0].Waiver.Reason != "known" {
				t.Fatalf("GR-TEST-001: %+v, want one finding waived", fs)
			}
			unused, invalid := of(res, "GR-WAIVE-003"), of(res, "GR-WAIVE-001")
			if len(unused) != tc.unused || len(invalid) != tc.invalid {
				t.Fatalf("%d unused and %d invalid, want %d and %d", len(unused), len(invalid), tc.unused, tc.invalid)
			}
			if len(invalid) == 1 && (invalid[0].Severity != tc.invalidSev || invalid[0].Location != at) {
				t.Errorf("invalid waiver reported at %s severity %s, want %s at %s", invalid[0].Location, invalid[0].Severity, tc.invalidSev, at)
			}
		})
	}
}

// TestUndecodableObjectsAreUndecidable: objects built by a caller of the
// library skip the loaders' type checks. One whose pod spec, Service or
// binding does not decode is reported as undecidable by each rule that
// needed it, never passed over.
func TestUndecodableObjectsAreUndecidable(t *testing.T) {
	obj := func(kind, apiVersion string, attrs map[string]any) *resource.Resource {
		attrs["apiVersion"], attrs["kind"] = apiVersion, kind
		attrs["metadata"] = map[string]any{"name": "w", "namespace": "prod"}
		return &resource.Resource{Format: resource.FormatKubernetes, Type: kind, APIVersion: apiVersion, Name: "w", Namespace: "prod",
			Address: kind + "/prod/w", Attributes: attrs}
	}
	set := &resource.Set{Resources: []*resource.Resource{
		obj("Deployment", "apps/v1", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": "web"}}}}),
		obj("Service", "v1", map[string]any{"spec": map[string]any{"type": "NodePort", "ports": "80"}}),
		obj("RoleBinding", "rbac.authorization.k8s.io/v1", map[string]any{"roleRef": "cluster-admin"}),
	}}
	res, err := engine.Evaluate(context.Background(), policy.MustCompile(policy.Default()), set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"GR-PORT-005 Deployment/prod/w":   "whether the pod uses host ports",
		"GR-PORT-006 Deployment/prod/w":   "whether the pod shares the node's network",
		"GR-ADMIN-003 Deployment/prod/w":  "whether the pod is privileged",
		"GR-PORT-007 Service/prod/w":      "whether the Service opens node ports",
		"GR-ADMIN-002 RoleBinding/prod/w": "whether the binding grants cluster-admin",
	}
	for _, f := range res.Findings {
		key := f.RuleID + " " + f.Subject.Address
		if what, ok := want[key]; ok && f.Undecidable && strings.Contains(f.Message, what) {
			delete(want, key)
		}
	}
	for key, what := range want {
		t.Errorf("no undecidable %s saying %q; findings:\n%s", key, what, describeFindings(res.Findings))
	}
}

func describeFindings(fs []rule.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s undecidable=%v: %s\n", f.RuleID, f.Subject.Address, f.Undecidable, f.Message)
	}
	return b.String()
}
