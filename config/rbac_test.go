package config_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/guardrail-dev/guardrail/controller"
)

var update = flag.Bool("update", false, "rewrite testdata/rbac.golden from the rendered installs")

// grant is one rule of a Role or ClusterRole, with where it applies.
type grant struct {
	role      string // Kind/[namespace/]name
	namespace string // "" for a ClusterRole bound cluster-wide
	rule      rbacv1.PolicyRule
}

// grants returns what the manager's ServiceAccount is granted, through the
// bindings of an install.
func grants(t testing.TB, r *rendered) []grant {
	t.Helper()
	roles := map[string]*rbacv1.ClusterRole{}
	for _, o := range r.all("ClusterRole") {
		roles["ClusterRole/"+o.GetName()] = typed[rbacv1.ClusterRole](t, o)
	}
	for _, o := range r.all("Role") {
		role := typed[rbacv1.Role](t, o)
		roles["Role/"+o.GetNamespace()+"/"+o.GetName()] = &rbacv1.ClusterRole{ObjectMeta: role.ObjectMeta, Rules: role.Rules}
	}
	var out []grant
	bind := func(binding, ns string, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
		key := ref.Kind + "/" + ref.Name
		if ref.Kind == "Role" {
			key = "Role/" + ns + "/" + ref.Name
		}
		role, ok := roles[key]
		if !ok {
			t.Errorf("%s refers to %s, which the install does not define", binding, key)
			return
		}
		for _, s := range subjects {
			if s.Kind != rbacv1.ServiceAccountKind || s.Name != serviceAccount || s.Namespace != namespace {
				t.Errorf("%s binds %s %s/%s; only the manager's ServiceAccount %s/%s is bound here", binding, s.Kind, s.Namespace, s.Name, namespace, serviceAccount)
				continue
			}
			for _, rule := range role.Rules {
				out = append(out, grant{role: key, namespace: ns, rule: rule})
			}
		}
	}
	for _, o := range r.all("ClusterRoleBinding") {
		b := typed[rbacv1.ClusterRoleBinding](t, o)
		bind(id(o), "", b.RoleRef, b.Subjects)
	}
	for _, o := range r.all("RoleBinding") {
		b := typed[rbacv1.RoleBinding](t, o)
		bind(id(o), o.GetNamespace(), b.RoleRef, b.Subjects)
	}
	return out
}

// can reports whether the manager may do verb on a resource: in namespace ns
// ("" for a cluster-wide request), on the object named name ("" for none).
func can(gs []grant, verb, group, resource, ns, name string) bool {
	for _, g := range gs {
		if g.namespace != "" && g.namespace != ns {
			continue
		}
		r := g.rule
		if slices.Contains(r.Verbs, verb) && slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) &&
			(len(r.ResourceNames) == 0 || (name != "" && slices.Contains(r.ResourceNames, name))) {
			return true
		}
	}
	return false
}

func checkRBAC(t *testing.T, r *rendered) {
	for _, kind := range []string{"ClusterRole", "Role"} {
		for _, o := range r.all(kind) {
			role := typed[rbacv1.ClusterRole](t, o) // a Role's rules read the same
			for _, rule := range role.Rules {
				for _, field := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs, rule.ResourceNames, rule.NonResourceURLs} {
					if slices.ContainsFunc(field, func(s string) bool { return strings.Contains(s, "*") }) {
						t.Errorf("%s grants a wildcard: %+v", id(o), rule)
					}
				}
				for _, v := range []string{"escalate", "bind", "impersonate", "deletecollection"} {
					if slices.Contains(rule.Verbs, v) {
						t.Errorf("%s grants %s: %+v", id(o), v, rule)
					}
				}
				if kind == "ClusterRole" && slices.Contains(rule.Resources, "secrets") {
					t.Errorf("%s grants access to Secrets cluster-wide: %+v", id(o), rule)
				}
			}
		}
	}
	gs := grants(t, r)
	// Read what the webhook and the audit judge, everywhere.
	for _, gvk := range controller.Audited {
		res := plural(gvk.Kind)
		for _, verb := range []string{"get", "list", "watch"} {
			if !can(gs, verb, gvk.Group, res, "", "") {
				t.Errorf("the manager cannot %s %s.%s, which the audit judges", verb, res, gvk.Group)
			}
		}
	}
	for _, c := range []struct{ verb, group, resource, ns string }{
		{"list", "", "namespaces", ""},
		{"watch", "guardrail.dev", "guardrailpolicies", ""},
		{"update", "guardrail.dev", "guardrailpolicies/status", ""},
		{"create", "", "events", "default"},
		{"delete", "rbac.authorization.k8s.io", "rolebindings", "default"},
		{"delete", "rbac.authorization.k8s.io", "clusterrolebindings", ""},
		{"create", "coordination.k8s.io", "leases", namespace},
		{"update", "coordination.k8s.io", "leases", namespace},
		{"create", "authentication.k8s.io", "tokenreviews", ""},
		{"create", "authorization.k8s.io", "subjectaccessreviews", ""},
	} {
		if !can(gs, c.verb, c.group, c.resource, c.ns, "") {
			t.Errorf("the manager cannot %s %s.%s in %q", c.verb, c.resource, c.group, c.ns)
		}
	}
	for _, c := range []struct{ verb, group, resource, ns, name string }{
		{"get", "", "secrets", "default", ""},
		{"list", "", "secrets", "", ""},
		{"create", "", "pods", "default", ""},
		{"update", "apps", "deployments", "default", ""},
		{"delete", "", "namespaces", "", ""},
		{"update", "guardrail.dev", "guardrailpolicies", "", policyName},
		{"create", "coordination.k8s.io", "leases", "default", ""},
		{"update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "another-webhook"},
	} {
		if can(gs, c.verb, c.group, c.resource, c.ns, c.name) {
			t.Errorf("the manager can %s %s.%s %q in %q", c.verb, c.resource, c.group, c.name, c.ns)
		}
	}
	reader := typed[rbacv1.ClusterRole](t, r.get(t, "ClusterRole", "guardrail-metrics-reader"))
	if len(reader.Rules) != 1 || !slices.Equal(reader.Rules[0].NonResourceURLs, []string{"/metrics"}) || !slices.Equal(reader.Rules[0].Verbs, []string{"get"}) {
		t.Errorf("guardrail-metrics-reader: %+v, want get on /metrics only", reader.Rules)
	}
}

// plural returns the resource of a kind (NetworkPolicy: networkpolicies,
// Gateway: gateways, Ingress: ingresses).
func plural(kind string) string {
	k := strings.ToLower(kind)
	switch {
	case strings.HasSuffix(k, "s"):
		return k + "es"
	case strings.HasSuffix(k, "y") && !strings.ContainsAny(k[len(k)-2:len(k)-1], "aeiou"):
		return k[:len(k)-1] + "ies"
	}
	return k + "s"
}

// rbacSummary lists every rule of every Role and ClusterRole of an install,
// one line per role, API group and resource, then every binding.
func rbacSummary(t testing.TB, r *rendered) string {
	t.Helper()
	var rules, bindings []string
	for _, kind := range []string{"ClusterRole", "Role"} {
		for _, o := range r.all(kind) {
			role := typed[rbacv1.ClusterRole](t, o) // a Role's rules read the same
			for _, rule := range role.Rules {
				verbs := slices.Clone(rule.Verbs)
				sort.Strings(verbs)
				names := ""
				if len(rule.ResourceNames) > 0 {
					names = " " + strings.Join(rule.ResourceNames, ",")
				}
				for _, u := range rule.NonResourceURLs {
					rules = append(rules, fmt.Sprintf("%s nonResourceURL %s: %s", id(o), u, strings.Join(verbs, " ")))
				}
				for _, g := range rule.APIGroups {
					if g == "" {
						g = "core"
					}
					for _, res := range rule.Resources {
						rules = append(rules, fmt.Sprintf("%s %s %s%s: %s", id(o), g, res, names, strings.Join(verbs, " ")))
					}
				}
			}
		}
	}
	for _, kind := range []string{"ClusterRoleBinding", "RoleBinding"} {
		for _, o := range r.all(kind) {
			b := typed[rbacv1.RoleBinding](t, o) // a ClusterRoleBinding reads the same
			var subjects []string
			for _, s := range b.Subjects {
				subjects = append(subjects, s.Kind+"/"+s.Namespace+"/"+s.Name)
			}
			bindings = append(bindings, fmt.Sprintf("%s: %s/%s -> %s", id(o), b.RoleRef.Kind, b.RoleRef.Name, strings.Join(subjects, ", ")))
		}
	}
	sort.Strings(rules)
	sort.Strings(bindings)
	return strings.Join(rules, "\n") + "\n" + strings.Join(bindings, "\n") + "\n"
}

// TestRBACGolden compares every permission the installs grant with
// testdata/rbac.golden, so that a change to RBAC shows in review. After a
// deliberate change: go test ./config -run TestRBACGolden -update
func TestRBACGolden(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Every permission the installs grant; regenerate with go test ./config -run TestRBACGolden -update\n")
	for _, dir := range installs {
		fmt.Fprintf(&b, "\n# config/%s\n", dir)
		b.WriteString(rbacSummary(t, render(t, dir)))
	}
	golden := filepath.Join("testdata", "rbac.golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./config -run TestRBACGolden -update writes it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("the installs' RBAC differs from %s; review the change, then rewrite it with -update:\n%s", golden, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	count := func(lines []string) map[string]int {
		m := map[string]int{}
		for _, l := range lines {
			m[l]++
		}
		return m
	}
	var out []string
	gc := count(gl)
	for _, l := range wl {
		if gc[l] > 0 {
			gc[l]--
		} else {
			out = append(out, "- "+l)
		}
	}
	wc := count(wl)
	for _, l := range gl {
		if wc[l] > 0 {
			wc[l]--
		} else {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
