package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestDataPortsOpenToWorld(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "hcl postgres open to the world",
			HCL: `
resource "aws_security_group" "db" {
  name = "db"
  ingress {
    description = "postgres"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.db", Path: "ingress[0]", Line: 4,
				Message: "TCP ingress allows database port 5432 (PostgreSQL) from 0.0.0.0/0"}},
		},
		{
			Name: "hcl mysql from the application tier",
			HCL: `
resource "aws_security_group_rule" "mysql" {
  type                     = "ingress"
  from_port                = 3306
  to_port                  = 3306
  protocol                 = "tcp"
  source_security_group_id = "sg-app"
  security_group_id        = "sg-db"
}
resource "aws_vpc_security_group_ingress_rule" "mysql_subnet" {
  security_group_id = "sg-db"
  from_port         = 3306
  to_port           = 3306
  ip_protocol       = "tcp"
  cidr_ipv4         = "10.20.0.0/16"
}`,
		},
		{
			Name: "hcl mongodb range open on ipv6",
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "mongo" {
  security_group_id = "sg-1"
  from_port         = 27017
  to_port           = 27019
  ip_protocol       = "tcp"
  cidr_ipv6         = "::/0"
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_security_group_ingress_rule.mongo", Message: "database ports 27017-27019 from ::/0"}},
		},
		{
			Name: "hcl memcached over udp",
			HCL: `
resource "aws_security_group_rule" "memcached" {
  type              = "ingress"
  from_port         = 11211
  to_port           = 11211
  protocol          = "udp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.memcached", Message: "UDP ingress allows database port 11211 (Memcached) from 0.0.0.0/0"}},
		},
		{
			Name: "plan gcp firewall opening redis",
			Plan: ruletest.Plan(ruletest.Change{Address: "google_compute_firewall.redis", After: map[string]any{
				"name": "redis", "network": "default", "direction": "INGRESS", "priority": 1000, "disabled": false,
				"source_ranges": []any{"0.0.0.0/0"}, "source_tags": nil, "target_tags": []any{"cache"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"443", "6379"}}},
			}}),
			Want: []ruletest.Want{{Address: "google_compute_firewall.redis", Path: "allow[0].ports[1]", Message: "6379 (Redis)"}},
		},
		{
			Name: "plan gcp firewall with computed source ranges and no tags",
			Plan: ruletest.Plan(ruletest.Change{Address: "google_compute_firewall.es", After: map[string]any{
				"name": "es", "network": "default", "direction": "INGRESS",
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"9200"}}},
			}, Unknown: map[string]any{"source_ranges": true}}),
			Want: []ruletest.Want{{Address: "google_compute_firewall.es", Path: "source_ranges", Undecidable: true, Message: "9200 (Elasticsearch)"}},
		},
		{
			Name: "hcl azure nsg opening sql server to the internet",
			HCL: `
resource "azurerm_network_security_group" "sql" {
  name                = "sql"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "sql"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}`,
			Want: []ruletest.Want{{Address: "azurerm_network_security_group.sql", Message: "database port 1433 (SQL Server) from Internet"}},
		},
		{
			Name: "hcl nacl admitting a database port and the ephemeral range",
			HCL: `
resource "aws_network_acl" "data" {
  vpc_id = "vpc-1"
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 3306
    to_port    = 3306
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "tcp"
    from_port  = 32768
    to_port    = 65535
    cidr_block = "0.0.0.0/0"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_network_acl.data", Path: "ingress[0]", Message: "3306 (MySQL)"}},
		},
		{
			Name: "hcl source unknown until apply",
			HCL: `
resource "aws_security_group_rule" "pg" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = [aws_eip.nat.public_ip]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.pg", Undecidable: true, Message: "whether database port 5432 (PostgreSQL) is open to the world"}},
		},
		{
			Name: "kubernetes LoadBalancer exposing postgres, and an internal one",
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: pg, namespace: data}
spec:
  type: LoadBalancer
  ports:
  - {name: pg, port: 5432}
---
apiVersion: v1
kind: Service
metadata:
  name: pg-internal
  namespace: data
  annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internal}
spec:
  type: LoadBalancer
  ports:
  - {name: pg, port: 5432}`,
			Want: []ruletest.Want{{Address: "Service/data/pg", Path: "spec.ports[0].port", Line: 8, Message: "database port 5432 (PostgreSQL) from any source"}},
		},
		{
			Name: "plan deleted rule is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_security_group_rule.old", Actions: []string{"delete"}, Before: map[string]any{
				"type": "ingress", "from_port": 6379, "to_port": 6379, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"},
			}}),
		},
		{
			Name: "policy overrides the data ports",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: custom-data}
spec:
  ports:
    data: ["8529", "udp/8125"]
`,
			HCL: `
resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 8529
    to_port     = 8529
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 8125
    to_port     = 8125
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.db", Path: "ingress[1]", Message: "database port 8529 from 0.0.0.0/0"}},
		},
	}
	cases = append(cases, everyFirewallType(6379, 6379, "TCP ingress allows database port 6379 (Redis)")...)
	ruletest.Run(t, "GR-PORT-002", cases)
}
