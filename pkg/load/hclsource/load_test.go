package hclsource

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func load(t *testing.T, dir string, opts Options) *resource.Set {
	t.Helper()
	set, err := LoadModule(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("LoadModule(%s): %v", dir, err)
	}
	return set
}

func find(t *testing.T, set *resource.Set, addr string) *resource.Resource {
	t.Helper()
	for _, r := range set.Resources {
		if r.Address == addr {
			return r
		}
	}
	var have []string
	for _, r := range set.Resources {
		have = append(have, r.Address)
	}
	t.Fatalf("no resource %s; have %v", addr, have)
	return nil
}

// at returns the raw value at a dotted path such as ingress[1].cidr_blocks.
func at(t *testing.T, r *resource.Resource, path string) any {
	t.Helper()
	p, err := resource.ParsePath(path)
	if err != nil {
		t.Fatal(err)
	}
	v := r.Value()
	for _, s := range p {
		if s.IsIndex() {
			v = v.At(s.Index)
		} else {
			v = v.Get(s.Key)
		}
	}
	return v.Raw()
}

func unknownReason(raw any) string {
	if u, ok := raw.(*resource.UnknownValue); ok {
		return u.Reason
	}
	return ""
}

func hasDiag(set *resource.Set, sev resource.DiagnosticSeverity, substr string) *resource.Diagnostic {
	for i, d := range set.Diagnostics {
		if d.Severity == sev && strings.Contains(d.Summary+": "+d.Detail, substr) {
			return &set.Diagnostics[i]
		}
	}
	return nil
}

// expectValues checks raw values (or unknown reasons, written "unknown: ...")
// at paths of one resource.
func expectValues(t *testing.T, r *resource.Resource, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got := at(t, r, path)
		if s, ok := w.(string); ok && strings.HasPrefix(s, "unknown: ") {
			if reason := unknownReason(got); reason != strings.TrimPrefix(s, "unknown: ") {
				t.Errorf("%s %s: got %#v (reason %q), want %s", r.Address, path, got, reason, s)
			}
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s %s: got %#v, want %#v", r.Address, path, got, w)
		}
	}
}

func TestAttributesAndBlocks(t *testing.T) {
	set := load(t, "testdata/basic", Options{})
	sg := find(t, set, "aws_security_group.web")
	expectValues(t, sg, map[string]any{
		"name":                   "web",
		"ingress[0].from_port":   int64(443),
		"ingress[0].cidr_blocks": []any{"0.0.0.0/0"},
		"ingress[1].cidr_blocks": []any{"10.0.0.0/8", "192.168.0.0/16"},
		"egress[0].protocol":     "-1",
		"tags.Ratio":             0.5,
	})
	if _, ok := sg.Attributes["lifecycle"]; ok {
		t.Error("lifecycle meta-argument block is in the attributes")
	}
	if n := len(sg.Attributes["ingress"].([]any)); n != 2 {
		t.Errorf("ingress blocks: %d, want 2", n)
	}
	logs := find(t, set, "aws_s3_bucket.logs")
	expectValues(t, logs, map[string]any{
		"versioning[0].enabled": true,
		"settings.nested.deep":  "value",
		"settings.list":         []any{int64(1), 2.5, true, nil},
	})
	own := find(t, set, "google_storage_bucket.own")
	expectValues(t, own, map[string]any{
		"rule[0].action":   "keep",
		"rule[0].__labels": []any{"first"},
	})
	if sg.Format != resource.FormatTerraform || sg.Mode != "managed" || sg.Action != resource.ActionCreate ||
		sg.Type != "aws_security_group" || sg.Name != "web" || sg.Module != "" || sg.Unit != "testdata/basic" {
		t.Errorf("resource header: %+v", sg)
	}
	if got, want := sg.Location.String(), "testdata/basic/main.tf:29:1"; got != want {
		t.Errorf("location %s, want %s", got, want)
	}
	if len(set.Sources["testdata/basic/main.tf"]) == 0 {
		t.Error("source of main.tf not kept")
	}
}

func TestLabelsAndOrigin(t *testing.T) {
	set := load(t, "testdata/basic", Options{Workspace: "blue"})
	tests := []struct {
		addr     string
		provider string
		labels   map[string]string
		origin   resource.Origin
	}{
		{"aws_security_group.web", "aws",
			map[string]string{"Environment": "staging", "Team": "platform", "Name": "web"},
			resource.Origin{Workspace: "blue", Account: "111111111111", Region: "eu-west-1"}},
		{"aws_s3_bucket.logs", "aws.audit", nil,
			resource.Origin{Workspace: "blue", Account: "222222222222", Region: "us-east-1"}},
		{"google_storage_bucket.b", "google", map[string]string{"env": "dev"},
			resource.Origin{Workspace: "blue", Project: "gp-prod", Region: "europe-west1"}},
		{"google_storage_bucket.own", "google", nil,
			resource.Origin{Workspace: "blue", Project: "gp-other", Region: "europe-west1"}},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			r := find(t, set, tt.addr)
			if r.Provider != tt.provider {
				t.Errorf("provider %q, want %q", r.Provider, tt.provider)
			}
			if !reflect.DeepEqual(r.Labels, tt.labels) {
				t.Errorf("labels %v, want %v", r.Labels, tt.labels)
			}
			if r.Origin != tt.origin {
				t.Errorf("origin %+v, want %+v", r.Origin, tt.origin)
			}
		})
	}
}

func TestWaiverComments(t *testing.T) {
	set := load(t, "testdata/basic", Options{})
	sg := find(t, set, "aws_security_group.web")
	want := []resource.InlineWaiver{
		{Text: `guardrail:ignore GR-PORT-001 reason="bastion, VPN only" expires=2099-01-31`,
			Location: resource.Location{File: "testdata/basic/main.tf", Line: 27, Column: 1}},
		{Text: `guardrail:ignore GR-PORT-004 reason="inside the block"`,
			Location: resource.Location{File: "testdata/basic/main.tf", Line: 32, Column: 3}},
	}
	if !reflect.DeepEqual(sg.Waivers, want) {
		t.Errorf("waivers %+v\nwant %+v", sg.Waivers, want)
	}
	if w := find(t, set, "aws_s3_bucket.logs").Waivers; len(w) != 0 {
		t.Errorf("a comment not starting with the marker became a waiver: %+v", w)
	}
	if w := find(t, set, "google_storage_bucket.b").Waivers; len(w) != 0 {
		t.Errorf("unrelated waivers: %+v", w)
	}
}

func TestLocator(t *testing.T) {
	set := load(t, "testdata/basic", Options{})
	sg := find(t, set, "aws_security_group.web")
	logs := find(t, set, "aws_s3_bucket.logs")
	tests := []struct {
		r         *resource.Resource
		path      string
		line, col int
	}{
		{sg, "name", 30, 17},
		{sg, "ingress[0]", 33, 3},
		{sg, "ingress[1]", 39, 3},
		{sg, "ingress[1].cidr_blocks", 43, 19},
		{sg, "ingress[1].cidr_blocks[1]", 45, 7},
		{sg, "tags.Environment", 55, 19},
		{sg, "tags.Missing", 53, 10}, // falls back to the attribute
		{sg, "nope.deeper", 29, 1},   // falls back to the resource
		{logs, "settings.nested.deep", 72, 14},
		{logs, "settings.list[1]", 74, 16},
		{logs, "versioning[0].enabled", 68, 15},
	}
	for _, tt := range tests {
		p, err := resource.ParsePath(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		loc := tt.r.Locate(p)
		if loc.File != "testdata/basic/main.tf" || loc.Line != tt.line || loc.Column != tt.col {
			t.Errorf("%s %s: at %s, want line %d col %d", tt.r.Address, tt.path, loc, tt.line, tt.col)
		}
	}
}

func TestVariables(t *testing.T) {
	dir := "testdata/vars"
	set := load(t, dir, Options{
		VarFiles: []string{filepath.Join(dir, "extra.tfvars.txt")},
		Vars:     map[string]string{"from_cli": "cli", "cidrs": `["10.0.0.0/8"]`},
	})
	r := find(t, set, "null_resource.v")
	expectValues(t, r, map[string]any{
		"from_default":     "default",
		"from_tfvars":      "tfvars",
		"from_tfvars_json": "tfvars.json",
		"from_auto":        "auto",
		"from_auto_json":   "auto.json",
		"from_varfile":     "varfile",
		"from_cli":         "cli",
		"no_value":         `unknown: variable "no_value" has no value`,
		"port":             int64(8080),
		"cidrs":            []any{"10.0.0.0/8"},
		"obj":              map[string]any{"name": "x", "enabled": true},
		"bad_type":         `unknown: the value of variable "bad_type" does not fit its type`,
		"workspace":        "default",
		"path_module":      ".",
	})
	if d := hasDiag(set, resource.DiagWarning, `variable "bad_type" does not fit its type number`); d == nil {
		t.Errorf("no diagnostic for a value that does not fit the type: %v", set.Diagnostics)
	}
	// Without the CLI values, a list variable without a value is unknown.
	set = load(t, dir, Options{})
	expectValues(t, find(t, set, "null_resource.v"), map[string]any{
		"from_cli": "auto.json",
		"cidrs":    `unknown: variable "cidrs" has no value`,
	})
}

func TestLocalsAndCycle(t *testing.T) {
	set := load(t, "testdata/locals", Options{})
	r := find(t, set, "null_resource.l")
	expectValues(t, r, map[string]any{
		"name":  "APP-prod",
		"cycle": "unknown: local.a is part of a dependency cycle",
	})
	d := hasDiag(set, resource.DiagError, "local.a, local.b, local.c")
	if d == nil {
		t.Fatalf("no cycle diagnostic naming the locals: %v", set.Diagnostics)
	}
	if d.Location.File != "testdata/locals/main.tf" || d.Location.Line < 5 || d.Location.Line > 7 {
		t.Errorf("cycle diagnostic at %s", d.Location)
	}
}

func TestFunctions(t *testing.T) {
	set := load(t, "testdata/funcs", Options{})
	r := find(t, set, "null_resource.f")
	expectValues(t, r, map[string]any{
		"subnet":    "10.0.2.0/24",
		"host":      "10.1.0.5",
		"netmask":   "255.240.0.0",
		"subnets":   []any{"10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"},
		"joined":    "a,b,c",
		"merged":    map[string]any{"a": int64(1), "b": int64(2)},
		"lookup":    nil,
		"len":       int64(5),
		"fmt":       "id-007",
		"trying":    "fallback",
		"cando":     true,
		"starts":    true,
		"decoded":   map[string]any{"k": []any{int64(1), int64(2)}},
		"unknownfn": `unknown: function "templatefile" is not evaluated statically`,
		"partly[0]": "known",
		"partly[1]": `unknown: function "uuid" is not evaluated statically`,
		"provfn":    `unknown: function "provider::aws::arn_parse" is not evaluated statically`,
		"file":      "hello from a file\n",
		"exists":    true,
	})
	if reason := unknownReason(at(t, r, "bad")); !strings.HasPrefix(reason, "the expression cannot be evaluated statically") {
		t.Errorf("bad cidrsubnet: reason %q", reason)
	}
	if d := hasDiag(set, resource.DiagWarning, "invalid CIDR expression"); d == nil || d.Location.Line == 0 {
		t.Errorf("no located warning for the invalid CIDR: %v", set.Diagnostics)
	}
	if !resource.IsUnknown(at(t, r, "outside")) {
		t.Errorf("file() outside the module was read: %#v", at(t, r, "outside"))
	}
}

func TestCountAndForEach(t *testing.T) {
	set := load(t, "testdata/expand", Options{Limits: Limits{MaxInstances: 1000}})
	var addrs []string
	for _, r := range set.Resources {
		addrs = append(addrs, r.Address)
	}
	want := []string{
		"aws_instance.counted[0]", "aws_instance.counted[1]",
		`aws_instance.keyed["a"]`, `aws_instance.keyed["b c"]`,
		`aws_instance.set["x"]`, `aws_instance.set["y"]`,
		"aws_instance.unknown", "aws_instance.huge",
	}
	if !reflect.DeepEqual(addrs, want) {
		t.Errorf("addresses %q\nwant %q", addrs, want)
	}
	expectValues(t, find(t, set, "aws_instance.counted[1]"), map[string]any{"ami": "ami-1"})
	expectValues(t, find(t, set, `aws_instance.keyed["b c"]`), map[string]any{"instance_type": "t3.large", "name": "b c"})
	expectValues(t, find(t, set, `aws_instance.set["y"]`), map[string]any{"name": "y"})
	u := find(t, set, "aws_instance.unknown")
	if reason := unknownReason(at(t, u, "name")); !strings.Contains(reason, "instances of aws_instance.unknown cannot be known statically") {
		t.Errorf("unknown count.index reason %q", reason)
	}
	if hasDiag(set, resource.DiagWarning, "instances of aws_instance.unknown cannot be known statically; judged once with unknown count.index/each values") == nil {
		t.Errorf("no warning for the unknown count: %v", set.Diagnostics)
	}
	if d := hasDiag(set, resource.DiagError, "count is 100000; at most 1000"); d == nil || d.Location.Line != 39 {
		t.Errorf("no located error for the huge count: %v", set.Diagnostics)
	}
}

func TestDynamicBlocks(t *testing.T) {
	set := load(t, "testdata/dynamic", Options{})
	d := find(t, set, "aws_security_group.d")
	expectValues(t, d, map[string]any{
		"ingress[0].from_port":   int64(22),
		"ingress[1].from_port":   int64(80),
		"ingress[2].cidr_blocks": []any{"10.0.0.0/8"},
		"egress[1].to_port":      int64(443),
		"egress[1].index":        int64(1),
	})
	if loc := d.Locate(resource.Path{resource.Key("ingress"), resource.Index(2), resource.Key("from_port")}); loc.Line != 16 {
		t.Errorf("dynamic block attribute located at %s, want line 16", loc)
	}
	u := find(t, set, "aws_security_group.u")
	if reason := unknownReason(u.Attributes["ingress"]); !strings.Contains(reason, `variable "unknown_rules" has no value`) {
		t.Errorf("unknown dynamic block: %#v", u.Attributes["ingress"])
	}
}

func TestReferences(t *testing.T) {
	set := load(t, "testdata/refs", Options{})
	s0 := find(t, set, "aws_subnet.a[0]")
	expectValues(t, s0, map[string]any{
		"vpc_id":     "unknown: refers to aws_vpc.main.id, known only after apply",
		"cidr_block": "10.0.0.0/24",
		"account":    "unknown: refers to data.aws_caller_identity.me.account_id, known only after apply",
		"name":       "main",
	})
	wantRefs := []resource.Ref{
		{From: resource.Path{resource.Key("vpc_id")}, To: "aws_vpc.main"},
		{From: resource.Path{resource.Key("cidr_block")}, To: "aws_vpc.main"},
		{From: resource.Path{resource.Key("account")}, To: "data.aws_caller_identity.me"},
		{From: resource.Path{resource.Key("name")}, To: "aws_vpc.main"},
		{From: resource.Path{resource.Key("depends_on")}, To: "aws_vpc.main"},
	}
	if !reflect.DeepEqual(s0.Refs, wantRefs) {
		t.Errorf("refs %+v\nwant %+v", s0.Refs, wantRefs)
	}
	web := find(t, set, "aws_instance.web")
	expectValues(t, web, map[string]any{
		"cidr":       "10.0.1.0/24",
		"subnet_id":  "unknown: refers to aws_subnet.a.id, known only after apply",
		"all_ids[1]": "unknown: refers to aws_subnet.a.id, known only after apply",
	})
	found := false
	for _, r := range web.Refs {
		if r.To == "aws_subnet.a" && r.From.String() == "network_interface[0].subnet_id" {
			found = true
		}
	}
	if !found {
		t.Errorf("no ref from a nested block: %+v", web.Refs)
	}
	if find(t, set, "data.aws_caller_identity.me").Mode != "data" {
		t.Error("data source mode")
	}
}

func TestModules(t *testing.T) {
	set := load(t, "testdata/modules", Options{})
	sub := find(t, set, "module.net.module.sub.aws_subnet.s")
	if sub.Module != "module.net.module.sub" {
		t.Errorf("module %q", sub.Module)
	}
	expectValues(t, sub, map[string]any{
		"cidr_block": "10.1.0.0/24",
		"vpc_id":     "unknown: refers to aws_vpc.this.id, known only after apply",
	})
	if len(sub.Refs) != 1 || sub.Refs[0].To != "module.net.aws_vpc.this" {
		t.Errorf("refs through a module input: %+v", sub.Refs)
	}
	if sub.Labels["Environment"] != "prod" || sub.Origin.Region != "eu-west-1" {
		t.Errorf("default provider not inherited: %v %+v", sub.Labels, sub.Origin)
	}
	app1 := find(t, set, "module.app[1].aws_security_group.app")
	expectValues(t, app1, map[string]any{"name": "app-1", "ingress[0].cidr_blocks": []any{"10.1.0.0/16"}})
	if app1.Origin.Region != "us-west-2" || app1.Provider != "aws" {
		t.Errorf("providers map not followed: %+v", app1.Origin)
	}
	if got := find(t, set, "module.net.aws_vpc.this").Location.File; got != "testdata/modules/modules/net/main.tf" {
		t.Errorf("file %s", got)
	}
	expectValues(t, find(t, set, "aws_route53_record.r"), map[string]any{"name": "core-net"})
	expectValues(t, find(t, set, "null_resource.uses_remote"), map[string]any{
		"x": `unknown: module remote: source "terraform-aws-modules/vpc/aws" is not local and is not followed`,
	})
	if d := hasDiag(set, resource.DiagWarning, `module remote: source "terraform-aws-modules/vpc/aws" is not local and is not followed; its resources are not judged`); d == nil || d.Location.Line != 36 {
		t.Errorf("no located warning for the remote module: %v", set.Diagnostics)
	}
	if d := hasDiag(set, resource.DiagError, "module missing: source directory"); d == nil || d.Location.Line != 41 {
		t.Errorf("no located error for the missing module: %v", set.Diagnostics)
	}
	if n := len(set.Resources); n != 6 {
		t.Errorf("%d resources, want 6", n)
	}
}

func TestModuleSelfCycle(t *testing.T) {
	set := load(t, "testdata/selfcycle", Options{})
	if d := hasDiag(set, resource.DiagError, "module me"); d == nil || d.Location.Line != 2 {
		t.Errorf("no located cycle error: %v", set.Diagnostics)
	}
	if len(set.Resources) != 1 {
		t.Errorf("%d resources, want 1", len(set.Resources))
	}
}

func TestJSONConfig(t *testing.T) {
	set := load(t, "testdata/json", Options{})
	r := find(t, set, "aws_security_group.j")
	expectValues(t, r, map[string]any{
		"name":                   "j-prod",
		"ingress[0].cidr_blocks": []any{"0.0.0.0/0"},
		"tags.Environment":       "prod",
	})
	if r.Origin.Region != "eu-central-1" || r.Labels["Environment"] != "prod" {
		t.Errorf("origin %+v labels %v", r.Origin, r.Labels)
	}
	want := []resource.InlineWaiver{{Text: `guardrail:ignore GR-PORT-001 reason="json waiver"`,
		Location: resource.Location{File: "testdata/json/main.tf.json", Line: 7, Column: 9}}}
	if !reflect.DeepEqual(r.Waivers, want) {
		t.Errorf("waivers %+v", r.Waivers)
	}
	if loc := r.Locate(resource.Path{resource.Key("ingress"), resource.Index(0), resource.Key("from_port")}); loc.Line != 10 {
		t.Errorf("JSON locator at %s", loc)
	}
}
