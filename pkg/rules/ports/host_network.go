package ports

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// HostNetwork is GR-PORT-006.
var HostNetwork = &rule.Rule{
	ID:       "GR-PORT-006",
	Title:    "Pods do not use the host network",
	Control:  rule.Ports,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.SegmentationByRisk},
	Description: "A pod with hostNetwork: true listens on the node's own interfaces: every port it opens is a node " +
		"port, NetworkPolicies do not apply to it, and it can reach node-local services. Allow it only for " +
		"infrastructure that needs it (CNI, node agents), by environment or waiver.",
	Remediation: "Remove hostNetwork and expose the pod through a Service.",
	Formats:     []resource.Format{resource.FormatKubernetes},
	Types:       kube.WorkloadKinds,
	Peers: rule.Peers{
		Checkov:    []string{"CKV_K8S_19"},
		Trivy:      []string{"KSV-0009"},
		KubeLinter: []string{"host-network"},
		Polaris:    []string{"hostNetworkSet"},
		Kyverno:    []string{"disallow-host-namespaces"},
		Terrascan:  []string{"AC_K8S_0084"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		pod, ok, err := kube.PodSpec(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "whether the pod shares the node's network", err.Error())
			return
		}
		if !ok || !pod.Spec.HostNetwork {
			return
		}
		p.Report(r, pod.Path.Append(resource.Key("hostNetwork")), "the pod shares the node's network namespace (hostNetwork: true)")
	},
}
