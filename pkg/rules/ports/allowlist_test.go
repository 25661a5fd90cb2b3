package ports_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// allowlistPolicy allows 80 and 443 in prod, udp/53 and 443 anywhere else
// (the "*" entry), and names no list for dev... which then falls back to "*".
var allowlistPolicy = policyWith(`  ports:
    allowed:
      prod: ["80", "443"]
      "*": ["443", "udp/53"]
`)

// prodOnlyPolicy lists ports for prod only: other environments are not judged.
var prodOnlyPolicy = policyWith(`  ports:
    allowed:
      prod: ["443"]
`)

func TestPortNotAllowed(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "default policy lists no ports: nothing is judged",
			HCL: `
resource "aws_security_group" "db" {
  tags = { Environment = "prod" }
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}`,
		},
		{
			Name:   "hcl prod security group opening a port outside the list",
			Policy: allowlistPolicy,
			HCL: `
resource "aws_security_group" "app" {
  tags = { Environment = "prod" }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = ["sg-lb"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group.app", Path: "ingress[1]", Line: 10,
				Message: "ingress opens 8080 (HTTP alternate), outside the ports allowed in environment prod (80, 443)"}},
		},
		{
			Name:   "hcl range partly outside the list, and an egress rule",
			Policy: allowlistPolicy,
			HCL: `
resource "aws_security_group_rule" "range" {
  type              = "ingress"
  from_port         = 80
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = "sg-1"
  tags              = { Environment = "production" }
}
resource "aws_vpc_security_group_egress_rule" "out" {
  security_group_id = "sg-1"
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
  cidr_ipv4         = "10.0.0.0/8"
  tags              = { Environment = "prod" }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.range", Message: "ingress opens 80-443, outside the ports allowed in environment prod"}},
		},
		{
			Name:   "hcl staging falls back to the * list, with its protocol",
			Policy: allowlistPolicy,
			HCL: `
resource "google_compute_firewall" "dns" {
  name          = "dns"
  network       = "default"
  source_ranges = ["10.0.0.0/8"]
  labels        = { env = "staging" }
  allow {
    protocol = "udp"
    ports    = ["53"]
  }
  allow {
    protocol = "tcp"
    ports    = ["53"]
  }
}`,
			Want: []ruletest.Want{{Address: "google_compute_firewall.dns", Path: "allow[1].ports[0]",
				Message: "ingress opens 53 (DNS), outside the ports allowed in environment staging (443, udp/53)"}},
		},
		{
			Name:   "hcl environments without a list are not judged",
			Policy: prodOnlyPolicy,
			HCL: `
resource "aws_security_group" "dev" {
  tags = { Environment = "dev" }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
resource "aws_security_group" "untagged" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}`,
		},
		{
			Name:   "hcl an unplaced resource falls under the * list",
			Policy: allowlistPolicy,
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
  cidr_ipv4         = "10.0.0.0/8"
}`,
			Want: []ruletest.Want{{Address: "aws_vpc_security_group_ingress_rule.ssh", Message: "outside the ports allowed in any environment (443, udp/53)"}},
		},
		{
			Name:   "hcl every port on a nacl, and its return-traffic rule",
			Policy: prodOnlyPolicy,
			Env:    "prod",
			HCL: `
resource "aws_network_acl" "public" {
  vpc_id = "vpc-1"
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 300
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "10.0.0.0/8"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_network_acl.public", Path: "ingress[2]", Message: "ingress opens all ports, outside the ports allowed in environment prod (443)"}},
		},
		{
			Name:   "hcl ports unknown until apply, and sources unknown with known ports",
			Policy: prodOnlyPolicy,
			Env:    "prod",
			HCL: `
variable "port" {}
variable "cidr" {}
resource "aws_security_group_rule" "port" {
  type              = "ingress"
  from_port         = var.port
  to_port           = var.port
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = "sg-1"
}
resource "aws_security_group_rule" "cidr" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = [var.cidr]
  security_group_id = "sg-1"
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.port", Path: "from_port", Undecidable: true,
				Message: "whether the rule's ports are in the allowlist of environment prod"}},
		},
		{
			Name:   "plan azure nsg in prod",
			Policy: prodOnlyPolicy,
			Env:    "prod",
			Plan: ruletest.Plan(ruletest.Change{Address: "azurerm_network_security_group.web", After: map[string]any{
				"name": "web", "resource_group_name": "rg",
				"security_rule": []any{map[string]any{
					"name": "web", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
					"destination_port_range": "", "destination_port_ranges": []any{"443", "8443"},
					"source_address_prefix": "VirtualNetwork", "source_address_prefixes": []any{},
				}},
			}}),
			Want: []ruletest.Want{{Address: "azurerm_network_security_group.web", Path: "security_rule[0].destination_port_ranges[1]", Message: "ingress opens 8443"}},
		},
		{
			Name:   "plan deleted rule in prod is not judged",
			Policy: prodOnlyPolicy,
			Env:    "prod",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_security_group_rule.old", Actions: []string{"delete"}, Before: map[string]any{
				"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"10.0.0.0/8"},
			}}),
		},
		{
			Name:   "kubernetes Service and container ports in a prod namespace",
			Policy: allowlistPolicy,
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  ports:
  - {name: https, port: 443, targetPort: 8443}
  - {name: metrics, port: 9090}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: web
        image: nginx
        ports:
        - {containerPort: 80}
        - {containerPort: 8443, hostPort: 443}
        - {containerPort: 9090, hostPort: 9090}`,
			Want: []ruletest.Want{
				{Address: "Service/prod/web", Path: "spec.ports[1].port", Line: 8,
					Message: "Service port 9090 is outside the ports allowed in environment prod (80, 443)"},
				{Address: "Deployment/prod/web", Path: "spec.template.spec.containers[0].ports[1].containerPort",
					Message: `container "web" exposes port 8443, outside the ports allowed in environment prod`},
				{Address: "Deployment/prod/web", Path: "spec.template.spec.containers[0].ports[2].containerPort"},
				{Address: "Deployment/prod/web", Path: "spec.template.spec.containers[0].ports[2].hostPort",
					Message: `container "web" binds host port 9090, outside the ports allowed in environment prod`},
			},
		},
		{
			Name:   "kubernetes objects of a namespace without a list",
			Policy: prodOnlyPolicy,
			YAML: `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dev}
spec:
  ports: [{port: 8080}]`,
		},
	}
	// Every firewall type, in prod, opening 22 from a private range.
	for _, typ := range netrule.Types() {
		hcl, addr, path, want := openToWorld(typ, 22, 22)
		hcl = strings.ReplaceAll(hcl, "0.0.0.0/0", "10.0.0.0/8")
		hcl = strings.ReplaceAll(hcl, `"Internet"`, `"VirtualNetwork"`)
		hcl = strings.ReplaceAll(hcl, `source_address_prefix       = "*"`, `source_address_prefix       = "10.0.0.0/8"`)
		c := ruletest.Case{Name: "every type/" + typ, Policy: prodOnlyPolicy, Env: "prod", HCL: hcl}
		if want {
			c.Want = []ruletest.Want{{Address: addr, Path: path, Message: "ingress opens 22 (SSH), outside the ports allowed in environment prod (443)"}}
		}
		cases = append(cases, c)
	}
	// Every kind with a pod template, in prod, with a container port outside the list.
	for _, k := range podKinds {
		cases = append(cases, ruletest.Case{
			Name:   "every pod kind/" + k.kind,
			Policy: prodOnlyPolicy,
			YAML: workload(k.kind, k.apiVersion, "app", "prod", `containers:
- name: app
  image: app:1
  ports:
  - containerPort: 8080
`),
			Want: []ruletest.Want{{Address: fmt.Sprintf("%s/prod/app", k.kind), Path: k.specPath + ".containers[0].ports[0].containerPort",
				Message: `container "app" exposes port 8080 (HTTP alternate), outside the ports allowed in environment prod (443)`}},
		})
	}
	ruletest.Run(t, "GR-PORT-004", cases)
}
