package ports_test

import (
	"fmt"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// openToWorld returns HCL for a resource of a netrule type that admits
// 0.0.0.0/0 (or the world as the provider writes it) on TCP ports from-to,
// the resource's address, and the finding path. Egress-only types return an
// egress rule, which port rules do not judge: want is then false.
func openToWorld(typ string, from, to int) (hcl, addr, path string, want bool) {
	addr = typ + ".open"
	ports := fmt.Sprint(from)
	if to != from {
		ports = fmt.Sprintf("%d-%d", from, to)
	}
	switch typ {
	case "aws_security_group", "aws_default_security_group":
		return fmt.Sprintf(`
resource %q "open" {
  ingress {
    from_port   = %d
    to_port     = %d
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`, typ, from, to), addr, "ingress[0]", true
	case "aws_security_group_rule":
		return fmt.Sprintf(`
resource "aws_security_group_rule" "open" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = %d
  to_port           = %d
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}`, from, to), addr, "", true
	case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
		return fmt.Sprintf(`
resource %q "open" {
  security_group_id = "sg-1"
  from_port         = %d
  to_port           = %d
  ip_protocol       = "tcp"
  cidr_ipv4         = "0.0.0.0/0"
}`, typ, from, to), addr, "", typ == "aws_vpc_security_group_ingress_rule"
	case "aws_network_acl", "aws_default_network_acl":
		return fmt.Sprintf(`
resource %q "open" {
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = %d
    to_port    = %d
    cidr_block = "0.0.0.0/0"
  }
}`, typ, from, to), addr, "ingress[0]", true
	case "aws_network_acl_rule":
		return fmt.Sprintf(`
resource "aws_network_acl_rule" "open" {
  network_acl_id = "acl-1"
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = %d
  to_port        = %d
}`, from, to), addr, "", true
	case "google_compute_firewall":
		return fmt.Sprintf(`
resource "google_compute_firewall" "open" {
  name          = "open"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = [%q]
  }
}`, ports), addr, "allow[0].ports[0]", true
	case "azurerm_network_security_group":
		return fmt.Sprintf(`
resource "azurerm_network_security_group" "open" {
  name                = "open"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "open"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = %q
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}`, ports), addr, "security_rule[0].destination_port_range", true
	case "azurerm_network_security_rule":
		return fmt.Sprintf(`
resource "azurerm_network_security_rule" "open" {
  name                        = "open"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = %q
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
}`, ports), addr, "destination_port_range", true
	}
	panic("openToWorld: no fixture for " + typ)
}

// everyFirewallType returns one case per netrule type opening from-to to the
// world; the finding, where there is one, must contain message.
func everyFirewallType(from, to int, message string) []ruletest.Case {
	var out []ruletest.Case
	for _, typ := range netrule.Types() {
		hcl, addr, path, want := openToWorld(typ, from, to)
		c := ruletest.Case{Name: "every type/" + typ, HCL: hcl}
		if want {
			c.Want = []ruletest.Want{{Address: addr, Path: path, Message: message}}
		}
		out = append(out, c)
	}
	return out
}

// podKinds are the kinds carrying a pod template, with their apiVersion and
// where the pod spec sits.
var podKinds = []struct{ kind, apiVersion, specPath string }{
	{"Pod", "v1", "spec"},
	{"PodTemplate", "v1", "template.spec"},
	{"Deployment", "apps/v1", "spec.template.spec"},
	{"StatefulSet", "apps/v1", "spec.template.spec"},
	{"DaemonSet", "apps/v1", "spec.template.spec"},
	{"ReplicaSet", "apps/v1", "spec.template.spec"},
	{"ReplicationController", "v1", "spec.template.spec"},
	{"Job", "batch/v1", "spec.template.spec"},
	{"CronJob", "batch/v1", "spec.jobTemplate.spec.template.spec"},
	{"DeploymentConfig", "apps.openshift.io/v1", "spec.template.spec"},
	{"Rollout", "argoproj.io/v1alpha1", "spec.template.spec"},
}

// workload renders an object of kind in namespace ns whose pod spec is
// podSpec (block YAML, not indented).
func workload(kind, apiVersion, name, ns, podSpec string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\n", apiVersion, kind, name, ns)
	spec := indent(podSpec, 2)
	tmpl := "  metadata:\n    labels: {app: " + name + "}\n  spec:\n" + indent(podSpec, 4)
	switch kind {
	case "Pod":
		b.WriteString("spec:\n" + spec)
	case "PodTemplate":
		b.WriteString("template:\n" + tmpl)
	case "CronJob":
		b.WriteString("spec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n" + indent(tmpl, 6))
	case "Job":
		b.WriteString("spec:\n  template:\n" + indent(tmpl, 2))
	case "ReplicationController":
		b.WriteString("spec:\n  selector: {app: " + name + "}\n  template:\n" + indent(tmpl, 2))
	default:
		b.WriteString("spec:\n  selector: {matchLabels: {app: " + name + "}}\n  template:\n" + indent(tmpl, 2))
	}
	return b.String()
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// policyWith returns a policy document with three environments (prod,
// staging, dev; placed by tag value, namespace and --env) and spec, indented
// under spec: by two spaces.
func policyWith(spec string) string {
	return `apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: test}
spec:
  environments:
    definitions:
    - {name: prod, production: true, aliases: [production], namespaces: [prod, "prod-*"]}
    - {name: staging, namespaces: [staging]}
    - {name: dev, aliases: [development], namespaces: [dev, "dev-*"]}
` + spec
}
