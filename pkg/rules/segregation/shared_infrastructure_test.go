package segregation_test

import (
	"fmt"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestSharedInfrastructure(t *testing.T) {
	const subnet = "subnet-0aaa1111bbbb2222c"
	instance := func(name, env string, attrs ...any) ruletest.Change {
		after := map[string]any{"ami": "ami-1", "tags": tags("Environment", env)}
		for i := 0; i+1 < len(attrs); i += 2 {
			after[attrs[i].(string)] = attrs[i+1]
		}
		return ruletest.Change{Address: name, After: after}
	}
	ruletest.Run(t, "GR-SEG-011", []ruletest.Case{
		{
			Name: "plan prod instance in a dev subnet, by its known ID",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_subnet.scratch", Actions: []string{"no-op"}, Before: map[string]any{"id": subnet}, After: map[string]any{"id": subnet, "vpc_id": "vpc-0123456789abcdef0", "tags": tags("Environment", "dev")}},
				instance("aws_instance.app", "prod", "subnet_id", subnet),
			),
			Want: []ruletest.Want{{
				Address: "aws_instance.app", Path: "subnet_id",
				Message: "aws_instance.app of environment prod uses subnet_id " + subnet + ", which is aws_subnet.scratch of environment dev",
			}},
		},
		{
			Name: "plan prod instance in a dev subnet that dev instances use too",
			Plan: ruletest.Plan(
				instance("aws_instance.dev", "dev", "subnet_id", subnet),
				ruletest.Change{Address: "aws_subnet.scratch", Actions: []string{"no-op"}, Before: map[string]any{"id": subnet}, After: map[string]any{"id": subnet, "tags": tags("Environment", "dev")}},
				instance("aws_instance.app", "prod", "subnet_id", subnet),
			),
			Want: []ruletest.Want{{Address: "aws_instance.app", Path: "subnet_id", Message: "which is aws_subnet.scratch of environment dev"}},
		},
		{
			Name: "plan prod and dev functions in one subnet, named by different attributes",
			Plan: ruletest.Plan(
				instance("aws_instance.prod", "prod", "subnet_id", subnet),
				ruletest.Change{Address: "aws_lambda_function.dev", After: map[string]any{
					"function_name": "sync", "tags": tags("Environment", "dev"),
					"vpc_config": []any{map[string]any{"subnet_ids": []any{subnet}}},
					"subnet_ids": []any{"subnet-0ffff0000ffff0000", subnet},
				}},
			),
			Want: []ruletest.Want{{
				Address: "aws_lambda_function.dev", Path: "subnet_ids",
				Message: "aws_lambda_function.dev of environment dev uses subnet_ids " + subnet + ", which aws_instance.prod of environment prod uses too",
			}},
		},
		{
			Name:   "plan dev and staging in one subnet, an allowed mix",
			Policy: devStagingMix,
			Plan:   ruletest.Plan(instance("aws_instance.a", "dev", "subnet_id", subnet), instance("aws_instance.b", "staging", "subnet_id", subnet)),
		},
		{
			Name: "plan deleting the dev instance that shared the subnet",
			Plan: ruletest.Plan(
				instance("aws_instance.prod", "prod", "subnet_id", subnet),
				ruletest.Change{Address: "aws_instance.dev", Actions: []string{"delete"}, Before: map[string]any{"subnet_id": subnet, "tags": tags("Environment", "dev")}},
			),
		},
		{
			Name:   "hcl networks called default in the prod and dev projects are different networks",
			Policy: estatePolicy,
			HCL: `
resource "google_compute_instance" "prod" {
  name         = "api"
  project      = "acme-prod"
  machine_type = "e2-small"
  network_interface { network = "default" }
  network      = "default"
}
resource "google_compute_instance" "dev" {
  name         = "api"
  project      = "acme-dev"
  machine_type = "e2-small"
  network      = "default"
}`,
		},
		{
			Name: "hcl one project's default network used by prod and dev instances",
			HCL: `
resource "google_compute_instance" "prod" {
  name    = "api-prod"
  project = "acme-shared"
  network = "default"
}
resource "google_compute_instance" "dev" {
  name    = "api-dev"
  project = "acme-shared"
  network = "default"
}`,
			Want: []ruletest.Want{{Address: "google_compute_instance.dev", Path: "network", Line: 10, Message: "uses network default, which google_compute_instance.prod of environment prod uses too"}},
		},
		{
			Name:   "hcl the AWS-managed key of two accounts",
			Policy: estatePolicy,
			Files: map[string]string{
				"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111111111111"]
}
resource "aws_s3_bucket_server_side_encryption_configuration" "a" {
  bucket     = "a"
  kms_key_id = "alias/aws/s3"
}`,
				"envs/dev/main.tf": `
provider "aws" {
  allowed_account_ids = ["222222222222"]
}
resource "aws_s3_bucket_server_side_encryption_configuration" "a" {
  bucket     = "a"
  kms_key_id = "alias/aws/s3"
}`,
			},
		},
		{
			Name: "hcl prod and dev instances in a security group of no environment",
			HCL: `
resource "aws_security_group" "shared" {
  name = "shared"
}
resource "aws_instance" "prod" {
  ami                    = "ami-1"
  vpc_security_group_ids = [aws_security_group.shared.id]
  tags                   = { Environment = "prod" }
}
resource "aws_instance" "dev" {
  ami                    = "ami-1"
  vpc_security_group_ids = [aws_security_group.shared.id]
  tags                   = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{
				Address: "aws_instance.dev", Path: "vpc_security_group_ids", Line: 12,
				Message: "aws_instance.dev of environment dev uses aws_security_group.shared, which aws_instance.prod of environment prod uses too",
			}},
		},
		{
			Name: "hcl dev instance in a prod subnet is GR-SEG-007's",
			HCL: `
resource "aws_subnet" "prod" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.1.0/24"
  tags       = { Environment = "prod" }
}
resource "aws_instance" "dev" {
  ami       = "ami-1"
  subnet_id = aws_subnet.prod.id
  tags      = { Environment = "dev" }
}`,
		},
		{
			Name: "hcl data sources sharing a subnet are not judged",
			HCL: `
data "aws_subnet" "dev" {
  id   = "` + subnet + `"
  tags = { Environment = "dev" }
}
resource "aws_instance" "prod" {
  ami       = "ami-1"
  subnet_id = "` + subnet + `"
  tags      = { Environment = "prod" }
}`,
		},
		{
			Name:   "hcl dev-tagged bucket deployed with the prod account",
			Policy: estatePolicy,
			HCL: `
provider "aws" {
  allowed_account_ids = ["111111111111"]
}
resource "aws_s3_bucket" "scratch" {
  bucket = "scratch"
  tags   = { Environment = "dev" }
}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}`,
			Want: []ruletest.Want{{
				Address: "aws_s3_bucket.scratch", Line: 5,
				Message: `aws_s3_bucket.scratch is placed in dev (tag Environment="dev") but deployed with account 111111111111, which belongs to prod`,
			}},
		},
		{
			Name:   "plan dev-tagged instance whose ARN is in the prod account",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_instance.x", Actions: []string{"update"},
				Before: map[string]any{"arn": "arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc", "tags": tags("Environment", "prod")},
				After:  map[string]any{"arn": "arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc", "tags": tags("Environment", "dev")},
			}),
			Want: []ruletest.Want{{Address: "aws_instance.x", Message: "deployed with account 111111111111, which belongs to prod"}},
		},
		{
			Name: "kubernetes object labelled dev in the prod namespace",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: debug
  namespace: prod
  labels: {env: dev}
data: {DEBUG: "1"}`,
			Want: []ruletest.Want{{
				Address: "ConfigMap/prod/debug", Path: "metadata.namespace", Line: 6,
				Message: `ConfigMap/prod/debug is labelled for dev (label env="dev") but lives in namespace prod of environment prod`,
			}},
		},
		{
			Name: "kubernetes objects labelled for their namespace's environment, or in a namespace labelled so",
			YAML: `
apiVersion: v1
kind: Namespace
metadata: {name: payments, labels: {env: dev}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: prod-payments, labels: {environment: production}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: payments, labels: {env: development}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: payments, labels: {env: prod}}`,
			Want: []ruletest.Want{{Address: "ConfigMap/payments/c", Message: "is labelled for prod (label env=\"prod\") but lives in namespace payments of environment dev"}},
		},
	})
}

// TestSharedInfrastructureLinear puts 5,000 prod instances in 100 subnets
// and one dev instance in one of them.
func TestSharedInfrastructureLinear(t *testing.T) {
	var changes []ruletest.Change
	for i := range 5000 {
		env := "prod"
		if i == 2345 {
			env = "dev"
		}
		changes = append(changes, ruletest.Change{
			Address: fmt.Sprintf("aws_instance.i%d", i),
			After: map[string]any{
				"id": fmt.Sprintf("i-%017x", i), "subnet_id": fmt.Sprintf("subnet-%017x", i%100),
				"vpc_security_group_ids": []any{fmt.Sprintf("sg-%017x", i%100)}, "tags": tags("Environment", env),
			},
		})
	}
	if n := count(t, "GR-SEG-011", ruletest.Case{Plan: ruletest.Plan(changes...)}); n != 2 {
		t.Errorf("got %d findings, want 2 (the dev instance's subnet and security group)", n)
	}
}
