package kustomize

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

const shop = "testdata/shop"

func load(t *testing.T, dir string, opts Options) *resource.Set {
	t.Helper()
	set, err := Load(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func addresses(set *resource.Set) []string {
	var out []string
	for _, r := range set.Resources {
		out = append(out, r.Unit+" | "+r.Address+" | "+r.Location.String())
	}
	return out
}

func TestLoadOverlays(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{shop + "/overlays/prod", []string{
			// Each object is located at the overlay's entry that brings it in.
			"testdata/shop/overlays/prod | Namespace/shop-prod | testdata/shop/overlays/prod/kustomization.yaml:5:5",
			"testdata/shop/overlays/prod | Deployment/shop-prod/web | testdata/shop/overlays/prod/kustomization.yaml:6:5",
			"testdata/shop/overlays/prod | Service/shop-prod/web | testdata/shop/overlays/prod/kustomization.yaml:6:5",
			"testdata/shop/overlays/prod | Ingress/shop-prod/web | testdata/shop/overlays/prod/kustomization.yaml:6:5",
		}},
		{shop + "/overlays/dev", []string{
			"testdata/shop/overlays/dev | Deployment/shop-dev/dev-web | testdata/shop/overlays/dev/kustomization.yaml:6:5",
			"testdata/shop/overlays/dev | Service/shop-dev/dev-web | testdata/shop/overlays/dev/kustomization.yaml:6:5",
			"testdata/shop/overlays/dev | Ingress/shop-dev/dev-web | testdata/shop/overlays/dev/kustomization.yaml:6:5",
		}},
		{shop + "/overlays/mixed/", []string{
			// One unit, the overlay directory, holding both environments.
			"testdata/shop/overlays/mixed | Namespace/shop-prod | testdata/shop/overlays/mixed/kustomization.yaml:5:5",
			"testdata/shop/overlays/mixed | Deployment/shop-prod/web | testdata/shop/overlays/mixed/kustomization.yaml:5:5",
			"testdata/shop/overlays/mixed | Service/shop-prod/web | testdata/shop/overlays/mixed/kustomization.yaml:5:5",
			"testdata/shop/overlays/mixed | Ingress/shop-prod/web | testdata/shop/overlays/mixed/kustomization.yaml:5:5",
			"testdata/shop/overlays/mixed | Deployment/shop-dev/dev-web | testdata/shop/overlays/mixed/kustomization.yaml:6:5",
			"testdata/shop/overlays/mixed | Service/shop-dev/dev-web | testdata/shop/overlays/mixed/kustomization.yaml:6:5",
			"testdata/shop/overlays/mixed | Ingress/shop-dev/dev-web | testdata/shop/overlays/mixed/kustomization.yaml:6:5",
		}},
		{shop + "/base", []string{
			"testdata/shop/base | Deployment/web | testdata/shop/base/kustomization.yaml:4:5",
			"testdata/shop/base | Service/web | testdata/shop/base/kustomization.yaml:5:5",
			"testdata/shop/base | Ingress/web | testdata/shop/base/kustomization.yaml:6:5",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			set := load(t, tt.dir, Options{})
			if len(set.Diagnostics) > 0 {
				t.Fatalf("diagnostics: %v", set.Diagnostics)
			}
			if got := addresses(set); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, r := range set.Resources {
				if _, ok := r.Annotations[OriginAnnotation]; ok {
					t.Errorf("%s keeps kustomize's origin annotation", r.Address)
				}
				meta, _ := r.Attributes["metadata"].(map[string]any)
				if ann, ok := meta["annotations"].(map[string]any); ok && (ann[OriginAnnotation] != nil || ann[TransformationsAnnotation] != nil) {
					t.Errorf("%s attributes keep build annotations: %v", r.Address, ann)
				}
				if _, ok := meta["annotations"]; ok {
					t.Errorf("%s has annotations the sources do not write: %v", r.Address, meta["annotations"])
				}
			}
		})
	}
}

func TestLocate(t *testing.T) {
	const (
		base = shop + "/base/"
		prod = shop + "/overlays/prod/"
		dev  = shop + "/overlays/dev/"
	)
	container := "spec.template.spec.containers[0]."
	tests := []struct {
		dir, address, path, want string
	}{
		// Set by a strategic merge patch of the overlay: the patch file.
		{prod, "Deployment/shop-prod/web", container + "ports[0].hostPort", prod + "hostport.yaml:12:15"},
		{dev, "Deployment/shop-dev/dev-web", container + "env[0].value", dev + "database.yaml:12:15"},
		// Written in the base with the rendered value: the base file.
		{prod, "Deployment/shop-prod/web", container + "env[0].value", base + "deployment.yaml:24:15"},
		{prod, "Deployment/shop-prod/web", container + "ports[0].containerPort", base + "deployment.yaml:21:15"},
		{prod, "Deployment/shop-prod/web", "spec.replicas", base + "deployment.yaml:8:3"},
		{prod, "Ingress/shop-prod/web", "spec.tls", base + "ingress.yaml:7:3"},
		{prod, "Ingress/shop-prod/web", "spec.rules[0].host", base + "ingress.yaml:11:7"},
		// A map partly patched: the base that writes it.
		{prod, "Deployment/shop-prod/web", "spec", base + "deployment.yaml:7:1"},
		// Changed by a transformer: its kustomization field.
		{prod, "Deployment/shop-prod/web", container + "image", prod + "kustomization.yaml:11:5"},
		{prod, "Deployment/shop-prod/web", "metadata.namespace", prod + "kustomization.yaml:3:1"},
		{dev, "Deployment/shop-dev/dev-web", "metadata.name", dev + "kustomization.yaml:4:1"},
		// Removed or replaced by a JSON 6902 operation: the operation.
		{dev, "Ingress/shop-dev/dev-web", "spec.tls", dev + "kustomization.yaml:15:9"},
		{dev, "Ingress/shop-dev/dev-web", "spec", dev + "kustomization.yaml:15:9"},
		{dev, "Ingress/shop-dev/dev-web", "spec.rules[0].host", dev + "kustomization.yaml:17:9"},
		// A path not written anywhere: the nearest written parent.
		{prod, "Deployment/shop-prod/web", container + "securityContext.privileged", base + "deployment.yaml:18:11"},
		// A path of nothing the object holds: the object.
		{prod, "Namespace/shop-prod", "spec.finalizers", prod + "kustomization.yaml:5:5"},
		// An overlay of overlays: each object is located through its own route.
		{shop + "/overlays/mixed", "Deployment/shop-prod/web", container + "ports[0].hostPort", prod + "hostport.yaml:12:15"},
		{shop + "/overlays/mixed", "Deployment/shop-prod/web", container + "env[0].value", base + "deployment.yaml:24:15"},
		{shop + "/overlays/mixed", "Deployment/shop-dev/dev-web", container + "env[0].value", dev + "database.yaml:12:15"},
		{shop + "/overlays/mixed", "Deployment/shop-prod/web", "metadata.namespace", prod + "kustomization.yaml:3:1"},
	}
	sets := map[string]*resource.Set{}
	for _, tt := range tests {
		t.Run(tt.address+" "+tt.path, func(t *testing.T) {
			set := sets[tt.dir]
			if set == nil {
				set = load(t, tt.dir, Options{})
				sets[tt.dir] = set
			}
			var r *resource.Resource
			for _, x := range set.Resources {
				if x.Address == tt.address {
					r = x
				}
			}
			if r == nil {
				t.Fatalf("no %s in %v", tt.address, addresses(set))
			}
			p, err := resource.ParsePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Locate(p).String(); got != tt.want {
				t.Errorf("Locate(%s) = %s, want %s", tt.path, got, tt.want)
			}
			if loc := r.Locate(p); set.Sources[loc.File] == nil {
				t.Errorf("no source text kept for %s", loc.File)
			}
		})
	}
}

func TestLoadBroken(t *testing.T) {
	const b = "testdata/broken/"
	tests := []struct {
		dir    string
		want   string // "severity location: summary"
		detail string
	}{
		{"missing-resource", "error " + b + "missing-resource/kustomization.yaml:3:5: missing resource",
			`resources entry "service.yaml": no such file or directory`},
		{"cycle/a", "error " + b + "cycle/b/kustomization.yaml:2:5: kustomization cycle",
			"cycle/a/kustomization.yaml -> " + b + "cycle/b/kustomization.yaml -> " + b + "cycle/a/kustomization.yaml"},
		{"remote", "error " + b + "remote/kustomization.yaml:2:5: remote resource not fetched", "guardrail never downloads"},
		{"invalid-patch-yaml", "error " + b + "invalid-patch-yaml/replicas.yaml:5: invalid patch", "did not find expected ',' or ']'"},
		{"invalid-patch-op", "error " + b + "invalid-patch-op/kustomization.yaml:9:9: invalid patch", `op "delete": want add, remove`},
		{"unmatched-patch", "error " + b + "unmatched-patch/patch.yaml:1:1: kustomization could not be built", "no resource matches strategic merge patch"},
		{"helm-chart", "error " + b + "helm-chart/kustomization.yaml:3:1: Helm chart in a kustomization", "--helm CHART"},
		{"invalid-yaml", "error " + b + "invalid-yaml/kustomization.yaml:2: invalid kustomization", "did not find expected key"},
		{"component", "warning " + b + "component/kustomization.yaml:1: kustomize Component not built", "list it under components"},
		{"nope", "error " + b + "nope: kustomization could not be read", "no such file or directory"},
		{"", "error testdata/broken: kustomization not found", "is a directory without a kustomization file"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			set := load(t, b+tt.dir, Options{})
			if len(set.Resources) > 0 {
				t.Errorf("a broken kustomization loads nothing, got %v", addresses(set))
			}
			if len(set.Diagnostics) == 0 {
				t.Fatal("no diagnostic")
			}
			d := set.Diagnostics[0]
			if got := d.Severity.String() + " " + d.Location.String() + ": " + d.Summary; got != tt.want || !strings.Contains(d.Detail, tt.detail) {
				t.Errorf("got %s (%s)\nwant %s (... %s ...)", got, d.Detail, tt.want, tt.detail)
			}
		})
	}
	// Every remote entry is reported, none is fetched.
	if set := load(t, b+"remote", Options{}); len(set.Diagnostics) != 3 {
		t.Errorf("want the 3 remote entries reported, got %v", set.Diagnostics)
	}
	// Builtin plugin configurations may not fetch a file nor run Helm.
	var got []string
	for _, d := range load(t, b+"remote-plugin", Options{}).Diagnostics {
		got = append(got, d.Location.String()+": "+d.Summary)
	}
	want := []string{
		b + "remote-plugin/patch.yaml:5:7: remote file not fetched",
		b + "remote-plugin/kustomization.yaml:7:5: Helm chart in a kustomization",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plugin configurations: got %v, want %v", got, want)
	}
}

func TestSecrets(t *testing.T) {
	set := load(t, "testdata/secrets", Options{})
	if len(set.Resources) != 2 || len(set.Diagnostics) > 0 {
		t.Fatalf("resources %v, diagnostics %v", addresses(set), set.Diagnostics)
	}
	for _, r := range set.Resources {
		for _, field := range []string{"data", "stringData"} {
			m, _ := r.Attributes[field].(map[string]any)
			for k, v := range m {
				if v != manifest.Redacted {
					t.Errorf("%s %s.%s = %v, want it redacted", r.Address, field, k, v)
				}
			}
		}
	}
	for name, data := range set.Sources {
		if strings.Contains(string(data), "hunter2") || strings.Contains(string(data), "s3cr3t") {
			t.Errorf("source %s with secret values kept for report snippets", name)
		}
	}
}

func TestNamespaceOption(t *testing.T) {
	set := load(t, shop+"/base", Options{Namespace: "team"})
	if got := set.Resources[0].Address; got != "Deployment/team/web" {
		t.Errorf("address %s, want the namespace given", got)
	}
}

func TestIsRemote(t *testing.T) {
	for entry, want := range map[string]bool{
		"../../base":                          false,
		"deployment.yaml":                     false,
		"/abs/base":                           false,
		"gitlab.com/org/repo":                 false, // kustomize reads it as a local path
		"github.com/org/repo//base?ref=v1":    true,
		"GitHub.com:org/repo":                 true,
		"https://example.com/x.yaml":          true,
		"http://example.com/x.yaml":           true,
		"ssh://git@example.com/org/repo.git":  true,
		"file:///srv/repo":                    true,
		"git@gitlab.com:org/repo.git//deploy": true,
		"git::https://example.com/org/repo":   true,
		"base?ref=main":                       true,
	} {
		if got := IsRemote(entry); got != want {
			t.Errorf("IsRemote(%q) = %v, want %v", entry, got, want)
		}
	}
}

func TestWithBuildMetadata(t *testing.T) {
	tests := []struct{ in, want string }{
		{"resources: [a.yaml]\n", "resources: [a.yaml]\nbuildMetadata: [originAnnotations, transformerAnnotations]\n"},
		{"buildMetadata: [managedByLabel]\n", "buildMetadata: [managedByLabel, originAnnotations, transformerAnnotations]\n"},
		{"buildMetadata:\n  - originAnnotations\n", "buildMetadata:\n    - originAnnotations\n    - transformerAnnotations\n"},
		{"", "buildMetadata: [originAnnotations, transformerAnnotations]\n"},
	}
	for _, tt := range tests {
		got, err := withBuildMetadata([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("withBuildMetadata(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestReferences(t *testing.T) {
	got := References(shop + "/overlays/prod")
	want := []string{shop + "/overlays/prod/namespace.yaml", shop + "/base"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("References = %v, want %v", got, want)
	}
	if got := References("testdata/broken/remote"); got != nil {
		t.Errorf("remote entries are not references: %v", got)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, shop+"/base", Options{}); err == nil {
		t.Error("a cancelled context is an error")
	}
}
