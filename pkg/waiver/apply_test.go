package waiver_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// The tests waive GR-PORT-001 (SSH open to the world) on this security
// group; {{above}} and {{inside}} are where waiver comments go, {{tags}} its tags.
const sshOpen = `
{{above}}
resource "aws_security_group" "bastion" {
  name = "bastion"
  {{inside}}
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Environment = "{{env}}" }
}

resource "aws_security_group" "other" {
  name = "other"
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Environment = "{{env}}" }
}
`

// hcl fills in sshOpen; the line of {{above}} is 2, of {{inside}} 5.
func hcl(above, inside, env string) string {
	return strings.NewReplacer("{{above}}", above, "{{inside}}", inside, "{{env}}", env).Replace(sshOpen)
}

// policyDoc is a policy document defining prod and staging, with more spec fields.
func policyDoc(spec string) string {
	return `apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: waivers}
spec:
  environments:
    definitions:
    - {name: prod, production: true, aliases: [production], namespaces: [prod]}
    - {name: staging, namespaces: [staging]}
` + spec
}

// report is an expected GR-WAIVE-* finding.
type report struct {
	id, message, path string
	line              int
}

type waived struct {
	source, reason, alias string
	line                  int // of the inline waiver
}

type applyCase struct {
	name string
	ruletest.Case
	// address is the resource whose GR-PORT-001 finding is judged; default aws_security_group.bastion.
	address string
	// waived is the waiver expected on the finding; nil means it stays active.
	waived  *waived
	reports []report
}

func TestApply(t *testing.T) {
	const reason = `reason="bastion, VPN only"`
	for _, tc := range []applyCase{
		{
			name:   "hcl comment above the block",
			Case:   ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+` expires=2027-01-31 owner=alice ticket=CHG-1`, "", "staging")},
			waived: &waived{source: "inline", reason: "bastion, VPN only", line: 2},
		},
		{
			name:   "hcl comment inside the block",
			Case:   ruletest.Case{HCL: hcl("", `# guardrail:ignore GR-PORT-001 `+reason, "staging")},
			waived: &waived{source: "inline", reason: "bastion, VPN only", line: 5},
		},
		{
			name:   "hcl double-slash comment",
			Case:   ruletest.Case{HCL: hcl(`// guardrail:ignore GR-PORT-001 `+reason, "", "staging")},
			waived: &waived{source: "inline", line: 2},
		},
		{
			name:   "hcl block comment over several lines",
			Case:   ruletest.Case{HCL: hcl("/* guardrail:ignore GR-PORT-001\n   reason=\"bastion\"\n   expires=2027-01-31 */", "", "staging")},
			waived: &waived{source: "inline", reason: "bastion", line: 2},
		},
		{
			// The HCL loader attaches only the comments directly above a
			// block; a waiver comment attached to nothing is dropped unseen.
			name: "hcl comment separated from the block by a blank line does not apply",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+"\n", "", "staging")},
		},
		{
			name: "hcl prose mentioning the marker is not a waiver",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignored until the VPN is in place`, "", "staging")},
		},
		{
			name: "kubernetes annotation",
			Case: ruletest.Case{YAML: `
apiVersion: v1
kind: Service
metadata:
  name: git
  namespace: staging
  annotations:
    guardrail.dev/ignore: 'GR-PORT-001 reason="git over ssh" expires=2027-01-31; GR-PORT-004 reason="x"'
spec:
  type: LoadBalancer
  ports:
  - {name: ssh, port: 22}`},
			address: "Service/staging/git",
			waived:  &waived{source: "inline", reason: "git over ssh", line: 8},
			reports: []report{{id: "GR-WAIVE-003", message: "waiver of GR-PORT-004 matches no finding on Service/staging/git", line: 8}},
		},
		{
			name: "plan tag",
			Case: ruletest.Case{Plan: ruletest.Plan(ruletest.Change{Address: "aws_security_group.bastion", After: map[string]any{
				"name":    "bastion",
				"ingress": []any{map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}},
				"tags":    map[string]any{"Environment": "staging", "guardrail.dev/ignore": `GR-PORT-001 reason="bastion"`},
			}})},
			waived: &waived{source: "inline", reason: "bastion"},
		},
		{
			name:    "no reason",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 expires=2027-01-31`, "", "staging")},
			reports: []report{{id: "GR-WAIVE-001", message: "waiver of GR-PORT-001 on aws_security_group.bastion does not apply: it gives no reason", line: 2}},
		},
		{
			name:    "empty reason",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 reason=""`, "", "staging")},
			reports: []report{{id: "GR-WAIVE-001", message: "it gives no reason", line: 2}},
		},
		{
			name:    "expired",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+` expires=2026-11-22`, "", "staging")},
			reports: []report{{id: "GR-WAIVE-001", message: "it expired on 2026-11-22", line: 2}},
		},
		{
			name:   "expiring today still applies",
			Case:   ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+` expires=2026-11-23`, "", "staging")},
			waived: &waived{source: "inline", line: 2},
		},
		{
			name:    "unknown rule ID",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-999 `+reason, "", "staging")},
			reports: []report{{id: "GR-WAIVE-001", message: "waiver names GR-PORT-999, which is neither a guardrail rule nor a known peer rule ID", line: 2}},
		},
		{
			name:    "unknown rule ID next to a known one",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001,CKV_NOPE_1 `+reason, "", "staging")},
			waived:  &waived{source: "inline", line: 2},
			reports: []report{{id: "GR-WAIVE-001", message: "waiver names CKV_NOPE_1", line: 2}},
		},
		{
			name:    "malformed",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 because we said so`, "", "staging")},
			reports: []report{{id: "GR-WAIVE-001", message: "cannot be read: expected key=value", line: 2}},
		},
		{
			name: "inline waivers forbidden in production",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "production"),
				Policy: policyDoc("  waivers:\n    inline: {forbiddenEnvironments: [prod]}\n")},
			reports: []report{{id: "GR-WAIVE-001", message: "does not apply: the policy forbids inline waivers in environment prod", line: 2}},
		},
		{
			name: "inline waivers forbidden in production apply in staging",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"),
				Policy: policyDoc("  waivers:\n    inline: {forbiddenEnvironments: [prod]}\n")},
			waived: &waived{source: "inline", line: 2},
		},
		{
			name: "inline waivers forbidden for a rule glob",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"),
				Policy: policyDoc("  waivers:\n    inline: {forbiddenRules: [GR-PORT-*]}\n")},
			reports: []report{{id: "GR-WAIVE-001", message: "the policy forbids inline waivers of GR-PORT-*", line: 2}},
		},
		{
			name: "inline waivers forbidden for a rule named by its peer ID",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"),
				Policy: policyDoc("  waivers:\n    inline: {forbiddenRules: [CKV_AWS_24]}\n")},
			reports: []report{{id: "GR-WAIVE-001", message: "forbids inline waivers of CKV_AWS_24", line: 2}},
		},
		{
			name: "rule waivable only in the policy file",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"),
				Policy: policyDoc("  rules:\n    GR-PORT-001: {inlineWaivers: false}\n")},
			reports: []report{{id: "GR-WAIVE-001", message: "the policy allows this rule to be waived only in the policy file", line: 2}},
		},
		{
			name: "inline waivers disabled",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"),
				Policy: policyDoc("  waivers:\n    inline: {disabled: true}\n")},
			reports: []report{{id: "GR-WAIVE-001", message: "the policy disables inline waivers", line: 2}},
		},
		{
			name: "forbidden inline waiver, policy waiver applies",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"),
				Policy: policyDoc(`  waivers:
    inline: {disabled: true}
    entries:
    - {rules: [GR-PORT-001], resources: [aws_security_group.bastion], reason: "reviewed in CHG-9", expires: "2027-01-31"}
`)},
			waived:  &waived{source: "policy", reason: "reviewed in CHG-9"},
			reports: []report{{id: "GR-WAIVE-001", message: "disables inline waivers", line: 2}},
		},
		{
			name: "policy waiver by rule and resource glob",
			Case: ruletest.Case{HCL: hcl("", "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: ["GR-PORT-*"], resources: ["aws_security_group.bast*"], reason: "bastion", owner: alice, ticket: CHG-2}
`)},
			waived: &waived{source: "policy", reason: "bastion"},
		},
		{
			name: "policy waiver by environment and file",
			Case: ruletest.Case{HCL: hcl("", "", "prod"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [GR-PORT-001], environments: [staging], reason: "not here"}
    - {rules: [GR-PORT-001], files: ["envs/prod/**"], reason: "not here either"}
    - {rules: [GR-PORT-001], environments: [production], files: ["**/main.tf"], resources: [aws_security_group.bastion], reason: "this one", owner: alice, approvedBy: [bob]}
`)},
			waived: &waived{source: "policy", reason: "this one"},
			reports: []report{
				{id: "GR-WAIVE-003", message: "policy waiver 1 (GR-PORT-001) matches no finding", path: "spec.waivers.entries[0]"},
				{id: "GR-WAIVE-003", message: "policy waiver 2 (GR-PORT-001) matches no finding", path: "spec.waivers.entries[1]"},
			},
		},
		{
			name: "policy waiver expired",
			Case: ruletest.Case{HCL: hcl("", "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [GR-PORT-001], reason: "old", expires: "2026-01-31"}
`)},
			reports: []report{{id: "GR-WAIVE-002", message: "policy waiver 1 (GR-PORT-001) does not apply: expired on 2026-01-31", path: "spec.waivers.entries[0]"}},
		},
		{
			name: "policy waiver without a reason",
			Case: ruletest.Case{HCL: hcl("", "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [GR-PORT-001], reason: " "}
`)},
			reports: []report{{id: "GR-WAIVE-002", message: "does not apply: it has no reason", path: "spec.waivers.entries[0]"}},
		},
		{
			name: "policy waiver expired, a second one applies",
			Case: ruletest.Case{HCL: hcl("", "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [GR-PORT-001], reason: "old", expires: "2026-01-31"}
    - {rules: [GR-PORT-001], reason: "renewed", expires: "2027-01-31"}
`)},
			waived:  &waived{source: "policy", reason: "renewed"},
			reports: []report{{id: "GR-WAIVE-002", message: "expired on 2026-01-31", path: "spec.waivers.entries[0]"}},
		},
		{
			name: "unused inline and policy waivers",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-TLS-001 `+reason, "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [GR-SEG-*], reason: "stale"}
`)},
			reports: []report{
				{id: "GR-WAIVE-003", message: "waiver of GR-TLS-001 matches no finding on aws_security_group.bastion", line: 2},
				{id: "GR-WAIVE-003", message: "policy waiver 1 (GR-SEG-*) matches no finding", path: "spec.waivers.entries[0]"},
			},
		},
		{
			name: "policy waiver covering a finding an inline waiver waived is used",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [GR-PORT-001], resources: [aws_security_group.bastion], reason: "also"}
`)},
			waived: &waived{source: "inline", line: 2},
		},
		{
			name:    "an expired waiver after a valid one is reported as expired, not unused",
			Case:    ruletest.Case{HCL: hcl("# guardrail:ignore GR-PORT-001 "+reason+"\n# guardrail:ignore GR-PORT-001 reason=old expires=2025-01-01", "", "staging")},
			waived:  &waived{source: "inline", line: 2},
			reports: []report{{id: "GR-WAIVE-001", message: "it expired on 2025-01-01", line: 3}},
		},
		{
			name:    "a waiver on one resource does not waive another's finding",
			Case:    ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging")},
			address: "aws_security_group.other",
		},
		{
			name: "expiry required",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason, "", "staging"), Policy: policyDoc(`  waivers:
    requireExpiry: true
    entries:
    - {rules: [GR-PORT-001], reason: "no date"}
`)},
			reports: []report{
				{id: "GR-WAIVE-001", message: "it has no expiry date and the policy requires one", line: 2},
				{id: "GR-WAIVE-002", message: "it has no expiry date and the policy requires one", path: "spec.waivers.entries[0]"},
			},
		},
		{
			name: "expiry required and given",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+` expires=2026-12-31`, "", "staging"),
				Policy: policyDoc("  waivers:\n    requireExpiry: true\n")},
			waived: &waived{source: "inline", line: 2},
		},
		{
			name: "waivers longer than the maximum duration",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+` expires=2027-06-30`, "", "staging"), Policy: policyDoc(`  waivers:
    maxDuration: 90d
    entries:
    - {rules: [GR-PORT-001], reason: "long", expires: "2027-06-30"}
`)},
			reports: []report{
				{id: "GR-WAIVE-001", message: "its expiry is further away than the policy's maximum waiver duration", line: 2},
				{id: "GR-WAIVE-002", message: "its expiry 2027-06-30 is further away than the policy's maximum waiver duration", path: "spec.waivers.entries[0]"},
			},
		},
		{
			name: "waiver within the maximum duration",
			Case: ruletest.Case{HCL: hcl(`# guardrail:ignore GR-PORT-001 `+reason+` expires=2027-02-21`, "", "staging"),
				Policy: policyDoc("  waivers:\n    maxDuration: 90d\n")},
			waived: &waived{source: "inline", line: 2},
		},
		{
			name:   "inline waiver naming a peer ID",
			Case:   ruletest.Case{HCL: hcl(`# guardrail:ignore CKV_AWS_24 `+reason, "", "staging")},
			waived: &waived{source: "inline", alias: "CKV_AWS_24", line: 2},
		},
		{
			name: "policy waiver naming a peer ID",
			Case: ruletest.Case{HCL: hcl("", "", "staging"), Policy: policyDoc(`  waivers:
    entries:
    - {rules: [AWS-0107], resources: [aws_security_group.bastion], reason: "carried over from trivy"}
`)},
			waived: &waived{source: "policy", alias: "AWS-0107", reason: "carried over from trivy"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := ruletest.Evaluate(t, tc.Case)
			checkApplied(t, res, tc)
			if t.Failed() {
				t.Logf("all findings:\n%s", ruletest.Describe(res))
			}
		})
	}
}

func checkApplied(t *testing.T, res *engine.Result, tc applyCase) {
	t.Helper()
	address := tc.address
	if address == "" {
		address = "aws_security_group.bastion"
	}
	var port []rule.Finding
	for _, f := range res.Findings {
		if f.RuleID == "GR-PORT-001" && f.Subject.Address == address {
			port = append(port, f)
		}
	}
	if len(port) != 1 {
		t.Fatalf("got %d GR-PORT-001 findings on %s, want 1", len(port), address)
	}
	f := port[0]
	switch w := tc.waived; {
	case w == nil && f.Waiver != nil:
		t.Errorf("the finding is waived by %+v, want it active", *f.Waiver)
	case w == nil:
		if !contains(res.Active(), f) || contains(res.Waived(), f) {
			t.Error("an active finding is not listed as active")
		}
	case f.Waiver == nil:
		t.Errorf("the finding is not waived, want a %s waiver", w.source)
	default:
		if f.Waiver.Source != w.source || f.Waiver.Alias != w.alias || (w.reason != "" && f.Waiver.Reason != w.reason) {
			t.Errorf("waiver %+v, want source %q alias %q reason %q", *f.Waiver, w.source, w.alias, w.reason)
		}
		if w.line > 0 && f.Waiver.Location.Line != w.line {
			t.Errorf("waiver at line %d, want %d", f.Waiver.Location.Line, w.line)
		}
		if !contains(res.Waived(), f) || contains(res.Active(), f) {
			t.Error("a waived finding is not listed as waived")
		}
	}
	var got []rule.Finding
	for _, g := range res.Findings {
		if g.Control == rule.WaiverControls {
			got = append(got, g)
		}
	}
	used := make([]bool, len(got))
	for _, want := range tc.reports {
		found := false
		for i, g := range got {
			if !used[i] && g.RuleID == want.id && strings.Contains(g.Message, want.message) &&
				(want.line == 0 || g.Location.Line == want.line) && (want.path == "" || g.Path == want.path) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s %q (line %d, path %q)", want.id, want.message, want.line, want.path)
		}
	}
	for i, g := range got {
		if !used[i] {
			t.Errorf("unexpected %s on %s at %s: %s", g.RuleID, g.Subject.Address, g.Location, g.Message)
		}
	}
}

func contains(fs []rule.Finding, f rule.Finding) bool {
	for _, g := range fs {
		if g.RuleID == f.RuleID && g.Subject.Address == f.Subject.Address && g.Path == f.Path && g.Message == f.Message {
			return true
		}
	}
	return false
}

// TestApplyReportUnused checks that without ReportUnused (as in the
// webhook, which sees one object at a time) stale waivers are not reported,
// while invalid ones still are.
func TestApplyReportUnused(t *testing.T) {
	dir := t.TempDir()
	src := hcl("# guardrail:ignore GR-TLS-001 reason=x\n# guardrail:ignore GR-PORT-001", "", "staging")
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := load.Load(context.Background(), []string{dir}, load.Options{})
	if err != nil || set.Diagnostics.HasErrors() {
		t.Fatalf("load: %v %v", err, set.Diagnostics.Errs())
	}
	pol := policy.MustCompile(policy.Default())
	for _, reportUnused := range []bool{true, false} {
		res, err := engine.Evaluate(context.Background(), pol, set, engine.Options{Now: ruletest.Now, ReportUnusedWaivers: reportUnused})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, f := range res.Findings {
			count[f.RuleID]++
		}
		wantUnused := 0
		if reportUnused {
			wantUnused = 1
		}
		if count["GR-WAIVE-003"] != wantUnused || count["GR-WAIVE-001"] != 1 {
			t.Errorf("ReportUnusedWaivers %v: %d unused and %d invalid, want %d and 1\n%s",
				reportUnused, count["GR-WAIVE-003"], count["GR-WAIVE-001"], wantUnused, ruletest.Describe(res))
		}
	}
}
