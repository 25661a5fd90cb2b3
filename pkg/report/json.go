package report

import (
	"bytes"
	"encoding/json"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// SchemaVersion is the version of the JSON format. It changes when a field is
// removed, renamed or changes meaning; new fields may appear without a change.
const SchemaVersion = "1"

// The JSON document. docs/report-formats.md documents each field and
// docs/report.schema.json describes them; the three change together.
type jsonReport struct {
	SchemaVersion string           `json:"schemaVersion"`
	Tool          jsonTool         `json:"tool"`
	Policy        string           `json:"policy"`
	Summary       jsonSummary      `json:"summary"`
	Findings      []jsonFinding    `json:"findings"`
	Waived        []jsonFinding    `json:"waived"`
	Diagnostics   []jsonDiagnostic `json:"diagnostics"`
	Rules         []jsonRule       `json:"rules"`
}

type jsonTool struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	InformationURI string `json:"informationUri"`
}

type jsonSummary struct {
	Fails        bool              `json:"fails"`
	Threshold    string            `json:"threshold"`
	Failing      int               `json:"failing"`
	Findings     int               `json:"findings"`
	Deny         jsonSeverities    `json:"deny"`
	Warn         jsonSeverities    `json:"warn"`
	Waived       int               `json:"waived"`
	Undecidable  int               `json:"undecidable"`
	Errors       int               `json:"errors"`
	Warnings     int               `json:"warnings"`
	Resources    int               `json:"resources"`
	Environments []jsonEnvironment `json:"environments"`
}

type jsonSeverities struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

func severityCounts(c [5]int) jsonSeverities {
	return jsonSeverities{Critical: c[4], High: c[3], Medium: c[2], Low: c[1], Info: c[0]}
}

type jsonEnvironment struct {
	Name      string `json:"name"`
	Resources int    `json:"resources"`
}

type jsonFinding struct {
	RuleID      string       `json:"ruleId"`
	Title       string       `json:"title"`
	Control     string       `json:"control"`
	Severity    string       `json:"severity"`
	Mode        string       `json:"mode"`
	Fails       bool         `json:"fails"`
	Undecidable bool         `json:"undecidable"`
	Message     string       `json:"message"`
	Resource    jsonResource `json:"resource"`
	Location    jsonLocation `json:"location"`
	Path        string       `json:"path,omitempty"`
	Clauses     []string     `json:"clauses"`
	Remediation string       `json:"remediation"`
	Docs        string       `json:"docs"`
	Fingerprint string       `json:"fingerprint"`
	Waiver      *jsonWaiver  `json:"waiver,omitempty"`
}

type jsonResource struct {
	Address           string `json:"address"`
	Type              string `json:"type"`
	Name              string `json:"name,omitempty"`
	Namespace         string `json:"namespace,omitempty"`
	Format            string `json:"format"`
	Environment       string `json:"environment,omitempty"`
	EnvironmentSource string `json:"environmentSource,omitempty"`
	Unit              string `json:"unit,omitempty"`
}

type jsonLocation struct {
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
	Document  int    `json:"document,omitempty"`
}

func location(l resource.Location) jsonLocation {
	return jsonLocation{File: l.File, Line: max(l.Line, 0), Column: max(l.Column, 0),
		EndLine: max(l.EndLine, 0), EndColumn: max(l.EndColumn, 0), Document: max(l.Document, 0)}
}

type jsonWaiver struct {
	Source     string       `json:"source"`
	Reason     string       `json:"reason"`
	Expires    string       `json:"expires,omitempty"`
	Owner      string       `json:"owner,omitempty"`
	Ticket     string       `json:"ticket,omitempty"`
	Alias      string       `json:"alias,omitempty"`
	ApprovedBy []string     `json:"approvedBy,omitempty"`
	Location   jsonLocation `json:"location"`
}

type jsonDiagnostic struct {
	Severity string       `json:"severity"`
	Summary  string       `json:"summary"`
	Detail   string       `json:"detail,omitempty"`
	Location jsonLocation `json:"location"`
}

type jsonRule struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Control     string       `json:"control"`
	Severity    string       `json:"severity"`
	Clauses     []jsonClause `json:"clauses"`
	Description string       `json:"description,omitempty"`
	Remediation string       `json:"remediation,omitempty"`
	Docs        string       `json:"docs"`
	Peers       jsonPeers    `json:"peers"`
}

type jsonPeers struct {
	Checkov    []string `json:"checkov,omitempty"`
	Trivy      []string `json:"trivy,omitempty"`
	KubeLinter []string `json:"kubeLinter,omitempty"`
	Polaris    []string `json:"polaris,omitempty"`
	Kyverno    []string `json:"kyverno,omitempty"`
	Terrascan  []string `json:"terrascan,omitempty"`
}

type jsonClause struct {
	ID      string `json:"id"`
	Policy  string `json:"policy,omitempty"`
	Heading string `json:"heading,omitempty"`
}

func writeJSON(b *bytes.Buffer, res *engine.Result, opts Options) error {
	c := count(res, opts.MinSeverity)
	doc := jsonReport{
		SchemaVersion: SchemaVersion,
		Tool:          jsonTool{Name: toolName, Version: opts.version(), InformationURI: toolURI},
		Policy:        res.Policy,
		Summary: jsonSummary{
			Fails: c.fails, Threshold: sevName(opts.MinSeverity), Failing: c.failing,
			Findings: c.active(), Deny: severityCounts(c.deny), Warn: severityCounts(c.warn),
			Waived: c.waived, Undecidable: c.undecidable, Errors: c.errors, Warnings: c.warnings,
			Resources: res.Resources, Environments: []jsonEnvironment{},
		},
		Findings:    []jsonFinding{},
		Waived:      []jsonFinding{},
		Diagnostics: []jsonDiagnostic{},
		Rules:       []jsonRule{},
	}
	for _, e := range sortedEnvs(res.Environments) {
		doc.Summary.Environments = append(doc.Summary.Environments, jsonEnvironment{Name: e, Resources: res.Environments[e]})
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		jf := finding(f, opts)
		if f.Waiver != nil {
			doc.Waived = append(doc.Waived, jf)
		} else {
			doc.Findings = append(doc.Findings, jf)
		}
	}
	for _, d := range res.Diagnostics {
		doc.Diagnostics = append(doc.Diagnostics, jsonDiagnostic{
			Severity: d.Severity.String(), Summary: d.Summary, Detail: d.Detail, Location: location(d.Location),
		})
	}
	for _, r := range catalogue(res) {
		jr := jsonRule{
			ID: r.ID, Title: r.Title, Control: string(r.Control), Severity: sevName(r.Severity),
			Clauses: []jsonClause{}, Description: r.Description, Remediation: r.Remediation,
			Docs: r.Docs, Peers: jsonPeers(r.Peers),
		}
		for _, cl := range r.Clauses {
			jr.Clauses = append(jr.Clauses, jsonClause{ID: cl.ID, Policy: cl.Policy, Heading: cl.Heading})
		}
		doc.Rules = append(doc.Rules, jr)
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func finding(f *rule.Finding, opts Options) jsonFinding {
	jf := jsonFinding{
		RuleID: f.RuleID, Title: f.Title, Control: string(f.Control), Severity: sevName(f.Severity),
		Mode: modeName(f), Fails: f.Fails(opts.MinSeverity), Undecidable: f.Undecidable,
		Message: f.Message,
		Resource: jsonResource{
			Address: f.Subject.Address, Type: f.Subject.Type, Name: f.Subject.Name,
			Namespace: f.Subject.Namespace, Format: string(f.Subject.Format),
			Environment: f.Subject.Env, EnvironmentSource: f.Subject.EnvSource, Unit: f.Subject.Unit,
		},
		Location:    location(f.Location),
		Path:        f.Path,
		Clauses:     append([]string{}, f.Clauses...),
		Remediation: f.Remediation,
		Docs:        f.Docs,
		Fingerprint: fingerprint(f),
	}
	if w := f.Waiver; w != nil {
		jf.Waiver = &jsonWaiver{
			Source: w.Source, Reason: w.Reason, Expires: w.Expires, Owner: w.Owner, Ticket: w.Ticket,
			Alias: w.Alias, ApprovedBy: w.ApprovedBy, Location: location(w.Location),
		}
	}
	return jf
}
