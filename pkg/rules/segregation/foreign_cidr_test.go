package segregation_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestForeignCIDR(t *testing.T) {
	acl := func(env string, entries ...map[string]any) ruletest.Change {
		var in []any
		for _, e := range entries {
			in = append(in, e)
		}
		return ruletest.Change{Address: "aws_network_acl.main", After: map[string]any{"vpc_id": "vpc-1", "ingress": in, "tags": tags("Environment", env)}}
	}
	entry := func(no int, action, cidr string) map[string]any {
		return map[string]any{"rule_no": no, "action": action, "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_block": cidr}
	}
	ruletest.Run(t, "GR-SEG-004", []ruletest.Case{
		{
			Name:   "hcl prod security group admitting the dev range",
			Policy: estatePolicy,
			HCL: `
resource "aws_security_group" "db" {
  name = "db"
  tags = { Environment = "prod" }
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16", "10.1.0.0/16"]
  }
}`,
			Want: []ruletest.Want{{
				Address: "aws_security_group.db", Path: "ingress[0].cidr_blocks[1]", Line: 9,
				Message: "ingress rule in prod allows traffic from 10.1.0.0/16, which overlaps 10.1.0.0/16 of environment dev",
			}},
		},
		{
			Name:   "hcl prod security group admitting its own range, an office and the world",
			Policy: estatePolicy,
			HCL: `
resource "aws_security_group" "web" {
  name = "web"
  tags = { Environment = "prod" }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.4.0/24", "203.0.113.0/24", "0.0.0.0/0"]
  }
}`,
		},
		{
			Name:   "hcl dev egress to all of 10/8 reaches prod and staging",
			Policy: estatePolicy,
			HCL: `
resource "aws_security_group_rule" "out" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = "sg-1"
  tags              = { Environment = "dev" }
}`,
			Want: []ruletest.Want{
				{Address: "aws_security_group_rule.out", Path: "cidr_blocks[0]", Message: "egress rule in dev allows traffic to 10.0.0.0/8, which overlaps 10.0.0.0/16 of environment prod"},
				{Address: "aws_security_group_rule.out", Path: "cidr_blocks[0]", Message: "which overlaps 10.2.0.0/16 of environment staging"},
			},
		},
		{
			Name:   "hcl dev admitting staging, an allowed mix",
			Policy: estate("  segregation:\n    allowedMixes: [[dev, staging]]\n"),
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "in" {
  security_group_id = "sg-1"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = "10.2.3.0/24"
  tags              = { Environment = "dev" }
}`,
		},
		{
			Name: "hcl without ranges in the policy",
			HCL: `
resource "aws_vpc_security_group_ingress_rule" "in" {
  security_group_id = "sg-1"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = "10.1.0.0/16"
  tags              = { Environment = "prod" }
}`,
		},
		{
			Name:   "hcl range unknown until apply",
			Policy: estatePolicy,
			HCL: `
variable "peer_cidr" {}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = [var.peer_cidr]
  security_group_id = "sg-1"
  tags              = { Environment = "prod" }
}`,
			Want: []ruletest.Want{{Address: "aws_security_group_rule.in", Path: "cidr_blocks[0]", Undecidable: true, Message: "whether the rule admits another environment's address range"}},
		},
		{
			Name: "hcl range unknown until apply, no ranges in the policy",
			HCL: `
variable "peer_cidr" {}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = [var.peer_cidr]
  security_group_id = "sg-1"
  tags              = { Environment = "prod" }
}`,
		},
		{
			Name:   "hcl source security group unknown until apply is not a range",
			Policy: estatePolicy,
			HCL: `
resource "aws_security_group" "app" {
  name = "app"
}
resource "aws_security_group_rule" "in" {
  type                     = "ingress"
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.app.id
  security_group_id        = "sg-1"
  tags                     = { Environment = "prod" }
}`,
		},
		{
			Name:   "hcl unplaced security group",
			Policy: estatePolicy,
			HCL: `
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.1.0.0/16"]
  security_group_id = "sg-1"
}`,
		},
		{
			Name:   "plan dev network ACL denying prod before allowing 10/8",
			Policy: estatePolicy,
			Plan:   ruletest.Plan(acl("dev", entry(100, "deny", "10.0.0.0/16"), entry(200, "allow", "10.0.0.0/8"))),
			Want:   []ruletest.Want{{Address: "aws_network_acl.main", Path: "ingress[1].cidr_block", Message: "ingress rule in dev allows traffic from 10.0.0.0/8, which overlaps 10.2.0.0/16 of environment staging"}},
		},
		{
			Name:   "plan dev network ACL denying prod after allowing 10/8",
			Policy: estatePolicy,
			Plan:   ruletest.Plan(acl("dev", entry(300, "deny", "10.0.0.0/16"), entry(200, "allow", "10.0.0.0/8"))),
			Want: []ruletest.Want{
				{Address: "aws_network_acl.main", Path: "ingress[1].cidr_block", Message: "overlaps 10.0.0.0/16 of environment prod"},
				{Address: "aws_network_acl.main", Path: "ingress[1].cidr_block", Message: "overlaps 10.2.0.0/16 of environment staging"},
			},
		},
		{
			Name:   "plan deleted security group",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_security_group.old", Actions: []string{"delete"}, Before: map[string]any{
				"tags":    tags("Environment", "prod"),
				"ingress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"10.1.0.0/16"}}},
			}}),
		},
		{
			Name:   "plan prod GCP firewall, placed by name, admitting the dev range",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "google_compute_firewall.fw", After: map[string]any{
				"name": "prod-allow-internal", "network": "main", "direction": "INGRESS",
				"source_ranges": []any{"10.1.7.0/24"}, "allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}},
			}}),
			Want: []ruletest.Want{{Address: "google_compute_firewall.fw", Path: "source_ranges[0]", Message: "ingress rule in prod allows traffic from 10.1.7.0/24, which overlaps 10.1.0.0/16 of environment dev"}},
		},
		{
			Name:   "plan range known only after apply",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{
				Address: "aws_vpc_security_group_ingress_rule.in",
				After:   map[string]any{"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 443, "to_port": 443, "tags": tags("Environment", "staging")},
				Unknown: map[string]any{"cidr_ipv4": true},
			}),
			Want: []ruletest.Want{{Address: "aws_vpc_security_group_ingress_rule.in", Path: "cidr_ipv4", Undecidable: true}},
		},
		{
			Name:   "kubernetes prod NetworkPolicy admitting the dev range",
			Policy: estatePolicy,
			YAML: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - ipBlock: {cidr: 10.1.0.0/16}`,
			Want: []ruletest.Want{{
				Address: "NetworkPolicy/prod/db", Path: "spec.ingress[0].from[0].ipBlock.cidr", Line: 9,
				Message: "ingress rule in prod allows traffic from 10.1.0.0/16, which overlaps 10.1.0.0/16 of environment dev",
			}},
		},
		{
			Name:   "kubernetes dev NetworkPolicy excepting the other environments",
			Policy: estatePolicy,
			YAML: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: dev}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.0.0.0/16, 10.2.0.0/16]`,
		},
		{
			Name:   "kubernetes dev NetworkPolicy excepting prod only",
			Policy: estatePolicy,
			YAML: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: dev-alice}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.0.0.0/16]`,
			Want: []ruletest.Want{{Address: "NetworkPolicy/dev-alice/out", Path: "spec.egress[0].to[0].ipBlock.cidr", Message: "egress rule in dev allows traffic to 10.0.0.0/8, which overlaps 10.2.0.0/16 of environment staging"}},
		},
		{
			Name:   "kubernetes NetworkPolicy labelled prod in a namespace of no environment",
			Policy: estatePolicy,
			YAML: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: payments, labels: {env: prod}}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 10.2.9.0/24}`,
			Want: []ruletest.Want{{Address: "NetworkPolicy/payments/db", Message: "ingress rule in prod allows traffic from 10.2.9.0/24, which overlaps 10.2.0.0/16 of environment staging"}},
		},
	})
}
