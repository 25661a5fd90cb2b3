package adminaccess

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// dangerousCapabilities give a container administrative power over the node.
var dangerousCapabilities = map[string]bool{
	"ALL": true, "SYS_ADMIN": true, "NET_ADMIN": true, "SYS_PTRACE": true, "SYS_MODULE": true, "DAC_READ_SEARCH": true,
	"BPF": true, "PERFMON": true, "SYS_RAWIO": true,
}

// Privileged is GR-ADMIN-003.
var Privileged = &rule.Rule{
	ID:       "GR-ADMIN-003",
	Title:    "Containers do not run privileged or share host namespaces",
	Control:  rule.AdminAccess,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.AdministrativeAccessRestricted, clause.LeastPrivilege, clause.SegmentationByRisk},
	Description: "A container is privileged, adds capabilities that amount to node administration (SYS_ADMIN, " +
		"NET_ADMIN, ALL...), or the pod shares the node's PID or IPC namespace: whoever controls the container " +
		"controls the node and every workload on it.",
	Remediation: "Remove privileged and the added capabilities (drop ALL, add only what is needed), and hostPID/hostIPC.",
	Formats:     []resource.Format{resource.FormatKubernetes},
	Types:       kube.WorkloadKinds,
	Peers: rule.Peers{
		Checkov:    []string{"CKV_K8S_16", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_39"},
		Trivy:      []string{"KSV-0017", "KSV-0010", "KSV-0008", "KSV-0005"},
		KubeLinter: []string{"privileged-container", "host-pid", "host-ipc"},
		Polaris:    []string{"runAsPrivileged", "dangerousCapabilities", "hostPIDSet", "hostIPCSet"},
		Kyverno:    []string{"disallow-privileged-containers", "disallow-host-namespaces", "disallow-capabilities"},
		Terrascan:  []string{"AC_K8S_0046", "AC_K8S_0075", "AC_K8S_0082", "AC_K8S_0083"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		pod, ok, err := kube.PodSpec(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "whether the pod is privileged", err.Error())
			return
		}
		if !ok {
			return
		}
		if pod.Spec.HostPID {
			p.Report(r, pod.Path.Append(resource.Key("hostPID")), "the pod shares the node's process namespace (hostPID: true)")
		}
		if pod.Spec.HostIPC {
			p.Report(r, pod.Path.Append(resource.Key("hostIPC")), "the pod shares the node's IPC namespace (hostIPC: true)")
		}
		for _, c := range pod.Containers() {
			sc := c.Container.SecurityContext
			if sc == nil {
				continue
			}
			at := c.Path.Append(resource.Key("securityContext"))
			if sc.Privileged != nil && *sc.Privileged {
				p.Report(r, at.Append(resource.Key("privileged")), "container %q runs privileged", c.Container.Name)
			}
			if sc.Capabilities != nil {
				for i, cp := range sc.Capabilities.Add {
					name := strings.TrimPrefix(strings.ToUpper(string(cp)), "CAP_")
					if dangerousCapabilities[name] {
						p.Report(r, at.Append(resource.Key("capabilities"), resource.Key("add"), resource.Index(i)),
							"container %q adds capability %s", c.Container.Name, name)
					}
				}
			}
		}
	},
}
