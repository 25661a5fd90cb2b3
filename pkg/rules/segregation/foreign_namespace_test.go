package segregation_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// netpol renders a NetworkPolicy in namespace ns admitting ingress from
// the namespaces selector (YAML flow style) selects.
func netpol(ns, selector string) string {
	return fmt.Sprintf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow, namespace: %s}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: %s
`, ns, selector)
}

func TestForeignNamespace(t *testing.T) {
	const at = "spec.ingress[0].from[0].namespaceSelector"
	namespaces := `
apiVersion: v1
kind: Namespace
metadata: {name: payments-prod, labels: {team: payments}}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments-dev, labels: {team: payments}}
---
`
	ruletest.Run(t, "GR-SEG-005", []ruletest.Case{
		{
			Name: "kubernetes staging NetworkPolicy with an empty namespaceSelector",
			YAML: netpol("staging", "{}"),
			Want: []ruletest.Want{{
				Address: "NetworkPolicy/staging/allow", Path: at, Line: 9,
				Message: "an empty namespaceSelector admits ingress traffic with every namespace",
			}},
		},
		{
			Name: "kubernetes dev NetworkPolicy selecting the prod environment label",
			YAML: netpol("dev", "{matchLabels: {env: prod}}"),
			Want: []ruletest.Want{{Address: "NetworkPolicy/dev/allow", Path: at, Message: "the namespaceSelector env=prod admits ingress traffic with namespaces labelled env=prod, of environment prod"}},
		},
		{
			Name: "kubernetes prod NetworkPolicy selecting its own environment, by alias",
			YAML: netpol("prod", "{matchLabels: {environment: production}}"),
		},
		{
			Name: "kubernetes dev NetworkPolicy selecting a team label that a prod namespace carries",
			YAML: namespaces + netpol("payments-dev", "{matchLabels: {team: payments}}"),
			Want: []ruletest.Want{{Address: "NetworkPolicy/payments-dev/allow", Message: "admits ingress traffic with namespace payments-prod, of environment prod"}},
		},
		{
			Name: "kubernetes dev NetworkPolicy excluding only prod by label",
			YAML: netpol("dev", "{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}"),
			Want: []ruletest.Want{{Address: "NetworkPolicy/dev/allow", Message: "admits ingress traffic with namespaces labelled env=staging, of environment staging"}},
		},
		{
			Name:   "kubernetes dev NetworkPolicy excluding prod, staging an allowed mix",
			Policy: devStagingMix,
			YAML:   netpol("dev", "{matchExpressions: [{key: env, operator: NotIn, values: [prod, production]}]}"),
		},
		{
			Name: "kubernetes dev NetworkPolicy selecting any environment label",
			YAML: netpol("dev", "{matchExpressions: [{key: environment, operator: Exists}]}"),
			Want: []ruletest.Want{
				{Address: "NetworkPolicy/dev/allow", Message: "namespaces labelled environment=prod, of environment prod"},
				{Address: "NetworkPolicy/dev/allow", Message: "namespaces labelled environment=staging, of environment staging"},
			},
		},
		{
			Name: "kubernetes dev NetworkPolicy selecting the prod namespace by name",
			YAML: netpol("dev", "{matchLabels: {kubernetes.io/metadata.name: prod}}"),
			Want: []ruletest.Want{{Address: "NetworkPolicy/dev/allow", Message: "admits ingress traffic with namespace prod, of environment prod"}},
		},
		{
			Name: "kubernetes prod NetworkPolicy selecting a namespace labelled dev",
			YAML: `
apiVersion: v1
kind: Namespace
metadata: {name: tools, labels: {env: development}}
---` + netpol("prod", "{matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [tools, monitoring]}]}"),
			Want: []ruletest.Want{{Address: "NetworkPolicy/prod/allow", Message: "with namespace tools, of environment dev"}},
		},
		{
			Name: "kubernetes NetworkPolicy excluding kube-system only",
			YAML: netpol("prod", "{matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}"),
			Want: []ruletest.Want{{Address: "NetworkPolicy/prod/allow", Message: "only excludes namespaces, so it admits ingress traffic with every other namespace"}},
		},
		{
			Name: "kubernetes NetworkPolicy with pod selectors only",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow, namespace: prod}
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
  egress:
  - to:
    - podSelector: {}`,
		},
		{
			Name: "kubernetes egress to a namespace labelled with an undefined environment",
			YAML: `
apiVersion: v1
kind: Namespace
metadata: {name: tools, labels: {env: perf}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: tools}}`,
		},
		{
			Name: "kubernetes NetworkPolicy in a namespace of no environment",
			YAML: netpol("tools", "{matchLabels: {env: prod}}"),
		},
		{
			Name: "kubernetes egress to the prod namespace from a policy labelled dev",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: payments, labels: {env: dev}}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod-payments}}`,
			Want: []ruletest.Want{{Address: "NetworkPolicy/payments/out", Path: "spec.egress[0].to[0].namespaceSelector", Message: "admits egress traffic with namespace prod-payments, of environment prod"}},
		},
	})
}

// TestForeignNamespaceLinear judges 5,000 NetworkPolicies, each selecting
// the next of 5,000 prod namespaces by name, the last a dev namespace.
func TestForeignNamespaceLinear(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		next := fmt.Sprintf("prod-%d", i+1)
		if i == 4999 {
			next = "dev-x"
		}
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod-%d}\n---\n", i)
		fmt.Fprintf(&b, "%s---\n", netpol(fmt.Sprintf("prod-%d", i), "{matchLabels: {kubernetes.io/metadata.name: "+next+"}}"))
	}
	if n := count(t, "GR-SEG-005", ruletest.Case{YAML: b.String()}); n != 1 {
		t.Errorf("got %d findings, want 1 (the policy selecting dev-x)", n)
	}
}
