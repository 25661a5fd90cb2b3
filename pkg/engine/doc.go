// Package engine evaluates a policy over loaded inputs: it indexes the
// resources once, places each in its environment, runs every rule that
// applies (per resource, concurrently for large inputs; cross-resource rules
// once), applies the policy's severities, modes and environment scopes,
// applies waivers, and returns the findings in a deterministic order.
//
// Evaluate holds no global state and is safe for concurrent use, which is
// how the admission webhook calls it; the linter and the go test helpers call
// the same function, so all three judge alike.
package engine
