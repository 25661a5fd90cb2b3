package ports

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// AllPortsOpenToWorld is GR-PORT-003.
var AllPortsOpenToWorld = &rule.Rule{
	ID:       "GR-PORT-003",
	Title:    "No rule opens every port or protocol to the world",
	Control:  rule.Ports,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.ExplicitlyAllowedTraffic, clause.FirewallNecessaryPortsOnly},
	Description: "An ingress rule admits the whole internet on all protocols (-1, all, *) or on the full port range " +
		"0-65535, and no deny rule evaluated before it (network ACLs, NSGs) takes ports back. Only explicitly " +
		"allowed traffic may reach a system.",
	Remediation: "Replace the rule with rules for the ports the service needs, from the sources that need them.",
	Types:       netrule.Types(),
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AWS_277", "CKV_AWS_352", "CKV2_GCP_12"},
		Trivy:     []string{"AWS-0102", "GCP-0027", "AZU-0047", "GCP-0072"},
		Terrascan: []string{"AC_AWS_0275", "AC_AWS_0231", "AC_AZURE_0357"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		for _, e := range worldExposures(p, r) {
			if e.From > 0 || e.To < 65535 {
				continue
			}
			if e.Unknown != nil {
				p.Undecidable(r, *e.Unknown, "whether every port is open to the world")
				continue
			}
			what := "every " + strings.ToUpper(e.Protocol) + " port"
			if e.Protocol == "all" {
				what = "every port on every protocol"
			}
			p.ReportValue(r, e.At, "ingress allows %s from %s", what, e.Source)
		}
	},
}
