package ports

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// publicChecks judge one resource type each; they report through p.
var publicChecks = map[string]func(p *rule.Pass, r *resource.Resource){
	"aws_db_instance":                                  publiclyAccessible,
	"aws_rds_cluster_instance":                         publiclyAccessible,
	"aws_neptune_cluster_instance":                     publiclyAccessible,
	"aws_redshift_cluster":                             publiclyAccessible,
	"aws_dms_replication_instance":                     publiclyAccessible,
	"aws_mq_broker":                                    publiclyAccessible,
	"aws_eks_cluster":                                  eksEndpoint,
	"aws_opensearch_domain":                            searchDomain,
	"aws_elasticsearch_domain":                         searchDomain,
	"google_sql_database_instance":                     cloudSQLNetworks,
	"google_container_cluster":                         gkeMasterNetworks,
	"azurerm_mssql_server":                             azurePublicAccess,
	"azurerm_postgresql_server":                        azurePublicAccess,
	"azurerm_mysql_server":                             azurePublicAccess,
	"azurerm_mariadb_server":                           azurePublicAccess,
	"azurerm_cosmosdb_account":                         azurePublicAccess,
	"azurerm_redis_cache":                              azurePublicAccess,
	"azurerm_mssql_firewall_rule":                      azureFirewallRule,
	"azurerm_sql_firewall_rule":                        azureFirewallRule,
	"azurerm_postgresql_firewall_rule":                 azureFirewallRule,
	"azurerm_mysql_firewall_rule":                      azureFirewallRule,
	"azurerm_postgresql_flexible_server_firewall_rule": azureFirewallRule,
	"azurerm_mysql_flexible_server_firewall_rule":      azureFirewallRule,
}

func typesOf[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// publicNouns name what publicly_accessible makes public, per type.
var publicNouns = map[string]string{
	"aws_db_instance":              "the database instance",
	"aws_rds_cluster_instance":     "the cluster instance",
	"aws_neptune_cluster_instance": "the Neptune instance",
	"aws_redshift_cluster":         "the Redshift cluster",
	"aws_dms_replication_instance": "the replication instance",
	"aws_mq_broker":                "the broker",
}

// PublicEndpoint is GR-PORT-009.
var PublicEndpoint = &rule.Rule{
	ID:       "GR-PORT-009",
	Title:    "Databases and management endpoints are not publicly accessible",
	Control:  rule.Ports,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.ZonedSubnets, clause.RestrictedPorts, clause.IPRestrictedManagement},
	Description: "A database, broker, search domain or cluster control plane is given a public endpoint reachable " +
		"from the internet (publicly_accessible, a public Kubernetes API endpoint open to 0.0.0.0/0, Cloud SQL " +
		"authorised networks or Azure firewall rules admitting the world, Azure public network access left on).",
	Remediation: "Keep data stores and control planes on private endpoints in private subnets; where a public API " +
		"endpoint is needed, restrict it to known ranges.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   typesOf(publicChecks),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_17", "CKV_AWS_87", "CKV_AWS_89", "CKV_AWS_69", "CKV_AWS_102", "CKV_AWS_38", "CKV_GCP_11",
			"CKV_AZURE_11", "CKV_AZURE_113", "CKV_AZURE_68", "CKV_AZURE_53", "CKV_AZURE_48", "CKV_AZURE_101", "CKV_AZURE_89"},
		Trivy:     []string{"AWS-0180", "AWS-0040", "GCP-0017", "AWS-0041", "AWS-0072", "AZU-0022", "AZU-0029", "GCP-0053"},
		Terrascan: []string{"AC_AWS_0054", "AC_AWS_0175", "AC_AWS_0199", "AC_GCP_0023", "AC_AZURE_0380"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if check, ok := publicChecks[r.Type]; ok {
			check(p, r)
		}
	},
}

func publiclyAccessible(p *rule.Pass, r *resource.Resource) {
	v := r.Get("publicly_accessible")
	if v.IsUnknown() {
		p.Undecidable(r, v, "whether the database is publicly accessible")
		return
	}
	if v.BoolOr(false) {
		p.ReportValue(r, v, "%s has a public endpoint reachable from the internet (publicly_accessible = true)", publicNouns[r.Type])
	}
}

func eksEndpoint(p *rule.Pass, r *resource.Resource) {
	for _, vc := range r.Get("vpc_config").List() {
		pub := vc.Get("endpoint_public_access")
		if pub.IsUnknown() {
			p.Undecidable(r, pub, "whether the cluster API endpoint is public")
			continue
		}
		if !pub.BoolOr(true) {
			continue
		}
		cidrs := vc.Get("public_access_cidrs")
		list, unknown := cidrs.Strings()
		if unknown {
			p.Undecidable(r, cidrs, "whether the public cluster API endpoint is open to the world")
			continue
		}
		if len(list) == 0 {
			p.ReportValue(r, pub, "the cluster API endpoint is public and public_access_cidrs is not set, so it defaults to 0.0.0.0/0")
			continue
		}
		for i, c := range list {
			if pfx, err := netip.ParsePrefix(c); err == nil && p.Policy.IsPublic(pfx) {
				p.ReportValue(r, cidrs.At(i), "the cluster API endpoint is public and admits %s", c)
			}
		}
	}
}

func searchDomain(p *rule.Pass, r *resource.Resource) {
	vpc := r.Get("vpc_options")
	if vpc.IsUnknown() {
		p.Undecidable(r, vpc, "whether the search domain has a public endpoint")
		return
	}
	if vpc.Len() == 0 {
		p.Report(r, nil, "the search domain has no vpc_options, so its endpoint is public")
	}
}

func cloudSQLNetworks(p *rule.Pass, r *resource.Resource) {
	for _, s := range r.Get("settings").List() {
		for _, ipc := range s.Get("ip_configuration").List() {
			if b, ok := ipc.Get("ipv4_enabled").Bool(); ok && !b {
				continue // no public IP: authorised networks reach nothing
			}
			for _, n := range ipc.Get("authorized_networks").List() {
				v := n.Get("value")
				if v.IsUnknown() {
					p.Undecidable(r, v, "whether an authorised network admits the world")
					continue
				}
				if pfx, err := netip.ParsePrefix(v.String()); err == nil && p.Policy.IsPublic(pfx) {
					p.ReportValue(r, v, "the instance has a public IP and an authorised network admits %s to it", v.String())
				}
			}
		}
	}
}

func gkeMasterNetworks(p *rule.Pass, r *resource.Resource) {
	for _, pc := range r.Get("private_cluster_config").List() {
		if pc.Get("enable_private_endpoint").BoolOr(false) {
			return
		}
	}
	man := r.Get("master_authorized_networks_config")
	if man.IsUnknown() {
		p.Undecidable(r, man, "whether the cluster control plane is open to the world")
		return
	}
	if man.Len() == 0 {
		p.Report(r, nil, "the cluster control plane has a public endpoint and no master_authorized_networks_config")
		return
	}
	for _, m := range man.List() {
		for _, b := range m.Get("cidr_blocks").List() {
			v := b.Get("cidr_block")
			if pfx, err := netip.ParsePrefix(v.String()); err == nil && p.Policy.IsPublic(pfx) {
				p.ReportValue(r, v, "the cluster control plane has a public endpoint and its master authorised networks admit %s", v.String())
			}
		}
	}
}

func azurePublicAccess(p *rule.Pass, r *resource.Resource) {
	v := r.Get("public_network_access_enabled")
	if v.IsUnknown() {
		p.Undecidable(r, v, "whether public network access is enabled")
		return
	}
	if b, ok := v.Bool(); ok && !b {
		return
	}
	if r.Type == "azurerm_cosmosdb_account" && cosmosRestricted(p, r) {
		return
	}
	if v.IsNull() {
		p.Report(r, nil, "public_network_access_enabled is not set and defaults to true, so the %s has a public endpoint", azureKind(r.Type))
		return
	}
	p.ReportValue(r, v, "public_network_access_enabled is true, so the %s has a public endpoint", azureKind(r.Type))
}

// cosmosRestricted reports whether a Cosmos DB account's IP filter or
// virtual network filter keeps the world off its public endpoint.
func cosmosRestricted(p *rule.Pass, r *resource.Resource) bool {
	ips, unknown := r.Get("ip_range_filter").Strings()
	if unknown {
		return false
	}
	var ranges []string
	for _, s := range ips {
		for _, part := range strings.Split(s, ",") { // older providers take one comma-separated string
			if part = strings.TrimSpace(part); part != "" {
				ranges = append(ranges, part)
			}
		}
	}
	for _, s := range ranges {
		if pfx, err := netip.ParsePrefix(s); err == nil && p.Policy.IsPublic(pfx) {
			return false
		}
	}
	return len(ranges) > 0 || r.Get("is_virtual_network_filter_enabled").BoolOr(false)
}

func azureKind(typ string) string {
	switch typ {
	case "azurerm_cosmosdb_account":
		return "Cosmos DB account"
	case "azurerm_redis_cache":
		return "cache"
	}
	return "database server"
}

func azureFirewallRule(p *rule.Pass, r *resource.Resource) {
	start, end := r.Get("start_ip_address"), r.Get("end_ip_address")
	for _, v := range []resource.Value{start, end} {
		if v.IsUnknown() {
			p.Undecidable(r, v, "whether the firewall rule admits the world")
			return
		}
	}
	a, err1 := netip.ParseAddr(strings.TrimSpace(start.String()))
	b, err2 := netip.ParseAddr(strings.TrimSpace(end.String()))
	if err1 != nil || err2 != nil || !a.Is4() || !b.Is4() {
		return
	}
	// 0.0.0.0-0.0.0.0 is Azure's "allow Azure services" marker, not the world.
	if a.IsUnspecified() && b.IsUnspecified() {
		return
	}
	lo, hi := a.As4(), b.As4()
	span := (uint64(hi[0])<<24 | uint64(hi[1])<<16 | uint64(hi[2])<<8 | uint64(hi[3])) -
		(uint64(lo[0])<<24 | uint64(lo[1])<<16 | uint64(lo[2])<<8 | uint64(lo[3]))
	// A range wider than a /8 is as good as the world, as Policy.IsPublic counts prefixes.
	if span >= 1<<24 {
		p.ReportValue(r, start, "the firewall rule admits addresses %s to %s, more than a /8 of the internet", start.String(), end.String())
	}
}
