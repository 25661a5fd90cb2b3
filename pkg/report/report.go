package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Format names an output format.
type Format string

// The output formats.
const (
	// Text is the report for humans, grouped by file, with source snippets.
	Text Format = "text"
	// JSON is a stable, versioned document for scripts (docs/report-formats.md).
	JSON Format = "json"
	// SARIF is SARIF 2.1.0, as GitHub code scanning and other viewers read it.
	SARIF Format = "sarif"
	// JUnit is JUnit XML for CI test dashboards: a test suite per control.
	JUnit Format = "junit"
	// GitHub is GitHub Actions workflow commands that annotate a pull request.
	GitHub Format = "github"
	// Clauses is a report for auditors, grouped by company policy clause.
	Clauses Format = "clauses"
)

// Formats returns every format, the default (Text) first.
func Formats() []Format {
	return []Format{Text, JSON, SARIF, JUnit, GitHub, Clauses}
}

// ParseFormat parses a format name, in any case.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if strings.EqualFold(strings.TrimSpace(s), string(f)) {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown report format %q: want one of %s", s, strings.Join(names, ", "))
}

// Options tune a report. The zero value is ready to use.
type Options struct {
	// Sources holds file contents by file name, for source snippets in the
	// text format. Nil means no snippets; the report never reads files itself.
	Sources map[string][]byte
	// Color turns on ANSI colour in the text format.
	Color bool
	// ToolVersion is guardrail's version; empty means "dev".
	ToolVersion string
	// ShowWaived lists waived findings in full in the text format; otherwise
	// each takes one line. The summary always counts them.
	ShowWaived bool
	// BaseDir makes file paths relative to this directory in the SARIF, JUnit
	// and GitHub formats, for files inside it.
	BaseDir string
	// MinSeverity is the severity threshold: deny findings at or above it fail
	// the run. The zero value, Info, makes every deny finding fail.
	MinSeverity policy.Severity
}

func (o Options) version() string {
	if o.ToolVersion == "" {
		return "dev"
	}
	return o.ToolVersion
}

// Tool identity, as the SARIF and JSON formats name it.
const (
	toolName = "guardrail"
	toolURI  = "https://github.com/guardrail-dev/guardrail"
)

// Write renders res in format f to w. The report is built in memory and
// written at once, so a failed render writes nothing.
func Write(w io.Writer, res *engine.Result, f Format, opts Options) error {
	if res == nil {
		return errors.New("report: no result")
	}
	var render func(*bytes.Buffer, *engine.Result, Options) error
	switch f {
	case Text:
		render = writeText
	case JSON:
		render = writeJSON
	case SARIF:
		render = writeSARIF
	case JUnit:
		render = writeJUnit
	case GitHub:
		render = writeGitHub
	case Clauses:
		render = writeClauses
	default:
		_, err := ParseFormat(string(f))
		return fmt.Errorf("report: %w", err)
	}
	var buf bytes.Buffer
	if err := render(&buf, res, opts); err != nil {
		return fmt.Errorf("report: %s: %w", f, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// status is what a finding means for the run.
type status int

const (
	failing status = iota // deny, not waived, at or above the threshold
	below                 // deny, not waived, below the threshold
	warned                // warn mode, not waived
	waived                // suppressed by a waiver
)

func statusOf(f *rule.Finding, min policy.Severity) status {
	switch {
	case f.Waiver != nil:
		return waived
	case f.Fails(min):
		return failing
	case f.Mode == policy.Deny:
		return below
	default:
		return warned
	}
}

// modeName is the finding's mode as reports name it: deny, or warn for
// anything else, which is how statusOf and rule.Finding.Fails treat it.
func modeName(f *rule.Finding) string {
	if f.Mode == policy.Deny {
		return string(policy.Deny)
	}
	return string(policy.Warn)
}

// severities from most to least severe, the order reports list them in.
var severities = []policy.Severity{policy.Critical, policy.High, policy.Medium, policy.Low, policy.Info}

// sevIndex maps a severity to an index of a [5]int, clamping unknown values.
func sevIndex(s policy.Severity) int { return int(min(max(s, policy.Info), policy.Critical)) }

// sevName names a severity, clamping unknown values as sevIndex does.
func sevName(s policy.Severity) string { return policy.Severity(sevIndex(s)).String() }

// tally counts what a result holds.
type tally struct {
	deny, warn  [5]int // active findings by mode and severity (index sevIndex)
	failing     int    // findings that fail the run
	below       int    // deny findings under the threshold
	waived      int
	undecidable int // active findings that cannot be decided statically
	errors      int // error diagnostics
	warnings    int // warning diagnostics
	fails       bool
}

func count(res *engine.Result, min policy.Severity) tally {
	var t tally
	for i := range res.Findings {
		f := &res.Findings[i]
		switch statusOf(f, min) {
		case waived:
			t.waived++
			continue
		case failing:
			t.failing++
		case below:
			t.below++
		}
		if f.Mode == policy.Deny {
			t.deny[sevIndex(f.Severity)]++
		} else {
			t.warn[sevIndex(f.Severity)]++
		}
		if f.Undecidable {
			t.undecidable++
		}
	}
	for _, d := range res.Diagnostics {
		if d.Severity == resource.DiagError {
			t.errors++
		} else {
			t.warnings++
		}
	}
	t.fails = t.failing > 0 || res.Diagnostics.HasErrors()
	return t
}

func (t tally) active() int {
	n := 0
	for i := range t.deny {
		n += t.deny[i] + t.warn[i]
	}
	return n
}

// threshold says in words which findings fail the run.
func threshold(min policy.Severity) string {
	if min <= policy.Info {
		return "any severity"
	}
	if min >= policy.Critical {
		return "critical"
	}
	return min.String() + " and above"
}

// ruleInfo is what reports say about a rule: the rules of res.Rules, and for
// findings of rules the catalogue does not hold, what the findings say.
type ruleInfo struct {
	ID          string
	Title       string
	Control     rule.Control
	Severity    policy.Severity
	Clauses     []clause.Clause
	Description string
	Remediation string
	Docs        string
	Peers       rule.Peers
}

// catalogue returns the rules of res.Rules in their order, then one entry
// per rule ID that only findings name, ordered by ID.
func catalogue(res *engine.Result) []ruleInfo {
	out := make([]ruleInfo, 0, len(res.Rules))
	seen := map[string]bool{}
	for _, r := range res.Rules {
		if r == nil || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, ruleInfo{
			ID: r.ID, Title: r.Title, Control: r.Control, Severity: r.Severity,
			Clauses: r.Clauses, Description: r.Description, Remediation: r.Remediation,
			Docs: r.DocsURL(), Peers: r.Peers,
		})
	}
	var extra []ruleInfo
	for _, f := range res.Findings {
		if seen[f.RuleID] {
			continue
		}
		seen[f.RuleID] = true
		cs := make([]clause.Clause, 0, len(f.Clauses))
		for _, id := range f.Clauses {
			c, ok := clause.ByID(id)
			if !ok {
				c = clause.Clause{ID: id}
			}
			cs = append(cs, c)
		}
		extra = append(extra, ruleInfo{
			ID: f.RuleID, Title: f.Title, Control: f.Control, Severity: f.Severity,
			Clauses: cs, Remediation: f.Remediation, Docs: f.Docs,
		})
	}
	slices.SortFunc(extra, func(a, b ruleInfo) int { return strings.Compare(a.ID, b.ID) })
	return append(out, extra...)
}

// fingerprint identifies a finding across runs: the same rule on the same
// attribute of the same resource of the same unit, wherever it moves in the file.
func fingerprint(f *rule.Finding) string {
	h := sha256.New()
	for _, s := range []string{f.RuleID, f.Subject.Unit, f.Subject.Address, f.Path} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// relPath returns path p relative to base with forward slashes, and whether p
// lies inside base. Outside base (or with no base) p is returned as given,
// with forward slashes.
func relPath(p, base string) (string, bool) {
	if p == "" {
		return "", false
	}
	if base == "" {
		return filepath.ToSlash(p), !filepath.IsAbs(p)
	}
	pc, bc := filepath.Clean(p), filepath.Clean(base)
	if filepath.IsAbs(pc) != filepath.IsAbs(bc) {
		var err1, err2 error
		pc, err1 = filepath.Abs(pc)
		bc, err2 = filepath.Abs(bc)
		if err1 != nil || err2 != nil {
			return filepath.ToSlash(p), false
		}
	}
	r, err := filepath.Rel(bc, pc)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(p), false
	}
	return filepath.ToSlash(r), true
}

// displayPath is p relative to BaseDir when inside it, else p as given.
func displayPath(p, base string) string {
	r, _ := relPath(p, base)
	return r
}

// joinSentence appends b to a as a new sentence.
func joinSentence(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasSuffix(a, ".") || strings.HasSuffix(a, "!") || strings.HasSuffix(a, "?"):
		return a + " " + b
	default:
		return a + ". " + b
	}
}

// plural returns "n thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// sortedEnvs returns res.Environments' names sorted, "" (no environment) last.
func sortedEnvs(envs map[string]int) []string {
	names := make([]string, 0, len(envs))
	for k := range envs {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	return names
}

// waiverWho says who waived a finding, for one-line summaries.
func waiverWho(w *rule.AppliedWaiver) string {
	var parts []string
	if w.Owner != "" {
		parts = append(parts, "owner "+w.Owner)
	}
	if len(w.ApprovedBy) > 0 {
		parts = append(parts, "approved by "+strings.Join(w.ApprovedBy, ", "))
	}
	if w.Ticket != "" {
		parts = append(parts, "ticket "+w.Ticket)
	}
	if w.Expires != "" {
		parts = append(parts, "until "+w.Expires)
	} else {
		parts = append(parts, "no expiry")
	}
	return strings.Join(parts, ", ")
}
