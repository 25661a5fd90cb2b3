// Package policy reads, validates and compiles guardrail's policy document: the
// environments and how each resource's environment is detected, the ports each
// environment may open, the minimum TLS version, change approval settings,
// which rules run at what severity and enforcement mode, and the waivers.
//
// The document is YAML (or JSON) with apiVersion guardrail.dev/v1alpha1 and
// kind Policy; its spec is the same structure the GuardrailPolicy custom
// resource holds in a cluster. Parse decodes it strictly, so a misspelt field is
// an error naming the line, and Compile checks the meaning (patterns, CIDRs,
// ports, dates, environment names) and builds the matchers the engine uses.
// Default returns the built-in policy used when none is given.
//
// The document types (Document, Spec and what they hold) carry generated deep
// copy methods, so the GuardrailPolicy custom resource can embed Spec.
//
// +kubebuilder:object:generate=true
package policy
