package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// The SARIF 2.1.0 subset guardrail writes. Field names follow the
// specification; see https://docs.oasis-open.org/sarif/sarif/v2.1.0/.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
	language     = "en-US" // of messages and rule text
	// fingerprintKey names guardrail's partial fingerprint; the version
	// changes if the hash's inputs ever do.
	fingerprintKey = "guardrail/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Language           string                           `json:"language"`
	NewlineSequences   []string                         `json:"newlineSequences"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string            `json:"name"`
	Version        string            `json:"version"`
	InformationURI string            `json:"informationUri"`
	Language       string            `json:"language"`
	Rules          []sarifDescriptor `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifDescriptor struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name,omitempty"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      *sarifText        `json:"fullDescription,omitempty"`
	Help                 *sarifText        `json:"help,omitempty"`
	HelpURI              string            `json:"helpUri,omitempty"`
	DefaultConfiguration sarifDefaultLevel `json:"defaultConfiguration"`
	Properties           sarifRuleProps    `json:"properties"`
}

type sarifDefaultLevel struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Severity         string   `json:"severity"`
	Control          string   `json:"control"`
	Clauses          []string `json:"clauses"`
	Peers            []string `json:"peers"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Severity     string   `json:"severity"`
	Mode         string   `json:"mode"`
	Environment  string   `json:"environment,omitempty"`
	ResourceType string   `json:"resourceType,omitempty"`
	Undecidable  bool     `json:"undecidable"`
	Path         string   `json:"path,omitempty"`
	Document     int      `json:"document,omitempty"`
	Clauses      []string `json:"clauses"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string               `json:"kind"`
	Status        string               `json:"status"`
	Justification string               `json:"justification"`
	Location      *sarifLocation       `json:"location,omitempty"`
	Properties    sarifSuppressionProp `json:"properties"`
}

type sarifSuppressionProp struct {
	Source     string   `json:"source"`
	Owner      string   `json:"owner,omitempty"`
	Ticket     string   `json:"ticket,omitempty"`
	Expires    string   `json:"expires,omitempty"`
	Alias      string   `json:"alias,omitempty"`
	ApprovedBy []string `json:"approvedBy,omitempty"`
}

// securitySeverity is the CVSS-like score GitHub code scanning ranks alerts by.
func securitySeverity(s policy.Severity) string {
	switch s {
	case policy.Critical:
		return "9.5"
	case policy.High:
		return "8.0"
	case policy.Medium:
		return "5.5"
	case policy.Low:
		return "3.0"
	default:
		return "0.0"
	}
}

// denyLevel is the SARIF level of a deny finding of severity s.
func denyLevel(s policy.Severity) string {
	switch {
	case s >= policy.High:
		return "error"
	case s >= policy.Low:
		return "warning"
	default:
		return "note"
	}
}

// sarifLevel: deny findings by severity; warn-mode findings never above
// warning; findings that cannot be decided statically are notes.
func sarifLevel(f *rule.Finding) string {
	switch {
	case f.Undecidable:
		return "note"
	case f.Mode == policy.Deny:
		return denyLevel(f.Severity)
	case f.Severity >= policy.Low:
		return "warning"
	default:
		return "note"
	}
}

// camelCase turns a rule title into a SARIF rule name: "Pods do not use the
// host network" becomes "PodsDoNotUseTheHostNetwork".
func camelCase(title string) string {
	title = strings.NewReplacer("'", "", "\u2019", "").Replace(title)
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	return b.String()
}

// sarifPaths turns file paths into SARIF artifact locations.
type sarifPaths struct{ base string }

func (p sarifPaths) artifact(file string) sarifArtifactLocation {
	rel, inside := relPath(file, p.base)
	if inside || (p.base == "" && !filepath.IsAbs(file)) {
		return sarifArtifactLocation{URI: (&url.URL{Path: rel}).String(), URIBaseID: srcRoot}
	}
	abs := file
	if !filepath.IsAbs(abs) {
		if a, err := filepath.Abs(abs); err == nil {
			abs = a
		}
	}
	return sarifArtifactLocation{URI: fileURI(abs, false)}
}

// fileURI makes a file:// URI of an absolute path, with a trailing slash for a directory.
func fileURI(abs string, dir bool) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	if dir && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

func (p sarifPaths) location(l resource.Location, address string) *sarifLocation {
	loc := &sarifLocation{}
	if l.File != "" {
		phys := &sarifPhysical{ArtifactLocation: p.artifact(l.File)}
		if l.Line > 0 {
			r := &sarifRegion{StartLine: l.Line}
			if l.Column > 0 {
				r.StartColumn = l.Column
			}
			if l.EndLine >= l.Line {
				r.EndLine = l.EndLine
				if l.EndColumn > 0 && (l.EndLine > l.Line || l.EndColumn > l.Column) {
					r.EndColumn = l.EndColumn
				}
			}
			phys.Region = r
		}
		loc.PhysicalLocation = phys
	}
	if address != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: address, Kind: "resource"}}
	}
	if loc.PhysicalLocation == nil && loc.LogicalLocations == nil {
		return nil
	}
	return loc
}

func writeSARIF(b *bytes.Buffer, res *engine.Result, opts Options) error {
	paths := sarifPaths{base: opts.BaseDir}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: toolName, Version: opts.version(), InformationURI: toolURI, Language: language,
			Rules: []sarifDescriptor{},
		}},
		Language:         language,
		NewlineSequences: []string{"\r\n", "\n"}, // SARIF's default, stated
		ColumnKind:       "unicodeCodePoints",
		Results:          []sarifResult{},
	}
	if opts.BaseDir != "" {
		abs, err := filepath.Abs(opts.BaseDir)
		if err != nil {
			return fmt.Errorf("base directory: %w", err)
		}
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{srcRoot: {URI: fileURI(abs, true)}}
	}

	index := map[string]int{}
	for i, r := range catalogue(res) {
		index[r.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, descriptor(r))
	}

	for i := range res.Findings {
		f := &res.Findings[i]
		r := sarifResult{
			RuleID:              f.RuleID,
			RuleIndex:           index[f.RuleID],
			Level:               sarifLevel(f),
			Message:             sarifText{Text: resultMessage(f)},
			Locations:           []sarifLocation{},
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
			Properties: sarifResultProps{
				Severity: sevName(f.Severity), Mode: modeName(f),
				Environment: f.Subject.Env, ResourceType: f.Subject.Type, Undecidable: f.Undecidable,
				Path: f.Path, Document: max(f.Location.Document, 0), Clauses: append([]string{}, f.Clauses...),
			},
		}
		if loc := paths.location(f.Location, f.Subject.Address); loc != nil {
			r.Locations = append(r.Locations, *loc)
		}
		if w := f.Waiver; w != nil {
			kind := "external"
			if w.Source == "inline" {
				kind = "inSource"
			}
			reason := w.Reason
			if reason == "" {
				reason = "waived"
			}
			r.Suppressions = []sarifSuppression{{
				Kind: kind, Status: "accepted", Justification: reason,
				Location: paths.location(w.Location, ""),
				Properties: sarifSuppressionProp{
					Source: w.Source, Owner: w.Owner, Ticket: w.Ticket, Expires: w.Expires,
					Alias: w.Alias, ApprovedBy: w.ApprovedBy,
				},
			}}
		}
		run.Results = append(run.Results, r)
	}

	inv := sarifInvocation{ExecutionSuccessful: !res.Diagnostics.HasErrors(), ToolExecutionNotifications: []sarifNotification{}}
	for _, d := range res.Diagnostics {
		n := sarifNotification{Level: "error", Message: sarifText{Text: d.Summary}}
		if d.Severity == resource.DiagWarning {
			n.Level = "warning"
		}
		if d.Detail != "" {
			n.Message.Text = joinSentence(d.Summary, d.Detail)
		}
		if loc := paths.location(d.Location, ""); loc != nil {
			n.Locations = []sarifLocation{*loc}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}

	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// resultMessage is the finding's message, with the resource it is about
// when the message does not name it.
func resultMessage(f *rule.Finding) string {
	msg := strings.TrimSpace(f.Message)
	if msg == "" {
		msg = f.Title
	}
	if a := f.Subject.Address; a != "" && !strings.Contains(msg, a) {
		msg = a + ": " + msg
	}
	return msg
}

func descriptor(r ruleInfo) sarifDescriptor {
	d := sarifDescriptor{
		ID:                   r.ID,
		Name:                 camelCase(r.Title),
		ShortDescription:     sarifText{Text: r.Title},
		HelpURI:              r.Docs,
		DefaultConfiguration: sarifDefaultLevel{Level: denyLevel(r.Severity)},
		Properties: sarifRuleProps{
			Tags:             []string{"security"},
			SecuritySeverity: securitySeverity(r.Severity),
			Severity:         sevName(r.Severity),
			Control:          string(r.Control),
			Clauses:          []string{},
			Peers:            append([]string{}, r.Peers.All()...),
		},
	}
	if r.Title == "" {
		d.ShortDescription.Text = r.ID
	}
	if r.Control != "" {
		d.Properties.Tags = append(d.Properties.Tags, string(r.Control))
	}
	if r.Description != "" {
		d.FullDescription = &sarifText{Text: r.Description}
	}
	var text, md strings.Builder
	if r.Remediation != "" {
		fmt.Fprintf(&text, "Remediation: %s\n", r.Remediation)
		fmt.Fprintf(&md, "**Remediation:** %s\n", mdEscape(r.Remediation))
	}
	if len(r.Clauses) > 0 {
		text.WriteString("\nPolicy clauses enforced:\n")
		md.WriteString("\n**Policy clauses enforced:**\n\n")
		for _, c := range r.Clauses {
			d.Properties.Clauses = append(d.Properties.Clauses, c.ID)
			if c.Policy == "" {
				fmt.Fprintf(&text, "- %s\n", c.ID)
				fmt.Fprintf(&md, "- `%s`\n", c.ID)
				continue
			}
			fmt.Fprintf(&text, "- %s (%s, %s): %s\n", c.ID, c.Policy, c.Heading, c.English())
			fmt.Fprintf(&md, "- `%s` %s, *%s*: %s\n", c.ID, mdEscape(c.Policy), mdEscape(c.Heading), mdEscape(c.English()))
		}
	}
	if r.Docs != "" {
		fmt.Fprintf(&text, "\nDocumentation: %s\n", r.Docs)
		fmt.Fprintf(&md, "\n[Documentation](%s)\n", r.Docs)
	}
	if text.Len() > 0 {
		d.Help = &sarifText{Text: strings.TrimSpace(text.String()), Markdown: strings.TrimSpace(md.String())}
	}
	return d
}

// mdEscape escapes the Markdown characters that would change how plain text renders.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;").Replace(s)
}
