package ports

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// exposure is a port range reachable from the world, or possibly reachable
// when Unknown is set.
type exposure struct {
	Protocol string
	From, To int
	// Source says who can reach it ("0.0.0.0/0", "any source (the
	// LoadBalancer Service sets no loadBalancerSourceRanges)").
	Source string
	At     resource.Value
	// Unknown is the value that keeps the exposure from being decided.
	Unknown *resource.Value
}

// worldExposures lists the port ranges of r open to the world: ingress allow
// rules of firewalls whose sources include a public range, less what deny
// rules evaluated before them block, and the ports of Kubernetes
// LoadBalancer Services that accept any source.
func worldExposures(p *rule.Pass, r *resource.Resource) []exposure {
	if r.IsKubernetes() {
		return serviceExposures(p, r)
	}
	rules, ok := netrule.Rules(r)
	if !ok {
		return nil
	}
	var set []netrule.Rule // the rules r's are evaluated with
	var out []exposure
	for i := range rules {
		nr := &rules[i]
		if nr.Direction != netrule.Ingress || !nr.Allow || !nr.HasPorts() || returnTraffic(nr) {
			continue
		}
		world := worldPeer(p.Policy, nr.Peers)
		var unknown *resource.Value
		switch portsUnknown := nr.UnknownPorts(); {
		case world != "" && len(portsUnknown) > 0:
			unknown = &portsUnknown[0]
		case world != "":
		case len(nr.UnknownPeers) > 0:
			unknown = &nr.UnknownPeers[0]
		default:
			continue
		}
		if unknown != nil {
			out = append(out, exposure{Protocol: nr.Protocol, From: nr.From, To: nr.To, Source: world, At: nr.At, Unknown: unknown})
			continue
		}
		if set == nil {
			set = setRules(p, r, rules)
		}
		for _, part := range unblocked(p.Policy, nr, set) {
			out = append(out, exposure{Protocol: part.proto, From: part.from, To: part.to, Source: world, At: nr.At})
		}
	}
	return out
}

// returnTraffic reports whether nr is a network ACL rule admitting the
// ephemeral ports (1024-65535, 32768-65535...). Network ACLs do not track
// connections, so they must admit the replies to connections made from
// inside; such a rule opens no service, and the security groups of the
// subnet's instances decide what is reachable.
func returnTraffic(nr *netrule.Rule) bool {
	return nr.Stateless && nr.From >= 1024 && nr.To >= 65535
}

// worldPeer says how the first public peer is written, or "".
func worldPeer(p *policy.Policy, peers []netrule.Peer) string {
	for _, peer := range peers {
		if !isWorld(p, peer) {
			continue
		}
		switch {
		case peer.Implicit:
			return peer.CIDR.String() + " (the firewall names no source, so GCP applies 0.0.0.0/0)"
		case peer.Any:
			return peer.Name
		}
		return peer.CIDR.String()
	}
	return ""
}

func isWorld(p *policy.Policy, peer netrule.Peer) bool {
	return peer.Any || peer.CIDR.IsValid() && p.IsPublic(peer.CIDR)
}

// setRules returns the rules r's rules are evaluated with: its own, and for
// a standalone rule resource those of the other resources of its ordered set
// (the other aws_network_acl_rule resources of its network ACL, the other
// azurerm_network_security_rule resources of its NSG), so that a deny rule
// written as its own resource blocks what an allow rule of another admits.
// The sets of a type are read once per evaluation.
func setRules(p *rule.Pass, r *resource.Resource, own []netrule.Rule) []netrule.Rule {
	key, ok := netrule.SetOf(r)
	if !ok {
		return own
	}
	all := p.Index.ByType(r.Type)
	if len(all) < 2 {
		return own
	}
	groups := all[0].Memo(setsKey{p.Index, r.Type}, func() any {
		m := map[string][]netrule.Rule{}
		for _, s := range all {
			if s.IsDeleted() {
				continue
			}
			if k, ok := netrule.SetOf(s); ok {
				rules, _ := netrule.Rules(s)
				gk := groupKey(s, k)
				m[gk] = append(m[gk], rules...)
			}
		}
		return m
	}).(map[string][]netrule.Rule)
	if set, ok := groups[groupKey(r, key)]; ok {
		return set
	}
	return own
}

type setsKey struct {
	ix  *rule.Index
	typ string
}

func groupKey(r *resource.Resource, set string) string {
	return r.Unit + "\x00" + r.Module + "\x00" + set
}

// part is a protocol and port range.
type part struct {
	proto    string
	from, to int
}

// unblocked returns the ports of allow rule nr that no deny rule of its set
// evaluated before it (a lower priority number) blocks for every public source
// nr admits. A deny of one protocol splits an allow of every protocol into its
// TCP and UDP parts.
func unblocked(p *policy.Policy, nr *netrule.Rule, set []netrule.Rule) []part {
	var denies []*netrule.Rule
	for i := range set {
		d := &set[i]
		if d.Allow || d.Direction != nr.Direction || !d.HasPorts() || len(d.Unknown) > 0 ||
			nr.Priority == 0 || d.Priority == 0 || d.Priority >= nr.Priority {
			continue
		}
		if d.Protocol != "all" && nr.Protocol != "all" && d.Protocol != nr.Protocol {
			continue
		}
		if blocksWorld(p, d, nr) {
			denies = append(denies, d)
		}
	}
	protos := []string{nr.Protocol}
	if nr.Protocol == "all" {
		for _, d := range denies {
			if d.Protocol != "all" {
				protos = []string{"tcp", "udp"}
				break
			}
		}
	}
	var out []part
	for _, proto := range protos {
		ranges := [][2]int{{nr.From, nr.To}}
		for _, d := range denies {
			if d.Protocol == "all" || d.Protocol == proto {
				ranges = subtract(ranges, d.From, d.To)
			}
		}
		for _, rg := range ranges {
			out = append(out, part{proto, rg[0], rg[1]})
		}
	}
	return out
}

// blocksWorld reports whether deny rule d covers every public source of nr.
func blocksWorld(p *policy.Policy, d, nr *netrule.Rule) bool {
	for _, w := range nr.Peers {
		if isWorld(p, w) && !covers(p, d.Peers, w) {
			return false
		}
	}
	return true
}

func covers(p *policy.Policy, peers []netrule.Peer, w netrule.Peer) bool {
	for _, c := range peers {
		switch {
		case c.Any:
			return true
		case !c.CIDR.IsValid():
		case w.Any:
			if p.IsPublic(c.CIDR) {
				return true
			}
		case c.CIDR.Addr().Is4() == w.CIDR.Addr().Is4() && c.CIDR.Bits() <= w.CIDR.Bits() && c.CIDR.Contains(w.CIDR.Addr()):
			return true
		}
	}
	return false
}

// subtract removes [from, to] from sorted, disjoint ranges.
func subtract(ranges [][2]int, from, to int) [][2]int {
	var out [][2]int
	for _, r := range ranges {
		if to < r[0] || from > r[1] {
			out = append(out, r)
			continue
		}
		if from > r[0] {
			out = append(out, [2]int{r[0], from - 1})
		}
		if to < r[1] {
			out = append(out, [2]int{to + 1, r[1]})
		}
	}
	return out
}

// sourceRangesAnnotation is the older way to restrict a LoadBalancer's
// sources, honoured when spec.loadBalancerSourceRanges is empty.
const sourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"

// sourceRanges returns the source ranges of a LoadBalancer Service, each with
// its path: spec.loadBalancerSourceRanges, or else the annotation.
func sourceRanges(r *resource.Resource, svc *corev1.Service) (ranges []string, at []resource.Path) {
	if len(svc.Spec.LoadBalancerSourceRanges) > 0 {
		for i, s := range svc.Spec.LoadBalancerSourceRanges {
			ranges = append(ranges, s)
			at = append(at, resource.Path{resource.Key("spec"), resource.Key("loadBalancerSourceRanges"), resource.Index(i)})
		}
		return ranges, at
	}
	for _, s := range strings.Split(r.Annotations[sourceRangesAnnotation], ",") {
		if s = strings.TrimSpace(s); s != "" {
			ranges = append(ranges, s)
			at = append(at, resource.Path{resource.Key("metadata"), resource.Key("annotations"), resource.Key(sourceRangesAnnotation)})
		}
	}
	return ranges, at
}

// externalLoadBalancer returns r as a Service of type LoadBalancer that is
// not internal, or nil.
func externalLoadBalancer(r *resource.Resource) *corev1.Service {
	if !kube.Is(r, "", "Service") || kube.InternalLoadBalancer(r) {
		return nil
	}
	svc, err := kube.Service(r)
	if err != nil || svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return nil
	}
	return svc
}

const noSourceRanges = "any source (the LoadBalancer Service sets no loadBalancerSourceRanges)"

func serviceExposures(p *rule.Pass, r *resource.Resource) []exposure {
	svc := externalLoadBalancer(r)
	if svc == nil {
		return nil
	}
	source := noSourceRanges
	if ranges, _ := sourceRanges(r, svc); len(ranges) > 0 {
		peers := make([]netrule.Peer, len(ranges))
		for i, s := range ranges {
			peers[i] = netrule.ParsePeer(s, resource.Value{})
		}
		w := worldPeer(p.Policy, peers)
		if w == "" {
			return nil
		}
		source = w + " (loadBalancerSourceRanges)"
	}
	var out []exposure
	for i, sp := range svc.Spec.Ports {
		at := resource.ValueAt(nil, servicePortPath(i))
		out = append(out, exposure{Protocol: serviceProtocol(sp), From: int(sp.Port), To: int(sp.Port), Source: source, At: at})
	}
	return out
}

func servicePortPath(i int) resource.Path {
	return resource.Path{resource.Key("spec"), resource.Key("ports"), resource.Index(i), resource.Key("port")}
}

// serviceProtocol is a Service port's protocol in lower case, TCP when unset.
func serviceProtocol(sp corev1.ServicePort) string {
	if sp.Protocol == "" {
		return "tcp"
	}
	return strings.ToLower(string(sp.Protocol))
}

// judgeExposures reports exposures of r that touch the given ports; kind
// names them ("administration", "database"). The parts of one rule (its TCP
// and UDP ports, when a deny rule took some of one protocol back) make one
// finding.
func judgeExposures(p *rule.Pass, r *resource.Resource, ports policy.PortSet, kind string) {
	exps := worldExposures(p, r)
	for i := 0; i < len(exps); {
		e := exps[i]
		j := i + 1
		for j < len(exps) && exps[j].Unknown == nil && e.Unknown == nil && samePath(exps[j].At, e.At) {
			j++
		}
		group := exps[i:j]
		i = j
		if e.Unknown != nil {
			hits := ports.Intersect(e.Protocol, e.From, e.To)
			if len(hits) == 0 {
				continue
			}
			verb := "are"
			if portWord(hits) == "port" {
				verb = "is"
			}
			p.Undecidable(r, *e.Unknown, fmt.Sprintf("whether %s %s %s %s open to the world", kind, portWord(hits), describe(hits), verb))
			continue
		}
		var clauses, descs []string
		var protos []string
		for _, g := range group {
			hits := ports.Intersect(g.Protocol, g.From, g.To)
			if len(hits) == 0 {
				continue
			}
			clauses = append(clauses, fmt.Sprintf("%s allows %s %s %s", protoWord(g.Protocol), kind, portWord(hits), describe(hits)))
			descs = append(descs, describe(hits))
			protos = append(protos, g.Protocol)
		}
		switch {
		case len(clauses) == 0:
			continue
		case len(clauses) > 1 && allEqual(descs):
			clauses = []string{fmt.Sprintf("%s ingress allows %s ports %s", strings.ToUpper(strings.Join(protos, " and ")), kind, descs[0])}
		}
		p.ReportValue(r, e.At, "%s from %s", strings.Join(clauses, ", and "), e.Source)
	}
}

func samePath(a, b resource.Value) bool { return a.Path().String() == b.Path().String() }

func allEqual(ss []string) bool {
	for _, s := range ss[1:] {
		if s != ss[0] {
			return false
		}
	}
	return true
}

func portWord(set policy.PortSet) string {
	if len(set) == 1 && set[0].From == set[0].To {
		return "port"
	}
	return "ports"
}

func describe(set policy.PortSet) string {
	parts := make([]string, len(set))
	for i, h := range set {
		parts[i] = policy.DescribeRange(h.From, h.To)
	}
	return strings.Join(parts, ", ")
}

func protoWord(proto string) string {
	switch proto {
	case "all":
		return "ingress on every protocol"
	case "tcp", "udp", "sctp":
		return strings.ToUpper(proto) + " ingress"
	}
	return "ingress (protocol " + proto + ")"
}
