package load

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/load/helm"
)

func TestLoadRendered(t *testing.T) {
	tests := []struct {
		name      string
		paths     []string
		opts      Options
		resources []string
		diags     []string
	}{
		{
			// The base is built by both overlays, and the ConfigMap by dev:
			// each object is judged once, as the overlays deploy it.
			name:  "walk builds overlays, not the base they share",
			paths: []string{"testdata/rendered/app"},
			resources: []string{
				"testdata/rendered/app/overlays/dev | Deployment/dev/api",
				"testdata/rendered/app/overlays/dev | ConfigMap/dev/extra",
				"testdata/rendered/app/overlays/prod | Deployment/prod/api",
			},
		},
		{
			name:      "a base named explicitly is built",
			paths:     []string{"testdata/rendered/app/base", "testdata/rendered/app/overlays/prod"},
			resources: []string{"testdata/rendered/app/base | Deployment/api", "testdata/rendered/app/overlays/prod | Deployment/prod/api"},
		},
		{
			name:      "kustomization named with -k",
			opts:      Options{Kustomizations: []string{"testdata/rendered/app/overlays/prod"}},
			resources: []string{"testdata/rendered/app/overlays/prod | Deployment/prod/api"},
		},
		{
			name:      "kustomization named through its file",
			paths:     []string{"testdata/rendered/app/base/kustomization.yaml"},
			resources: []string{"testdata/rendered/app/base | Deployment/api"},
		},
		{
			name:      "-k and a walk of the same overlay build it once",
			paths:     []string{"testdata/rendered/app/overlays/prod"},
			opts:      Options{Kustomizations: []string{"testdata/rendered/app/overlays/prod/"}},
			resources: []string{"testdata/rendered/app/overlays/prod | Deployment/prod/api"},
		},
		{
			// Neither builds the other on its own terms: both are kept and
			// the cycle is reported, not silently dropped.
			name:  "kustomizations in a cycle",
			paths: []string{"testdata/rendered/cycle"},
			diags: []string{
				// Building a, b's entry leads back to a; building b, a's to b.
				"error testdata/rendered/cycle/b/kustomization.yaml: kustomization cycle",
				"error testdata/rendered/cycle/a/kustomization.yaml: kustomization cycle",
			},
		},
		{
			name:      "chart named with --helm, with values and a namespace",
			opts:      Options{Charts: []string{"helm/testdata/shop"}, Namespace: "shop-prod", Helm: helm.Options{ValueFiles: []string{"helm/testdata/shop/values-prod.yaml"}}},
			resources: shopChart("shop-prod/"),
		},
		{
			name:      "chart found by a walk renders with default values",
			paths:     []string{"helm/testdata/shop"},
			resources: shopChart(""),
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
		})
	}
}

func shopChart(ns string) []string {
	return []string{
		"helm/testdata/shop | StatefulSet/" + ns + "release-name-cache",
		"helm/testdata/shop | Deployment/" + ns + "release-name-web",
		"helm/testdata/shop | Ingress/" + ns + "release-name-web",
		"helm/testdata/shop | Service/" + ns + "release-name-web",
		"helm/testdata/shop | ConfigMap/" + ns + "release-name-config",
		"helm/testdata/shop | CustomResourceDefinition/widgets.shop.example.com",
	}
}

func TestLoadRenderedCallerMistakes(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"-k of a file", Options{Kustomizations: []string{"testdata/rendered/app/base/deployment.yaml"}}, "not a directory"},
		{"-k without a kustomization", Options{Kustomizations: []string{"testdata/tree/docs"}}, "holds no kustomization.yaml"},
		{"--helm without Chart.yaml", Options{Charts: []string{"testdata/tree/k8s"}}, "holds no Chart.yaml"},
		{"--helm of a missing directory", Options{Charts: []string{"testdata/nope"}}, "chart testdata/nope: not a directory"},
		{"missing values file", Options{Charts: []string{"helm/testdata/shop"}, Helm: helm.Options{ValueFiles: []string{"nope.yaml"}}}, "values file nope.yaml: no such file"},
		{"bad --set", Options{Charts: []string{"helm/testdata/shop"}, Helm: helm.Options{Set: []string{"novalue"}}}, "--set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(context.Background(), nil, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || set != nil {
				t.Errorf("err %v; want %q", err, tt.want)
			}
		})
	}
}
