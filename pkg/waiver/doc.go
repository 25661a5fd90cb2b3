// Package waiver reads waivers written next to resources and applies
// waivers to findings.
//
// An inline waiver is written in an HCL comment, a Kubernetes annotation
// (guardrail.dev/ignore) or a Terraform tag of the same name:
//
//	# guardrail:ignore GR-PORT-001,GR-PORT-004 reason="bastion, VPN only" expires=2027-01-31 owner=alice ticket=CHG-1234
//
// A waiver without a reason, past its expiry, naming an unknown rule, or
// used where the policy forbids inline waivers does not waive: the finding
// stays, and the waiver itself is reported (GR-WAIVE-001). Policy-file
// waivers with the same problems are reported as GR-WAIVE-002, and waivers
// that match no finding as GR-WAIVE-003, so stale suppressions surface.
// Every waiver that applies is listed in the report.
package waiver
