package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestIngressTLS(t *testing.T) {
	ruletest.Run(t, "GR-TLS-008", []ruletest.Case{
		{
			Name: "ingress without tls",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}`,
			Want: []ruletest.Want{{Address: "Ingress/shop/web", Path: "spec", Line: 5, Message: "the Ingress has no tls section, so it serves plain HTTP"}},
		},
		{
			Name: "ingress with tls for every host, a wildcard, and the redirect on",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {nginx.ingress.kubernetes.io/force-ssl-redirect: "true"}
spec:
  tls:
  - hosts: [shop.example.com, "*.api.example.com"]
    secretName: shop-tls
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
  - host: v1.api.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}`,
		},
		{
			Name: "ingress leaving a host out, a deeper host under a wildcard, and the redirect off",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
spec:
  tls:
  - hosts: [shop.example.com, "*.example.com"]
    secretName: shop-tls
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
  - host: admin.shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}]}
  - host: other.org
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: other, port: {number: 80}}}}]}`,
			Want: []ruletest.Want{
				{Address: "Ingress/shop/web", Path: "spec.rules[1].host", Message: `host "admin.shop.example.com" is not listed in the tls section`},
				{Address: "Ingress/shop/web", Path: "spec.rules[2].host", Message: `host "other.org"`},
				{Address: "Ingress/shop/web", Path: `metadata.annotations."nginx.ingress.kubernetes.io/ssl-redirect"`, Line: 7,
					Message: "annotation nginx.ingress.kubernetes.io/ssl-redirect=false keeps plain HTTP served next to TLS"},
			},
		},
		{
			Name: "aws load balancer controller terminating TLS, with and without the redirect",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: https-only
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
spec:
  ingressClassName: alb
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: redirected
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    alb.ingress.kubernetes.io/ssl-redirect: "443"
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: both
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: web, port: {number: 80}}}`,
			Want: []ruletest.Want{{Address: "Ingress/shop/both", Path: `metadata.annotations."alb.ingress.kubernetes.io/listen-ports"`,
				Message: `the ALB listens on plain HTTP ([{"HTTP": 80}, {"HTTPS": 443}]) and alb.ingress.kubernetes.io/ssl-redirect is not set`}},
		},
		{
			Name: "gke ingresses: http allowed, switched off, redirected by a FrontendConfig",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: managed
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: gce
    networking.gke.io/managed-certificates: shop-cert
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: no-http
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: gce
    kubernetes.io/ingress.allow-http: "false"
spec:
  tls: [{secretName: shop-tls}]
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: networking.gke.io/v1beta1
kind: FrontendConfig
metadata: {name: redirect, namespace: shop}
spec:
  redirectToHttps: {enabled: true}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: redirected
  namespace: shop
  annotations:
    networking.gke.io/v1beta1.FrontendConfig: redirect
spec:
  ingressClassName: gce
  tls: [{secretName: shop-tls}]
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: elsewhere
  namespace: shop
  annotations:
    networking.gke.io/v1beta1.FrontendConfig: shared
spec:
  ingressClassName: gce
  tls: [{secretName: shop-tls}]
  defaultBackend: {service: {name: web, port: {number: 80}}}`,
			Want: []ruletest.Want{
				{Address: "Ingress/shop/managed", Path: "metadata.annotations",
					Message: `GKE serves the Ingress on plain HTTP next to HTTPS: set kubernetes.io/ingress.allow-http to "false" or redirect with a FrontendConfig`},
				{Address: "Ingress/shop/elsewhere", Undecidable: true, Message: "FrontendConfig shared is not in the inputs"},
			},
		},
		{
			Name: "traefik router tls, and cert-manager's http-01 solver",
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    traefik.ingress.kubernetes.io/router.entrypoints: websecure
    traefik.ingress.kubernetes.io/router.tls: "true"
spec:
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: cm-acme-http-solver-abcde
  namespace: shop
  labels: {acme.cert-manager.io/http01-solver: "true"}
spec:
  rules:
  - host: shop.example.com
    http: {paths: [{path: /.well-known/acme-challenge/x, pathType: ImplementationSpecific, backend: {service: {name: cm-acme-http-solver-x, port: {number: 8089}}}}]}`,
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
    GR-TLS-008: {excludeEnvironments: [dev]}
`,
			YAML: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: dev}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: prod}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}`,
			Want: []ruletest.Want{{Address: "Ingress/prod/web"}},
		},
	})
}
