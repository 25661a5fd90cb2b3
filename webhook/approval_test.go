package webhook_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/guardrail-dev/guardrail/pkg/approval/approvaltest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/webhook"
)

// The approver of the tests' prod changes, made once for the package.
var (
	approverOnce sync.Once
	approver     *approvaltest.Signer
)

func testApprover(t testing.TB) *approvaltest.Signer {
	approverOnce.Do(func() { approver = approvaltest.NewSigner(t, "dana@acme.test") })
	return approver
}

// approvalSpec is a policy spec whose allowed signer is the tests' approver.
func approvalSpec(t testing.TB) policy.Spec {
	return policy.Spec{Approval: policy.Approval{AllowedSigners: []policy.Signer{testApprover(t).Entry()}}}
}

// approve annotates a prod object with the tests' approver's approval.
func approve(t testing.TB, obj map[string]any) map[string]any {
	meta := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	approvaltest.Approve(t, obj, ns, "CHG-1", time.Now().Add(-time.Hour), testApprover(t))
	return obj
}

// noApproval turns the approval rules off, for tests of other rules.
func noApproval(spec policy.Spec) policy.Spec {
	rules := map[string]policy.RuleSetting{"GR-APPR-*": {Mode: "off"}}
	for k, v := range spec.Rules {
		rules[k] = v
	}
	spec.Rules = rules
	return spec
}

// events records the Events the handler creates.
type events struct {
	mu  sync.Mutex
	got []*corev1.Event
}

func (e *events) Create(_ context.Context, obj client.Object, _ ...client.CreateOption) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, obj.(*corev1.Event))
	return nil
}

func (e *events) wait(t *testing.T, n int) []*corev1.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		e.mu.Lock()
		got := append([]*corev1.Event(nil), e.got...)
		e.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) != n {
				t.Fatalf("%d events, want %d", len(got), n)
			}
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func web(image string, replicas int) map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "shop", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{"replicas": replicas, "selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": image}}}}},
	}
}

func update(t testing.TB, old, obj map[string]any) admission.Request {
	req := request(t, admissionv1.Update, obj)
	raw, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	req.OldObject = runtime.RawExtension{Raw: raw}
	return req
}

func TestHandlerApproval(t *testing.T) {
	shop := namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}}
	stranger := approvaltest.NewSigner(t, "dana@acme.test")
	withSpec := func(mutate func(*policy.Approval)) policy.Spec {
		s := approvalSpec(t)
		mutate(&s.Approval)
		return s
	}
	tests := []struct {
		name     string
		spec     policy.Spec
		req      func(t testing.TB) admission.Request
		allowed  bool
		contains []string
		warnings []string
	}{
		{name: "approved", spec: approvalSpec(t), allowed: true,
			req: func(t testing.TB) admission.Request {
				return request(t, admissionv1.Create, approve(t, web("web:1", 3)))
			}},
		{name: "not approved", spec: approvalSpec(t), contains: []string{"GR-APPR-001", "no guardrail.dev/approvals annotation"},
			req: func(t testing.TB) admission.Request { return request(t, admissionv1.Create, web("web:1", 3)) }},
		{name: "approval of the previous version reused on a changed spec", spec: approvalSpec(t),
			contains: []string{"GR-APPR-002", `spec.template.spec.containers[0].image is "web:2", the approved manifest has "web:1"`},
			req: func(t testing.TB) admission.Request {
				old := approve(t, web("web:1", 3))
				changed := approve(t, web("web:1", 3))
				changed["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"] = "web:2"
				return update(t, old, changed)
			}},
		{name: "the approver deploys", spec: approvalSpec(t), contains: []string{"GR-APPR-003", "dana@acme.test is the deployer"},
			req: func(t testing.TB) admission.Request {
				r := request(t, admissionv1.Create, approve(t, web("web:1", 3)))
				r.UserInfo = authenticationv1.UserInfo{Username: "DANA@acme.test"}
				return r
			}},
		{name: "a key the policy does not list", spec: approvalSpec(t), contains: []string{"GR-APPR-004", "which no allowed signer lists"},
			req: func(t testing.TB) admission.Request {
				obj := web("web:1", 3)
				approvaltest.Approve(t, obj, "shop", "CHG-1", time.Now(), stranger)
				return request(t, admissionv1.Create, obj)
			}},
		{name: "expired", spec: withSpec(func(a *policy.Approval) { a.MaxAge = "30m" }), contains: []string{"GR-APPR-005", "maximum age of 30m"},
			req: func(t testing.TB) admission.Request {
				return request(t, admissionv1.Create, approve(t, web("web:1", 3)))
			}},
		{name: "scale only, exempt", spec: approvalSpec(t), allowed: true,
			req: func(t testing.TB) admission.Request { return update(t, web("web:1", 3), web("web:1", 5)) }},
		{name: "scale only, required", spec: withSpec(func(a *policy.Approval) { a.ScaleOnly = "require" }), contains: []string{"GR-APPR-001"},
			req: func(t testing.TB) admission.Request { return update(t, web("web:1", 3), web("web:1", 5)) }},
		{name: "an update that changes nothing an approval covers", spec: approvalSpec(t), allowed: true,
			req: func(t testing.TB) admission.Request {
				obj := web("web:1", 3)
				obj["metadata"].(map[string]any)["annotations"] = map[string]any{"deployment.kubernetes.io/revision": "4"}
				obj["status"] = map[string]any{"replicas": 3}
				return update(t, web("web:1", 3), obj)
			}},
		{name: "a pod the ReplicaSet controller creates for its owner", spec: approvalSpec(t), allowed: true,
			req: func(t testing.TB) admission.Request {
				r := request(t, admissionv1.Create, ownedPod())
				r.UserInfo = authenticationv1.UserInfo{Username: "system:serviceaccount:kube-system:replicaset-controller"}
				return r
			}},
		{name: "a pod claiming an owner, created by a person", spec: approvalSpec(t), contains: []string{"GR-APPR-001"},
			req: func(t testing.TB) admission.Request { return request(t, admissionv1.Create, ownedPod()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(tt.spec, shop)
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
		})
	}
}

func ownedPod() map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "web-7d9f-x2x", "namespace": "shop", "ownerReferences": []any{map[string]any{
			"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f", "uid": "1", "controller": true}}},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": "web:1"}}},
	}
}

func TestHandlerBreakGlass(t *testing.T) {
	spec := approvalSpec(t)
	spec.Approval.BreakGlass.Identities = []string{"oncall@acme.test"}
	h := newHandler(spec, namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	ev := &events{}
	h.Events = ev
	obj := web("web:hotfix", 3)
	obj["metadata"].(map[string]any)["annotations"] = map[string]any{"guardrail.dev/break-glass": "INC-7: checkout down"}
	obj["metadata"].(map[string]any)["uid"] = "5d0e"

	dry := request(t, admissionv1.Create, obj)
	dry.UserInfo.Username = "oncall@acme.test"
	yes := true
	dry.DryRun = &yes
	if resp := h.Handle(context.Background(), dry); !resp.Allowed {
		t.Fatalf("dry run denied: %s", resp.Result.Message)
	}
	req := request(t, admissionv1.Create, obj)
	req.UserInfo.Username = "oncall@acme.test"
	resp := h.Handle(context.Background(), req)
	if !resp.Allowed {
		t.Fatalf("break-glass denied: %s", resp.Result.Message)
	}
	if w := strings.Join(resp.Warnings, "\n"); !strings.Contains(w, "GR-APPR-008") || !strings.Contains(w, "INC-7: checkout down") {
		t.Errorf("warnings %q lack the break-glass", resp.Warnings)
	}
	got := ev.wait(t, 1) // the dry run recorded nothing
	e := got[0]
	if e.Reason != webhook.BreakGlassReason || e.Type != corev1.EventTypeWarning || e.InvolvedObject.Kind != "Deployment" ||
		e.InvolvedObject.Name != "web" || e.InvolvedObject.UID != "5d0e" || e.Namespace != "shop" ||
		e.Labels["guardrail.dev/rule"] != "GR-APPR-008" || !strings.Contains(e.Message, "[GR-APPR-008 high]") {
		t.Errorf("event %+v", e)
	}

	// Someone else, and the same identity without a reason, are denied.
	other := request(t, admissionv1.Create, obj)
	other.UserInfo.Username = "dev@acme.test"
	if resp := h.Handle(context.Background(), other); resp.Allowed {
		t.Error("break-glass by an identity the policy does not list was admitted")
	}
	bare := request(t, admissionv1.Create, web("web:hotfix", 3))
	bare.UserInfo.Username = "oncall@acme.test"
	if resp := h.Handle(context.Background(), bare); resp.Allowed || !strings.Contains(resp.Result.Message, "gave no reason") {
		t.Errorf("break-glass without a reason: allowed %v, %v", resp.Allowed, resp.Result)
	}
	ev.wait(t, 1)
}

// admittedWeb is a Deployment as the API server hands it to a validating
// webhook: defaulted and carrying its system metadata.
func admittedWeb(t testing.TB) map[string]any {
	obj := web("registry.acme.test/shop/web:4.12.0", 3)
	approve(t, obj)
	meta := obj["metadata"].(map[string]any)
	meta["uid"], meta["generation"], meta["creationTimestamp"] = "5d0e", 1, "2026-11-23T12:00:00Z"
	meta["managedFields"] = []any{map[string]any{"manager": "kubectl", "operation": "Update"}}
	spec := obj["spec"].(map[string]any)
	spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"] = 10, 600
	spec["strategy"] = map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{"maxSurge": "25%", "maxUnavailable": "25%"}}
	tmpl := spec["template"].(map[string]any)
	tmpl["metadata"].(map[string]any)["creationTimestamp"] = nil
	pod := tmpl["spec"].(map[string]any)
	for k, v := range map[string]any{"restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
		"securityContext": map[string]any{}, "schedulerName": "default-scheduler"} {
		pod[k] = v
	}
	c := pod["containers"].([]any)[0].(map[string]any)
	for k, v := range map[string]any{"imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log",
		"terminationMessagePolicy": "File", "resources": map[string]any{}} {
		c[k] = v
	}
	obj["status"] = map[string]any{}
	return obj
}

// BenchmarkHandleApprovedDefaulted measures the handler on an approved
// Deployment as the API server sends it, defaulted, so that the webhook
// checks it against the approved manifest field by field.
func BenchmarkHandleApprovedDefaulted(b *testing.B) {
	h := newHandler(approvalSpec(b), namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	req := request(b, admissionv1.Create, admittedWeb(b))
	b.ReportAllocs()
	for b.Loop() {
		if resp := h.Handle(context.Background(), req); !resp.Allowed {
			b.Fatalf("denied: %s", resp.Result.Message)
		}
	}
}

func TestAdmittedWebIsApproved(t *testing.T) {
	h := newHandler(approvalSpec(t), namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	resp := h.Handle(context.Background(), request(t, admissionv1.Create, admittedWeb(t)))
	if !resp.Allowed {
		t.Fatalf("the defaulted, approved Deployment is denied: %s", resp.Result.Message)
	}
}
