package webhook_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// FuzzHandle sends arbitrary objects, of arbitrary kinds and operations, to
// the handler: it must always answer (allow, deny, or the failure policy),
// never panic, and keep to its time budget.
func FuzzHandle(f *testing.F) {
	seed := func(obj map[string]any) []byte {
		b, _ := json.Marshal(obj)
		return b
	}
	f.Add(seed(pod("shop", 9100, "")), "Pod", "", "CREATE")
	f.Add(seed(pod("sandbox", 0, "db-prod")), "Pod", "", "UPDATE")
	f.Add([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"shop"},"spec":{"template":{"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"i","ports":[{"containerPort":"x"}]}]}}}}`), "Deployment", "apps", "CREATE")
	f.Add([]byte(`{"apiVersion":"guardrail.dev/v1alpha1","kind":"GuardrailPolicy","metadata":{"name":"p"},"spec":{"ports":{"admin":["x"]}}}`), "GuardrailPolicy", "guardrail.dev", "CREATE")
	f.Add([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"},"data":{"password":"c2VjcmV0"}}`), "Secret", "", "CREATE")
	f.Add([]byte(`[]`), "Pod", "", "CREATE")
	f.Add([]byte(`{"kind":7}`), "Namespace", "", "CREATE")
	h := newHandler(policy.Spec{}, namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	f.Fuzz(func(t *testing.T, raw []byte, kind, group, op string) {
		req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
			UID: "fuzz", Kind: metav1.GroupVersionKind{Group: group, Kind: kind}, Operation: admissionv1.Operation(op),
			Namespace: "shop", Name: "x", Object: runtime.RawExtension{Raw: raw},
		}}
		start := time.Now()
		resp := h.Handle(context.Background(), req)
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("the handler took %s", took)
		}
		if !resp.Allowed && resp.Result == nil {
			t.Fatalf("a denial without a message")
		}
	})
}
