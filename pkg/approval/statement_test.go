package approval_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/approval/approvaltest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

var digest = "sha256:" + strings.Repeat("ab", 32)

func TestStatement(t *testing.T) {
	a := approval.Approval{Approver: "bob@acme.test", Ticket: "CHG-1", Time: "2026-11-23T10:00:00Z", Expires: "2026-11-26T10:00:00Z"}
	st := approval.StatementOf(digest, a)
	want := `{"approver":"bob@acme.test","digest":"` + digest + `","expires":"2026-11-26T10:00:00Z","format":"guardrail.dev/approval-statement/v1","ticket":"CHG-1","time":"2026-11-23T10:00:00Z"}`
	if got := string(st.Bytes()); got != want {
		t.Errorf("statement\n got %s\nwant %s", got, want)
	}
	back, err := approval.ParseStatement([]byte(want + "\n"))
	if err != nil || back != st {
		t.Errorf("ParseStatement: %+v, %v", back, err)
	}
	for _, bad := range []string{
		strings.Replace(want, `"ticket":"CHG-1",`, `"ticket": "CHG-1",`, 1), // edited by hand
		strings.Replace(want, "approval-statement/v1", "approval-statement/v2", 1),
		`{"format":"guardrail.dev/approval-statement/v1","digest":"sha256:1","approver":"a"}`,
	} {
		if _, err := approval.ParseStatement([]byte(bad)); err == nil {
			t.Errorf("ParseStatement(%s): no error", bad)
		}
	}
}

// TestSignaturesInteroperateWithSSHKeygen signs with ssh-keygen -Y sign and
// verifies with guardrail, and the other way round, so that engineers can
// sign with ssh-agent or a hardware key and auditors can verify with OpenSSH.
func TestSignaturesInteroperateWithSSHKeygen(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen is not installed")
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "id_ed25519")
	run := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(keygen, args...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ssh-keygen %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	run(nil, "-q", "-t", "ed25519", "-N", "", "-C", "bob@acme.test", "-f", key)
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	doc := policy.Default()
	doc.Spec.Approval.AllowedSigners = []policy.Signer{{Identity: "bob@acme.test", Keys: []string{strings.TrimSpace(string(pub))}}}
	pol := policy.MustCompile(doc)
	signers, err := approval.NewSigners(pol)
	if err != nil {
		t.Fatal(err)
	}

	a := approval.NewApproval("bob@acme.test", "CHG-1", time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), 72*time.Hour)
	message := approval.StatementOf(digest, a).Bytes()
	msgFile := filepath.Join(dir, "statement")
	if err := os.WriteFile(msgFile, message, 0o600); err != nil {
		t.Fatal(err)
	}

	// ssh-keygen signs, guardrail verifies.
	run(nil, "-Y", "sign", "-f", key, "-n", approval.SignatureNamespace, msgFile)
	sig, err := os.ReadFile(msgFile + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	a.Signature = string(sig)
	if err := approval.VerifyApproval(signers, digest, a); err != nil {
		t.Errorf("guardrail does not verify ssh-keygen's signature: %v", err)
	}
	tampered := a
	tampered.Ticket = "CHG-2"
	if err := approval.VerifyApproval(signers, digest, tampered); err == nil {
		t.Error("a tampered ticket verifies")
	}
	// A signature made for another namespace does not count.
	if err := os.Remove(msgFile + ".sig"); err != nil {
		t.Fatal(err)
	}
	run(nil, "-Y", "sign", "-f", key, "-n", "file", "-O", "hashalg=sha256", msgFile)
	other, _ := os.ReadFile(msgFile + ".sig")
	if _, err := approval.ParseSignature(string(other)); err == nil || !strings.Contains(err.Error(), `namespace "file"`) {
		t.Errorf("a signature for namespace file: %v", err)
	}

	// guardrail signs (with the same key), ssh-keygen verifies.
	pem, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := approval.SignerFromKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := approval.Sign(message, signer)
	if err != nil {
		t.Fatal(err)
	}
	sigFile := filepath.Join(dir, "ours.sig")
	allowed := filepath.Join(dir, "allowed_signers")
	if err := os.WriteFile(sigFile, []byte(ours), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(allowed, []byte("bob@acme.test "+string(pub)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := run(message, "-Y", "verify", "-f", allowed, "-I", "bob@acme.test", "-n", approval.SignatureNamespace, "-s", sigFile)
	if !strings.Contains(string(out), `Good "guardrail.dev/approval" signature for bob@acme.test`) {
		t.Errorf("ssh-keygen -Y verify: %s", out)
	}
}

func TestSignerFromKey(t *testing.T) {
	s := approvaltest.NewSigner(t, "bob@acme.test")
	if _, err := approval.SignerFromKey(s.Private); err != nil {
		t.Error(err)
	}
	if _, err := approval.SignerFromKey([]byte("not a key")); err == nil {
		t.Error("no error for a file that is no key")
	}
}
