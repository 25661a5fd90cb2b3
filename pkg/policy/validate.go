package policy

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/crypto/ssh"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Compile validates a document, fills in defaults and builds the matchers.
// All problems are returned together in an *Error.
func Compile(doc Document) (*Policy, error) {
	c := &compiler{p: &Policy{byName: map[string]*Env{}, allowedPorts: map[string]PortSet{}, mixes: map[[2]string]bool{}}}
	// The policy keeps its own copy: the caller's document is neither changed
	// by the defaults filled in nor able to change the policy afterwards.
	c.p.doc = *doc.DeepCopy()
	c.environments(&c.p.doc.Spec.Environments)
	s := &c.p.doc.Spec
	c.segregation(&s.Segregation)
	c.transit(&s.Transit)
	c.ports(&s.Ports)
	c.approval(&s.Approval)
	c.undecidable(&s.Undecidable)
	c.rules(s.Rules)
	c.customRules(s.CustomRules)
	c.waivers(&s.Waivers)
	c.admission(&s.Admission)
	if len(c.errs) > 0 {
		return nil, &Error{Fields: c.errs}
	}
	return c.p, nil
}

// MustCompile compiles a document known to be valid, such as Default(), and
// panics otherwise.
func MustCompile(doc Document) *Policy {
	p, err := Compile(doc)
	if err != nil {
		panic(err)
	}
	return p
}

// +kubebuilder:object:generate=false
type compiler struct {
	p    *Policy
	errs []FieldError
}

func (c *compiler) errf(path, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *compiler) globs(path string, patterns []string) []string {
	for i, p := range patterns {
		if !doublestar.ValidatePattern(p) {
			c.errf(fmt.Sprintf("%s[%d]", path, i), "invalid pattern %q", p)
		}
	}
	return patterns
}

func (c *compiler) envRef(path, name string) {
	if name == "*" {
		return
	}
	if _, ok := c.p.byName[strings.ToLower(name)]; !ok {
		defined := strings.Join(c.envNames(), ", ")
		if defined == "" {
			defined = "none"
		}
		c.errf(path, "unknown environment %q (defined: %s)", name, defined)
	}
}

func (c *compiler) envRefs(path string, names []string) {
	for i, n := range names {
		c.envRef(fmt.Sprintf("%s[%d]", path, i), n)
	}
}

func (c *compiler) envNames() []string {
	names := make([]string, len(c.p.envs))
	for i, e := range c.p.envs {
		names[i] = e.Name
	}
	return names
}

func (c *compiler) environments(e *Environments) {
	const base = "spec.environments"
	if len(e.TagKeys) == 0 {
		e.TagKeys = slices.Clone(DefaultTagKeys)
	}
	if len(e.NamespaceLabelKeys) == 0 {
		e.NamespaceLabelKeys = slices.Clone(e.TagKeys)
	}
	if len(e.Precedence) == 0 {
		e.Precedence = slices.Clone(DefaultPrecedence)
	}
	for i, s := range e.Precedence {
		if !slices.Contains(knownSources, s) {
			c.errf(fmt.Sprintf("%s.precedence[%d]", base, i), "unknown detector %q (want one of %s)", s, strings.Join(knownSources, ", "))
		}
	}
	c.p.tagKeys, c.p.namespaceLabelKeys, c.p.precedence = e.TagKeys, e.NamespaceLabelKeys, e.Precedence
	if len(e.Definitions) == 0 {
		e.Definitions = Default().Spec.Environments.Definitions
	}
	for i := range e.Definitions {
		d := &e.Definitions[i]
		path := fmt.Sprintf("%s.definitions[%d]", base, i)
		if d.Name == "" {
			c.errf(path+".name", "an environment needs a name")
			continue
		}
		env := &Env{Name: d.Name, Production: d.Production, accounts: map[string]bool{}}
		for j, n := range append([]string{d.Name}, d.Aliases...) {
			key := strings.ToLower(n)
			if other, dup := c.p.byName[key]; dup {
				field := path + ".name"
				if j > 0 {
					field = fmt.Sprintf("%s.aliases[%d]", path, j-1)
				}
				c.errf(field, "%q already names environment %q", n, other.Name)
				continue
			}
			c.p.byName[key] = env
			env.names = append(env.names, key)
		}
		env.namespaces = c.globs(path+".namespaces", d.Namespaces)
		env.workspaces = c.globs(path+".workspaces", d.Workspaces)
		env.paths = c.globs(path+".paths", d.Paths)
		env.resNames = c.globs(path+".names", d.Names)
		env.domains = c.globs(path+".domains", lower(d.Domains))
		for _, group := range [][]string{d.Accounts, d.Projects, d.Subscriptions} {
			for _, a := range group {
				env.accounts[a] = true
			}
		}
		for j, s := range d.CIDRs {
			pfx, err := netip.ParsePrefix(strings.TrimSpace(s))
			if err != nil {
				c.errf(fmt.Sprintf("%s.cidrs[%d]", path, j), "%q is not a CIDR range (10.0.0.0/16)", s)
				continue
			}
			env.cidrs = append(env.cidrs, canonicalPrefix(pfx))
		}
		c.p.envs = append(c.p.envs, env)
	}
	if e.Default != "" {
		c.envRef(base+".default", e.Default)
		if env, ok := c.p.byName[strings.ToLower(e.Default)]; ok {
			c.p.defaultEnv = env.Name
		}
	}
}

func ptr[T any](v T) *T { return &v }

// keyPath is the path of a map entry, its key quoted when it holds dots,
// brackets or other characters a path cannot show bare.
func keyPath(base, key string) string {
	return base + "." + resource.Path{resource.Key(key)}.String()
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func (c *compiler) canonical(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if env, ok := c.p.byName[strings.ToLower(n)]; ok {
			out = append(out, env.Name)
		} else {
			out = append(out, n)
		}
	}
	return out
}

func (c *compiler) productionEnvs() []string {
	var out []string
	for _, e := range c.p.envs {
		if e.Production {
			out = append(out, e.Name)
		}
	}
	return out
}

func (c *compiler) segregation(s *Segregation) {
	for i, group := range s.AllowedMixes {
		if group == nil {
			s.AllowedMixes[i] = []string{} // null and [] read alike; write them alike
		}
		c.envRefs(fmt.Sprintf("spec.segregation.allowedMixes[%d]", i), group)
		g := c.canonical(group)
		for _, a := range g {
			for _, b := range g {
				if a < b {
					c.p.mixes[[2]string{a, b}] = true
				}
			}
		}
	}
	if s.RequireDefaultDeny == nil {
		c.p.defaultDeny = c.productionEnvs()
		s.RequireDefaultDeny = slices.Clone(c.p.defaultDeny)
	} else {
		c.envRefs("spec.segregation.requireDefaultDeny", s.RequireDefaultDeny)
		c.p.defaultDeny = c.canonical(s.RequireDefaultDeny)
	}
}

func (c *compiler) transit(t *Transit) {
	if t.MinTLSVersion == "" {
		t.MinTLSVersion = "1.2"
	}
	v, err := ParseTLSVersion(t.MinTLSVersion)
	if err != nil {
		c.errf("spec.transit.minTLSVersion", "%v", err)
	}
	c.p.minTLS = v
	if len(t.PlaintextPorts) == 0 {
		t.PlaintextPorts = slices.Clone(DefaultPlaintextPorts)
	}
	c.p.plaintextPorts = c.portSet("spec.transit.plaintextPorts", t.PlaintextPorts)
}

func (c *compiler) portSet(path string, specs []string) PortSet {
	set := make(PortSet, 0, len(specs))
	for i, s := range specs {
		r, err := ParsePortRange(s)
		if err != nil {
			c.errf(fmt.Sprintf("%s[%d]", path, i), "%v", err)
			continue
		}
		set = append(set, r)
	}
	return set
}

func (c *compiler) ports(p *Ports) {
	if len(p.Admin) == 0 {
		p.Admin = slices.Clone(DefaultAdminPorts)
	}
	if len(p.Data) == 0 {
		p.Data = slices.Clone(DefaultDataPorts)
	}
	if len(p.PublicCIDRs) == 0 {
		p.PublicCIDRs = slices.Clone(DefaultPublicCIDRs)
	}
	c.p.adminPorts = c.portSet("spec.ports.admin", p.Admin)
	c.p.dataPorts = c.portSet("spec.ports.data", p.Data)
	keys := make([]string, 0, len(p.Allowed))
	for k := range p.Allowed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[string]string{}
	for _, env := range keys {
		path := keyPath("spec.ports.allowed", env)
		c.envRef(path, env)
		name := env
		if e, ok := c.p.byName[strings.ToLower(env)]; ok {
			name = e.Name
		}
		if p.Allowed[env] == nil {
			p.Allowed[env] = []string{} // null and [] read alike; write them alike
		}
		if other, dup := seen[name]; dup {
			c.errf(path, "environment %s already has an entry (%s)", name, other)
			continue
		}
		seen[name] = env
		c.p.allowedPorts[name] = c.portSet(path, p.Allowed[env])
	}
	for i, s := range p.PublicCIDRs {
		pfx, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			c.errf(fmt.Sprintf("spec.ports.publicCIDRs[%d]", i), "%q is not a CIDR range (0.0.0.0/0)", s)
			continue
		}
		c.p.publicCIDRs = append(c.p.publicCIDRs, canonicalPrefix(pfx))
	}
}

func (c *compiler) approval(a *Approval) {
	const base = "spec.approval"
	if a.Environments == nil {
		a.Environments = c.productionEnvs()
	}
	c.envRefs(base+".environments", a.Environments)
	c.p.approvalEnvs = c.canonical(a.Environments)
	if a.Approvers == 0 {
		a.Approvers = 1
	}
	if a.Approvers < 0 {
		c.errf(base+".approvers", "must be at least 1")
	}
	if a.AnnotationPrefix == "" {
		a.AnnotationPrefix = "guardrail.dev/"
	}
	if a.BreakGlass.RequireReason == nil {
		a.BreakGlass.RequireReason = ptr(true)
	}
	if a.TicketPattern != "" {
		// The whole ticket must match: "CHG-[0-9]+" does not pass "see CHG-1 or not".
		if _, err := regexp.Compile(a.TicketPattern); err != nil {
			c.errf(base+".ticketPattern", "invalid regular expression: %v", err)
		} else {
			c.p.ticketPattern = regexp.MustCompile(`^(?:` + a.TicketPattern + `)$`)
		}
	}
	if a.MaxAge != "" {
		d, err := parseDuration(a.MaxAge)
		if err != nil {
			c.errf(base+".maxAge", "%v", err)
		}
		c.p.approvalAge = d
	}
	switch a.ScaleOnly {
	case "":
		a.ScaleOnly = "exempt"
	case "exempt", "require":
	default:
		c.errf(base+".scaleOnly", "got %q, want exempt or require", a.ScaleOnly)
	}
	for i, s := range a.AllowedSigners {
		path := fmt.Sprintf("%s.allowedSigners[%d]", base, i)
		if s.Identity == "" {
			c.errf(path+".identity", "a signer needs an identity")
		}
		if len(s.Keys) == 0 {
			c.errf(path+".keys", "a signer needs at least one SSH public key")
		}
		for j, k := range s.Keys {
			if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k)); err != nil {
				c.errf(fmt.Sprintf("%s.keys[%d]", path, j), "not an SSH public key in authorized_keys form (ssh-ed25519 AAAA... comment): %v", err)
			}
		}
		c.envRefs(path+".environments", s.Environments)
		c.globs(path+".namespaces", s.Namespaces)
	}
}

func (c *compiler) undecidable(u *Undecidable) {
	if u.Severity == "" {
		u.Severity = "medium"
	}
	if u.Mode == "" {
		u.Mode = string(Warn)
	}
	if u.Severity != "inherit" {
		sev, err := ParseSeverity(u.Severity)
		if err != nil {
			c.errf("spec.undecidable.severity", "%v (or inherit)", err)
		}
		c.p.undecidableSev = &sev
	}
	m, err := ParseMode(u.Mode)
	if err != nil {
		c.errf("spec.undecidable.mode", "%v", err)
	}
	c.p.undecidableMod = m
}

func (c *compiler) rules(rules map[string]RuleSetting) {
	c.p.ruleExact = map[string]RuleSetting{}
	own := make(map[string]RuleSetting, len(rules))
	c.p.doc.Spec.Rules = own
	keys := make([]string, 0, len(rules))
	for key := range rules {
		keys = append(keys, key)
	}
	sort.Strings(keys) // problems in a stable order
	for _, key := range keys {
		s := rules[key]
		path := keyPath("spec.rules", key)
		if s.Severity != "" {
			if _, err := ParseSeverity(s.Severity); err != nil {
				c.errf(path+".severity", "%v", err)
			}
		}
		if s.Mode != "" {
			if _, err := ParseMode(s.Mode); err != nil {
				c.errf(path+".mode", "%v", err)
			}
		}
		c.envRefs(path+".environments", s.Environments)
		c.envRefs(path+".excludeEnvironments", s.ExcludeEnvironments)
		s.Environments, s.ExcludeEnvironments = c.canonical(s.Environments), c.canonical(s.ExcludeEnvironments)
		own[key] = s
		if strings.ContainsAny(key, "*?[{") {
			if !doublestar.ValidatePattern(key) {
				c.errf(path, "invalid pattern %q", key)
			}
			c.p.ruleGlobs = append(c.p.ruleGlobs, key)
		} else {
			c.p.ruleExact[key] = s
		}
	}
	sort.Slice(c.p.ruleGlobs, func(i, j int) bool {
		a, b := c.p.ruleGlobs[i], c.p.ruleGlobs[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
}

func (c *compiler) waivers(w *Waivers) {
	const base = "spec.waivers"
	c.envRefs(base+".inline.forbiddenEnvironments", w.Inline.ForbiddenEnvironments)
	w.Inline.ForbiddenEnvironments = c.canonical(w.Inline.ForbiddenEnvironments)
	c.globs(base+".inline.forbiddenRules", w.Inline.ForbiddenRules)
	if w.MaxDuration != "" {
		d, err := parseDuration(w.MaxDuration)
		if err != nil {
			c.errf(base+".maxDuration", "%v", err)
		}
		c.p.maxWaiver = d
	}
	for i, e := range w.Entries {
		path := fmt.Sprintf("%s.entries[%d]", base, i)
		cw := &CompiledWaiver{Waiver: e, Index: i, maxRun: c.p.maxWaiver}
		if len(e.Rules) == 0 {
			c.errf(path+".rules", "a waiver names at least one rule")
		}
		c.globs(path+".rules", e.Rules)
		c.globs(path+".resources", e.Resources)
		c.globs(path+".files", e.Files)
		c.envRefs(path+".environments", e.Environments)
		cw.Environments = c.canonical(e.Environments)
		if strings.TrimSpace(e.Reason) == "" {
			cw.problem = "it has no reason"
		}
		if e.Expires != "" {
			t, err := time.Parse(time.DateOnly, e.Expires)
			if err != nil {
				c.errf(path+".expires", "%q is not a date (YYYY-MM-DD)", e.Expires)
			}
			// The waiver applies through the whole of its last day, in UTC.
			cw.Expiry = t.Add(24*time.Hour - time.Nanosecond)
		} else if w.RequireExpiry && cw.problem == "" {
			cw.problem = "it has no expiry date and the policy requires one"
		}
		c.p.waivers = append(c.p.waivers, cw)
	}
}

func (c *compiler) admission(a *Admission) {
	if a.ExemptNamespaces == nil {
		a.ExemptNamespaces = slices.Clone(DefaultExemptNamespaces)
	}
	c.globs("spec.admission.exemptNamespaces", a.ExemptNamespaces)
	c.p.exemptNS = a.ExemptNamespaces
	if a.ClusterEnvironment != "" {
		c.envRef("spec.admission.clusterEnvironment", a.ClusterEnvironment)
	}
	switch a.FailurePolicy {
	case "":
		a.FailurePolicy = "Fail"
	case "Fail", "Ignore":
	default:
		c.errf("spec.admission.failurePolicy", "got %q, want Fail or Ignore", a.FailurePolicy)
	}
	if a.TimeoutSeconds == 0 {
		a.TimeoutSeconds = 3
	}
	if a.TimeoutSeconds < 1 || a.TimeoutSeconds > 30 {
		c.errf("spec.admission.timeoutSeconds", "must be between 1 and 30 (the API server's limit)")
	}
}
