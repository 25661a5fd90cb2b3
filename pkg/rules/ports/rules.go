package ports

import "github.com/guardrail-dev/guardrail/pkg/rule"

// Rules returns the port-restriction rules.
func Rules() []*rule.Rule {
	return []*rule.Rule{
		AdminPortsOpenToWorld, DataPortsOpenToWorld, AllPortsOpenToWorld, PortNotAllowed, HostPort,
		HostNetwork, NodePort, LoadBalancerSourceRanges, PublicEndpoint, PublicIP,
	}
}
