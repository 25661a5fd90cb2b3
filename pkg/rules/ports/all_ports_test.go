package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestAllPortsOpenToWorld(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "hcl every protocol from the world",
			HCL: `
resource "aws_security_group" "open" {
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.open", Path: "ingress[0]", Line: 3,
				Message: "ingress allows every port on every protocol from 0.0.0.0/0"}},
		},
		{
			Name: "hcl every tcp port, and a narrower rule",
			HCL: `
resource "aws_security_group_rule" "tcp" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
  security_group_id = "sg-1"
}
resource "aws_security_group_rule" "narrow" {
  type              = "ingress"
  from_port         = 1
  to_port           = 65535
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.tcp", Message: "ingress allows every TCP port from ::/0"}},
		},
		{
			Name: "hcl every port from private ranges and security groups",
			HCL: `
resource "aws_security_group" "internal" {
  ingress {
    from_port       = 0
    to_port         = 0
    protocol        = "-1"
    cidr_blocks     = ["10.0.0.0/8", "172.16.0.0/12"]
    security_groups = ["sg-peer"]
    self            = true
  }
}`,
		},
		{
			Name: "hcl icmp from the world is not every port",
			HCL: `
resource "aws_security_group" "ping" {
  ingress {
    from_port   = -1
    to_port     = -1
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "google_compute_firewall" "ping" {
  name          = "ping"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "icmp"
  }
}
resource "azurerm_network_security_rule" "ping" {
  name                        = "ping"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Icmp"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
}`,
		},
		{
			Name: "hcl aws vpc rule for every protocol",
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "all" {
  security_group_id = "sg-1"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_security_group_ingress_rule.all", Message: "every port on every protocol from 0.0.0.0/0"}},
		},
		{
			Name: "hcl gcp allow all, and all for tagged sources",
			HCL: `
resource "google_compute_firewall" "all" {
  name          = "all"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}
resource "google_compute_firewall" "tagged" {
  name        = "tagged"
  network     = "default"
  source_tags = ["web"]
  allow {
    protocol = "all"
  }
}`,
			Want: []ruletest.Want{{Address: "google_compute_firewall.all", Path: "allow[0]", Message: "every port on every protocol"}},
		},
		{
			Name: "plan gcp allow tcp without ports",
			Plan: ruletest.Plan(ruletest.Change{Address: "google_compute_firewall.tcp", After: map[string]any{
				"name": "tcp", "network": "default", "direction": "INGRESS", "source_ranges": []any{"0.0.0.0/0"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{}}},
			}}),
			Want: []ruletest.Want{{Address: "google_compute_firewall.tcp", Path: "allow[0]", Message: "every TCP port from 0.0.0.0/0"}},
		},
		{
			Name: "hcl azure nsg any port from the internet after a deny of lower priority number",
			HCL: `
resource "azurerm_network_security_group" "nsg" {
  name                = "nsg"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "deny-all"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "allow-all"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
resource "azurerm_network_security_group" "open" {
  name                = "open"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "allow-all"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}`,
			Want: []ruletest.Want{{Address: "azurerm_network_security_group.open", Path: "security_rule[0].destination_port_range", Message: "every port on every protocol from *"}},
		},
		{
			Name: "hcl nacl: default allow-all, and one whose tcp deny leaves every udp port open",
			HCL: `
resource "aws_default_network_acl" "default" {
  default_network_acl_id = "acl-1"
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}
resource "aws_network_acl_rule" "deny_tcp" {
  network_acl_id = "acl-2"
  rule_number    = 100
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 65535
}
resource "aws_network_acl_rule" "allow_all" {
  network_acl_id = "acl-2"
  rule_number    = 200
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}`,
			Want: []ruletest.Want{
				{Address: "aws_default_network_acl.default", Message: "every port on every protocol from 0.0.0.0/0"},
				{Address: "aws_network_acl_rule.allow_all", Message: "every UDP port from 0.0.0.0/0"},
			},
		},
		{
			Name: "hcl protocol unknown until apply",
			HCL: `
variable "protocol" {}
resource "aws_security_group_rule" "any" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = var.protocol
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.any", Path: "protocol", Undecidable: true, Message: "whether every port is open to the world"}},
		},
		{
			Name: "plan security group rules computed, default security group emptied",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_security_group.web", After: map[string]any{"name": "web"},
					Unknown: map[string]any{"ingress": true, "egress": true}},
				ruletest.Change{Address: "aws_default_security_group.default", After: map[string]any{"vpc_id": "vpc-1", "ingress": []any{}, "egress": []any{}}},
			),
		},
		{
			Name: "plan deleted allow-all rule is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_vpc_security_group_ingress_rule.all", Actions: []string{"delete"},
				Before: map[string]any{"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}}),
		},
		{
			Name: "policy with a wider world",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: cgnat}
spec:
  ports:
    publicCIDRs: ["0.0.0.0/0", "::/0", "100.64.0.0/10"]
`,
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "cgnat" {
  security_group_id = "sg-1"
  ip_protocol       = "-1"
  cidr_ipv4         = "100.64.0.0/10"
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_security_group_ingress_rule.cgnat", Message: "from 100.64.0.0/10"}},
		},
	}
	cases = append(cases, everyFirewallType(0, 65535, "ingress allows every TCP port from")...)
	ruletest.Run(t, "GR-PORT-003", cases)
}
