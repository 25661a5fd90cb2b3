package segregation_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestForeignEndpoint(t *testing.T) {
	ruletest.Run(t, "GR-SEG-008", []ruletest.Case{
		{
			Name: "kubernetes dev ConfigMap pointing at a prod service",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: dev}
data:
  LOG_LEVEL: debug
  DB_HOST: db.prod.svc.cluster.local`,
			Want: []ruletest.Want{{
				Address: "ConfigMap/dev/settings", Path: "data.DB_HOST", Line: 7,
				Message: "data.DB_HOST points at db.prod.svc.cluster.local, an endpoint of environment prod (service DNS name in namespace prod)",
			}},
		},
		{
			Name: "kubernetes dev ConfigMap pointing at services of its own and another dev namespace",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: dev}
data:
  DB_HOST: db.dev.svc.cluster.local
  CACHE: redis.dev-bob.svc:6379
  QUEUE: rabbit`,
		},
		{
			Name: "kubernetes dev workload with a connection string to a host named for prod",
			YAML: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: dev}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
      annotations: {runbook: "https://wiki.example.com/prod-db.example.internal"}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:1.2
        env:
        - name: DATABASE_URL
          value: postgres://app@prod-db.example.internal:5432/app`,
			Want: []ruletest.Want{{
				Address: "Deployment/dev/api", Path: "spec.template.spec.containers[0].env[0].value",
				Message: "points at prod-db.example.internal, an endpoint of environment prod (host name prod-db)",
			}},
		},
		{
			Name:   "kubernetes staging ExternalName service resolving to a prod domain",
			Policy: estatePolicy,
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: db, namespace: staging}
spec:
  type: ExternalName
  externalName: db.prod.example.com`,
			Want: []ruletest.Want{{Address: "Service/staging/db", Path: "spec.externalName", Message: "points at db.prod.example.com, an endpoint of environment prod (by the policy's domains)"}},
		},
		{
			Name: "kubernetes labels and annotations naming prod hosts",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: dev
  annotations: {copied-from: db.prod.svc.cluster.local}
data: {mode: test}`,
		},
		{
			Name: "kubernetes dev ConfigMap pointing at a namespace labelled prod",
			YAML: `
apiVersion: v1
kind: Namespace
metadata: {name: payments, labels: {env: prod}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: dev}
data: {API: "http://api.payments.svc:8080/v1"}`,
			Want: []ruletest.Want{{Address: "ConfigMap/dev/settings", Path: "data.API", Message: "points at api.payments.svc, an endpoint of environment prod (service DNS name in namespace payments)"}},
		},
		{
			Name:   "kubernetes dev ConfigMap pointing at staging, an allowed mix",
			Policy: estate("  segregation:\n    allowedMixes: [[dev, staging]]\n"),
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: dev}
data: {API: "https://api.staging.example.com"}`,
		},
		{
			Name:   "hcl dev function calling the prod API",
			Policy: estatePolicy,
			HCL: `
resource "aws_lambda_function" "sync" {
  function_name = "sync"
  tags          = { Environment = "dev" }
  environment {
    variables = {
      API_URL = "https://api.prod.example.com/v1"
    }
  }
}`,
			Want: []ruletest.Want{{
				Address: "aws_lambda_function.sync", Path: "environment[0].variables.API_URL", Line: 7,
				Message: "environment[0].variables.API_URL points at api.prod.example.com, an endpoint of environment prod",
			}},
		},
		{
			Name:   "hcl prod resource pointing at its own domain; tags and names are not scanned",
			Policy: estatePolicy,
			HCL: `
resource "aws_route53_record" "api" {
  zone_id = "Z1"
  name    = "api.dev.example.com"
  type    = "CNAME"
  records = ["lb.prod.example.com"]
  tags    = { Environment = "prod", Peer = "api.dev.example.com" }
}`,
		},
		{
			Name:   "hcl unplaced resource pointing at prod",
			Policy: estatePolicy,
			HCL: `
resource "aws_ssm_parameter" "url" {
  name  = "/app/url"
  type  = "String"
  value = "https://api.prod.example.com"
}`,
		},
		{
			Name:   "plan deleting a dev parameter pointing at prod",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_ssm_parameter.url", Actions: []string{"delete"}, Before: map[string]any{
				"name": "/app/url", "value": "https://api.prod.example.com", "tags": tags("Environment", "dev"),
			}}),
		},
		{
			Name:   "plan dev parameter pointing at prod, and one known only after apply",
			Policy: estatePolicy,
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_ssm_parameter.url", After: map[string]any{
					"name": "/app/url", "value": "https://api.prod.example.com", "tags": tags("Environment", "dev"),
				}},
				ruletest.Change{Address: "aws_ssm_parameter.db", After: map[string]any{"name": "/app/db", "tags": tags("Environment", "dev")}, Unknown: map[string]any{"value": true}},
			),
			Want: []ruletest.Want{{Address: "aws_ssm_parameter.url", Path: "value", Message: "value points at api.prod.example.com, an endpoint of environment prod"}},
		},
	})
}
