package transit

import (
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

const httpAllowed = "the service accepts plain HTTP"

// httpsOnlyApps are the Azure app types with an https_only switch, off by default.
var httpsOnlyApps = []string{
	"azurerm_app_service", "azurerm_app_service_slot", "azurerm_function_app", "azurerm_function_app_slot",
	"azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_linux_function_app", "azurerm_windows_function_app",
	"azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot", "azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
}

var httpsOnlySettings = func() []expect.Setting {
	out := []expect.Setting{
		{Type: "azurerm_storage_account", Path: []string{"https_traffic_only_enabled"},
			Wrong: expect.IsFalse("https_traffic_only_enabled is false: " + httpAllowed), What: "whether only HTTPS is accepted"},
		{Type: "azurerm_storage_account", Path: []string{"enable_https_traffic_only"},
			Wrong: expect.IsFalse("enable_https_traffic_only is false: " + httpAllowed), What: "whether only HTTPS is accepted"},
		{Type: "azurerm_cdn_endpoint", Path: []string{"is_http_allowed"}, When: cdnEndpointServesHTTP,
			Wrong:   expect.IsTrue("is_http_allowed is true and no delivery rule redirects to HTTPS: " + httpAllowed),
			Missing: "is_http_allowed is not set and defaults to true, and no delivery rule redirects to HTTPS: " + httpAllowed,
			What:    "whether plain HTTP is allowed"},
		{Type: "azurerm_cdn_frontdoor_route", Path: []string{"https_redirect_enabled"}, When: frontDoorRouteAcceptsHTTP,
			Wrong: expect.IsFalse("https_redirect_enabled is false and the route accepts Http: " + httpAllowed),
			What:  "whether HTTP requests are redirected to HTTPS"},
		{Type: "aws_cloudsearch_domain", Path: []string{"endpoint_options", "enforce_https"},
			Wrong:   expect.IsFalse("enforce_https is false: " + httpAllowed),
			Missing: "endpoint_options.enforce_https is not set to true, and AWS's default is false: " + httpAllowed,
			What:    "whether only HTTPS is accepted"},
	}
	for _, t := range httpsOnlyApps {
		out = append(out, expect.Setting{Type: t, Path: []string{"https_only"},
			Wrong:   expect.IsFalse("https_only is false: " + httpAllowed),
			Missing: "https_only is not set and defaults to false: " + httpAllowed,
			What:    "whether only HTTPS is accepted"})
	}
	return out
}()

// cdnEndpointServesHTTP reports whether an Azure CDN endpoint serves HTTP
// requests rather than redirecting them to HTTPS by a delivery rule.
func cdnEndpointServesHTTP(r *resource.Resource) bool {
	for _, key := range []string{"global_delivery_rule", "delivery_rule"} {
		for _, rl := range r.Get(key).List() {
			for _, a := range rl.Get("url_redirect_action").List() {
				if !strings.EqualFold(a.Get("protocol").String(), "Https") {
					continue
				}
				if key == "global_delivery_rule" {
					return false
				}
				for _, c := range rl.Get("request_scheme_condition").List() {
					vals, _ := c.Get("match_values").Strings()
					if slices.ContainsFunc(vals, func(s string) bool { return strings.EqualFold(s, "HTTP") }) &&
						!c.Get("negate_condition").BoolOr(false) {
						return false
					}
				}
			}
		}
	}
	return true
}

// frontDoorRouteAcceptsHTTP reports whether a Front Door route accepts Http
// (its supported_protocols default to Http and Https).
func frontDoorRouteAcceptsHTTP(r *resource.Resource) bool {
	protos, unknown := r.Get("supported_protocols").Strings()
	if unknown || len(protos) == 0 {
		return true
	}
	return slices.ContainsFunc(protos, func(s string) bool { return strings.EqualFold(s, "Http") })
}

// HTTPSOnly is GR-TLS-007.
var HTTPSOnly = &rule.Rule{
	ID:       "GR-TLS-007",
	Title:    "Web services and storage accept HTTPS only",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork},
	Description: "A service's own HTTPS-only switch is off: Azure storage accounts without HTTPS-only traffic, Azure " +
		"web and function apps (and their slots) without https_only, Azure CDN endpoints that allow HTTP without a " +
		"delivery rule redirecting to HTTPS, Front Door routes accepting HTTP without redirecting it, CloudSearch " +
		"domains without enforced HTTPS.",
	Remediation: "Turn the service's HTTPS-only setting on (https_only = true, https_traffic_only_enabled = true, " +
		"is_http_allowed = false or a delivery rule redirecting to HTTPS, https_redirect_enabled = true, enforce_https = true).",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   expect.Types(httpsOnlySettings),
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AZURE_3", "CKV_AZURE_14", "CKV_AZURE_70", "CKV_AZURE_153", "CKV_AWS_220"},
		Trivy:     []string{"AZU-0008", "AZU-0072", "AZU-0004"},
		Terrascan: []string{"AC_AZURE_0373"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) { expect.Judge(p, r, httpsOnlySettings) },
}
