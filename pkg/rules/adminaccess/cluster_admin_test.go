package adminaccess_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestClusterAdmin(t *testing.T) {
	ruletest.Run(t, "GR-ADMIN-002", []ruletest.Case{
		{
			Name: "cluster role binding grants cluster-admin to people and service accounts",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: User
  name: alice@example.com
  apiGroup: rbac.authorization.k8s.io
- kind: Group
  name: system:masters
  apiGroup: rbac.authorization.k8s.io
- kind: ServiceAccount
  name: deployer
  namespace: ci`,
			Want: []ruletest.Want{
				{Address: "ClusterRoleBinding/ops-admin", Path: "subjects[0]", Message: `User "alice@example.com" is bound to cluster-admin`, Line: 11},
				{Address: "ClusterRoleBinding/ops-admin", Path: "subjects[2]", Message: `ServiceAccount "deployer"`},
			},
		},
		{
			Name: "system groups meaning everyone are reported, the cluster's own are not",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: oops
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: system:unauthenticated, apiGroup: rbac.authorization.k8s.io}
- {kind: User, name: system:anonymous, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: system:serviceaccounts, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: system:masters, apiGroup: rbac.authorization.k8s.io}
- {kind: User, name: "system:kube-controller-manager", apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: "system:nodes", apiGroup: rbac.authorization.k8s.io}`,
			Want: []ruletest.Want{
				{Address: "ClusterRoleBinding/oops", Path: "subjects[0]", Message: "which is everyone of its kind"},
				{Address: "ClusterRoleBinding/oops", Path: "subjects[1]"},
				{Address: "ClusterRoleBinding/oops", Path: "subjects[2]"},
				{Address: "ClusterRoleBinding/oops", Path: "subjects[3]"},
				{Address: "ClusterRoleBinding/oops", Path: "subjects[4]"},
			},
		},
		{
			Name: "role binding grants cluster-admin in a namespace",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-admin, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: payments-devs, apiGroup: rbac.authorization.k8s.io}`,
			Want: []ruletest.Want{{Address: "RoleBinding/payments/team-admin", Path: "subjects[0]", Message: `Group "payments-devs"`, Line: 7}},
		},
		{
			Name: "bindings of narrower roles",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-edit, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: payments-devs, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cluster-admin}
subjects:
- {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}`,
		},
		{
			Name: "roles allowing every verb on every resource",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: superuser}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ns-owner, namespace: payments}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]`,
			Want: []ruletest.Want{
				{Address: "ClusterRole/superuser", Path: "rules[1]", Message: "rule 2 allows every verb on every resource", Line: 9},
				{Address: "Role/payments/ns-owner", Path: "rules[0]"},
			},
		},
		{
			Name: "roles with wildcards that stop short of everything",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-admin}
rules:
- apiGroups: [""]
  resources: ["*"]
  verbs: ["*"]
- apiGroups: ["*"]
  resources: [deployments]
  verbs: ["*"]
- apiGroups: ["*"]
  resources: ["*"]
  verbs: [get, list, watch]
- nonResourceURLs: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:controller:generic"}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`,
		},
		{
			Name: "kinds of the same name in other API groups are not RBAC",
			YAML: `
apiVersion: iam.example.com/v1
kind: ClusterRoleBinding
metadata: {name: lookalike}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: User, name: alice}
---
apiVersion: iam.example.com/v1
kind: Role
metadata: {name: lookalike, namespace: x}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`,
		},
		{
			Name: "terraform is not judged",
			HCL: `
resource "aws_iam_role" "cluster_admin" {
  name               = "cluster-admin"
  assume_role_policy = "{}"
}`,
		},
	})
}
