package kube

import (
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// object reads one Kubernetes object from YAML, as the manifest loader would.
func object(t *testing.T, src string) *resource.Resource {
	t.Helper()
	docs, err := yamldoc.Parse([]byte(src), yamldoc.Limits{})
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("bad test YAML: %v %+v", err, docs)
	}
	m := docs[0].Value.(map[string]any)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	api, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	return &resource.Resource{Format: resource.FormatKubernetes, Type: kind, APIVersion: api, Name: name, Address: kind + "/" + name, Attributes: m}
}

const podSpec = `
        initContainers: [{name: init, image: busybox}]
        containers:
        - {name: app, image: app:1, ports: [{containerPort: 8080, hostPort: 80}]}
        - {name: side, image: side:1}
        ephemeralContainers: [{name: debug, image: busybox}]
        hostNetwork: true`

func TestPodSpecEveryKind(t *testing.T) {
	tests := []struct {
		kind, apiVersion string
		wrap             string // the object around the pod spec, %s where it goes
		path             string
	}{
		{"Pod", "v1", "spec:%s", "spec"},
		{"PodTemplate", "v1", "template:\n  spec:%s", "template.spec"},
		{"Deployment", "apps/v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"StatefulSet", "apps/v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"DaemonSet", "apps/v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"ReplicaSet", "apps/v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"ReplicationController", "v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"Job", "batch/v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"CronJob", "batch/v1", "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:%s", "spec.jobTemplate.spec.template.spec"},
		{"DeploymentConfig", "apps.openshift.io/v1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
		{"Rollout", "argoproj.io/v1alpha1", "spec:\n  template:\n    spec:%s", "spec.template.spec"},
	}
	if len(tests) != len(WorkloadKinds) {
		t.Errorf("%d kinds tested, WorkloadKinds has %d", len(tests), len(WorkloadKinds))
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			// Indent the pod spec to where the wrapper puts it.
			indent := strings.Count(tt.wrap, "\n")*2 + 2
			spec := strings.ReplaceAll(podSpec, "\n        ", "\n"+strings.Repeat(" ", indent))
			src := "apiVersion: " + tt.apiVersion + "\nkind: " + tt.kind + "\nmetadata: {name: w}\n" + strings.Replace(tt.wrap, "%s", spec, 1) + "\n"
			r := object(t, src)
			pod, ok, err := PodSpec(r)
			if !ok || err != nil {
				t.Fatalf("PodSpec = %v, %v\n%s", ok, err, src)
			}
			if pod.Path.String() != tt.path {
				t.Errorf("Path = %s, want %s", pod.Path, tt.path)
			}
			if !pod.Spec.HostNetwork || len(pod.Spec.Containers) != 2 || pod.Spec.Containers[0].Ports[0].HostPort != 80 {
				t.Errorf("spec %+v", pod.Spec)
			}
			refs := pod.Containers()
			want := []struct {
				name, path      string
				init, ephemeral bool
			}{
				{"init", tt.path + ".initContainers[0]", true, false},
				{"app", tt.path + ".containers[0]", false, false},
				{"side", tt.path + ".containers[1]", false, false},
				{"debug", tt.path + ".ephemeralContainers[0]", false, true},
			}
			if len(refs) != len(want) {
				t.Fatalf("%d containers", len(refs))
			}
			for i, w := range want {
				c := refs[i]
				if c.Container.Name != w.name || c.Path.String() != w.path || c.Init != w.init || c.Ephemeral != w.ephemeral {
					t.Errorf("container %d = %s at %s (init %v, ephemeral %v), want %+v", i, c.Container.Name, c.Path, c.Init, c.Ephemeral, w)
				}
				// The path leads to the container in the attribute tree.
				if name := valueAt(r, c.Path).Get("name").String(); name != w.name {
					t.Errorf("container %d path %s leads to %q", i, c.Path, name)
				}
			}
			// The second call returns the memoised view.
			again, _, _ := PodSpec(r)
			if again.Spec != pod.Spec {
				t.Error("PodSpec is not memoised")
			}
		})
	}
}

// valueAt follows a path through a resource's attributes.
func valueAt(r *resource.Resource, p resource.Path) resource.Value {
	v := r.Value()
	for _, s := range p {
		if s.IsIndex() {
			v = v.At(s.Index)
		} else {
			v = v.Get(s.Key)
		}
	}
	return v
}

func TestPodSpecNotAWorkload(t *testing.T) {
	for _, r := range []*resource.Resource{
		{Format: resource.FormatKubernetes, Type: "Service", APIVersion: "v1"},
		{Format: resource.FormatKubernetes, Type: "ConfigMap", APIVersion: "v1"},
		{Format: resource.FormatTerraform, Type: "Pod"},
		{Format: resource.FormatPlan, Type: "Deployment", Attributes: map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{}}}}},
	} {
		if pod, ok, err := PodSpec(r); pod != nil || ok || err != nil {
			t.Errorf("%s %s: PodSpec = %v, %v, %v", r.Format, r.Type, pod, ok, err)
		}
	}
}

func TestPodSpecMalformed(t *testing.T) {
	tests := []struct {
		name string
		spec any // spec.template.spec of a Deployment; nil leaves spec.template out
		want string
	}{
		{"spec is a list", []any{"a"}, "has no pod spec at spec.template.spec: it is not a map"},
		{"spec is a string", "x", "has no pod spec"},
		{"containers is a string", map[string]any{"containers": "app"}, "Deployment/w: spec.template.spec"},
		{"containers is a map", map[string]any{"containers": map[string]any{"name": "a"}}, "spec.template.spec"},
		{"port is a string", map[string]any{"containers": []any{map[string]any{"name": "a", "ports": []any{map[string]any{"containerPort": "http"}}}}}, "spec.template.spec"},
		{"port is a fraction", map[string]any{"containers": []any{map[string]any{"name": "a", "ports": []any{map[string]any{"containerPort": 80.5}}}}}, "spec.template.spec"},
		{"hostNetwork is a string", map[string]any{"hostNetwork": "yes"}, "spec.template.spec"},
		{"unknown value", map[string]any{"containers": []any{map[string]any{"name": resource.AfterApply}}}, "spec.template.spec"},
		{"unknown containers", map[string]any{"containers": resource.AfterApply}, "spec.template.spec"},
		{"container is null", map[string]any{"containers": []any{nil, "x"}}, "spec.template.spec"},
	}
	// A workload without a pod spec has nothing to judge (the API server
	// rejects it); one with a pod spec that does not decode cannot be judged.
	t.Run("no template", func(t *testing.T) {
		r := &resource.Resource{Format: resource.FormatKubernetes, Type: "Deployment", APIVersion: "apps/v1", Address: "Deployment/w",
			Attributes: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "spec": map[string]any{"template": map[string]any{}}}}
		if pod, ok, err := PodSpec(r); pod != nil || ok || err != nil {
			t.Fatalf("PodSpec = %v, %v, %v; want nothing", pod, ok, err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := map[string]any{}
			if tt.spec != nil {
				spec["template"] = map[string]any{"spec": tt.spec}
			}
			r := &resource.Resource{Format: resource.FormatKubernetes, Type: "Deployment", APIVersion: "apps/v1", Address: "Deployment/w",
				Attributes: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "spec": spec}}
			pod, ok, err := PodSpec(r)
			if !ok || pod != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("PodSpec = %v, %v, %v; want an error with %q", pod, ok, err, tt.want)
			}
			// The error is memoised too.
			if _, _, again := PodSpec(r); again == nil || again.Error() != err.Error() {
				t.Errorf("second call: %v", again)
			}
		})
	}
}

func TestPodSpecNumbers(t *testing.T) {
	// JSON numbers arrive as float64, YAML ones as int64; both decode.
	for _, port := range []any{int64(8080), 8080.0, 8080} {
		r := &resource.Resource{Format: resource.FormatKubernetes, Type: "Pod", APIVersion: "v1",
			Attributes: map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "a", "ports": []any{map[string]any{"containerPort": port}}}}}}}
		pod, _, err := PodSpec(r)
		if err != nil || pod.Spec.Containers[0].Ports[0].ContainerPort != 8080 {
			t.Errorf("containerPort %T: %v", port, err)
		}
	}
}

func TestPodSpecRealisticValues(t *testing.T) {
	// Values valid for the API server decode: quantities written as numbers,
	// int-or-string ports, YAML 1.1 booleans.
	r := object(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 30
      automountServiceAccountToken: no
      securityContext: {runAsUser: 1000, fsGroup: 2000}
      containers:
      - name: web
        image: web:1
        resources:
          limits: {cpu: 0.5, memory: 128Mi}
          requests: {cpu: 1, memory: 64e6}
        ports: [{containerPort: 80, protocol: TCP, name: http}]
        livenessProbe: {httpGet: {port: http, path: /}}
        readinessProbe: {tcpSocket: {port: 80}}
        securityContext: {privileged: off, capabilities: {drop: [ALL]}}
`)
	pod, ok, err := PodSpec(r)
	if !ok || err != nil {
		t.Fatalf("PodSpec = %v, %v", ok, err)
	}
	c := pod.Spec.Containers[0]
	if c.Resources.Limits.Cpu().String() != "500m" || c.Resources.Requests.Cpu().String() != "1" || c.LivenessProbe.HTTPGet.Port.String() != "http" ||
		c.ReadinessProbe.TCPSocket.Port.IntValue() != 80 || *c.SecurityContext.Privileged || *pod.Spec.AutomountServiceAccountToken {
		t.Errorf("decoded %+v", c)
	}
}

func TestTypedViews(t *testing.T) {
	svc := object(t, "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n  ports: [{port: 443, targetPort: https}]\n")
	s, err := Service(svc)
	if err != nil || string(s.Spec.Type) != "LoadBalancer" || s.Spec.Ports[0].Port != 443 || s.Spec.Ports[0].TargetPort.String() != "https" {
		t.Errorf("Service: %+v %v", s, err)
	}
	if again, _ := Service(svc); again != s {
		t.Error("Service is not memoised")
	}
	ing := object(t, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  tls: [{hosts: [a.example.com]}]\n  rules: [{host: a.example.com}]\n")
	if i, err := Ingress(ing); err != nil || len(i.Spec.TLS) != 1 || i.Spec.Rules[0].Host != "a.example.com" {
		t.Errorf("Ingress: %+v %v", i, err)
	}
	np := object(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n")
	if n, err := NetworkPolicy(np); err != nil || len(n.Spec.PolicyTypes) != 1 {
		t.Errorf("NetworkPolicy: %+v %v", n, err)
	}
	rb := object(t, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admins}\nroleRef: {kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: devs}]\n")
	if b, err := RoleBinding(rb); err != nil || b.RoleRef.Name != "cluster-admin" || b.Subjects[0].Name != "devs" {
		t.Errorf("RoleBinding: %+v %v", b, err)
	}
	role := object(t, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: all}\nrules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n")
	if r, err := Role(role); err != nil || r.Rules[0].Verbs[0] != "*" {
		t.Errorf("Role: %+v %v", r, err)
	}

	bad := object(t, "apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: 443\n")
	if s, err := Service(bad); err == nil || s != nil || !strings.HasPrefix(err.Error(), "Service/bad: ") {
		t.Errorf("malformed Service: %+v %v", s, err)
	}
	unknown := &resource.Resource{Format: resource.FormatKubernetes, Type: "Role", Address: "Role/x",
		Attributes: map[string]any{"rules": []any{map[string]any{"verbs": resource.AfterApply}}}}
	if r, err := Role(unknown); err == nil || r != nil {
		t.Errorf("Role with an unknown value: %+v %v", r, err)
	}
}

func TestIsAndGroup(t *testing.T) {
	groups := []struct{ apiVersion, group string }{
		{"v1", ""},
		{"apps/v1", "apps"},
		{"networking.k8s.io/v1", "networking.k8s.io"},
		{"rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io"},
		{"", ""},
		{"/v1", ""},
		{"a/b/c", "a"},
	}
	for _, g := range groups {
		if got := Group(g.apiVersion); got != g.group {
			t.Errorf("Group(%q) = %q, want %q", g.apiVersion, got, g.group)
		}
	}
	k8s := func(api, kind string) *resource.Resource {
		return &resource.Resource{Format: resource.FormatKubernetes, APIVersion: api, Type: kind}
	}
	is := []struct {
		r           *resource.Resource
		group, kind string
		want        bool
	}{
		{k8s("v1", "Service"), "", "Service", true},
		{k8s("networking.k8s.io/v1", "Ingress"), "networking.k8s.io", "Ingress", true},
		{k8s("extensions/v1beta1", "Ingress"), "networking.k8s.io", "Ingress", false},
		{k8s("serving.knative.dev/v1", "Service"), "", "Service", false},
		{k8s("v1", "Service"), "", "service", false},
		{&resource.Resource{Format: resource.FormatTerraform, Type: "Service"}, "", "Service", false},
	}
	for _, tt := range is {
		if got := Is(tt.r, tt.group, tt.kind); got != tt.want {
			t.Errorf("Is(%s %s, %q, %q) = %v", tt.r.APIVersion, tt.r.Type, tt.group, tt.kind, got)
		}
	}
}

func TestInternalLoadBalancer(t *testing.T) {
	svc := func(class string, annotations map[string]string) *resource.Resource {
		spec := map[string]any{"type": "LoadBalancer"}
		if class != "" {
			spec["loadBalancerClass"] = class
		}
		return &resource.Resource{Format: resource.FormatKubernetes, Type: "Service", APIVersion: "v1", Address: "Service/s",
			Annotations: annotations, Attributes: map[string]any{"spec": spec}}
	}
	tests := []struct {
		name string
		r    *resource.Resource
		want bool
	}{
		{"plain LoadBalancer", svc("", nil), false},
		{"AWS internal annotation", svc("", map[string]string{"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}), true},
		{"AWS scheme internal, spaced and capitalised", svc("", map[string]string{"service.beta.kubernetes.io/aws-load-balancer-scheme": " Internal"}), true},
		{"GKE internal class", svc("networking.gke.io/l4-regional-internal", nil), true},
		{"Azure internal false", svc("", map[string]string{"service.beta.kubernetes.io/azure-load-balancer-internal": "false"}), false},
		{"AWS LB controller, default scheme", svc("", map[string]string{"service.beta.kubernetes.io/aws-load-balancer-type": "external"}), true},
		{"AWS LB controller, internet-facing", svc("service.k8s.aws/nlb", map[string]string{"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}), false},
	}
	for _, tt := range tests {
		if got := InternalLoadBalancer(tt.r); got != tt.want {
			t.Errorf("%s: InternalLoadBalancer = %v, want %v", tt.name, got, tt.want)
		}
	}
}
