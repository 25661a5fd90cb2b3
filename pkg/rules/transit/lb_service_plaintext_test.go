package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestPlaintextLoadBalancer(t *testing.T) {
	ruletest.Run(t, "GR-TLS-009", []ruletest.Case{
		{
			Name: "load balancer exposing http and smtp",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
  - {name: smtp, port: 25}`,
			Want: []ruletest.Want{
				{Address: "Service/shop/web", Path: "spec.ports[0].port", Line: 8,
					Message: "the LoadBalancer Service exposes plaintext port 80 (HTTP) without the load balancer terminating TLS on it"},
				{Address: "Service/shop/web", Path: "spec.ports[2].port", Message: "plaintext port 25 (SMTP)"},
			},
		},
		{
			Name: "aws load balancer terminating tls on every port, on named ports, on numbered ports",
			YAML: `
apiVersion: v1
kind: Service
metadata:
  name: all
  namespace: shop
  annotations: {service.beta.kubernetes.io/aws-load-balancer-ssl-cert: "arn:aws:acm:eu-west-1:123456789012:certificate/abc"}
spec:
  type: LoadBalancer
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: named
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "web, 8443"
spec:
  type: LoadBalancer
  ports:
  - {name: web, port: 8080}
  - {name: plain, port: 8888}`,
			Want: []ruletest.Want{{Address: "Service/shop/named", Path: "spec.ports[1].port", Message: "plaintext port 8888 (HTTP alternate)"}},
		},
		{
			Name: "internal load balancers, ClusterIP, tls appProtocol",
			YAML: `
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: cluster, namespace: shop}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: tls-passthrough, namespace: shop}
spec:
  type: LoadBalancer
  ports: [{port: 8080, appProtocol: https}]`,
		},
		{
			Name: "ingress controller and gateway Services: port 80 next to 443 redirects",
			YAML: `
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}
spec:
  type: LoadBalancer
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: https, port: 443, targetPort: https}
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
  labels: {app: istio-ingressgateway, istio: ingressgateway}
spec:
  type: LoadBalancer
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: v1
kind: Service
metadata:
  name: traefik-http-only
  namespace: traefik
  labels: {app.kubernetes.io/name: traefik}
spec:
  type: LoadBalancer
  ports: [{name: web, port: 80}]`,
			Want: []ruletest.Want{{Address: "Service/traefik/traefik-http-only", Path: "spec.ports[0].port"}},
		},
		{
			Name: "policy with its own plaintext ports",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: p}
spec:
  transit:
    plaintextPorts: ["1883", "tcp/5672"]
`,
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: broker, namespace: iot}
spec:
  type: LoadBalancer
  ports:
  - {name: mqtt, port: 1883}
  - {name: http, port: 80}
  - {name: amqp, port: 5672, protocol: UDP}`,
			Want: []ruletest.Want{{Address: "Service/iot/broker", Path: "spec.ports[0].port", Message: "plaintext port 1883"}},
		},
	})
}
