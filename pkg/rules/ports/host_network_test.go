package ports_test

import (
	"fmt"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestHostNetwork(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "daemonset on the host network",
			YAML: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni, namespace: kube-system}
spec:
  selector: {matchLabels: {app: cni}}
  template:
    metadata: {labels: {app: cni}}
    spec:
      hostNetwork: true
      containers:
      - {name: cni, image: cni}`,
			Want: []ruletest.Want{{Address: "DaemonSet/kube-system/cni", Path: "spec.template.spec.hostNetwork", Line: 10,
				Message: "the pod shares the node's network namespace (hostNetwork: true)"}},
		},
		{
			Name: "hostNetwork false or left out",
			YAML: `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop}
spec:
  hostNetwork: false
  containers: [{name: a, image: a}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop}
spec:
  containers: [{name: b, image: b}]`,
		},
		{
			Name: "objects without a pod template",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: hostnetwork, namespace: shop}
data: {hostNetwork: "true"}`,
		},
		{
			Name: "policy exempts an environment",
			Policy: policyWith(`  rules:
    GR-PORT-006:
      excludeEnvironments: [dev]
`),
			YAML: `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: dev}
spec:
  hostNetwork: true
  containers: [{name: a, image: a}]
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod}
spec:
  hostNetwork: true
  containers: [{name: a, image: a}]`,
			Want: []ruletest.Want{{Address: "Pod/prod/a", Path: "spec.hostNetwork"}},
		},
	}
	for _, k := range podKinds {
		cases = append(cases, ruletest.Case{
			Name: "every pod kind/" + k.kind,
			YAML: workload(k.kind, k.apiVersion, "app", "shop", "hostNetwork: true\ncontainers:\n- {name: app, image: app}\n"),
			Want: []ruletest.Want{{Address: fmt.Sprintf("%s/shop/app", k.kind), Path: k.specPath + ".hostNetwork"}},
		})
	}
	ruletest.Run(t, "GR-PORT-006", cases)
}
