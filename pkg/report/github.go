package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// GitHub Actions workflow commands:
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions

var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// ghCommand writes one workflow command: ::cmd k=v,k=v::message.
func ghCommand(b *bytes.Buffer, cmd string, loc resource.Location, title, msg string) {
	b.WriteString("::")
	b.WriteString(cmd)
	sep := " "
	prop := func(k, v string) {
		b.WriteString(sep)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(ghProperty.Replace(v))
		sep = ","
	}
	if loc.File != "" {
		prop("file", loc.File)
		if loc.Line > 0 {
			prop("line", strconv.Itoa(loc.Line))
			if loc.Column > 0 {
				prop("col", strconv.Itoa(loc.Column))
			}
		}
	}
	if title != "" {
		prop("title", title)
	}
	b.WriteString("::")
	b.WriteString(ghData.Replace(msg))
	b.WriteByte('\n')
}

// ghLevel: error for findings that fail the run, notice for waived findings
// and for those that cannot be decided statically (unless they fail the run),
// warning for the rest (warn mode, or below the threshold).
func ghLevel(f *rule.Finding, st status) string {
	switch {
	case st == failing:
		return "error"
	case st == waived || f.Undecidable:
		return "notice"
	default:
		return "warning"
	}
}

func writeGitHub(b *bytes.Buffer, res *engine.Result, opts Options) error {
	for i := range res.Findings {
		f := &res.Findings[i]
		st := statusOf(f, opts.MinSeverity)
		loc := f.Location
		loc.File = displayPath(loc.File, opts.BaseDir)

		title := f.RuleID + " " + f.Title
		switch st {
		case waived:
			title += " (waived)"
		case warned:
			title += " (warn mode)"
		case below:
			title += " (below threshold)"
		}
		if f.Undecidable {
			title += " (cannot be decided statically)"
		}
		msg := f.Message
		if f.Subject.Address != "" && !strings.Contains(msg, f.Subject.Address) {
			msg = f.Subject.Address + ": " + msg
		}
		if st == waived {
			msg = joinSentence(msg, "Waived "+strings.TrimPrefix(waiverLine(f.Waiver, opts.BaseDir), "waived "))
		} else {
			msg = joinSentence(msg, f.Remediation)
		}
		ghCommand(b, ghLevel(f, st), loc, title, msg)
	}
	for _, d := range res.Diagnostics {
		loc := d.Location
		loc.File = displayPath(loc.File, opts.BaseDir)
		cmd := "error"
		if d.Severity == resource.DiagWarning {
			cmd = "warning"
		}
		msg := d.Detail
		if msg == "" {
			msg = d.Summary
		}
		ghCommand(b, cmd, loc, d.Summary, msg)
	}

	c := count(res, opts.MinSeverity)
	verdict := "pass"
	if c.fails {
		verdict = "FAIL"
	}
	fmt.Fprintf(b, "guardrail: %s (fails at %s): %d failing, %d not failing, %d waived findings; %s, %s; %s judged\n",
		verdict, threshold(opts.MinSeverity), c.failing, c.active()-c.failing, c.waived,
		plural(c.errors, "input error"), plural(c.warnings, "input warning"), plural(res.Resources, "resource"))
	return nil
}
