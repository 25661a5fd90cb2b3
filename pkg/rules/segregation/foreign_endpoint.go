package segregation

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// maxScannedString bounds the strings searched for host names.
const maxScannedString = 4096

// ForeignEndpoint is GR-SEG-008.
var ForeignEndpoint = &rule.Rule{
	ID:       "GR-SEG-008",
	Title:    "Configuration does not point at another environment's endpoints",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.ProductionDataRestricted, clause.SeparatedEnvironments},
	Description: "A value in a resource's configuration (an environment variable, a ConfigMap entry, an " +
		"ExternalName, a connection string, an attribute) names a host of another environment: a host matching " +
		"another environment's domains (spec.environments.definitions[].domains), a Kubernetes service DNS name " +
		"(svc.namespace.svc.cluster.local) in another environment's namespace, or a host whose first label matches " +
		"another environment's name patterns (prod-db.example.internal).",
	Remediation: "Point each environment at its own endpoints; keep environment-specific hosts in per-environment " +
		"configuration (overlays, tfvars) and review the values.",
	Check: func(p *rule.Pass, r *resource.Resource) {
		env := envOf(p, r)
		if env == "" {
			return
		}
		skip := terraformSkipped
		if r.IsKubernetes() {
			skip = kubernetesSkipped
		}
		root := r.Value()
		for _, key := range root.Keys() {
			if skip[key] {
				continue
			}
			scanStrings(root.Get(key), r.IsKubernetes(), func(s string, at resource.Value) {
				for _, host := range hostsIn(s) {
					if other, how := envOfHost(p, r, host); crosses(p, env, other) {
						p.ReportValue(r, at, "%s points at %s, an endpoint of environment %s (%s)", at.Path(), host, other, how)
						return
					}
				}
			})
		}
	},
}

// The top-level attributes not scanned: names, identities and tags say what
// a resource is, not what it points at.
var (
	kubernetesSkipped = map[string]bool{"metadata": true, "status": true, "apiVersion": true, "kind": true}
	terraformSkipped  = map[string]bool{
		"tags": true, "tags_all": true, "labels": true, "terraform_labels": true, "effective_labels": true,
		"name": true, "arn": true, "id": true,
	}
)

// scanStrings calls fn on the strings under v that may hold a host name.
// In Kubernetes objects the metadata of pod and job templates is skipped
// too: labels and annotations describe, they do not connect.
func scanStrings(v resource.Value, kubernetes bool, fn func(string, resource.Value)) {
	switch t := v.Raw().(type) {
	case string:
		if len(t) <= maxScannedString && strings.IndexByte(t, '.') >= 0 {
			fn(t, v)
		}
	case map[string]any:
		for k := range t {
			if kubernetes && k == "metadata" {
				continue
			}
			scanStrings(v.Get(k), kubernetes, fn)
		}
	case []any:
		for _, e := range v.List() {
			scanStrings(e, kubernetes, fn)
		}
	}
}

// hostsIn returns the runs of host-name characters in s that look like host
// names: at least one dot, a letter, no leading or trailing dot.
func hostsIn(s string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		h := strings.Trim(s[start:end], ".-")
		start = -1
		if strings.IndexByte(h, '.') < 0 || !hasLetter(h) || strings.Contains(h, "..") {
			return
		}
		out = append(out, strings.ToLower(h))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// envOfHost places a host name: by the policy's domains, as a Kubernetes
// service DNS name, or by its first label's name patterns.
func envOfHost(p *rule.Pass, r *resource.Resource, host string) (env, how string) {
	if p.Policy.HasDomains() {
		if e, ok := p.Policy.EnvOfHost(host); ok {
			return e, "by the policy's domains"
		}
	}
	labels := strings.Split(host, ".")
	// <service>.<namespace>.svc[.cluster.local]
	for i := 1; i+1 < len(labels); i++ {
		if labels[i+1] == "svc" && (i+2 == len(labels) || strings.Join(labels[i+2:], ".") == "cluster.local") {
			ns := labels[i]
			if ns == r.Namespace {
				return "", ""
			}
			return namespaceEnv(p, ns), "service DNS name in namespace " + ns
		}
	}
	if len(labels) >= 3 {
		if e, ok := p.Policy.EnvOfName(labels[0]); ok {
			return e, "host name " + labels[0]
		}
	}
	return "", ""
}
