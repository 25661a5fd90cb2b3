package ports

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// NodePort is GR-PORT-007.
var NodePort = &rule.Rule{
	ID:       "GR-PORT-007",
	Title:    "Services are not exposed on node ports",
	Control:  rule.Ports,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.ZonedSubnets},
	Description: "A Service of type NodePort opens a port in the 30000-32767 range on every node, reachable by " +
		"anything that reaches a node, bypassing load balancer and ingress controls.",
	Remediation: "Use a ClusterIP Service behind an Ingress or Gateway, or an internal LoadBalancer with source ranges.",
	Formats:     []resource.Format{resource.FormatKubernetes},
	Types:       []string{"Service"},
	Peers: rule.Peers{
		KubeLinter: []string{"exposed-services"},
		Kyverno:    []string{"restrict-nodeport"},
		Terrascan:  []string{"AC_K8S_0111"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if !kube.Is(r, "", "Service") {
			return
		}
		svc, err := kube.Service(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "whether the Service opens node ports", err.Error())
			return
		}
		if svc.Spec.Type != "NodePort" {
			return
		}
		var ports []int
		for _, sp := range svc.Spec.Ports {
			if sp.NodePort != 0 {
				ports = append(ports, int(sp.NodePort))
			}
		}
		what := "a port in 30000-32767"
		if len(ports) > 0 && len(ports) == len(svc.Spec.Ports) {
			what = servicePorts(ports)
		}
		p.Report(r, resource.Path{resource.Key("spec"), resource.Key("type")}, "the Service is of type NodePort, which opens %s on every node", what)
	},
}
