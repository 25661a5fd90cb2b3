package adminaccess

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// ClusterAdmin is GR-ADMIN-002.
var ClusterAdmin = &rule.Rule{
	ID:       "GR-ADMIN-002",
	Title:    "No binding grants cluster-admin or wildcard RBAC",
	Control:  rule.AdminAccess,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.AdministrativeAccessRestricted, clause.LeastPrivilege, clause.OnlyAdminsFullAccess},
	Description: "A RoleBinding or ClusterRoleBinding grants the cluster-admin role to users, groups or service " +
		"accounts other than the system's own, or a Role or ClusterRole allows every verb on every resource.",
	Remediation: "Bind narrower roles that list the resources and verbs needed; keep cluster-admin for break-glass " +
		"access, granted temporarily (guardrail.dev/expires) and audited.",
	Formats: []resource.Format{resource.FormatKubernetes},
	Types:   []string{"RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole"},
	Peers: rule.Peers{
		Checkov:    []string{"CKV_K8S_49"},
		KubeLinter: []string{"cluster-admin-role-binding", "wildcard-in-rules"},
		Polaris:    []string{"clusterrolebindingClusterAdmin", "rolebindingClusterAdminClusterRole", "rolebindingClusterAdminRole"},
		Trivy:      []string{"KSV-0044", "KSV-0111"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if kube.Group(r.APIVersion) != "rbac.authorization.k8s.io" {
			return
		}
		switch r.Type {
		case "RoleBinding", "ClusterRoleBinding":
			b, err := kube.RoleBinding(r)
			if err != nil {
				p.UndecidableBecause(r, nil, "whether the binding grants cluster-admin", err.Error())
				return
			}
			if b.RoleRef.Name != "cluster-admin" || b.RoleRef.Kind != "ClusterRole" {
				return
			}
			for i, s := range b.Subjects {
				at := resource.Path{resource.Key("subjects"), resource.Index(i)}
				switch {
				case everyone(s.Name):
					p.Report(r, at, "%s %q, which is everyone of its kind, is bound to cluster-admin", s.Kind, s.Name)
				case !strings.HasPrefix(s.Name, "system:"):
					p.Report(r, at, "%s %q is bound to cluster-admin", s.Kind, s.Name)
				}
			}
		case "Role", "ClusterRole":
			if strings.HasPrefix(r.Name, "system:") || r.Name == "cluster-admin" {
				return
			}
			role, err := kube.Role(r)
			if err != nil {
				p.UndecidableBecause(r, nil, "whether the role allows everything", err.Error())
				return
			}
			for i, pr := range role.Rules {
				if has(pr.Verbs, "*") && has(pr.Resources, "*") && (has(pr.APIGroups, "*") || len(pr.APIGroups) == 0) {
					p.Report(r, resource.Path{resource.Key("rules"), resource.Index(i)}, "rule %d allows every verb on every resource", i+1)
				}
			}
		}
	},
}

// everyone reports whether a subject name is one of the system groups and
// users that stand for everyone: any client, any signed-in user, any service
// account (of a namespace). Other system: subjects are the cluster's own
// components, which the default bindings grant what they need.
func everyone(name string) bool {
	switch name {
	case "system:anonymous", "system:unauthenticated", "system:authenticated", "system:serviceaccounts":
		return true
	}
	return strings.HasPrefix(name, "system:serviceaccounts:")
}

func has(ss []string, s string) bool {
	for _, e := range ss {
		if e == s {
			return true
		}
	}
	return false
}
