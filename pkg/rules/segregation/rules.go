package segregation

import "github.com/guardrail-dev/guardrail/pkg/rule"

// Rules returns the segregation-of-environments rules.
func Rules() []*rule.Rule {
	return []*rule.Rule{
		MixedUnit, Unplaced, NetworkPeering, ForeignCIDR, ForeignNamespace, ForeignTrust, ForeignReference,
		ForeignEndpoint, ProductionData, DefaultDeny, SharedInfrastructure,
	}
}
