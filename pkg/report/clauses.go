package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// wrapWidth is the width the clauses report wraps quoted policy text to.
const wrapWidth = 80

func writeClauses(b *bytes.Buffer, res *engine.Result, opts Options) error {
	cat := catalogue(res)
	byRule := map[string]ruleInfo{}
	clauses := map[string]clause.Clause{}
	enforcers := map[string][]ruleInfo{}
	for _, r := range cat {
		byRule[r.ID] = r
		for _, c := range r.Clauses {
			if _, ok := clauses[c.ID]; !ok {
				clauses[c.ID] = c
			}
			enforcers[c.ID] = append(enforcers[c.ID], r)
		}
	}
	under := map[string][]*rule.Finding{}
	for i := range res.Findings {
		f := &res.Findings[i]
		ids := f.Clauses
		if len(ids) == 0 {
			for _, c := range byRule[f.RuleID].Clauses {
				ids = append(ids, c.ID)
			}
		}
		for _, id := range ids {
			if _, ok := clauses[id]; !ok {
				c, known := clause.ByID(id)
				if !known {
					c = clause.Clause{ID: id}
				}
				clauses[id] = c
			}
			if !slices.Contains(under[id], f) {
				under[id] = append(under[id], f)
			}
		}
	}
	ids := make([]string, 0, len(clauses))
	for id := range clauses {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	c := count(res, opts.MinSeverity)
	withFindings := 0
	for _, id := range ids {
		if len(under[id]) > 0 {
			withFindings++
		}
	}
	fmt.Fprintf(b, "Guardrail findings by company policy clause\n")
	if res.Policy != "" {
		fmt.Fprintf(b, "Guardrail policy: %s\n", res.Policy)
	}
	fmt.Fprintf(b, "Tool: %s %s\n", toolName, opts.version())
	fmt.Fprintf(b, "Threshold: a deny finding fails the run at %s\n", threshold(opts.MinSeverity))
	fmt.Fprintf(b, "Resources judged: %d\n", res.Resources)
	fmt.Fprintf(b, "Clauses: %d cited by %s; %d with findings\n", len(ids), plural(len(cat), "rule"), withFindings)
	fmt.Fprintf(b, "Findings: %d failing, %d not failing, %d waived\n", c.failing, c.active()-c.failing, c.waived)
	if c.errors > 0 {
		fmt.Fprintf(b, "Incomplete: %s; the inputs concerned were not judged (see the end of this report)\n", plural(c.errors, "input error"))
	}

	for _, id := range ids {
		cl := clauses[id]
		b.WriteString("\n" + strings.Repeat("=", wrapWidth) + "\n")
		fmt.Fprintf(b, "%s\n", cl.ID)
		if cl.Policy != "" {
			fmt.Fprintf(b, "Policy:  %s", cl.Policy)
			if cl.Source != "" {
				fmt.Fprintf(b, " (%s)", cl.Source)
			}
			b.WriteString("\n")
		}
		if cl.Heading != "" {
			fmt.Fprintf(b, "Heading: %s\n", cl.Heading)
		}
		if cl.Translation != "" {
			b.WriteString("\nClause (English translation):\n")
			b.WriteString(wrap(quote(cl.Translation), "  ", wrapWidth))
			b.WriteString("\nClause (original):\n")
			b.WriteString(wrap(quote(cl.Text), "  ", wrapWidth))
		} else if cl.Text != "" {
			b.WriteString("\nClause:\n")
			b.WriteString(wrap(quote(cl.Text), "  ", wrapWidth))
		}

		b.WriteString("\nEnforced by:\n")
		if len(enforcers[id]) == 0 {
			b.WriteString("  (no rule in this run's catalogue)\n")
		}
		for _, r := range enforcers[id] {
			about := r.Severity.String()
			if r.Control != "" {
				about = string(r.Control) + ", " + about
			}
			fmt.Fprintf(b, "  %s %s (%s)\n", r.ID, r.Title, about)
		}

		fs := under[id]
		if len(fs) == 0 {
			b.WriteString("\nFindings: no findings\n")
			continue
		}
		fmt.Fprintf(b, "\nFindings (%d):\n", len(fs))
		for _, f := range fs {
			clauseFinding(b, f, opts)
		}
	}

	if len(res.Diagnostics) > 0 {
		b.WriteString("\n" + strings.Repeat("=", wrapWidth) + "\n")
		fmt.Fprintf(b, "Input problems (%d)\n", len(res.Diagnostics))
		for _, d := range res.Diagnostics {
			fmt.Fprintf(b, "  %s: %s\n", d.Severity, d.Error())
		}
	}
	return nil
}

func clauseFinding(b *bytes.Buffer, f *rule.Finding, opts Options) {
	var state string
	switch statusOf(f, opts.MinSeverity) {
	case failing:
		state = "FAILS"
	case below:
		state = "below threshold"
	case warned:
		state = "warning"
	case waived:
		state = "waived"
	}
	if f.Undecidable {
		state += ", cannot be decided statically"
	}
	subject := f.Subject.Address
	if subject == "" {
		subject = "(input)"
	}
	env := f.Subject.Env
	if env == "" {
		env = "no environment"
	}
	fmt.Fprintf(b, "  - [%s] %s %s %s in %s\n", state, f.Severity, f.RuleID, subject, env)
	fmt.Fprintf(b, "    at %s\n", f.Location.String())
	if strings.TrimSpace(f.Message) != "" {
		b.WriteString(wrap(f.Message, "    ", wrapWidth))
	}
	if f.Waiver != nil {
		b.WriteString(wrap("Waiver: "+waiverLine(f.Waiver, ""), "    ", wrapWidth))
	}
}

func quote(s string) string { return "\u201c" + s + "\u201d" }

// wrap breaks s into lines of at most width characters (long words stay
// whole), each starting with indent and ending with a newline.
func wrap(s, indent string, width int) string {
	var b strings.Builder
	for _, para := range strings.Split(s, "\n") {
		line := indent
		empty := true
		for _, w := range strings.Fields(para) {
			if !empty && len([]rune(line))+1+len([]rune(w)) > width {
				b.WriteString(line + "\n")
				line, empty = indent, true
			}
			if !empty {
				line += " "
			}
			line += w
			empty = false
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
