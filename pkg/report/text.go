package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// ANSI styles of the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiBRed   = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBlue   = "\x1b[34m"
	ansiGreen  = "\x1b[32m"
)

// textWriter renders the text format.
type textWriter struct {
	b    *bytes.Buffer
	opts Options
}

func (t *textWriter) style(code, s string) string {
	if !t.opts.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *textWriter) printf(format string, args ...any) { fmt.Fprintf(t.b, format, args...) }

func sevStyle(s policy.Severity) string {
	switch s {
	case policy.Critical:
		return ansiBRed
	case policy.High:
		return ansiRed
	case policy.Medium:
		return ansiYellow
	case policy.Low:
		return ansiCyan
	default:
		return ansiBlue
	}
}

func writeText(b *bytes.Buffer, res *engine.Result, opts Options) error {
	t := &textWriter{b: b, opts: opts}
	active := res.Active()
	if len(active) == 0 {
		t.printf("No findings.\n\n")
	}
	file, first := "", true
	for i := range active {
		f := &active[i]
		if first || f.Location.File != file {
			file, first = f.Location.File, false
			t.printf("%s\n", t.style(ansiBold, fileHeading(file)))
		}
		t.finding(f)
	}

	if ws := res.Waived(); len(ws) > 0 {
		t.printf("%s\n", t.style(ansiBold, fmt.Sprintf("Waived (%d)", len(ws))))
		for i := range ws {
			f := &ws[i]
			if opts.ShowWaived {
				t.finding(f)
				continue
			}
			t.printf("  %s %s: %s\n", f.RuleID, f.Subject.Address, waiverLine(f.Waiver, ""))
		}
		if !opts.ShowWaived {
			t.printf("\n")
		}
	}

	if len(res.Diagnostics) > 0 {
		t.printf("%s\n", t.style(ansiBold, fmt.Sprintf("Diagnostics (%d)", len(res.Diagnostics))))
		for _, d := range res.Diagnostics {
			label := t.style(ansiRed, "error")
			if d.Severity == resource.DiagWarning {
				label = t.style(ansiYellow, "warning")
			}
			t.printf("  %s: %s\n", label, d.Error())
		}
		t.printf("\n")
	}

	t.summary(res)
	return nil
}

func fileHeading(file string) string {
	if file == "" {
		return "(no file)"
	}
	return file
}

// finding renders one finding in full.
func (t *textWriter) finding(f *rule.Finding) {
	st := statusOf(f, t.opts.MinSeverity)
	var tags []string
	switch st {
	case below:
		tags = append(tags, "below the "+t.opts.MinSeverity.String()+" threshold, does not fail")
	case warned:
		tags = append(tags, t.style(ansiYellow, "warning")+": warn mode, does not fail")
	case waived:
		tags = append(tags, "waived")
	}
	if f.Undecidable {
		tags = append(tags, "cannot be decided statically")
	}
	head := fmt.Sprintf("  %s %s %s", t.style(sevStyle(f.Severity), strings.ToUpper(f.Severity.String())), t.style(ansiBold, f.RuleID), f.Title)
	for _, tag := range tags {
		head += " [" + tag + "]"
	}
	t.printf("%s\n", head)
	t.printf("    at %s\n", f.Location.String())
	subj := f.Subject.Address
	if subj == "" {
		subj = "(input)"
	}
	line := "    resource " + subj
	if f.Path != "" {
		line += ", attribute " + f.Path
	}
	if f.Subject.Env != "" {
		line += ", environment " + f.Subject.Env
		if f.Subject.EnvSource != "" {
			line += " (by " + f.Subject.EnvSource + ")"
		}
	} else {
		line += ", no environment"
	}
	t.printf("%s\n", line)
	for _, l := range strings.Split(strings.TrimRight(f.Message, "\n"), "\n") {
		t.printf("    %s\n", l)
	}
	t.snippet(f.Location)
	if f.Waiver != nil {
		t.printf("    Waived: %s\n", waiverLine(f.Waiver, ""))
	}
	if f.Remediation != "" {
		t.printf("    Remediation: %s\n", f.Remediation)
	}
	if f.Docs != "" {
		t.printf("    Docs: %s\n", f.Docs)
	}
	t.printf("\n")
}

// waiverLine says in one line how, by whom, why and until when a finding was waived.
//
// The waiver's file is shown relative to base when inside it.
func waiverLine(w *rule.AppliedWaiver, base string) string {
	how := "waived by the policy file"
	if w.Source == "inline" {
		how = "waived inline"
	}
	if w.Location.File != "" {
		loc := w.Location
		loc.File = displayPath(loc.File, base)
		how += " at " + loc.String()
	}
	if w.Alias != "" {
		how += " as " + w.Alias
	}
	reason := w.Reason
	if reason == "" {
		reason = "no reason given"
	}
	return fmt.Sprintf("%s (%s): %s", how, waiverWho(w), reason)
}

// snippet prints the finding's line with one line of context either side
// and a caret under the column, when the source is at hand.
func (t *textWriter) snippet(loc resource.Location) {
	src, ok := t.opts.Sources[loc.File]
	if !ok || loc.Line <= 0 {
		return
	}
	lines := strings.Split(string(src), "\n")
	if loc.Line > len(lines) || (loc.Line == len(lines) && lines[loc.Line-1] == "") {
		return
	}
	from, to := max(loc.Line-1, 1), min(loc.Line+1, len(lines))
	if to == len(lines) && lines[to-1] == "" && to > loc.Line {
		to-- // the empty string after a final newline is no line
	}
	width := len(strconv.Itoa(to))
	gutter := strings.Repeat(" ", width)
	t.printf("\n")
	for n := from; n <= to; n++ {
		text := printable(strings.TrimRight(lines[n-1], "\r"))
		num := fmt.Sprintf("%*d", width, n)
		if n == loc.Line {
			text, col := window(text, loc.Column)
			t.printf("    %s %s %s\n", t.style(ansiBold, num), t.style(ansiDim, "|"), text)
			if col > 0 {
				t.printf("    %s %s %s%s\n", gutter, t.style(ansiDim, "|"), caretPad(text, col), t.style(ansiRed, "^"))
			}
			continue
		}
		text, _ = window(text, 0)
		t.printf("    %s %s %s\n", t.style(ansiDim, num), t.style(ansiDim, "|"), t.style(ansiDim, text))
	}
	t.printf("\n")
}

// maxSnippetWidth bounds the characters of a snippet line shown: a long
// line (minified JSON, an annotation holding a document) is shown around
// the column.
const maxSnippetWidth = 160

// window returns the part of line shown in a snippet, marked with "…" where
// it is cut, and col (1-based, 0 for none) moved to match.
func window(line string, col int) (string, int) {
	runes := []rune(line)
	if len(runes) <= maxSnippetWidth {
		return line, col
	}
	start := 0
	if col > maxSnippetWidth-20 {
		start = col - 1 - maxSnippetWidth/2
	}
	end := min(start+maxSnippetWidth, len(runes))
	out := string(runes[start:end])
	if start > 0 {
		out = "…" + out
		col = col - start + 1
	}
	if end < len(runes) {
		out += "…"
	}
	return out, col
}

// caretPad returns the blanks that put a caret under 1-based column col of
// line (just past its end when col is beyond it), keeping the line's tabs so
// the caret lines up however tabs render.
func caretPad(line string, col int) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		if n >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	return b.String()
}

// printable replaces control characters other than tab, so a source file
// cannot send escape sequences to the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func (t *textWriter) summary(res *engine.Result) {
	c := count(res, t.opts.MinSeverity)
	title := "Summary"
	if res.Policy != "" {
		title += " (policy " + res.Policy + ")"
	}
	t.printf("%s\n", t.style(ansiBold, title))

	t.printf("  %-8s", "")
	for _, s := range severities {
		t.printf(" %8s", s.String())
	}
	t.printf("\n")
	for _, row := range []struct {
		name   string
		counts [5]int
	}{{"deny", c.deny}, {"warn", c.warn}} {
		t.printf("  %-8s", row.name)
		for _, s := range severities {
			t.printf(" %8d", row.counts[sevIndex(s)])
		}
		t.printf("\n")
	}
	t.printf("  waived: %d\n", c.waived)
	if c.undecidable > 0 {
		t.printf("  cannot be decided statically: %d\n", c.undecidable)
	}

	envs := sortedEnvs(res.Environments)
	placed := make([]string, 0, len(envs))
	for _, e := range envs {
		name := e
		if name == "" {
			name = "no environment"
		}
		placed = append(placed, fmt.Sprintf("%s %d", name, res.Environments[e]))
	}
	line := "  resources judged: " + strconv.Itoa(res.Resources)
	if len(placed) > 0 {
		line += " (" + strings.Join(placed, ", ") + ")"
	}
	t.printf("%s\n", line)
	if c.errors+c.warnings > 0 {
		t.printf("  diagnostics: %s, %s\n", plural(c.errors, "error"), plural(c.warnings, "warning"))
	}

	verdict := "fails at " + threshold(t.opts.MinSeverity)
	if !c.fails {
		t.printf("  result: %s (%s)\n", t.style(ansiGreen, "pass"), verdict)
		return
	}
	var why []string
	if c.failing > 0 {
		why = append(why, plural(c.failing, "finding")+" at "+threshold(t.opts.MinSeverity))
	}
	if c.errors > 0 {
		why = append(why, plural(c.errors, "input error"))
	}
	t.printf("  result: %s (%s): %s\n", t.style(ansiBRed, "FAIL"), verdict, strings.Join(why, ", "))
}
