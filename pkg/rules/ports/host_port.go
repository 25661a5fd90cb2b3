package ports

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// HostPort is GR-PORT-005.
var HostPort = &rule.Rule{
	ID:       "GR-PORT-005",
	Title:    "Containers do not bind host ports",
	Control:  rule.Ports,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.SegmentationByRisk},
	Description: "A container port with hostPort opens that port on every node the pod runs on, outside the " +
		"cluster's Services and NetworkPolicies. Allow it only in environments that need it " +
		"(spec.rules.GR-PORT-005.excludeEnvironments).",
	Remediation: "Remove hostPort and expose the container through a Service (ClusterIP, or an Ingress for HTTP).",
	Formats:     []resource.Format{resource.FormatKubernetes},
	Types:       kube.WorkloadKinds,
	Peers: rule.Peers{
		Checkov: []string{"CKV_K8S_26"},
		Trivy:   []string{"KSV-0024"},
		Polaris: []string{"hostPortSet"},
		Kyverno: []string{"disallow-host-ports"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		pod, ok, err := kube.PodSpec(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "whether the pod uses host ports", err.Error())
			return
		}
		if !ok {
			return
		}
		for _, c := range pod.Containers() {
			for j, cp := range c.Container.Ports {
				if cp.HostPort != 0 {
					p.Report(r, c.Path.Append(resource.Key("ports"), resource.Index(j), resource.Key("hostPort")),
						"container %q binds host port %s on every node the pod runs on", c.Container.Name, policy.PortName(int(cp.HostPort)))
				}
			}
		}
	},
}
