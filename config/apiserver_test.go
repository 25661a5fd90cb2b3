package config_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// warningRecorder keeps the warnings the API server returns (deprecations,
// Pod Security warnings on workloads).
type warningRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningRecorder) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warningRecorder) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

// startAPIServer starts a kube-apiserver and etcd (envtest), or skips the test
// where they are not built; under `make test` (GUARDRAIL_REQUIRE_ENVTEST) or
// in CI a missing API server is a failure.
func startAPIServer(t *testing.T) (client.Client, *warningRecorder) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		if os.Getenv("GUARDRAIL_REQUIRE_ENVTEST") != "" || os.Getenv("CI") != "" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test` (it builds the API server with hack/envtest.sh)")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set: this test needs a kube-apiserver and etcd; `make test` provides them")
	}
	env := &envtest.Environment{}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting the API server: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Logf("stopping the API server: %v", err)
		}
	})
	warnings := &warningRecorder{}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = warnings
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, warnings
}

// apply creates objects as `kubectl apply` would on a new cluster, with
// strict field validation, so that a field the API server does not know is
// an error instead of being dropped. A kind the API server does not serve
// yet (a custom resource whose CRD was just created) is retried.
func apply(ctx context.Context, t *testing.T, c client.Client, objs ...*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objs {
		o := o.DeepCopy()
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			err := c.Create(ctx, o, client.FieldValidation(metav1.FieldValidationStrict))
			if meta.IsNoMatchError(err) {
				return false, nil
			}
			return true, err
		})
		if err != nil {
			t.Fatalf("creating %s: %v", id(o), err)
		}
	}
}

// TestInstallOnAPIServer applies each install to a real API server: every
// object is accepted with strict field validation and without warnings, the
// manager's pod is admitted under the namespace's restricted Pod Security
// Standard, the sample GuardrailPolicy is stored as written, and the
// webhook configuration's selectors send the API server's requests where
// they should (the webhook itself does not run here, so a request sent to it
// fails, as failurePolicy Fail says).
func TestInstallOnAPIServer(t *testing.T) {
	for _, dir := range installs {
		t.Run(dir, func(t *testing.T) {
			c, warnings := startAPIServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			r := render(t, dir)

			// CRDs and the namespace first, the webhook configuration last
			// (once it exists, judged requests fail without the manager).
			var crds, namespaces, others []*unstructured.Unstructured
			var vwc *unstructured.Unstructured
			for _, o := range r.objs {
				switch o.GetKind() {
				case "CustomResourceDefinition":
					crds = append(crds, o)
				case "Namespace":
					namespaces = append(namespaces, o)
				case "ValidatingWebhookConfiguration":
					vwc = o
				case "Issuer", "Certificate":
					t.Logf("%s: cert-manager is not installed on the test API server; not applied", id(o))
				default:
					others = append(others, o)
				}
			}
			apply(ctx, t, c, crds...)
			apply(ctx, t, c, namespaces...)
			apply(ctx, t, c, others...)
			apply(ctx, t, c, render(t, sampleDir).objs...)
			apply(ctx, t, c, vwc)
			for _, w := range warnings.take() {
				t.Errorf("the API server warns: %s", w)
			}

			// The sample is stored as written: nothing pruned.
			stored := &unstructured.Unstructured{}
			stored.SetGroupVersionKind(render(t, sampleDir).objs[0].GroupVersionKind())
			if err := c.Get(ctx, client.ObjectKey{Name: policyName}, stored); err != nil {
				t.Fatal(err)
			}
			want := render(t, sampleDir).objs[0].Object["spec"]
			if got := stored.Object["spec"]; !equalJSON(t, got, want) {
				t.Errorf("the API server stored the sample's spec as %v, want %v", got, want)
			}

			// The manager's pod passes Pod Security admission (enforce=restricted).
			d := deployment(t, r)
			pod := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "manager-pod-security", Namespace: namespace, Labels: d.Spec.Template.Labels},
				Spec:       d.Spec.Template.Spec,
			}
			if err := c.Create(ctx, pod, client.DryRunAll); err != nil {
				t.Errorf("the manager's pod is refused in %s: %v", namespace, err)
			}
			for _, w := range warnings.take() {
				t.Errorf("the API server warns about the manager's pod: %s", w)
			}

			if dir == defaultDir {
				checkSelectorsOnAPIServer(ctx, t, c)
			}
		})
	}
}

// checkSelectorsOnAPIServer creates objects the webhook must judge and
// objects it must never see. With no manager running, judged requests fail
// (failurePolicy Fail) and the others succeed.
func checkSelectorsOnAPIServer(ctx context.Context, t *testing.T, c client.Client) {
	configMap := func(ns, name string, labels map[string]string) client.Object {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}}
	}
	cases := []struct {
		what   string
		obj    client.Object
		judged bool
	}{
		{"a ConfigMap in default", configMap("default", "judged", nil), true},
		{"a Namespace", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, true},
		{"a ClusterRole (cluster-scoped: always sent)", &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "judged"}}, true},
		{"a ConfigMap in kube-system", configMap("kube-system", "exempt", nil), false},
		{"a ConfigMap in guardrail-system", configMap(namespace, "exempt", nil), false},
		{"a ConfigMap labelled guardrail.dev/exempt=true", configMap("default", "exempt", map[string]string{"guardrail.dev/exempt": "true"}), false},
		{"a ConfigMap labelled guardrail.dev/exempt=false", configMap("default", "not-exempt", map[string]string{"guardrail.dev/exempt": "false"}), true},
	}
	for _, tc := range cases {
		err := c.Create(ctx, tc.obj)
		sent := err != nil && strings.Contains(err.Error(), webhookName)
		switch {
		case tc.judged && !sent:
			t.Errorf("%s was not sent to the webhook (err: %v)", tc.what, err)
		case !tc.judged && err != nil:
			t.Errorf("%s: %v; it must never reach the webhook", tc.what, err)
		}
	}
	// A Namespace object is selected by its own labels: updating a system
	// namespace never reaches the webhook.
	ns := &corev1.Namespace{}
	if err := c.Get(ctx, client.ObjectKey{Name: "kube-public"}, ns); err != nil {
		if !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		ns = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-public"}}
		if err := c.Create(ctx, ns); err != nil {
			t.Fatalf("creating kube-public: %v", err)
		}
	}
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	ns.Labels["guardrail-test"] = "updated"
	if err := c.Update(ctx, ns); err != nil {
		t.Errorf("updating Namespace kube-public: %v; it must never reach the webhook", err)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
