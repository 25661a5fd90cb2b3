package tfplan

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func loadFixture(t *testing.T, name string, opts Options) *resource.Set {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	set, err := Load(name, data, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

func byAddress(t *testing.T, set *resource.Set, addr string) *resource.Resource {
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

func noErrors(t *testing.T, set *resource.Set) {
	t.Helper()
	if set.Diagnostics.HasErrors() {
		t.Fatalf("unexpected errors: %v", set.Diagnostics.Errs())
	}
}

func at(r *resource.Resource, path string) resource.Value {
	p, err := resource.ParsePath(path)
	if err != nil {
		panic(err)
	}
	v := r.Value()
	for _, s := range p {
		if s.IsIndex() {
			v = v.At(s.Index)
		} else {
			v = v.Get(s.Key)
		}
	}
	return v
}

func refs(r *resource.Resource) []string {
	var out []string
	for _, ref := range r.Refs {
		out = append(out, ref.From.String()+"->"+ref.To)
	}
	return out
}

func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		file  string
		opts  Options
		count int
		check func(t *testing.T, set *resource.Set)
	}{
		{
			file:  "v0.1-create.json",
			opts:  Options{Workspace: "prod"},
			count: 2,
			check: func(t *testing.T, set *resource.Set) {
				sg := byAddress(t, set, "aws_security_group.web")
				if sg.Format != resource.FormatPlan || sg.Action != resource.ActionCreate || sg.Mode != "managed" ||
					sg.Type != "aws_security_group" || sg.Name != "web" || sg.Provider != "aws" || sg.Unit != "v0.1-create.json" {
					t.Errorf("header: %+v", sg)
				}
				if sg.Location.Line != 1 || sg.Location.Column != 329 || sg.Location.File != "v0.1-create.json" {
					t.Errorf("location %v, want v0.1-create.json:1:329", sg.Location)
				}
				for _, p := range []string{"arn", "id", "owner_id", "vpc_id", "ingress[0].security_groups"} {
					if v := at(sg, p); v.Raw() != resource.AfterApply {
						t.Errorf("%s = %#v, want AfterApply", p, v.Raw())
					}
				}
				if s := at(sg, "ingress[0].cidr_blocks[0]").String(); s != "0.0.0.0/0" {
					t.Errorf("ingress[0].cidr_blocks[0] = %q", s)
				}
				if at(sg, "ingress[1].security_groups").Exists() {
					t.Errorf("ingress[1].security_groups should be absent")
				}
				if n, _ := at(sg, "ingress[1].from_port").Int(); n != 443 {
					t.Errorf("ingress[1].from_port = %d", n)
				}
				want := resource.Origin{Workspace: "prod", Account: "123456789012", Region: "eu-west-1"}
				if sg.Origin != want {
					t.Errorf("origin %+v, want %+v", sg.Origin, want)
				}
				if !reflect.DeepEqual(sg.Labels, map[string]string{"Name": "web", "env": "prod"}) {
					t.Errorf("labels %v", sg.Labels)
				}
				if got := refs(sg); !reflect.DeepEqual(got, []string{"vpc_id->aws_vpc.main"}) {
					t.Errorf("refs %v", got)
				}
				app := byAddress(t, set, "aws_instance.app[0]")
				if got := refs(app); !reflect.DeepEqual(got, []string{
					"ami->data.aws_ami.ubuntu", "root_block_device[0].kms_key_id->aws_kms_key.ebs",
					"vpc_security_group_ids->aws_security_group.web"}) {
					t.Errorf("refs %v", got)
				}
				if v := at(app, "network_interface[0].network_interface_id"); v.Raw() != resource.AfterApply {
					t.Errorf("network_interface created from after_unknown: %#v", at(app, "network_interface").Raw())
				}
				if b, _ := at(app, "root_block_device[0].encrypted").Bool(); !b || at(app, "root_block_device[0].kms_key_id").Raw() != resource.AfterApply {
					t.Errorf("root_block_device = %#v", at(app, "root_block_device").Raw())
				}
				if at(app, "ebs_block_device").Len() != 0 {
					t.Errorf("ebs_block_device = %#v", at(app, "ebs_block_device").Raw())
				}
				if len(app.Waivers) != 2 || app.Waivers[0].Text != "GR-NET-001 reason=legacy_bastion" || app.Waivers[1].Text != "GR-NET-002" ||
					app.Waivers[0].Location != app.Location {
					t.Errorf("waivers %+v", app.Waivers)
				}
				if set.Sources["v0.1-create.json"] != nil {
					t.Errorf("the plan's text was kept; it may hold sensitive values")
				}
			},
		},
		{
			file:  "v0.2-actions.json",
			count: 6,
			check: func(t *testing.T, set *resource.Set) {
				want := map[string]resource.Action{
					"aws_s3_bucket.logs": resource.ActionUpdate, "aws_s3_bucket.old": resource.ActionDelete,
					"aws_instance.db": resource.ActionReplace, "aws_instance.cache": resource.ActionReplace,
					"aws_vpc.main": resource.ActionNoop, "data.aws_ami.ubuntu": resource.ActionRead,
				}
				for addr, a := range want {
					if r := byAddress(t, set, addr); r.Action != a {
						t.Errorf("%s: action %s, want %s", addr, r.Action, a)
					}
				}
				logs := byAddress(t, set, "aws_s3_bucket.logs")
				if at(logs, "acl").String() != "private" || logs.Before["acl"] != "public-read" {
					t.Errorf("update: after %v before %v", logs.Attributes, logs.Before)
				}
				if !reflect.DeepEqual(logs.Labels, map[string]string{"env": "dev", "team": "core"}) {
					t.Errorf("tags_all not preferred: %v", logs.Labels)
				}
				if logs.Location.Line != 6 || logs.Location.Column != 5 {
					t.Errorf("location %v, want line 6 col 5", logs.Location)
				}
				old := byAddress(t, set, "aws_s3_bucket.old")
				if at(old, "acl").String() != "public-read" || !old.IsDeleted() {
					t.Errorf("delete should carry before as attributes: %v", old.Attributes)
				}
				if old.Location.Line != 19 {
					t.Errorf("delete location %v", old.Location)
				}
				db := byAddress(t, set, "aws_instance.db")
				if at(db, "ami").String() != "ami-2" || db.Before["ami"] != "ami-1" || at(db, "arn").Raw() != resource.AfterApply {
					t.Errorf("replace: %v / %v", db.Attributes, db.Before)
				}
				if db.Origin.Account != "" {
					t.Errorf("account from unknown arn: %q", db.Origin.Account)
				}
				if c := byAddress(t, set, "aws_instance.cache"); c.Origin.Account != "210987654321" {
					t.Errorf("account from arn: %q", c.Origin.Account)
				}
				if d := byAddress(t, set, "data.aws_ami.ubuntu"); d.Mode != "data" || at(d, "block_device_mappings").Raw() != resource.AfterApply {
					t.Errorf("data source: %+v", d)
				}
			},
		},
		{
			file:  "v1.0-modules.json",
			count: 4,
			check: func(t *testing.T, set *resource.Set) {
				vpc := byAddress(t, set, "module.net.aws_vpc.main")
				if vpc.Module != "module.net" || vpc.Provider != "aws" {
					t.Errorf("module/provider %q %q", vpc.Module, vpc.Provider)
				}
				want := resource.Origin{Account: "111122223333", Region: "us-east-1"}
				if vpc.Origin != want {
					t.Errorf("inherited provider origin %+v, want %+v", vpc.Origin, want)
				}
				if !reflect.DeepEqual(vpc.Labels, map[string]string{"Name": "main"}) {
					t.Errorf("tags fallback when tags_all unknown: %v", vpc.Labels)
				}
				sub := byAddress(t, set, `module.net.aws_subnet.private["a"]`)
				if got := refs(sub); !reflect.DeepEqual(got, []string{"vpc_id->module.net.aws_vpc.main"}) {
					t.Errorf("module refs %v", got)
				}
				sg := byAddress(t, set, "module.app[0].module.sg.aws_security_group.this")
				if got := refs(sg); !reflect.DeepEqual(got, []string{"ingress[0].security_groups->module.app.module.sg.aws_security_group.other"}) {
					t.Errorf("nested module refs %v", got)
				}
				if sg.Origin.Region != "us-east-1" {
					t.Errorf("nested module origin %+v", sg.Origin)
				}
				lb := byAddress(t, set, "aws_lb.front")
				if len(lb.Refs) != 0 {
					t.Errorf("module output references are not resource references: %v", refs(lb))
				}
				if at(lb, "subnet_mapping[0].subnet_id").Raw() != resource.AfterApply || at(lb, "access_logs[0].bucket").Raw() != resource.AfterApply {
					t.Errorf("unknown blocks: %#v", lb.Attributes)
				}
			},
		},
		{
			file:  "v1.2-clouds.json",
			count: 4,
			check: func(t *testing.T, set *resource.Set) {
				vm := byAddress(t, set, "google_compute_instance.vm")
				if vm.Origin.Project != "acme-prod" || vm.Origin.Region != "europe-west1" {
					t.Errorf("google origin %+v", vm.Origin)
				}
				if vm.Labels["owner"] != "ops" || len(vm.Waivers) != 1 || vm.Waivers[0].Text != "GR-X-001" {
					t.Errorf("google labels %v waivers %v", vm.Labels, vm.Waivers)
				}
				if at(vm, "network_interface[0].access_config[0].nat_ip").Raw() != resource.AfterApply {
					t.Errorf("unknown inside nested list: %#v", at(vm, "network_interface").Raw())
				}
				raw := byAddress(t, set, "google_storage_bucket.raw")
				if raw.Origin.Project != "acme-beta" || raw.Provider != "google-beta" || !reflect.DeepEqual(raw.Labels, map[string]string{"env": "prod"}) {
					t.Errorf("google-beta: provider %q origin %+v labels %v", raw.Provider, raw.Origin, raw.Labels)
				}
				sa := byAddress(t, set, "azurerm_storage_account.sa")
				if sa.Origin.Subscription != "00000000-1111-2222-3333-444444444444" || sa.Labels["env"] != "test" {
					t.Errorf("azure origin %+v labels %v", sa.Origin, sa.Labels)
				}
				b := byAddress(t, set, "aws_s3_bucket.b")
				if b.Provider != "aws.west" || b.Origin.Region != "us-west-2" || b.Origin.Account != "" {
					t.Errorf("aliased provider %q origin %+v (two allowed accounts name none)", b.Provider, b.Origin)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			set := loadFixture(t, tt.file, tt.opts)
			noErrors(t, set)
			if len(set.Resources) != tt.count {
				t.Fatalf("%d resources, want %d", len(set.Resources), tt.count)
			}
			for _, r := range set.Resources {
				if r.Location.Line == 0 || r.Location.Column == 0 || r.Location.Document != -1 {
					t.Errorf("%s: location %+v", r.Address, r.Location)
				}
				if r.Attributes == nil {
					t.Errorf("%s: nil attributes", r.Address)
				}
			}
			tt.check(t, set)
		})
	}
}

// TestLoadErrors covers inputs that must fail with a clear diagnostic.
func TestLoadErrors(t *testing.T) {
	valid, err := os.ReadFile("testdata/v0.2-actions.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		data      string
		wantDiag  string // substring of the error diagnostic
		wantLine  int    // 0: don't check
		resources int
	}{
		{"empty", "", "the file is empty", 1, 0},
		{"whitespace", " \n\t", "the file is empty", 1, 0},
		{"array", `[1,2]`, "JSON list, not the object", 1, 0},
		{"string", `"plan"`, "JSON string, not the object", 1, 0},
		{"invalid", `{"format_version": "1.0", "resource_changes": [}`, "invalid character '}'", 1, 0},
		{"truncated", string(valid[:len(valid)/2]), "truncated", 0, 0},
		{"trailing garbage", `{"format_version":"1.0","planned_values":{}} {"x":1}`, "more than one JSON value", 1, 0},
		{"trailing junk", `{"format_version":"1.0","planned_values":{}} x`, "invalid character 'x'", 1, 0},
		{"not a plan", `{"name": "package.json", "version": "1.0.0"}`, "no format_version, resource_changes or planned_values", 1, 0},
		{"state", `{"format_version":"1.0","terraform_version":"1.5.0","values":{"root_module":{}}}`, "this is Terraform state", 1, 0},
		{"no format_version", `{"resource_changes":[]}`, "format_version is missing", 1, 0},
		{"unsupported 2.0", `{"format_version":"2.0","resource_changes":[]}`, "unsupported plan format_version 2.0 (guardrail reads 0.1 to 1.x)", 1, 0},
		{"bad version", `{"format_version":"one","resource_changes":[]}`, `format_version "one" is not a version number`, 1, 0},
		{"format_version number", `{"format_version":1.0,"resource_changes":[]}`, "format_version: expected a string, got number", 1, 0},
		{"resource_changes object", `{"format_version":"1.0","resource_changes":{"a":1}}`, "resource_changes: expected a list, got object", 1, 0},
		{"wrong type in change", "{\"format_version\":\"1.0\",\"resource_changes\":[\n" +
			`{"address":"a.b","type":"a","name":"b","change":{"actions":["create"],"after":{}}},` + "\n" +
			`{"address":"a.c","type":"a","name":"c","change":{"actions":"create"}},` + "\n" +
			`{"address":"a.d","type":"a","name":"d","change":{"actions":["create"],"after":{}}}]}`,
			"resource_changes[1].change.actions: expected a list, got string", 3, 2},
		{"address number", `{"format_version":"1.0","resource_changes":[{"address":5}]}`, "resource_changes[0].address: expected a string, got number", 1, 0},
		{"element not object", `{"format_version":"1.0","resource_changes":["x"]}`, "resource_changes[0]: expected an object, got string", 1, 0},
		{"element null", `{"format_version":"1.0","resource_changes":[null]}`, "has no address", 1, 0},
		{"no change", `{"format_version":"1.0","resource_changes":[{"address":"a.b","type":"a","name":"b"}]}`, "has no change", 1, 0},
		{"after not object", `{"format_version":"1.0","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["create"],"after":"x"}}]}`, "change.after: expected an object or null", 1, 0},
		{"duplicate key", `{"format_version":"1.0","format_version":"1.1","resource_changes":[]}`, `"format_version" appears twice`, 1, 0},
		{"bad configuration", `{"format_version":"1.0","resource_changes":[],"configuration":{"root_module":{"resources":{}}}}`, "configuration.root_module.resources: expected a list, got object", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load("plan.json", []byte(tt.data), Options{})
			if err != nil {
				t.Fatalf("Load returned error %v; input problems belong in diagnostics", err)
			}
			if !set.Diagnostics.HasErrors() {
				t.Fatalf("no error diagnostic; resources %d", len(set.Resources))
			}
			var found *resource.Diagnostic
			for i, d := range set.Diagnostics {
				if d.Severity == resource.DiagError && strings.Contains(d.Error(), tt.wantDiag) {
					found = &set.Diagnostics[i]
				}
			}
			if found == nil {
				t.Fatalf("no diagnostic containing %q in %v", tt.wantDiag, set.Diagnostics.Errs())
			}
			if found.Location.File != "plan.json" || found.Location.Line == 0 {
				t.Errorf("diagnostic location %+v", found.Location)
			}
			if tt.wantLine != 0 && found.Location.Line != tt.wantLine {
				t.Errorf("diagnostic at line %d, want %d: %v", found.Location.Line, tt.wantLine, found)
			}
			if len(set.Resources) != tt.resources {
				t.Errorf("%d resources, want %d", len(set.Resources), tt.resources)
			}
		})
	}
}

func TestLoadPositions(t *testing.T) {
	// A single-line plan with multi-byte characters: columns count characters.
	plan := `{"format_version":"1.0","resource_changes":[{"address":"a.é","type":"a","name":"é","change":{"actions":["create"],"after":{"d":"ü"}}}, {"address":"a.b","type":"a","name":"b","change":{"actions":["create"],"after":{}}}]}`
	set, _ := Load("p.json", []byte(plan), Options{})
	noErrors(t, set)
	if l := set.Resources[0].Location; l.Line != 1 || l.Column != 45 {
		t.Errorf("first at %v, want 1:45", l)
	}
	second := strings.Index(plan, `{"address":"a.b"`)
	if l := set.Resources[1].Location; l.Line != 1 || l.Column != second+1-3 { // é, é, ü are 2 bytes each
		t.Errorf("second at %v, want 1:%d", l, second+1-3)
	}
	p := newPositioner([]byte("ab\ncd\n\nef"))
	for _, c := range []struct{ off, line, col int }{{0, 1, 1}, {4, 2, 2}, {6, 3, 1}, {8, 4, 2}, {1, 1, 2}, {100, 4, 3}} {
		if l, col := p.at(c.off); l != c.line || col != c.col {
			t.Errorf("at(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func TestLoadEncodings(t *testing.T) {
	plan, err := os.ReadFile("testdata/v0.2-actions.json")
	if err != nil {
		t.Fatal(err)
	}
	utf16le := func(s string, bigEndian bool) []byte {
		var b bytes.Buffer
		order := binary.ByteOrder(binary.LittleEndian)
		if bigEndian {
			order = binary.BigEndian
		}
		_ = binary.Write(&b, order, uint16(0xFEFF))
		for _, u := range utf16.Encode([]rune(strings.ReplaceAll(s, "\n", "\r\n"))) {
			_ = binary.Write(&b, order, u)
		}
		return b.Bytes()
	}
	tests := []struct {
		name     string
		data     []byte
		warning  string
		wantLine int
	}{
		{"utf-8", plan, "", 6},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, plan...), "", 6},
		{"utf-16le bom crlf", utf16le(string(plan), false), "encoded as UTF-16LE", 6},
		{"utf-16be bom crlf", utf16le(string(plan), true), "encoded as UTF-16BE", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, _ := Load("plan.json", tt.data, Options{})
			noErrors(t, set)
			if len(set.Resources) != 6 {
				t.Fatalf("%d resources", len(set.Resources))
			}
			if l := set.Resources[0].Location; l.Line != tt.wantLine || l.Column != 5 {
				t.Errorf("location %v", l)
			}
			var warned bool
			for _, d := range set.Diagnostics {
				warned = warned || (d.Severity == resource.DiagWarning && strings.Contains(d.Summary, tt.warning))
			}
			if tt.warning != "" && !warned {
				t.Errorf("no warning %q: %v", tt.warning, set.Diagnostics)
			}
			if tt.warning == "" && len(set.Diagnostics) > 0 {
				t.Errorf("unexpected diagnostics %v", set.Diagnostics)
			}
		})
	}
}

func TestLoadZeroChanges(t *testing.T) {
	for _, plan := range []string{
		`{"format_version":"1.2","terraform_version":"1.10.5","planned_values":{"root_module":{}},"configuration":{"root_module":{}}}`,
		`{"format_version":"0.1","resource_changes":[]}`,
		`{"format_version":"1.0","resource_changes":null,"planned_values":{}}`,
	} {
		set, err := Load("plan.json", []byte(plan), Options{})
		if err != nil || len(set.Diagnostics) != 0 || len(set.Resources) != 0 {
			t.Errorf("%s: err %v diags %v resources %d", plan, err, set.Diagnostics, len(set.Resources))
		}
	}
}

func TestUnknownActions(t *testing.T) {
	plan := `{"format_version":"1.2","resource_changes":[
{"address":"a.forgotten","type":"a","name":"forgotten","change":{"actions":["forget"],"before":{"x":1},"after":null}},
{"address":"a.future","type":"a","name":"future","change":{"actions":["create","teleport"],"before":null,"after":{"x":2}}}]}`
	set, _ := Load("plan.json", []byte(plan), Options{})
	noErrors(t, set)
	if r := byAddress(t, set, "a.forgotten"); r.Action != resource.ActionDelete || r.Get("x").String() != "1" {
		t.Errorf("forget: %s %v", r.Action, r.Attributes)
	}
	if r := byAddress(t, set, "a.future"); r.Action != resource.ActionCreate {
		t.Errorf("unknown action judged as %s", r.Action)
	}
	if len(set.Diagnostics) != 1 || !strings.Contains(set.Diagnostics[0].Error(), "teleport") {
		t.Errorf("diagnostics %v", set.Diagnostics)
	}
}

func TestMergeUnknown(t *testing.T) {
	u := resource.AfterApply
	tests := []struct {
		name           string
		after, unknown any
		want           any
	}{
		{"leaf", map[string]any{"a": 1.0}, map[string]any{"b": true}, map[string]any{"a": 1.0, "b": u}},
		{"false leaves alone", map[string]any{"a": 1.0}, map[string]any{"a": false, "b": false, "c": map[string]any{}}, map[string]any{"a": 1.0}},
		{"whole object", nil, true, u},
		{"list element", []any{"x", nil}, []any{false, true}, []any{"x", u}},
		{"longer list", []any{}, []any{map[string]any{"id": true}}, []any{map[string]any{"id": u}}},
		{"nested blocks", map[string]any{"b": []any{map[string]any{"x": 1.0}}},
			map[string]any{"b": []any{map[string]any{"y": []any{map[string]any{"z": true}}}}},
			map[string]any{"b": []any{map[string]any{"x": 1.0, "y": []any{map[string]any{"z": u}}}}}},
		{"shape mismatch", map[string]any{"a": "s"}, map[string]any{"a": map[string]any{"k": true}}, map[string]any{"a": map[string]any{"k": u}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := mergeUnknown(tt.after, tt.unknown)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestResourceRef(t *testing.T) {
	tests := map[string]string{
		"aws_vpc.main.id":              "aws_vpc.main",
		"aws_vpc.main":                 "aws_vpc.main",
		"aws_instance.web[0].id":       "aws_instance.web",
		`aws_instance.web["a"]`:        "aws_instance.web",
		"data.aws_ami.ubuntu.id":       "data.aws_ami.ubuntu",
		"data.aws_ami.ubuntu":          "data.aws_ami.ubuntu",
		"var.x":                        "",
		"local.tags":                   "",
		"module.net.private_subnet_id": "",
		"each.value":                   "",
		"count.index":                  "",
		"path.module":                  "",
		"terraform.workspace":          "",
		"self.id":                      "",
		"data.aws_ami":                 "",
		"aws_vpc":                      "",
		"ephemeral.aws_secret.x":       "",
	}
	for in, want := range tests {
		got, ok := resourceRef(in)
		if got != want || ok != (want != "") {
			t.Errorf("resourceRef(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestLimits(t *testing.T) {
	set, _ := Load("big.json", bytes.Repeat([]byte(" "), 2048), Options{Limits: Limits{MaxBytes: 1024}})
	if len(set.Diagnostics) != 1 || !strings.Contains(set.Diagnostics[0].Error(), "big.json is 2.0 KiB (2048 bytes), over the limit of 1.0 KiB (1024 bytes)") {
		t.Errorf("diagnostics %v", set.Diagnostics)
	}
}

// TestLoadFileTooLarge writes a 200 MB plan-shaped stream to a temporary
// file and checks that it is refused from its size alone, quickly.
func TestLoadFileTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 200 MB temporary file")
	}
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const size = 200 << 20
	w := bytes.NewBufferString(`{"format_version":"1.2","resource_changes":[`)
	elem := []byte(`{"address":"null_resource.x","mode":"managed","type":"null_resource","name":"x","change":{"actions":["create"],"before":null,"after":{"triggers":null},"after_unknown":{"id":true}}},`)
	for written := 0; written < size; {
		for w.Len() < 1<<20 {
			w.Write(elem)
		}
		n, err := f.Write(w.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		written += n
		w.Reset()
	}
	if _, err := f.WriteString(`{}]}`); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	set, err := LoadFile(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("refusing took %v", took)
	}
	if len(set.Diagnostics) != 1 || len(set.Resources) != 0 {
		t.Fatalf("diagnostics %v, %d resources", set.Diagnostics, len(set.Resources))
	}
	msg := set.Diagnostics[0].Error()
	for _, want := range []string{path, "200.0 MiB", "over the limit of 128.0 MiB (134217728 bytes)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
}

func TestLoadFile(t *testing.T) {
	set, err := LoadFile(context.Background(), "testdata/v1.0-modules.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	noErrors(t, set)
	if len(set.Resources) != 4 || set.Resources[0].Unit != "testdata/v1.0-modules.json" {
		t.Errorf("%d resources, unit %q", len(set.Resources), set.Resources[0].Unit)
	}
	if _, err := LoadFile(context.Background(), "testdata/missing.json", Options{}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := LoadFile(context.Background(), "testdata", Options{}); err == nil {
		t.Errorf("directory: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadFile(ctx, "testdata/v1.0-modules.json", Options{}); err == nil {
		t.Errorf("cancelled context: no error")
	}
}

func TestSensitiveValuesAreNotRead(t *testing.T) {
	plan := `{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[
{"address":"aws_db_instance.a","mode":"managed","type":"aws_db_instance","name":"a","provider_name":"registry.terraform.io/hashicorp/aws",
 "change":{"actions":["update"],"before":{"password":"old-secret","port":5432},"after":{"password":"new-secret","port":5432,"users":["u","hidden"]},
  "after_unknown":{},"before_sensitive":{"password":true},"after_sensitive":{"password":true,"users":[false,true]}}},
{"address":"aws_secretsmanager_secret_version.b","mode":"managed","type":"aws_secretsmanager_secret_version","name":"b","provider_name":"registry.terraform.io/hashicorp/aws",
 "change":{"actions":["create"],"before":null,"after":{"secret_string":"whole"},"after_unknown":{},"after_sensitive":true}}]}`
	set, _ := Load("plan.json", []byte(plan), Options{})
	noErrors(t, set)
	a, b := set.Resources[0], set.Resources[1]
	if !a.Get("password").IsUnknown() || !resource.IsUnknown(a.Before["password"]) {
		t.Errorf("password read: after %v, before %v", a.Get("password").Raw(), a.Before["password"])
	}
	if port, _ := a.Get("port").Int(); port != 5432 {
		t.Errorf("a value not marked sensitive was hidden: port %v", a.Get("port").Raw())
	}
	if u := a.Get("users"); u.At(0).String() != "u" || !u.At(1).IsUnknown() {
		t.Errorf("users = %#v", u.Raw())
	}
	if len(b.Attributes) != 0 {
		t.Errorf("an object sensitive as a whole was read: %#v", b.Attributes)
	}
	if !strings.Contains(a.Get("password").UnknownReason(), "sensitive") {
		t.Errorf("reason %q", a.Get("password").UnknownReason())
	}
}
