// Package apicheck holds no code, only tests of the library's public
// surface, run with the others by go test ./...:
//
//   - importing any package under pkg/ pulls neither controller-runtime nor
//     guardrail's cmd, webhook, controller or api packages: the import graph
//     points one way, from those to pkg, and other tools can embed the
//     library without the webhook;
//   - every exported identifier under pkg/ has a doc comment, which is what
//     pkg.go.dev shows and what the semantic-versioning promise of the
//     README covers.
package apicheck
