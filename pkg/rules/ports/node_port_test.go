package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestNodePort(t *testing.T) {
	ruletest.Run(t, "GR-PORT-007", []ruletest.Case{
		{
			Name: "NodePort with its ports given",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  ports:
  - {port: 80, nodePort: 30080}
  - {port: 443, nodePort: 30443}`,
			Want: []ruletest.Want{{Address: "Service/shop/web", Path: "spec.type", Line: 6,
				Message: "the Service is of type NodePort, which opens ports 30080, 30443 on every node"}},
		},
		{
			Name: "NodePort with ports chosen by the cluster",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  ports: [{port: 80}]`,
			Want: []ruletest.Want{{Address: "Service/shop/web", Message: "opens a port in 30000-32767 on every node"}},
		},
		{
			Name: "ClusterIP, LoadBalancer, ExternalName and headless Services",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: a, namespace: shop}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: shop}
spec:
  type: LoadBalancer
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: c, namespace: shop}
spec:
  type: ExternalName
  externalName: db.example.com
---
apiVersion: v1
kind: Service
metadata: {name: d, namespace: shop}
spec:
  clusterIP: None
  ports: [{port: 5432}]`,
		},
		{
			Name: "policy switches the rule off in dev",
			Policy: policyWith(`  rules:
    GR-PORT-007:
      excludeEnvironments: [dev]
`),
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dev}
spec:
  type: NodePort
  ports: [{port: 80}]`,
		},
	})
}
