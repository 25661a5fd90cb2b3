// Package resource is guardrail's model of infrastructure: one Resource type for a
// Terraform resource block, a resource change in a Terraform plan and a Kubernetes
// object, so that rules, the engine and the reports never care where a resource
// came from.
//
// A Resource holds its attributes as a plain tree of Go values (maps, slices,
// strings, numbers, booleans, nil) in which a value that cannot be known before
// apply or by static evaluation is the sentinel Unknown. Rules read the tree
// through Value, which remembers the path it was reached by, so a finding can
// point at the exact attribute, and the Resource's Locator turns that path into
// a file, line and column.
//
// The package also owns Location and Diagnostic, the shape of every position
// and every input error guardrail reports.
package resource
