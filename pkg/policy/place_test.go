package policy

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// placePolicy defines environments each detector can find, with values no
// two detectors share, so a test can tell which detector placed a resource.
const placePolicy = header + `spec:
  environments:
    tagKeys: [Environment, env]
    namespaceLabelKeys: [team.example.com/env]
    definitions:
      - name: label-env
        aliases: [Tagged, LBL]
      - name: nslabel-env
      - name: ns-env
        namespaces: ["ns-*"]
      - name: ws-env
        workspaces: ["ws-*"]
      - name: account-env
        accounts: ["111111111111"]
        projects: ["my-project"]
        subscriptions: ["sub-1"]
      - name: path-env
        paths: ["envs/path/**"]
      - name: name-env
        names: ["*-named"]
`

func mustParse(t *testing.T, src string) *Policy {
	t.Helper()
	p, err := Parse("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// everything is a resource every detector would place.
func everything(k8s bool) *resource.Resource {
	r := &resource.Resource{
		Format:   resource.FormatTerraform,
		Type:     "aws_instance",
		Name:     "web-named",
		Labels:   map[string]string{"Environment": "tagged"},
		Origin:   resource.Origin{Workspace: "ws-1", Account: "111111111111"},
		Location: resource.Location{File: "repo/envs/path/main.tf"},
	}
	if k8s {
		r.Format, r.Type, r.APIVersion, r.Namespace = resource.FormatKubernetes, "Deployment", "apps/v1", "ns-1"
	}
	return r
}

var nsLabels NamespaceLabels = func(ns string) (map[string]string, bool) {
	switch ns {
	case "ns-1", "labelled":
		return map[string]string{"team.example.com/env": "nslabel-env"}, true
	case "typo":
		return map[string]string{"team.example.com/env": "nslabl"}, true
	case "empty":
		return map[string]string{"team.example.com/env": ""}, true
	}
	return nil, false
}

func TestPlacePrecedence(t *testing.T) {
	p := mustParse(t, placePolicy)
	// Take the facts away one detector at a time: the next in line places it.
	tests := []struct {
		name   string
		edit   func(r *resource.Resource)
		k8s    bool
		want   Placement
		noNSFn bool
	}{
		{"label first", nil, true, Placement{Env: "label-env", Source: SourceLabel, Detail: `label Environment="tagged"`}, false},
		{"terraform tag", nil, false, Placement{Env: "label-env", Source: SourceLabel, Detail: `tag Environment="tagged"`}, false},
		{"namespace label next", func(r *resource.Resource) { r.Labels = nil }, true,
			Placement{Env: "nslabel-env", Source: SourceNamespaceLabel, Detail: `namespace ns-1 label team.example.com/env="nslabel-env"`}, false},
		{"namespace name next", func(r *resource.Resource) { r.Labels = nil }, true,
			Placement{Env: "ns-env", Source: SourceNamespace, Detail: "namespace ns-1"}, true},
		{"workspace next", func(r *resource.Resource) { r.Labels = nil }, false,
			Placement{Env: "ws-env", Source: SourceWorkspace, Detail: "workspace ws-1"}, false},
		{"account next", func(r *resource.Resource) { r.Labels, r.Origin.Workspace = nil, "" }, false,
			Placement{Env: "account-env", Source: SourceAccount, Detail: "account 111111111111"}, false},
		{"default workspace is no evidence", func(r *resource.Resource) { r.Labels, r.Origin.Workspace = nil, "default" }, false,
			Placement{Env: "account-env", Source: SourceAccount, Detail: "account 111111111111"}, false},
		{"GCP project", func(r *resource.Resource) { r.Labels, r.Origin = nil, resource.Origin{Project: "my-project"} }, false,
			Placement{Env: "account-env", Source: SourceAccount, Detail: "account my-project"}, false},
		{"Azure subscription", func(r *resource.Resource) { r.Labels, r.Origin = nil, resource.Origin{Subscription: "sub-1"} }, false,
			Placement{Env: "account-env", Source: SourceAccount, Detail: "account sub-1"}, false},
		{"path next", func(r *resource.Resource) { r.Labels, r.Origin = nil, resource.Origin{Account: "999"} }, false,
			Placement{Env: "path-env", Source: SourcePath, Detail: "path repo/envs/path/main.tf"}, false},
		{"windows path", func(r *resource.Resource) {
			r.Labels, r.Origin, r.Location.File = nil, resource.Origin{}, `C:\repo\envs\path\main.tf`
		}, false, Placement{Env: "path-env", Source: SourcePath, Detail: `path C:\repo\envs\path\main.tf`}, false},
		{"name last", func(r *resource.Resource) { r.Labels, r.Origin, r.Location.File = nil, resource.Origin{}, "main.tf" }, false,
			Placement{Env: "name-env", Source: SourceName, Detail: "name web-named"}, false},
		{"Name tag", func(r *resource.Resource) {
			r.Origin, r.Location.File, r.Name = resource.Origin{}, "main.tf", "web"
			r.Labels = map[string]string{"Name": "box-named"}
		}, false, Placement{Env: "name-env", Source: SourceName, Detail: "name box-named"}, false},
		{"naming attribute", func(r *resource.Resource) {
			r.Labels, r.Origin, r.Location.File, r.Name = nil, resource.Origin{}, "main.tf", "this"
			r.Attributes = map[string]any{"bucket": "logs-named"}
		}, false, Placement{Env: "name-env", Source: SourceName, Detail: "name logs-named"}, false},
		{"nothing", func(r *resource.Resource) {
			r.Labels, r.Origin, r.Location.File, r.Name = nil, resource.Origin{}, "main.tf", "web"
		}, false, Placement{}, false},
		{"kubernetes labels other than the keys", func(r *resource.Resource) { r.Labels = map[string]string{"app": "tagged"} }, true,
			Placement{Env: "nslabel-env", Source: SourceNamespaceLabel, Detail: `namespace ns-1 label team.example.com/env="nslabel-env"`}, false},
		{"empty label value is no evidence", func(r *resource.Resource) { r.Labels = map[string]string{"Environment": ""} }, true,
			Placement{Env: "nslabel-env", Source: SourceNamespaceLabel, Detail: `namespace ns-1 label team.example.com/env="nslabel-env"`}, false},
		{"second tag key", func(r *resource.Resource) { r.Labels = map[string]string{"env": "LBL"} }, false,
			Placement{Env: "label-env", Source: SourceLabel, Detail: `tag env="LBL"`}, false},
		{"first tag key wins", func(r *resource.Resource) { r.Labels = map[string]string{"env": "nope", "Environment": "lbl"} }, false,
			Placement{Env: "label-env", Source: SourceLabel, Detail: `tag Environment="lbl"`}, false},
		{"undefined label value", func(r *resource.Resource) { r.Labels = map[string]string{"Environment": "prdo"} }, true,
			Placement{Env: "prdo", Source: SourceLabel, Detail: `label Environment="prdo"`, Undefined: true}, false},
		{"undefined namespace label value", func(r *resource.Resource) { r.Labels, r.Namespace = nil, "typo" }, true,
			Placement{Env: "nslabl", Source: SourceNamespaceLabel, Detail: `namespace typo label team.example.com/env="nslabl"`, Undefined: true}, false},
		{"empty namespace label falls through", func(r *resource.Resource) { r.Labels, r.Namespace = nil, "empty" }, true,
			Placement{Env: "ws-env", Source: SourceWorkspace, Detail: "workspace ws-1"}, false},
		{"kubernetes name", func(r *resource.Resource) {
			r.Labels, r.Namespace, r.Origin, r.Location.File = nil, "other", resource.Origin{}, "m.yaml"
			r.Attributes = map[string]any{"bucket": "x-named"}
			r.Name = "web"
		}, true, Placement{}, false},
		{"terraform resources have no namespace", func(r *resource.Resource) {
			r.Labels, r.Namespace, r.Origin, r.Location.File = nil, "ns-1", resource.Origin{}, "main.tf"
		}, false, Placement{Env: "name-env", Source: SourceName, Detail: "name web-named"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := everything(tt.k8s)
			if tt.edit != nil {
				tt.edit(r)
			}
			fn := nsLabels
			if tt.noNSFn {
				fn = nil
			}
			if got := p.Place(r, fn); got != tt.want {
				t.Errorf("Place = %+v\n   want %+v", got, tt.want)
			}
		})
	}
}

func TestPlaceNamespaceObject(t *testing.T) {
	p := mustParse(t, placePolicy)
	ns := &resource.Resource{Format: resource.FormatKubernetes, Type: "Namespace", APIVersion: "v1", Name: "labelled"}
	// Its own labels first, then (as the Index supplies them) its labels as a
	// namespace, then its name.
	ns.Labels = map[string]string{"Environment": "tagged"}
	if got := p.Place(ns, nsLabels); got.Env != "label-env" || got.Source != SourceLabel {
		t.Errorf("own label: %+v", got)
	}
	ns.Labels = nil
	if got := p.Place(ns, nsLabels); got.Env != "nslabel-env" || got.Source != SourceNamespaceLabel || got.Detail != `namespace labelled label team.example.com/env="nslabel-env"` {
		t.Errorf("namespace label: %+v", got)
	}
	ns.Name = "ns-9"
	if got := p.Place(ns, nsLabels); got.Env != "ns-env" || got.Detail != "namespace ns-9" {
		t.Errorf("own name: %+v", got)
	}
	// A Namespace kind of another API group is not a namespace.
	ns.APIVersion = "example.com/v1"
	if got := p.Place(ns, nsLabels); got.Env != "" {
		t.Errorf("custom Namespace kind placed as a namespace: %+v", got)
	}
}

func TestPlaceCustomPrecedence(t *testing.T) {
	p := mustParse(t, placePolicy+"    precedence: [name, path, label]\n")
	r := everything(false)
	if got := p.Place(r, nil); got.Source != SourceName {
		t.Errorf("name first: %+v", got)
	}
	r.Name = "web"
	if got := p.Place(r, nil); got.Source != SourcePath {
		t.Errorf("path second: %+v", got)
	}
	r.Location.File = "main.tf"
	if got := p.Place(r, nil); got.Source != SourceLabel {
		t.Errorf("label third: %+v", got)
	}
	// Detectors left out of the precedence never run.
	r.Labels = nil
	if got := p.Place(r, nil); got != (Placement{}) {
		t.Errorf("workspace and account are not in the precedence: %+v", got)
	}
}

func TestPlaceDefault(t *testing.T) {
	p := mustParse(t, placePolicy+"    default: LBL\n")
	r := &resource.Resource{Format: resource.FormatTerraform, Type: "aws_vpc", Name: "main"}
	want := Placement{Env: "label-env", Source: SourceDefault, Detail: "the policy's default environment"}
	if got := p.Place(r, nil); got != want {
		t.Errorf("Place = %+v, want %+v", got, want)
	}
	// An undefined label still wins over the default: it is reported.
	r.Labels = map[string]string{"env": "nope"}
	if got := p.Place(r, nil); !got.Undefined || got.Env != "nope" {
		t.Errorf("Place = %+v", got)
	}
}

func TestPlaceAliasesCaseInsensitive(t *testing.T) {
	p := mustParse(t, placePolicy)
	for _, v := range []string{"label-env", "LABEL-ENV", "Tagged", "TAGGED", "lbl", "Lbl"} {
		r := &resource.Resource{Format: resource.FormatKubernetes, Type: "Pod", Labels: map[string]string{"env": v}}
		if got := p.Place(r, nil); got.Env != "label-env" || got.Undefined {
			t.Errorf("label %q: %+v", v, got)
		}
	}
}
