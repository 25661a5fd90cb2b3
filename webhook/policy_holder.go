package webhook

import (
	"sync/atomic"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// PolicyHolder holds the policy in force. The policy controller swaps in a
// new compiled policy when the GuardrailPolicy changes; every request reads
// one complete policy, old or new, never a mix. The zero value holds none.
type PolicyHolder struct {
	p atomic.Pointer[Active]
}

// Active is a compiled policy and where it came from.
type Active struct {
	Policy *policy.Policy
	// Source names the policy (the GuardrailPolicy's name and generation).
	Source string
}

// Store makes p the policy in force.
func (h *PolicyHolder) Store(p *policy.Policy, source string) {
	h.p.Store(&Active{Policy: p, Source: source})
}

// Load returns the policy in force, or nil when none was stored yet.
func (h *PolicyHolder) Load() *Active { return h.p.Load() }
