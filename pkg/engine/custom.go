package engine

import (
	"fmt"
	"sync"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/custom"
)

// customCache keeps, for recent (policy, registry) pairs, the registry with
// the policy's custom rules added, so that the webhook builds it once per
// policy and the rule settings cache (ruleConfigs), keyed by registry, hits.
var customCache struct {
	sync.Mutex
	m map[configKey]customEntry
}

type customEntry struct {
	reg *rule.Registry
	err error
}

// withCustomRules returns reg with the custom rules of p (spec.customRules)
// added, or reg itself when p has none. An ID a rule of reg already has is
// an error.
func withCustomRules(p *policy.Policy, reg *rule.Registry) (*rule.Registry, error) {
	if len(p.CustomRules()) == 0 {
		return reg, nil
	}
	key := configKey{p, reg}
	customCache.Lock()
	defer customCache.Unlock()
	if e, ok := customCache.m[key]; ok {
		return e.reg, e.err
	}
	merged, err := reg.With(custom.Rules(p)...)
	if err != nil {
		err = fmt.Errorf("engine: the custom rules of policy %q: %w", p.Name(), err)
	}
	if customCache.m == nil || len(customCache.m) >= maxCachedConfigs {
		customCache.m = make(map[configKey]customEntry, maxCachedConfigs)
	}
	customCache.m[key] = customEntry{merged, err}
	return merged, err
}
