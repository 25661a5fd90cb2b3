package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestLoadBalancerSourceRanges(t *testing.T) {
	ruletest.Run(t, "GR-PORT-008", []ruletest.Case{
		{
			Name: "LoadBalancer without source ranges",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  ports:
  - {name: http, port: 80}
  - {name: https, port: 443}`,
			Want: []ruletest.Want{{Address: "Service/shop/web", Path: "spec.type", Line: 6,
				Message: "the LoadBalancer Service sets no loadBalancerSourceRanges, so ports 80 (HTTP), 443 (HTTPS) accept any source"}},
		},
		{
			Name: "source ranges admitting the world",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges:
  - 203.0.113.0/24
  - ::/0
  ports: [{port: 8443}]`,
			Want: []ruletest.Want{{Address: "Service/shop/api", Path: "spec.loadBalancerSourceRanges[1]", Line: 9,
				Message: "the LoadBalancer Service's source ranges admit ::/0, the whole internet"}},
		},
		{
			Name: "source ranges in the annotation",
			YAML: `
apiVersion: v1
kind: Service
metadata:
  name: a
  namespace: shop
  annotations: {service.beta.kubernetes.io/load-balancer-source-ranges: "203.0.113.0/24"}
spec:
  type: LoadBalancer
  ports: [{port: 8443}]
---
apiVersion: v1
kind: Service
metadata:
  name: b
  namespace: shop
  annotations: {service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8,0.0.0.0/0"}
spec:
  type: LoadBalancer
  ports: [{port: 8443}]`,
			Want: []ruletest.Want{{Address: "Service/shop/b", Path: `metadata.annotations."service.beta.kubernetes.io/load-balancer-source-ranges"`,
				Message: "admit 0.0.0.0/0"}},
		},
		{
			Name: "restricted, internal, and not load balancers",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: office, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata:
  name: aws-internal
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: "0.0.0.0/0"}
spec:
  type: LoadBalancer
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata:
  name: gke-internal
  namespace: shop
  annotations: {cloud.google.com/load-balancer-type: "Internal"}
spec:
  type: LoadBalancer
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: gke-class, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerClass: networking.gke.io/l4-regional-internal
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: aws-lbc, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerClass: service.k8s.aws/nlb
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: cluster, namespace: shop}
spec:
  ports: [{port: 443}]`,
		},
		{
			Name: "AWS Load Balancer Controller internet-facing",
			YAML: `
apiVersion: v1
kind: Service
metadata:
  name: nlb
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}
spec:
  type: LoadBalancer
  loadBalancerClass: service.k8s.aws/nlb
  ports: [{port: 443}]`,
			Want: []ruletest.Want{{Address: "Service/shop/nlb", Message: "port 443 (HTTPS) accepts any source"}},
		},
		{
			Name: "policy switches the rule off in dev",
			Policy: policyWith(`  rules:
    GR-PORT-008:
      excludeEnvironments: [dev]
`),
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dev}
spec:
  type: LoadBalancer
  ports: [{port: 443}]`,
		},
	})
}
