package rules

import (
	"sync"

	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/adminaccess"
	"github.com/guardrail-dev/guardrail/pkg/rules/approval"
	"github.com/guardrail-dev/guardrail/pkg/rules/atrest"
	"github.com/guardrail-dev/guardrail/pkg/rules/backup"
	"github.com/guardrail-dev/guardrail/pkg/rules/logging"
	"github.com/guardrail-dev/guardrail/pkg/rules/ports"
	"github.com/guardrail-dev/guardrail/pkg/rules/segregation"
	"github.com/guardrail-dev/guardrail/pkg/rules/transit"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

// All returns every built-in rule: the four controls first (segregation,
// encryption in transit, ports, change approval), then the other controls
// the policies ask for, then waiver bookkeeping.
func All() []*rule.Rule {
	var all []*rule.Rule
	for _, group := range [][]*rule.Rule{
		segregation.Rules(), transit.Rules(), ports.Rules(), approval.Rules(),
		atrest.Rules(), adminaccess.Rules(), logging.Rules(), backup.Rules(),
		waiver.Rules(),
	} {
		all = append(all, group...)
	}
	return all
}

var defaultRegistry = sync.OnceValue(func() *rule.Registry { return rule.MustRegistry(All()...) })

// Default returns the registry of all built-in rules.
func Default() *rule.Registry { return defaultRegistry() }
