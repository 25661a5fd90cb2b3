package rule

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func check(*Pass, *resource.Resource) {}
func checkAll(*Pass)                  {}

// valid returns a complete rule with the given ID; edit changes it.
func valid(id string, edit ...func(r *Rule)) *Rule {
	r := &Rule{
		ID: id, Title: "t", Control: Ports, Severity: policy.High, Description: "d", Remediation: "fix it",
		Clauses: []clause.Clause{clause.RestrictedPorts}, Check: check,
	}
	for _, e := range edit {
		e(r)
	}
	return r
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		rule *Rule
		errs []string
	}{
		{"valid", valid("GR-PORT-001"), nil},
		{"valid set-wide", valid("GR-SEG-001", func(r *Rule) { r.Check, r.CheckAll, r.NeedsWholeInput = nil, checkAll, true }), nil},
		{"valid reported elsewhere", valid("GR-WAIVE-001", func(r *Rule) { r.Check, r.ReportedBy = nil, "the waiver package" }), nil},
		{"ID too short", valid("GR-PORT-1"), []string{`ID "GR-PORT-1" is not of the form GR-CONTROL-NNN`}},
		{"ID too long", valid("GR-PORT-0001"), []string{"is not of the form"}},
		{"ID lower case", valid("gr-port-001"), []string{"is not of the form"}},
		{"ID without control", valid("GR--001"), []string{"is not of the form"}},
		{"ID with digits in control", valid("GR-P0RT-001"), []string{"is not of the form"}},
		{"ID with space", valid("GR-PORT-001 "), []string{"is not of the form"}},
		{"ID empty", valid(""), []string{`ID "" is not of the form`}},
		{"ID of a peer", valid("CKV_AWS_24"), []string{"is not of the form"}},
		{"no title", valid("GR-PORT-001", func(r *Rule) { r.Title = "" }), []string{"title, description and remediation are required"}},
		{"no description", valid("GR-PORT-001", func(r *Rule) { r.Description = "" }), []string{"title, description and remediation are required"}},
		{"no remediation", valid("GR-PORT-001", func(r *Rule) { r.Remediation = "" }), []string{"title, description and remediation are required"}},
		{"no control", valid("GR-PORT-001", func(r *Rule) { r.Control = "" }), []string{"control is required"}},
		{"no clauses", valid("GR-PORT-001", func(r *Rule) { r.Clauses = nil }), []string{"a rule cites at least one policy clause"}},
		{"no check", valid("GR-PORT-001", func(r *Rule) { r.Check = nil }), []string{"exactly one of Check, CheckAll and ReportedBy is set"}},
		{"two checks", valid("GR-PORT-001", func(r *Rule) { r.CheckAll = checkAll }), []string{"exactly one of Check, CheckAll and ReportedBy is set"}},
		{"check and reported elsewhere", valid("GR-PORT-001", func(r *Rule) { r.ReportedBy = "x" }), []string{"exactly one of"}},
		{"whole input without CheckAll", valid("GR-PORT-001", func(r *Rule) { r.NeedsWholeInput = true }), []string{"NeedsWholeInput is for CheckAll rules"}},
		{"everything wrong", &Rule{ID: "x"}, []string{"is not of the form", "title, description", "control is required", "at least one policy clause", "exactly one of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil")
			}
			if !strings.HasPrefix(err.Error(), "rule "+tt.rule.ID+": ") {
				t.Errorf("error does not name the rule: %v", err)
			}
			for _, want := range tt.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestRuleMetadata(t *testing.T) {
	r := valid("GR-PORT-001", func(r *Rule) {
		r.Peers = Peers{Checkov: []string{"CKV_AWS_24"}, Trivy: []string{"AWS-0107"}, KubeLinter: []string{"ssh-port"}, Polaris: []string{"p"}, Kyverno: []string{"k"}, Terrascan: []string{"AC_AWS_0227"}}
	})
	if got := r.Aliases(); !slices.Equal(got, []string{"CKV_AWS_24", "AWS-0107", "ssh-port", "p", "k", "AC_AWS_0227"}) {
		t.Errorf("Aliases() = %v", got)
	}
	if (Peers{}).All() != nil {
		t.Error("no peers")
	}
	if got := r.DocsURL(); got != "https://github.com/guardrail-dev/guardrail/blob/main/docs/rules.md#gr-port-001" {
		t.Errorf("DocsURL() = %s", got)
	}
	applies := []struct {
		formats []resource.Format
		types   []string
		f       resource.Format
		typ     string
		want    bool
	}{
		{nil, nil, resource.FormatKubernetes, "Pod", true},
		{nil, []string{"Pod"}, resource.FormatKubernetes, "Pod", true},
		{nil, []string{"Pod"}, resource.FormatKubernetes, "Service", false},
		{[]resource.Format{resource.FormatPlan}, nil, resource.FormatPlan, "aws_vpc", true},
		{[]resource.Format{resource.FormatPlan}, nil, resource.FormatTerraform, "aws_vpc", false},
		{[]resource.Format{resource.FormatTerraform, resource.FormatPlan}, []string{"aws_vpc"}, resource.FormatTerraform, "aws_vpc", true},
	}
	for _, a := range applies {
		r := &Rule{Formats: a.formats, Types: a.types}
		if got := r.AppliesTo(a.f, a.typ); got != a.want {
			t.Errorf("%v %v AppliesTo(%s, %s) = %v", a.formats, a.types, a.f, a.typ, got)
		}
	}
}

func TestRegistry(t *testing.T) {
	tf := []resource.Format{resource.FormatTerraform, resource.FormatPlan}
	k8s := []resource.Format{resource.FormatKubernetes}
	sg := valid("GR-PORT-001", func(r *Rule) {
		r.Formats, r.Types = tf, []string{"aws_security_group", "aws_security_group_rule"}
		r.Peers.Checkov = []string{"CKV_AWS_24", "CKV_AWS_25"}
	})
	pod := valid("GR-PORT-005", func(r *Rule) { r.Formats, r.Types = k8s, []string{"Pod", "Deployment"} })
	anyFormat := valid("GR-PORT-009", func(r *Rule) { r.Types = []string{"Deployment", "aws_db_instance"} })
	untypedTF := valid("GR-LOG-001", func(r *Rule) { r.Formats = tf })
	untypedAll := valid("GR-SEG-002", func(r *Rule) { r.Peers.Checkov = []string{"CKV_AWS_24"} })
	setwide := valid("GR-SEG-001", func(r *Rule) { r.Check, r.CheckAll = nil, checkAll })
	elsewhere := valid("GR-WAIVE-001", func(r *Rule) { r.Check, r.ReportedBy, r.Types = nil, "waiver", []string{"Pod"} })

	reg, err := NewRegistry(sg, pod, anyFormat, untypedTF, untypedAll, setwide, elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(rs []*Rule) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return strings.Join(out, " ")
	}
	if got := ids(reg.Rules()); got != "GR-LOG-001 GR-PORT-001 GR-PORT-005 GR-PORT-009 GR-SEG-001 GR-SEG-002 GR-WAIVE-001" {
		t.Errorf("Rules() = %s", got)
	}
	if got := ids(reg.SetWide()); got != "GR-SEG-001" {
		t.Errorf("SetWide() = %s", got)
	}
	for _, tt := range []struct {
		f    resource.Format
		typ  string
		want string
	}{
		{resource.FormatTerraform, "aws_security_group", "GR-PORT-001 GR-LOG-001 GR-SEG-002"},
		{resource.FormatPlan, "aws_security_group_rule", "GR-PORT-001 GR-LOG-001 GR-SEG-002"},
		{resource.FormatKubernetes, "aws_security_group", "GR-SEG-002"},
		{resource.FormatKubernetes, "Deployment", "GR-PORT-005 GR-PORT-009 GR-SEG-002"},
		{resource.FormatKubernetes, "Pod", "GR-PORT-005 GR-SEG-002"},
		{resource.FormatPlan, "aws_db_instance", "GR-PORT-009 GR-LOG-001 GR-SEG-002"},
		{resource.FormatTerraform, "aws_vpc", "GR-LOG-001 GR-SEG-002"},
	} {
		r := &resource.Resource{Format: tt.f, Type: tt.typ}
		if got := ids(reg.ForResource(r)); got != tt.want {
			t.Errorf("ForResource(%s %s) = %s, want %s", tt.f, tt.typ, got, tt.want)
		}
	}
	if got := ids(reg.ByAlias("CKV_AWS_24")); got != "GR-PORT-001 GR-SEG-002" {
		t.Errorf("ByAlias(CKV_AWS_24) = %s", got)
	}
	if got := reg.ByAlias("CKV_AWS_99"); got != nil {
		t.Errorf("ByAlias(unknown) = %v", got)
	}
	if r, ok := reg.Lookup("GR-PORT-005"); !ok || r != pod {
		t.Error("Lookup")
	}
	if _, ok := reg.Lookup("CKV_AWS_24"); ok {
		t.Error("Lookup finds rules by ID only")
	}

	// Only typed rules: ForResource returns them without copying.
	typedOnly := MustRegistry(sg)
	if got := ids(typedOnly.ForResource(&resource.Resource{Format: resource.FormatPlan, Type: "aws_security_group"})); got != "GR-PORT-001" {
		t.Errorf("typed only: %s", got)
	}

	more, err := reg.With(valid("GR-PORT-002"))
	if err != nil || len(more.Rules()) != 8 || len(reg.Rules()) != 7 {
		t.Errorf("With: %v, %d rules, original %d", err, len(more.Rules()), len(reg.Rules()))
	}
	if _, err := reg.With(valid("GR-PORT-001")); err == nil || err.Error() != "rule GR-PORT-001 registered twice" {
		t.Errorf("With a duplicate: %v", err)
	}
}

func TestNewRegistryErrors(t *testing.T) {
	if _, err := NewRegistry(valid("GR-PORT-001"), valid("GR-PORT-001")); err == nil || err.Error() != "rule GR-PORT-001 registered twice" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := NewRegistry(valid("GR-PORT-001"), valid("bad")); err == nil || !strings.Contains(err.Error(), `rule bad: ID "bad"`) {
		t.Errorf("invalid: %v", err)
	}
	if reg, err := NewRegistry(); err != nil || len(reg.Rules()) != 0 {
		t.Errorf("empty: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustRegistry of a duplicate did not panic")
		}
	}()
	MustRegistry(valid("GR-PORT-001"), valid("GR-PORT-001"))
}

func TestBaseAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aws_instance.web", "aws_instance.web"},
		{"aws_instance.web[0]", "aws_instance.web"},
		{`aws_instance.web["a"]`, "aws_instance.web"},
		{`module.a["x"].aws_instance.web[0]`, "module.a.aws_instance.web"},
		{`module.a["x]y"].aws_instance.b[0]`, "module.a.aws_instance.b"},
		{`module.a["x[y"].aws_instance.b`, "module.a.aws_instance.b"},
		{`module.a["say \"hi\"]"].aws_instance.b["k\\"]`, "module.a.aws_instance.b"},
		{`module.a[0].module.b["k"].aws_s3_bucket.logs`, "module.a.module.b.aws_s3_bucket.logs"},
		{`data.aws_iam_policy_document.p["a.b"]`, "data.aws_iam_policy_document.p"},
		{"", ""},
		{"Deployment/prod/web", "Deployment/prod/web"},
	}
	for _, tt := range tests {
		if got := BaseAddress(tt.in); got != tt.want {
			t.Errorf("BaseAddress(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindingFails(t *testing.T) {
	tests := []struct {
		f    Finding
		min  policy.Severity
		want bool
	}{
		{Finding{Mode: policy.Deny, Severity: policy.High}, policy.High, true},
		{Finding{Mode: policy.Deny, Severity: policy.High}, policy.Critical, false},
		{Finding{Mode: policy.Deny, Severity: policy.Info}, policy.Info, true},
		{Finding{Mode: policy.Warn, Severity: policy.Critical}, policy.Info, false},
		{Finding{Mode: policy.Off, Severity: policy.Critical}, policy.Info, false},
		{Finding{Mode: policy.Deny, Severity: policy.Critical, Waiver: &AppliedWaiver{}}, policy.Info, false},
	}
	for _, tt := range tests {
		if got := tt.f.Fails(tt.min); got != tt.want {
			t.Errorf("%+v.Fails(%v) = %v", tt.f, tt.min, got)
		}
	}
}

func TestPassReports(t *testing.T) {
	p := policy.MustCompile(policy.Default())
	r := &resource.Resource{
		Format: resource.FormatTerraform, Address: "aws_security_group.web", Type: "aws_security_group", Name: "web",
		Labels: map[string]string{"env": "prod"}, Unit: "envs/prod", Location: resource.Location{File: "main.tf", Line: 3, Column: 1},
		Attributes: map[string]any{"ingress": []any{map[string]any{"from_port": int64(22), "cidr_blocks": resource.AfterApply}}},
		Locator: resource.LocatorFunc(func(p resource.Path) resource.Location {
			return resource.Location{File: "main.tf", Line: 10 + len(p)}
		}),
	}
	ix := NewIndex(p, []*resource.Resource{r}, IndexOptions{})
	rl := valid("GR-PORT-001", func(rl *Rule) {
		rl.Clauses = []clause.Clause{clause.RestrictedPorts, clause.NoExposedRDP}
		rl.Check = func(pass *Pass, res *resource.Resource) {
			port := res.Get("ingress").At(0).Get("from_port")
			pass.ReportValue(res, port, "port %d is open", 22)
			pass.Report(res, nil, "the whole group")
			pass.Undecidable(res, res.Get("ingress").At(0).Get("cidr_blocks"), "whether port 22 is open to the world")
			pass.UndecidableBecause(res, resource.Path{resource.Key("name")}, "whether it is public", "no table for it")
		}
	})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pass := NewPass(p, ix, now)
	if err := pass.Run(rl, r); err != nil {
		t.Fatal(err)
	}
	if pass.Rule() != rl || pass.Env(r) != "prod" || pass.Now != now {
		t.Error("pass accessors")
	}
	fs := pass.Findings()
	if len(fs) != 4 {
		t.Fatalf("%d findings", len(fs))
	}
	if len(pass.Findings()) != 0 {
		t.Error("Findings does not clear")
	}
	f := fs[0]
	if f.RuleID != "GR-PORT-001" || f.Title != "t" || f.Control != Ports || f.Severity != policy.High || f.Mode != policy.Deny ||
		f.Message != "port 22 is open" || f.Path != "ingress[0].from_port" || f.Location.Line != 13 || f.Undecidable ||
		f.Remediation != "fix it" || f.Docs != rl.DocsURL() || f.Resource != r || !slices.Equal(f.Clauses, []string{"004/restricted-port-configurations", "001/no-exposed-rdp"}) {
		t.Errorf("finding %+v", f)
	}
	if s := f.Subject; s.Address != r.Address || s.Type != r.Type || s.Name != "web" || s.Format != resource.FormatTerraform || s.Env != "prod" || s.EnvSource != policy.SourceLabel || s.Unit != "envs/prod" {
		t.Errorf("subject %+v", s)
	}
	if fs[1].Path != "" || fs[1].Location.Line != 3 {
		t.Errorf("finding on the whole resource: path %q at %v", fs[1].Path, fs[1].Location)
	}
	if !fs[2].Undecidable || fs[2].Message != "cannot be decided statically: whether port 22 is open to the world depends on ingress[0].cidr_blocks (known only after apply)" {
		t.Errorf("undecidable %+v", fs[2])
	}
	if !fs[3].Undecidable || fs[3].Message != "cannot be decided statically: whether it is public: no table for it" || fs[3].Path != "name" {
		t.Errorf("undecidable because %+v", fs[3])
	}
	// Undecidable on a known value says so generically.
	pass.Undecidable(r, r.Get("name"), "x")
	if got := pass.Findings()[0].Message; !strings.HasSuffix(got, "(its value is unknown)") {
		t.Errorf("message %q", got)
	}
	other := valid("GR-WAIVE-001", func(rl *Rule) { rl.Check, rl.ReportedBy = nil, "waivers" })
	w := pass.WithRule(other)
	w.Report(r, nil, "x")
	if fs := w.Findings(); len(fs) != 1 || fs[0].RuleID != "GR-WAIVE-001" || w.Policy != p || w.Index != ix || w.Now != now {
		t.Errorf("WithRule: %+v", fs)
	}
	if len(pass.Findings()) != 0 {
		t.Error("WithRule shares findings with its parent")
	}
}

func TestPassRecovers(t *testing.T) {
	p := policy.MustCompile(policy.Default())
	r := &resource.Resource{Format: resource.FormatKubernetes, Address: "Pod/ns/p", Type: "Pod"}
	ix := NewIndex(p, []*resource.Resource{r}, IndexOptions{})
	pass := NewPass(p, ix, time.Now())

	boom := valid("GR-PORT-005", func(rl *Rule) {
		rl.Check = func(pass *Pass, res *resource.Resource) {
			pass.Report(res, nil, "before")
			var none []string
			_ = none[len(res.Address)] // a runtime panic
		}
	})
	err := pass.Run(boom, r)
	if err == nil || !strings.HasPrefix(err.Error(), "rule GR-PORT-005 failed on Pod/ns/p: runtime error: index out of range [8] with length 0") {
		t.Fatalf("Run = %v", err)
	}
	pass.Findings()

	all := valid("GR-SEG-001", func(rl *Rule) { rl.Check, rl.CheckAll = nil, func(*Pass) { panic(errors.New("broken")) } })
	if err := pass.RunAll(all); err == nil || err.Error() != "rule GR-SEG-001 failed on the input: broken" {
		t.Fatalf("RunAll = %v", err)
	}
	fine := valid("GR-SEG-002", func(rl *Rule) { rl.Check, rl.CheckAll = nil, checkAll })
	if err := pass.RunAll(fine); err != nil {
		t.Fatalf("RunAll = %v", err)
	}
	// The pass goes on working after a panic.
	ok := valid("GR-PORT-006", func(rl *Rule) { rl.Check = func(p *Pass, r *resource.Resource) { p.Report(r, nil, "fine") } })
	if err := pass.Run(ok, r); err != nil || len(pass.Findings()) != 1 {
		t.Fatalf("after a panic: %v", err)
	}
}
