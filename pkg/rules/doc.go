// Package rules is guardrail's built-in rule catalogue: an explicit list of
// the rules of every control (no registration by init side effects), and the
// registry built from it.
package rules
