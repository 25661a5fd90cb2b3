package segregation

import (
	"net/netip"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// addressKeys are the attributes (or whole rule lists) of traffic rules that
// hold address ranges; an unknown value there leaves the rule undecided.
var addressKeys = map[string]bool{
	"cidr_blocks": true, "ipv6_cidr_blocks": true, "cidr_ipv4": true, "cidr_ipv6": true,
	"cidr_block": true, "ipv6_cidr_block": true, "source_ranges": true, "destination_ranges": true,
	"source_address_prefix": true, "source_address_prefixes": true,
	"destination_address_prefix": true, "destination_address_prefixes": true,
	"ingress": true, "egress": true, "security_rule": true,
}

// ForeignCIDR is GR-SEG-004.
var ForeignCIDR = &rule.Rule{
	ID:       "GR-SEG-004",
	Title:    "Traffic rules do not admit another environment's networks",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments, clause.ExplicitlyAllowedTraffic},
	Description: "A security group, network ACL, firewall or NSG rule, or a Kubernetes NetworkPolicy ipBlock, allows " +
		"traffic from (or to) an address range that belongs to another environment (spec.environments.definitions[].cidrs), " +
		"opening a network path between environments. A range an ipBlock excepts, or that a network ACL or NSG " +
		"denies on the same ports in an earlier rule, is not reported; a range unknown until apply is reported as " +
		"undecidable when the policy defines ranges of other environments.",
	Remediation: "Remove the other environment's range from the rule; if the two must talk, do it through a " +
		"published, authenticated endpoint and list the mix in spec.segregation.allowedMixes after review.",
	Types: append(netrule.Types(), "NetworkPolicy"),
	Check: func(p *rule.Pass, r *resource.Resource) {
		env := envOf(p, r)
		if env == "" {
			return
		}
		if r.IsKubernetes() {
			networkPolicyBlocks(p, r, env)
			return
		}
		rules, _ := netrule.Rules(r)
		undecided := map[string]bool{}
		for i := range rules {
			nr := &rules[i]
			for _, u := range nr.Unknown {
				if at := u.Path(); isAddress(at) && !undecided[at.String()] && foreignRanges(p, env) {
					undecided[at.String()] = true
					p.Undecidable(r, u, "whether the rule admits another environment's address range")
				}
			}
			if !nr.Allow {
				continue
			}
			for _, peer := range nr.Peers {
				judgeCIDR(p, r, env, peer.CIDR, peer.Value.Path(), string(nr.Direction), func(inside netip.Prefix) bool {
					return deniedBefore(rules, nr, inside)
				})
			}
		}
	},
}

// judgeCIDR reports the ranges of other environments that cidr reaches,
// leaving out the parts that excluded says are not admitted after all.
func judgeCIDR(p *rule.Pass, r *resource.Resource, env string, cidr netip.Prefix, at resource.Path, direction string, excluded func(netip.Prefix) bool) {
	if !cidr.IsValid() || p.Policy.IsPublic(cidr) {
		return
	}
	for _, other := range p.Policy.EnvsOfCIDR(cidr) {
		if !crosses(p, env, other) {
			continue
		}
		e, _ := p.Policy.Env(other)
		for _, c := range e.CIDRs() {
			if !c.Overlaps(cidr) {
				continue
			}
			inside := c // the part of the other environment's range the rule admits
			if cidr.Bits() > c.Bits() {
				inside = cidr
			}
			if excluded != nil && excluded(inside) {
				continue
			}
			word := "from"
			if direction == "egress" {
				word = "to"
			}
			p.Report(r, at, "%s rule in %s allows traffic %s %s, which overlaps %s of environment %s", direction, env, word, cidr, c, other)
			break
		}
	}
}

// deniedBefore reports whether a deny rule that comes before nr in its
// list's order (a network ACL's rule number, an NSG's priority), on all of
// nr's ports, covers the range inside.
func deniedBefore(rules []netrule.Rule, nr *netrule.Rule, inside netip.Prefix) bool {
	if nr.Priority <= 0 {
		return false
	}
	for i := range rules {
		d := &rules[i]
		if d.Allow || d.Direction != nr.Direction || d.Priority <= 0 || d.Priority >= nr.Priority || len(d.Unknown) > 0 {
			continue
		}
		if d.Protocol != "all" && d.Protocol != nr.Protocol || d.From > nr.From || d.To < nr.To {
			continue
		}
		for _, peer := range d.Peers {
			if covers(peer.CIDR, inside) {
				return true
			}
		}
	}
	return false
}

func covers(outer, inner netip.Prefix) bool {
	return outer.IsValid() && inner.IsValid() && outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// isAddress reports whether an unknown value of a traffic rule is (or holds)
// an address range rather than a port, protocol or security group.
func isAddress(at resource.Path) bool {
	for i := len(at) - 1; i >= 0; i-- {
		if !at[i].IsIndex() {
			return addressKeys[at[i].Key]
		}
	}
	return false
}

// foreignRanges reports whether the policy defines address ranges of an
// environment that env may not reach.
func foreignRanges(p *rule.Pass, env string) bool {
	for _, e := range p.Policy.Environments() {
		if len(e.CIDRs()) > 0 && crosses(p, env, e.Name) {
			return true
		}
	}
	return false
}

func networkPolicyBlocks(p *rule.Pass, r *resource.Resource, env string) {
	if !kube.Is(r, "networking.k8s.io", "NetworkPolicy") {
		return
	}
	for _, dir := range []struct{ list, peer, name string }{{"ingress", "from", "ingress"}, {"egress", "to", "egress"}} {
		for _, rl := range r.Get("spec", dir.list).List() {
			for _, peer := range rl.Get(dir.peer).List() {
				c := peer.Get("ipBlock", "cidr")
				pfx, err := netip.ParsePrefix(strings.TrimSpace(c.String()))
				if err != nil {
					continue
				}
				var except []netip.Prefix
				for _, e := range peer.Get("ipBlock", "except").List() {
					if x, err := netip.ParsePrefix(strings.TrimSpace(e.String())); err == nil {
						except = append(except, x.Masked())
					}
				}
				judgeCIDR(p, r, env, pfx.Masked(), c.Path(), dir.name, func(inside netip.Prefix) bool {
					for _, x := range except {
						if covers(x, inside) {
							return true
						}
					}
					return false
				})
			}
		}
	}
}
