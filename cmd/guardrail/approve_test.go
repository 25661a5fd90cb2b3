package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/approval/approvaltest"
)

// approvalFixture writes keys for bob (approver) and alice (author), a
// policy listing them, and the approvals example's manifest and plan.
func approvalFixture(t *testing.T) (dir string, bob, alice *approvaltest.Signer) {
	t.Helper()
	dir = t.TempDir()
	bob, alice = approvaltest.NewSigner(t, "bob@acme.com"), approvaltest.NewSigner(t, "alice@acme.com")
	files := map[string][]byte{
		"bob":   bob.Private,
		"alice": alice.Private,
		"policy.yaml": []byte(`apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: approvals}
spec:
  environments:
    definitions:
    - {name: prod, production: true, namespaces: ["*-prod"]}
    - {name: dev, namespaces: ["*-dev"]}
  approval:
    ticketPattern: "CHG-[0-9]+"
    allowedSigners:
    - ` + bob.YAML() + `
    - ` + alice.YAML() + `
`),
	}
	for _, name := range []string{"web.yaml", "prod.plan.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "approvals", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir, bob, alice
}

func TestDigest(t *testing.T) {
	approvalFixture(t)
	code, out, stderr := runCLI(t, "", "digest", "--policy", "policy.yaml", "web.yaml", "prod.plan.json")
	if code != exitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a digest per object and one for the plan, got:\n%s", out)
	}
	for _, want := range []string{"Deployment/shop-prod/web", "Service/shop-prod/web", "NetworkPolicy/shop-prod/default-deny", "plan prod.plan.json (2 changes in prod)"} {
		if !strings.Contains(out, want) {
			t.Errorf("digest output lacks %s:\n%s", want, out)
		}
	}
	for _, l := range lines {
		if d, _, _ := strings.Cut(l, " "); !approval.ValidDigest(d) {
			t.Errorf("line %q does not start with a digest", l)
		}
	}
}

func TestApproveAndLint(t *testing.T) {
	approvalFixture(t)
	lint := func(want int, args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, "", append([]string{"lint", "--policy", "policy.yaml", "--format", "json"}, args...)...)
		if code != want {
			t.Fatalf("lint %v: exit %d, want %d\n%s\n%s", args, code, want, stderr, out)
		}
		return out
	}
	approve := func(want int, args ...string) (string, string) {
		t.Helper()
		code, out, stderr := runCLI(t, "", append([]string{"approve", "--policy", "policy.yaml", "--time", "2026-11-23T10:00:00Z"}, args...)...)
		if code != want {
			t.Fatalf("approve %v: exit %d, want %d\n%s", args, code, want, stderr)
		}
		return out, stderr
	}

	// Unapproved: GR-APPR-001 on every production change.
	if out := lint(exitFindings, "web.yaml"); strings.Count(out, `"ruleId": "GR-APPR-001"`) != 3 {
		t.Errorf("want GR-APPR-001 on the three objects:\n%s", out)
	}

	// Bob approves with his key: the annotated manifest passes.
	approve(exitClean, "--key", "bob", "--approver", "bob@acme.com", "--ticket", "CHG-1", "--expires", "30d", "-o", "web.approved.yaml", "web.yaml")
	approved, err := os.ReadFile("web.approved.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(approved), "# The shop's web frontend") {
		t.Error("the annotated manifest lost its comments")
	}
	lint(exitClean, "--author", "alice@acme.com", "--deployer", "ci@acme.com", "web.approved.yaml")
	if out := lint(exitFindings, "--deployer", "BOB@acme.com", "web.approved.yaml"); !strings.Contains(out, "bob@acme.com is the deployer") {
		t.Errorf("the deployer approving is not reported:\n%s", out)
	}

	// A second approval of the same change is added to the first.
	out, _ := approve(exitClean, "--key", "alice", "--approver", "alice@acme.com", "--ticket", "CHG-1", "web.approved.yaml")
	var d map[string]any
	if err := yaml.Unmarshal([]byte(strings.SplitN(out, "\n---\n", 2)[0]), &d); err != nil {
		t.Fatal(err)
	}
	value := d["metadata"].(map[string]any)["annotations"].(map[string]any)["guardrail.dev/approvals"].(string)
	c, err := approval.ParseChange([]byte(value))
	if err != nil || len(c.Approvals) != 2 {
		t.Errorf("want bob's and alice's approvals, got %+v, %v", c, err)
	}

	// --patch writes only the annotations.
	out, _ = approve(exitClean, "--key", "bob", "--approver", "bob@acme.com", "--ticket", "CHG-1", "--patch", "web.yaml")
	if strings.Contains(out, "containers") || strings.Count(out, "guardrail.dev/approvals:") != 3 || !strings.Contains(out, "namespace: shop-prod") {
		t.Errorf("patch:\n%s", out)
	}

	// The plan: an approvals file next to it, found by lint.
	lint(exitFindings, "prod.plan.json")
	_, stderr := approve(exitClean, "--key", "bob", "--approver", "bob@acme.com", "--ticket", "CHG-1", "prod.plan.json")
	if !strings.Contains(stderr, "prod.plan.approvals.json") {
		t.Errorf("approve does not say where it wrote: %s", stderr)
	}
	lint(exitClean, "prod.plan.json")
	if err := os.Rename("prod.plan.approvals.json", "approvals.json"); err != nil {
		t.Fatal(err)
	}
	lint(exitFindings, "prod.plan.json")
	lint(exitClean, "--approvals", "approvals.json", "prod.plan.json")
	if out := lint(exitFindings, "--approvals", "approvals.json", "--author", "bob@acme.com", "prod.plan.json"); !strings.Contains(out, "GR-APPR-003") {
		t.Errorf("the author approving the plan is not reported:\n%s", out)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"--approver", "bob@acme.com", "web.yaml"},                                      // no way to sign
		{"--key", "bob", "--unsigned", "--approver", "bob@acme.com", "web.yaml"},        // two
		{"--key", "bob", "web.yaml"},                                                    // no approver
		{"--message-only", "--approver", "bob@acme.com", "web.yaml"},                    // three objects
		{"--key", "bob", "--approver", "bob@acme.com", "--expires", "soon", "web.yaml"}, // bad expiry
		{"--key", "missing", "--approver", "bob@acme.com", "web.yaml"},                  // no key
	} {
		approve(exitError, args...)
	}
	if code, _, stderr := runCLI(t, "", "lint", "--approvals", "web.yaml", "web.yaml"); code != exitError || !strings.Contains(stderr, "web.yaml") {
		t.Errorf("lint with an approvals file that is none: exit %d, %s", code, stderr)
	}
}

func TestApproveWithSSHKeygen(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen is not installed")
	}
	approvalFixture(t)
	code, _, stderr := runCLI(t, "", "approve", "--policy", "policy.yaml", "--approver", "bob@acme.com", "--ticket", "CHG-1",
		"--message-only", "-o", "statement", "prod.plan.json")
	if code != exitClean {
		t.Fatalf("--message-only: %s", stderr)
	}
	if err := os.Chmod("bob", 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(keygen, "-Y", "sign", "-f", "bob", "-n", approval.SignatureNamespace, "statement").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	if code, _, stderr := runCLI(t, "", "approve", "--policy", "policy.yaml", "--signature", "statement.sig", "prod.plan.json"); code != exitClean {
		t.Fatalf("--signature: %s", stderr)
	}
	if code, out, _ := runCLI(t, "", "lint", "--policy", "policy.yaml", "prod.plan.json"); code != exitClean {
		t.Fatalf("the plan approved through ssh-keygen fails:\n%s", out)
	}
	// A statement edited after signing, or a signature over another plan, is refused.
	if err := os.WriteFile("statement", []byte(strings.Replace(mustRead(t, "statement"), "CHG-1", "CHG-2", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "approve", "--policy", "policy.yaml", "--signature", "statement.sig", "prod.plan.json"); code != exitError || !strings.Contains(stderr, "does not sign") {
		t.Errorf("an edited statement: exit %d, %s", code, stderr)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestApprovalsExample runs examples/approvals/run.sh, the walk-through of
// docs/approvals.md, with real ssh-keygen keys.
func TestApprovalsExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds guardrail and runs the example script")
	}
	for _, tool := range []string{"bash", "ssh-keygen", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			// make test and CI run every suite: a missing tool fails there.
			if os.Getenv("GUARDRAIL_REQUIRE_ENVTEST") != "" || os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed, and make test runs the approvals example", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := filepath.Join(t.TempDir(), "guardrail")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "examples", "approvals", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append(os.Environ(), "GUARDRAIL="+bin, "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	if !strings.Contains(string(out), "The approval flow works as docs/approvals.md describes.") {
		t.Errorf("the example did not finish:\n%s", out)
	}
}

func TestApproveWaiver(t *testing.T) {
	approvalFixture(t)
	policyText := mustRead(t, "policy.yaml") + `  waivers:
    entries:
    - rules: [GR-APPR-001]
      resources: ["aws_ssm_parameter.*"]
      environments: [prod]
      reason: "parameters are tuned by the on-call"
      expires: "2099-12-31"
      owner: alice@acme.com
      ticket: CHG-5
`
	if err := os.WriteFile("policy.yaml", []byte(policyText), 0o600); err != nil {
		t.Fatal(err)
	}
	code, sig, stderr := runCLI(t, "", "approve", "--policy", "policy.yaml", "--waiver", "1", "--key", "bob", "--approver", "Bob@acme.com")
	if code != exitClean || !strings.Contains(stderr, "add bob@acme.com to approvedBy of waiver 1") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	signed := policyText + "      approvedBy: [bob@acme.com]\n      signatures:\n      - |\n        " +
		strings.ReplaceAll(strings.TrimSpace(sig), "\n", "\n        ") + "\n"
	if err := os.WriteFile("policy.yaml", []byte(signed), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "lint", "--policy", "policy.yaml", "--format", "json", "prod.plan.json")
	if !strings.Contains(out, `"waived": 1,`) || strings.Contains(out, `"ruleId": "GR-WAIVE-002"`) {
		t.Errorf("exit %d: the signed waiver does not apply:\n%s\n%s", code, out, stderr)
	}
	// Changed after signing, it no longer applies.
	if err := os.WriteFile("policy.yaml", []byte(strings.Replace(signed, "on-call", "anyone", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := runCLI(t, "", "lint", "--policy", "policy.yaml", "--format", "json", "prod.plan.json"); !strings.Contains(out, "does not verify: the waiver changed after it was signed") {
		t.Errorf("a waiver changed after signing applies:\n%s", out)
	}
}
