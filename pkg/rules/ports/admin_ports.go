package ports

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// AdminPortsOpenToWorld is GR-PORT-001.
var AdminPortsOpenToWorld = &rule.Rule{
	ID:       "GR-PORT-001",
	Title:    "Administration ports are not open to the world",
	Control:  rule.Ports,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.NoExposedRDP, clause.IPRestrictedManagement, clause.AdminAccessViaVPN},
	Description: "An ingress rule or LoadBalancer Service admits the whole internet (0.0.0.0/0, ::/0, *, Internet) to a " +
		"remote administration port (SSH, RDP, WinRM, Telnet, VNC by default; spec.ports.admin in the policy). " +
		"Administrative access must come only from known addresses or through a VPN or session manager. Deny rules " +
		"evaluated first (network ACLs, NSGs) take ports back. Network ACL rules admitting the ephemeral range " +
		"(1024-65535) are not reported: ACLs are stateless and need them for return traffic, and the security groups " +
		"behind them decide what is reachable (CIS 5.1 and Security Hub EC2.21 count them; split the range around " +
		"3389 if you follow those).",
	Remediation: "Restrict the source to the VPN or bastion range (or a security group reference), or remove the rule " +
		"and use a session manager; for a Service, set loadBalancerSourceRanges or make the load balancer internal.",
	Types: append(netrule.Types(), "Service"),
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_232", "CKV_AWS_231", "CKV_GCP_2", "CKV_GCP_3", "CKV_AZURE_9", "CKV_AZURE_10"},
		Trivy:     []string{"AWS-0107", "AWS-0105", "GCP-0027", "AZU-0047", "GCP-0070", "GCP-0071", "AZU-0048", "AZU-0050"},
		Terrascan: []string{"AC_AWS_0227", "AC_AZURE_0285", "AC_GCP_0134", "AC_AWS_0319", "AC_AWS_0313"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		judgeExposures(p, r, p.Policy.AdminPorts(), "administration")
	},
}
