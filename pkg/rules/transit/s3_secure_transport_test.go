package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// denyPlaintext is a bucket policy document denying requests without TLS.
const denyPlaintext = `{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*",` +
	`"Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

func TestS3SecureTransport(t *testing.T) {
	ruletest.Run(t, "GR-TLS-006", []ruletest.Case{
		{
			Name: "hcl bucket without a policy",
			HCL: `
resource "aws_s3_bucket" "data" {
  bucket = "data"
}`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket.data", Line: 2,
				Message: "no bucket policy for bucket data denies requests without TLS (aws:SecureTransport = false)"}},
		},
		{
			Name: "hcl bucket policy as jsonencode of known values",
			HCL: `
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
resource "aws_s3_bucket_policy" "logs" {
  bucket = "logs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TLS"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = ["s3:GetObject", "s3:PutObject"]
      Resource  = ["arn:aws:s3:::logs/*"]
      Condition = { BoolIfExists = { "aws:SecureTransport" = "false" } }
    }]
  })
}`,
		},
		{
			Name: "hcl bucket policy that allows but does not deny",
			HCL: `
resource "aws_s3_bucket" "site" {
  bucket = "site"
}
resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::site/*" }]
  })
}`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket_policy.site", Path: "policy",
				Message: "the bucket policy of bucket site does not deny requests without TLS"}},
		},
		{
			Name: "hcl policy written with aws_iam_policy_document",
			HCL: `
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.tls.json
}`,
		},
		{
			Name: "hcl aws_iam_policy_document without a TLS deny",
			HCL: `
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.read.json
}`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket_policy.b", Path: "policy", Message: "does not deny requests without TLS"}},
		},
		{
			Name: "hcl policy document unknown until apply",
			HCL: `
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "${aws_s3_bucket.b.arn}/*",
      Condition = { Bool = { "aws:SecureTransport" = "false" } } }]
  })
}`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket_policy.b", Path: "policy", Undecidable: true,
				Message: "whether the bucket policy of bucket b denies requests without TLS"}},
		},
		{
			Name: "hcl bucket policy for a bucket defined elsewhere",
			HCL: `
resource "aws_s3_bucket_policy" "shared" {
  bucket = "shared-artifacts"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::shared-artifacts/*" }]
  })
}
resource "aws_s3_bucket_policy" "shared_tls" {
  bucket = "other-bucket"
  policy = "` + `{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}` + `"
}`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket_policy.shared", Message: "the bucket policy of bucket shared-artifacts does not deny requests without TLS"}},
		},
		{
			Name: "plan bucket and its policy, with the deprecated inline policy computed",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_s3_bucket.logs", After: map[string]any{"bucket": "logs", "force_destroy": false},
					Unknown: map[string]any{"policy": true, "arn": true, "id": true}},
				ruletest.Change{Address: "aws_s3_bucket_policy.logs", After: map[string]any{"bucket": "logs", "policy": denyPlaintext}},
				ruletest.Change{Address: "aws_s3_bucket.plain", After: map[string]any{"bucket": "plain"},
					Unknown: map[string]any{"policy": true}},
			),
			Want: []ruletest.Want{{Address: "aws_s3_bucket.plain", Message: "no bucket policy for bucket plain denies requests without TLS"}},
		},
		{
			Name: "plan deleted bucket is not judged",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_s3_bucket.old", Actions: []string{"delete"}, Before: map[string]any{"bucket": "old"}},
			),
		},
		{
			Name: "policy switches the rule off in dev",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: p}
spec:
  environments:
    definitions:
    - {name: prod, production: true}
    - {name: dev}
  rules:
    GR-TLS-006: {excludeEnvironments: [dev]}
`,
			HCL: `
resource "aws_s3_bucket" "scratch" {
  bucket = "scratch"
  tags   = { Environment = "dev" }
}
resource "aws_s3_bucket" "records" {
  bucket = "records"
  tags   = { Environment = "prod" }
}`,
			Want: []ruletest.Want{{Address: "aws_s3_bucket.records", Message: "bucket records"}},
		},
	})
}
