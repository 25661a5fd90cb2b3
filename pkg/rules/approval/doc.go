// Package approval holds the metadata of the change-approval rules
// (GR-APPR-*): what each says, the clauses it enforces, how to fix its
// findings. None has a check of its own: the approval verifier (package
// github.com/guardrail-dev/guardrail/pkg/approval) reports them when it
// verifies that a change needing approval carries an approval of this exact
// change, signed by an allowed signer who neither wrote nor deploys it.
package approval
