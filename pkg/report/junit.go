package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// The JUnit XML subset CI dashboards (Jenkins, GitLab, Azure Pipelines,
// test-reporter actions) read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitText is element content written as CDATA, so a dashboard shows its
// lines as they are; encoding/xml splits any "]]>" in it.
type junitText struct {
	Text string `xml:",cdata"`
}

func cdata(s string) *junitText { return &junitText{Text: xmlSafe(s)} }

// xmlSafe replaces the characters XML 1.0 cannot hold (most control
// characters, invalid UTF-8) with U+FFFD. encoding/xml does this for
// attributes and escaped text, but not for CDATA.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// rulesClass is the classname of the test cases that stand for rules
// without findings, and inputsSuite the suite of input errors.
const (
	rulesClass  = "guardrail.rules"
	inputsSuite = "inputs"
)

func writeJUnit(b *bytes.Buffer, res *engine.Result, opts Options) error {
	cat := catalogue(res)
	suites := map[rule.Control]*junitSuite{}
	suite := func(c rule.Control) *junitSuite {
		s, ok := suites[c]
		if !ok {
			s = &junitSuite{Name: string(c)}
			suites[c] = s
		}
		return s
	}
	for _, r := range cat {
		suite(r.Control)
	}

	reported := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		reported[f.RuleID] = true
		s := suite(f.Control)
		file := displayPath(f.Location.File, opts.BaseDir)
		tc := junitCase{Name: f.RuleID + " " + f.Subject.Address, Classname: file}
		if f.Subject.Address == "" {
			tc.Name = f.RuleID
		}
		if tc.Classname == "" {
			tc.Classname = inputsSuite
		}
		switch statusOf(f, opts.MinSeverity) {
		case failing:
			tc.Failure = &junitProblem{Message: f.Message, Type: f.Severity.String(), Body: xmlSafe(junitBody(f, opts))}
			s.Failures++
		case waived:
			reason := f.Waiver.Reason
			if reason == "" {
				reason = "no reason given"
			}
			tc.Skipped = &junitSkipped{Message: "waived: " + reason}
			tc.SystemOut = cdata(junitBody(f, opts) + "\n" + waiverLine(f.Waiver, opts.BaseDir) + "\n")
			s.Skipped++
		case below:
			tc.SystemOut = cdata(fmt.Sprintf("%s finding below the %s threshold, does not fail:\n%s", f.Severity, opts.MinSeverity, junitBody(f, opts)))
		case warned:
			tc.SystemOut = cdata(fmt.Sprintf("%s finding in warn mode, does not fail:\n%s", f.Severity, junitBody(f, opts)))
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
	}

	// One passing case per rule without findings, so dashboards show coverage.
	for _, r := range cat {
		if reported[r.ID] {
			continue
		}
		s := suite(r.Control)
		s.Cases = append(s.Cases, junitCase{Name: r.ID + " " + r.Title, Classname: rulesClass})
		s.Tests++
	}

	controls := make([]rule.Control, 0, len(suites))
	for c := range suites {
		controls = append(controls, c)
	}
	slices.Sort(controls)
	doc := junitSuites{Name: toolName}
	for _, c := range controls {
		doc.Suites = append(doc.Suites, *suites[c])
	}

	if len(res.Diagnostics) > 0 {
		in := junitSuite{Name: inputsSuite}
		for _, d := range res.Diagnostics {
			file := displayPath(d.Location.File, opts.BaseDir)
			loc := d.Location
			loc.File = file
			tc := junitCase{Name: loc.String() + " " + d.Summary, Classname: file}
			if file == "" {
				tc.Name, tc.Classname = d.Summary, inputsSuite
			}
			body := loc.String() + ": " + d.Summary
			if d.Detail != "" {
				body += "\n" + d.Detail
			}
			if d.Severity == resource.DiagError {
				tc.Error = &junitProblem{Message: d.Summary, Type: "error", Body: xmlSafe(body + "\n")}
				in.Errors++
			} else {
				tc.SystemOut = cdata("warning: " + body + "\n")
			}
			in.Cases = append(in.Cases, tc)
			in.Tests++
		}
		doc.Suites = append(doc.Suites, in)
	}

	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}

	b.WriteString(xml.Header)
	enc := xml.NewEncoder(b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	b.WriteString("\n")
	return nil
}

// junitBody is the text of a finding's test case: where, what and how to fix it.
func junitBody(f *rule.Finding, opts Options) string {
	loc := f.Location
	loc.File = displayPath(loc.File, opts.BaseDir)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s\n", loc.String(), f.RuleID, f.Title)
	if f.Subject.Address != "" {
		fmt.Fprintf(&b, "Resource: %s", f.Subject.Address)
		if f.Subject.Env != "" {
			fmt.Fprintf(&b, " (environment %s)", f.Subject.Env)
		}
		b.WriteString("\n")
	}
	if f.Undecidable && !strings.Contains(strings.ToLower(f.Message), "cannot be decided statically") {
		b.WriteString("Cannot be decided statically.\n")
	}
	fmt.Fprintf(&b, "%s\n", f.Message)
	if f.Remediation != "" {
		fmt.Fprintf(&b, "Remediation: %s\n", f.Remediation)
	}
	if f.Docs != "" {
		fmt.Fprintf(&b, "Docs: %s\n", f.Docs)
	}
	return b.String()
}
