package approval_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/approval"
)

func object(t *testing.T, text string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	meta, _ := m["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	return approval.Object(m, ns, "guardrail.dev/")
}

const approvedDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: false
      containers:
      - name: web
        image: registry.acme.test/web:1.2.0
        ports: [{containerPort: 8443}]
        resources: {requests: {cpu: "0.5", memory: 128Mi}}
        readinessProbe: {httpGet: {path: /ready, port: 8443}}
        env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
      volumes: [{name: config, configMap: {name: web}}]
`

// admittedDeployment is approvedDeployment as the API server hands it to
// validating webhooks: defaulted, with its own metadata and status.
const admittedDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  labels: {app: web}
  uid: 5d0e0b1a-0000-4000-8000-000000000001
  generation: 1
  creationTimestamp: "2026-11-23T12:00:00Z"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: "{}"
    guardrail.dev/approvals: "{}"
  managedFields: [{manager: kubectl, operation: Update}]
spec:
  replicas: 3
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata: {creationTimestamp: null, labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.acme.test/web:1.2.0
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8443, protocol: TCP}]
        resources: {requests: {cpu: 500m, memory: 128Mi}}
        readinessProbe:
          httpGet: {path: /ready, port: 8443, scheme: HTTP}
          timeoutSeconds: 1
          periodSeconds: 10
          successThreshold: 1
          failureThreshold: 3
        env: [{name: POD, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: metadata.name}}}]
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      volumes: [{name: config, configMap: {name: web, defaultMode: 420}}]
      restartPolicy: Always
      terminationGracePeriodSeconds: 30
      dnsPolicy: ClusterFirst
      securityContext: {}
      schedulerName: default-scheduler
status: {}
`

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name               string
		approved, admitted string
		edit               func(string) string
		opts               approval.MatchOptions
		want               []string // differences, in order
	}{
		{name: "a defaulted Deployment matches", approved: approvedDeployment, admitted: admittedDeployment},
		{name: "a hostPort added", approved: approvedDeployment, admitted: admittedDeployment,
			edit: func(s string) string {
				return strings.Replace(s, "{containerPort: 8443, protocol: TCP}", "{containerPort: 8443, protocol: TCP, hostPort: 8443}", 1)
			},
			want: []string{"spec.template.spec.containers[0].ports[0].hostPort is 8443, which the approved manifest does not set and which is not what the API server sets (the containerPort, on the host network)"}},
		{name: "an environment variable added", approved: approvedDeployment, admitted: admittedDeployment,
			edit: func(s string) string {
				return strings.Replace(s, "env: [{name: POD,", "env: [{name: DEBUG, value: '1'}, {name: POD,", 1)
			},
			want: []string{`spec.template.spec.containers[0].env[0].name is "DEBUG", the approved manifest has "POD"`,
				`spec.template.spec.containers[0].env[0].valueFrom is not set, the approved manifest has {"fieldRef":{"fieldPath":"metadata.name"}}`,
				`spec.template.spec.containers[0].env[0].value is "1", which the approved manifest does not set and which the API server does not default`,
				`spec.template.spec.containers[0].env[1] is {"name":"POD",...`}},
		{name: "a default changed", approved: approvedDeployment, admitted: admittedDeployment,
			edit: func(s string) string {
				return strings.Replace(s, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 0", 1)
			},
			want: []string{"spec.template.spec.terminationGracePeriodSeconds is 0, which the approved manifest does not set and which is not what the API server sets (30)"}},
		{name: "an approved field removed", approved: approvedDeployment, admitted: admittedDeployment,
			edit: func(s string) string {
				return strings.Replace(s, "      volumes: [{name: config, configMap: {name: web, defaultMode: 420}}]\n", "", 1)
			},
			want: []string{`spec.template.spec.volumes is not set, the approved manifest has [{"configMap":{"name":"web"},"name":"config"}]`}},
		{name: "replicas changed", approved: approvedDeployment, admitted: admittedDeployment,
			edit: func(s string) string { return strings.Replace(s, "replicas: 3", "replicas: 7", 1) },
			want: []string{"spec.replicas is 7, the approved manifest has 3"}},
		{name: "replicas changed, scaleOnly exempt", approved: approvedDeployment, admitted: admittedDeployment,
			edit: func(s string) string { return strings.Replace(s, "replicas: 3", "replicas: 7", 1) },
			opts: approval.MatchOptions{IgnoreReplicas: true}},
		{name: "an image pulled always when it has no tag", approved: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec: {containers: [{name: a, image: busybox}, {name: b, image: "busybox:1.36"}, {name: c, image: "busybox@sha256:0123"}]}`,
			admitted: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  containers:
  - {name: a, image: busybox, imagePullPolicy: Always}
  - {name: b, image: "busybox:1.36", imagePullPolicy: IfNotPresent}
  - {name: c, image: "busybox@sha256:0123", imagePullPolicy: Always}
  serviceAccountName: default
  serviceAccount: default
  priority: 0
  enableServiceLinks: true
  preemptionPolicy: PreemptLowerPriority
  tolerations:
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  volumes: [{name: kube-api-access-x7k2p, projected: {sources: []}}]`,
			want: []string{`spec.containers[2].imagePullPolicy is "Always", which the approved manifest does not set and which is not what the API server sets (Always for an image without a tag or tagged latest, IfNotPresent otherwise)`}},
		{name: "a toleration no admission plugin adds", approved: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec: {containers: [{name: a, image: "busybox:1"}]}`,
			admitted: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  containers: [{name: a, image: "busybox:1", imagePullPolicy: IfNotPresent}]
  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]`,
			want: []string{`spec.tolerations is [{"effect":"NoSchedule","key":"node-role.kubernetes.io/contr..., which the approved manifest does not set and which the API server does not default`}},
		{name: "no service account token for a pod that opts out", approved: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec: {automountServiceAccountToken: false, containers: [{name: a, image: "busybox:1"}]}`,
			admitted: `
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  automountServiceAccountToken: false
  containers: [{name: a, image: "busybox:1", imagePullPolicy: IfNotPresent}]
  volumes: [{name: kube-api-access-x7k2p, projected: {sources: []}}]`,
			want: []string{`spec.volumes is [{"name":"kube-api-access-x7k2p","projected":{"sources":[]}}..., which the approved manifest does not set and which the API server does not default`}},
		{name: "a Service's allocated and defaulted fields", approved: `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: prod}
spec: {type: NodePort, selector: {app: api}, ports: [{name: https, port: 443}]}`,
			admitted: `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: prod}
spec:
  type: NodePort
  selector: {app: api}
  ports: [{name: https, port: 443, targetPort: 443, protocol: TCP, nodePort: 31443}]
  clusterIP: 10.0.0.12
  clusterIPs: [10.0.0.12]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  sessionAffinity: None
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster`},
		{name: "a Service's targetPort is its port only", approved: `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: prod}
spec: {selector: {app: api}, ports: [{port: 443, targetPort: 0}]}`,
			admitted: `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: prod}
spec: {selector: {app: api}, ports: [{port: 443, targetPort: 22, protocol: TCP}]}`,
			want: []string{"spec.ports[0].targetPort is 22, the approved manifest has 0"}},
		{name: "a peer admitting every namespace", approved: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-web, namespace: prod}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]`,
			admitted: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-web, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}, namespaceSelector: {}}]}]`,
			want: []string{"spec.ingress[0].from[0].namespaceSelector is {}, which the approved manifest does not set and which the API server does not default"}},
		{name: "a Job's generated selector and labels", approved: `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: prod}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: "m:1"}]}}}`,
			admitted: `
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: prod
  labels: {batch.kubernetes.io/controller-uid: 1f2e, batch.kubernetes.io/job-name: migrate, controller-uid: 1f2e, job-name: migrate}
spec:
  backoffLimit: 6
  completionMode: NonIndexed
  completions: 1
  manualSelector: false
  parallelism: 1
  podReplacementPolicy: TerminatingOrFailed
  suspend: false
  selector: {matchLabels: {batch.kubernetes.io/controller-uid: 1f2e}}
  template:
    metadata:
      labels: {batch.kubernetes.io/controller-uid: 1f2e, batch.kubernetes.io/job-name: migrate, controller-uid: 1f2e, job-name: migrate}
    spec:
      restartPolicy: Never
      containers: [{name: m, image: "m:1", imagePullPolicy: IfNotPresent, terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File}]
      dnsPolicy: ClusterFirst
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30`},
		{name: "another kind", approved: approvedDeployment, admitted: strings.Replace(admittedDeployment, "kind: Deployment", "kind: StatefulSet", 1),
			want: []string{"is a apps/v1 StatefulSet, the approved manifest a apps/v1 Deployment"}},
		{name: "a custom resource, compared as it is", approved: `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: prod}
spec: {size: 3, color: blue}`,
			admitted: `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: prod}
spec: {size: 3.0, color: blue, defaulted: true}`,
			want: []string{"spec.defaulted is true, which the approved manifest does not set and which the API server does not default"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			admitted := tc.admitted
			if tc.edit != nil {
				admitted = tc.edit(admitted)
				if admitted == tc.admitted {
					t.Fatal("the edit changed nothing")
				}
			}
			diffs := approval.Match(object(t, tc.approved), object(t, admitted), tc.opts)
			var got []string
			for _, d := range diffs {
				got = append(got, d.String())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("differences:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			for i := range got {
				if want, clipped := strings.CutSuffix(tc.want[i], "..."); got[i] != tc.want[i] && !(clipped && strings.HasPrefix(got[i], want)) {
					t.Errorf("difference %d:\n got %s\nwant %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}
