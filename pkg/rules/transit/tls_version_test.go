package transit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// tlsHolders place a TLS policy name in a resource of each type: the HCL
// body (with %q for the name) and the path of the attribute.
var tlsHolders = map[string]struct{ body, path string }{
	"aws_lb_listener": {`load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:cert"
  ssl_policy        = %q
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }`, "ssl_policy"},
	"aws_alb_listener": {`load_balancer_arn = "arn:lb"
  port              = 8443
  protocol          = "TLS"
  ssl_policy        = %q
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }`, "ssl_policy"},
	"aws_cloudfront_distribution": {`enabled = true
  viewer_certificate {
    acm_certificate_arn      = "arn:cert"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = %q
  }`, "viewer_certificate[0].minimum_protocol_version"},
	"aws_api_gateway_domain_name":  {`domain_name = "api.example.com"` + "\n  security_policy = %q", "security_policy"},
	"aws_apigatewayv2_domain_name": {"domain_name = \"api.example.com\"\n  domain_name_configuration {\n    certificate_arn = \"arn:cert\"\n    endpoint_type = \"REGIONAL\"\n    security_policy = %q\n  }", "domain_name_configuration[0].security_policy"},
	"aws_opensearch_domain":        {"domain_name = \"search\"\n  domain_endpoint_options {\n    enforce_https = true\n    tls_security_policy = %q\n  }", "domain_endpoint_options[0].tls_security_policy"},
	"aws_elasticsearch_domain":     {"domain_name = \"search\"\n  domain_endpoint_options {\n    enforce_https = true\n    tls_security_policy = %q\n  }", "domain_endpoint_options[0].tls_security_policy"},
	"google_compute_ssl_policy":    {"name = \"ssl\"\n  profile = \"MODERN\"\n  min_tls_version = %q", "min_tls_version"},
	"azurerm_storage_account":      {"name = \"st\"\n  min_tls_version = %q", "min_tls_version"},
	"azurerm_app_service":          {"name = \"app\"\n  site_config {\n    min_tls_version = %q\n  }", "site_config[0].min_tls_version"},
	"azurerm_app_service_slot":     {"name = \"slot\"\n  site_config {\n    min_tls_version = %q\n  }", "site_config[0].min_tls_version"},
	"azurerm_function_app":         {"name = \"fn\"\n  site_config {\n    min_tls_version = %q\n  }", "site_config[0].min_tls_version"},
	"azurerm_linux_web_app":        {"name = \"app\"\n  site_config {\n    minimum_tls_version = %q\n  }", "site_config[0].minimum_tls_version"},
	"azurerm_windows_web_app":      {"name = \"app\"\n  site_config {\n    scm_minimum_tls_version = %q\n  }", "site_config[0].scm_minimum_tls_version"},
	"azurerm_linux_function_app":   {"name = \"fn\"\n  site_config {\n    minimum_tls_version = %q\n  }", "site_config[0].minimum_tls_version"},
	"azurerm_windows_function_app": {"name = \"fn\"\n  site_config {\n    minimum_tls_version = %q\n  }", "site_config[0].minimum_tls_version"},
	"azurerm_linux_web_app_slot":   {"name = \"slot\"\n  site_config {\n    minimum_tls_version = %q\n  }", "site_config[0].minimum_tls_version"},
	"azurerm_windows_web_app_slot": {"name = \"slot\"\n  site_config {\n    minimum_tls_version = %q\n  }", "site_config[0].minimum_tls_version"},
	"azurerm_linux_function_app_slot": {"name = \"slot\"\n  site_config {\n    minimum_tls_version = %q\n  }",
		"site_config[0].minimum_tls_version"},
	"azurerm_windows_function_app_slot": {"name = \"slot\"\n  site_config {\n    minimum_tls_version = %q\n  }",
		"site_config[0].minimum_tls_version"},
	"azurerm_mssql_server":                {"name = \"sql\"\n  minimum_tls_version = %q", "minimum_tls_version"},
	"azurerm_redis_cache":                 {"name = \"cache\"\n  minimum_tls_version = %q", "minimum_tls_version"},
	"azurerm_postgresql_server":           {"name = \"pg\"\n  ssl_minimal_tls_version_enforced = %q", "ssl_minimal_tls_version_enforced"},
	"azurerm_mysql_server":                {"name = \"my\"\n  ssl_minimal_tls_version_enforced = %q", "ssl_minimal_tls_version_enforced"},
	"azurerm_eventhub_namespace":          {"name = \"eh\"\n  minimum_tls_version = %q", "minimum_tls_version"},
	"azurerm_servicebus_namespace":        {"name = \"sb\"\n  minimum_tls_version = %q", "minimum_tls_version"},
	"azurerm_cdn_frontdoor_custom_domain": {"name = \"www\"\n  tls {\n    minimum_tls_version = %q\n  }", "tls[0].minimum_tls_version"},
	"azurerm_application_gateway": {"name = \"agw\"\n  ssl_policy {\n    policy_type = \"Custom\"\n    min_protocol_version = %q\n  }",
		"ssl_policy[0].min_protocol_version"},
	"azurerm_application_gateway/predefined": {"name = \"agw\"\n  ssl_policy {\n    policy_type = \"Predefined\"\n    policy_name = %q\n  }",
		"ssl_policy[0].policy_name"},
}

// tlsNames are real names each provider uses, with the lowest version they
// allow ("" for names guardrail must call undecidable).
var tlsNames = []struct{ typ, name, min string }{
	{"aws_lb_listener", "ELBSecurityPolicy-2016-08", "1.0"},
	{"aws_lb_listener", "ELBSecurityPolicy-2015-05", "1.0"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS-1-0-2015-04", "1.0"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS-1-1-2017-01", "1.1"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS-1-2-2017-01", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-FS-2018-06", "1.0"},
	{"aws_lb_listener", "ELBSecurityPolicy-FS-1-1-2019-08", "1.1"},
	{"aws_lb_listener", "ELBSecurityPolicy-FS-1-2-2019-08", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-FS-1-2-Res-2020-10", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-0-2021-06", "1.0"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-1-2021-06", "1.1"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "1.2"},
	{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "1.3"},
	{"aws_alb_listener", "ELBSecurityPolicy-TLS13-1-1-2021-06", "1.1"},
	{"aws_lb_listener", "MyCompanyPolicy", ""},
	{"aws_cloudfront_distribution", "SSLv3", "SSL 3.0"},
	{"aws_cloudfront_distribution", "TLSv1", "1.0"},
	{"aws_cloudfront_distribution", "TLSv1_2016", "1.0"},
	{"aws_cloudfront_distribution", "TLSv1.1_2016", "1.1"},
	{"aws_cloudfront_distribution", "TLSv1.2_2018", "1.2"},
	{"aws_cloudfront_distribution", "TLSv1.2_2019", "1.2"},
	{"aws_cloudfront_distribution", "TLSv1.2_2021", "1.2"},
	{"aws_cloudfront_distribution", "TLSv1.3_2025", "1.3"},
	{"aws_api_gateway_domain_name", "TLS_1_0", "1.0"},
	{"aws_api_gateway_domain_name", "TLS_1_2", "1.2"},
	{"aws_api_gateway_domain_name", "SecurityPolicy_TLS13_1_2_2021_06", "1.2"},
	{"aws_api_gateway_domain_name", "SecurityPolicy_TLS13_1_3_2025_09", "1.3"},
	{"aws_apigatewayv2_domain_name", "TLS_1_2", "1.2"},
	{"aws_opensearch_domain", "Policy-Min-TLS-1-0-2019-07", "1.0"},
	{"aws_opensearch_domain", "Policy-Min-TLS-1-2-2019-07", "1.2"},
	{"aws_opensearch_domain", "Policy-Min-TLS-1-2-PFS-2023-10", "1.2"},
	{"aws_elasticsearch_domain", "Policy-Min-TLS-1-0-2019-07", "1.0"},
	{"google_compute_ssl_policy", "TLS_1_0", "1.0"},
	{"google_compute_ssl_policy", "TLS_1_1", "1.1"},
	{"google_compute_ssl_policy", "TLS_1_2", "1.2"},
	{"google_compute_ssl_policy", "TLS_1_3", "1.3"},
	{"azurerm_storage_account", "TLS1_0", "1.0"},
	{"azurerm_storage_account", "TLS1_1", "1.1"},
	{"azurerm_storage_account", "TLS1_2", "1.2"},
	{"azurerm_app_service", "1.0", "1.0"},
	{"azurerm_app_service_slot", "1.1", "1.1"},
	{"azurerm_function_app", "1.2", "1.2"},
	{"azurerm_linux_web_app", "1.3", "1.3"},
	{"azurerm_linux_web_app", "1.1", "1.1"},
	{"azurerm_windows_web_app", "1.0", "1.0"},
	{"azurerm_linux_function_app", "1.0", "1.0"},
	{"azurerm_windows_function_app", "1.2", "1.2"},
	{"azurerm_linux_web_app_slot", "1.1", "1.1"},
	{"azurerm_windows_web_app_slot", "1.0", "1.0"},
	{"azurerm_linux_function_app_slot", "1.2", "1.2"},
	{"azurerm_windows_function_app_slot", "1.1", "1.1"},
	{"azurerm_mssql_server", "1.0", "1.0"},
	{"azurerm_mssql_server", "Disabled", "1.0"},
	{"azurerm_mssql_server", "1.2", "1.2"},
	{"azurerm_redis_cache", "1.0", "1.0"},
	{"azurerm_redis_cache", "1.2", "1.2"},
	{"azurerm_postgresql_server", "TLSEnforcementDisabled", "1.0"},
	{"azurerm_postgresql_server", "TLS1_1", "1.1"},
	{"azurerm_mysql_server", "TLS1_2", "1.2"},
	{"azurerm_eventhub_namespace", "1.0", "1.0"},
	{"azurerm_servicebus_namespace", "1.2", "1.2"},
	{"azurerm_cdn_frontdoor_custom_domain", "TLS10", "1.0"},
	{"azurerm_cdn_frontdoor_custom_domain", "TLS12", "1.2"},
	{"azurerm_application_gateway", "TLSv1_0", "1.0"},
	{"azurerm_application_gateway", "TLSv1_1", "1.1"},
	{"azurerm_application_gateway", "TLSv1_2", "1.2"},
	{"azurerm_application_gateway", "TLSv1_3", "1.3"},
	{"azurerm_application_gateway/predefined", "AppGwSslPolicy20150501", "1.0"},
	{"azurerm_application_gateway/predefined", "AppGwSslPolicy20170401", "1.1"},
	{"azurerm_application_gateway/predefined", "AppGwSslPolicy20170401S", "1.2"},
	{"azurerm_application_gateway/predefined", "AppGwSslPolicy20220101", "1.2"},
	{"azurerm_application_gateway/predefined", "AppGwSslPolicy20220101S", "1.2"},
}

// tlsNameCase renders a resource holding name and the findings it must give
// under a policy whose minimum is min ("1.2" or "1.3").
func tlsNameCase(typ, name, allows, min string) ruletest.Case {
	h := tlsHolders[typ]
	typ, _, _ = strings.Cut(typ, "/")
	c := ruletest.Case{
		Name: fmt.Sprintf("names/min %s/%s %s", min, typ, name),
		HCL:  fmt.Sprintf("resource %q \"x\" {\n  %s\n}\n", typ, fmt.Sprintf(h.body, name)),
	}
	if min != "1.2" {
		c.Policy = "apiVersion: guardrail.dev/v1alpha1\nkind: Policy\nmetadata: {name: tls13}\nspec:\n  transit:\n    minTLSVersion: \"" + min + "\"\n"
	}
	attr := h.path[strings.LastIndexAny(h.path, ".")+1:]
	addr := typ + ".x"
	switch {
	case allows == "":
		c.Want = []ruletest.Want{{Address: addr, Path: h.path, Undecidable: true, Message: "guardrail does not know TLS policy " + name}}
	case allows < min || allows == "SSL 3.0":
		version := "TLS " + allows
		if allows == "SSL 3.0" {
			version = allows
		}
		c.Want = []ruletest.Want{{Address: addr, Path: h.path,
			Message: fmt.Sprintf("%s %q allows %s; the policy requires TLS %s or newer", attr, name, version, min)}}
	}
	return c
}

func TestWeakTLSVersion(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "hcl https listener with an old policy",
			HCL: `
resource "aws_lb_listener" "https" {
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = "arn:cert"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_lb_listener.https", Path: "ssl_policy", Line: 6,
				Message: `ssl_policy "ELBSecurityPolicy-2016-08" allows TLS 1.0; the policy requires TLS 1.2 or newer`}},
		},
		{
			Name: "hcl listeners: https without a policy, plain http, tcp",
			HCL: `
resource "aws_lb_listener" "default_policy" {
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:cert"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener" "tcp" {
  load_balancer_arn = "arn:nlb"
  port              = 5432
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_lb_listener.default_policy",
				Message: "no ssl_policy, so AWS applies ELBSecurityPolicy-2016-08, which allows TLS 1.0; the policy requires TLS 1.2 or newer"}},
		},
		{
			Name: "plan listener whose policy is known only after apply",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_lb_listener.https", After: map[string]any{
				"port": 443, "protocol": "HTTPS", "certificate_arn": "arn:cert",
			}, Unknown: map[string]any{"ssl_policy": true, "arn": true}}),
			Want: []ruletest.Want{{Address: "aws_lb_listener.https", Path: "ssl_policy", Undecidable: true,
				Message: "cannot be decided statically: the lowest TLS version allowed depends on ssl_policy (known only after apply)"}},
		},
		{
			Name: "plan listener with a modern policy, and a deleted one with an old policy",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_lb_listener.new", After: map[string]any{"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}},
				ruletest.Change{Address: "aws_lb_listener.old", Actions: []string{"delete"}, Before: map[string]any{"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-2016-08"}},
			),
		},
		{
			Name: "hcl cloudfront: default certificate, and no minimum set",
			HCL: `
resource "aws_cloudfront_distribution" "default_cert" {
  enabled = true
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
resource "aws_cloudfront_distribution" "no_minimum" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn = "arn:cert"
    ssl_support_method  = "sni-only"
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_cloudfront_distribution.default_cert", Path: "viewer_certificate[0].cloudfront_default_certificate", Line: 5,
					Message: "the distribution uses the default CloudFront certificate, which allows TLS 1.0; the policy requires TLS 1.2 or newer"},
				{Address: "aws_cloudfront_distribution.no_minimum", Path: "viewer_certificate[0].minimum_protocol_version",
					Message: "no minimum_protocol_version, so viewers may use TLS 1.0 (TLSv1)"},
			},
		},
		{
			Name: "policy allowing TLS 1.0 accepts the default cloudfront certificate",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: legacy}
spec:
  transit: {minTLSVersion: "1.0"}
`,
			HCL: `
resource "aws_cloudfront_distribution" "default_cert" {
  enabled = true
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
resource "aws_lb_listener" "old" {
  load_balancer_arn = "arn:lb"
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
		},
		{
			Name: "hcl api gateway domain without a security policy",
			HCL: `
resource "aws_api_gateway_domain_name" "api" {
  domain_name              = "api.example.com"
  regional_certificate_arn = "arn:cert"
}`,
			Want: []ruletest.Want{{Address: "aws_api_gateway_domain_name.api", Message: "no security_policy, so the domain accepts TLS 1.0 (TLS_1_0)"}},
		},
		{
			Name: "hcl search domains without endpoint options",
			HCL: `
resource "aws_elasticsearch_domain" "legacy" {
  domain_name = "legacy"
}
resource "aws_opensearch_domain" "new" {
  domain_name = "new"
}`,
			Want: []ruletest.Want{{Address: "aws_elasticsearch_domain.legacy",
				Message: "no tls_security_policy, so the domain applies Policy-Min-TLS-1-0-2019-07, which allows TLS 1.0"}},
		},
		{
			Name: "hcl gcp ssl policy left to its default, proxies with and without a policy",
			HCL: `
resource "google_compute_ssl_policy" "default" {
  name = "default"
}
resource "google_compute_target_https_proxy" "with_policy" {
  name             = "with"
  url_map          = "projects/p/global/urlMaps/web"
  ssl_certificates = ["projects/p/global/sslCertificates/web"]
  ssl_policy       = google_compute_ssl_policy.default.id
}
resource "google_compute_target_https_proxy" "without" {
  name             = "without"
  url_map          = "projects/p/global/urlMaps/web"
  ssl_certificates = ["projects/p/global/sslCertificates/web"]
}
resource "google_compute_region_target_https_proxy" "without" {
  name             = "without"
  region           = "europe-west1"
  url_map          = "projects/p/regions/europe-west1/urlMaps/web"
  ssl_certificates = ["projects/p/regions/europe-west1/sslCertificates/web"]
}
resource "google_compute_target_ssl_proxy" "without" {
  name             = "without"
  backend_service  = "projects/p/global/backendServices/tcp"
  ssl_certificates = ["projects/p/global/sslCertificates/web"]
}`,
			Want: []ruletest.Want{
				{Address: "google_compute_ssl_policy.default", Message: "no min_tls_version, which defaults to TLS_1_0"},
				{Address: "google_compute_target_https_proxy.without", Message: "no ssl_policy, so the load balancer applies GCP's default SSL policy, which allows TLS 1.0"},
				{Address: "google_compute_region_target_https_proxy.without", Message: "GCP's default SSL policy"},
				{Address: "google_compute_target_ssl_proxy.without", Message: "GCP's default SSL policy"},
			},
		},
		{
			Name: "hcl azure defaults meet TLS 1.2",
			HCL: `
resource "azurerm_storage_account" "st" {
  name                     = "st"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
resource "azurerm_linux_web_app" "app" {
  name = "app"
  site_config {}
}
resource "azurerm_mssql_server" "sql" {
  name    = "sql"
  version = "12.0"
}
resource "azurerm_application_gateway" "agw" {
  name = "agw"
}`,
		},
		{
			Name: "hcl azure api management with old protocols switched on",
			HCL: `
resource "azurerm_api_management" "old" {
  name            = "old"
  publisher_name  = "p"
  publisher_email = "p@example.com"
  sku_name        = "Developer_1"
  security {
    enable_frontend_tls10 = true
    enable_backend_ssl30  = true
    enable_frontend_tls11 = false
  }
}
resource "azurerm_api_management" "new" {
  name            = "new"
  publisher_name  = "p"
  publisher_email = "p@example.com"
  sku_name        = "Developer_1"
  security {
    frontend_tls11_enabled = true
  }
}
resource "azurerm_api_management" "default" {
  name            = "default"
  publisher_name  = "p"
  publisher_email = "p@example.com"
  sku_name        = "Developer_1"
}`,
			Want: []ruletest.Want{
				{Address: "azurerm_api_management.old", Path: "security[0].enable_frontend_tls10",
					Message: "enable_frontend_tls10 is true: the gateway accepts TLS 1.0 from clients; the policy requires TLS 1.2 or newer"},
				{Address: "azurerm_api_management.old", Path: "security[0].enable_backend_ssl30", Message: "the gateway accepts SSL 3.0 to backends"},
				{Address: "azurerm_api_management.new", Path: "security[0].frontend_tls11_enabled", Message: "accepts TLS 1.1 from clients"},
			},
		},
		{
			Name: "hcl minimum version unknown until apply",
			HCL: `
variable "tls" {}
resource "azurerm_storage_account" "st" {
  name            = "st"
  min_tls_version = var.tls
}`,
			Want: []ruletest.Want{{Address: "azurerm_storage_account.st", Path: "min_tls_version", Undecidable: true}},
		},
	}
	for _, n := range tlsNames {
		cases = append(cases, tlsNameCase(n.typ, n.name, n.min, "1.2"))
	}
	for _, n := range []struct{ typ, name, min string }{
		{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-2-2021-06", "1.2"},
		{"aws_lb_listener", "ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3"},
		{"aws_cloudfront_distribution", "TLSv1.2_2021", "1.2"},
		{"aws_cloudfront_distribution", "TLSv1.3_2025", "1.3"},
		{"google_compute_ssl_policy", "TLS_1_3", "1.3"},
		{"azurerm_linux_web_app", "1.2", "1.2"},
		{"azurerm_application_gateway", "TLSv1_3", "1.3"},
	} {
		cases = append(cases, tlsNameCase(n.typ, n.name, n.min, "1.3"))
	}
	ruletest.Run(t, "GR-TLS-002", cases)
}
