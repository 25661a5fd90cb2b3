package waiver_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/approval/approvaltest"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// approvalCase is a waiver in an environment that needs approval.
type approvalCase struct {
	name  string
	files map[string]string
	// approval is spec.approval's body; waivers spec.waivers' body.
	approval, waivers string
	ctx               *approval.Context
	address           string
	// approvedBy is who approved the waiver that applies; empty: none applies.
	approvedBy string
	reports    []report
}

func evaluateIn(t *testing.T, tc approvalCase) *engine.Result {
	t.Helper()
	dir := t.TempDir()
	for name, content := range tc.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc := policyDoc("  approval:\n" + tc.approval + "  waivers:\n" + tc.waivers)
	pol, err := policy.Parse("policy.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("policy: %v\n%s", err, doc)
	}
	set, err := load.Load(context.Background(), []string{dir}, load.Options{})
	if err != nil || set.Diagnostics.HasErrors() {
		t.Fatalf("load: %v %v", err, set.Diagnostics.Errs())
	}
	res, err := engine.Evaluate(context.Background(), pol, set, engine.Options{Now: ruletest.Now, Approval: tc.ctx, PolicyFile: "policy.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Findings {
		res.Findings[i].Location.File = strings.TrimPrefix(filepath.ToSlash(strings.TrimPrefix(res.Findings[i].Location.File, dir)), "/")
	}
	return res
}

func TestWaiversNeedApproval(t *testing.T) {
	bob, carol, mallory := approvaltest.NewSigner(t, "bob@acme.test"), approvaltest.NewSigner(t, "carol@acme.test"), approvaltest.NewSigner(t, "bob@acme.test")
	signers := "    allowedSigners:\n    - " + bob.YAML() + "\n    - " + carol.YAML() + "\n"
	const reason = `reason="bastion, VPN only"`
	prodHCL := func(comment string) map[string]string { return map[string]string{"main.tf": hcl(comment, "", "prod")} }

	waiverEntry := policy.Waiver{Rules: []string{"GR-PORT-001"}, Resources: []string{"aws_security_group.bastion"}, Reason: "VPN only",
		Expires: "2027-01-31", Owner: "alice@acme.test", Ticket: "CHG-9"}
	sign := func(w policy.Waiver, by *approvaltest.Signer) string {
		st, err := approval.WaiverStatement(w, by.Identity)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := approval.Sign(st.Bytes(), by)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	entry := func(w policy.Waiver) string {
		y, err := yaml.Marshal([]policy.Waiver{w})
		if err != nil {
			t.Fatal(err)
		}
		return "    entries:\n    " + strings.ReplaceAll(strings.TrimSpace(string(y)), "\n", "\n    ") + "\n"
	}
	withApprovers := func(approvedBy []string, signatures ...string) policy.Waiver {
		w := waiverEntry
		w.ApprovedBy, w.Signatures = approvedBy, signatures
		return w
	}
	signed := withApprovers([]string{"Bob@acme.test"}, sign(waiverEntry, bob))
	tampered := signed
	tampered.Reason = "whatever I like"

	deployment := func(t *testing.T, by ...*approvaltest.Signer) map[string]string {
		obj := map[string]any{"apiVersion": "v1", "kind": "Service",
			"metadata": map[string]any{"name": "git", "namespace": "prod", "annotations": map[string]any{
				"guardrail.dev/ignore": `GR-PORT-001 reason="git over ssh" owner=carol@acme.test`,
				"guardrail.dev/author": "dave@acme.test"}},
			"spec": map[string]any{"type": "LoadBalancer", "ports": []any{map[string]any{"name": "ssh", "port": 22}}}}
		if len(by) > 0 {
			approvaltest.Approve(t, obj, "prod", "CHG-1", ruletest.Now.Add(-time.Hour), by...)
		}
		y, err := yaml.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"service.yaml": string(y)}
	}

	for _, tc := range []approvalCase{
		{name: "hcl comment without approved-by", files: prodHCL(`# guardrail:ignore GR-PORT-001 ` + reason + ` owner=alice`),
			reports: []report{{id: "GR-WAIVE-001", message: "in prod, where changes need approval, an inline waiver needs owner= and approved-by= naming someone else; or waive in the policy file", line: 2}}},
		{name: "hcl comment approved by its owner", files: prodHCL(`# guardrail:ignore GR-PORT-001 ` + reason + ` owner=alice approved-by=ALICE`),
			approval: "    allowUnsigned: true\n",
			reports:  []report{{id: "GR-WAIVE-001", message: "it is approved by its own owner alice; in prod someone else must approve it", line: 2}}},
		{name: "hcl comment approved by someone else, but unsigned approvals are not accepted", files: prodHCL(`# guardrail:ignore GR-PORT-001 ` + reason + ` owner=alice approved-by=bob`),
			reports: []report{{id: "GR-WAIVE-001", message: "approved-by= in a comment is an unsigned approval, which the policy does not accept (spec.approval.allowUnsigned); in prod, waive in the policy file", line: 2}}},
		{name: "hcl comment approved by someone else, unsigned approvals accepted", files: prodHCL(`# guardrail:ignore GR-PORT-001 ` + reason + ` owner=alice approved-by=bob`),
			approval: "    allowUnsigned: true\n", approvedBy: "bob",
			reports: []report{{id: "GR-APPR-009", message: "the waiver of GR-PORT-001 on aws_security_group.bastion is approved by bob without a signature", line: 2}}},
		{name: "policy waiver without approvedBy", files: prodHCL(""), waivers: entry(waiverEntry),
			reports: []report{{id: "GR-WAIVE-002", message: "policy waiver 1 (GR-PORT-001) does not apply in prod: it is not approved: where changes need approval, a policy-file waiver needs approvedBy naming someone other than its owner", path: "spec.waivers.entries[0]"}}},
		{name: "policy waiver approved by its owner", files: prodHCL(""), waivers: entry(withApprovers([]string{"ALICE@acme.test"})),
			reports: []report{{id: "GR-WAIVE-002", message: "it is approved only by its owner alice@acme.test; someone else must approve it", path: "spec.waivers.entries[0]"}}},
		{name: "policy waiver without owner", files: prodHCL(""), waivers: entry(func() policy.Waiver { w := withApprovers([]string{"bob@acme.test"}); w.Owner = ""; return w }()),
			reports: []report{{id: "GR-WAIVE-002", message: "it names no owner", path: "spec.waivers.entries[0]"}}},
		{name: "policy waiver approved by someone else", files: prodHCL(""), waivers: entry(withApprovers([]string{"bob@acme.test"})),
			approvedBy: "bob@acme.test"},
		{name: "policy waiver needs as many approvers as changes", files: prodHCL(""), waivers: entry(withApprovers([]string{"bob@acme.test", "alice@acme.test"})),
			approval: "    approvers: 2\n",
			reports:  []report{{id: "GR-WAIVE-002", message: "it is approved by 1 approver other than its owner (bob@acme.test), the policy requires 2", path: "spec.waivers.entries[0]"}}},
		{name: "policy waiver signed by its approver", files: prodHCL(""), approval: signers, waivers: entry(signed), approvedBy: "bob@acme.test"},
		{name: "policy waiver changed after it was signed", files: prodHCL(""), approval: signers, waivers: entry(tampered),
			reports: []report{{id: "GR-WAIVE-002", message: "signature 1 by Bob@acme.test does not verify: the waiver changed after it was signed", path: "spec.waivers.entries[0]"}}},
		{name: "policy waiver signed with a key listed for no approver", files: prodHCL(""), approval: signers,
			waivers: entry(withApprovers([]string{"bob@acme.test"}, sign(waiverEntry, mallory))),
			reports: []report{{id: "GR-WAIVE-002", message: "signature 1 is made with key SHA256:", path: "spec.waivers.entries[0]"}}},
		{name: "kubernetes waiver covered by the object's approval", files: deployment(t, bob), approval: signers,
			address: "Service/prod/git", approvedBy: "bob@acme.test"},
		{name: "kubernetes waiver approved only by its owner", files: deployment(t, carol), approval: signers, address: "Service/prod/git",
			reports: []report{{id: "GR-WAIVE-001", message: "the change carrying it is approved only by its owner carol@acme.test; in prod someone else must approve it"}}},
		{name: "kubernetes waiver on an object without approval", files: deployment(t), approval: signers, address: "Service/prod/git",
			reports: []report{{id: "GR-WAIVE-001", message: "in prod a waiver applies only when the change carrying it is approved by someone other than its author, and Service/prod/git has no valid approval"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := evaluateIn(t, tc)
			address := tc.address
			if address == "" {
				address = "aws_security_group.bastion"
			}
			var target *rule.Finding
			for i, f := range res.Findings {
				if f.Subject.Address == address && (f.RuleID == "GR-PORT-001" || f.RuleID == "GR-PORT-004") && f.Waiver != nil {
					target = &res.Findings[i]
				}
			}
			switch {
			case tc.approvedBy == "" && target != nil:
				t.Errorf("waived by %+v, want no waiver to apply", target.Waiver)
			case tc.approvedBy != "" && target == nil:
				t.Errorf("no waiver applies, want one approved by %s", tc.approvedBy)
			case tc.approvedBy != "" && (len(target.Waiver.ApprovedBy) != 1 || target.Waiver.ApprovedBy[0] != tc.approvedBy):
				t.Errorf("waiver approved by %v, want %s", target.Waiver.ApprovedBy, tc.approvedBy)
			}
			checkReports(t, res, tc.reports, "GR-WAIVE-001", "GR-WAIVE-002", "GR-APPR-009")
			if t.Failed() {
				t.Logf("findings:\n%s", ruletest.Describe(res))
			}
		})
	}
}

// checkReports checks that the findings of rules ids are exactly want.
func checkReports(t *testing.T, res *engine.Result, want []report, ids ...string) {
	t.Helper()
	var got []rule.Finding
	for _, f := range res.Findings {
		for _, id := range ids {
			if f.RuleID == id {
				got = append(got, f)
			}
		}
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, f := range got {
			if !used[i] && f.RuleID == w.id && strings.Contains(f.Message, w.message) && (w.path == "" || f.Path == w.path) && (w.line == 0 || f.Location.Line == w.line) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s %q", w.id, w.message)
		}
	}
	for i, f := range got {
		if !used[i] {
			t.Errorf("unexpected %s %s (line %d): %s", f.RuleID, f.Path, f.Location.Line, f.Message)
		}
	}
}
