// Package lintmsg words the failures of guardrailtest and its Gomega
// matchers alike: the CLI's text report, and why a finding is absent.
package lintmsg

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/report"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Text renders res as the CLI's text report, keeping only the findings keep
// accepts (nil keeps all). The summary counts what is kept.
func Text(res *guardrail.Result, keep func(rule.Finding) bool) string {
	er := res.Result
	if keep != nil {
		cp := *er
		cp.Findings = nil
		for _, f := range er.Findings {
			if keep(f) {
				cp.Findings = append(cp.Findings, f)
			}
		}
		er = &cp
	}
	var b bytes.Buffer
	opts := report.Options{Sources: res.Sources, MinSeverity: res.Threshold}
	if err := report.Write(&b, er, report.Text, opts); err != nil {
		return fmt.Sprintf("(the report could not be rendered: %v)", err)
	}
	return b.String()
}

// Findings returns the findings of rule ruleID in res that are neither
// waived nor undecidable.
func Findings(res *guardrail.Result, ruleID string) []rule.Finding {
	var out []rule.Finding
	for _, f := range res.Findings {
		if f.RuleID == ruleID && f.Waiver == nil && !f.Undecidable {
			out = append(out, f)
		}
	}
	return out
}

// Reported returns the findings of rule ruleID in res that are not waived,
// undecidable ones included.
func Reported(res *guardrail.Result, ruleID string) func(rule.Finding) bool {
	return func(f rule.Finding) bool { return f.RuleID == ruleID && f.Waiver == nil }
}

// WhyNone explains, in parentheses after a space, an absent finding of
// ruleID that res nearly has: waived, undecidable, or no such rule.
func WhyNone(res *guardrail.Result, ruleID string) string {
	var waived, undecidable int
	for _, f := range res.Findings {
		switch {
		case f.RuleID != ruleID:
		case f.Waiver != nil:
			waived++
		case f.Undecidable:
			undecidable++
		}
	}
	var parts []string
	if waived > 0 {
		parts = append(parts, fmt.Sprintf("%d waived", waived))
	}
	if undecidable > 0 {
		parts = append(parts, fmt.Sprintf("%d that cannot be decided statically", undecidable))
	}
	known := false
	for _, r := range res.Rules {
		known = known || r.ID == ruleID
	}
	if !known {
		parts = append(parts, "no rule has that ID")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// Inputs names the inputs in a message.
func Inputs(paths []string) string {
	switch len(paths) {
	case 0:
		return "the inputs"
	case 1:
		return paths[0]
	}
	return strings.Join(paths, ", ")
}
