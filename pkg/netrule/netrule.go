package netrule

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Direction of traffic a rule governs.
type Direction string

// Directions.
const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// Peer is a source (for ingress) or destination (for egress) of a rule.
type Peer struct {
	// CIDR is set for address ranges.
	CIDR netip.Prefix
	// Name holds what is not a range: a security group reference, a prefix
	// list, an Azure service tag ("Internet", "VirtualNetwork").
	Name string
	// Any is true for peers that mean "anywhere" without a CIDR ("*", "Internet").
	Any bool
	// Implicit is true for a peer the provider assumes when the rule names
	// none (a GCP ingress firewall without sources admits 0.0.0.0/0).
	Implicit bool
	// Value is where the peer is written (for an implicit peer, the absent
	// attribute that would name it).
	Value resource.Value
}

// Rule is one traffic rule.
type Rule struct {
	Direction Direction
	// Allow is false for deny rules (NACLs, NSGs, GCP deny blocks).
	Allow bool
	// Protocol is "tcp", "udp", "sctp", "icmp", "icmpv6", "all" or another
	// protocol name or number.
	Protocol string
	// From and To bound the port range; 0-65535 for all ports, and -1 for
	// protocols without ports (ICMP, ESP, GRE...), which port rules skip.
	From, To int
	// Peers are the sources or destinations.
	Peers []Peer
	// Priority orders NACL and NSG rules (lower first); 0 when not applicable.
	Priority int64
	// Stateless is true for rules of network ACLs, which do not track
	// connections: their ingress rules must also admit the return traffic of
	// connections made from inside, on the ephemeral ports.
	Stateless bool
	// At is the value the rule is written in, for locating findings.
	At resource.Value
	// Unknown lists the parts of the rule that cannot be known statically
	// (ports, protocol, action, direction, peers), each as the value that is
	// unknown.
	Unknown []resource.Value
	// UnknownPeers lists the unknown values among the peers; they are in
	// Unknown too.
	UnknownPeers []resource.Value
}

// AllPorts reports whether the rule covers every port.
func (r *Rule) AllPorts() bool { return r.From <= 0 && r.To >= 65535 }

// HasPorts reports whether the rule's protocol has ports (TCP, UDP, SCTP or all).
func (r *Rule) HasPorts() bool { return r.From >= 0 }

// UnknownPorts returns the unknown values of the rule that are not peers:
// its ports, protocol, action or direction.
func (r *Rule) UnknownPorts() []resource.Value {
	if len(r.UnknownPeers) == 0 {
		return r.Unknown
	}
	peers := make(map[string]bool, len(r.UnknownPeers))
	for _, v := range r.UnknownPeers {
		peers[v.Path().String()] = true
	}
	var out []resource.Value
	for _, v := range r.Unknown {
		if !peers[v.Path().String()] {
			out = append(out, v)
		}
	}
	return out
}

func (r *Rule) unknown(v resource.Value) { r.Unknown = append(r.Unknown, v) }

func (r *Rule) unknownPeer(v resource.Value) {
	r.Unknown = append(r.Unknown, v)
	r.UnknownPeers = append(r.UnknownPeers, v)
}

// Rules returns the traffic rules of r, and whether r's type is one netrule reads.
func Rules(r *resource.Resource) ([]Rule, bool) {
	read, ok := readers[r.Type]
	if !ok || !r.Format.IsTerraform() {
		return nil, false
	}
	return read(r, r.Value()), true
}

// Types lists the Terraform resource types Rules reads, for rules' Types.
func Types() []string {
	out := make([]string, 0, len(readers))
	for t := range readers {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

type reader func(r *resource.Resource, v resource.Value) []Rule

var readers = map[string]reader{
	"aws_security_group":                  awsGroup,
	"aws_default_security_group":          awsGroup,
	"aws_security_group_rule":             awsGroupRule,
	"aws_vpc_security_group_ingress_rule": awsVPCRule(Ingress),
	"aws_vpc_security_group_egress_rule":  awsVPCRule(Egress),
	"aws_network_acl":                     awsACL,
	"aws_default_network_acl":             awsACL,
	"aws_network_acl_rule":                awsACLRule,
	"google_compute_firewall":             gcpFirewall,
	"azurerm_network_security_group":      azureGroup,
	"azurerm_network_security_rule":       func(_ *resource.Resource, v resource.Value) []Rule { return azureRules(v) },
}

// SetOf names the ordered rule set whose rules a standalone rule resource is
// evaluated with: the network ACL of an aws_network_acl_rule, the network
// security group of an azurerm_network_security_rule. Resources of the same
// type, unit and module with the same set are evaluated together, lowest
// priority number first. ok is false for resources that hold their whole set,
// and when the set cannot be told statically.
func SetOf(r *resource.Resource) (set string, ok bool) {
	switch r.Type {
	case "aws_network_acl_rule":
		return refOrValue(r, "network_acl_id")
	case "azurerm_network_security_rule":
		rg, ok1 := refOrValue(r, "resource_group_name")
		nsg, ok2 := refOrValue(r, "network_security_group_name")
		return rg + "/" + nsg, ok1 && ok2
	}
	return "", false
}

// refOrValue names what attribute attr designates: its known value, or else
// the resource it refers to.
func refOrValue(r *resource.Resource, attr string) (string, bool) {
	v := r.Get(attr)
	if s, ok := v.Str(); ok && s != "" && !v.IsUnknown() {
		return s, true
	}
	for _, ref := range r.Refs {
		if len(ref.From) > 0 && ref.From[0].Key == attr {
			return "ref:" + ref.To, true
		}
	}
	return "", false
}

// computedBlocks reports whether an unknown list of inline rule blocks is the
// value a plan shows for blocks the configuration leaves out: the provider
// computes them from the separate rule resources, which are judged on their
// own. In a plan an unknown block list of a created resource means exactly
// that (a dynamic block whose for_each is unknown at plan time shows the
// same way, and is then missed). In HCL source an unknown block list comes
// from a dynamic block and stays unknown.
func computedBlocks(r *resource.Resource, blocks resource.Value) bool {
	return blocks.IsUnknown() && r.Format == resource.FormatPlan
}

// unknownBlocks stands for an unknown list of rule blocks: anything may be
// allowed, from anywhere.
func unknownBlocks(dir Direction, blocks resource.Value) Rule {
	r := Rule{Direction: dir, Allow: true, At: blocks, From: 0, To: 65535, Protocol: "all"}
	r.unknownPeer(blocks)
	return r
}

// awsGroup reads the inline ingress and egress blocks of a security group.
func awsGroup(res *resource.Resource, v resource.Value) []Rule {
	var out []Rule
	for _, dir := range []Direction{Ingress, Egress} {
		blocks := v.Get(string(dir))
		if computedBlocks(res, blocks) {
			continue
		}
		if blocks.IsUnknown() {
			out = append(out, unknownBlocks(dir, blocks))
			continue
		}
		for _, b := range blocks.List() {
			out = append(out, awsPermission(b, dir, "cidr_blocks", "ipv6_cidr_blocks", "security_groups", "prefix_list_ids"))
		}
	}
	return out
}

func awsGroupRule(_ *resource.Resource, v resource.Value) []Rule {
	dir := Ingress
	t := v.Get("type")
	if s, _ := t.Str(); s == "egress" {
		dir = Egress
	}
	r := awsPermission(v, dir, "cidr_blocks", "ipv6_cidr_blocks", "source_security_group_id", "prefix_list_ids")
	if t.IsUnknown() {
		r.unknown(t)
	}
	return []Rule{r}
}

// awsPermission reads an AWS permission: from_port, to_port, protocol and peers.
func awsPermission(v resource.Value, dir Direction, peerKeys ...string) Rule {
	r := Rule{Direction: dir, Allow: true, At: v}
	r.Protocol = protocol(v.Get("protocol"), &r)
	r.From, r.To = ports(r.Protocol, v.Get("from_port"), v.Get("to_port"), &r)
	for _, k := range peerKeys {
		if namedPeerKeys[k] {
			r.Peers = append(r.Peers, named(v.Get(k))...)
		} else {
			r.Peers = append(r.Peers, peers(v.Get(k), &r)...)
		}
	}
	if self := v.Get("self"); self.BoolOr(false) {
		r.Peers = append(r.Peers, Peer{Name: "self", Value: self})
	}
	return r
}

func awsVPCRule(dir Direction) reader {
	return func(_ *resource.Resource, v resource.Value) []Rule {
		r := Rule{Direction: dir, Allow: true, At: v}
		r.Protocol = protocol(v.Get("ip_protocol"), &r)
		r.From, r.To = ports(r.Protocol, v.Get("from_port"), v.Get("to_port"), &r)
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
			r.Peers = append(r.Peers, peers(v.Get(k), &r)...)
		}
		for _, k := range []string{"referenced_security_group_id", "prefix_list_id"} {
			r.Peers = append(r.Peers, named(v.Get(k))...)
		}
		return []Rule{r}
	}
}

func awsACL(res *resource.Resource, v resource.Value) []Rule {
	var out []Rule
	for _, dir := range []Direction{Ingress, Egress} {
		blocks := v.Get(string(dir))
		if computedBlocks(res, blocks) {
			continue
		}
		if blocks.IsUnknown() {
			r := unknownBlocks(dir, blocks)
			r.Stateless = true
			out = append(out, r)
			continue
		}
		for _, b := range blocks.List() {
			out = append(out, aclEntry(b, dir, b.Get("action"), b.Get("rule_no")))
		}
	}
	return out
}

func awsACLRule(_ *resource.Resource, v resource.Value) []Rule {
	dir := Ingress
	e := v.Get("egress")
	if e.BoolOr(false) {
		dir = Egress
	}
	r := aclEntry(v, dir, v.Get("rule_action"), v.Get("rule_number"))
	if e.IsUnknown() {
		r.unknown(e)
	}
	return []Rule{r}
}

func aclEntry(v resource.Value, dir Direction, action, number resource.Value) Rule {
	r := Rule{Direction: dir, At: v, Stateless: true}
	a, _ := action.Str()
	r.Allow = !strings.EqualFold(a, "deny")
	if action.IsUnknown() {
		r.unknown(action)
	}
	r.Priority, _ = number.Int()
	r.Protocol = protocol(v.Get("protocol"), &r)
	r.From, r.To = ports(r.Protocol, v.Get("from_port"), v.Get("to_port"), &r)
	r.Peers = append(peers(v.Get("cidr_block"), &r), peers(v.Get("ipv6_cidr_block"), &r)...)
	return r
}

// defaultRanges are the sources (or destinations) of a GCP firewall that names none.
var defaultRanges = []string{"0.0.0.0/0"}

func gcpFirewall(res *resource.Resource, v resource.Value) []Rule {
	if v.Get("disabled").BoolOr(false) {
		return nil
	}
	dir := Ingress
	if d, _ := v.Get("direction").Str(); strings.EqualFold(d, "EGRESS") {
		dir = Egress
	}
	tmp := Rule{}
	var ps []Peer
	var ranges resource.Value
	var named bool // the rule names sources other than ranges
	if dir == Ingress {
		ranges = v.Get("source_ranges")
		for _, k := range []string{"source_tags", "source_service_accounts"} {
			n := names(v.Get(k))
			named = named || len(n) > 0 || v.Get(k).IsUnknown()
			ps = append(ps, n...)
		}
	} else {
		ranges = v.Get("destination_ranges")
	}
	switch {
	case ranges.IsUnknown() && named && res.Format == resource.FormatPlan:
		// A plan shows source_ranges left out next to source tags as
		// computed: the rule admits the tagged instances only.
	case ranges.IsUnknown():
		tmp.unknownPeer(ranges)
	case ranges.Len() == 0 && !named:
		// GCP applies 0.0.0.0/0 when a rule names no source (or destination).
		for _, c := range defaultRanges {
			p := ParsePeer(c, ranges)
			p.Implicit = true
			ps = append(ps, p)
		}
	default:
		ps = append(peers(ranges, &tmp), ps...)
	}
	prio, _ := v.Get("priority").Int()
	var out []Rule
	for _, kind := range []string{"allow", "deny"} {
		for _, b := range v.Get(kind).List() {
			r := Rule{Direction: dir, Allow: kind == "allow", At: b, Peers: ps, Priority: prio,
				Unknown: slices.Clone(tmp.Unknown), UnknownPeers: slices.Clone(tmp.UnknownPeers)}
			r.Protocol = protocol(b.Get("protocol"), &r)
			ports := b.Get("ports")
			switch {
			case !hasPorts(r.Protocol):
				r.From, r.To = -1, -1
				out = append(out, r)
			case ports.IsUnknown():
				r.From, r.To = 0, 65535
				r.unknown(ports)
				out = append(out, r)
			case ports.Len() == 0:
				r.From, r.To = 0, 65535
				out = append(out, r)
			default:
				for _, p := range ports.List() {
					rr := r
					rr.Unknown = slices.Clone(r.Unknown)
					rr.At = p
					rr.From, rr.To = rangeString(p, &rr)
					out = append(out, rr)
				}
			}
		}
	}
	return out
}

func azureGroup(res *resource.Resource, v resource.Value) []Rule {
	rules := v.Get("security_rule")
	if computedBlocks(res, rules) {
		return nil
	}
	if rules.IsUnknown() {
		return []Rule{unknownBlocks(Ingress, rules)}
	}
	var out []Rule
	for _, b := range rules.List() {
		out = append(out, azureRules(b)...)
	}
	return out
}

func azureRules(v resource.Value) []Rule {
	r := Rule{At: v}
	d := v.Get("direction")
	dir, _ := d.Str()
	r.Direction = Ingress
	if strings.EqualFold(dir, "Outbound") {
		r.Direction = Egress
	}
	if d.IsUnknown() {
		r.unknown(d)
	}
	a := v.Get("access")
	access, _ := a.Str()
	r.Allow = !strings.EqualFold(access, "Deny")
	if a.IsUnknown() {
		r.unknown(a)
	}
	r.Priority, _ = v.Get("priority").Int()
	r.Protocol = protocol(v.Get("protocol"), &r)
	peerKeys := []string{"source_address_prefix", "source_address_prefixes"}
	if r.Direction == Egress {
		peerKeys = []string{"destination_address_prefix", "destination_address_prefixes"}
	}
	for _, k := range peerKeys {
		r.Peers = append(r.Peers, peers(v.Get(k), &r)...)
	}
	if !hasPorts(r.Protocol) {
		r.From, r.To = -1, -1
		return []Rule{r}
	}
	var ranges []resource.Value
	for _, k := range []string{"destination_port_range", "destination_port_ranges"} {
		p := v.Get(k)
		if p.IsUnknown() {
			r.unknown(p)
			continue
		}
		if _, isStr := p.Raw().(string); isStr {
			ranges = append(ranges, p)
		} else {
			ranges = append(ranges, p.List()...)
		}
	}
	// The attribute a rule does not use is "" in plans and attribute syntax.
	ranges = slices.DeleteFunc(ranges, func(p resource.Value) bool {
		s, ok := p.Str()
		return ok && strings.TrimSpace(s) == ""
	})
	if len(ranges) == 0 {
		r.From, r.To = 0, 65535
		return []Rule{r}
	}
	var out []Rule
	for _, p := range ranges {
		rr := r
		rr.Unknown = slices.Clone(r.Unknown)
		rr.At = p
		rr.From, rr.To = rangeString(p, &rr)
		out = append(out, rr)
	}
	return out
}

// protocol normalises AWS ("-1", "tcp", "6"), GCP ("all", "tcp") and Azure ("*", "Tcp") protocols.
func protocol(v resource.Value, r *Rule) string {
	if v.IsUnknown() {
		r.unknown(v)
		return "all"
	}
	s, ok := v.Str()
	if !ok || s == "" {
		return "all"
	}
	switch strings.ToLower(s) {
	case "-1", "all", "*", "any":
		return "all"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "132", "sctp":
		return "sctp"
	case "1", "icmp":
		return "icmp"
	case "58", "icmpv6":
		return "icmpv6"
	}
	return strings.ToLower(s)
}

// hasPorts reports whether a normalised protocol has ports. AWS, GCP and
// Azure ignore the ports of other protocols (ICMP uses from_port and to_port
// for its type and code).
func hasPorts(proto string) bool {
	switch proto {
	case "tcp", "udp", "sctp", "all":
		return true
	}
	return false
}

// ports reads an AWS port range for a protocol: every port for "all", none
// (-1) for protocols without ports.
func ports(proto string, from, to resource.Value, r *Rule) (int, int) {
	switch {
	case proto == "all":
		return 0, 65535
	case !hasPorts(proto):
		return -1, -1
	}
	return portRange(from, to, r)
}

func portRange(from, to resource.Value, r *Rule) (int, int) {
	lo, hi := 0, 65535
	if from.IsUnknown() {
		r.unknown(from)
	} else if n, ok := from.Int(); ok && n >= 0 {
		lo = int(n)
	}
	if to.IsUnknown() {
		r.unknown(to)
	} else if n, ok := to.Int(); ok && n >= 0 {
		hi = int(n)
	}
	if lo == 0 && hi == 0 { // from_port = to_port = 0 means every port in AWS rules
		hi = 65535
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	return lo, min(hi, 65535)
}

// rangeString parses "22", "1000-2000" or "*".
func rangeString(v resource.Value, r *Rule) (int, int) {
	if v.IsUnknown() {
		r.unknown(v)
		return 0, 65535
	}
	s := strings.TrimSpace(v.String())
	if s == "" || s == "*" {
		return 0, 65535
	}
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return 0, 65535
	}
	b := a
	if isRange {
		if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
			return a, 65535
		}
	}
	if b < a {
		a, b = b, a
	}
	return max(a, 0), min(b, 65535)
}

// peers reads a CIDR, a list of CIDRs, or a named peer (security group, service tag).
func peers(v resource.Value, r *Rule) []Peer {
	if v.IsUnknown() {
		r.unknownPeer(v)
		return nil
	}
	var out []Peer
	for _, e := range peerValues(v) {
		if e.IsUnknown() {
			r.unknownPeer(e)
			continue
		}
		s, ok := e.Str()
		if !ok || strings.TrimSpace(s) == "" {
			continue
		}
		out = append(out, ParsePeer(s, e))
	}
	return out
}

// namedPeerKeys are AWS attributes naming peers by reference (security
// groups, prefix lists), never by address range.
var namedPeerKeys = map[string]bool{
	"security_groups": true, "source_security_group_id": true, "prefix_list_ids": true,
}

// named reads peers given by reference. One unknown until apply (the ID of a
// security group created with it) is still a reference, not an address
// range that could be the world, so it is a peer named by its value, not an
// unknown peer.
func named(v resource.Value) []Peer {
	if v.IsUnknown() {
		return []Peer{{Name: "(" + v.UnknownReason() + ")", Value: v}}
	}
	var out []Peer
	for _, e := range peerValues(v) {
		if e.IsUnknown() {
			out = append(out, Peer{Name: "(" + e.UnknownReason() + ")", Value: e})
		} else if s, ok := e.Str(); ok && strings.TrimSpace(s) != "" {
			out = append(out, Peer{Name: strings.TrimSpace(s), Value: e})
		}
	}
	return out
}

// peerValues returns the elements of a list of peers, or the value itself for a string.
func peerValues(v resource.Value) []resource.Value {
	if v.IsNull() {
		return nil
	}
	if _, isStr := v.Raw().(string); isStr {
		return []resource.Value{v}
	}
	return v.List()
}

func names(v resource.Value) []Peer {
	var out []Peer
	for _, e := range v.List() {
		if s, ok := e.Str(); ok && s != "" {
			out = append(out, Peer{Name: s, Value: e})
		}
	}
	return out
}

// ParsePeer reads one peer: a CIDR or bare address, "*"/"Internet"/"Any" (anywhere), or a name.
func ParsePeer(s string, at resource.Value) Peer {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "*", "internet", "any":
		return Peer{Name: t, Any: true, Value: at}
	}
	if p, err := netip.ParsePrefix(t); err == nil {
		return Peer{CIDR: p.Masked(), Value: at}
	}
	if a, err := netip.ParseAddr(t); err == nil {
		return Peer{CIDR: netip.PrefixFrom(a, a.BitLen()), Value: at}
	}
	return Peer{Name: t, Value: at}
}
