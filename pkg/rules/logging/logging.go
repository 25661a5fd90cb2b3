// Package logging holds the logging rule (GR-LOG-*): production load
// balancers, CDNs, APIs, databases, clusters and trails keep the logs that
// policy 001 and 004 ask for.
package logging

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

// absent is wrong when a nested block or list is empty: plans write a block
// that is left out as [], where HCL has nothing (the setting's Missing).
func absent(msg string) func(resource.Value) (string, bool) {
	return func(v resource.Value) (string, bool) { return msg, len(v.List()) == 0 }
}

// A load balancer's access_logs.enabled defaults to false for aws_lb and to
// true for aws_elb; gateway load balancers keep no access logs at all.
func notGateway(r *resource.Resource) bool { return r.Get("load_balancer_type").String() != "gateway" }

const noAccessLogs = "the load balancer keeps no access logs"

var logSettings = []expect.Setting{
	{Type: "aws_lb", Path: []string{"access_logs", "enabled"}, Wrong: expect.IsFalse("access logs are disabled"),
		Missing: noAccessLogs, What: "whether access logs are kept", When: notGateway},
	{Type: "aws_elb", Path: []string{"access_logs", "enabled"}, Wrong: expect.IsFalse("access logs are disabled"),
		MissingBlock: noAccessLogs, What: "whether access logs are kept"},
	{Type: "aws_cloudfront_distribution", Path: []string{"logging_config"}, Wrong: absent("the distribution keeps no access logs (logging_config)"),
		Missing: "the distribution keeps no access logs (logging_config)", What: "whether access logs are kept"},
	{Type: "aws_api_gateway_stage", Path: []string{"access_log_settings"}, Wrong: absent("the stage keeps no access logs (access_log_settings)"),
		Missing: "the stage keeps no access logs (access_log_settings)", What: "whether access logs are kept"},
	{Type: "aws_apigatewayv2_stage", Path: []string{"access_log_settings"}, Wrong: absent("the stage keeps no access logs (access_log_settings)"),
		Missing: "the stage keeps no access logs (access_log_settings)", What: "whether access logs are kept"},
	{Type: "aws_eks_cluster", Path: []string{"enabled_cluster_log_types"},
		Wrong: func(v resource.Value) (string, bool) {
			types, _ := v.Strings()
			for _, t := range types {
				if t == "audit" {
					return "", false
				}
			}
			return "the cluster does not send its audit log (enabled_cluster_log_types lacks audit)", true
		},
		Missing: "the cluster sends no control plane logs (enabled_cluster_log_types)", What: "which cluster logs are kept"},
	{Type: "aws_db_instance", Path: []string{"enabled_cloudwatch_logs_exports"}, Wrong: absent("the database exports no logs (enabled_cloudwatch_logs_exports)"),
		Missing: "the database exports no logs (enabled_cloudwatch_logs_exports)", What: "which database logs are exported"},
	{Type: "aws_rds_cluster", Path: []string{"enabled_cloudwatch_logs_exports"}, Wrong: absent("the cluster exports no logs (enabled_cloudwatch_logs_exports)"),
		Missing: "the cluster exports no logs (enabled_cloudwatch_logs_exports)", What: "which database logs are exported"},
	{Type: "aws_cloudtrail", Path: []string{"enable_log_file_validation"}, Wrong: expect.IsFalse("log file validation is off, so tampering goes unseen"),
		Missing: "log file validation is not enabled, so tampering goes unseen", What: "whether log files are validated"},
	{Type: "aws_cloudtrail", Path: []string{"is_multi_region_trail"}, Wrong: expect.IsFalse("the trail records one region only"),
		Missing: "the trail records one region only (is_multi_region_trail)", What: "whether the trail covers every region"},
	{Type: "aws_cloudtrail", Path: []string{"enable_logging"}, Wrong: expect.IsFalse("the trail is not logging"), What: "whether the trail logs"},
	{Type: "google_container_cluster", Path: []string{"logging_service"}, Wrong: expect.OneOf("logging_service is %v", "none"), What: "whether the cluster logs"},
	{Type: "azurerm_kubernetes_cluster", Path: []string{"oms_agent"}, Wrong: absent("the cluster sends no logs to Log Analytics (oms_agent)"),
		Missing: "the cluster sends no logs to Log Analytics (oms_agent)", What: "whether the cluster logs"},
}

// MissingLogs is GR-LOG-001.
var MissingLogs = &rule.Rule{
	ID:       "GR-LOG-001",
	Title:    "Production entry points and data stores keep logs",
	Control:  rule.Logging,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.LoggingAndMonitoring, clause.AccessLoggedToS3},
	Description: "In a production environment, a load balancer, CDN distribution or API stage keeps no access logs, " +
		"a database exports no logs, a Kubernetes cluster does not send its audit log, or a CloudTrail trail is " +
		"single-region or unvalidated. Other environments are not judged.",
	Remediation: "Turn on access logs (to a central bucket), database log exports, the cluster audit log, and " +
		"multi-region trails with log file validation.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   expect.Types(logSettings),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_91", "CKV_AWS_92", "CKV_AWS_86", "CKV_AWS_76", "CKV_AWS_37", "CKV_AWS_129", "CKV_AWS_36", "CKV_AWS_67",
			"CKV_AWS_251", "CKV_GCP_1", "CKV_AZURE_4"},
		Trivy: []string{"AWS-0001", "AWS-0010", "AWS-0014", "AWS-0016", "AWS-0038", "GCP-0060", "AZU-0040"},
		Terrascan: []string{"AC_AWS_0014", "AC_AWS_0025", "AC_AWS_0442", "AC_AWS_0446", "AC_AWS_0454", "AC_AWS_0465", "AC_AWS_0470",
			"AC_GCP_0030"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if !p.Policy.IsProduction(p.Env(r)) {
			return
		}
		expect.Judge(p, r, logSettings)
	},
}

// Rules returns the logging rules.
func Rules() []*rule.Rule { return []*rule.Rule{MissingLogs} }
