// Package synth generates large, realistic inputs for benchmarks and limit
// tests: `terraform show -json` plans and Kubernetes manifest streams with
// the shapes real estates have, sized by the caller. Nothing it generates is
// committed.
package synth
