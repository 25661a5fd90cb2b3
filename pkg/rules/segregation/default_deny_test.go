package segregation_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// denyAll is a default-deny NetworkPolicy for namespace ns, of the given
// policy types.
func denyAll(ns string, types ...string) string {
	return fmt.Sprintf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: %s}
spec:
  podSelector: {}
  policyTypes: [%s]
`, ns, strings.Join(types, ", "))
}

// deployment is a Deployment in namespace ns with the given labels (YAML
// flow style).
func deployment(ns, name, labels string) string {
	return fmt.Sprintf(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: %s, namespace: %s, labels: %s}
spec:
  selector: {matchLabels: {app: %s}}
  template:
    metadata: {labels: {app: %s}}
    spec:
      containers: [{name: %s, image: %s:1}]
`, name, ns, labels, name, name, name, name)
}

func TestDefaultDeny(t *testing.T) {
	prodNS := "\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n"
	ruletest.Run(t, "GR-SEG-010", []ruletest.Case{
		{
			Name: "kubernetes prod namespace without a default-deny policy",
			YAML: prodNS + "---" + deployment("prod", "api", "{}"),
			Want: []ruletest.Want{{Address: "Namespace/prod", Line: 2, Message: "namespace prod (environment prod) has no default-deny ingress NetworkPolicy"}},
		},
		{
			Name: "kubernetes prod namespace denying ingress and egress by default",
			YAML: prodNS + "---" + denyAll("prod", "Ingress", "Egress") + "---" + deployment("prod", "api", "{}"),
		},
		{
			Name: "kubernetes prod namespace denying ingress only",
			YAML: prodNS + "---" + denyAll("prod", "Ingress"),
			Want: []ruletest.Want{{Address: "Namespace/prod", Message: "namespace prod (environment prod) denies ingress by default but not egress"}},
		},
		{
			Name: "kubernetes policies that are not default-deny: some pods only, or allowing all",
			YAML: prodNS + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-only, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{}]
  egress: [{}]`,
			Want: []ruletest.Want{{Address: "Namespace/prod", Message: "has no default-deny ingress NetworkPolicy"}},
		},
		{
			Name: "kubernetes default-deny policy in another manifest file",
			Files: map[string]string{
				"ns.yaml":     prodNS,
				"policy.yaml": denyAll("prod", "Ingress", "Egress"),
			},
		},
		{
			Name: "kubernetes dev namespace without a default-deny policy",
			YAML: deployment("dev", "api", "{}"),
		},
		{
			Name:   "kubernetes policy requiring default-deny in staging only",
			Policy: estate("  segregation:\n    requireDefaultDeny: [stage]\n"),
			YAML:   deployment("staging", "api", "{}") + "---" + deployment("prod", "api", "{}"),
			Want:   []ruletest.Want{{Address: "Deployment/staging/api", Message: "namespace staging (environment staging) has no default-deny ingress NetworkPolicy"}},
		},
		{
			Name: "kubernetes prod namespace holding only configuration",
			YAML: "\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: prod}\ndata: {a: b}\n",
		},
		{
			Name: "kubernetes namespace placed by nothing, workloads labelled prod",
			YAML: deployment("payments", "api", "{env: prod}"),
			Want: []ruletest.Want{{Address: "Deployment/payments/api", Line: 2, Message: "namespace payments (environment prod) has no default-deny ingress NetworkPolicy"}},
		},
		{
			Name: "kubernetes namespace labelled prod",
			YAML: "\napiVersion: v1\nkind: Namespace\nmetadata: {name: payments, labels: {environment: production}}\n---" + deployment("payments", "api", "{}"),
			Want: []ruletest.Want{{Address: "Namespace/payments", Message: "namespace payments (environment prod)"}},
		},
		{
			// The namespace is prod's; a workload labelled dev does not make it dev's.
			Name: "kubernetes workload labelled dev in the prod namespace",
			YAML: deployment("prod", "debug", "{env: dev}"),
			Want: []ruletest.Want{{Address: "Deployment/prod/debug", Message: "namespace prod (environment prod) has no default-deny ingress NetworkPolicy"}},
		},
		{
			Name:   "kubernetes default environment does not hide workloads labelled prod",
			Policy: estate("    default: dev\n"),
			YAML:   deployment("payments", "api", "{env: prod}"),
			Want:   []ruletest.Want{{Address: "Deployment/payments/api", Message: "namespace payments (environment prod)"}},
		},
	})
}

// TestDefaultDenyLinear judges 1,000 prod namespaces of four Deployments
// each, all but one with a default-deny policy.
func TestDefaultDenyLinear(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		ns := fmt.Sprintf("prod-%d", i)
		for j := range 4 {
			b.WriteString(deployment(ns, fmt.Sprintf("app%d", j), "{}") + "---")
		}
		if i != 777 {
			b.WriteString(denyAll(ns, "Ingress", "Egress") + "---")
		}
	}
	if n := count(t, "GR-SEG-010", ruletest.Case{YAML: b.String()}); n != 1 {
		t.Errorf("got %d findings, want 1 (namespace prod-777)", n)
	}
}
