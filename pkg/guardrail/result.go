package guardrail

import (
	"bytes"
	"io"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/report"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Result is an evaluation's outcome (engine.Result: findings, diagnostics,
// the rules run, where each resource was placed) with what rendering and
// judging it needs: the inputs' text, for source snippets, and the
// severity threshold.
type Result struct {
	*engine.Result
	// Sources maps file names to their contents, for report snippets.
	Sources map[string][]byte
	// Threshold is the lowest severity of a deny finding that fails.
	Threshold policy.Severity
}

// Failed reports whether the evaluation fails, as the CLI exits non-zero:
// a finding fails at the threshold, or an input could not be read.
func (r *Result) Failed() bool { return r.Fails(r.Threshold) }

// Failing returns the findings that fail at the threshold: deny, not
// waived, at or above it.
func (r *Result) Failing() []rule.Finding {
	var out []rule.Finding
	for _, f := range r.Findings {
		if f.Fails(r.Threshold) {
			out = append(out, f)
		}
	}
	return out
}

// Write renders the result in format f (report.Text, report.JSON,
// report.SARIF...), with source snippets and the threshold.
func (r *Result) Write(w io.Writer, f report.Format) error {
	return report.Write(w, r.Result, f, report.Options{Sources: r.Sources, MinSeverity: r.Threshold})
}

// String renders the result as the CLI's text report.
func (r *Result) String() string {
	var b bytes.Buffer
	if err := r.Write(&b, report.Text); err != nil {
		return err.Error()
	}
	return b.String()
}
