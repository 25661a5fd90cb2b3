package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestAdminPortsOpenToWorld(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "hcl inline ingress ssh from world",
			HCL: `
resource "aws_security_group" "bastion" {
  name = "bastion"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.bastion", Path: "ingress[1]",
				Message: "TCP ingress allows administration port 22 (SSH) from 0.0.0.0/0", Line: 10}},
		},
		{
			Name: "hcl ssh from the office only",
			HCL: `
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["203.0.113.10/32"]
  security_group_id = "sg-1"
}`,
		},
		{
			Name: "hcl ssh from a bastion security group",
			HCL: `
resource "aws_security_group" "app" {
  ingress {
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    security_groups = ["sg-bastion"]
  }
}`,
		},
		{
			Name: "hcl range covering rdp on ipv6",
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "wide" {
  security_group_id = "sg-1"
  from_port         = 3000
  to_port           = 4000
  ip_protocol       = "tcp"
  cidr_ipv6         = "::/0"
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_security_group_ingress_rule.wide", Message: "TCP ingress allows administration port 3389 (RDP) from ::/0"}},
		},
		{
			Name: "hcl egress to the world is not ingress",
			HCL: `
resource "aws_security_group_rule" "out" {
  type              = "egress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}`,
		},
		{
			Name: "hcl ping from the world opens no port",
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "ping" {
  security_group_id = "sg-1"
  from_port         = -1
  to_port           = -1
  ip_protocol       = "icmp"
  cidr_ipv4         = "0.0.0.0/0"
}
resource "aws_network_acl" "ping" {
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "icmp"
    icmp_type  = 8
    icmp_code  = 0
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}`,
		},
		{
			Name: "hcl source unknown until apply",
			HCL: `
variable "cidr" {}
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = [var.cidr]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.ssh", Path: "cidr_blocks[0]", Undecidable: true,
				Message: "whether administration port 22 (SSH) is open to the world"}},
		},
		{
			Name: "hcl ports unknown but sources private",
			HCL: `
variable "port" {}
resource "aws_security_group_rule" "app" {
  type              = "ingress"
  from_port         = var.port
  to_port           = var.port
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = "sg-1"
}`,
		},
		{
			Name: "hcl ports unknown and open to the world",
			HCL: `
variable "port" {}
resource "aws_security_group_rule" "app" {
  type              = "ingress"
  from_port         = var.port
  to_port           = var.port
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.app", Path: "from_port", Undecidable: true}},
		},
		{
			Name: "hcl dynamic ingress blocks unknown until apply",
			HCL: `
variable "rules" {}
resource "aws_security_group" "dyn" {
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.dyn", Path: "ingress", Undecidable: true}},
		},
		{
			Name: "plan gcp firewall ssh",
			Plan: ruletest.Plan(ruletest.Change{Address: "google_compute_firewall.ssh", After: map[string]any{
				"name": "ssh", "network": "default", "direction": "INGRESS", "source_ranges": []any{"0.0.0.0/0"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"22", "80"}}},
			}}),
			Want: []ruletest.Want{{Address: "google_compute_firewall.ssh", Path: "allow[0].ports[0]", Message: "22 (SSH)"}},
		},
		{
			Name: "hcl gcp firewall without sources admits the world",
			HCL: `
resource "google_compute_firewall" "rdp" {
  name    = "rdp"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}`,
			Want: []ruletest.Want{{Address: "google_compute_firewall.rdp", Path: "allow[0].ports[0]",
				Message: "3389 (RDP) from 0.0.0.0/0 (the firewall names no source, so GCP applies 0.0.0.0/0)"}},
		},
		{
			Name: "hcl gcp firewall for tagged sources, disabled, or denying",
			HCL: `
resource "google_compute_firewall" "tagged" {
  name        = "tagged"
  network     = "default"
  source_tags = ["bastion"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
resource "google_compute_firewall" "disabled" {
  name          = "disabled"
  network       = "default"
  disabled      = true
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
resource "google_compute_firewall" "deny" {
  name          = "deny"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  deny {
    protocol = "tcp"
    ports    = ["22"]
  }
}`,
		},
		{
			Name: "plan nacl denies before it allows",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_network_acl.main", After: map[string]any{
				"vpc_id": "vpc-1",
				"ingress": []any{
					map[string]any{"rule_no": 100, "action": "deny", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"},
					map[string]any{"rule_no": 200, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"},
				},
			}}),
			Want: []ruletest.Want{{Address: "aws_network_acl.main", Path: "ingress[1]",
				Message: "TCP ingress allows administration ports 23 (Telnet), 3389 (RDP), 5900 (VNC), 5985-5986, and UDP ingress allows administration ports 22 (SSH)"}},
		},
		{
			Name: "plan nacl whose deny comes after the allow does not shadow it",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_network_acl.main", After: map[string]any{
				"ingress": []any{
					map[string]any{"rule_no": 200, "action": "deny", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"},
					map[string]any{"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"},
				},
			}}),
			Want: []ruletest.Want{{Address: "aws_network_acl.main", Path: "ingress[1]", Message: "22 (SSH)"}},
		},
		{
			Name: "hcl nacl rules as resources: the deny of another resource shadows the allow",
			HCL: `
resource "aws_network_acl" "public" {
  vpc_id = "vpc-1"
}
resource "aws_network_acl_rule" "deny_admin" {
  network_acl_id = aws_network_acl.public.id
  rule_number    = 90
  egress         = false
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 3999
}
resource "aws_network_acl_rule" "allow_all" {
  network_acl_id = aws_network_acl.public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 65535
}
resource "aws_network_acl" "other" {
  vpc_id = "vpc-1"
}
resource "aws_network_acl_rule" "other_allow" {
  network_acl_id = aws_network_acl.other.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 22
  to_port        = 22
}`,
			Want: []ruletest.Want{
				{Address: "aws_network_acl_rule.allow_all", Message: "TCP ingress allows administration ports 5900 (VNC), 5985-5986 from 0.0.0.0/0"},
				{Address: "aws_network_acl_rule.other_allow", Message: "22 (SSH)"},
			},
		},
		{
			Name: "hcl nacl admitting the ephemeral ports for return traffic",
			HCL: `
resource "aws_network_acl" "private" {
  vpc_id = "vpc-1"
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "0.0.0.0/0"
  }
}
resource "aws_security_group" "same_range" {
  ingress {
    from_port   = 1024
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.same_range", Message: "3389 (RDP), 5900 (VNC), 5985-5986"}},
		},
		{
			Name: "hcl default network acl allowing everything",
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
}`,
			Want: []ruletest.Want{{Address: "aws_default_network_acl.default", Path: "ingress[0]",
				Message: "ingress on every protocol allows administration ports 22 (SSH), 23 (Telnet), 3389 (RDP), 5900 (VNC), 5985-5986 from 0.0.0.0/0"}},
		},
		{
			Name: "hcl azure nsg: service tag, wildcard source, port range, priorities",
			HCL: `
resource "azurerm_network_security_group" "web" {
  name                = "web"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "deny-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "ssh"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "range"
    priority                   = 300
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["443", "3000-4000"]
    source_address_prefixes    = ["198.51.100.0/24", "0.0.0.0/0"]
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "vnet"
    priority                   = 400
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5985-5986"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}`,
			Want: []ruletest.Want{{Address: "azurerm_network_security_group.web", Path: "security_rule[2].destination_port_ranges[1]",
				Message: "TCP ingress allows administration port 3389 (RDP) from 0.0.0.0/0", Line: 35}},
		},
		{
			Name: "hcl azure security rules as resources: a deny of higher priority shadows the allow",
			HCL: `
resource "azurerm_network_security_rule" "deny_rdp" {
  name                        = "deny-rdp"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
}
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
}
resource "azurerm_network_security_rule" "rdp_other_nsg" {
  name                        = "rdp"
  resource_group_name         = "rg"
  network_security_group_name = "other"
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
}`,
			Want: []ruletest.Want{{Address: "azurerm_network_security_rule.rdp_other_nsg", Path: "destination_port_range", Message: "3389 (RDP) from Internet"}},
		},
		{
			Name: "plan azure nsg as a plan writes its rules",
			Plan: ruletest.Plan(ruletest.Change{Address: "azurerm_network_security_group.web", After: map[string]any{
				"name": "web", "location": "westeurope", "resource_group_name": "rg",
				"security_rule": []any{map[string]any{
					"name": "web", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
					"source_port_range": "*", "source_port_ranges": []any{}, "destination_port_range": "", "destination_port_ranges": []any{"443", "5900"},
					"source_address_prefix": "*", "source_address_prefixes": []any{}, "destination_address_prefix": "*", "destination_address_prefixes": []any{},
					"description": "", "source_application_security_group_ids": []any{}, "destination_application_security_group_ids": []any{},
				}},
			}}),
			Want: []ruletest.Want{{Address: "azurerm_network_security_group.web", Path: "security_rule[0].destination_port_ranges[1]", Message: "5900 (VNC) from *"}},
		},
		{
			Name: "plan security group whose rules are separate resources",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_security_group.web", After: map[string]any{"name": "web", "vpc_id": "vpc-1"},
					Unknown: map[string]any{"ingress": true, "egress": true, "id": true}},
				ruletest.Change{Address: "aws_security_group_rule.https", After: map[string]any{
					"type": "ingress", "from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"},
				}, Unknown: map[string]any{"security_group_id": true}},
			),
		},
		{
			Name: "plan rule admitting a security group created with it",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_security_group_rule.from_alb", After: map[string]any{
				"type": "ingress", "from_port": 0, "to_port": 65535, "protocol": "tcp", "self": false,
			}, Unknown: map[string]any{"source_security_group_id": true, "security_group_id": true}}),
		},
		{
			Name: "plan deleted security group is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_security_group.old", Actions: []string{"delete"}, Before: map[string]any{
				"ingress": []any{map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}},
			}}),
		},
		{
			Name: "kubernetes LoadBalancer exposing ssh",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: git, namespace: tools}
spec:
  type: LoadBalancer
  ports:
  - {name: ssh, port: 22, targetPort: 2222}
---
apiVersion: v1
kind: Service
metadata:
  name: git-internal
  namespace: tools
  annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: "true"}
spec:
  type: LoadBalancer
  ports:
  - {name: ssh, port: 22}`,
			Want: []ruletest.Want{{Address: "Service/tools/git", Path: "spec.ports[0].port", Line: 8,
				Message: "TCP ingress allows administration port 22 (SSH) from any source (the LoadBalancer Service sets no loadBalancerSourceRanges)"}},
		},
		{
			Name: "kubernetes LoadBalancers restricted, internal, or left to the AWS Load Balancer Controller",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: office, namespace: tools}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["203.0.113.0/24"]
  ports: [{port: 22}]
---
apiVersion: v1
kind: Service
metadata:
  name: annotated
  namespace: tools
  annotations: {service.beta.kubernetes.io/load-balancer-source-ranges: "203.0.113.0/24, 198.51.100.7/32"}
spec:
  type: LoadBalancer
  ports: [{port: 3389}]
---
apiVersion: v1
kind: Service
metadata:
  name: gke-internal
  namespace: tools
  annotations: {networking.gke.io/load-balancer-type: Internal}
spec:
  type: LoadBalancer
  ports: [{port: 22}]
---
apiVersion: v1
kind: Service
metadata:
  name: azure-internal
  namespace: tools
  annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
spec:
  type: LoadBalancer
  ports: [{port: 22}]
---
apiVersion: v1
kind: Service
metadata:
  name: nlb
  namespace: tools
  annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}
spec:
  type: LoadBalancer
  ports: [{port: 22}]
---
apiVersion: v1
kind: Service
metadata: {name: cluster-ip, namespace: tools}
spec:
  ports: [{port: 22}]`,
		},
		{
			Name: "kubernetes AWS Load Balancer Controller internet-facing",
			YAML: `
apiVersion: v1
kind: Service
metadata:
  name: nlb
  namespace: tools
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
spec:
  type: LoadBalancer
  ports: [{port: 5900}]`,
			Want: []ruletest.Want{{Address: "Service/tools/nlb", Message: "5900 (VNC)"}},
		},
		{
			Name: "kubernetes LoadBalancer whose source ranges include the world",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: rdp, namespace: tools}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"]
  ports: [{port: 3389, protocol: UDP}]`,
			Want: []ruletest.Want{{Address: "Service/tools/rdp", Message: "UDP ingress allows administration port 3389 (RDP) from 0.0.0.0/0 (loadBalancerSourceRanges)"}},
		},
		{
			Name: "policy overrides the administration ports",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: custom-admin}
spec:
  ports:
    admin: ["2222", "tcp/8443"]
`,
			HCL: `
resource "aws_security_group" "admin" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 2222
    to_port     = 2222
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.admin", Path: "ingress[1]", Message: "administration port 2222 from 0.0.0.0/0"}},
		},
		{
			Name: "policy counts a carrier-grade NAT range as the world",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: cgnat}
spec:
  ports:
    publicCIDRs: ["0.0.0.0/0", "::/0", "100.64.0.0/10"]
`,
			HCL: `
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["100.64.0.0/10"]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.ssh", Message: "22 (SSH) from 100.64.0.0/10"}},
		},
	}
	cases = append(cases, everyFirewallType(22, 22, "TCP ingress allows administration port 22 (SSH)")...)
	ruletest.Run(t, "GR-PORT-001", cases)
}
