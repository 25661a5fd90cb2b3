package custom

import (
	"context"
	"unicode"
	"unicode/utf8"

	"github.com/guardrail-dev/guardrail/pkg/celexpr"
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Rules returns the custom rules of p, in the order of spec.customRules.
// Each call returns new rules.
func Rules(p *policy.Policy) []*rule.Rule {
	out := make([]*rule.Rule, 0, len(p.CustomRules()))
	for _, c := range p.CustomRules() {
		out = append(out, FromPolicy(p, c))
	}
	return out
}

// FromPolicy returns the rule of one custom rule of p.
func FromPolicy(p *policy.Policy, c *policy.CompiledCustomRule) *rule.Rule {
	s := c.Spec
	clauses := make([]clause.Clause, len(s.Clauses))
	for i, text := range s.Clauses {
		clauses[i] = clause.Clause{ID: text, Policy: p.Name(), Heading: s.Title, Text: text}
	}
	ch := &checker{c: c, what: what(s.Title), message: s.Message}
	if ch.message == "" {
		ch.message = "not met: " + s.Title
	}
	return &rule.Rule{
		ID:          s.ID,
		Title:       s.Title,
		Control:     rule.Control(s.Control),
		Severity:    c.Severity,
		Clauses:     clauses,
		Description: s.Description,
		Remediation: s.Remediation,
		Formats:     c.Formats,
		Types:       c.Types(),
		Check:       ch.check,
		Custom:      true,
		Link:        s.Link,
	}
}

// what words what a rule decides, for undecidable findings: "whether
// buckets name their owner".
func what(title string) string {
	r, n := utf8.DecodeRuneInString(title)
	next, _ := utf8.DecodeRuneInString(title[n:])
	if unicode.IsUpper(r) && !unicode.IsUpper(next) && !unicode.IsDigit(next) {
		title = string(unicode.ToLower(r)) + title[n:]
	}
	return "whether " + title
}

type checker struct {
	c       *policy.CompiledCustomRule
	what    string
	message string
}

func (ch *checker) check(p *rule.Pass, r *resource.Resource) {
	if !ch.c.MatchesType(r.Type) {
		return
	}
	env := p.Env(r)
	if !ch.c.MatchesEnv(env) {
		return
	}
	ctx := p.Index.Context()
	if ctx.Err() != nil {
		return // the engine reports the stopped evaluation
	}
	vars := celexpr.Vars{Resource: r, Env: env}
	res, err := ch.c.Expression.Eval(ctx, vars)
	switch {
	case err != nil:
		if ctx.Err() != nil {
			return
		}
		p.UndecidableBecause(r, ch.c.Path, ch.what, "its CEL expression failed: "+err.Error())
	case !res.Known:
		u := res.Unknowns[0]
		p.Undecidable(r, resource.ValueAt(resource.Unknown(u.Reason), u.Path), ch.what)
	case res.Bool:
		p.Report(r, ch.c.Path, "%s", ch.messageFor(ctx, vars))
	}
}

// messageFor is the finding's message: the message expression's value, or
// the rule's message when it has none or it cannot be evaluated.
func (ch *checker) messageFor(ctx context.Context, vars celexpr.Vars) string {
	if ch.c.Message == nil {
		return ch.message
	}
	res, err := ch.c.Message.Eval(ctx, vars)
	if err != nil || !res.Known || res.String == "" {
		return ch.message
	}
	return res.String
}
