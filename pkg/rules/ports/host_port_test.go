package ports_test

import (
	"fmt"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// hostPortDevExempt exempts dev from GR-PORT-005, as node agents in dev clusters need it.
var hostPortDevExempt = policyWith(`  rules:
    GR-PORT-005:
      excludeEnvironments: [dev]
`)

func TestHostPort(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "deployment binding a host port",
			YAML: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
          hostPort: 8080`,
			Want: []ruletest.Want{{Address: "Deployment/shop/web", Path: "spec.template.spec.containers[0].ports[0].hostPort", Line: 15,
				Message: `container "web" binds host port 8080 (HTTP alternate) on every node the pod runs on`}},
		},
		{
			Name: "init and ephemeral containers count",
			YAML: `
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  initContainers:
  - name: init
    image: busybox
    ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]
  containers:
  - name: app
    image: app
  ephemeralContainers:
  - name: dbg
    image: busybox
    ports: [{containerPort: 2345, hostPort: 2345}]`,
			Want: []ruletest.Want{
				{Address: "Pod/shop/debug", Path: "spec.initContainers[0].ports[0].hostPort", Message: `container "init" binds host port 53 (DNS)`},
				{Address: "Pod/shop/debug", Path: "spec.ephemeralContainers[0].ports[0].hostPort", Message: `container "dbg" binds host port 2345`},
			},
		},
		{
			Name: "container ports without host ports, and a Service",
			YAML: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80}, {containerPort: 443, hostPort: 0}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30080}]`,
		},
		{
			Name:   "policy exempts dev: a dev namespace is not judged, prod is",
			Policy: hostPortDevExempt,
			YAML: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: dev}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent
        ports: [{containerPort: 9100, hostPort: 9100}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: prod}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent
        ports: [{containerPort: 9100, hostPort: 9100}]`,
			Want: []ruletest.Want{{Address: "DaemonSet/prod/agent", Message: `container "agent" binds host port 9100`}},
		},
		{
			Name:   "policy exempts dev: --env dev places everything in dev",
			Policy: hostPortDevExempt,
			Env:    "dev",
			YAML: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  containers:
  - {name: c, image: c, ports: [{containerPort: 80, hostPort: 80}]}`,
		},
		{
			Name: "the default policy judges dev too",
			YAML: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: dev}
spec:
  containers:
  - {name: c, image: c, ports: [{containerPort: 80, hostPort: 80}]}`,
			Want: []ruletest.Want{{Address: "Pod/dev/p", Message: "host port 80 (HTTP)"}},
		},
	}
	for _, k := range podKinds {
		cases = append(cases, ruletest.Case{
			Name: "every pod kind/" + k.kind,
			YAML: workload(k.kind, k.apiVersion, "app", "shop", `containers:
- name: app
  image: app:1
  ports:
  - {containerPort: 8443, hostPort: 443}
`),
			Want: []ruletest.Want{{Address: fmt.Sprintf("%s/shop/app", k.kind), Path: k.specPath + ".containers[0].ports[0].hostPort",
				Message: `container "app" binds host port 443 (HTTPS)`}},
		})
	}
	ruletest.Run(t, "GR-PORT-005", cases)
}
