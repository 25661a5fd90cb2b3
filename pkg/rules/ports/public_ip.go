package ports

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// publicIPChecks name, per type, the block (or "" for the resource itself),
// the attribute that assigns a public IP when true or set, and what gets it.
var publicIPChecks = map[string]struct{ block, attr, noun string }{
	"aws_instance":                     {"", "associate_public_ip_address", "the instance"},
	"aws_launch_configuration":         {"", "associate_public_ip_address", "every instance launched from the configuration"},
	"aws_launch_template":              {"network_interfaces", "associate_public_ip_address", "every instance launched from the template"},
	"aws_subnet":                       {"", "map_public_ip_on_launch", "every instance launched in the subnet"},
	"aws_default_subnet":               {"", "map_public_ip_on_launch", "every instance launched in the subnet"},
	"aws_ecs_service":                  {"network_configuration", "assign_public_ip", "every task of the service"},
	"google_compute_instance":          {"network_interface", "access_config", "the instance"},
	"google_compute_instance_template": {"network_interface", "access_config", "every instance made from the template"},
	"azurerm_network_interface":        {"ip_configuration", "public_ip_address_id", "the network interface"},
}

// PublicIP is GR-PORT-010.
var PublicIP = &rule.Rule{
	ID:       "GR-PORT-010",
	Title:    "Instances and subnets do not hand out public IP addresses",
	Control:  rule.Ports,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.ZonedSubnets, clause.RestrictedPorts},
	Description: "An instance, launch template, ECS service or subnet assigns public IP addresses, putting hosts " +
		"directly on the internet instead of behind a load balancer or NAT. The finding says so when the " +
		"resource is tagged as private. An instance that leaves associate_public_ip_address out gets what its " +
		"subnet hands out, and the subnet is judged.",
	Remediation: "Place instances in private subnets without public IPs and reach them through a load balancer, " +
		"NAT gateway or session manager.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   typesOf(publicIPChecks),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_88", "CKV_AWS_130", "CKV_AWS_333", "CKV_GCP_40"},
		Trivy:   []string{"AWS-0164", "AWS-0009", "GCP-0031", "AZU-0076"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		c := publicIPChecks[r.Type]
		blocks := []resource.Value{r.Value()}
		if c.block != "" {
			blocks = r.Get(c.block).List()
		}
		for _, b := range blocks {
			v := b.Get(c.attr)
			if v.IsUnknown() {
				switch {
				case c.attr == "public_ip_address_id" && refersTo(r, v.Path()):
					// The ID of a public IP resource is known only after apply; it is still a public IP.
					p.ReportValue(r, v, "%s is given a public IP address (public_ip_address_id refers to a public IP)", c.noun)
				case c.attr == "associate_public_ip_address" && c.block == "" && r.Format == resource.FormatPlan:
					// A plan shows the attribute left out as computed: the subnet decides, and is judged.
				default:
					p.Undecidable(r, v, "whether a public IP address is assigned")
				}
				continue
			}
			if !assigns(v) {
				continue
			}
			msg := c.noun + " is given a public IP address (" + c.attr + ")"
			if private := privateTier(r); private != "" {
				msg += ", although it is tagged as private (" + private + ")"
			}
			p.ReportValue(r, v, "%s", msg)
		}
	},
}

// refersTo reports whether the attribute at path refers to another resource.
func refersTo(r *resource.Resource, path resource.Path) bool {
	want := path.String()
	for _, ref := range r.Refs {
		if ref.From.String() == want {
			return true
		}
	}
	return false
}

func assigns(v resource.Value) bool {
	switch v.Raw().(type) {
	case bool, string:
		if b, ok := v.Bool(); ok {
			return b
		}
		s, _ := v.Str()
		return s != ""
	case []any, map[string]any:
		return v.Len() > 0
	}
	return false
}

// privateTier returns the tag that marks r as private, or "".
func privateTier(r *resource.Resource) string {
	for _, k := range []string{"Tier", "tier", "Name", "Zone", "zone"} {
		if v := r.Labels[k]; strings.Contains(strings.ToLower(v), "private") {
			return k + "=" + v
		}
	}
	return ""
}
