// Package v1alpha1 is the guardrail.dev/v1alpha1 API: the GuardrailPolicy
// custom resource, which holds in a cluster the same policy document the CLI
// reads from a file, and reports whether it is valid and active and what the
// last audit found.
//
// +kubebuilder:object:generate=true
// +groupName=guardrail.dev
package v1alpha1
