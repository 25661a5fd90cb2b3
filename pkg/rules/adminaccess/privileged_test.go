package adminaccess_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// workload wraps a pod spec (indented for its place) in an object of kind.
func workload(apiVersion, kind, name, podSpec string) string {
	indent := func(s string, n int) string {
		pad := strings.Repeat(" ", n)
		return pad + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+pad)
	}
	head := fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata: {name: %s, namespace: apps}\n", apiVersion, kind, name)
	switch kind {
	case "Pod":
		return head + "spec:\n" + indent(podSpec, 2)
	case "PodTemplate":
		return head + "template:\n  spec:\n" + indent(podSpec, 4)
	case "CronJob":
		return head + "spec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n" + indent(podSpec, 10)
	default:
		return head + "spec:\n  template:\n    spec:\n" + indent(podSpec, 6)
	}
}

func TestPrivileged(t *testing.T) {
	const privileged = `
containers:
- name: app
  image: app:1
  securityContext:
    privileged: true`
	kinds := []struct{ apiVersion, kind, address, path string }{
		{"v1", "Pod", "Pod/apps/w", "spec"},
		{"v1", "PodTemplate", "PodTemplate/apps/w", "template.spec"},
		{"apps/v1", "Deployment", "Deployment/apps/w", "spec.template.spec"},
		{"apps/v1", "StatefulSet", "StatefulSet/apps/w", "spec.template.spec"},
		{"apps/v1", "DaemonSet", "DaemonSet/apps/w", "spec.template.spec"},
		{"apps/v1", "ReplicaSet", "ReplicaSet/apps/w", "spec.template.spec"},
		{"v1", "ReplicationController", "ReplicationController/apps/w", "spec.template.spec"},
		{"batch/v1", "Job", "Job/apps/w", "spec.template.spec"},
		{"batch/v1", "CronJob", "CronJob/apps/w", "spec.jobTemplate.spec.template.spec"},
		{"apps.openshift.io/v1", "DeploymentConfig", "DeploymentConfig/apps/w", "spec.template.spec"},
		{"argoproj.io/v1alpha1", "Rollout", "Rollout/apps/w", "spec.template.spec"},
	}
	var cases []ruletest.Case
	for _, k := range kinds {
		cases = append(cases, ruletest.Case{
			Name: "privileged container in a " + k.kind,
			YAML: workload(k.apiVersion, k.kind, "w", privileged),
			Want: []ruletest.Want{{Address: k.address, Path: k.path + ".containers[0].securityContext.privileged", Message: `container "app" runs privileged`}},
		})
	}
	cases = append(cases,
		ruletest.Case{
			Name: "host namespaces and dangerous capabilities",
			YAML: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  template:
    spec:
      hostPID: true
      hostIPC: true
      initContainers:
      - name: setup
        image: setup:1
        securityContext:
          capabilities:
            add: [NET_ADMIN, CHOWN]
      containers:
      - name: agent
        image: agent:1
        securityContext:
          privileged: false
          capabilities:
            add: [cap_sys_admin, SYS_PTRACE, NET_BIND_SERVICE]
            drop: [ALL]
      ephemeralContainers:
      - name: debug
        image: busybox
        securityContext:
          capabilities:
            add: [ALL]`,
			Want: []ruletest.Want{
				{Address: "DaemonSet/monitoring/agent", Path: "spec.template.spec.hostPID", Message: "hostPID: true", Line: 8},
				{Address: "DaemonSet/monitoring/agent", Path: "spec.template.spec.hostIPC", Message: "hostIPC: true"},
				{Address: "DaemonSet/monitoring/agent", Path: "spec.template.spec.initContainers[0].securityContext.capabilities.add[0]", Message: `container "setup" adds capability NET_ADMIN`, Line: 15},
				{Address: "DaemonSet/monitoring/agent", Path: "spec.template.spec.containers[0].securityContext.capabilities.add[0]", Message: "adds capability SYS_ADMIN"},
				{Address: "DaemonSet/monitoring/agent", Path: "spec.template.spec.containers[0].securityContext.capabilities.add[1]", Message: "SYS_PTRACE"},
				{Address: "DaemonSet/monitoring/agent", Path: "spec.template.spec.ephemeralContainers[0].securityContext.capabilities.add[0]", Message: `container "debug" adds capability ALL`},
			},
		},
		ruletest.Case{
			Name: "hardened workload",
			YAML: workload("apps/v1", "Deployment", "web", `
hostPID: false
hostNetwork: false
securityContext:
  runAsNonRoot: true
containers:
- name: web
  image: web:1
  securityContext:
    privileged: false
    allowPrivilegeEscalation: false
    capabilities:
      drop: [ALL]
      add: [NET_BIND_SERVICE]
- name: sidecar
  image: proxy:1`),
		},
		ruletest.Case{
			Name: "objects without a pod spec are not judged",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: privileged, namespace: apps}
data: {privileged: "true", hostPID: "true"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken, namespace: apps}
spec:
  template: {}`,
		},
		ruletest.Case{
			Name: "terraform is not judged",
			HCL: `
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = jsonencode([{ name = "a", image = "a", privileged = true }])
}`,
		},
	)
	ruletest.Run(t, "GR-ADMIN-003", cases)
}
