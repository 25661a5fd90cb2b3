package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// gateway has an HTTPS listener and an HTTP listener "http" on port 80.
const gateway = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: eg
  listeners:
  - name: https
    protocol: HTTPS
    port: 443
    tls: {certificateRefs: [{name: edge-tls}]}
  - name: http
    protocol: HTTP
    port: 80
`

const redirectRoute = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: redirect, namespace: infra}
spec:
  parentRefs: [{name: edge, sectionName: http}]
  rules:
  - filters:
    - type: RequestRedirect
      requestRedirect: {scheme: https, statusCode: 301}
`

func TestGatewayHTTP(t *testing.T) {
	ruletest.Run(t, "GR-TLS-011", []ruletest.Case{
		{
			Name: "http listener whose only route redirects to https",
			YAML: gateway + "---" + redirectRoute + `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra, sectionName: https}]
  rules:
  - backendRefs: [{name: web, port: 80}]`,
		},
		{
			Name: "a route serving the http listener next to the redirect",
			YAML: gateway + "---" + redirectRoute + `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  rules:
  - backendRefs: [{name: web, port: 80}]`,
			Want: []ruletest.Want{{Address: "Gateway/infra/edge", Path: "spec.listeners[1].protocol", Line: 13,
				Message: `listener "http" serves plain HTTP on port 80, and the routes attached to it do more than redirect to HTTPS`}},
		},
		{
			Name: "a route attached by port",
			YAML: gateway + `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: infra}
spec:
  parentRefs: [{name: edge, port: 80}]
  rules:
  - backendRefs: [{name: web, port: 80}]`,
			Want: []ruletest.Want{{Address: "Gateway/infra/edge", Path: "spec.listeners[1].protocol"}},
		},
		{
			Name: "http listener no route of the inputs attaches to (as at admission)",
			YAML: gateway,
			Want: []ruletest.Want{{Address: "Gateway/infra/edge", Path: "spec.listeners[1].protocol", Undecidable: true,
				Message: "no HTTPRoute of the inputs attaches to it"}},
		},
		{
			Name: "tcp and tls listeners",
			YAML: `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: db, namespace: infra}
spec:
  gatewayClassName: eg
  listeners:
  - {name: pg, protocol: TCP, port: 5432}
  - {name: tls, protocol: TLS, port: 6443, tls: {mode: Passthrough}}
  - {name: dns, protocol: UDP, port: 53}`,
			Want: []ruletest.Want{{Address: "Gateway/infra/db", Path: "spec.listeners[0].protocol", Undecidable: true,
				Message: "the gateway passes TCP on without TLS"}},
		},
		{
			Name: "istio gateways",
			YAML: `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
    tls: {httpsRedirect: true}
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: public-tls}
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: legacy, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["legacy.example.com"]
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ["*"]`,
			Want: []ruletest.Want{
				{Address: "Gateway/istio-system/legacy", Path: "spec.servers[0].port", Message: "server on port 8080 speaks HTTP without TLS or tls.httpsRedirect"},
				{Address: "Gateway/istio-system/legacy", Path: "spec.servers[1].port", Undecidable: true},
			},
		},
		{
			Name: "policy exempts dev namespaces",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: p}
spec:
  environments:
    definitions:
    - {name: prod, production: true, namespaces: [prod]}
    - {name: dev, namespaces: [dev]}
  rules:
    GR-TLS-011: {excludeEnvironments: [dev]}
`,
			YAML: `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: dev}
spec:
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: prod}
spec:
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]`,
			Want: []ruletest.Want{{Address: "Gateway/prod/gw"}},
		},
	})
}
