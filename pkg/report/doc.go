// Package report renders an engine.Result for the people and tools that read
// it: a text report for humans at a terminal, a versioned JSON document for
// scripts, SARIF 2.1.0 for code scanning, JUnit XML for CI test dashboards,
// GitHub Actions workflow commands for pull-request annotations, and a report
// grouped by the company policy's clauses for auditors.
//
// The package owns presentation only. It judges nothing: which findings fail a
// run is decided by rule.Finding.Fails and resource.Diagnostics.HasErrors,
// and every word about a rule (title, remediation, clauses, docs link) comes
// from the rule's own metadata, so the formats never disagree with each other
// or with the engine.
//
// Output is deterministic: the same Result and Options always give the same
// bytes, with no timestamps, so reports can be diffed and checked in as golden
// files. The JSON format is described field by field in docs/report-formats.md
// and by the JSON Schema in docs/report.schema.json.
package report
