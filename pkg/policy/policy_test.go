package policy

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

const queryPolicy = header + `spec:
  environments:
    definitions:
      - name: prod
        production: true
        aliases: [production, live]
        accounts: ["111111111111"]
        projects: ["acme-prod"]
        namespaces: ["prod", "prod-*"]
        names: ["*-prod", "prod-*"]
        cidrs: ["10.10.0.0/16", "fd00:10::/32"]
        domains: ["*.prod.example.com", "Shop.Example.com"]
      - name: staging
        cidrs: ["10.20.0.0/16"]
        names: ["*-stg"]
        domains: ["*.staging.example.com"]
      - name: dev
        aliases: [development]
        accounts: ["333333333333"]
        cidrs: ["10.30.0.0/16", "10.10.5.0/24"]
      - name: test
        names: ["*-test"]
  segregation:
    allowedMixes: [[dev, test], [Staging, development]]
  ports:
    allowed:
      prod: ["443"]
      "*": ["80"]
    publicCIDRs: ["0.0.0.0/0", "::/0", "100.64.0.0/10"]
  rules:
    GR-TLS-001: {severity: low}
    "GR-TLS-*": {severity: high, mode: warn}
    "GR-*": {mode: "off"}
    "GR-TLS-00*": {severity: medium}
    CKV_AWS_24: {severity: info, inlineWaivers: false}
    GR-PORT-001: {environments: [production], excludeEnvironments: [development]}
`

func TestIsPublicAndEnvsOfCIDR(t *testing.T) {
	p := mustParse(t, queryPolicy)
	tests := []struct {
		cidr   string
		public bool
		envs   []string
	}{
		{"0.0.0.0/0", true, nil},
		{"::/0", true, nil},
		{"0.0.0.0/1", true, nil},
		{"128.0.0.0/1", true, nil},
		{"10.0.0.0/7", true, nil},
		{"10.0.0.0/8", false, []string{"dev", "prod", "staging"}},
		{"10.10.0.0/16", false, []string{"dev", "prod"}},
		{"10.10.1.0/24", false, []string{"prod"}},
		{"10.10.5.7/32", false, []string{"dev", "prod"}},
		{"10.20.0.9/32", false, []string{"staging"}},
		{"192.168.1.1/32", false, nil},
		{"8.8.8.8/32", false, nil},
		{"100.64.0.0/10", true, nil},
		{"100.0.0.0/8", true, nil},
		{"100.64.1.0/24", false, nil},
		{"2000::/3", true, nil},
		{"2001:db8::/15", true, nil},
		{"2001:db8::/16", false, nil},
		{"fd00:10::1/128", false, []string{"prod"}},
		{"fd00::/8", true, nil},
		// IPv4-mapped IPv6 ranges are the IPv4 ranges they map.
		{"::ffff:0.0.0.0/96", true, nil},
		{"::ffff:0.0.0.0/97", true, nil},
		{"::ffff:10.10.1.0/120", false, []string{"prod"}},
		{"::ffff:10.0.0.0/104", false, []string{"dev", "prod", "staging"}},
		{"::ffff:8.8.8.8/128", false, nil},
		{"::/80", true, nil},
		// Host bits set are masked.
		{"10.10.1.77/24", false, []string{"prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			pfx := netip.MustParsePrefix(tt.cidr)
			if got := p.IsPublic(pfx); got != tt.public {
				t.Errorf("IsPublic = %v, want %v", got, tt.public)
			}
			if got := p.EnvsOfCIDR(pfx); !slices.Equal(got, tt.envs) {
				t.Errorf("EnvsOfCIDR = %v, want %v", got, tt.envs)
			}
		})
	}
	if p.IsPublic(netip.Prefix{}) || p.EnvsOfCIDR(netip.Prefix{}) != nil {
		t.Error("the zero prefix")
	}
	// With the default public CIDRs, a wide private range is not the world.
	d := MustCompile(Default())
	if d.IsPublic(netip.MustParsePrefix("100.64.0.0/10")) || !d.IsPublic(netip.MustParsePrefix("0.0.0.0/0")) {
		t.Error("default public CIDRs")
	}
	// An IPv4-mapped environment range matches its IPv4 form.
	m := mustParse(t, header+"spec:\n  environments:\n    definitions: [{name: a, cidrs: ['::ffff:10.0.0.0/104']}]\n")
	if got := m.EnvsOfCIDR(netip.MustParsePrefix("10.1.2.3/32")); !slices.Equal(got, []string{"a"}) {
		t.Errorf("mapped environment range: %v", got)
	}
	if e, _ := m.Env("a"); e.CIDRs()[0].String() != "10.0.0.0/8" {
		t.Errorf("CIDRs() = %v", e.CIDRs())
	}
}

func TestEnvLookups(t *testing.T) {
	p := mustParse(t, queryPolicy)
	lookups := []struct {
		name string
		fn   func(string) (string, bool)
		in   string
		want string
	}{
		{"host", p.EnvOfHost, "api.prod.example.com", "prod"},
		{"host with a trailing dot", p.EnvOfHost, "api.prod.example.com.", "prod"},
		{"host upper case", p.EnvOfHost, "API.PROD.EXAMPLE.COM", "prod"},
		{"host pattern upper case", p.EnvOfHost, "shop.example.com", "prod"},
		{"host deeper", p.EnvOfHost, "a.b.prod.example.com", "prod"},
		{"host is the bare domain", p.EnvOfHost, "prod.example.com", ""},
		{"host other", p.EnvOfHost, "db.staging.example.com", "staging"},
		{"host unknown", p.EnvOfHost, "example.org", ""},
		{"host suffix trick", p.EnvOfHost, "prod.example.com.evil.org", ""},
		{"name suffix", p.EnvOfName, "web-prod", "prod"},
		{"name prefix", p.EnvOfName, "prod-db", "prod"},
		{"name other", p.EnvOfName, "cache-stg", "staging"},
		{"name first definition wins", p.EnvOfName, "prod-x-test", "prod"},
		{"name none", p.EnvOfName, "web", ""},
		{"name case matters", p.EnvOfName, "WEB-PROD", ""},
		{"account", p.EnvOfAccount, "111111111111", "prod"},
		{"project", p.EnvOfAccount, "acme-prod", "prod"},
		{"account other", p.EnvOfAccount, "333333333333", "dev"},
		{"account unknown", p.EnvOfAccount, "222222222222", ""},
		{"account empty", p.EnvOfAccount, "", ""},
		{"namespace", p.EnvOfNamespaceName, "prod-payments", "prod"},
		{"namespace exact", p.EnvOfNamespaceName, "prod", "prod"},
		{"namespace none", p.EnvOfNamespaceName, "production", ""},
	}
	for _, tt := range lookups {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.fn(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
	if !p.HasDomains() || MustCompile(Default()).HasDomains() {
		t.Error("HasDomains")
	}
}

func TestMixAllowed(t *testing.T) {
	p := mustParse(t, queryPolicy)
	tests := []struct {
		a, b string
		want bool
	}{
		{"dev", "test", true},
		{"staging", "dev", true}, // written as Staging and the alias development
		{"prod", "prod", true},
		{"prod", "dev", false},
		{"staging", "test", false},
		{"dev", "nope", false},
		{"", "", true},
	}
	for _, tt := range tests {
		if got := p.MixAllowed(tt.a, tt.b); got != tt.want {
			t.Errorf("MixAllowed(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := p.MixAllowed(tt.b, tt.a); got != tt.want {
			t.Errorf("MixAllowed(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestRuleResolution(t *testing.T) {
	p := mustParse(t, queryPolicy)
	tests := []struct {
		name    string
		id      string
		aliases []string
		key     string
		sev     string
		mode    Mode
	}{
		{"exact beats globs", "GR-TLS-001", nil, "GR-TLS-001", "low", ""},
		{"longest glob", "GR-TLS-002", nil, "GR-TLS-00*", "medium", ""},
		{"shorter glob", "GR-TLS-010", nil, "GR-TLS-*", "high", Warn},
		{"shortest glob", "GR-SEG-001", nil, "GR-*", "", Off},
		{"alias key", "GR-PORT-002", []string{"CKV_AWS_25", "CKV_AWS_24"}, "CKV_AWS_24", "info", ""},
		{"exact ID beats alias", "GR-TLS-001", []string{"CKV_AWS_24"}, "GR-TLS-001", "low", ""},
		{"alias beats glob", "GR-TLS-005", []string{"CKV_AWS_24"}, "CKV_AWS_24", "info", ""},
		{"no entry", "XX-1", []string{"CKV_AWS_1"}, "", "", ""},
		{"globs do not match aliases", "XX-1", []string{"GR-TLS-003"}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.Rule(tt.id, tt.aliases...)
			sev := ""
			if c.Severity != nil {
				sev = c.Severity.String()
			}
			if c.Key != tt.key || sev != tt.sev || c.Mode != tt.mode {
				t.Errorf("Rule = key %q severity %q mode %q; want %q %q %q", c.Key, sev, c.Mode, tt.key, tt.sev, tt.mode)
			}
		})
	}
	c := p.Rule("GR-PORT-001")
	if !slices.Equal(c.Environments, []string{"prod"}) || !slices.Equal(c.ExcludeEnvironments, []string{"dev"}) {
		t.Errorf("environments are canonical: %+v", c)
	}
	if !c.AppliesIn("prod") || c.AppliesIn("dev") || c.AppliesIn("staging") || c.AppliesIn("") {
		t.Error("AppliesIn with environments")
	}
	if !(RuleConfig{ExcludeEnvironments: []string{"dev"}}).AppliesIn("prod") || (RuleConfig{ExcludeEnvironments: []string{"dev"}}).AppliesIn("dev") || !(RuleConfig{}).AppliesIn("") {
		t.Error("AppliesIn without environments")
	}
	if c := p.Rule("GR-PORT-002", "CKV_AWS_24"); c.InlineWaivers == nil || *c.InlineWaivers {
		t.Error("inlineWaivers from the alias entry")
	}
}

func TestInlineWaiverAllowed(t *testing.T) {
	base := header + "spec:\n  waivers:\n    inline:\n"
	no := false
	yes := true
	tests := []struct {
		name   string
		inline string
		env    string
		cfg    RuleConfig
		ids    []string
		ok     bool
		reason string
	}{
		{"allowed", "      disabled: false\n", "prod", RuleConfig{}, []string{"GR-PORT-001"}, true, ""},
		{"disabled", "      disabled: true\n", "dev", RuleConfig{}, []string{"GR-PORT-001"}, false, "the policy disables inline waivers"},
		{"forbidden environment", "      forbiddenEnvironments: [production]\n", "prod", RuleConfig{}, []string{"GR-PORT-001"}, false, "the policy forbids inline waivers in environment prod"},
		{"other environment", "      forbiddenEnvironments: [prod]\n", "dev", RuleConfig{}, []string{"GR-PORT-001"}, true, ""},
		{"no environment", "      forbiddenEnvironments: [prod]\n", "", RuleConfig{}, []string{"GR-PORT-001"}, true, ""},
		{"rule setting", "      disabled: false\n", "dev", RuleConfig{InlineWaivers: &no}, []string{"GR-PORT-001"}, false, "the policy allows this rule to be waived only in the policy file"},
		{"rule setting true", "      disabled: false\n", "dev", RuleConfig{InlineWaivers: &yes}, []string{"GR-PORT-001"}, true, ""},
		{"forbidden rule glob", "      forbiddenRules: ['GR-SEG-*']\n", "dev", RuleConfig{}, []string{"GR-SEG-004"}, false, "the policy forbids inline waivers of GR-SEG-*"},
		{"forbidden by alias", "      forbiddenRules: [CKV_AWS_24]\n", "dev", RuleConfig{}, []string{"GR-PORT-001", "CKV_AWS_24"}, false, "the policy forbids inline waivers of CKV_AWS_24"},
		{"forbidden rule other", "      forbiddenRules: ['GR-SEG-*']\n", "dev", RuleConfig{}, []string{"GR-PORT-001"}, true, ""},
		{"disabled wins", "      disabled: true\n      forbiddenEnvironments: [prod]\n", "prod", RuleConfig{InlineWaivers: &no}, []string{"X"}, false, "the policy disables inline waivers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, base+tt.inline)
			ok, reason := p.InlineWaiverAllowed(tt.env, tt.cfg, tt.ids...)
			if ok != tt.ok || reason != tt.reason {
				t.Errorf("= %v, %q; want %v, %q", ok, reason, tt.ok, tt.reason)
			}
		})
	}
}

func TestWaiverProblem(t *testing.T) {
	day := func(s string) time.Time {
		t.Helper()
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name   string
		policy string
		entry  string
		now    time.Time
		want   string
	}{
		{"current", "", "expires: '2027-01-31'", day("2027-01-01T00:00:00Z"), ""},
		{"last day, first second", "", "expires: '2027-01-31'", day("2027-01-31T00:00:00Z"), ""},
		{"last day, last second", "", "expires: '2027-01-31'", day("2027-01-31T23:59:59Z"), ""},
		{"day after", "", "expires: '2027-01-31'", day("2027-02-01T00:00:00Z"), "expired on 2027-01-31"},
		{"long after", "", "expires: '2027-01-31'", day("2030-01-01T00:00:00Z"), "expired on 2027-01-31"},
		{"no expiry", "", "owner: a", day("2030-01-01T00:00:00Z"), ""},
		{"no expiry, required", "    requireExpiry: true\n", "owner: a", day("2030-01-01T00:00:00Z"), "it has no expiry date and the policy requires one"},
		{"no reason", "", "reason: '  '", day("2027-01-01T00:00:00Z"), "it has no reason"},
		{"no reason beats expiry", "    requireExpiry: true\n", "reason: ''", day("2027-01-01T00:00:00Z"), "it has no reason"},
		{"within maxDuration", "    maxDuration: 90d\n", "expires: '2026-04-01'", day("2026-01-01T12:00:00Z"), ""},
		{"maxDuration exactly, late in the day", "    maxDuration: 90d\n", "expires: '2026-04-01'", day("2026-01-01T23:59:59Z"), ""},
		{"beyond maxDuration by a day", "    maxDuration: 90d\n", "expires: '2026-04-02'", day("2026-01-01T00:00:00Z"), "its expiry 2026-04-02 is further away than the policy's maximum waiver duration"},
		{"beyond maxDuration, late in the day", "    maxDuration: 90d\n", "expires: '2026-04-02'", day("2026-01-01T23:59:59Z"), "its expiry 2026-04-02 is further away than the policy's maximum waiver duration"},
		{"maxDuration in hours", "    maxDuration: 48h\n", "expires: '2026-01-03'", day("2026-01-01T00:00:00Z"), ""},
		{"maxDuration in hours, beyond", "    maxDuration: 48h\n", "expires: '2026-01-05'", day("2026-01-01T00:00:00Z"), "its expiry 2026-01-05 is further away than the policy's maximum waiver duration"},
		{"expired beats maxDuration", "    maxDuration: 1d\n", "expires: '2026-01-01'", day("2026-03-01T00:00:00Z"), "expired on 2026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + "spec:\n  waivers:\n" + tt.policy + "    entries:\n    - rules: [X]\n      reason: because\n      " + tt.entry + "\n"
			if strings.Contains(tt.entry, "reason:") {
				src = strings.Replace(src, "      reason: because\n", "", 1)
			}
			p := mustParse(t, src)
			if got := p.Waivers()[0].Problem(tt.now); got != tt.want {
				t.Errorf("Problem(%s) = %q, want %q", tt.now.Format(time.RFC3339), got, tt.want)
			}
		})
	}
}

func TestWaiverMatches(t *testing.T) {
	p := mustParse(t, header+`spec:
  waivers:
    entries:
    - rules: ["GR-PORT-*", CKV_AWS_24]
      resources: ["aws_security_group.*", "Deployment/prod/*", "module.net.*"]
      environments: [production]
      files: ["envs/prod/**"]
      reason: r
    - rules: [GR-TLS-001]
      reason: r
`)
	w := p.Waivers()
	if len(w) != 2 || w[1].Index != 1 {
		t.Fatalf("waivers %+v", w)
	}
	rules := []struct {
		ids  []string
		want bool
	}{
		{[]string{"GR-PORT-001"}, true},
		{[]string{"GR-TLS-001"}, false},
		{[]string{"GR-TLS-001", "CKV_AWS_24"}, true},
		{nil, false},
	}
	for _, r := range rules {
		if got := w[0].MatchesRule(r.ids...); got != r.want {
			t.Errorf("MatchesRule(%v) = %v", r.ids, got)
		}
	}
	matches := []struct {
		address, env, file string
		want               bool
	}{
		{"aws_security_group.bastion", "prod", "repo/envs/prod/main.tf", true},
		{`aws_security_group.web["a"]`, "prod", "envs/prod/main.tf", true},
		{"Deployment/prod/web", "prod", "envs/prod/k8s/web.yaml", true},
		{"module.net.aws_vpc.main", "prod", "envs/prod/net.tf", true},
		{"aws_security_group.bastion", "dev", "envs/prod/main.tf", false},
		{"aws_security_group.bastion", "prod", "envs/dev/main.tf", false},
		{"aws_instance.bastion", "prod", "envs/prod/main.tf", false},
		{"aws_security_group.bastion", "prod", `C:\repo\envs\prod\main.tf`, true},
		{"aws_security_group.bastion", "prod", "./envs/prod/main.tf", true},
	}
	for _, m := range matches {
		if got := w[0].Matches(m.address, m.env, m.file); got != m.want {
			t.Errorf("Matches(%q, %q, %q) = %v", m.address, m.env, m.file, got)
		}
	}
	if !w[1].Matches("anything", "", "") {
		t.Error("a waiver without resources, environments or files matches everything")
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything/at/all", true},
		{"GR-*", "GR-TLS-001", true},
		{"GR-TLS-00?", "GR-TLS-001", true},
		{"GR-{TLS,SEG}-*", "GR-SEG-004", true},
		{"GR-[A-S]*", "GR-TLS-001", false},
		{"Deployment/*", "Deployment/prod/web", true},
		{"Deployment*", "Deployment/prod/web", true},
		{"*/prod/*", "Deployment/prod/web", true},
		{"Deployment/**/web", "Deployment/web", true},
		{"*/dev/*", "Deployment/prod/web", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"*.prod.example.com", "a.b.prod.example.com", true},
		{"prod-[", "prod-[", true}, // an invalid pattern still matches itself
		{"prod-[", "prod-x", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestAllowedPorts(t *testing.T) {
	p := mustParse(t, queryPolicy)
	if set, ok := p.AllowedPorts("prod"); !ok || set.String() != "443" {
		t.Errorf("prod: %v %v", set, ok)
	}
	if set, ok := p.AllowedPorts("dev"); !ok || set.String() != "80" {
		t.Errorf("dev falls back to *: %v %v", set, ok)
	}
	if set, ok := p.AllowedPorts(""); !ok || set.String() != "80" {
		t.Errorf("no environment falls back to *: %v %v", set, ok)
	}
	q := mustParse(t, header+"spec:\n  ports:\n    allowed: {Production: ['22']}\n")
	if set, ok := q.AllowedPorts("prod"); !ok || set.String() != "22" {
		t.Errorf("alias key: %v %v", set, ok)
	}
	if _, ok := q.AllowedPorts("dev"); ok {
		t.Error("no * entry: no allowlist")
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"72h", 72 * time.Hour, false},
		{"1h30m", 90 * time.Minute, false},
		{"7d", 7 * 24 * time.Hour, false},
		{"0d", 0, false},
		{"0s", 0, false},
		{"106751d", 106751 * 24 * time.Hour, false},
		{"106752d", 0, true},
		{"-1d", 0, true},
		{"+1d", 0, true},
		{"-1h", 0, true},
		{"1.5d", 0, true},
		{"d", 0, true},
		{"", 0, true},
		{"7 days", 0, true},
		{"99999999999999999999h", 0, true},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("parseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
}
