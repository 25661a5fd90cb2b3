package segregation_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// trust renders an assume-role policy trusting principal.
func trust(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"` + principal + `"}}]}`
}

func TestForeignTrust(t *testing.T) {
	ruletest.Run(t, "GR-SEG-006", []ruletest.Case{
		{
			Name:   "hcl prod role trusting the dev account",
			Policy: estatePolicy,
			HCL: `
resource "aws_iam_role" "deployer" {
  name = "deployer"
  tags = { Environment = "prod" }
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:role/ci"] }
    }]
  })
}`,
			Want: []ruletest.Want{{
				Address: "aws_iam_role.deployer", Path: "assume_role_policy", Line: 5,
				Message: "the policy trusts arn:aws:iam::222222222222:role/ci of environment dev (account 222222222222)",
			}},
		},
		{
			Name:   "hcl prod role trusting its own account",
			Policy: estatePolicy,
			HCL: `
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  tags               = { Environment = "prod" }
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "111111111111" } }] })
}`,
		},
		{
			Name:   "hcl prod role written with a policy document data source trusting the dev account",
			Policy: estatePolicy,
			HCL: `
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::222222222222:root"]
    }
  }
}
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  tags               = { Environment = "prod" }
  assume_role_policy = data.aws_iam_policy_document.trust.json
}`,
			Want: []ruletest.Want{{
				Address: "aws_iam_role.deployer", Path: "assume_role_policy", Line: 14,
				Message: "the policy (data.aws_iam_policy_document.trust) trusts arn:aws:iam::222222222222:root of environment dev",
			}},
		},
		{
			Name:   "hcl policy document data source trusting principals unknown until apply",
			Policy: estatePolicy,
			HCL: `
variable "ci_role" {}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root", var.ci_role]
    }
  }
}
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  tags               = { Environment = "prod" }
  assume_role_policy = data.aws_iam_policy_document.trust.json
}`,
			Want: []ruletest.Want{{
				Address: "aws_iam_role.deployer", Path: "assume_role_policy", Undecidable: true,
				Message: "statement[0].principals[0] of data.aws_iam_policy_document.trust is unknown until apply",
			}},
		},
		{
			Name:   "hcl trust policy unknown until apply",
			Policy: estatePolicy,
			HCL: `
variable "trust" {}
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  tags               = { Environment = "prod" }
  assume_role_policy = var.trust
}`,
			Want: []ruletest.Want{{Address: "aws_iam_role.deployer", Path: "assume_role_policy", Undecidable: true, Message: "which accounts the policy trusts"}},
		},
		{
			Name: "hcl unplaced role with a trust policy unknown until apply",
			HCL: `
variable "trust" {}
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = var.trust
}`,
		},
		{
			Name: "hcl unplaced role anyone may assume",
			HCL: `
resource "aws_iam_role" "open" {
  name               = "open"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }] })
}`,
			Want: []ruletest.Want{{Address: "aws_iam_role.open", Message: "the trust policy lets any AWS account assume the role"}},
		},
		{
			Name: "hcl role anyone in the organisation may assume",
			HCL: `
resource "aws_iam_role" "org" {
  name = "org"
  assume_role_policy = jsonencode({ Statement = [{
    Effect    = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" },
    Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
  }] })
}`,
		},
		{
			Name: "hcl role trusting everyone but one account",
			HCL: `
resource "aws_iam_role" "notp" {
  name               = "notp"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", NotPrincipal = { AWS = "arn:aws:iam::222222222222:root" } }] })
  tags               = { Environment = "prod" }
}`,
			Policy: estatePolicy,
			Want:   []ruletest.Want{{Address: "aws_iam_role.notp", Message: "the trust policy lets any AWS account assume the role"}},
		},
		{
			Name:   "hcl staging role trusting the dev account, an allowed mix",
			Policy: estate("  segregation:\n    allowedMixes: [[dev, staging]]\n"),
			HCL: `
resource "aws_iam_role" "r" {
  name               = "r"
  tags               = { Environment = "staging" }
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "222222222222" } }] })
}`,
		},
		{
			Name:   "plan dev identity policy assuming a prod role",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_iam_policy.hop", After: map[string]any{
				"name": "hop", "tags": tags("Environment", "dev"),
				"policy": `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/admin"}]}`,
			}}),
			Want: []ruletest.Want{{Address: "aws_iam_policy.hop", Path: "policy", Message: "the policy lets dev assume arn:aws:iam::111111111111:role/admin of environment prod (account 111111111111)"}},
		},
		{
			Name:   "plan prod bucket policy granting the dev account, bucket placed by the provider account",
			Policy: estatePolicy,
			Plan: planWith(t, planConfig{Account: "111111111111"}, ruletest.Change{Address: "aws_s3_bucket_policy.data", After: map[string]any{
				"bucket": "data",
				"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Principal":{"AWS":"222222222222"}}]}`,
			}}),
			Want: []ruletest.Want{{Address: "aws_s3_bucket_policy.data", Path: "policy", Message: "the policy trusts 222222222222 of environment dev (account 222222222222)"}},
		},
		{
			Name: "plan dev role trusting a role named for prod",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_iam_role.r", After: map[string]any{
				"name": "r", "tags": tags("Environment", "dev"), "assume_role_policy": trust("arn:aws:iam::123456789012:role/prod-deployer"),
			}}),
			Want: []ruletest.Want{{Address: "aws_iam_role.r", Message: "trusts arn:aws:iam::123456789012:role/prod-deployer of environment prod (name prod-deployer)"}},
		},
		{
			Name:   "plan deleting a prod role trusting the dev account",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_iam_role.r", Actions: []string{"delete"}, Before: map[string]any{
				"name": "r", "tags": tags("Environment", "prod"), "assume_role_policy": trust("222222222222"),
			}}),
		},
		{
			Name:   "plan trust policy known only after apply",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{
				Address: "aws_iam_role.r", After: map[string]any{"name": "r", "tags": tags("Environment", "prod")},
				Unknown: map[string]any{"assume_role_policy": true},
			}),
			Want: []ruletest.Want{{Address: "aws_iam_role.r", Path: "assume_role_policy", Undecidable: true}},
		},
		{
			Name:   "hcl prod GCP project granting a dev service account",
			Policy: estatePolicy,
			HCL: `
resource "google_project_iam_member" "ci" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "serviceAccount:ci@acme-dev.iam.gserviceaccount.com"
}`,
			Want: []ruletest.Want{{
				Address: "google_project_iam_member.ci", Path: "member", Line: 5,
				Message: "serviceAccount:ci@acme-dev.iam.gserviceaccount.com of environment dev (project or subscription acme-dev) is granted access in prod",
			}},
		},
		{
			Name:   "hcl prod GCP bucket binding with members unknown until apply",
			Policy: estatePolicy,
			HCL: `
variable "readers" {}
resource "google_storage_bucket_iam_binding" "r" {
  bucket  = "prod-data"
  role    = "roles/storage.objectViewer"
  members = var.readers
}`,
			Want: []ruletest.Want{{Address: "google_storage_bucket_iam_binding.r", Path: "members", Undecidable: true, Message: "which principals are granted access"}},
		},
	})
}
