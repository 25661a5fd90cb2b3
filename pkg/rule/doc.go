// Package rule defines what a guardrail rule is and what it sees.
//
// A Rule is data plus one function, in the manner of tflint and Trivy: an ID
// (GR-PORT-001), a title, the control it belongs to, a default severity, the
// policy clauses it enforces, a remediation, the peer rule IDs it corresponds
// to, the resource types it judges, and a Check called once per resource (or a
// CheckAll called once per evaluation for rules that look across resources).
//
// A check reports through its Pass, which carries the compiled policy and an
// Index of the inputs built once per evaluation: resources by address, type,
// namespace and environment. Cross-resource rules look things up in the Index
// instead of comparing all pairs, so evaluation stays linear in the inputs.
package rule
