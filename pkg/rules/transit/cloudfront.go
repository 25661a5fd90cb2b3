package transit

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// CloudFrontHTTP is GR-TLS-003.
var CloudFrontHTTP = &rule.Rule{
	ID:       "GR-TLS-003",
	Title:    "CDN distributions use HTTPS to viewers and origins",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork},
	Description: "A CloudFront cache behaviour accepts plain HTTP from viewers (viewer_protocol_policy = allow-all), or " +
		"a custom origin is fetched over plain HTTP (origin_protocol_policy = http-only, or match-viewer for an " +
		"origin that a behaviour accepting plain HTTP from viewers sends requests to).",
	Remediation: "Set viewer_protocol_policy to redirect-to-https or https-only on every cache behaviour, and " +
		"origin_protocol_policy to https-only.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   []string{"aws_cloudfront_distribution"},
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AWS_34", "CKV2_AWS_72"},
		Trivy:     []string{"AWS-0012"},
		Terrascan: []string{"AC_AWS_0024"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		// viewerHTTP holds the origins that behaviours accepting plain HTTP send requests to.
		viewerHTTP := map[string]bool{}
		for _, key := range []string{"default_cache_behavior", "ordered_cache_behavior"} {
			for _, b := range r.Get(key).List() {
				v := b.Get("viewer_protocol_policy")
				if v.IsUnknown() {
					p.Undecidable(r, v, "whether viewers may use plain HTTP")
					continue
				}
				if strings.EqualFold(v.String(), "allow-all") {
					viewerHTTP[b.Get("target_origin_id").String()] = true
					p.ReportValue(r, v, "%s serves viewers over plain HTTP (viewer_protocol_policy = allow-all)", behaviour(key, b))
				}
			}
		}
		for _, o := range r.Get("origin").List() {
			id := o.Get("origin_id").String()
			for _, c := range o.Get("custom_origin_config").List() {
				v := c.Get("origin_protocol_policy")
				if v.IsUnknown() {
					p.Undecidable(r, v, "whether the origin is fetched over plain HTTP")
					continue
				}
				switch s := strings.ToLower(v.String()); {
				case s == "http-only":
					p.ReportValue(r, v, "origin %q (%s) is fetched over plain HTTP (origin_protocol_policy = http-only)", id, o.Get("domain_name").String())
				case s == "match-viewer" && viewerHTTP[id]:
					p.ReportValue(r, v, "origin %q is fetched over plain HTTP when viewers use HTTP (match-viewer behind allow-all)", id)
				}
			}
		}
	},
}

// behaviour names a cache behaviour for findings.
func behaviour(key string, b resource.Value) string {
	if key == "default_cache_behavior" {
		return "the default cache behaviour"
	}
	return "the cache behaviour for " + b.Get("path_pattern").String()
}
