package approval

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// ForSubject starts the approvals of a change: its subject and digest and,
// for a Kubernetes object, its canonical form embedded as the approved manifest.
func ForSubject(s *Subject) (Change, error) {
	if s.Err != nil {
		return Change{}, s.Err
	}
	c := Change{Format: Format, Subject: s.Name, Digest: s.Digest}
	if s.Kubernetes {
		c.Manifest = EncodeManifest(s.Canonical)
	}
	return c, nil
}

// ForObject starts the approvals of a Kubernetes object deployed to
// namespace ("" for cluster-scoped objects), prefix being the policy's
// annotation prefix.
func ForObject(obj map[string]any, namespace, prefix string) (Change, error) {
	d, canonical, err := ObjectDigest(obj, namespace, prefix)
	if err != nil {
		return Change{}, err
	}
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	subject := kind + "/" + name
	if namespace != "" {
		subject = kind + "/" + namespace + "/" + name
	}
	return Change{Format: Format, Subject: subject, Digest: d, Manifest: EncodeManifest(canonical)}, nil
}

// NewApproval fills in an approval given now: time now, and expiry after
// validFor when it is positive.
func NewApproval(approver, ticket string, now time.Time, validFor time.Duration) Approval {
	a := Approval{Approver: strings.TrimSpace(approver), Ticket: strings.TrimSpace(ticket), Time: FormatTime(now)}
	if validFor > 0 {
		a.Expires = FormatTime(now.Add(validFor))
	}
	return a
}

// Add adds approval a to the change, signing its statement with signer;
// a nil signer adds it unsigned. An approval by the same approver replaces
// theirs.
func (c *Change) Add(a Approval, signer ssh.Signer) error {
	if a.Approver == "" {
		return errors.New("an approval names its approver")
	}
	if _, err := ParseTime(a.Time); err != nil {
		return err
	}
	if signer != nil {
		sig, err := Sign(StatementOf(c.Digest, a).Bytes(), signer)
		if err != nil {
			return fmt.Errorf("signing: %w", err)
		}
		a.Signature = sig
	}
	c.AddSigned(a)
	return nil
}

// AddSigned adds an approval whose signature (if any) is already made,
// replacing an earlier one by the same approver.
func (c *Change) AddSigned(a Approval) {
	for i, old := range c.Approvals {
		if NormalizeIdentity(old.Approver) == NormalizeIdentity(a.Approver) && old.BreakGlass == a.BreakGlass {
			c.Approvals[i] = a
			return
		}
	}
	c.Approvals = append(c.Approvals, a)
}

// Annotate sets the approvals annotation of a Kubernetes object (its
// decoded map) to c; prefix is the policy's annotation prefix.
func Annotate(obj map[string]any, prefix string, c Change) error {
	value, err := EncodeChange(c)
	if err != nil {
		return err
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	ann, _ := meta["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		meta["annotations"] = ann
	}
	ann[prefix+KeyApprovals] = value
	return nil
}

// SignerFromKey reads an unencrypted OpenSSH private key.
func SignerFromKey(pem []byte) (ssh.Signer, error) {
	s, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, errors.New("the key is protected by a passphrase: load it into ssh-agent (guardrail approve uses the agent when SSH_AUTH_SOCK is set), " +
			"or sign the statement yourself (--message-only, then ssh-keygen -Y sign, then --signature)")
	}
	return s, err
}
