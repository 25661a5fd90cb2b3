package approval

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/crypto/ssh"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// Signers is the policy's spec.approval.allowedSigners, ready to verify
// signatures: who may sign, with which keys, for which environments and
// namespaces.
type Signers struct {
	byIdentity map[string]*signer
	// holders maps a key's SHA256 fingerprint to the identities listing it:
	// one key listed for two identities makes them one person.
	holders map[string][]string
	keys    map[string]ssh.PublicKey
}

type signer struct {
	identity     string
	environments []string
	namespaces   []string
	keys         []string // fingerprints
}

// NormalizeIdentity is how identities compare: trimmed, without case.
func NormalizeIdentity(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// ParseKey reads one allowed signer key in authorized_keys form
// ("ssh-ed25519 AAAA... comment"; options before the key type are allowed
// and ignored).
func ParseKey(line string) (ssh.PublicKey, error) {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, fmt.Errorf("not an SSH public key in authorized_keys form (ssh-ed25519 AAAA...): %v", err)
	}
	return key, nil
}

// NewSigners reads the allowed signers of a policy. A key that cannot be
// read is an error (the policy's validation refuses such a policy).
func NewSigners(p *policy.Policy) (*Signers, error) {
	s := &Signers{byIdentity: map[string]*signer{}, holders: map[string][]string{}, keys: map[string]ssh.PublicKey{}}
	for i, entry := range p.Document().Spec.Approval.AllowedSigners {
		id := NormalizeIdentity(entry.Identity)
		sg := s.byIdentity[id]
		if sg == nil {
			sg = &signer{identity: id}
			s.byIdentity[id] = sg
		}
		for _, env := range entry.Environments {
			if e, ok := p.Env(env); ok {
				env = e.Name // aliases name the environment too
			}
			sg.environments = append(sg.environments, env)
		}
		sg.namespaces = append(sg.namespaces, entry.Namespaces...)
		if len(entry.Environments) == 0 {
			sg.environments = append(sg.environments, "*")
		}
		if len(entry.Namespaces) == 0 {
			sg.namespaces = append(sg.namespaces, "*")
		}
		for j, line := range entry.Keys {
			key, err := ParseKey(line)
			if err != nil {
				return nil, fmt.Errorf("spec.approval.allowedSigners[%d].keys[%d]: %v", i, j, err)
			}
			fp := ssh.FingerprintSHA256(key)
			s.keys[fp] = key
			sg.keys = append(sg.keys, fp)
			if !slices.Contains(s.holders[fp], id) {
				s.holders[fp] = append(s.holders[fp], id)
			}
		}
	}
	return s, nil
}

var signersCache struct {
	sync.Mutex
	m map[*policy.Policy]*signersEntry
}

type signersEntry struct {
	s   *Signers
	err error
}

// SignersOf returns the allowed signers of p, read once per policy.
func SignersOf(p *policy.Policy) (*Signers, error) {
	signersCache.Lock()
	defer signersCache.Unlock()
	if e, ok := signersCache.m[p]; ok {
		return e.s, e.err
	}
	s, err := NewSigners(p)
	if signersCache.m == nil || len(signersCache.m) >= 16 {
		signersCache.m = map[*policy.Policy]*signersEntry{}
	}
	signersCache.m[p] = &signersEntry{s, err}
	return s, err
}

// Known reports whether identity is an allowed signer.
func (s *Signers) Known(identity string) bool {
	_, ok := s.byIdentity[NormalizeIdentity(identity)]
	return ok
}

// Empty reports whether the policy lists no signers.
func (s *Signers) Empty() bool { return len(s.byIdentity) == 0 }

// Holders returns the identities that list the key with this fingerprint.
func (s *Signers) Holders(fingerprint string) []string { return s.holders[fingerprint] }

// Key returns the listed key with this fingerprint.
func (s *Signers) Key(fingerprint string) (ssh.PublicKey, bool) {
	k, ok := s.keys[fingerprint]
	return k, ok
}

// HoldsKey reports whether identity lists the key with this fingerprint.
func (s *Signers) HoldsKey(identity, fingerprint string) bool {
	return slices.Contains(s.holders[fingerprint], NormalizeIdentity(identity))
}

// MayApprove says whether identity may approve changes in env and
// namespace ("" for changes outside Kubernetes); when not, why.
func (s *Signers) MayApprove(identity, env, namespace string) (bool, string) {
	sg, ok := s.byIdentity[NormalizeIdentity(identity)]
	if !ok {
		return false, identity + " is not an allowed signer (spec.approval.allowedSigners)"
	}
	if !matchAny(sg.environments, env) {
		return false, fmt.Sprintf("%s may approve changes in %s only, not in %s", identity, strings.Join(sg.environments, ", "), orNone(env))
	}
	if namespace == "" {
		if !slices.Contains(sg.namespaces, "*") {
			return false, fmt.Sprintf("%s may approve changes in namespaces %s only, and this change is in none", identity, strings.Join(sg.namespaces, ", "))
		}
		return true, ""
	}
	if !matchAny(sg.namespaces, namespace) {
		return false, fmt.Sprintf("%s may approve changes in namespaces %s only, not in %s", identity, strings.Join(sg.namespaces, ", "), namespace)
	}
	return true, ""
}

func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if p == "*" || p == s {
			return true
		}
		if ok, _ := doublestar.Match(p, s); ok {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "no environment"
	}
	return s
}
