package ports

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// LoadBalancerSourceRanges is GR-PORT-008.
var LoadBalancerSourceRanges = &rule.Rule{
	ID:       "GR-PORT-008",
	Title:    "LoadBalancer Services restrict their sources",
	Control:  rule.Ports,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.ExplicitlyAllowedTraffic},
	Description: "An external LoadBalancer Service without source ranges (spec.loadBalancerSourceRanges, or the " +
		"older service.beta.kubernetes.io/load-balancer-source-ranges annotation), or with a public range in them, " +
		"accepts traffic from the whole internet. Internal load balancers (by the cloud's annotation or load " +
		"balancer class, and those of the AWS Load Balancer Controller unless internet-facing) are not judged.",
	Remediation: "Set spec.loadBalancerSourceRanges to the ranges that need access, or annotate the Service for an " +
		"internal load balancer and publish it through an Ingress with TLS.",
	Formats: []resource.Format{resource.FormatKubernetes},
	Types:   []string{"Service"},
	Check: func(p *rule.Pass, r *resource.Resource) {
		svc := externalLoadBalancer(r)
		if svc == nil {
			return
		}
		ranges, at := sourceRanges(r, svc)
		if len(ranges) == 0 {
			var ports []int
			for _, sp := range svc.Spec.Ports {
				ports = append(ports, int(sp.Port))
			}
			verb := "accepts"
			if len(ports) > 1 {
				verb = "accept"
			}
			p.Report(r, resource.Path{resource.Key("spec"), resource.Key("type")},
				"the LoadBalancer Service sets no loadBalancerSourceRanges, so %s %s any source", servicePorts(ports), verb)
			return
		}
		for i, s := range ranges {
			if w := worldPeer(p.Policy, []netrule.Peer{netrule.ParsePeer(s, resource.Value{})}); w != "" {
				p.Report(r, at[i], "the LoadBalancer Service's source ranges admit %s, the whole internet", w)
			}
		}
	},
}

// servicePorts names the ports of a Service: "port 443 (HTTPS)", "ports 80 (HTTP), 443 (HTTPS)".
func servicePorts(ports []int) string {
	switch len(ports) {
	case 0:
		return "it"
	case 1:
		return "port " + policy.PortName(ports[0])
	}
	s := "ports "
	for i, n := range ports {
		if i > 0 {
			s += ", "
		}
		s += policy.PortName(n)
	}
	return s
}
