package segregation_test

import (
	"fmt"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestMixedUnit(t *testing.T) {
	ruletest.Run(t, "GR-SEG-001", []ruletest.Case{
		{
			Name: "hcl dev instance in a prod root module, by tags",
			HCL: `
resource "aws_instance" "api" {
  ami  = "ami-1"
  tags = { Environment = "prod" }
}

resource "aws_instance" "worker" {
  ami  = "ami-1"
  tags = { Environment = "prod" }
}

resource "aws_instance" "scratch" {
  ami  = "ami-1"
  tags = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{
				Address: "aws_instance.scratch", Line: 12,
				Message: `mixes environments dev (1), prod (2): aws_instance.scratch is in dev (tag Environment="dev") while most of it is in prod`,
			}},
		},
		{
			Name: "hcl one environment",
			HCL: `
resource "aws_instance" "api" {
  ami  = "ami-1"
  tags = { Environment = "prod" }
}
resource "aws_instance" "worker" {
  ami  = "ami-1"
  tags = { env = "production" }
}`,
		},
		{
			Name: "hcl root modules per environment directory are separate units",
			Files: map[string]string{
				"envs/prod/main.tf": `resource "aws_s3_bucket" "logs" { bucket = "logs-a" }`,
				"envs/dev/main.tf":  `resource "aws_s3_bucket" "logs" { bucket = "logs-b" }`,
			},
			Policy: estatePolicy,
		},
		{
			Name: "hcl dev-tagged resource in the envs/prod directory",
			Files: map[string]string{
				"envs/prod/main.tf": `
resource "aws_s3_bucket" "logs" { bucket = "logs-a" }
resource "aws_s3_bucket" "tmp" {
  bucket = "tmp-a"
  tags   = { Environment = "dev" }
}`,
			},
			Policy: estatePolicy,
			Want:   []ruletest.Want{{Address: "aws_s3_bucket.tmp", Line: 3, Message: "is in dev (tag Environment=\"dev\") while most of it is in prod"}},
		},
		{
			Name: "hcl workspace places the untagged resources",
			Files: map[string]string{
				".terraform/environment": "prod\n",
				"main.tf": `
resource "aws_s3_bucket" "logs" { bucket = "logs-a" }
resource "aws_s3_bucket" "tmp" {
  bucket = "tmp-a"
  tags   = { Environment = "development" }
}`,
			},
			Policy: estatePolicy,
			Want:   []ruletest.Want{{Address: "aws_s3_bucket.tmp", Message: "dev (1), prod (1)"}},
		},
		{
			Name: "hcl provider accounts of two environments in one root module",
			HCL: `
provider "aws" {
  allowed_account_ids = ["111111111111"]
}
provider "aws" {
  alias               = "dev"
  allowed_account_ids = ["222222222222"]
}
resource "aws_s3_bucket" "a" { bucket = "logs-a" }
resource "aws_s3_bucket" "b" { bucket = "logs-b" }
resource "aws_s3_bucket" "c" {
  provider = aws.dev
  bucket   = "logs-c"
}`,
			Policy: estatePolicy,
			Want:   []ruletest.Want{{Address: "aws_s3_bucket.c", Line: 11, Message: "is in dev (account 222222222222)"}},
		},
		{
			Name: "hcl resource names place the resources",
			HCL: `
resource "aws_s3_bucket" "a" { bucket = "prod-invoices" }
resource "aws_s3_bucket" "b" { bucket = "dev-invoices" }`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket.b", Message: "is in dev (name dev-invoices) while most of it is in prod"}},
		},
		{
			Name: "hcl data sources of another environment are not counted",
			HCL: `
data "aws_vpc" "dev" {
  tags = { Environment = "dev" }
}
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags   = { Environment = "prod" }
}`,
		},
		{
			Name: "hcl a tag naming no environment is GR-SEG-002's, not a second environment",
			HCL: `
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags   = { Environment = "prod" }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
  tags   = { Environment = "prdo" }
}`,
		},
		{
			Name: "hcl unplaced resources do not make a mix",
			HCL: `
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags   = { Environment = "prod" }
}
resource "aws_s3_bucket" "b" { bucket = "b" }`,
		},
		{
			Name: "hcl --env places everything in one environment",
			Env:  "dev",
			HCL: `
resource "aws_s3_bucket" "a" { bucket = "prod-a" }
resource "aws_s3_bucket" "b" { bucket = "dev-b" }`,
		},
		{
			Name: "plan prod and dev resources in one plan",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_db_instance.main", After: map[string]any{"identifier": "main", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_db_instance.copy", After: map[string]any{"identifier": "copy", "tags": tags("Environment", "dev")}},
			),
			Want: []ruletest.Want{{Address: "aws_db_instance.copy", Message: "dev (1), prod (1): aws_db_instance.copy is in dev"}},
		},
		{
			Name: "plan deleting the dev resource leaves one environment",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_db_instance.main", After: map[string]any{"identifier": "main", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_db_instance.old", Actions: []string{"delete"}, Before: map[string]any{"identifier": "old", "tags": tags("Environment", "dev")}},
			),
		},
		{
			Name:   "plan allowed mix of dev and staging",
			Policy: devStagingMix,
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_sqs_queue.a", After: map[string]any{"name": "a", "tags": tags("Environment", "dev")}},
				ruletest.Change{Address: "aws_sqs_queue.b", After: map[string]any{"name": "b", "tags": tags("Environment", "staging")}},
			),
		},
		{
			Name:   "plan allowed mix does not extend to prod",
			Policy: devStagingMix,
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_sqs_queue.a", After: map[string]any{"name": "a", "tags": tags("Environment", "dev")}},
				ruletest.Change{Address: "aws_sqs_queue.b", After: map[string]any{"name": "b", "tags": tags("Environment", "dev")}},
				ruletest.Change{Address: "aws_sqs_queue.c", After: map[string]any{"name": "c", "tags": tags("Environment", "staging")}},
				ruletest.Change{Address: "aws_sqs_queue.d", After: map[string]any{"name": "d", "tags": tags("Environment", "prod")}},
			),
			Want: []ruletest.Want{
				{Address: "aws_sqs_queue.d", Message: "is in prod (tag Environment=\"prod\") while most of it is in dev"},
				{Address: "aws_sqs_queue.c", Message: "is in staging (tag Environment=\"staging\") while part of it is in prod"},
			},
		},
		{
			// dev may mix with staging and with prod, but staging and prod may
			// not mix: comparing only with the main environment missed it.
			Name:   "plan forbidden mix between two minority environments",
			Policy: estate("  segregation:\n    allowedMixes: [[dev, staging], [dev, prod]]\n"),
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_sqs_queue.a", After: map[string]any{"name": "a", "tags": tags("Environment", "dev")}},
				ruletest.Change{Address: "aws_sqs_queue.b", After: map[string]any{"name": "b", "tags": tags("Environment", "dev")}},
				ruletest.Change{Address: "aws_sqs_queue.c", After: map[string]any{"name": "c", "tags": tags("Environment", "staging")}},
				ruletest.Change{Address: "aws_sqs_queue.d", After: map[string]any{"name": "d", "tags": tags("Environment", "prod")}},
			),
			Want: []ruletest.Want{{Address: "aws_sqs_queue.c", Message: "is in staging (tag Environment=\"staging\") while part of it is in prod"}},
		},
		{
			Name: "kubernetes one manifest deploying to the prod and dev namespaces",
			YAML: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: dev}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1}]`,
			Want: []ruletest.Want{{Address: "Deployment/dev/api", Line: 12, Message: "is in dev (namespace dev) while most of it is in prod"}},
		},
		{
			Name: "kubernetes namespace labels place the objects",
			YAML: `
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels: {env: prod}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: payments}
data: {mode: live}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: payments-sandbox, labels: {env: sandbox}}
data: {mode: test}`,
			Want: []ruletest.Want{{Address: "ConfigMap/payments-sandbox/settings", Message: "is in dev (label env=\"sandbox\")"}},
		},
		{
			Name: "kubernetes manifests per environment in separate files",
			Files: map[string]string{
				"prod/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: prod}\n",
				"dev/app.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: dev}\n",
			},
		},
	})
}

// TestMixedUnitLinear runs the rule over one plan of 5,000 resources, five
// of them dev among prod: it must finish with one finding, on the first dev
// resource.
func TestMixedUnitLinear(t *testing.T) {
	var changes []ruletest.Change
	for i := range 5000 {
		env := "prod"
		if i%1000 == 999 {
			env = "dev"
		}
		changes = append(changes, ruletest.Change{
			Address: fmt.Sprintf("aws_sqs_queue.q%d", i),
			After:   map[string]any{"name": fmt.Sprintf("q%d", i), "tags": tags("Environment", env)},
		})
	}
	if n := count(t, "GR-SEG-001", ruletest.Case{Plan: ruletest.Plan(changes...)}); n != 1 {
		t.Errorf("got %d findings, want 1 (the first dev queue)", n)
	}
}
