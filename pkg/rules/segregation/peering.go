package segregation

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// peeringEnds names, per connecting resource type, the attributes that name
// the networks, accounts or gateways it joins.
var peeringEnds = map[string][]string{
	"aws_vpc_peering_connection":                      {"vpc_id", "peer_vpc_id", "peer_owner_id"},
	"aws_vpc_peering_connection_accepter":             {"vpc_peering_connection_id"},
	"aws_ec2_transit_gateway_vpc_attachment":          {"vpc_id", "transit_gateway_id"},
	"aws_ec2_transit_gateway_peering_attachment":      {"transit_gateway_id", "peer_transit_gateway_id", "peer_account_id"},
	"aws_ec2_transit_gateway_vpc_attachment_accepter": {"transit_gateway_attachment_id"},
	"aws_vpn_connection":                              {"transit_gateway_id", "vpn_gateway_id"},
	"google_compute_network_peering":                  {"network", "peer_network"},
	"azurerm_virtual_network_peering":                 {"virtual_network_name", "remote_virtual_network_id"},
	"azurerm_virtual_hub_connection":                  {"virtual_hub_id", "remote_virtual_network_id"},
}

// routeTableLinks are the transit gateway resources that put an attachment
// on a route table: associating it (its traffic is routed by the table) or
// propagating or routing to it (the table leads to it).
var routeTableLinks = []string{
	"aws_ec2_transit_gateway_route_table_association",
	"aws_ec2_transit_gateway_route_table_propagation",
	"aws_ec2_transit_gateway_route",
}

// NetworkPeering is GR-SEG-003.
var NetworkPeering = &rule.Rule{
	ID:       "GR-SEG-003",
	Title:    "Networks of different environments are not peered or joined",
	Control:  rule.Segregation,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments, clause.SegmentationByRisk},
	Description: "A VPC peering, transit gateway attachment or peering, VPN, GCP network peering or Azure virtual " +
		"network peering joins a network of one environment to a network, account or gateway of another, giving " +
		"each direct network access to the other. Policy 001 requires environments fully separated with no " +
		"direct access between them. A transit gateway is reported when attachments of several environments " +
		"share its default route table, or when one of its route tables is associated with, propagates or " +
		"routes to attachments of several environments; attachments kept on route tables of their own " +
		"environment are not.",
	Remediation: "Remove the peering or attachment; connect environments only through audited, one-way channels " +
		"(an API, a deployment pipeline), never a network route. On a shared transit gateway, disable the default " +
		"route table association and propagation and give each environment its own route tables.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	CheckAll: func(p *rule.Pass) {
		gateways := &sharing{}
		for _, typ := range sortedKeys(peeringEnds) {
			for _, r := range p.Index.ByType(typ) {
				if r.IsDeleted() || r.Mode == "data" {
					continue
				}
				joins(p, r, typ, gateways)
			}
		}
		gateways.report(p, func(u use, other string, first use) {
			p.Report(u.r, u.at, "the transit gateway's default route table joins %s (%s) with %s (%s)",
				u.env, u.r.Address, other, first.r.Address)
		})
		tables := &sharing{}
		for _, typ := range routeTableLinks {
			for _, r := range p.Index.ByType(typ) {
				if r.IsDeleted() || r.Mode == "data" {
					continue
				}
				env := attachmentEnv(p, r, "transit_gateway_attachment_id")
				if env == "" {
					env = envOf(p, r)
				}
				if key, what := idKey(p, r, "transit_gateway_route_table_id"); key != "" && env != "" {
					tables.add(key, what, use{env: env, r: r, at: resource.Path{resource.Key("transit_gateway_attachment_id")}})
				}
			}
		}
		tables.report(p, func(u use, other string, first use) {
			p.Report(u.r, u.at, "transit gateway route table %s links %s (%s) with %s (%s)",
				u.what, u.env, u.r.Address, other, first.r.Address)
		})
	},
}

// joins judges one connecting resource: every pair of its ends (itself
// included) in environments that may not mix. It records the transit
// gateways the resource attaches to by their default route table.
func joins(p *rule.Pass, r *resource.Resource, typ string, gateways *sharing) {
	self := envOf(p, r)
	type end struct{ env, how string }
	var seen []end
	if self != "" {
		seen = append(seen, end{self, "the resource itself, " + p.Index.Placement(r).Detail})
	}
	side := self // the environment of the network this resource attaches
	for _, key := range peeringEnds[typ] {
		env, how, unknown := endpointEnv(p, r, key)
		gateway := key == "transit_gateway_id"
		if unknown != nil && env == "" && !gateway {
			p.Undecidable(r, *unknown, "which environment "+key+" belongs to")
			continue
		}
		if env == "" {
			continue
		}
		if !gateway && side == "" {
			side = env
		}
		for _, s := range seen {
			if crosses(p, env, s.env) {
				p.Report(r, resource.Path{resource.Key(key)}, "%s joins %s (%s %s) with %s (%s)",
					r.Address, env, key, how, s.env, s.how)
				break
			}
		}
		seen = append(seen, end{env, key + " " + how})
	}
	if side == "" || !usesDefaultRouteTable(p, r) {
		return
	}
	if key, what := idKey(p, r, "transit_gateway_id"); key != "" {
		gateways.add(key, what, use{env: side, r: r, at: resource.Path{resource.Key("transit_gateway_id")}})
	}
}

// usesDefaultRouteTable reports whether an attachment is associated with or
// propagates to its transit gateway's default route table: unless it turns
// both off, or the gateway has no default route table for either.
func usesDefaultRouteTable(p *rule.Pass, r *resource.Resource) bool {
	if !r.Get("transit_gateway_id").Exists() && len(refTargets(p, r, "transit_gateway_id")) == 0 {
		return false
	}
	if !r.Get("transit_gateway_default_route_table_association").BoolOr(true) &&
		!r.Get("transit_gateway_default_route_table_propagation").BoolOr(true) {
		return false
	}
	for _, t := range refTargets(p, r, "transit_gateway_id") {
		if t.res.Get("default_route_table_association").String() == "disable" &&
			t.res.Get("default_route_table_propagation").String() == "disable" {
			return false
		}
	}
	return true
}

// attachmentEnv is the environment of the transit gateway attachment that
// attribute key of r refers to: the attachment's own, else its VPC's.
func attachmentEnv(p *rule.Pass, r *resource.Resource, key string) string {
	for _, t := range refTargets(p, r, key) {
		if e := envOf(p, t.res); e != "" {
			return e
		}
		if e, _, _ := endpointEnv(p, t.res, "vpc_id"); e != "" {
			return e
		}
	}
	if e, _, _ := endpointEnv(p, r, key); e != "" {
		return e
	}
	return ""
}

// idKey identifies what attribute key of r names: the referenced resource,
// or the ID when it is known; "" when it is neither. what names it for
// messages.
func idKey(p *rule.Pass, r *resource.Resource, key string) (id, what string) {
	for _, t := range refTargets(p, r, key) {
		return "ref\x00" + t.res.Unit + "\x00" + rule.BaseAddress(t.res.Address), t.res.Address
	}
	if s, ok := r.Get(key).Str(); ok && s != "" {
		return "id\x00" + strings.ToLower(s), s
	}
	return "", ""
}
