package policy

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

// Environment detectors, in the order Default applies them.
const (
	SourceOverride       = "override"
	SourceLabel          = "label"
	SourceNamespaceLabel = "namespaceLabel"
	SourceNamespace      = "namespace"
	SourceWorkspace      = "workspace"
	SourceAccount        = "account"
	SourcePath           = "path"
	SourceName           = "name"
	SourceDefault        = "default"
)

var knownSources = []string{SourceLabel, SourceNamespaceLabel, SourceNamespace, SourceWorkspace, SourceAccount, SourcePath, SourceName}

// FieldError is a problem with one field of a policy document. Path is the
// field's location in the document (spec.ports.admin[2]); Line is filled in
// when the document was parsed from text.
// +kubebuilder:object:generate=false
type FieldError struct {
	Path    string
	Line    int
	Column  int
	Message string
}

// Error returns the problem as "line N: path: message", or "path: message" without a line.
func (e FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Path, e.Message)
	}
	return e.Path + ": " + e.Message
}

// Error is the list of problems found in a policy document.
// +kubebuilder:object:generate=false
type Error struct {
	// File is the policy file, when the document was read from one.
	File   string
	Fields []FieldError
}

// Error lists every problem, one a line, each at its file:line:column when known.
func (e *Error) Error() string {
	var b strings.Builder
	name := e.File
	if name == "" {
		name = "policy"
	}
	fmt.Fprintf(&b, "%s: invalid policy (%d problem", name, len(e.Fields))
	if len(e.Fields) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(")")
	for _, f := range e.Fields {
		b.WriteString("\n  ")
		if e.File != "" && f.Line > 0 {
			fmt.Fprintf(&b, "%s:%d:%d: %s: %s", e.File, f.Line, max(f.Column, 1), f.Path, f.Message)
		} else {
			b.WriteString(f.Error())
		}
	}
	return b.String()
}

// Env is a compiled environment definition.
// +kubebuilder:object:generate=false
type Env struct {
	Name       string
	Production bool

	names      []string // the name and aliases, lower case
	namespaces []string
	workspaces []string
	accounts   map[string]bool
	paths      []string
	resNames   []string
	cidrs      []netip.Prefix
	domains    []string
}

// CIDRs returns the environment's network ranges.
func (e *Env) CIDRs() []netip.Prefix { return e.cidrs }

// RuleConfig is the effective setting of one rule after the policy's overrides.
// +kubebuilder:object:generate=false
type RuleConfig struct {
	Severity            *Severity
	Mode                Mode
	Environments        []string
	ExcludeEnvironments []string
	InlineWaivers       *bool
	// Key is the rules entry the setting came from ("" for none).
	Key string
}

// AppliesIn reports whether the rule judges resources of environment env.
func (c RuleConfig) AppliesIn(env string) bool {
	if len(c.Environments) > 0 && !slices.Contains(c.Environments, env) {
		return false
	}
	return !slices.Contains(c.ExcludeEnvironments, env)
}

// CompiledWaiver is a policy-file waiver ready to match findings.
// +kubebuilder:object:generate=false
type CompiledWaiver struct {
	Waiver
	// Index is the waiver's position in spec.waivers.entries.
	Index   int
	Expiry  time.Time // zero when none
	problem string
	maxRun  time.Duration
}

// Problem says why the waiver cannot apply (no reason, expired...), or "".
func (w *CompiledWaiver) Problem(now time.Time) string {
	if w.problem != "" {
		return w.problem
	}
	if !w.Expiry.IsZero() && now.After(w.Expiry) {
		return "expired on " + w.Expires
	}
	if w.maxRun > 0 && !w.Expiry.IsZero() && w.Expiry.Sub(now) > w.maxRun+24*time.Hour {
		return "its expiry " + w.Expires + " is further away than the policy's maximum waiver duration"
	}
	return ""
}

// MatchesRule reports whether the waiver names the rule id (or an alias of it).
func (w *CompiledWaiver) MatchesRule(ids ...string) bool {
	for _, pat := range w.Rules {
		for _, id := range ids {
			if globMatch(pat, id) {
				return true
			}
		}
	}
	return false
}

// Matches reports whether the waiver covers a resource with this address,
// environment and file.
func (w *CompiledWaiver) Matches(address, env, file string) bool {
	if len(w.Resources) > 0 && !matchAny(w.Resources, address) {
		return false
	}
	if len(w.Environments) > 0 && !slices.Contains(w.Environments, env) {
		return false
	}
	if len(w.Files) > 0 && !matchPath(w.Files, file) {
		return false
	}
	return true
}

// Policy is a compiled, validated policy. It is immutable and safe for concurrent use.
// +kubebuilder:object:generate=false
type Policy struct {
	doc Document

	envs               []*Env
	byName             map[string]*Env
	precedence         []string
	tagKeys            []string
	namespaceLabelKeys []string
	defaultEnv         string

	adminPorts, dataPorts, plaintextPorts PortSet
	allowedPorts                          map[string]PortSet
	publicCIDRs                           []netip.Prefix
	minTLS                                TLSVersion

	mixes          map[[2]string]bool
	defaultDeny    []string
	ruleExact      map[string]RuleSetting
	ruleGlobs      []string
	undecidableSev *Severity
	undecidableMod Mode

	approvalEnvs  []string
	ticketPattern *regexp.Regexp
	approvalAge   time.Duration
	waivers       []*CompiledWaiver
	maxWaiver     time.Duration
	exemptNS      []string
	custom        []*CompiledCustomRule
}

// Document returns the document the policy was compiled from, with defaults filled in.
func (p *Policy) Document() Document { return p.doc }

// Name returns metadata.name.
func (p *Policy) Name() string { return p.doc.Metadata.Name }

// Environments returns the compiled environments in definition order.
func (p *Policy) Environments() []*Env { return p.envs }

// Env returns the environment with the given name or alias.
func (p *Policy) Env(name string) (*Env, bool) {
	e, ok := p.byName[strings.ToLower(name)]
	return e, ok
}

// IsProduction reports whether the named environment is a production one.
func (p *Policy) IsProduction(env string) bool {
	e, ok := p.Env(env)
	return ok && e.Production
}

// AdminPorts, DataPorts and PlaintextPorts return the configured port sets.
func (p *Policy) AdminPorts() PortSet { return p.adminPorts }

// DataPorts returns the database, cache and broker ports.
func (p *Policy) DataPorts() PortSet { return p.dataPorts }

// PlaintextPorts returns the ports of plaintext protocols.
func (p *Policy) PlaintextPorts() PortSet { return p.plaintextPorts }

// AllowedPorts returns the port allowlist of env, falling back to the "*"
// entry; ok is false when the environment has no allowlist.
func (p *Policy) AllowedPorts(env string) (set PortSet, ok bool) {
	if set, ok = p.allowedPorts[env]; ok {
		return set, true
	}
	set, ok = p.allowedPorts["*"]
	return set, ok
}

// MinTLS returns the lowest TLS version allowed.
func (p *Policy) MinTLS() TLSVersion { return p.minTLS }

// IsPublic reports whether a source range counts as "the world": it covers
// one of the public CIDRs (0.0.0.0/0 and ::/0 by default), or it is wider than
// any legitimate allowlist entry (an IPv4 prefix shorter than /8, an IPv6
// prefix shorter than /16). An IPv4-mapped IPv6 range (::ffff:0.0.0.0/96)
// counts as the IPv4 range it maps.
func (p *Policy) IsPublic(prefix netip.Prefix) bool {
	if !prefix.IsValid() {
		return false
	}
	prefix = canonicalPrefix(prefix)
	if prefix.Addr().Is4() && prefix.Bits() < 8 || prefix.Addr().Is6() && prefix.Bits() < 16 {
		return true
	}
	if prefix.Addr().Is6() && prefix.Bits() <= 96 && prefix.Contains(ipv4Mapped) {
		return true // it holds every IPv4-mapped address: the whole IPv4 internet
	}
	for _, pub := range p.publicCIDRs {
		if pub.Addr().Is4() == prefix.Addr().Is4() && prefix.Bits() <= pub.Bits() && prefix.Contains(pub.Addr()) {
			return true
		}
	}
	return false
}

// ipv4Mapped is the first address of ::ffff:0:0/96, the IPv4-mapped IPv6 addresses.
var ipv4Mapped = netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff})

// canonicalPrefix masks a prefix and turns an IPv4-mapped IPv6 prefix
// (::ffff:10.0.0.0/104) into the IPv4 prefix it maps (10.0.0.0/8).
func canonicalPrefix(p netip.Prefix) netip.Prefix {
	p = p.Masked()
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}

// EnvsOfCIDR returns the environments whose network ranges overlap prefix,
// sorted by name. Public ranges match nothing here: the port rules judge them.
func (p *Policy) EnvsOfCIDR(prefix netip.Prefix) []string {
	if !prefix.IsValid() || p.IsPublic(prefix) {
		return nil
	}
	prefix = canonicalPrefix(prefix)
	var out []string
	for _, e := range p.envs {
		for _, c := range e.cidrs {
			if c.Overlaps(prefix) {
				out = append(out, e.Name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// EnvOfAccount returns the environment owning an AWS account, GCP project or
// Azure subscription ID.
func (p *Policy) EnvOfAccount(id string) (string, bool) {
	for _, e := range p.envs {
		if e.accounts[id] {
			return e.Name, true
		}
	}
	return "", false
}

// EnvOfHost returns the environment whose domain patterns match host.
func (p *Policy) EnvOfHost(host string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, e := range p.envs {
		for _, d := range e.domains {
			if globMatch(d, host) {
				return e.Name, true
			}
		}
	}
	return "", false
}

// HasDomains reports whether any environment defines domain patterns.
func (p *Policy) HasDomains() bool {
	for _, e := range p.envs {
		if len(e.domains) > 0 {
			return true
		}
	}
	return false
}

// EnvOfNamespaceName returns the environment whose namespace patterns match ns.
func (p *Policy) EnvOfNamespaceName(ns string) (string, bool) {
	for _, e := range p.envs {
		if matchAny(e.namespaces, ns) {
			return e.Name, true
		}
	}
	return "", false
}

// EnvOfName returns the environment whose resource name patterns match name.
func (p *Policy) EnvOfName(name string) (string, bool) {
	for _, e := range p.envs {
		if matchAny(e.resNames, name) {
			return e.Name, true
		}
	}
	return "", false
}

// MixAllowed reports whether environments a and b may share a unit and
// reference each other.
func (p *Policy) MixAllowed(a, b string) bool {
	if a == b {
		return true
	}
	if a > b {
		a, b = b, a
	}
	return p.mixes[[2]string{a, b}]
}

// RequiresDefaultDeny reports whether namespaces of env need a default-deny NetworkPolicy.
func (p *Policy) RequiresDefaultDeny(env string) bool { return slices.Contains(p.defaultDeny, env) }

// RequiresApproval reports whether changes in env need approval.
func (p *Policy) RequiresApproval(env string) bool { return slices.Contains(p.approvalEnvs, env) }

// ApprovalEnvironments returns the environments whose changes need approval.
func (p *Policy) ApprovalEnvironments() []string { return p.approvalEnvs }

// TicketPattern returns the compiled change-ticket pattern, anchored at both
// ends so that it matches whole tickets only, or nil.
func (p *Policy) TicketPattern() *regexp.Regexp { return p.ticketPattern }

// ApprovalMaxAge returns the oldest an approval may be; zero means no limit.
func (p *Policy) ApprovalMaxAge() time.Duration { return p.approvalAge }

// ApprovalPrefix returns the annotation/tag prefix of approval metadata.
func (p *Policy) ApprovalPrefix() string { return p.doc.Spec.Approval.AnnotationPrefix }

// Undecidable returns the severity (nil: the rule's own) and mode of
// "cannot be decided statically" findings.
func (p *Policy) Undecidable() (*Severity, Mode) { return p.undecidableSev, p.undecidableMod }

// Rule returns the effective settings of rule id, considering aliases too:
// an entry keyed by an alias applies when no entry names the ID itself.
func (p *Policy) Rule(id string, aliases ...string) RuleConfig {
	for _, key := range append([]string{id}, aliases...) {
		if s, ok := p.ruleExact[key]; ok {
			return toConfig(key, s)
		}
	}
	for _, g := range p.ruleGlobs { // longest first
		if globMatch(g, id) {
			return toConfig(g, p.doc.Spec.Rules[g])
		}
	}
	return RuleConfig{}
}

func toConfig(key string, s RuleSetting) RuleConfig {
	c := RuleConfig{Key: key, Environments: s.Environments, ExcludeEnvironments: s.ExcludeEnvironments, InlineWaivers: s.InlineWaivers}
	if s.Severity != "" {
		sev, _ := ParseSeverity(s.Severity) // validated at compile
		c.Severity = &sev
	}
	if s.Mode != "" {
		c.Mode, _ = ParseMode(s.Mode)
	}
	return c
}

// RuleKeys returns the keys of spec.rules, for checking them against the rule registry.
func (p *Policy) RuleKeys() []string {
	keys := make([]string, 0, len(p.doc.Spec.Rules))
	for k := range p.doc.Spec.Rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Waivers returns the policy-file waivers.
func (p *Policy) Waivers() []*CompiledWaiver { return p.waivers }

// MaxWaiverDuration returns the longest a waiver may run; zero means no limit.
func (p *Policy) MaxWaiverDuration() time.Duration { return p.maxWaiver }

// RequireWaiverExpiry reports whether waivers must carry an expiry date.
func (p *Policy) RequireWaiverExpiry() bool { return p.doc.Spec.Waivers.RequireExpiry }

// InlineWaiverAllowed says whether an inline waiver of rule id (with aliases)
// may apply to a resource in env, considering the rule's own setting; when it
// may not, reason says why.
func (p *Policy) InlineWaiverAllowed(env string, cfg RuleConfig, ids ...string) (ok bool, reason string) {
	in := p.doc.Spec.Waivers.Inline
	switch {
	case in.Disabled:
		return false, "the policy disables inline waivers"
	case env != "" && slices.Contains(in.ForbiddenEnvironments, env):
		return false, "the policy forbids inline waivers in environment " + env
	case cfg.InlineWaivers != nil && !*cfg.InlineWaivers:
		return false, "the policy allows this rule to be waived only in the policy file"
	}
	for _, pat := range in.ForbiddenRules {
		for _, id := range ids {
			if globMatch(pat, id) {
				return false, "the policy forbids inline waivers of " + pat
			}
		}
	}
	return true, ""
}

// ExemptNamespace reports whether the webhook skips namespace ns.
func (p *Policy) ExemptNamespace(ns string) bool { return matchAny(p.exemptNS, ns) }

// globMatch matches a glob where * also crosses '/', for names, IDs and
// addresses: "Deployment*" and "Deployment/*" both match "Deployment/prod/web".
func globMatch(pattern, s string) bool {
	if pattern == s || pattern == "*" {
		return true
	}
	if !strings.ContainsAny(pattern, "*?[{") {
		return false
	}
	if ok, _ := doublestar.Match(pattern, s); ok {
		return true
	}
	if !strings.Contains(s, "/") {
		return false
	}
	// Without separators, doublestar's * runs over what were slashes.
	ok, _ := doublestar.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return ok
}

func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// matchPath matches file against path patterns, trying the path as given and
// every trailing part of it, so "envs/prod/**" matches "repo/envs/prod/main.tf".
func matchPath(patterns []string, file string) bool {
	file = strings.TrimPrefix(strings.ReplaceAll(file, "\\", "/"), "./")
	for {
		for _, p := range patterns {
			if ok, _ := doublestar.Match(p, file); ok {
				return true
			}
		}
		i := strings.IndexByte(file, '/')
		if i < 0 {
			return false
		}
		file = file[i+1:]
	}
}

// maxDays is the most days a duration may hold: time.Duration's range.
const maxDays = int(math.MaxInt64 / int64(24*time.Hour))

// parseDuration accepts Go durations and a number of days ("30d"), neither negative.
func parseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || d[0] == '+' {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		if n > maxDays {
			return 0, fmt.Errorf("%q is longer than %d days", s, maxDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a Go duration (72h) nor a number of days (30d)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return d, nil
}
