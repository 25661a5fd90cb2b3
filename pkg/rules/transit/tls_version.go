package transit

import (
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// tlsSetting locates a TLS policy or minimum version setting.
type tlsSetting struct {
	blocks []string
	attr   string
	// unsetNote, when set, says what the provider does when the setting (or
	// a block on the way) is left out: it then allows unset, which is judged
	// against the policy's minimum. Empty means the default meets any minimum.
	unset     policy.TLSVersion
	unsetNote string
	// reference marks an attribute that names a TLS policy judged on its own
	// (a GCP SSL policy): only leaving it out is judged here.
	reference bool
	when      func(r *resource.Resource) bool
}

// webAppSite are the settings of the site_config of Azure web and function apps and their slots.
var webAppSite = []tlsSetting{
	{blocks: []string{"site_config"}, attr: "minimum_tls_version"},
	{blocks: []string{"site_config"}, attr: "scm_minimum_tls_version"},
}

var tlsSettings = map[string][]tlsSetting{
	"aws_lb_listener":  {{attr: "ssl_policy", unset: policy.TLS10, unsetNote: "no ssl_policy, so AWS applies ELBSecurityPolicy-2016-08, which allows TLS 1.0", when: tlsListener}},
	"aws_alb_listener": {{attr: "ssl_policy", unset: policy.TLS10, unsetNote: "no ssl_policy, so AWS applies ELBSecurityPolicy-2016-08, which allows TLS 1.0", when: tlsListener}},
	"aws_cloudfront_distribution": {{blocks: []string{"viewer_certificate"}, attr: "minimum_protocol_version", unset: policy.TLS10,
		unsetNote: "no minimum_protocol_version, so viewers may use TLS 1.0 (TLSv1)"}},
	"aws_api_gateway_domain_name":  {{attr: "security_policy", unset: policy.TLS10, unsetNote: "no security_policy, so the domain accepts TLS 1.0 (TLS_1_0)"}},
	"aws_apigatewayv2_domain_name": {{blocks: []string{"domain_name_configuration"}, attr: "security_policy"}},
	"aws_opensearch_domain":        {{blocks: []string{"domain_endpoint_options"}, attr: "tls_security_policy"}},
	"aws_elasticsearch_domain": {{blocks: []string{"domain_endpoint_options"}, attr: "tls_security_policy", unset: policy.TLS10,
		unsetNote: "no tls_security_policy, so the domain applies Policy-Min-TLS-1-0-2019-07, which allows TLS 1.0"}},
	"google_compute_ssl_policy": {{attr: "min_tls_version", unset: policy.TLS10, unsetNote: "no min_tls_version, which defaults to TLS_1_0"}},
	"google_compute_target_https_proxy": {{attr: "ssl_policy", reference: true, unset: policy.TLS10,
		unsetNote: "no ssl_policy, so the load balancer applies GCP's default SSL policy, which allows TLS 1.0"}},
	"google_compute_region_target_https_proxy": {{attr: "ssl_policy", reference: true, unset: policy.TLS10,
		unsetNote: "no ssl_policy, so the load balancer applies GCP's default SSL policy, which allows TLS 1.0"}},
	"google_compute_target_ssl_proxy": {{attr: "ssl_policy", reference: true, unset: policy.TLS10,
		unsetNote: "no ssl_policy, so the load balancer applies GCP's default SSL policy, which allows TLS 1.0"}},
	"azurerm_storage_account":             {{attr: "min_tls_version"}},
	"azurerm_app_service":                 {{blocks: []string{"site_config"}, attr: "min_tls_version"}},
	"azurerm_app_service_slot":            {{blocks: []string{"site_config"}, attr: "min_tls_version"}},
	"azurerm_function_app":                {{blocks: []string{"site_config"}, attr: "min_tls_version"}},
	"azurerm_linux_web_app":               webAppSite,
	"azurerm_windows_web_app":             webAppSite,
	"azurerm_linux_function_app":          webAppSite,
	"azurerm_windows_function_app":        webAppSite,
	"azurerm_linux_web_app_slot":          webAppSite,
	"azurerm_windows_web_app_slot":        webAppSite,
	"azurerm_linux_function_app_slot":     webAppSite,
	"azurerm_windows_function_app_slot":   webAppSite,
	"azurerm_mssql_server":                {{attr: "minimum_tls_version"}},
	"azurerm_redis_cache":                 {{attr: "minimum_tls_version"}},
	"azurerm_postgresql_server":           {{attr: "ssl_minimal_tls_version_enforced"}},
	"azurerm_mysql_server":                {{attr: "ssl_minimal_tls_version_enforced"}},
	"azurerm_eventhub_namespace":          {{attr: "minimum_tls_version"}},
	"azurerm_servicebus_namespace":        {{attr: "minimum_tls_version"}},
	"azurerm_application_gateway":         {{blocks: []string{"ssl_policy"}, attr: "policy_name"}, {blocks: []string{"ssl_policy"}, attr: "min_protocol_version"}},
	"azurerm_cdn_frontdoor_custom_domain": {{blocks: []string{"tls"}, attr: "minimum_tls_version"}},
	"azurerm_api_management":              nil, // judged by apiManagementTLS
}

func tlsListener(r *resource.Resource) bool {
	p := strings.ToUpper(r.Get("protocol").String())
	return p == "HTTPS" || p == "TLS"
}

// WeakTLSVersion is GR-TLS-002.
var WeakTLSVersion = &rule.Rule{
	ID:       "GR-TLS-002",
	Title:    "TLS policies do not allow versions below the policy minimum",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.StrongModernTLS, clause.EncryptionInTransit},
	Description: "A load balancer, CDN, API domain, search domain, GCP SSL policy or Azure service allows TLS versions " +
		"older than spec.transit.minTLSVersion (TLS 1.2 by default), or leaves its TLS policy to a default that does. " +
		"Policy 002 asks for strong, modern encryption kept up to date with the standards. A TLS policy name " +
		"guardrail has no table for is reported as undecidable.",
	Remediation: "Choose a TLS policy whose minimum is the policy's version or newer: for AWS load balancers " +
		"ELBSecurityPolicy-TLS13-1-2-2021-06, for CloudFront TLSv1.2_2021, for API Gateway TLS_1_2, for OpenSearch " +
		"Policy-Min-TLS-1-2-2019-07, for GCP min_tls_version = \"TLS_1_2\" (and an SSL policy on every HTTPS and SSL " +
		"proxy), for Azure \"TLS1_2\" or \"1.2\" (AppGwSslPolicy20220101 for application gateways).",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   typesOf(tlsSettings),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_103", "CKV_AWS_174", "CKV_AWS_206", "CKV_AWS_228", "CKV_AZURE_44", "CKV_AZURE_15",
			"CKV_AZURE_154", "CKV_AZURE_52", "CKV_AZURE_54", "CKV_AZURE_145", "CKV_AZURE_147", "CKV_AZURE_148",
			"CKV_AZURE_173", "CKV_AZURE_205", "CKV_AZURE_223"},
		Trivy: []string{"AWS-0047", "AWS-0005", "AWS-0013", "AWS-0126", "GCP-0039", "AZU-0011", "AZU-0006", "AZU-0026"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		min := p.Policy.MinTLS()
		switch r.Type {
		case "aws_cloudfront_distribution":
			cloudfrontCert(p, r, min)
			return
		case "azurerm_api_management":
			apiManagementTLS(p, r, min)
			return
		}
		for _, s := range tlsSettings[r.Type] {
			if s.when != nil && !s.when(r) {
				continue
			}
			for _, h := range holders(p, r, s, min) {
				judgeTLS(p, r, h.Get(s.attr), s, min)
			}
		}
	},
}

// holders returns the blocks holding s.attr. When a block on the way is
// absent and the provider's default allows an old version, it says so at the
// enclosing block; when a block is unknown, it says the setting is undecidable.
func holders(p *rule.Pass, r *resource.Resource, s tlsSetting, min policy.TLSVersion) []resource.Value {
	out := []resource.Value{r.Value()}
	for _, b := range s.blocks {
		var next []resource.Value
		for _, h := range out {
			v := h.Get(b)
			switch {
			case v.IsUnknown():
				p.Undecidable(r, v, "the lowest TLS version allowed")
			case v.Len() == 0:
				if s.unsetNote != "" && s.unset < min {
					p.ReportValue(r, h, "%s; the policy requires %s or newer", s.unsetNote, min)
				}
			default:
				next = append(next, v.List()...)
			}
		}
		out = next
	}
	return out
}

func judgeTLS(p *rule.Pass, r *resource.Resource, v resource.Value, s tlsSetting, min policy.TLSVersion) {
	if s.reference && !v.IsNull() {
		return // the policy it names is judged on its own
	}
	if v.IsUnknown() {
		p.Undecidable(r, v, "the lowest TLS version allowed")
		return
	}
	if v.IsNull() || v.String() == "" {
		if s.unsetNote != "" && s.unset < min {
			p.ReportValue(r, v, "%s; the policy requires %s or newer", s.unsetNote, min)
		}
		return
	}
	got, known := policyMinTLS(v.String())
	if !known {
		p.UndecidableBecause(r, v.Path(), "whether "+s.attr+" meets "+min.String(), "guardrail does not know TLS policy "+v.String())
		return
	}
	if got < min {
		p.ReportValue(r, v, "%s %q allows %s; the policy requires %s or newer", s.attr, v.String(), got, min)
	}
}

func cloudfrontCert(p *rule.Pass, r *resource.Resource, min policy.TLSVersion) {
	s := tlsSettings["aws_cloudfront_distribution"][0]
	for _, c := range holders(p, r, s, min) {
		if d := c.Get("cloudfront_default_certificate"); d.BoolOr(false) {
			if min > policy.TLS10 {
				p.ReportValue(r, d, "the distribution uses the default CloudFront certificate, which allows TLS 1.0; the policy requires %s or newer", min)
			}
			continue
		}
		judgeTLS(p, r, c.Get("minimum_protocol_version"), s, min)
	}
}

// apiManagementProtocols are the switches of an API Management security
// block that turn an old protocol on, in the names of azurerm 3 and 4.
var apiManagementProtocols = []struct {
	attrs   []string
	version policy.TLSVersion
	side    string
}{
	{[]string{"enable_frontend_ssl30", "frontend_ssl30_enabled"}, policy.SSL3, "from clients"},
	{[]string{"enable_frontend_tls10", "frontend_tls10_enabled"}, policy.TLS10, "from clients"},
	{[]string{"enable_frontend_tls11", "frontend_tls11_enabled"}, policy.TLS11, "from clients"},
	{[]string{"enable_backend_ssl30", "backend_ssl30_enabled"}, policy.SSL3, "to backends"},
	{[]string{"enable_backend_tls10", "backend_tls10_enabled"}, policy.TLS10, "to backends"},
	{[]string{"enable_backend_tls11", "backend_tls11_enabled"}, policy.TLS11, "to backends"},
}

// apiManagementTLS judges the protocol switches of an API Management
// service; they are off unless set.
func apiManagementTLS(p *rule.Pass, r *resource.Resource, min policy.TLSVersion) {
	sec := r.Get("security")
	if sec.IsUnknown() {
		p.Undecidable(r, sec, "which TLS versions the gateway accepts")
		return
	}
	for _, b := range sec.List() {
		for _, proto := range apiManagementProtocols {
			if proto.version >= min {
				continue
			}
			for _, a := range proto.attrs {
				v := b.Get(a)
				if v.IsUnknown() {
					p.Undecidable(r, v, "which TLS versions the gateway accepts")
				} else if v.BoolOr(false) {
					p.ReportValue(r, v, "%s is true: the gateway accepts %s %s; the policy requires %s or newer", a, proto.version, proto.side, min)
				}
			}
		}
	}
}

func typesOf[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
