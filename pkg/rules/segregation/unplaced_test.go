package segregation_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// requiredPolicy is estatePolicy with spec.environments.required set.
var requiredPolicy = estate("") + "    required: true\n"

func TestUnplaced(t *testing.T) {
	ruletest.Run(t, "GR-SEG-002", []ruletest.Case{
		{
			Name: "hcl tag naming an undefined environment",
			HCL: `
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags = {
    Team        = "payments"
    Environment = "prdo"
  }
}`,
			Want: []ruletest.Want{{
				Address: "aws_s3_bucket.a", Path: "tags.Environment", Line: 6,
				Message: `tag Environment="prdo" names environment "prdo", which the policy does not define (defined: prod, staging, dev)`,
			}},
		},
		{
			Name: "hcl alias of a defined environment",
			HCL: `
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags   = { Environment = "Production" }
}`,
		},
		{
			Name: "hcl unplaced resource without required",
			HCL:  `resource "aws_s3_bucket" "a" { bucket = "a" }`,
		},
		{
			Name:   "hcl unplaced resource with required",
			Policy: requiredPolicy,
			HCL: `
resource "aws_s3_bucket" "a" {
  bucket = "invoices"
}`,
			Want: []ruletest.Want{{
				Address: "aws_s3_bucket.a", Line: 2,
				Message: "no environment could be determined for aws_s3_bucket.a (tried, in order: label, namespaceLabel, namespace, workspace, account, path, name)",
			}},
		},
		{
			Name:   "hcl required, placed by path, workspace, account and name",
			Policy: requiredPolicy,
			Files: map[string]string{
				"envs/prod/main.tf":         `resource "aws_s3_bucket" "a" { bucket = "a" }`,
				"ws/main.tf":                `resource "aws_s3_bucket" "b" { bucket = "b" }`,
				"ws/.terraform/environment": "staging",
				"acct/main.tf": `
provider "aws" {
  allowed_account_ids = ["222222222222"]
}
resource "aws_s3_bucket" "c" { bucket = "c" }`,
				"named/main.tf": `resource "aws_s3_bucket" "d" { bucket = "invoices-dev" }`,
			},
		},
		{
			Name:   "hcl required does not judge data sources",
			Policy: requiredPolicy,
			HCL: `
data "aws_caller_identity" "me" {}
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags   = { Environment = "dev" }
}`,
		},
		{
			Name:   "hcl required with a default environment",
			Policy: requiredPolicy + "    default: dev\n",
			HCL:    `resource "aws_s3_bucket" "a" { bucket = "a" }`,
		},
		{
			Name:   "hcl required with --env",
			Policy: requiredPolicy,
			Env:    "staging",
			HCL:    `resource "aws_s3_bucket" "a" { bucket = "a" }`,
		},
		{
			Name: "plan default tag naming an undefined environment",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_sqs_queue.q", After: map[string]any{
				"name": "q", "tags": tags("Team", "payments"), "tags_all": tags("Team", "payments", "Environment", "qa2"),
			}}),
			Want: []ruletest.Want{{Address: "aws_sqs_queue.q", Path: "tags_all.Environment", Message: `tag Environment="qa2" names environment "qa2"`}},
		},
		{
			Name:   "plan required, deleted resource is not judged",
			Policy: requiredPolicy,
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_sqs_queue.old", Actions: []string{"delete"}, Before: map[string]any{"name": "old"}},
				ruletest.Change{Address: "aws_sqs_queue.new", After: map[string]any{"name": "new"}},
			),
			Want: []ruletest.Want{{Address: "aws_sqs_queue.new", Message: "no environment could be determined for aws_sqs_queue.new"}},
		},
		{
			Name: "kubernetes label naming an undefined environment",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: prod
  labels:
    app: api
    env: prodution
data: {mode: live}`,
			Want: []ruletest.Want{{
				Address: "ConfigMap/prod/settings", Path: "metadata.labels.env", Line: 9,
				Message: `label env="prodution" names environment "prodution"`,
			}},
		},
		{
			Name: "kubernetes namespace label naming an undefined environment reaches its objects",
			YAML: `
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels: {environment: perf}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: payments}
data: {mode: live}`,
			Want: []ruletest.Want{
				{Address: "Namespace/payments", Path: "metadata.labels.environment", Line: 6, Message: `label environment="perf" names environment "perf"`},
				{Address: "ConfigMap/payments/settings", Message: `namespace payments label environment="perf" names environment "perf"`},
			},
		},
		{
			Name:   "kubernetes required, placed by namespace name and namespace labels",
			Policy: requiredPolicy,
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
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: dev-alice}`,
		},
		{
			Name:   "kubernetes required, object in a namespace nothing places",
			Policy: requiredPolicy,
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: tools}`,
			Want: []ruletest.Want{{Address: "ConfigMap/tools/settings", Line: 2, Message: "no environment could be determined for ConfigMap/tools/settings"}},
		},
		{
			Name: "kubernetes manifest under a dev path claiming a production namespace",
			Files: map[string]string{"envs/dev/app.yaml": `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: prod-payments}
data: {mode: live}`},
			Want: []ruletest.Want{{
				Address: "ConfigMap/prod-payments/settings", Line: 2,
				Message: "envs/dev/app.yaml places it in dev: one of them is wrong, and rules judge it as prod",
			}},
		},
		{
			Name: "hcl prod tag under a dev path",
			Files: map[string]string{"envs/dev/main.tf": `
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags   = { Environment = "production" }
}`},
			Want: []ruletest.Want{{Address: "aws_s3_bucket.a", Line: 2, Message: `envs/dev/main.tf places it in dev: one of them is wrong`}},
		},
		{
			Name: "detectors that agree, and names that never contradict",
			Files: map[string]string{
				"envs/prod/main.tf": `
resource "aws_s3_bucket" "a" {
  bucket = "dev-exports"
  tags   = { Environment = "prod" }
}`,
				"envs/prod/app.yaml": `
apiVersion: v1
kind: ConfigMap
metadata: {name: dev-settings, namespace: prod}`,
			},
		},
		{
			Name: "--env is not contradicted",
			Env:  "staging",
			Files: map[string]string{"envs/dev/app.yaml": `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: prod}`},
		},
	})
}
