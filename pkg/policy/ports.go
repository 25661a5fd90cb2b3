package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of ports, optionally for one protocol.
// +kubebuilder:object:generate=false
type PortRange struct {
	// Protocol is "tcp", "udp", "sctp" or "" for any.
	Protocol string
	From, To int
}

// ParsePortRange parses "22", "5985-5986", "udp/53" or "tcp/8000-8100".
func ParsePortRange(s string) (PortRange, error) {
	var r PortRange
	spec := strings.TrimSpace(s)
	if proto, rest, ok := strings.Cut(spec, "/"); ok {
		r.Protocol = strings.ToLower(proto)
		switch r.Protocol {
		case "tcp", "udp", "sctp":
		default:
			return r, fmt.Errorf("port %q: unknown protocol %q (want tcp, udp or sctp)", s, proto)
		}
		spec = rest
	}
	lo, hi, isRange := strings.Cut(spec, "-")
	from, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return r, fmt.Errorf("port %q: %q is not a number", s, lo)
	}
	to := from
	if isRange {
		if to, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
			return r, fmt.Errorf("port %q: %q is not a number", s, hi)
		}
	}
	if from < 0 || to > 65535 || from > to {
		return r, fmt.Errorf("port %q: want 0-65535 with the lower bound first", s)
	}
	r.From, r.To = from, to
	return r, nil
}

// String returns the range as a policy writes it: 22, 5985-5986 or udp/53.
func (r PortRange) String() string {
	s := strconv.Itoa(r.From)
	if r.To != r.From {
		s += "-" + strconv.Itoa(r.To)
	}
	if r.Protocol != "" {
		s = r.Protocol + "/" + s
	}
	return s
}

func (r PortRange) matchesProtocol(proto string) bool {
	return r.Protocol == "" || proto == "" || proto == "all" || proto == "-1" || strings.EqualFold(r.Protocol, proto)
}

// PortSet is a list of port ranges.
type PortSet []PortRange

// ParsePortSet parses each entry with ParsePortRange.
func ParsePortSet(specs []string) (PortSet, error) {
	set := make(PortSet, 0, len(specs))
	for _, s := range specs {
		r, err := ParsePortRange(s)
		if err != nil {
			return nil, err
		}
		set = append(set, r)
	}
	return set, nil
}

// Contains reports whether port is in the set for protocol (""/"all" for any).
func (s PortSet) Contains(protocol string, port int) bool {
	for _, r := range s {
		if port >= r.From && port <= r.To && r.matchesProtocol(protocol) {
			return true
		}
	}
	return false
}

// Intersect returns the ranges of the set that overlap [from, to] for
// protocol, clipped to it, in ascending order.
func (s PortSet) Intersect(protocol string, from, to int) PortSet {
	var out PortSet
	for _, r := range s {
		if !r.matchesProtocol(protocol) || r.To < from || r.From > to {
			continue
		}
		out = append(out, PortRange{Protocol: r.Protocol, From: max(r.From, from), To: min(r.To, to)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out
}

// Covers reports whether every port of [from, to] is in the set for protocol.
// For traffic of any protocol (""/"all"), every port must be in the set for
// each of TCP, UDP and SCTP: "tcp/443" does not cover all traffic to port 443.
func (s PortSet) Covers(protocol string, from, to int) bool {
	if protocol == "" || protocol == "all" || protocol == "-1" {
		for _, p := range [...]string{"tcp", "udp", "sctp"} {
			if !s.covers(p, from, to) {
				return false
			}
		}
		return true
	}
	return s.covers(protocol, from, to)
}

func (s PortSet) covers(protocol string, from, to int) bool {
	next := from
	for _, r := range s.Intersect(protocol, from, to) {
		if r.From > next {
			return false
		}
		next = max(next, r.To+1)
	}
	return next > to
}

// String returns the ranges as a policy writes them, separated by commas.
func (s PortSet) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// wellKnownPorts names the ports findings mention, so a reader sees "22 (SSH)".
var wellKnownPorts = map[int]string{
	21: "FTP", 22: "SSH", 23: "Telnet", 25: "SMTP", 53: "DNS", 80: "HTTP", 110: "POP3", 135: "MS RPC",
	137: "NetBIOS", 139: "NetBIOS", 143: "IMAP", 443: "HTTPS", 445: "SMB", 1433: "SQL Server",
	1434: "SQL Server browser", 1521: "Oracle", 2049: "NFS", 2375: "Docker API", 2376: "Docker API (TLS)",
	2379: "etcd", 2380: "etcd peer", 3000: "dev HTTP", 3306: "MySQL", 3389: "RDP", 4333: "mSQL",
	5432: "PostgreSQL", 5601: "Kibana", 5672: "AMQP", 5900: "VNC", 5984: "CouchDB", 5985: "WinRM",
	5986: "WinRM (TLS)", 6379: "Redis", 6443: "Kubernetes API", 7000: "Cassandra", 7001: "Cassandra (TLS)",
	8020: "HDFS", 8080: "HTTP alternate", 8086: "InfluxDB", 8888: "HTTP alternate", 9042: "Cassandra CQL",
	9092: "Kafka", 9200: "Elasticsearch", 9300: "Elasticsearch transport", 10250: "kubelet", 11211: "Memcached",
	15672: "RabbitMQ management", 27017: "MongoDB", 27018: "MongoDB", 27019: "MongoDB", 50070: "HDFS NameNode",
}

// PortName returns "22 (SSH)" for well-known ports and "8443" otherwise.
func PortName(port int) string {
	if n, ok := wellKnownPorts[port]; ok {
		return strconv.Itoa(port) + " (" + n + ")"
	}
	return strconv.Itoa(port)
}

// DescribeRange renders a range with service names for single well-known ports.
func DescribeRange(from, to int) string {
	if from == to {
		return PortName(from)
	}
	if from == 0 && to == 65535 {
		return "all ports"
	}
	return strconv.Itoa(from) + "-" + strconv.Itoa(to)
}
