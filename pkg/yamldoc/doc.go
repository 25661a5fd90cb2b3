// Package yamldoc reads YAML (and JSON, which is YAML) documents the way
// guardrail needs them: a multi-document stream split so that one broken
// document does not hide the others, each document converted to a plain
// attribute tree with explicit limits on size, depth and alias expansion (so
// a "billion laughs" document fails fast instead of exhausting memory),
// duplicate keys rejected, and every attribute path locatable back to its
// line and column.
//
// Scalars resolve as Kubernetes' own YAML decoding resolves them (YAML 1.1
// booleans such as yes/no/on/off included), so guardrail sees what kubectl
// would send.
package yamldoc
