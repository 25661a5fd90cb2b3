package approval

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// SignatureNamespace is the SSH signature namespace of approvals:
// ssh-keygen -Y sign -n guardrail.dev/approval.
const SignatureNamespace = "guardrail.dev/approval"

// StatementFormat identifies an approval statement.
const StatementFormat = "guardrail.dev/approval-statement/v1"

// Statement is what an approver signs: every fact of the approval, so that
// none can be changed after signing. Its signed form is Bytes, the canonical
// JSON of the statement, e.g.
//
//	{"approver":"bob@acme.com","digest":"sha256:...","expires":"2026-11-26T10:00:00Z","format":"guardrail.dev/approval-statement/v1","ticket":"CHG-1","time":"2026-11-23T10:00:00Z"}
//
// Empty fields are left out. Time is empty only in the statements of
// policy-file waivers, whose expiry is in the waiver itself.
type Statement struct {
	Format     string `json:"format"`
	Digest     string `json:"digest"`
	Approver   string `json:"approver"`
	Ticket     string `json:"ticket,omitempty"`
	Time       string `json:"time,omitempty"`
	Expires    string `json:"expires,omitempty"`
	BreakGlass string `json:"breakGlass,omitempty"`
}

// StatementOf is the statement an approval of the change with this digest signs.
func StatementOf(digest string, a Approval) Statement {
	return Statement{Format: StatementFormat, Digest: digest, Approver: a.Approver, Ticket: a.Ticket,
		Time: a.Time, Expires: a.Expires, BreakGlass: a.BreakGlass}
}

// Bytes returns the statement's canonical JSON, the message signed.
func (s Statement) Bytes() []byte {
	m := map[string]any{"format": s.Format, "digest": s.Digest, "approver": s.Approver}
	for k, v := range map[string]string{"ticket": s.Ticket, "time": s.Time, "expires": s.Expires, "breakGlass": s.BreakGlass} {
		if v != "" {
			m[k] = v
		}
	}
	b, err := Canonical(m)
	if err != nil {
		// Only invalid UTF-8 fails, which no signature can then cover:
		// write it so that it cannot verify.
		return []byte("invalid statement: " + err.Error())
	}
	return b
}

// ParseStatement reads a statement written by `guardrail approve
// --message-only`, insisting on its canonical form, so that what was signed
// is exactly what verification rebuilds.
func ParseStatement(data []byte) (Statement, error) {
	var s Statement
	if err := decodeStrict(bytes.TrimSpace(data), &s); err != nil {
		return Statement{}, err
	}
	if s.Format != StatementFormat {
		return Statement{}, fmt.Errorf("format %q is not %q", clip(s.Format, 60), StatementFormat)
	}
	if !ValidDigest(s.Digest) || s.Approver == "" {
		return Statement{}, errors.New("the statement needs a digest and an approver")
	}
	if !bytes.Equal(bytes.TrimSpace(data), s.Bytes()) {
		return Statement{}, errors.New("the statement is not in canonical form (it was edited after guardrail wrote it)")
	}
	return s, nil
}

// Approval returns the approval the statement describes, signed by signature.
func (s Statement) Approval(signature string) Approval {
	return Approval{Approver: s.Approver, Ticket: s.Ticket, Time: s.Time, Expires: s.Expires, BreakGlass: s.BreakGlass, Signature: signature}
}

// Sign signs message with signer as `ssh-keygen -Y sign -n
// guardrail.dev/approval` does (SHA-512), and returns the armored signature.
func Sign(message []byte, signer ssh.Signer) (string, error) {
	sig, err := sshsig.Sign(bytes.NewReader(message), signer, sshsig.HashSHA512, SignatureNamespace)
	if err != nil {
		return "", err
	}
	return string(sshsig.Armor(sig)), nil
}

// ParseSignature reads an armored SSH signature and checks its namespace.
func ParseSignature(armored string) (*sshsig.Signature, error) {
	sig, err := sshsig.Unarmor([]byte(strings.TrimSpace(armored)))
	if err != nil {
		return nil, fmt.Errorf("the signature cannot be read (want -----BEGIN SSH SIGNATURE-----): %v", err)
	}
	if sig.Namespace != SignatureNamespace {
		return nil, fmt.Errorf("the signature is for namespace %q, not %s (ssh-keygen -Y sign -n %s)",
			clip(sig.Namespace, 60), SignatureNamespace, SignatureNamespace)
	}
	if err := sig.HashAlgorithm.Available(); err != nil {
		return nil, fmt.Errorf("the signature uses hash %q: %v", clip(string(sig.HashAlgorithm), 20), err)
	}
	return sig, nil
}

// signature is a parsed approval signature and what verifying it needs.
type signature struct {
	sig  *sshsig.Signature
	err  error
	fp   string   // the SHA256 fingerprint of its key
	hash [32]byte // of its armored text
}

var signatures cache[[32]byte, *signature]

// parseSignature parses an armored signature once per distinct text.
func parseSignature(armored string) *signature {
	h := sha256.Sum256([]byte(armored))
	if s, ok := signatures.get(h); ok {
		return s
	}
	s := &signature{hash: h}
	s.sig, s.err = ParseSignature(armored)
	if s.err == nil {
		s.fp = ssh.FingerprintSHA256(s.sig.PublicKey)
	}
	signatures.put(h, s)
	return s
}

// verifySignature checks that s signs message with key.
func verifySignature(message []byte, s *signature, key ssh.PublicKey) error {
	k := verifyKey{statement: sha256.Sum256(message), signature: s.hash, key: ssh.FingerprintSHA256(key)}
	if ok, cached := verified.get(k); cached {
		if ok {
			return nil
		}
		return errBadSignature
	}
	err := sshsig.Verify(bytes.NewReader(message), s.sig, key, s.sig.HashAlgorithm, SignatureNamespace)
	verified.put(k, err == nil)
	if err != nil {
		return errBadSignature
	}
	return nil
}

var errBadSignature = errors.New("the signature does not verify")

// VerifyApproval checks that approval a of the change with this digest is
// signed, with a key signers lists for its approver, over its statement.
func VerifyApproval(signers *Signers, digest string, a Approval) error {
	if a.Signature == "" {
		return errors.New("the approval is not signed")
	}
	sig := parseSignature(a.Signature)
	if sig.err != nil {
		return sig.err
	}
	fp := sig.fp
	key, ok := signers.Key(fp)
	if !ok {
		return fmt.Errorf("key %s is no allowed signer's", fp)
	}
	if !signers.HoldsKey(a.Approver, fp) {
		return fmt.Errorf("key %s is not listed for %s", fp, a.Approver)
	}
	return verifySignature(StatementOf(digest, a).Bytes(), sig, key)
}

// VerifyWith checks that an armored signature signs message with key, such
// as the key the signature itself names, before it is known whose key it is.
func VerifyWith(message []byte, armored string, key ssh.PublicKey) error {
	s := parseSignature(armored)
	if s.err != nil {
		return s.err
	}
	if s.fp != ssh.FingerprintSHA256(key) {
		return fmt.Errorf("the signature is made with key %s, not %s", s.fp, ssh.FingerprintSHA256(key))
	}
	return verifySignature(message, s, key)
}
