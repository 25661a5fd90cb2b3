package ports

import (
	"fmt"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/netrule"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// PortNotAllowed is GR-PORT-004.
var PortNotAllowed = &rule.Rule{
	ID:       "GR-PORT-004",
	Title:    "Only the ports the policy allows for the environment are opened",
	Control:  rule.Ports,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.RestrictedPorts, clause.FirewallNecessaryPortsOnly, clause.ExplicitlyAllowedTraffic},
	Description: "Where the policy lists the ports an environment may open (spec.ports.allowed), every ingress rule, " +
		"Service port, container port and host port must fall within that list. Environments without a list are " +
		"not judged by this rule, nor are network ACL rules admitting the ephemeral ports (1024-65535) that replies " +
		"to outbound connections come back on.",
	Remediation: "Close the port, or add it to spec.ports.allowed for the environment after review.",
	Types:       append(append(netrule.Types(), "Service"), kube.WorkloadKinds...),
	Check: func(p *rule.Pass, r *resource.Resource) {
		allowed, ok := p.Policy.AllowedPorts(p.Env(r))
		if !ok {
			return
		}
		if r.IsKubernetes() {
			kubePorts(p, r, allowed)
			return
		}
		rules, _ := netrule.Rules(r)
		for i := range rules {
			nr := &rules[i]
			if nr.Direction != netrule.Ingress || !nr.Allow || !nr.HasPorts() || returnTraffic(nr) {
				continue
			}
			if u := nr.UnknownPorts(); len(u) > 0 {
				p.Undecidable(r, u[0], "whether the rule's ports are in the allowlist of "+envName(p, r))
				continue
			}
			if !allowed.Covers(nr.Protocol, nr.From, nr.To) {
				p.ReportValue(r, nr.At, "ingress opens %s, outside the ports allowed in %s (%s)",
					policy.DescribeRange(nr.From, nr.To), envName(p, r), allowed)
			}
		}
	},
}

func envName(p *rule.Pass, r *resource.Resource) string {
	if env := p.Env(r); env != "" {
		return "environment " + env
	}
	return "any environment"
}

func kubePorts(p *rule.Pass, r *resource.Resource, allowed policy.PortSet) {
	if kube.Is(r, "", "Service") {
		svc, err := kube.Service(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "which ports the Service opens", err.Error())
			return
		}
		for i, sp := range svc.Spec.Ports {
			if !allowed.Contains(serviceProtocol(sp), int(sp.Port)) {
				p.Report(r, servicePortPath(i),
					"Service port %s is outside the ports allowed in %s (%s)", policy.PortName(int(sp.Port)), envName(p, r), allowed)
			}
		}
		return
	}
	pod, ok, err := kube.PodSpec(r)
	if err != nil {
		p.UndecidableBecause(r, nil, "which ports the pod opens", err.Error())
		return
	}
	if !ok {
		return
	}
	for _, c := range pod.Containers() {
		for j, cp := range c.Container.Ports {
			proto := "tcp"
			if cp.Protocol != "" {
				proto = strings.ToLower(string(cp.Protocol))
			}
			path := c.Path.Append(resource.Key("ports"), resource.Index(j))
			if cp.ContainerPort != 0 && !allowed.Contains(proto, int(cp.ContainerPort)) {
				p.Report(r, path.Append(resource.Key("containerPort")), "%s",
					fmt.Sprintf("container %q exposes port %s, outside the ports allowed in %s (%s)", c.Container.Name, policy.PortName(int(cp.ContainerPort)), envName(p, r), allowed))
			}
			if cp.HostPort != 0 && !allowed.Contains(proto, int(cp.HostPort)) {
				p.Report(r, path.Append(resource.Key("hostPort")), "%s",
					fmt.Sprintf("container %q binds host port %s, outside the ports allowed in %s (%s)", c.Container.Name, policy.PortName(int(cp.HostPort)), envName(p, r), allowed))
			}
		}
	}
}
