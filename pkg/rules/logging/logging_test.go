package logging_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestMissingLogs(t *testing.T) {
	const unlogged = `
resource "aws_lb" "web" {
  name = "web"
  tags = { Environment = "production" }
}
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail"
  tags           = { Environment = "production" }
}`
	ruletest.Run(t, "GR-LOG-001", []ruletest.Case{
		{
			Name: "hcl production load balancer and trail without logs",
			HCL:  unlogged,
			Want: []ruletest.Want{
				{Address: "aws_lb.web", Message: "the load balancer keeps no access logs", Line: 2},
				{Address: "aws_cloudtrail.main", Message: "log file validation is not enabled"},
				{Address: "aws_cloudtrail.main", Message: "the trail records one region only (is_multi_region_trail)"},
			},
		},
		{
			Name: "hcl the same in staging is not judged",
			HCL:  unlogged,
			Env:  "staging",
		},
		{
			Name: "hcl the same without an environment is not judged",
			HCL: `
resource "aws_lb" "web" {
  name = "web"
}`,
		},
		{
			Name: "hcl production settings switched off",
			Env:  "prod",
			HCL: `
resource "aws_lb" "web" {
  access_logs {
    bucket  = "logs"
    enabled = false
  }
}
resource "aws_lb" "bucket_only" {
  access_logs {
    bucket = "logs"
  }
}
resource "aws_elb" "classic" {
  access_logs {
    bucket  = "logs"
    enabled = false
  }
}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "trail"
  enable_log_file_validation = false
  is_multi_region_trail      = false
  enable_logging             = false
}
resource "google_container_cluster" "gke" {
  name            = "gke"
  logging_service = "none"
}
resource "aws_eks_cluster" "eks" {
  name                      = "eks"
  role_arn                  = "arn:aws:iam::111122223333:role/eks"
  enabled_cluster_log_types = ["api", "authenticator"]
}
resource "aws_db_instance" "db" {
  enabled_cloudwatch_logs_exports = []
}`,
			Want: []ruletest.Want{
				{Address: "aws_lb.web", Path: "access_logs[0].enabled", Message: "access logs are disabled", Line: 5},
				{Address: "aws_lb.bucket_only", Path: "access_logs[0]", Message: "keeps no access logs"},
				{Address: "aws_elb.classic", Path: "access_logs[0].enabled", Message: "access logs are disabled"},
				{Address: "aws_cloudtrail.main", Path: "enable_log_file_validation", Message: "log file validation is off"},
				{Address: "aws_cloudtrail.main", Path: "is_multi_region_trail", Message: "one region only"},
				{Address: "aws_cloudtrail.main", Path: "enable_logging", Message: "the trail is not logging", Line: 24},
				{Address: "google_container_cluster.gke", Path: "logging_service", Message: "logging_service is none"},
				{Address: "aws_eks_cluster.eks", Path: "enabled_cluster_log_types", Message: "lacks audit"},
				{Address: "aws_db_instance.db", Path: "enabled_cloudwatch_logs_exports", Message: "the database exports no logs"},
			},
		},
		{
			Name: "hcl production entry points, clusters and databases without any logging setting",
			Env:  "prod",
			HCL: `
resource "aws_elb" "classic" {
  name = "classic"
}
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
}
resource "aws_api_gateway_stage" "v1" {
  stage_name = "v1"
}
resource "aws_apigatewayv2_stage" "v2" {
  name = "v2"
}
resource "aws_eks_cluster" "eks" {
  name = "eks"
}
resource "aws_db_instance" "db" {
  identifier = "db"
}
resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "aurora"
}
resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks"
}`,
			Want: []ruletest.Want{
				{Address: "aws_elb.classic", Message: "the load balancer keeps no access logs"},
				{Address: "aws_cloudfront_distribution.cdn", Message: "(logging_config)"},
				{Address: "aws_api_gateway_stage.v1", Message: "(access_log_settings)"},
				{Address: "aws_apigatewayv2_stage.v2", Message: "(access_log_settings)"},
				{Address: "aws_eks_cluster.eks", Message: "sends no control plane logs"},
				{Address: "aws_db_instance.db", Message: "the database exports no logs"},
				{Address: "aws_rds_cluster.aurora", Message: "the cluster exports no logs"},
				{Address: "azurerm_kubernetes_cluster.aks", Message: "Log Analytics (oms_agent)", Line: 23},
			},
		},
		{
			Name: "hcl production resources that keep their logs, and safe defaults",
			Env:  "prod",
			HCL: `
resource "aws_lb" "web" {
  access_logs {
    bucket  = "logs"
    enabled = true
  }
}
resource "aws_lb" "gwlb" {
  load_balancer_type = "gateway"
}
resource "aws_elb" "classic" {
  access_logs {
    bucket = "logs"
  }
}
resource "aws_cloudfront_distribution" "cdn" {
  logging_config {
    bucket = "logs.s3.amazonaws.com"
  }
}
resource "aws_api_gateway_stage" "v1" {
  access_log_settings {
    destination_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:api"
    format          = "$context.requestId"
  }
}
resource "aws_eks_cluster" "eks" {
  enabled_cluster_log_types = ["api", "audit"]
}
resource "aws_db_instance" "db" {
  enabled_cloudwatch_logs_exports = ["postgresql"]
}
resource "aws_cloudtrail" "main" {
  enable_log_file_validation = true
  is_multi_region_trail      = true
}
resource "google_container_cluster" "gke" {
  name = "gke"
}
resource "azurerm_kubernetes_cluster" "aks" {
  oms_agent {
    log_analytics_workspace_id = "ws"
  }
}
resource "aws_s3_bucket_logging" "b" {
  bucket        = "app"
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "app/"
}`,
		},
		{
			Name: "hcl values unknown until apply",
			Env:  "prod",
			HCL: `
variable "on" {
  type = bool
}
resource "aws_lb" "web" {
  access_logs {
    bucket  = "logs"
    enabled = var.on
  }
}
resource "aws_cloudtrail" "main" {
  enable_log_file_validation = var.on
  is_multi_region_trail      = true
}`,
			Want: []ruletest.Want{
				{Address: "aws_lb.web", Path: "access_logs[0].enabled", Undecidable: true},
				{Address: "aws_cloudtrail.main", Path: "enable_log_file_validation", Undecidable: true},
			},
		},
		{
			Name: "plan production distribution and stage with blocks left out",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_cloudfront_distribution.cdn", After: map[string]any{
					"enabled": true, "logging_config": []any{}, "tags": map[string]any{"Environment": "prod"}}},
				ruletest.Change{Address: "aws_apigatewayv2_stage.v2", After: map[string]any{
					"name": "v2", "access_log_settings": []any{}, "tags": map[string]any{"Environment": "prod"}}},
				ruletest.Change{Address: "azurerm_kubernetes_cluster.aks", After: map[string]any{
					"name": "aks", "oms_agent": []any{}, "tags": map[string]any{"environment": "prod"}}},
				ruletest.Change{Address: "aws_elb.classic", After: map[string]any{
					"name": "classic", "access_logs": []any{}, "tags": map[string]any{"Environment": "prod"}}},
				ruletest.Change{Address: "aws_elb.logged", After: map[string]any{"name": "logged",
					"access_logs": []any{map[string]any{"bucket": "logs", "enabled": true}}, "tags": map[string]any{"Environment": "prod"}}},
			),
			Want: []ruletest.Want{
				{Address: "aws_cloudfront_distribution.cdn", Path: "logging_config"},
				{Address: "aws_apigatewayv2_stage.v2", Path: "access_log_settings"},
				{Address: "azurerm_kubernetes_cluster.aks", Path: "oms_agent"},
				{Address: "aws_elb.classic", Message: "the load balancer keeps no access logs"},
			},
		},
		{
			Name: "plan values known only after apply",
			Env:  "prod",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "google_container_cluster.gke", After: map[string]any{"name": "gke"},
					Unknown: map[string]any{"logging_service": true}},
				ruletest.Change{Address: "aws_elb.classic", After: map[string]any{"name": "classic"},
					Unknown: map[string]any{"access_logs": true}},
			),
			Want: []ruletest.Want{
				{Address: "google_container_cluster.gke", Path: "logging_service", Undecidable: true},
				{Address: "aws_elb.classic", Path: "access_logs", Undecidable: true},
			},
		},
		{
			Name: "plan deleted production trail is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_cloudtrail.old", Actions: []string{"delete"},
				Before: map[string]any{"name": "old", "tags": map[string]any{"Environment": "prod"}}}),
		},
	})
}
