package load

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// got lists a set's resources as "unit | address" and its diagnostics as
// "severity file: summary".
func got(set *resource.Set) (resources, diags []string) {
	for _, r := range set.Resources {
		resources = append(resources, r.Unit+" | "+r.Address)
	}
	for _, d := range set.Diagnostics {
		diags = append(diags, d.Severity.String()+" "+d.Location.File+": "+d.Summary)
	}
	return resources, diags
}

func TestLoad(t *testing.T) {
	plan, err := os.ReadFile("testdata/tree/plans/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		paths     []string
		opts      Options
		resources []string
		diags     []string
	}{
		{
			name:  "tree",
			paths: []string{"testdata/tree"},
			// The chart is rendered with its default values; the
			// kustomization in k8s is built, and the other YAML files of its
			// directory (a CI workflow, a policy) are not read.
			resources: []string{
				"testdata/tree/chart | Deployment/release-name",
				"testdata/tree/infra | aws_security_group.web",
				"testdata/tree/infra | module.net.aws_vpc.this",
				"testdata/tree/k8s | Deployment/web",
				"testdata/tree/k8s | Service/web",
				"testdata/tree/k8s | NetworkPolicy/deny",
				"testdata/tree/plans/plan.json | aws_s3_bucket.logs",
			},
		},
		{
			name:  "tree with a trailing slash and a namespace",
			paths: []string{"testdata/tree/k8s/"},
			opts:  Options{Namespace: "shop"},
			resources: []string{
				"testdata/tree/k8s | Deployment/shop/web",
				"testdata/tree/k8s | Service/shop/web",
				"testdata/tree/k8s | NetworkPolicy/shop/deny",
			},
		},
		{
			name:      "kind filters a walk",
			paths:     []string{"testdata/tree"},
			opts:      Options{Kind: KindPlan},
			resources: []string{"testdata/tree/plans/plan.json | aws_s3_bucket.logs"},
		},
		{
			name:      "terraform only",
			paths:     []string{"testdata/tree"},
			opts:      Options{Kind: KindTerraform},
			resources: []string{"testdata/tree/infra | aws_security_group.web", "testdata/tree/infra | module.net.aws_vpc.this"},
		},
		{
			name:      "module directory named alone is a root",
			paths:     []string{"testdata/tree/infra/modules/net"},
			resources: []string{"testdata/tree/infra/modules/net | aws_vpc.this"},
		},
		{
			name:      "a named .tf file loads its directory",
			paths:     []string{"testdata/tree/infra/main.tf", "testdata/tree/infra/modules/net/main.tf"},
			resources: []string{"testdata/tree/infra | aws_security_group.web", "testdata/tree/infra | module.net.aws_vpc.this", "testdata/tree/infra/modules/net | aws_vpc.this"},
		},
		{
			name:      "files in the order given, each once",
			paths:     []string{"testdata/tree/plans/plan.json", "testdata/tree/k8s/netpol.json", "testdata/tree/plans"},
			resources: []string{"testdata/tree/plans/plan.json | aws_s3_bucket.logs", "testdata/tree/k8s/netpol.json | NetworkPolicy/deny"},
		},
		{
			name:  "named files are never ignored",
			paths: []string{"testdata/tree/plans/package.json", "testdata/tree/docs/logo.png", "testdata/tree/docs/README.md", "testdata/tree/k8s/policy.yaml", "testdata/tree/chart/values.yaml"},
			diags: []string{
				"error testdata/tree/plans/package.json: unrecognised input",
				"error testdata/tree/docs/logo.png: unrecognised input",
				"error testdata/tree/docs/README.md: unrecognised input",
				"warning testdata/tree/k8s/policy.yaml: guardrail policy file skipped",
				"warning testdata/tree/chart/values.yaml: Helm values file skipped",
			},
		},
		{
			name:  "a named non-manifest YAML file is an error",
			paths: []string{"testdata/tree/k8s/workflow.yml"},
			diags: []string{"error testdata/tree/k8s/workflow.yml: not a Kubernetes object"},
		},
		{
			name:      "explicit kind forces a named file",
			paths:     []string{"testdata/tree/k8s/app.yaml"},
			opts:      Options{Kind: KindPlan},
			resources: nil,
			diags:     []string{"error testdata/tree/k8s/app.yaml: invalid JSON"},
		},
		{
			name:      "stdin plan",
			paths:     []string{"-"},
			opts:      Options{Stdin: bytes.NewReader(plan), Workspace: "prod"},
			resources: []string{"<stdin> | aws_s3_bucket.logs"},
		},
		{
			name:      "stdin manifest",
			paths:     []string{"-", "testdata/tree/plans/plan.json"},
			opts:      Options{Stdin: strings.NewReader("# piped\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")},
			resources: []string{"<stdin> | Namespace/a", "testdata/tree/plans/plan.json | aws_s3_bucket.logs"},
		},
		{
			name:      "stdin with a kind",
			paths:     []string{"-"},
			opts:      Options{Kind: KindKubernetes, Stdin: strings.NewReader(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"j"}}`)},
			resources: []string{"<stdin> | Namespace/j"},
		},
		{
			name:  "stdin unrecognised",
			paths: []string{"-"},
			opts:  Options{Stdin: strings.NewReader("hello\n")},
			diags: []string{"error <stdin>: unrecognised input"},
		},
		{
			name:  "stdin empty",
			paths: []string{"-"},
			opts:  Options{Stdin: strings.NewReader("")},
			diags: []string{"error <stdin>: empty input"},
		},
		{
			name:  "CRD scopes across files",
			paths: []string{"testdata/crds"},
			opts:  Options{Namespace: "team"},
			resources: []string{
				"testdata/crds/crd.yaml | CustomResourceDefinition/clusterwidgets.example.com",
				"testdata/crds/crd.yaml | CustomResourceDefinition/clusterpolicies.example.com",
				"testdata/crds/objects.yaml | ClusterWidget/w",
				"testdata/crds/objects.yaml | ClusterPolicy/team/p",
				"testdata/crds/objects.yaml | ClusterPolicy/k",
			},
		},
		{
			name:  "empty directory",
			paths: []string{"testdata/tree/docs"},
			diags: []string{"warning testdata/tree/docs: no inputs found"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(context.Background(), tt.paths, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			resources, diags := got(set)
			if !reflect.DeepEqual(resources, tt.resources) {
				t.Errorf("resources:\n%s\nwant:\n%s", strings.Join(resources, "\n"), strings.Join(tt.resources, "\n"))
			}
			if !reflect.DeepEqual(diags, tt.diags) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s\n%v", strings.Join(diags, "\n"), strings.Join(tt.diags, "\n"), set.Diagnostics)
			}
			for _, r := range set.Resources {
				if r.Location.File == "" || r.Location.Line == 0 || strings.Contains(r.Location.File, `\`) {
					t.Errorf("%s: location %+v", r.Address, r.Location)
				}
				if tt.opts.Workspace != "" && r.Origin.Workspace != tt.opts.Workspace {
					t.Errorf("%s: workspace %q", r.Address, r.Origin.Workspace)
				}
			}
		})
	}
}

func TestLoadDeterministic(t *testing.T) {
	var first []string
	for i := 0; i < 5; i++ {
		set, err := Load(context.Background(), []string{"testdata/tree", "testdata/modules"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		resources, diags := got(set)
		all := append(resources, diags...)
		if i == 0 {
			first = all
		} else if !reflect.DeepEqual(all, first) {
			t.Fatalf("run %d differs:\n%v\n%v", i, all, first)
		}
	}
}

func TestLoadCallerMistakes(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		opts  Options
		want  string
	}{
		{"missing path", []string{"testdata/tree", "testdata/nope.yaml"}, Options{}, "input testdata/nope.yaml: no such file or directory"},
		{"no paths", nil, Options{}, "no inputs"},
		{"bad kind", []string{"testdata/tree"}, Options{Kind: "helm"}, `unknown input kind "helm"`},
		{"stdin twice", []string{"-", "-"}, Options{}, "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(context.Background(), tt.paths, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || set != nil {
				t.Errorf("err %v, set %v; want %q", err, set, tt.want)
			}
		})
	}
	if _, err := Load(context.Background(), []string{"testdata/nope"}, Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing path error %v does not wrap fs.ErrNotExist", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, []string{"testdata/tree"}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestLoadFilesystem(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
	write("a/binary.yaml", "\x00\x01\x02garbage\xff")
	if err := os.Symlink("..", filepath.Join(dir, "a", "loop")); err != nil {
		t.Skip("symbolic links not supported:", err)
	}
	if err := os.Symlink("missing.yaml", filepath.Join(dir, "a", "dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ns.yaml", filepath.Join(dir, "a", "alias.yaml")); err != nil {
		t.Fatal(err)
	}
	set, err := Load(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	resources, diags := got(set)
	root := filepath.ToSlash(dir)
	wantResources := []string{root + "/a/alias.yaml | Namespace/a", root + "/a/ns.yaml | Namespace/a"}
	if !reflect.DeepEqual(resources, wantResources) {
		t.Errorf("resources %v, want %v", resources, wantResources)
	}
	wantDiags := []string{
		"error " + root + "/a/dangling.yaml: input could not be read",
		"warning " + root + "/a/loop: symbolic link not followed",
		"error " + root + "/a/binary.yaml: manifest could not be read",
	}
	if !reflect.DeepEqual(diags, wantDiags) {
		t.Errorf("diagnostics %v, want %v", diags, wantDiags)
	}

	// A file that cannot be opened (not testable as root, who reads anything).
	write("b/secret.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n")
	if err := os.Chmod(filepath.Join(dir, "b", "secret.yaml"), 0); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		set, err := Load(context.Background(), []string{filepath.Join(dir, "b")}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, diags := got(set); len(diags) != 1 || !strings.Contains(diags[0], "input could not be read") {
			t.Errorf("unreadable file: %v", set.Diagnostics)
		}
	}
}

func TestLoadMaxFiles(t *testing.T) {
	set, err := Load(context.Background(), []string{"testdata/tree"}, Options{Limits: Limits{MaxFiles: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if !set.Diagnostics.HasErrors() || !strings.Contains(set.Diagnostics.Errs().Error(), "more than 3 files") {
		t.Errorf("diagnostics %v", set.Diagnostics)
	}
}

func TestModules(t *testing.T) {
	set, err := Load(context.Background(), []string{"testdata/modules"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	resources, _ := got(set)
	want := []string{
		"testdata/modules/cycle/a | null_resource.a",
		"testdata/modules/cycle/a | module.b.null_resource.b",
		"testdata/modules/examples/complete | module.lib.null_resource.lib",
		"testdata/modules/examples/complete | module.lib.module.inner.null_resource.inner",
	}
	if !reflect.DeepEqual(resources, want) {
		t.Errorf("resources:\n%s\nwant:\n%s\n%v", strings.Join(resources, "\n"), strings.Join(want, "\n"), set.Diagnostics)
	}
}

func TestRootModules(t *testing.T) {
	tests := []struct {
		name  string
		dirs  []string
		calls map[string][]string
		want  []string
	}{
		{"independent", []string{"a", "b"}, nil, []string{"a", "b"}},
		{"called", []string{"a", "m"}, map[string][]string{"a": {"m"}}, []string{"a"}},
		{"chain", []string{"a", "m", "n"}, map[string][]string{"a": {"m"}, "m": {"n"}}, []string{"a"}},
		{"self", []string{"a"}, map[string][]string{"a": {"a"}}, []string{"a"}},
		{"cycle", []string{"x", "y"}, map[string][]string{"x": {"y"}, "y": {"x"}}, []string{"x"}},
		{"cycle called from a root", []string{"r", "x", "y"}, map[string][]string{"r": {"x"}, "x": {"y"}, "y": {"x"}}, []string{"r"}},
		{"outside the walk", []string{"a"}, map[string][]string{"a": {"../elsewhere"}}, []string{"a"}},
	}
	for _, tt := range tests {
		if got := rootModules(tt.dirs, tt.calls); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, data string
		want       Kind
	}{
		{"main.tf", "", KindTerraform},
		{"dir/Main.TF.JSON", "{}", KindTerraform},
		{"plan.json", `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{}}`, KindPlan},
		{"p", ` {"format_version":"0.1","resource_changes":[]}`, KindPlan},
		{"sorted.json", `{"configuration":{"x":[1,{"y":"}"}]},"format_version":"1.0","planned_values":{}}`, KindPlan},
		{"state.json", `{"format_version":"1.0","values":{}}`, KindAuto},
		{"truncated.json", `{"format_version":"1.0","resource_changes":[{"address":`, KindPlan},
		{"obj.json", `{"apiVersion":"v1","kind":"Pod"}`, KindKubernetes},
		{"package.json", `{"name":"x"}`, KindAuto},
		{"list.json", `[1,2]`, KindAuto},
		{"x.yaml", "anything: at all", KindKubernetes},
		{"x.YML", "", KindKubernetes},
		{"<stdin>", "# c\napiVersion: v1\nkind: Pod\n", KindKubernetes},
		{"<stdin>", "\xef\xbb\xbf{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", KindKubernetes},
		{"<stdin>", "hello: world\n", KindAuto},
		{"README.md", "# apiVersion: v1", KindAuto},
		{"logo.png", "\x89PNG\r\n", KindAuto},
	}
	for _, tt := range tests {
		if got := Detect(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", tt.name, tt.data, got, tt.want)
		}
	}
}

func TestIsPolicy(t *testing.T) {
	tests := map[string]bool{
		"apiVersion: guardrail.dev/v1alpha1\nkind: Policy\n":              true,
		"kind: Policy\napiVersion: \"guardrail.dev/v1\"\n":                true,
		`{"apiVersion": "guardrail.dev/v1alpha1", "kind": "Policy"}`:      true,
		"apiVersion: guardrail.dev/v1alpha1\nkind: GuardrailPolicy\n":     false,
		"apiVersion: policy/v1\nkind: PodDisruptionBudget\n":              false,
		"metadata:\n  apiVersion: guardrail.dev/v1alpha1\nkind: Policy\n": false,
	}
	for in, want := range tests {
		if got := IsPolicy([]byte(in)); got != want {
			t.Errorf("IsPolicy(%q) = %v", in, got)
		}
	}
}
