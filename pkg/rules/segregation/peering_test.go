package segregation_test

import (
	"fmt"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestNetworkPeering(t *testing.T) {
	vpcs := `
resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
  tags       = { Environment = "prod" }
}
resource "aws_vpc" "dev" {
  cidr_block = "10.1.0.0/16"
  tags       = { Environment = "dev" }
}
resource "aws_vpc" "staging" {
  cidr_block = "10.2.0.0/16"
  tags       = { Environment = "staging" }
}
`
	attachment := func(name, env string, extra map[string]any) ruletest.Change {
		after := map[string]any{"transit_gateway_id": "tgw-0abc", "vpc_id": "vpc-" + name, "subnet_ids": []any{"subnet-" + name}, "tags": tags("Environment", env)}
		for k, v := range extra {
			after[k] = v
		}
		return ruletest.Change{Address: "aws_ec2_transit_gateway_vpc_attachment." + name, After: after}
	}
	isolated := map[string]any{"transit_gateway_default_route_table_association": false, "transit_gateway_default_route_table_propagation": false}
	ruletest.Run(t, "GR-SEG-003", []ruletest.Case{
		{
			Name: "hcl peering a prod VPC with a dev VPC",
			HCL: vpcs + `
resource "aws_vpc_peering_connection" "p" {
  vpc_id      = aws_vpc.prod.id
  peer_vpc_id = aws_vpc.dev.id
  auto_accept = true
}`,
			Want: []ruletest.Want{{
				Address: "aws_vpc_peering_connection.p", Path: "peer_vpc_id", Line: 17,
				Message: "aws_vpc_peering_connection.p joins dev (peer_vpc_id aws_vpc.dev) with prod (vpc_id aws_vpc.prod)",
			}},
		},
		{
			Name: "hcl peering within one environment",
			HCL: vpcs + `
resource "aws_vpc" "prod2" {
  cidr_block = "10.0.128.0/17"
  tags       = { Environment = "production" }
}
resource "aws_vpc_peering_connection" "p" {
  vpc_id      = aws_vpc.prod.id
  peer_vpc_id = aws_vpc.prod2.id
}`,
		},
		{
			Name:   "hcl peering dev with staging, an allowed mix",
			Policy: devStagingMix,
			HCL: vpcs + `
resource "aws_vpc_peering_connection" "p" {
  vpc_id      = aws_vpc.dev.id
  peer_vpc_id = aws_vpc.staging.id
}`,
		},
		{
			Name:   "hcl peering a prod VPC with the dev account",
			Policy: estatePolicy,
			HCL: vpcs + `
resource "aws_vpc_peering_connection" "p" {
  vpc_id        = aws_vpc.prod.id
  peer_vpc_id   = "vpc-0123456789abcdef0"
  peer_owner_id = "222222222222"
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_peering_connection.p", Path: "peer_owner_id", Message: "joins dev (peer_owner_id account 222222222222) with prod (vpc_id aws_vpc.prod)"}},
		},
		{
			Name:   "hcl peering in the dev workspace with the prod account",
			Policy: estatePolicy,
			Files: map[string]string{
				".terraform/environment": "dev",
				"main.tf": `
resource "aws_vpc_peering_connection" "p" {
  vpc_id        = "vpc-0123456789abcdef0"
  peer_vpc_id   = "vpc-0fedcba9876543210"
  peer_owner_id = "111111111111"
}`,
			},
			Want: []ruletest.Want{{Address: "aws_vpc_peering_connection.p", Path: "peer_owner_id", Message: "joins prod (peer_owner_id account 111111111111) with dev (the resource itself, workspace dev)"}},
		},
		{
			Name: "hcl peering a prod VPC with a VPC known only after apply",
			HCL: `
resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
  tags       = { Environment = "prod" }
}
variable "peer" {}
resource "aws_vpc_peering_connection" "p" {
  vpc_id      = aws_vpc.prod.id
  peer_vpc_id = var.peer
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_peering_connection.p", Path: "peer_vpc_id", Undecidable: true, Message: "which environment peer_vpc_id belongs to"}},
		},
		{
			Name: "hcl a data source describing a peering is not judged",
			HCL: vpcs + `
data "aws_vpc_peering_connection" "p" {
  vpc_id      = aws_vpc.prod.id
  peer_vpc_id = aws_vpc.dev.id
}`,
		},
		{
			// The attachments carry no tags: the sides are their VPCs'.
			Name: "hcl transit gateway in the default route table of prod and dev attachments",
			HCL: vpcs + `
resource "aws_ec2_transit_gateway" "hub" {
  description = "hub"
}
resource "aws_ec2_transit_gateway_vpc_attachment" "prod" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.prod.id
  subnet_ids         = ["subnet-1"]
}
resource "aws_ec2_transit_gateway_vpc_attachment" "dev" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.dev.id
  subnet_ids         = ["subnet-2"]
}`,
			Want: []ruletest.Want{{
				Address: "aws_ec2_transit_gateway_vpc_attachment.dev", Path: "transit_gateway_id", Line: 24,
				Message: "the transit gateway's default route table joins dev (aws_ec2_transit_gateway_vpc_attachment.dev) with prod (aws_ec2_transit_gateway_vpc_attachment.prod)",
			}},
		},
		{
			Name: "hcl transit gateway of prod with a dev attachment",
			HCL: vpcs + `
resource "aws_ec2_transit_gateway" "hub" {
  tags = { Environment = "prod" }
}
resource "aws_ec2_transit_gateway_vpc_attachment" "dev" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.dev.id
  subnet_ids         = ["subnet-2"]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}`,
			Want: []ruletest.Want{{
				Address: "aws_ec2_transit_gateway_vpc_attachment.dev", Path: "transit_gateway_id",
				Message: "joins prod (transit_gateway_id aws_ec2_transit_gateway.hub) with dev (vpc_id aws_vpc.dev)",
			}},
		},
		{
			Name: "hcl transit gateway without default route tables",
			HCL: vpcs + `
resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}
resource "aws_ec2_transit_gateway_vpc_attachment" "prod" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.prod.id
  subnet_ids         = ["subnet-1"]
}
resource "aws_ec2_transit_gateway_vpc_attachment" "dev" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.dev.id
  subnet_ids         = ["subnet-2"]
}`,
		},
		{
			Name: "plan transit gateway shared by prod and dev attachments, by ID",
			Plan: ruletest.Plan(attachment("prod", "prod", nil), attachment("prod2", "prod", nil), attachment("dev", "dev", nil)),
			Want: []ruletest.Want{{
				Address: "aws_ec2_transit_gateway_vpc_attachment.dev", Path: "transit_gateway_id",
				Message: "joins dev (aws_ec2_transit_gateway_vpc_attachment.dev) with prod (aws_ec2_transit_gateway_vpc_attachment.prod)",
			}},
		},
		{
			Name:   "plan transit gateway shared by dev and staging, an allowed mix",
			Policy: devStagingMix,
			Plan:   ruletest.Plan(attachment("stg", "staging", nil), attachment("dev", "dev", nil)),
		},
		{
			Name: "plan transit gateway with a route table per environment",
			Plan: ruletest.Plan(
				attachment("prod", "prod", isolated), attachment("dev", "dev", isolated),
				ruletest.Change{Address: "aws_ec2_transit_gateway_route_table_association.prod", After: map[string]any{"transit_gateway_attachment_id": "tgw-attach-prod", "transit_gateway_route_table_id": "tgw-rtb-prod", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_ec2_transit_gateway_route_table_propagation.prod", After: map[string]any{"transit_gateway_attachment_id": "tgw-attach-prod", "transit_gateway_route_table_id": "tgw-rtb-prod", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_ec2_transit_gateway_route_table_association.dev", After: map[string]any{"transit_gateway_attachment_id": "tgw-attach-dev", "transit_gateway_route_table_id": "tgw-rtb-dev", "tags": tags("Environment", "dev")}},
			),
		},
		{
			// The dev attachment propagates its routes into prod's table: prod
			// can reach dev, whatever the default route table says.
			Name: "plan dev attachment propagating into the prod route table",
			Plan: planWith(t, planConfig{Refs: map[string][]ref{
				"aws_ec2_transit_gateway_route_table_association.prod": {{"transit_gateway_attachment_id", "aws_ec2_transit_gateway_vpc_attachment.prod"}},
				"aws_ec2_transit_gateway_route_table_propagation.dev":  {{"transit_gateway_attachment_id", "aws_ec2_transit_gateway_vpc_attachment.dev"}},
			}},
				attachment("prod", "prod", isolated), attachment("dev", "dev", isolated),
				ruletest.Change{Address: "aws_ec2_transit_gateway_route_table_association.prod", After: map[string]any{"transit_gateway_attachment_id": "tgw-attach-prod", "transit_gateway_route_table_id": "tgw-rtb-prod"}},
				ruletest.Change{Address: "aws_ec2_transit_gateway_route_table_propagation.dev", After: map[string]any{"transit_gateway_attachment_id": "tgw-attach-dev", "transit_gateway_route_table_id": "tgw-rtb-prod"}},
			),
			Want: []ruletest.Want{{
				Address: "aws_ec2_transit_gateway_route_table_propagation.dev", Path: "transit_gateway_attachment_id",
				Message: "transit gateway route table tgw-rtb-prod links dev (aws_ec2_transit_gateway_route_table_propagation.dev) with prod (aws_ec2_transit_gateway_route_table_association.prod)",
			}},
		},
		{
			Name: "plan peering through configuration references",
			Plan: planWith(t, planConfig{Refs: map[string][]ref{
				"aws_vpc_peering_connection.p": {{"vpc_id", "aws_vpc.prod"}, {"peer_vpc_id", "aws_vpc.dev"}},
			}},
				ruletest.Change{Address: "aws_vpc.prod", Actions: []string{"no-op"}, Before: map[string]any{"id": "vpc-1"}, After: map[string]any{"id": "vpc-1", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_vpc.dev", Actions: []string{"no-op"}, Before: map[string]any{"id": "vpc-2"}, After: map[string]any{"id": "vpc-2", "tags": tags("Environment", "dev")}},
				ruletest.Change{Address: "aws_vpc_peering_connection.p", After: map[string]any{"vpc_id": "vpc-1", "peer_vpc_id": "vpc-2"}},
			),
			Want: []ruletest.Want{{Address: "aws_vpc_peering_connection.p", Path: "peer_vpc_id", Message: "joins dev (peer_vpc_id aws_vpc.dev) with prod (vpc_id aws_vpc.prod)"}},
		},
		{
			Name: "plan peering with a peer VPC known only after apply",
			Plan: ruletest.Plan(ruletest.Change{
				Address: "aws_vpc_peering_connection.p",
				After:   map[string]any{"vpc_id": "vpc-1", "tags": tags("Environment", "prod")},
				Unknown: map[string]any{"peer_vpc_id": true},
			}),
			Want: []ruletest.Want{{Address: "aws_vpc_peering_connection.p", Path: "peer_vpc_id", Undecidable: true}},
		},
		{
			Name: "plan deleting a peering of prod and dev",
			Plan: ruletest.Plan(ruletest.Change{
				Address: "aws_vpc_peering_connection.p", Actions: []string{"delete"},
				Before: map[string]any{"vpc_id": "vpc-1", "peer_owner_id": "222222222222", "tags": tags("Environment", "prod")},
			}),
			Policy: estatePolicy,
		},
		{
			Name: "plan dev accepter of a prod peering connection",
			Plan: planWith(t, planConfig{Refs: map[string][]ref{
				"aws_vpc_peering_connection_accepter.p": {{"vpc_peering_connection_id", "aws_vpc_peering_connection.p"}},
			}},
				ruletest.Change{Address: "aws_vpc_peering_connection.p", After: map[string]any{"vpc_id": "vpc-1", "tags": tags("Environment", "prod")}, Unknown: map[string]any{"id": true, "peer_vpc_id": true}},
				ruletest.Change{Address: "aws_vpc_peering_connection_accepter.p", After: map[string]any{"auto_accept": true, "tags": tags("Environment", "dev")}, Unknown: map[string]any{"vpc_peering_connection_id": true}},
			),
			Want: []ruletest.Want{
				{Address: "aws_vpc_peering_connection_accepter.p", Path: "vpc_peering_connection_id", Message: "joins prod (vpc_peering_connection_id aws_vpc_peering_connection.p) with dev (the resource itself, tag Environment=\"dev\")"},
				{Address: "aws_vpc_peering_connection.p", Path: "peer_vpc_id", Undecidable: true},
			},
		},
		{
			Name:   "plan GCP network peering across projects",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "google_compute_network_peering.p", After: map[string]any{
				"name":         "peer",
				"network":      "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/main",
				"peer_network": "https://www.googleapis.com/compute/v1/projects/acme-dev/global/networks/main",
			}}),
			Want: []ruletest.Want{{Address: "google_compute_network_peering.p", Path: "peer_network", Message: "joins dev (peer_network project or subscription acme-dev) with prod (network project or subscription acme-prod)"}},
		},
	})
}

// TestNetworkPeeringLinear attaches 5,000 VPCs to one transit gateway, one
// of them dev among prod, and peers 1,000 pairs of VPCs within prod.
func TestNetworkPeeringLinear(t *testing.T) {
	var changes []ruletest.Change
	for i := range 5000 {
		env := "prod"
		if i == 4321 {
			env = "dev"
		}
		changes = append(changes, ruletest.Change{
			Address: fmt.Sprintf("aws_ec2_transit_gateway_vpc_attachment.a%d", i),
			After:   map[string]any{"transit_gateway_id": "tgw-0abc", "vpc_id": fmt.Sprintf("vpc-%d", i), "tags": tags("Environment", env)},
		})
	}
	for i := range 1000 {
		changes = append(changes, ruletest.Change{
			Address: fmt.Sprintf("aws_vpc_peering_connection.p%d", i),
			After:   map[string]any{"vpc_id": fmt.Sprintf("vpc-%d", i), "peer_vpc_id": fmt.Sprintf("vpc-%d", i+1), "tags": tags("Environment", "prod")},
		})
	}
	if n := count(t, "GR-SEG-003", ruletest.Case{Plan: ruletest.Plan(changes...)}); n != 1 {
		t.Errorf("got %d findings, want 1 (the dev attachment)", n)
	}
}
