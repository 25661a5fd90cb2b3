package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/webhook"
)

// namespaces answers namespace lookups from a map, or fails.
type namespaces struct {
	labels map[string]map[string]string
	err    error
}

func (n namespaces) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	if n.err != nil {
		return n.err
	}
	ns := obj.(*corev1.Namespace)
	ns.Name, ns.Labels = key.Name, n.labels[key.Name]
	return nil
}

func (n namespaces) List(context.Context, client.ObjectList, ...client.ListOption) error { return nil }

func request(t testing.TB, op admissionv1.Operation, obj map[string]any) admission.Request {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	meta := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	kind := obj["kind"].(string)
	group := ""
	if av := obj["apiVersion"].(string); strings.Contains(av, "/") {
		group = strings.SplitN(av, "/", 2)[0]
	}
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID: "1", Kind: metav1.GroupVersionKind{Group: group, Kind: kind}, Operation: op,
		Namespace: ns, Name: meta["name"].(string),
		Object:   runtime.RawExtension{Raw: raw},
		UserInfo: authenticationv1.UserInfo{Username: "deployer@acme.test"},
	}}
}

func pod(ns string, hostPort int, secret string) map[string]any {
	port := map[string]any{"containerPort": 8080}
	if hostPort != 0 {
		port["hostPort"] = hostPort
	}
	c := map[string]any{"name": "app", "image": "app:1", "ports": []any{port}}
	if secret != "" {
		c["env"] = []any{map[string]any{"name": "PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": secret, "key": "p"}}}}
	}
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "app", "namespace": ns,
			"annotations": map[string]any{"guardrail.dev/approved-by": "dana@acme.test", "guardrail.dev/change-ticket": "CHG-1"}},
		"spec": map[string]any{"containers": []any{c}},
	}
}

func newHandler(spec policy.Spec, ns namespaces) *webhook.Handler {
	p, err := policy.Compile(policy.Document{APIVersion: policy.APIVersion, Kind: policy.Kind, Spec: spec})
	if err != nil {
		panic(err)
	}
	h := &webhook.Handler{Policies: &webhook.PolicyHolder{}, Namespaces: ns, Log: logr.Discard()}
	h.Policies.Store(p, "test")
	return h
}

func TestHandler(t *testing.T) {
	envs := namespaces{labels: map[string]map[string]string{
		"shop": {"guardrail.dev/environment": "prod"}, "sandbox": {"guardrail.dev/environment": "dev"},
	}}
	tests := []struct {
		name     string
		spec     policy.Spec
		ns       namespaces
		req      func(t testing.TB) admission.Request
		allowed  bool
		contains []string
		warnings []string
	}{
		{name: "compliant pod in prod", ns: envs, allowed: true,
			req: func(t testing.TB) admission.Request { return request(t, admissionv1.Create, pod("shop", 0, "")) }},
		{name: "hostPort in prod, placed by its namespace's label", ns: envs,
			req:      func(t testing.TB) admission.Request { return request(t, admissionv1.Create, pod("shop", 9100, "")) },
			contains: []string{"GR-PORT-005", "spec.containers[0].ports[0].hostPort", "Fix:"}},
		{name: "hostPort in dev when the policy excludes dev", ns: envs, allowed: true,
			spec: policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {ExcludeEnvironments: []string{"dev"}}}},
			req:  func(t testing.TB) admission.Request { return request(t, admissionv1.Update, pod("sandbox", 9100, "")) }},
		{name: "warn mode admits with a warning", ns: envs, allowed: true,
			spec:     policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Mode: "warn"}}},
			req:      func(t testing.TB) admission.Request { return request(t, admissionv1.Create, pod("shop", 9100, "")) },
			warnings: []string{"GR-PORT-005"}},
		{name: "dev workload using a prod secret", ns: envs,
			req: func(t testing.TB) admission.Request {
				return request(t, admissionv1.Create, pod("sandbox", 0, "db-prod"))
			},
			contains: []string{"GR-SEG-007"}},
		{name: "exempt namespace", ns: envs, allowed: true,
			req: func(t testing.TB) admission.Request {
				return request(t, admissionv1.Create, pod("kube-system", 9100, ""))
			}},
		{name: "cluster environment from the policy", ns: namespaces{}, spec: policy.Spec{Admission: policy.Admission{ClusterEnvironment: "prod"}},
			req:      func(t testing.TB) admission.Request { return request(t, admissionv1.Create, pod("anything", 9100, "")) },
			contains: []string{"GR-PORT-005"}},
		{name: "namespace lookup fails: failurePolicy Fail denies and says so", ns: namespaces{err: errors.New("cache unavailable")},
			req:      func(t testing.TB) admission.Request { return request(t, admissionv1.Create, pod("shop", 0, "")) },
			contains: []string{"could not decide", "cache unavailable", "failurePolicy is Fail"}},
		{name: "namespace lookup fails: failurePolicy Ignore admits with a warning", ns: namespaces{err: errors.New("cache unavailable")},
			spec: policy.Spec{Admission: policy.Admission{FailurePolicy: "Ignore"}}, allowed: true,
			req:      func(t testing.TB) admission.Request { return request(t, admissionv1.Create, pod("shop", 0, "")) },
			warnings: []string{"failurePolicy is Ignore"}},
		{name: "delete is not judged", ns: envs, allowed: true,
			req: func(t testing.TB) admission.Request { return request(t, admissionv1.Delete, pod("shop", 9100, "")) }},
		{name: "an object that is not JSON follows the failure policy", ns: envs,
			req: func(t testing.TB) admission.Request {
				r := request(t, admissionv1.Create, pod("shop", 0, ""))
				r.Object.Raw = []byte("{not json")
				return r
			},
			contains: []string{"could not decide (decode)"}},
		{name: "an invalid GuardrailPolicy is rejected with its problems", ns: envs,
			req: func(t testing.TB) admission.Request {
				return request(t, admissionv1.Create, map[string]any{"apiVersion": "guardrail.dev/v1alpha1", "kind": "GuardrailPolicy",
					"metadata": map[string]any{"name": "p"}, "spec": map[string]any{"ports": map[string]any{"admin": []any{"99999"}}}})
			},
			contains: []string{"spec.ports.admin[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(noApproval(tt.spec), tt.ns) // approval_test.go tests approval
			resp := h.Handle(context.Background(), tt.req(t))
			msg := ""
			if resp.Result != nil {
				msg = resp.Result.Message
			}
			if resp.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v; message: %s", resp.Allowed, tt.allowed, msg)
			}
			for _, c := range tt.contains {
				if !strings.Contains(msg, c) {
					t.Errorf("message lacks %q:\n%s", c, msg)
				}
			}
			joined := strings.Join(resp.Warnings, "\n")
			for _, w := range tt.warnings {
				if !strings.Contains(joined, w) {
					t.Errorf("warnings lack %q: %q", w, resp.Warnings)
				}
			}
		})
	}
}

func TestHandlerWithoutPolicyFails(t *testing.T) {
	h := &webhook.Handler{Policies: &webhook.PolicyHolder{}, Log: logr.Discard()}
	resp := h.Handle(context.Background(), request(t, admissionv1.Create, pod("shop", 0, "")))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "no valid policy") {
		t.Fatalf("want a denial saying no policy is loaded, got %+v", resp.Result)
	}
}

func admissionRequest(r *admissionv1.AdmissionRequest) admission.Request {
	return admission.Request{AdmissionRequest: *r}
}
