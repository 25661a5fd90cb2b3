// Package secrecy proves that Secret values never leave guardrail: a canary
// value planted in Secrets (and waivers, annotations and findings around
// them) must not appear in any report format, in the webhook's answers, logs
// or metrics.
package secrecy
