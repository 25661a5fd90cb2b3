package helm

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

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

func find(t *testing.T, set *resource.Set, kind string) *resource.Resource {
	t.Helper()
	for _, r := range set.Resources {
		if r.Type == kind {
			return r
		}
	}
	t.Fatalf("no %s among %d resources", kind, len(set.Resources))
	return nil
}

var hostPort = resource.Path{resource.Key("spec"), resource.Key("template"), resource.Key("spec"), resource.Key("containers"),
	resource.Index(0), resource.Key("ports"), resource.Index(0), resource.Key("hostPort")}

func TestLoadChart(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		resources []string // "unit | address | location"
		hostPort  any      // of the Deployment; nil when it has none
	}{
		{
			name: "default values",
			resources: []string{
				"testdata/shop | StatefulSet/release-name-cache | testdata/shop/charts/cache/templates/statefulset.yaml:3:1",
				"testdata/shop | Deployment/release-name-web | testdata/shop/templates/deployment.yaml:3:1",
				"testdata/shop | Ingress/release-name-web | testdata/shop/templates/ingress.yaml:3:1",
				"testdata/shop | Service/release-name-web | testdata/shop/templates/service.yaml:3:1",
				"testdata/shop | ConfigMap/release-name-config | testdata/shop/templates/service.yaml:17:1 (document 2)",
				"testdata/shop | CustomResourceDefinition/widgets.shop.example.com | testdata/shop/crds/widgets.yaml:1:1",
			},
		},
		{
			// The prod values open a host port; the release namespace is
			// given to every namespaced object, the CRD keeps none.
			name: "prod values, release name and namespace",
			opts: Options{ValueFiles: []string{shop + "/values-prod.yaml"}, Namespace: "shop-prod", ReleaseName: "shop"},
			resources: []string{
				"testdata/shop | StatefulSet/shop-prod/shop-cache | testdata/shop/charts/cache/templates/statefulset.yaml:3:1",
				"testdata/shop | Deployment/shop-prod/shop-web | testdata/shop/templates/deployment.yaml:3:1",
				"testdata/shop | Ingress/shop-prod/shop-web | testdata/shop/templates/ingress.yaml:3:1",
				"testdata/shop | Service/shop-prod/shop-web | testdata/shop/templates/service.yaml:3:1",
				"testdata/shop | ConfigMap/shop-prod/shop-config | testdata/shop/templates/service.yaml:17:1 (document 2)",
				"testdata/shop | CustomResourceDefinition/widgets.shop.example.com | testdata/shop/crds/widgets.yaml:1:1",
			},
			hostPort: int64(8080),
		},
		{
			name: "dev values, a condition turning the dependency off, --set over the files",
			opts: Options{ValueFiles: []string{shop + "/values-dev.yaml"}, Set: []string{"cache.enabled=false", "hostPort=9090"}},
			resources: []string{
				"testdata/shop | Deployment/release-name-web | testdata/shop/templates/deployment.yaml:3:1",
				"testdata/shop | Ingress/release-name-web | testdata/shop/templates/ingress.yaml:3:1",
				"testdata/shop | Service/release-name-web | testdata/shop/templates/service.yaml:3:1",
				"testdata/shop | ConfigMap/release-name-config | testdata/shop/templates/service.yaml:17:1 (document 2)",
				"testdata/shop | CustomResourceDefinition/widgets.shop.example.com | testdata/shop/crds/widgets.yaml:1:1",
			},
			hostPort: int64(9090),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, shop, tt.opts)
			if len(set.Diagnostics) > 0 {
				t.Fatalf("diagnostics: %v", set.Diagnostics)
			}
			var got []string
			for _, r := range set.Resources {
				got = append(got, r.Unit+" | "+r.Address+" | "+r.Location.String())
			}
			if !reflect.DeepEqual(got, tt.resources) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.resources, "\n"))
			}
			d := find(t, set, "Deployment")
			v := d.Get("spec", "template", "spec", "containers").At(0).Get("ports").At(0).Get("hostPort")
			if tt.hostPort == nil {
				if !v.IsNull() {
					t.Errorf("hostPort = %v, want none", v.Raw())
				}
				return
			}
			if v.Raw() != tt.hostPort {
				t.Errorf("hostPort = %#v, want %v", v.Raw(), tt.hostPort)
			}
			// The finding's line is the rendered line of hostPort, under the
			// template's name, and the rendered text is the source shown.
			loc := d.Locate(hostPort)
			if loc.String() != "testdata/shop/templates/deployment.yaml:27:15" {
				t.Errorf("hostPort located at %s", loc)
			}
			lines := strings.Split(string(set.Sources[loc.File]), "\n")
			if !strings.Contains(lines[loc.Line-1], "hostPort:") || lines[1] != "# Source: shop/templates/deployment.yaml" {
				t.Errorf("source of %s does not show the rendered line:\n%s", loc.File, set.Sources[loc.File])
			}
		})
	}
}

func TestLoadBrokenCharts(t *testing.T) {
	const b = "testdata/broken/"
	tests := []struct {
		dir    string
		opts   Options
		want   string // "location: summary"
		detail string
	}{
		{"bad-chart-yaml", Options{}, b + "bad-chart-yaml/Chart.yaml:4: invalid Chart.yaml", "mapping values are not allowed"},
		{"no-name", Options{}, b + "no-name/Chart.yaml:1: chart could not be loaded", "chart.metadata.name is required"},
		{"syntax-error", Options{}, b + "syntax-error/templates/configmap.yaml:7: template syntax error", "unclosed action"},
		{"required-value", Options{}, b + "required-value/templates/deployment.yaml:14:20: template failed",
			"imageRepository is required: the registry and name of the image"},
		{"missing-dependency", Options{}, b + "missing-dependency/Chart.yaml:5:5: chart dependency missing",
			`dependency "postgresql" 16.2.1 from oci://registry-1.docker.io/bitnamicharts is declared in Chart.yaml but not vendored`},
		{"bad-schema", Options{}, b + "bad-schema/values.schema.json:1: values do not meet the chart's schema", "at '/replicas': got string, want integer"},
		{"nope", Options{}, b + "nope/Chart.yaml:1: chart could not be loaded", "no such file or directory"},
		{"required-value", Options{ValueFiles: []string{b + "nope.yaml"}}, b + "nope.yaml:1: values file could not be read", "no such file or directory"},
		{"required-value", Options{ValueFiles: []string{b + "bad-chart-yaml/Chart.yaml"}}, b + "bad-chart-yaml/Chart.yaml:4: values file could not be read", "mapping values are not allowed"},
		{"required-value", Options{Set: []string{"novalue"}}, b + "required-value/Chart.yaml:1: invalid --set", `"novalue"`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			set := load(t, b+tt.dir, tt.opts)
			if len(set.Resources) > 0 || len(set.Diagnostics) != 1 {
				t.Fatalf("want one diagnostic and no resources, got %d resources, %v", len(set.Resources), set.Diagnostics)
			}
			d := set.Diagnostics[0]
			if got := d.Location.String() + ": " + d.Summary; got != tt.want || !strings.Contains(d.Detail, tt.detail) || d.Severity != resource.DiagError {
				t.Errorf("got %s (%s)\nwant %s (... %s ...)", got, d.Detail, tt.want, tt.detail)
			}
		})
	}
	// A required value given renders.
	if set := load(t, b+"required-value", Options{Set: []string{"imageRepository=registry.example.com/web"}}); len(set.Diagnostics) > 0 || len(set.Resources) != 1 {
		t.Errorf("with the value: %v", set.Diagnostics)
	}
}

func TestValues(t *testing.T) {
	got, err := Options{ValueFiles: []string{shop + "/values.yaml", shop + "/values-dev.yaml"}, Set: []string{"ingress.tls=false,extra.list[1]=b"}}.Values()
	if err != nil {
		t.Fatal(err)
	}
	ingress := got["ingress"].(map[string]any)
	if ingress["host"] != "shop.dev.example.com" || ingress["tls"] != false || got["replicas"] != float64(1) {
		t.Errorf("merged values %v", got)
	}
	if list := got["extra"].(map[string]any)["list"].([]any); len(list) != 2 || list[1] != "b" {
		t.Errorf("--set list %v", list)
	}
	_, err = Options{ValueFiles: []string{"https://example.com/values.yaml"}}.Values()
	var ve *ValuesError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "never downloads") {
		t.Errorf("remote values file: %v", err)
	}
}

func TestSourceText(t *testing.T) {
	got := sourceText("c/templates/x.yaml", "\n# only a comment\n---\na: 1\n---   \n\n---\nb: 2\n")
	want := "---\n# Source: c/templates/x.yaml\na: 1\n---\n# Source: c/templates/x.yaml\nb: 2\n"
	if got != want {
		t.Errorf("sourceText = %q, want %q", got, want)
	}
}

func TestIsChart(t *testing.T) {
	if !IsChart(shop) || IsChart("testdata") || IsChart("testdata/nope") {
		t.Error("IsChart")
	}
}
