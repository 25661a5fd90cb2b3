// Package approvaltest makes approvals for tests: throwaway SSH keys for
// approvers, the policy entries listing them, and Kubernetes objects
// annotated with signed approvals, through the same functions `guardrail
// approve` uses.
package approvaltest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// T is the part of testing.TB the helpers use; Ginkgo's GinkgoT() is one too.
type T interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// Prefix is the default approval annotation prefix.
const Prefix = "guardrail.dev/"

// Signer is an approver with a fresh ed25519 key.
type Signer struct {
	Identity string
	ssh.Signer
	// AuthorizedKey is the public key in authorized_keys form.
	AuthorizedKey string
	// Private is the private key in OpenSSH PEM form.
	Private []byte
}

// NewSigner makes a key for identity.
func NewSigner(t T, identity string) *Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, identity)
	if err != nil {
		t.Fatal(err)
	}
	return &Signer{
		Identity: identity, Signer: s,
		AuthorizedKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))) + " " + identity,
		Private:       pem.EncodeToMemory(block),
	}
}

// Entry is the signer's spec.approval.allowedSigners entry, limited to
// environments when any are given.
func (s *Signer) Entry(environments ...string) policy.Signer {
	return policy.Signer{Identity: s.Identity, Keys: []string{s.AuthorizedKey}, Environments: environments}
}

// YAML is the signer's allowedSigners entry as a YAML flow mapping.
func (s *Signer) YAML() string {
	return "{identity: " + s.Identity + ", keys: ['" + s.AuthorizedKey + "']}"
}

// Approval is an approval by the signer under ticket, given at.
func (s *Signer) Approval(ticket string, at time.Time) approval.Approval {
	return approval.NewApproval(s.Identity, ticket, at, 0)
}

// Approve annotates obj, a decoded Kubernetes object deployed to namespace,
// with an approval by each signer under ticket, given at; a nil signer in
// signers stands for no one. It returns the change.
func Approve(t T, obj map[string]any, namespace, ticket string, at time.Time, signers ...*Signer) approval.Change {
	t.Helper()
	c, err := approval.ForObject(obj, namespace, Prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range signers {
		if s == nil {
			continue
		}
		if err := c.Add(s.Approval(ticket, at), s); err != nil {
			t.Fatal(err)
		}
	}
	if err := approval.Annotate(obj, Prefix, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// ApproveObject annotates a typed object of a built-in kind (a Deployment, a
// Namespace...) with approvals, as Approve does; it returns the change.
func ApproveObject(t T, obj runtime.Object, namespace, ticket string, at time.Time, signers ...*Signer) approval.Change {
	t.Helper()
	m := Unstructured(t, obj)
	c := Approve(t, m, namespace, ticket, at, signers...)
	value, err := approval.EncodeChange(c)
	if err != nil {
		t.Fatal(err)
	}
	acc, ok := obj.(interface {
		GetAnnotations() map[string]string
		SetAnnotations(map[string]string)
	})
	if !ok {
		t.Fatalf("%T has no annotations", obj)
	}
	ann := acc.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[Prefix+approval.KeyApprovals] = value
	acc.SetAnnotations(ann)
	return c
}

// Unstructured returns a typed object of a built-in kind as a map, with its
// apiVersion and kind, as it is sent to the API server.
func Unstructured(t T, obj runtime.Object) map[string]any {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	if m["kind"] == nil || m["kind"] == "" {
		gvks, _, err := clientgoscheme.Scheme.ObjectKinds(obj)
		if err != nil || len(gvks) == 0 {
			t.Fatalf("no kind for %T: %v", obj, err)
		}
		m["apiVersion"], m["kind"] = gvks[0].GroupVersion().String(), gvks[0].Kind
	}
	return m
}
