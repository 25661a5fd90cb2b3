package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// goldenExt is the golden file extension of each format.
var goldenExt = map[Format]string{
	Text: "txt", JSON: "json", SARIF: "sarif", JUnit: "xml", GitHub: "github", Clauses: "clauses",
}

type fixture struct {
	name string
	res  func(testing.TB) *engine.Result
	opts Options
}

func fixtures() []fixture {
	return []fixture{
		{"empty", func(testing.TB) *engine.Result { return emptyResult() }, emptyOptions()},
		{"rich", richResult, richOptions()},
	}
}

func render(t testing.TB, res *engine.Result, f Format, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, res, f, opts); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures() {
		for _, f := range Formats() {
			name := fx.name + "." + goldenExt[f] + ".golden"
			t.Run(name, func(t *testing.T) {
				got := render(t, fx.res(t), f, fx.opts)
				path := filepath.Join("testdata", name)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./pkg/report -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the golden file; run go test ./pkg/report -update and review the diff\n--- got\n%s", name, got)
				}
				// The same input renders the same bytes every time.
				if again := render(t, fx.res(t), f, fx.opts); !bytes.Equal(got, again) {
					t.Errorf("%s: output is not deterministic", name)
				}
			})
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"text", Text, false},
		{"JSON", JSON, false},
		{" sarif ", SARIF, false},
		{"junit", JUnit, false},
		{"github", GitHub, false},
		{"Clauses", Clauses, false},
		{"", "", true},
		{"xml", "", true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "text, json, sarif, junit, github, clauses") {
			t.Errorf("ParseFormat(%q) error %q does not list the formats", tt.in, err)
		}
	}
	for _, f := range Formats() {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, emptyResult(), "yaml", Options{}); err == nil {
		t.Error("Write accepted an unknown format")
	}
	if err := Write(&buf, nil, Text, Options{}); err == nil {
		t.Error("Write accepted a nil result")
	}
	if buf.Len() != 0 {
		t.Errorf("a failed Write wrote %q", buf.String())
	}
	wantErr := errors.New("disk full")
	if err := Write(failWriter{wantErr}, emptyResult(), JSON, Options{}); !errors.Is(err, wantErr) {
		t.Errorf("Write to a failing writer = %v, want %v", err, wantErr)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

// TestNilSourcesAndOutsideBaseDir renders a result whose paths lie outside
// BaseDir, or are relative, or missing, with no sources, in every format.
func TestNilSourcesAndOutsideBaseDir(t *testing.T) {
	res := &engine.Result{
		Policy: "p",
		Findings: []rule.Finding{
			newFinding(t, "GR-PORT-001", at("", 0, 0), message("no file at all")),
			newFinding(t, "GR-PORT-001", at("../up/main.tf", 3, 2), message("relative, outside the base"),
				subject(rule.Subject{Address: "aws_security_group.up"})),
			newFinding(t, "GR-PORT-001", at("/elsewhere/main.tf", 5, 1), message("absolute, outside the base"),
				subject(rule.Subject{Address: "aws_security_group.out"})),
			newFinding(t, "GR-PORT-001", at("/src/repo/in side/main.tf", 7, 1), message("inside the base"),
				subject(rule.Subject{Address: "aws_security_group.in"})),
		},
		Diagnostics: resource.Diagnostics{resource.ErrorAt(resource.Location{File: "/elsewhere/bad.tf", Line: 1}, "bad", "")},
	}
	opts := Options{BaseDir: "/src/repo"}
	out := map[Format]string{}
	for _, f := range Formats() {
		out[f] = string(render(t, res, f, opts))
	}

	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
			Results            []struct {
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out[SARIF]), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got := run.OriginalURIBaseIDs[srcRoot].URI; got != "file:///src/repo/" {
		t.Errorf("%%SRCROOT%% = %q, want file:///src/repo/", got)
	}
	if locs := run.Results[0].Locations; len(locs) != 0 {
		t.Errorf("a finding without file or resource has locations: %+v", locs)
	}
	up, _ := filepath.Abs("../up/main.tf")
	wantURIs := []sarifArtifactLocation{
		{URI: fileURI(up, false)},
		{URI: "file:///elsewhere/main.tf"},
		{URI: "in%20side/main.tf", URIBaseID: srcRoot},
	}
	for i, want := range wantURIs {
		pl := run.Results[i+1].Locations[0].PhysicalLocation
		if pl == nil || pl.ArtifactLocation != want {
			t.Errorf("result %d artifact location = %+v, want %+v", i+1, pl, want)
		}
	}
	validateSARIF(t, []byte(out[SARIF]))
	validateJSON(t, []byte(out[JSON]))

	for _, want := range []string{"file=/elsewhere/main.tf,line=5,col=1", "file=in side/main.tf,line=7", "file=../up/main.tf,line=3,col=2", "file=/elsewhere/bad.tf,line=1"} {
		if !strings.Contains(out[GitHub], want) {
			t.Errorf("github output lacks %q:\n%s", want, out[GitHub])
		}
	}
	for _, want := range []string{`classname="/elsewhere/main.tf"`, `classname="in side/main.tf"`, `classname="inputs"`} {
		if !strings.Contains(out[JUnit], want) {
			t.Errorf("junit output lacks %q:\n%s", want, out[JUnit])
		}
	}
	if !strings.Contains(out[Text], "(no file)") || strings.Contains(out[Text], " | ") {
		t.Errorf("text output: want a (no file) group and no snippet:\n%s", out[Text])
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct {
		p, base, want string
		inside        bool
	}{
		{"main.tf", "", "main.tf", true},
		{"/abs/main.tf", "", "/abs/main.tf", false},
		{"/src/repo/a/b.tf", "/src/repo", "a/b.tf", true},
		{"/src/repo/a/b.tf", "/src/repo/", "a/b.tf", true},
		{"/src/repository/b.tf", "/src/repo", "/src/repository/b.tf", false},
		{"/src/other/b.tf", "/src/repo", "/src/other/b.tf", false},
		{"a/../b.tf", ".", "b.tf", true},
		{"../x.tf", ".", "../x.tf", false},
		{"..foo/x.tf", ".", "..foo/x.tf", true},
	}
	for _, tt := range tests {
		got, inside := relPath(tt.p, tt.base)
		if got != tt.want || inside != tt.inside {
			t.Errorf("relPath(%q, %q) = %q, %v; want %q, %v", tt.p, tt.base, got, inside, tt.want, tt.inside)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	f := newFinding(t, "GR-PORT-001",
		at("dir,with:odd/100%.tf", 4, 2),
		subject(rule.Subject{Address: "aws_security_group.x"}),
		message("100% open:\r\nport 22, 3389"))
	f.Title = "Ports, all: open"
	f.Remediation = "Close them."
	res := &engine.Result{Findings: []rule.Finding{f}}
	got := string(render(t, res, GitHub, Options{}))
	want := "::error file=dir%2Cwith%3Aodd/100%25.tf,line=4,col=2,title=GR-PORT-001 Ports%2C all%3A open::" +
		"aws_security_group.x: 100%25 open:%0D%0Aport 22, 3389. Close them.\n"
	line := strings.SplitAfter(got, "\n")[0]
	if line != want {
		t.Errorf("github line\n got %q\nwant %q", line, want)
	}
	if n := strings.Count(got, "\n"); n != 2 {
		t.Errorf("want one annotation and a summary, got %d lines:\n%s", n, got)
	}

	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"%", "%25", "%25"},
		{"a\nb\r", "a%0Ab%0D", "a%0Ab%0D"},
		{"k: v, w", "k: v, w", "k%3A v%2C w"},
		{"%0A", "%250A", "%250A"},
	}
	for _, tt := range tests {
		if got := ghData.Replace(tt.in); got != tt.data {
			t.Errorf("data %q = %q, want %q", tt.in, got, tt.data)
		}
		if got := ghProperty.Replace(tt.in); got != tt.prop {
			t.Errorf("property %q = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestGitHubLevels(t *testing.T) {
	waivedF := newFinding(t, "GR-PORT-001", at("a.tf", 1, 1), message("m"))
	waivedF.Waiver = &rule.AppliedWaiver{Source: "inline", Reason: "r"}
	undecidableDeny := newFinding(t, "GR-PORT-001", at("a.tf", 1, 1), message("m"))
	undecidableDeny.Undecidable = true
	undecidableWarn := undecidableDeny
	undecidableWarn.Mode = policy.Warn
	warnF := newFinding(t, "GR-PORT-001", at("a.tf", 1, 1), message("m"))
	warnF.Mode = policy.Warn
	low := newFinding(t, "GR-PORT-007", at("a.tf", 1, 1), message("m"))
	tests := []struct {
		name string
		f    rule.Finding
		want string
	}{
		{"failing", newFinding(t, "GR-PORT-001", at("a.tf", 1, 1), message("m")), "::error "},
		{"below threshold", low, "::warning "},
		{"warn mode", warnF, "::warning "},
		{"waived", waivedF, "::notice "},
		{"undecidable, warn", undecidableWarn, "::notice "},
		{"undecidable, failing", undecidableDeny, "::error "},
	}
	for _, tt := range tests {
		res := &engine.Result{Findings: []rule.Finding{tt.f}}
		got := string(render(t, res, GitHub, Options{MinSeverity: policy.High}))
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: got %q, want prefix %q", tt.name, got, tt.want)
		}
	}
}

func TestJUnitEscaping(t *testing.T) {
	msg := "a <b> & \"c\" 'd' ]]> \x1b[31m\x00 end\nline two"
	f := newFinding(t, "GR-PORT-001", at("x&y.tf", 1, 1), message(msg),
		subject(rule.Subject{Address: `aws_security_group.x["<&>"]`}))
	f.Remediation = "Use </failure> carefully & well."
	res := &engine.Result{Findings: []rule.Finding{f},
		Diagnostics: resource.Diagnostics{resource.ErrorAt(resource.Location{File: "<in>.tf"}, "bad & <worse>", "detail \"quoted\"")}}
	out := render(t, res, JUnit, Options{})

	var doc junitSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, out)
	}
	// Walk every token too: the decoder rejects what Unmarshal might skip.
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("invalid XML: %v\n%s", err, out)
		}
	}
	var tc *junitCase
	for i := range doc.Suites {
		for j := range doc.Suites[i].Cases {
			if c := &doc.Suites[i].Cases[j]; c.Failure != nil {
				tc = c
			}
		}
	}
	if tc == nil {
		t.Fatalf("no failing test case:\n%s", out)
	}
	wantMsg := strings.NewReplacer("\x1b", "\uFFFD", "\x00", "\uFFFD").Replace(msg)
	if tc.Failure.Message != wantMsg {
		t.Errorf("failure message = %q, want %q", tc.Failure.Message, wantMsg)
	}
	if tc.Name != `GR-PORT-001 aws_security_group.x["<&>"]` || tc.Classname != "x&y.tf" {
		t.Errorf("test case name, classname = %q, %q", tc.Name, tc.Classname)
	}
	if !strings.Contains(tc.Failure.Body, wantMsg) {
		t.Errorf("failure body = %q, want it to hold the message %q", tc.Failure.Body, wantMsg)
	}
	if !strings.Contains(tc.Failure.Body, "Use </failure> carefully & well.") {
		t.Errorf("failure body lost the remediation: %q", tc.Failure.Body)
	}
	if doc.Errors != 1 || doc.Failures != 1 {
		t.Errorf("errors, failures = %d, %d; want 1, 1", doc.Errors, doc.Failures)
	}
}

func TestJUnitCounts(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal(render(t, richResult(t), JUnit, richOptions()), &doc); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range doc.Suites {
		f, e, sk := 0, 0, 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s counts tests=%d failures=%d errors=%d skipped=%d; cases say %d %d %d %d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		total += s.Tests
	}
	if doc.Tests != total {
		t.Errorf("testsuites tests = %d, want %d", doc.Tests, total)
	}
	// Every rule appears, as findings or as one passing coverage case, and
	// every diagnostic in the inputs suite.
	res := richResult(t)
	withFindings := map[string]bool{}
	for _, f := range res.Findings {
		withFindings[f.RuleID] = true
	}
	if want := len(res.Rules) - len(withFindings) + len(res.Findings) + len(res.Diagnostics); total != want {
		t.Errorf("%d test cases, want %d", total, want)
	}
}

func TestTextColorAndShowWaived(t *testing.T) {
	res, opts := richResult(t), richOptions()
	plain := string(render(t, res, Text, opts))
	if strings.Contains(plain, "\x1b") {
		t.Error("text without Color has escape sequences")
	}
	opts.Color = true
	colored := string(render(t, res, Text, opts))
	for _, want := range []string{"\x1b[1;31mCRITICAL\x1b[0m", "\x1b[33mwarning\x1b[0m", "\x1b[1;31mFAIL\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured text lacks %q", want)
		}
	}
	opts.Color, opts.ShowWaived = false, true
	full := string(render(t, res, Text, opts))
	for _, want := range []string{"Remediation: " + res.Findings[2].Remediation, "Waived: waived inline at"} {
		if !strings.Contains(full[strings.Index(full, "Waived (2)"):], want) {
			t.Errorf("ShowWaived output lacks %q in the waived section", want)
		}
	}
}

func TestSnippet(t *testing.T) {
	src := "first\n\tsecond line\nthird\n"
	tests := []struct {
		name string
		loc  resource.Location
		want string
	}{
		{"middle, tab kept under caret", resource.Location{File: "f", Line: 2, Column: 3},
			"\n    1 | first\n    2 | \tsecond line\n      | \t ^\n    3 | third\n\n"},
		{"first line", resource.Location{File: "f", Line: 1, Column: 1},
			"\n    1 | first\n      | ^\n    2 | \tsecond line\n\n"},
		{"last line, no column", resource.Location{File: "f", Line: 3},
			"\n    2 | \tsecond line\n    3 | third\n\n"},
		{"past the end", resource.Location{File: "f", Line: 4}, ""},
		{"unknown line", resource.Location{File: "f"}, ""},
		{"unknown file", resource.Location{File: "g", Line: 1}, ""},
		{"column past the line", resource.Location{File: "f", Line: 1, Column: 40},
			"\n    1 | first\n      |      ^\n    2 | \tsecond line\n\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		tw := &textWriter{b: &b, opts: Options{Sources: map[string][]byte{"f": []byte(src)}}}
		tw.snippet(tt.loc)
		if b.String() != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, b.String(), tt.want)
		}
	}
	var b bytes.Buffer
	(&textWriter{b: &b, opts: Options{Sources: map[string][]byte{"f": []byte("a\x1b[2Jb\n")}}}).snippet(resource.Location{File: "f", Line: 1})
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("snippet passes escape sequences through: %q", b.String())
	}
}

func TestCamelCase(t *testing.T) {
	tests := map[string]string{
		"Administration ports are not open to the world":                "AdministrationPortsAreNotOpenToTheWorld",
		"Database, cache and broker ports are not open to the world":    "DatabaseCacheAndBrokerPortsAreNotOpenToTheWorld",
		"Traffic rules do not admit another environment's networks":     "TrafficRulesDoNotAdmitAnotherEnvironmentsNetworks",
		"Resources do not use another environment's resources, Secrets": "ResourcesDoNotUseAnotherEnvironmentsResourcesSecrets",
	}
	for in, want := range tests {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFingerprintStable(t *testing.T) {
	a := newFinding(t, "GR-PORT-001", at("a.tf", 1, 1), subject(rule.Subject{Address: "x", Unit: "u"}), message("one"))
	b := a
	b.Location.Line, b.Message = 40, "two" // moved and reworded: same finding
	if fingerprint(&a) != fingerprint(&b) {
		t.Error("fingerprint changes when a finding moves")
	}
	c := a
	c.Path = "ingress[1]"
	if fingerprint(&a) == fingerprint(&c) {
		t.Error("fingerprint ignores the attribute path")
	}
	if got := fingerprint(&a); len(strings.Trim(got, "0123456789abcdef")) != 0 || len(got) != 32 {
		t.Errorf("fingerprint %q is not 32 hex digits", got)
	}
}

func TestSummaryThreshold(t *testing.T) {
	tests := []struct {
		min  policy.Severity
		want string
	}{
		{policy.Info, "fails at any severity"},
		{policy.Medium, "fails at medium and above"},
		{policy.High, "fails at high and above"},
		{policy.Critical, "fails at critical"},
	}
	for _, tt := range tests {
		out := string(render(t, richResult(t), Text, Options{MinSeverity: tt.min}))
		if !strings.Contains(out, tt.want) {
			t.Errorf("threshold %s: summary lacks %q", tt.min, tt.want)
		}
	}
	// An input error fails the run even with no failing finding.
	res := emptyResult()
	res.Diagnostics = resource.Diagnostics{resource.ErrorAt(resource.Location{File: "a.tf"}, "bad", "")}
	if out := string(render(t, res, Text, Options{})); !strings.Contains(out, "result: FAIL (fails at any severity): 1 input error") {
		t.Errorf("input error does not fail the run:\n%s", out)
	}
}
