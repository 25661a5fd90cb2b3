package adminaccess

import "github.com/guardrail-dev/guardrail/pkg/rule"

// Rules returns the administrative-access rules.
func Rules() []*rule.Rule { return []*rule.Rule{WildcardIAM, ClusterAdmin, Privileged, ExpiredAccess} }
