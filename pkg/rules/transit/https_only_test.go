package transit_test

import (
	"fmt"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestHTTPSOnly(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "hcl storage accounts",
			HCL: `
resource "azurerm_storage_account" "v4_off" {
  name                       = "v4off"
  https_traffic_only_enabled = false
}
resource "azurerm_storage_account" "v3_off" {
  name                      = "v3off"
  enable_https_traffic_only = false
}
resource "azurerm_storage_account" "default" {
  name = "default"
}`,
			Want: []ruletest.Want{
				{Address: "azurerm_storage_account.v4_off", Path: "https_traffic_only_enabled", Line: 4,
					Message: "https_traffic_only_enabled is false: the service accepts plain HTTP"},
				{Address: "azurerm_storage_account.v3_off", Path: "enable_https_traffic_only"},
			},
		},
		{
			Name: "hcl cdn endpoints: http allowed, redirected, or off",
			HCL: `
resource "azurerm_cdn_endpoint" "default" {
  name = "default"
  origin {
    name      = "o"
    host_name = "o.example.com"
  }
}
resource "azurerm_cdn_endpoint" "redirect" {
  name = "redirect"
  global_delivery_rule {
    url_redirect_action {
      redirect_type = "PermanentRedirect"
      protocol      = "Https"
    }
  }
}
resource "azurerm_cdn_endpoint" "scheme_rule" {
  name = "scheme-rule"
  delivery_rule {
    name  = "https"
    order = 1
    request_scheme_condition {
      match_values = ["HTTP"]
    }
    url_redirect_action {
      redirect_type = "Found"
      protocol      = "Https"
    }
  }
}
resource "azurerm_cdn_endpoint" "off" {
  name            = "off"
  is_http_allowed = false
}`,
			Want: []ruletest.Want{{Address: "azurerm_cdn_endpoint.default",
				Message: "is_http_allowed is not set and defaults to true, and no delivery rule redirects to HTTPS: the service accepts plain HTTP"}},
		},
		{
			Name: "hcl front door routes",
			HCL: `
resource "azurerm_cdn_frontdoor_route" "plain" {
  name                   = "plain"
  https_redirect_enabled = false
  supported_protocols    = ["Http", "Https"]
}
resource "azurerm_cdn_frontdoor_route" "https_only" {
  name                   = "https-only"
  https_redirect_enabled = false
  supported_protocols    = ["Https"]
}
resource "azurerm_cdn_frontdoor_route" "default" {
  name = "default"
}`,
			Want: []ruletest.Want{{Address: "azurerm_cdn_frontdoor_route.plain", Path: "https_redirect_enabled", Message: "https_redirect_enabled is false and the route accepts Http"}},
		},
		{
			Name: "hcl cloudsearch",
			HCL: `
resource "aws_cloudsearch_domain" "default" {
  name = "default"
}
resource "aws_cloudsearch_domain" "block_only" {
  name = "block-only"
  endpoint_options {
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}
resource "aws_cloudsearch_domain" "https" {
  name = "https"
  endpoint_options {
    enforce_https = true
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_cloudsearch_domain.default", Message: "endpoint_options.enforce_https is not set to true, and AWS's default is false"},
				{Address: "aws_cloudsearch_domain.block_only", Path: "endpoint_options[0]", Message: "enforce_https is not set to true"},
			},
		},
		{
			Name: "plan web app with https_only false, unknown, and deleted",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "azurerm_linux_web_app.a", After: map[string]any{"name": "a", "https_only": false}},
				ruletest.Change{Address: "azurerm_linux_web_app.b", After: map[string]any{"name": "b"}, Unknown: map[string]any{"https_only": true}},
				ruletest.Change{Address: "azurerm_linux_web_app.c", Actions: []string{"delete"}, Before: map[string]any{"https_only": false}},
			),
			Want: []ruletest.Want{
				{Address: "azurerm_linux_web_app.a", Path: "https_only", Message: "https_only is false"},
				{Address: "azurerm_linux_web_app.b", Path: "https_only", Undecidable: true},
			},
		},
	}
	for _, typ := range []string{
		"azurerm_app_service", "azurerm_app_service_slot", "azurerm_function_app", "azurerm_function_app_slot",
		"azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_linux_function_app", "azurerm_windows_function_app",
		"azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot", "azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
	} {
		cases = append(cases, ruletest.Case{
			Name: "every app type/" + typ,
			HCL:  fmt.Sprintf("resource %q \"off\" {\n  name = \"off\"\n}\nresource %q \"on\" {\n  name = \"on\"\n  https_only = true\n}\n", typ, typ),
			Want: []ruletest.Want{{Address: typ + ".off", Line: 1, Message: "https_only is not set and defaults to false: the service accepts plain HTTP"}},
		})
	}
	ruletest.Run(t, "GR-TLS-007", cases)
}
