package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/guardrail-dev/guardrail/pkg/celexpr"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// MaxCustomRules bounds the custom rules of one policy, since the admission
// webhook evaluates every one of them on each request.
const MaxCustomRules = 256

// DefaultCustomControl is the control of a custom rule that names none.
const DefaultCustomControl = "custom"

var customIDRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// ValidateCustomRuleID checks the ID of a rule written outside guardrail (in
// a policy file or in Go): upper-case words and digits joined by hyphens, at
// most 64 characters, not starting GR-, which is guardrail's own prefix.
func ValidateCustomRuleID(id string) error {
	switch {
	case id == "":
		return errors.New("a custom rule needs an ID such as ACME-001")
	case strings.HasPrefix(id, "GR-"):
		return fmt.Errorf("ID %q starts with GR-, the prefix of guardrail's own rules; use a prefix of your own (ACME-001)", id)
	case len(id) > 64 || !customIDRE.MatchString(id):
		return fmt.Errorf("ID %q is not upper-case words and digits joined by hyphens (ACME-001, ACME-NET-004)", id)
	}
	return nil
}

// The formats a custom rule may match (spec.customRules[].match.formats).
var customFormats = map[string][]resource.Format{
	"terraform":        {resource.FormatTerraform, resource.FormatPlan},
	"terraform-source": {resource.FormatTerraform},
	"terraform-plan":   {resource.FormatPlan},
	"kubernetes":       {resource.FormatKubernetes},
}

// CompiledCustomRule is a custom rule ready to run: its expressions compiled
// and its match resolved.
// +kubebuilder:object:generate=false
type CompiledCustomRule struct {
	// Spec is the rule as written, with defaults filled in.
	Spec CustomRule
	// Index is the rule's position in spec.customRules.
	Index int
	// Severity is the rule's default severity.
	Severity Severity
	// Formats are the formats the rule judges; nil means all.
	Formats []resource.Format
	// Path is the attribute findings point at; nil means the resource.
	Path resource.Path
	// Expression is the rule's expression, true when a resource breaks it.
	Expression *celexpr.Program
	// Message is the message expression; nil when the rule has none.
	Message *celexpr.Program

	types []string // exact types
	globs []string // type patterns
	envs  []string // canonical environment names
}

// Types returns the exact resource types the rule matches, or nil when it
// matches every type or some by pattern (see MatchesType).
func (c *CompiledCustomRule) Types() []string {
	if len(c.globs) > 0 {
		return nil
	}
	return c.types
}

// MatchesType reports whether the rule judges resources of type typ.
func (c *CompiledCustomRule) MatchesType(typ string) bool {
	if len(c.types) == 0 && len(c.globs) == 0 {
		return true
	}
	return slices.Contains(c.types, typ) || matchAny(c.globs, typ)
}

// MatchesEnv reports whether the rule judges resources of environment env.
func (c *CompiledCustomRule) MatchesEnv(env string) bool {
	return len(c.envs) == 0 || slices.Contains(c.envs, env)
}

// CustomRules returns the policy's custom rules in the order of spec.customRules.
func (p *Policy) CustomRules() []*CompiledCustomRule { return p.custom }

func (c *compiler) customRules(rules []CustomRule) {
	const base = "spec.customRules"
	if len(rules) > MaxCustomRules {
		c.errf(base, "%d custom rules; a policy may hold at most %d", len(rules), MaxCustomRules)
		return
	}
	seen := map[string]int{}
	for i := range rules {
		// The policy's copy of the document holds the rule with its defaults.
		r := &rules[i]
		path := fmt.Sprintf("%s[%d]", base, i)
		cr := &CompiledCustomRule{Index: i}
		if err := ValidateCustomRuleID(r.ID); err != nil {
			c.errf(path+".id", "%v", err)
		} else if j, dup := seen[r.ID]; dup {
			c.errf(path+".id", "%s is also the ID of spec.customRules[%d]", r.ID, j)
		} else {
			seen[r.ID] = i
		}
		if strings.TrimSpace(r.Title) == "" {
			c.errf(path+".title", "a custom rule needs a title saying what it wants")
		}
		if strings.TrimSpace(r.Remediation) == "" {
			c.errf(path+".remediation", "a custom rule says how to fix its findings")
		}
		if len(r.Clauses) == 0 {
			c.errf(path+".clauses", "a custom rule cites at least one clause of your security policy")
		}
		for j, cl := range r.Clauses {
			if strings.TrimSpace(cl) == "" {
				c.errf(fmt.Sprintf("%s.clauses[%d]", path, j), "an empty clause")
			}
		}
		if r.Severity == "" {
			r.Severity = Medium.String()
		}
		sev, err := ParseSeverity(r.Severity)
		if err != nil {
			c.errf(path+".severity", "%v", err)
		}
		cr.Severity = sev
		if r.Control == "" {
			r.Control = DefaultCustomControl
		}
		if r.Description == "" {
			r.Description = r.Title
		}
		for j, f := range r.Match.Formats {
			fs, ok := customFormats[f]
			if !ok {
				c.errf(fmt.Sprintf("%s.match.formats[%d]", path, j), "unknown format %q (want terraform, terraform-source, terraform-plan or kubernetes)", f)
			}
			for _, rf := range fs {
				if !slices.Contains(cr.Formats, rf) {
					cr.Formats = append(cr.Formats, rf)
				}
			}
		}
		for j, t := range r.Match.Types {
			switch {
			case !strings.ContainsAny(t, "*?[{"):
				cr.types = append(cr.types, t)
			case !doublestar.ValidatePattern(t):
				c.errf(fmt.Sprintf("%s.match.types[%d]", path, j), "invalid pattern %q", t)
			default:
				cr.globs = append(cr.globs, t)
			}
		}
		c.envRefs(path+".match.environments", r.Match.Environments)
		if len(r.Match.Environments) > 0 {
			r.Match.Environments = c.canonical(r.Match.Environments)
			cr.envs = r.Match.Environments
		}
		if r.Path != "" {
			p, err := resource.ParsePath(r.Path)
			if err != nil {
				c.errf(path+".path", "%v", err)
			}
			cr.Path = p
		}
		if r.Expression == "" {
			c.errf(path+".expression", "a custom rule needs a CEL expression, true when a resource breaks the rule")
		} else if prg, err := celexpr.Compile(r.Expression); err != nil {
			c.errf(path+".expression", "%s", celProblem(err))
		} else {
			cr.Expression = prg
		}
		if r.MessageExpression != "" {
			prg, err := celexpr.CompileMessage(r.MessageExpression)
			if err != nil {
				c.errf(path+".messageExpression", "%s", celProblem(err))
			}
			cr.Message = prg
		}
		cr.Spec = *r
		c.p.custom = append(c.p.custom, cr)
	}
}

// celProblem words a CEL compile error for a policy problem; positions in
// it are line:column within the expression.
func celProblem(err error) string {
	return "the CEL expression does not compile: " + err.Error()
}
