package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParsePortRange(t *testing.T) {
	tests := []struct {
		in   string
		want PortRange
		err  string
	}{
		{"22", PortRange{"", 22, 22}, ""},
		{" 22 ", PortRange{"", 22, 22}, ""},
		{"0", PortRange{"", 0, 0}, ""},
		{"65535", PortRange{"", 65535, 65535}, ""},
		{"0-65535", PortRange{"", 0, 65535}, ""},
		{"5985-5986", PortRange{"", 5985, 5986}, ""},
		{"5985 - 5986", PortRange{"", 5985, 5986}, ""},
		{"udp/53", PortRange{"udp", 53, 53}, ""},
		{"TCP/8000-8100", PortRange{"tcp", 8000, 8100}, ""},
		{"sctp/3868", PortRange{"sctp", 3868, 3868}, ""},
		{"70000", PortRange{}, `port "70000": want 0-65535 with the lower bound first`},
		{"22-21", PortRange{}, `port "22-21": want 0-65535 with the lower bound first`},
		{"1-70000", PortRange{}, `want 0-65535`},
		{"-1", PortRange{}, `port "-1": "" is not a number`},
		{"icmp/8", PortRange{}, `port "icmp/8": unknown protocol "icmp" (want tcp, udp or sctp)`},
		{"all/22", PortRange{}, `unknown protocol "all"`},
		{"/22", PortRange{}, `unknown protocol ""`},
		{"tcp/", PortRange{}, `port "tcp/": "" is not a number`},
		{"ssh", PortRange{}, `port "ssh": "ssh" is not a number`},
		{"22-", PortRange{}, `port "22-": "" is not a number`},
		{"1-2-3", PortRange{}, `"2-3" is not a number`},
		{"", PortRange{}, `"" is not a number`},
		{"99999999999999999999", PortRange{}, "is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePortRange(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("= %+v, %v; want %+v", got, err, tt.want)
			}
			if again, err := ParsePortRange(got.String()); err != nil || again != got {
				t.Errorf("String() %q does not parse back: %+v %v", got.String(), again, err)
			}
		})
	}
	if _, err := ParsePortSet([]string{"22", "x"}); err == nil {
		t.Error("ParsePortSet with a bad entry")
	}
	if set, err := ParsePortSet([]string{"22", "udp/53"}); err != nil || set.String() != "22, udp/53" {
		t.Errorf("ParsePortSet = %v, %v", set, err)
	}
}

func TestPortSet(t *testing.T) {
	set, err := ParsePortSet([]string{"22", "tcp/80", "udp/53", "8000-8100", "tcp/443", "sctp/3868"})
	if err != nil {
		t.Fatal(err)
	}
	contains := []struct {
		proto string
		port  int
		want  bool
	}{
		{"tcp", 22, true}, {"udp", 22, true}, {"", 22, true},
		{"tcp", 80, true}, {"TCP", 80, true}, {"udp", 80, false}, {"", 80, true}, {"all", 80, true}, {"-1", 80, true},
		{"udp", 53, true}, {"tcp", 53, false}, {"UDP", 53, true},
		{"tcp", 8000, true}, {"tcp", 8050, true}, {"udp", 8100, true}, {"tcp", 8101, false}, {"tcp", 7999, false},
		{"sctp", 3868, true}, {"tcp", 3868, false},
		{"tcp", 23, false}, {"", -1, false}, {"tcp", 65536, false},
	}
	for _, c := range contains {
		if got := set.Contains(c.proto, c.port); got != c.want {
			t.Errorf("Contains(%q, %d) = %v", c.proto, c.port, got)
		}
	}

	intersect := []struct {
		proto    string
		from, to int
		want     string
	}{
		{"tcp", 0, 65535, "22, tcp/80, tcp/443, 8000-8100"},
		{"udp", 0, 65535, "22, udp/53, 8000-8100"},
		{"", 0, 65535, "22, udp/53, tcp/80, tcp/443, sctp/3868, 8000-8100"},
		{"tcp", 8050, 9000, "8050-8100"},
		{"tcp", 20, 90, "22, tcp/80"},
		{"udp", 80, 80, ""},
		{"tcp", 23, 79, ""},
	}
	for _, c := range intersect {
		if got := set.Intersect(c.proto, c.from, c.to).String(); got != c.want {
			t.Errorf("Intersect(%q, %d, %d) = %q, want %q", c.proto, c.from, c.to, got, c.want)
		}
	}

	covers := []struct {
		set      []string
		proto    string
		from, to int
		want     bool
	}{
		{[]string{"80"}, "tcp", 80, 80, true},
		{[]string{"80"}, "tcp", 80, 81, false},
		{[]string{"1-100", "101-200"}, "tcp", 1, 200, true},
		{[]string{"101-200", "1-100"}, "tcp", 50, 150, true},
		{[]string{"1-100", "102-200"}, "tcp", 1, 200, false},
		{[]string{"1-150", "100-200"}, "tcp", 1, 200, true},
		{[]string{"tcp/1-200"}, "udp", 10, 20, false},
		{[]string{"tcp/1-200"}, "tcp", 10, 20, true},
		{[]string{"tcp/1-100", "udp/101-200"}, "", 1, 200, false},
		{[]string{"tcp/443"}, "all", 443, 443, false},
		{[]string{"tcp/443", "udp/443", "sctp/443"}, "all", 443, 443, true},
		{[]string{"443"}, "all", 443, 443, true},
		{[]string{"443"}, "-1", 443, 443, true},
		{[]string{"tcp/443", "udp/443"}, "", 443, 443, false},
		{[]string{"tcp/1-100", "udp/1-200"}, "tcp", 1, 200, false},
		{[]string{"0-65535"}, "all", 0, 65535, true},
		{nil, "tcp", 80, 80, false},
		{[]string{"80"}, "tcp", 81, 80, true}, // an empty range is covered
	}
	for _, c := range covers {
		s, err := ParsePortSet(c.set)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Covers(c.proto, c.from, c.to); got != c.want {
			t.Errorf("%v.Covers(%q, %d, %d) = %v", c.set, c.proto, c.from, c.to, got)
		}
	}
}

func TestPortNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{PortName(22), "22 (SSH)"},
		{PortName(3389), "3389 (RDP)"},
		{PortName(8443), "8443"},
		{DescribeRange(22, 22), "22 (SSH)"},
		{DescribeRange(0, 65535), "all ports"},
		{DescribeRange(1000, 2000), "1000-2000"},
		{PortRange{"udp", 53, 53}.String(), "udp/53"},
		{PortRange{"", 1, 2}.String(), "1-2"},
		{PortSet(nil).String(), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseTLSVersion(t *testing.T) {
	tests := []struct {
		in   string
		want TLSVersion
		err  bool
	}{
		{"1.0", TLS10, false}, {"1.1", TLS11, false}, {"1.2", TLS12, false}, {"1.3", TLS13, false},
		{"1", TLS10, false}, {"10", TLS10, false}, {"12", TLS12, false},
		{"TLS1.2", TLS12, false}, {"TLSv1.2", TLS12, false}, {"TLSv1", TLS10, false}, {"TLSv1.3", TLS13, false},
		{"TLS1_2", TLS12, false}, {"TLS_1_2", TLS12, false}, {"TLS_1_0", TLS10, false}, {"tls1.2", TLS12, false},
		{"VersionTLS12", TLS12, false}, {"VersionTLS13", TLS13, false}, {"TLS12", TLS12, false},
		{"TLS 1.2", TLS12, false}, {" TLSv1.1 ", TLS11, false}, {"TLS-1.2", TLS12, false}, {"tlsv1_3", TLS13, false},
		{"SSLv3", SSL3, false}, {"ssl3.0", SSL3, false}, {" SSLv2", SSL3, false},
		{"1.4", 0, true}, {"2.0", 0, true}, {"", 0, true}, {"TLS", 0, true}, {"1.2.3", 0, true}, {"high", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseTLSVersion(tt.in)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseTLSVersion(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	names := map[TLSVersion]string{SSL3: "SSL 3.0", TLS10: "TLS 1.0", TLS11: "TLS 1.1", TLS12: "TLS 1.2", TLS13: "TLS 1.3"}
	for v, n := range names {
		if v.String() != n {
			t.Errorf("%d.String() = %q", v, v.String())
		}
	}
	if !(SSL3 < TLS10 && TLS10 < TLS11 && TLS11 < TLS12 && TLS12 < TLS13) {
		t.Error("TLS versions are not ordered")
	}
}

func TestParseSeverityAndMode(t *testing.T) {
	sevs := []struct {
		in   string
		want Severity
		err  bool
	}{
		{"critical", Critical, false}, {"HIGH", High, false}, {"Medium", Medium, false}, {"low", Low, false}, {"info", Info, false},
		{"inherit", 0, true}, {"", 0, true}, {"crit", 0, true}, {" high", 0, true},
	}
	for _, tt := range sevs {
		got, err := ParseSeverity(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v", tt.in, got, err)
		}
	}
	modes := []struct {
		in   string
		want Mode
		err  bool
	}{
		{"deny", Deny, false}, {"WARN", Warn, false}, {"Off", Off, false},
		{"", "", true}, {"block", "", true}, {"false", "", true},
	}
	for _, tt := range modes {
		got, err := ParseMode(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseMode(%q) = %v, %v", tt.in, got, err)
		}
	}
	if !(Info < Low && Low < Medium && Medium < High && High < Critical) {
		t.Error("severities are not ordered")
	}
	if Severity(9).String() != "severity(9)" || Severity(-1).String() != "severity(-1)" || High.String() != "high" {
		t.Error("Severity.String")
	}
	b, err := json.Marshal(map[string]Severity{"s": Critical})
	if err != nil || string(b) != `{"s":"critical"}` {
		t.Errorf("MarshalText: %s %v", b, err)
	}
	var back map[string]Severity
	if err := json.Unmarshal(b, &back); err != nil || back["s"] != Critical {
		t.Errorf("UnmarshalText: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"s":"urgent"}`), &back); err == nil {
		t.Error("UnmarshalText of an unknown severity")
	}
}
