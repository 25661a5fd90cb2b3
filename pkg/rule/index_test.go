package rule

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func k8sObject(kind, ns, name string, labels map[string]string) *resource.Resource {
	api := "v1"
	if kind == "Deployment" {
		api = "apps/v1"
	}
	addr := kind + "/" + name
	if ns != "" {
		addr = kind + "/" + ns + "/" + name
	}
	return &resource.Resource{Format: resource.FormatKubernetes, Type: kind, APIVersion: api, Name: name, Namespace: ns,
		Address: addr, Labels: labels, Unit: "k8s/" + ns + ".yaml"}
}

func tfResource(unit, module, address string) *resource.Resource {
	typ, name, _ := strings.Cut(strings.TrimPrefix(BaseAddress(address), strings.TrimSuffix(BaseAddress(module)+".", ".")+"."), ".")
	if module == "" {
		typ, name, _ = strings.Cut(BaseAddress(address), ".")
	}
	return &resource.Resource{Format: resource.FormatTerraform, Address: address, Module: module, Type: typ, Name: name, Unit: unit}
}

func TestIndexPlacement(t *testing.T) {
	p := policy.MustCompile(policy.Default())
	nsObj := k8sObject("Namespace", "", "shop", map[string]string{"env": "staging"})
	inShop := k8sObject("Deployment", "shop", "web", nil)
	inPayments := k8sObject("Deployment", "payments", "api", nil) // namespace only in the cluster
	inUnknown := k8sObject("Deployment", "elsewhere", "x", nil)
	labelled := k8sObject("Deployment", "payments", "labelled", map[string]string{"env": "dev"})
	tf := &resource.Resource{Format: resource.FormatTerraform, Type: "aws_vpc", Name: "main", Address: "aws_vpc.main", Unit: "envs/x"}
	all := []*resource.Resource{nsObj, inShop, inPayments, inUnknown, labelled, tf}

	cluster := func(ns string) (map[string]string, bool) {
		switch ns {
		case "payments":
			return map[string]string{"env": "production"}, true
		case "shop":
			return map[string]string{"env": "dev"}, true // the inputs' Namespace object wins
		}
		return nil, false
	}
	ix := NewIndex(p, all, IndexOptions{NamespaceLabels: cluster})
	tests := []struct {
		r      *resource.Resource
		env    string
		source string
	}{
		{nsObj, "staging", policy.SourceLabel},
		{inShop, "staging", policy.SourceNamespaceLabel},
		{inPayments, "prod", policy.SourceNamespaceLabel},
		{inUnknown, "", ""},
		{labelled, "dev", policy.SourceLabel},
		{tf, "", ""},
	}
	for _, tt := range tests {
		pl := ix.Placement(tt.r)
		if pl.Env != tt.env || pl.Source != tt.source || ix.Env(tt.r) != tt.env {
			t.Errorf("%s: %+v, want %s by %s", tt.r.Address, pl, tt.env, tt.source)
		}
	}

	// Namespaces: the object's labels, or the cluster's for the others.
	shop, ok := ix.Namespace("shop")
	if !ok || shop.Object != nsObj || shop.Labels["env"] != "staging" || len(shop.Members) != 1 || shop.Members[0] != inShop {
		t.Errorf("namespace shop %+v", shop)
	}
	pay, ok := ix.Namespace("payments")
	if !ok || pay.Object != nil || pay.Labels["env"] != "production" || len(pay.Members) != 2 {
		t.Errorf("namespace payments %+v", pay)
	}
	if else_, ok := ix.Namespace("elsewhere"); !ok || else_.Labels != nil {
		t.Errorf("namespace elsewhere %+v", else_)
	}
	if _, ok := ix.Namespace("nope"); ok {
		t.Error("namespace nope")
	}
	if got := slices.Sorted(maps.Keys(ix.Namespaces())); !slices.Equal(got, []string{"elsewhere", "payments", "shop"}) {
		t.Errorf("Namespaces() = %v", got)
	}
	if o, ok := ix.Object("Deployment", "payments", "api"); !ok || o != inPayments {
		t.Error("Object")
	}
	if o, ok := ix.Object("Namespace", "", "shop"); !ok || o != nsObj {
		t.Error("Object of a cluster-scoped kind")
	}
	if _, ok := ix.Object("Deployment", "shop", "api"); ok {
		t.Error("Object of another namespace")
	}
	if got := ix.ByType("Deployment"); len(got) != 4 || got[0] != inShop {
		t.Errorf("ByType = %v", got)
	}
	if got := ix.Resources(); len(got) != len(all) {
		t.Errorf("Resources() has %d", len(got))
	}
	if got := ix.Units(); !slices.Equal(got, []string{"k8s/.yaml", "k8s/shop.yaml", "k8s/payments.yaml", "k8s/elsewhere.yaml", "envs/x"}) {
		t.Errorf("Units() = %v", got)
	}
	if got := ix.Unit("k8s/payments.yaml"); len(got) != 2 || got[0] != inPayments || got[1] != labelled {
		t.Errorf("Unit() = %v", got)
	}
	// A Namespace kind of another API group is a namespaced object like any other.
	custom := &resource.Resource{Format: resource.FormatKubernetes, Type: "Namespace", APIVersion: "example.com/v1", Name: "payments",
		Namespace: "shop", Labels: map[string]string{"env": "dev"}}
	ix = NewIndex(p, append(all, custom), IndexOptions{NamespaceLabels: cluster})
	if ns, _ := ix.Namespace("payments"); ns.Object != nil || ns.Labels["env"] != "production" {
		t.Errorf("a custom Namespace kind became namespace payments: %+v", ns)
	}
	if ns, _ := ix.Namespace("shop"); len(ns.Members) != 2 {
		t.Errorf("the custom Namespace kind is not a member of shop: %+v", ns)
	}

	// Without the callback, namespaces outside the inputs have no labels.
	ix = NewIndex(p, all, IndexOptions{})
	if pl := ix.Placement(inPayments); pl.Env != "" {
		t.Errorf("without cluster labels: %+v", pl)
	}
}

func TestIndexEnvOverride(t *testing.T) {
	p := policy.MustCompile(policy.Default())
	r := k8sObject("Deployment", "dev", "web", map[string]string{"env": "dev"})
	tests := []struct {
		env  string
		want policy.Placement
	}{
		{"prod", policy.Placement{Env: "prod", Source: policy.SourceOverride, Detail: "--env prod"}},
		{"Production", policy.Placement{Env: "prod", Source: policy.SourceOverride, Detail: "--env Production"}},
		{"qa", policy.Placement{Env: "dev", Source: policy.SourceOverride, Detail: "--env qa"}},
		{"perf", policy.Placement{Env: "perf", Source: policy.SourceOverride, Detail: "--env perf", Undefined: true}},
	}
	cluster := func(string) (map[string]string, bool) { return map[string]string{"env": "staging"}, true }
	for _, tt := range tests {
		ix := NewIndex(p, []*resource.Resource{r}, IndexOptions{Env: tt.env, NamespaceLabels: cluster})
		if got := ix.Placement(r); got != tt.want {
			t.Errorf("--env %s: %+v, want %+v", tt.env, got, tt.want)
		}
		// The namespace view still has the cluster's labels; only placement is overridden.
		if ns, _ := ix.Namespace("dev"); ns.Labels["env"] != "staging" {
			t.Errorf("--env %s: namespace labels %v", tt.env, ns.Labels)
		}
	}
}

func TestIndexResolve(t *testing.T) {
	p := policy.MustCompile(policy.Default())
	rootVPC := tfResource("root", "", "aws_vpc.main")
	modVPC := tfResource("root", "module.net", "module.net.aws_vpc.main")
	modSG := tfResource("root", "module.net", "module.net.aws_security_group.web")
	counted := tfResource("root", `module.app["a"]`, `module.app["a"].aws_instance.web[0]`)
	countedB := tfResource("root", `module.app["b"]`, `module.app["b"].aws_instance.web[0]`)
	otherUnit := tfResource("other", "", "aws_vpc.main")
	keyed := tfResource("root", "", `aws_subnet.a["x]y"]`)
	ix := NewIndex(p, []*resource.Resource{rootVPC, modVPC, modSG, counted, countedB, otherUnit, keyed}, IndexOptions{})

	tests := []struct {
		name    string
		from    *resource.Resource
		address string
		want    []*resource.Resource
	}{
		{"root to root", rootVPC, "aws_vpc.main", []*resource.Resource{rootVPC}},
		{"module resolves within its module", modSG, "aws_vpc.main", []*resource.Resource{modVPC}},
		{"module falls back to the root", modSG, "aws_subnet.a", []*resource.Resource{keyed}},
		{"absolute module address", rootVPC, "module.net.aws_vpc.main", []*resource.Resource{modVPC}},
		{"absolute from inside a module", modSG, "module.net.aws_vpc.main", []*resource.Resource{modVPC}},
		{"instances of a module", rootVPC, "module.app.aws_instance.web", []*resource.Resource{counted, countedB}},
		{"within a keyed module", counted, "aws_instance.web", []*resource.Resource{counted, countedB}},
		{"other unit", otherUnit, "aws_vpc.main", []*resource.Resource{otherUnit}},
		{"missing", rootVPC, "aws_vpc.other", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.Resolve(tt.from, tt.address); !slices.Equal(got, tt.want) {
				t.Errorf("Resolve(%s) = %v", tt.address, got)
			}
		})
	}
}
