package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestCloudFrontHTTP(t *testing.T) {
	ruletest.Run(t, "GR-TLS-003", []ruletest.Case{
		{
			Name: "hcl viewers over http and an http-only origin",
			HCL: `
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "site"
    domain_name = "site.s3-website-eu-west-1.amazonaws.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  ordered_cache_behavior {
    path_pattern           = "/static/*"
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_cloudfront_distribution.cdn", Path: "default_cache_behavior[0].viewer_protocol_policy", Line: 16,
					Message: "the default cache behaviour serves viewers over plain HTTP (viewer_protocol_policy = allow-all)"},
				{Address: "aws_cloudfront_distribution.cdn", Path: "origin[0].custom_origin_config[0].origin_protocol_policy", Line: 10,
					Message: `origin "site" (site.s3-website-eu-west-1.amazonaws.com) is fetched over plain HTTP (origin_protocol_policy = http-only)`},
			},
		},
		{
			Name: "hcl match-viewer origins: behind allow-all and behind https only",
			HCL: `
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "api"
    domain_name = "api.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "match-viewer"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "match-viewer"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "api"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_cloudfront_distribution.cdn", Path: "ordered_cache_behavior[0].viewer_protocol_policy",
					Message: "the cache behaviour for /api/* serves viewers over plain HTTP"},
				{Address: "aws_cloudfront_distribution.cdn", Path: "origin[0].custom_origin_config[0].origin_protocol_policy",
					Message: `origin "api" is fetched over plain HTTP when viewers use HTTP (match-viewer behind allow-all)`},
			},
		},
		{
			Name: "hcl https everywhere, and an s3 origin",
			HCL: `
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "bucket"
    domain_name = "bucket.s3.eu-west-1.amazonaws.com"
    s3_origin_config {
      origin_access_identity = "origin-access-identity/cloudfront/E1"
    }
  }
  origin {
    origin_id   = "api"
    domain_name = "api.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "bucket"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
}`,
		},
		{
			Name: "plan viewer policy known only after apply, and a deleted distribution",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_cloudfront_distribution.cdn", After: map[string]any{
					"enabled": true, "default_cache_behavior": []any{map[string]any{"target_origin_id": "a"}},
				}, Unknown: map[string]any{"default_cache_behavior": []any{map[string]any{"viewer_protocol_policy": true}}}},
				ruletest.Change{Address: "aws_cloudfront_distribution.old", Actions: []string{"delete"}, Before: map[string]any{
					"default_cache_behavior": []any{map[string]any{"viewer_protocol_policy": "allow-all"}},
				}},
			),
			Want: []ruletest.Want{{Address: "aws_cloudfront_distribution.cdn", Path: "default_cache_behavior[0].viewer_protocol_policy", Undecidable: true}},
		},
	})
}
