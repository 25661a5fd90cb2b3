package ports

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// DataPortsOpenToWorld is GR-PORT-002.
var DataPortsOpenToWorld = &rule.Rule{
	ID:       "GR-PORT-002",
	Title:    "Database, cache and broker ports are not open to the world",
	Control:  rule.Ports,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.ZonedSubnets, clause.FirewallNecessaryPortsOnly},
	Description: "An ingress rule or LoadBalancer Service admits the whole internet to a database, cache, search or " +
		"message broker port (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Elasticsearch, Memcached, " +
		"Cassandra, Kafka, etcd...; spec.ports.data in the policy). Data stores belong in private subnets, reachable " +
		"only from the application tier. Deny rules evaluated first take ports back; network ACL rules admitting " +
		"the ephemeral range (1024-65535) for return traffic are not reported.",
	Remediation: "Allow the port only from the application's security group or private subnet range, and keep the data " +
		"store in a private subnet.",
	Types: append(netrule.Types(), "Service"),
	Peers: rule.Peers{
		Checkov:   []string{"CKV_GCP_88"},
		Trivy:     []string{"GCP-0027", "AZU-0047"},
		Terrascan: []string{"AC_GCP_0176", "AC_AWS_0295", "AC_AWS_0304", "AC_AWS_0289", "AC_AWS_0312", "AC_AWS_0316", "AC_AWS_0317"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		judgeExposures(p, r, p.Policy.DataPorts(), "database")
	},
}
