package netrule_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// unknown stands for a value known only after apply.
var unknown = resource.AfterApply

func tf(typ string, attrs map[string]any) *resource.Resource {
	return &resource.Resource{Format: resource.FormatTerraform, Type: typ, Address: typ + ".x", Attributes: attrs}
}

func plan(typ string, attrs map[string]any) *resource.Resource {
	r := tf(typ, attrs)
	r.Format = resource.FormatPlan
	return r
}

// describe renders a rule on one line, the way the tables below expect it:
// "ingress allow tcp 22-22 from 0.0.0.0/0,sg-1 prio 100 stateless unknown[ports]=from_port at ingress[0]".
func describe(r netrule.Rule) string {
	var b strings.Builder
	b.WriteString(string(r.Direction))
	if r.Allow {
		b.WriteString(" allow ")
	} else {
		b.WriteString(" deny ")
	}
	fmt.Fprintf(&b, "%s %d-%d", r.Protocol, r.From, r.To)
	if len(r.Peers) > 0 {
		var ps []string
		for _, p := range r.Peers {
			s := p.Name
			if p.CIDR.IsValid() {
				s = p.CIDR.String()
			}
			if p.Any {
				s += "(any)"
			}
			if p.Implicit {
				s += "(implicit)"
			}
			ps = append(ps, s)
		}
		b.WriteString(" from " + strings.Join(ps, ","))
	}
	if r.Priority != 0 {
		fmt.Fprintf(&b, " prio %d", r.Priority)
	}
	if r.Stateless {
		b.WriteString(" stateless")
	}
	if u := r.UnknownPorts(); len(u) > 0 {
		b.WriteString(" unknown[ports]=" + paths(u))
	}
	if len(r.UnknownPeers) > 0 {
		b.WriteString(" unknown[peers]=" + paths(r.UnknownPeers))
	}
	b.WriteString(" at " + r.At.Path().String())
	return b.String()
}

func paths(vs []resource.Value) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Path().String()
	}
	return strings.Join(out, ",")
}

func TestRules(t *testing.T) {
	tests := []struct {
		name string
		res  *resource.Resource
		want []string
	}{
		{
			name: "aws security group inline blocks",
			res: tf("aws_security_group", map[string]any{
				"ingress": []any{
					map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"10.0.0.0/8", "0.0.0.0/0"}},
					map[string]any{"from_port": 443, "to_port": 443, "protocol": "6", "ipv6_cidr_blocks": []any{"::/0"}, "security_groups": []any{"sg-1"}},
					map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "self": true},
					map[string]any{"from_port": 8, "to_port": 0, "protocol": "icmp", "cidr_blocks": []any{"0.0.0.0/0"}},
					map[string]any{"from_port": 0, "to_port": 0, "protocol": "50", "prefix_list_ids": []any{"pl-1"}},
				},
				"egress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}},
			}),
			want: []string{
				"ingress allow tcp 22-22 from 10.0.0.0/8,0.0.0.0/0 at ingress[0]",
				"ingress allow tcp 443-443 from ::/0,sg-1 at ingress[1]",
				"ingress allow all 0-65535 from self at ingress[2]",
				"ingress allow icmp -1--1 from 0.0.0.0/0 at ingress[3]",
				"ingress allow 50 -1--1 from pl-1 at ingress[4]",
				"egress allow all 0-65535 from 0.0.0.0/0 at egress[0]",
			},
		},
		{
			name: "aws default security group, a block written as an object",
			res: tf("aws_default_security_group", map[string]any{
				"ingress": map[string]any{"from_port": 3389, "to_port": 3389, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}},
			}),
			want: []string{"ingress allow tcp 3389-3389 from 0.0.0.0/0 at ingress"},
		},
		{
			name: "aws security group dynamic blocks unknown in source",
			res:  tf("aws_security_group", map[string]any{"ingress": resource.Unknown("dynamic block")}),
			want: []string{"ingress allow all 0-65535 unknown[peers]=ingress at ingress"},
		},
		{
			name: "aws security group blocks computed in a plan hold no rules",
			res:  plan("aws_security_group", map[string]any{"ingress": unknown, "egress": unknown, "name": "web"}),
		},
		{
			name: "aws security group rule",
			res: tf("aws_security_group_rule", map[string]any{
				"type": "ingress", "from_port": 5432, "to_port": 5432, "protocol": "tcp", "source_security_group_id": "sg-app",
			}),
			want: []string{"ingress allow tcp 5432-5432 from sg-app at "},
		},
		{
			name: "aws security group rule egress with ports reversed",
			res: tf("aws_security_group_rule", map[string]any{
				"type": "egress", "from_port": 2000, "to_port": 1000, "protocol": "udp", "cidr_blocks": []any{"10.1.0.0/16"},
			}),
			want: []string{"egress allow udp 1000-2000 from 10.1.0.0/16 at "},
		},
		{
			name: "aws security group rule with unknown source and type",
			res: tf("aws_security_group_rule", map[string]any{
				"type": unknown, "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"192.0.2.0/24", unknown},
			}),
			want: []string{"ingress allow tcp 22-22 from 192.0.2.0/24 unknown[ports]=type unknown[peers]=cidr_blocks[1] at "},
		},
		{
			name: "aws security group rule with unknown ports",
			res: tf("aws_security_group_rule", map[string]any{
				"type": "ingress", "from_port": unknown, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"},
			}),
			want: []string{"ingress allow tcp 0-22 from 0.0.0.0/0 unknown[ports]=from_port at "},
		},
		{
			name: "aws security group rule from a group known only after apply is a reference, not an unknown range",
			res: tf("aws_security_group_rule", map[string]any{
				"type": "ingress", "from_port": 0, "to_port": 65535, "protocol": "tcp", "source_security_group_id": unknown,
			}),
			want: []string{"ingress allow tcp 0-65535 from (known only after apply) at "},
		},
		{
			name: "aws inline block with security groups and prefix lists partly unknown",
			res: tf("aws_security_group", map[string]any{
				"ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp",
					"security_groups": []any{"sg-1", unknown}, "prefix_list_ids": unknown}},
			}),
			want: []string{"ingress allow tcp 443-443 from sg-1,(known only after apply),(known only after apply) at ingress[0]"},
		},
		{
			name: "aws vpc ingress rule from a group known only after apply",
			res: tf("aws_vpc_security_group_ingress_rule", map[string]any{
				"from_port": 22, "to_port": 22, "ip_protocol": "tcp", "referenced_security_group_id": unknown,
			}),
			want: []string{"ingress allow tcp 22-22 from (known only after apply) at "},
		},
		{
			name: "aws vpc ingress rule",
			res: tf("aws_vpc_security_group_ingress_rule", map[string]any{
				"from_port": 3000, "to_port": 4000, "ip_protocol": "tcp", "cidr_ipv6": "::/0",
			}),
			want: []string{"ingress allow tcp 3000-4000 from ::/0 at "},
		},
		{
			name: "aws vpc ingress rule for icmp uses the ports for type and code",
			res: tf("aws_vpc_security_group_ingress_rule", map[string]any{
				"from_port": -1, "to_port": -1, "ip_protocol": "icmp", "cidr_ipv4": "0.0.0.0/0",
			}),
			want: []string{"ingress allow icmp -1--1 from 0.0.0.0/0 at "},
		},
		{
			name: "aws vpc ingress rule for every protocol",
			res: tf("aws_vpc_security_group_ingress_rule", map[string]any{
				"ip_protocol": "-1", "referenced_security_group_id": "sg-2",
			}),
			want: []string{"ingress allow all 0-65535 from sg-2 at "},
		},
		{
			name: "aws vpc egress rule",
			res: tf("aws_vpc_security_group_egress_rule", map[string]any{
				"from_port": 443, "to_port": 443, "ip_protocol": "tcp", "prefix_list_id": "pl-s3",
			}),
			want: []string{"egress allow tcp 443-443 from pl-s3 at "},
		},
		{
			name: "aws network acl",
			res: tf("aws_network_acl", map[string]any{
				"ingress": []any{
					map[string]any{"rule_no": 100, "action": "deny", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"},
					map[string]any{"rule_no": 200, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"},
					map[string]any{"rule_no": 300, "action": "allow", "protocol": "icmp", "from_port": 0, "to_port": 0, "icmp_type": 8, "ipv6_cidr_block": "::/0"},
				},
				"egress": []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 1024, "to_port": 65535, "cidr_block": "10.0.0.0/16"}},
			}),
			want: []string{
				"ingress deny tcp 22-22 from 0.0.0.0/0 prio 100 stateless at ingress[0]",
				"ingress allow all 0-65535 from 0.0.0.0/0 prio 200 stateless at ingress[1]",
				"ingress allow icmp -1--1 from ::/0 prio 300 stateless at ingress[2]",
				"egress allow tcp 1024-65535 from 10.0.0.0/16 prio 100 stateless at egress[0]",
			},
		},
		{
			name: "aws default network acl",
			res: tf("aws_default_network_acl", map[string]any{
				"ingress": []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"}},
			}),
			want: []string{"ingress allow all 0-65535 from 0.0.0.0/0 prio 100 stateless at ingress[0]"},
		},
		{
			name: "aws network acl blocks computed in a plan hold no rules",
			res:  plan("aws_network_acl", map[string]any{"ingress": unknown, "egress": unknown}),
		},
		{
			name: "aws network acl rule",
			res: tf("aws_network_acl_rule", map[string]any{
				"network_acl_id": "acl-1", "rule_number": 90, "egress": false, "protocol": "6", "rule_action": "deny",
				"cidr_block": "0.0.0.0/0", "from_port": 3389, "to_port": 3389,
			}),
			want: []string{"ingress deny tcp 3389-3389 from 0.0.0.0/0 prio 90 stateless at "},
		},
		{
			name: "aws network acl rule egress with an unknown action",
			res: tf("aws_network_acl_rule", map[string]any{
				"network_acl_id": "acl-1", "rule_number": 100, "egress": true, "protocol": "-1", "rule_action": unknown, "cidr_block": "0.0.0.0/0",
			}),
			want: []string{"egress allow all 0-65535 from 0.0.0.0/0 prio 100 stateless unknown[ports]=rule_action at "},
		},
		{
			name: "gcp firewall allow with port list and ranges",
			res: tf("google_compute_firewall", map[string]any{
				"direction": "INGRESS", "priority": 900, "source_ranges": []any{"0.0.0.0/0"},
				"allow": []any{
					map[string]any{"protocol": "tcp", "ports": []any{"22", "8000-8080"}},
					map[string]any{"protocol": "udp"},
					map[string]any{"protocol": "icmp"},
				},
			}),
			want: []string{
				"ingress allow tcp 22-22 from 0.0.0.0/0 prio 900 at allow[0].ports[0]",
				"ingress allow tcp 8000-8080 from 0.0.0.0/0 prio 900 at allow[0].ports[1]",
				"ingress allow udp 0-65535 from 0.0.0.0/0 prio 900 at allow[1]",
				"ingress allow icmp -1--1 from 0.0.0.0/0 prio 900 at allow[2]",
			},
		},
		{
			name: "gcp firewall deny",
			res: tf("google_compute_firewall", map[string]any{
				"source_ranges": []any{"0.0.0.0/0"}, "priority": 100,
				"deny": []any{map[string]any{"protocol": "all"}},
			}),
			want: []string{"ingress deny all 0-65535 from 0.0.0.0/0 prio 100 at deny[0]"},
		},
		{
			name: "gcp firewall disabled",
			res: tf("google_compute_firewall", map[string]any{
				"disabled": true, "source_ranges": []any{"0.0.0.0/0"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}},
			}),
		},
		{
			name: "gcp firewall without sources admits the world",
			res: tf("google_compute_firewall", map[string]any{
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}},
			}),
			want: []string{"ingress allow tcp 22-22 from 0.0.0.0/0(implicit) at allow[0].ports[0]"},
		},
		{
			name: "gcp firewall for tagged sources only",
			res: tf("google_compute_firewall", map[string]any{
				"source_tags": []any{"bastion"}, "source_service_accounts": []any{"ci@p.iam.gserviceaccount.com"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}},
			}),
			want: []string{"ingress allow tcp 22-22 from bastion,ci@p.iam.gserviceaccount.com at allow[0].ports[0]"},
		},
		{
			name: "gcp firewall in a plan: source ranges computed next to source tags",
			res: plan("google_compute_firewall", map[string]any{
				"source_ranges": unknown, "source_tags": []any{"bastion"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}},
			}),
			want: []string{"ingress allow tcp 22-22 from bastion at allow[0].ports[0]"},
		},
		{
			name: "gcp firewall with unknown sources and ports",
			res: tf("google_compute_firewall", map[string]any{
				"source_ranges": unknown,
				"allow":         []any{map[string]any{"protocol": "tcp", "ports": unknown}},
			}),
			want: []string{"ingress allow tcp 0-65535 unknown[ports]=allow[0].ports unknown[peers]=source_ranges at allow[0]"},
		},
		{
			name: "gcp firewall egress",
			res: tf("google_compute_firewall", map[string]any{
				"direction": "EGRESS", "destination_ranges": []any{"10.8.0.0/16"},
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}},
			}),
			want: []string{"egress allow tcp 443-443 from 10.8.0.0/16 at allow[0].ports[0]"},
		},
		{
			name: "azure nsg inline rules as a plan writes them",
			res: plan("azurerm_network_security_group", map[string]any{
				"security_rule": []any{
					map[string]any{"name": "ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
						"source_port_range": "*", "destination_port_range": "", "destination_port_ranges": []any{"22", "3389"},
						"source_address_prefix": "*", "source_address_prefixes": []any{}, "destination_address_prefix": "*"},
					map[string]any{"name": "web", "priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
						"destination_port_range": "8000-8100", "destination_port_ranges": []any{},
						"source_address_prefix": "", "source_address_prefixes": []any{"203.0.113.0/24", "Internet"}},
					map[string]any{"name": "deny-all", "priority": 4096, "direction": "Inbound", "access": "Deny", "protocol": "*",
						"destination_port_range": "*", "source_address_prefix": "*"},
					map[string]any{"name": "ping", "priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Icmp",
						"destination_port_range": "*", "source_address_prefix": "*"},
					map[string]any{"name": "out", "priority": 100, "direction": "Outbound", "access": "Allow", "protocol": "Udp",
						"destination_port_range": "53", "source_address_prefix": "*", "destination_address_prefix": "10.0.0.4"},
				},
			}),
			want: []string{
				"ingress allow tcp 22-22 from *(any) prio 100 at security_rule[0].destination_port_ranges[0]",
				"ingress allow tcp 3389-3389 from *(any) prio 100 at security_rule[0].destination_port_ranges[1]",
				"ingress allow tcp 8000-8100 from 203.0.113.0/24,Internet(any) prio 110 at security_rule[1].destination_port_range",
				"ingress deny all 0-65535 from *(any) prio 4096 at security_rule[2].destination_port_range",
				"ingress allow icmp -1--1 from *(any) prio 200 at security_rule[3]",
				"egress allow udp 53-53 from 10.0.0.4/32 prio 100 at security_rule[4].destination_port_range",
			},
		},
		{
			name: "azure nsg rules computed in a plan hold no rules",
			res:  plan("azurerm_network_security_group", map[string]any{"security_rule": unknown}),
		},
		{
			name: "azure nsg rules unknown in source",
			res:  tf("azurerm_network_security_group", map[string]any{"security_rule": resource.Unknown("dynamic block")}),
			want: []string{"ingress allow all 0-65535 unknown[peers]=security_rule at security_rule"},
		},
		{
			name: "azure network security rule",
			res: tf("azurerm_network_security_rule", map[string]any{
				"priority": 300, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
				"destination_port_range": "5985-5986", "source_address_prefix": "VirtualNetwork",
			}),
			want: []string{"ingress allow tcp 5985-5986 from VirtualNetwork prio 300 at destination_port_range"},
		},
		{
			name: "azure network security rule with unknown access",
			res: tf("azurerm_network_security_rule", map[string]any{
				"priority": 300, "direction": "Inbound", "access": unknown, "protocol": "Tcp",
				"destination_port_range": "22", "source_address_prefix": "*",
			}),
			want: []string{"ingress allow tcp 22-22 from *(any) prio 300 unknown[ports]=access at destination_port_range"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, ok := netrule.Rules(tt.res)
			if !ok {
				t.Fatalf("Rules(%s) is not ok", tt.res.Type)
			}
			var got []string
			for _, r := range rules {
				got = append(got, describe(r))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rules:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
		})
	}
}

func TestRulesOtherResources(t *testing.T) {
	for _, r := range []*resource.Resource{
		tf("aws_instance", map[string]any{}),
		{Format: resource.FormatKubernetes, Type: "aws_security_group", Attributes: map[string]any{}},
	} {
		if rules, ok := netrule.Rules(r); ok || rules != nil {
			t.Errorf("Rules(%s %s) = %v, %v; want nothing", r.Format, r.Type, rules, ok)
		}
	}
}

func TestTypes(t *testing.T) {
	types := netrule.Types()
	if !slices.IsSorted(types) {
		t.Errorf("Types() not sorted: %v", types)
	}
	for _, typ := range []string{"aws_security_group", "aws_default_security_group", "aws_security_group_rule",
		"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_network_acl",
		"aws_default_network_acl", "aws_network_acl_rule", "google_compute_firewall",
		"azurerm_network_security_group", "azurerm_network_security_rule"} {
		if !slices.Contains(types, typ) {
			t.Errorf("Types() lacks %s", typ)
		}
		if _, ok := netrule.Rules(tf(typ, map[string]any{})); !ok {
			t.Errorf("Rules does not read %s", typ)
		}
	}
}

func TestSetOf(t *testing.T) {
	withRef := func(r *resource.Resource, attr, to string) *resource.Resource {
		r.Refs = append(r.Refs, resource.Ref{From: resource.Path{resource.Key(attr)}, To: to})
		return r
	}
	tests := []struct {
		name   string
		res    *resource.Resource
		want   string
		wantOK bool
	}{
		{"acl rule with an id", tf("aws_network_acl_rule", map[string]any{"network_acl_id": "acl-123"}), "acl-123", true},
		{"acl rule referring to its acl",
			withRef(tf("aws_network_acl_rule", map[string]any{"network_acl_id": unknown}), "network_acl_id", "module.vpc.aws_network_acl.public"),
			"ref:module.vpc.aws_network_acl.public", true},
		{"acl rule with an unknown acl", tf("aws_network_acl_rule", map[string]any{"network_acl_id": unknown}), "", false},
		{"nsg rule", tf("azurerm_network_security_rule", map[string]any{"resource_group_name": "rg", "network_security_group_name": "web"}), "rg/web", true},
		{"nsg rule referring to its group",
			withRef(tf("azurerm_network_security_rule", map[string]any{"resource_group_name": "rg", "network_security_group_name": unknown}),
				"network_security_group_name", "azurerm_network_security_group.web"),
			"rg/ref:azurerm_network_security_group.web", true},
		{"nsg rule without a group", tf("azurerm_network_security_rule", map[string]any{"resource_group_name": "rg"}), "rg/", false},
		{"a security group holds its own rules", tf("aws_security_group", map[string]any{}), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := netrule.SetOf(tt.res)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("SetOf = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParsePeer(t *testing.T) {
	tests := []struct {
		in   string
		cidr string
		name string
		any  bool
	}{
		{"0.0.0.0/0", "0.0.0.0/0", "", false},
		{" 10.1.2.3/16 ", "10.1.0.0/16", "", false},
		{"192.0.2.7", "192.0.2.7/32", "", false},
		{"2001:db8::1", "2001:db8::1/128", "", false},
		{"::/0", "::/0", "", false},
		{"*", "", "*", true},
		{"Internet", "", "Internet", true},
		{"Any", "", "Any", true},
		{"VirtualNetwork", "", "VirtualNetwork", false},
		{"sg-0123", "", "sg-0123", false},
	}
	for _, tt := range tests {
		p := netrule.ParsePeer(tt.in, resource.Value{})
		cidr := ""
		if p.CIDR.IsValid() {
			cidr = p.CIDR.String()
		}
		if cidr != tt.cidr || p.Name != tt.name || p.Any != tt.any {
			t.Errorf("ParsePeer(%q) = {%s %q any=%v}, want {%s %q any=%v}", tt.in, cidr, p.Name, p.Any, tt.cidr, tt.name, tt.any)
		}
	}
}

func TestRuleHelpers(t *testing.T) {
	all := netrule.Rule{From: 0, To: 65535}
	some := netrule.Rule{From: 22, To: 22}
	none := netrule.Rule{From: -1, To: -1}
	if !all.AllPorts() || some.AllPorts() || none.AllPorts() {
		t.Error("AllPorts is wrong")
	}
	if !all.HasPorts() || !some.HasPorts() || none.HasPorts() {
		t.Error("HasPorts is wrong")
	}
	rules, _ := netrule.Rules(tf("aws_security_group_rule", map[string]any{
		"type": "ingress", "from_port": unknown, "to_port": 22, "protocol": "tcp", "cidr_blocks": unknown,
	}))
	r := rules[0]
	if len(r.Unknown) != 2 || len(r.UnknownPeers) != 1 || len(r.UnknownPorts()) != 1 {
		t.Fatalf("unknown %d, peers %d, ports %d; want 2, 1, 1", len(r.Unknown), len(r.UnknownPeers), len(r.UnknownPorts()))
	}
	if got := r.UnknownPorts()[0].Path().String(); got != "from_port" {
		t.Errorf("UnknownPorts()[0] at %s, want from_port", got)
	}
	if r.Peers != nil {
		t.Errorf("peers %v, want none", r.Peers)
	}
}
