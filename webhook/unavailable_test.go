package webhook_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/webhook"
)

// flakyCache stands for the manager's cache in front of an API server that
// goes away and comes back: while down, lookups block until the caller's
// deadline, as a request to an unreachable server does.
type flakyCache struct {
	down atomic.Bool
}

func (c *flakyCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	if c.down.Load() {
		<-ctx.Done()
		return errors.Join(errors.New("the API server does not answer"), ctx.Err())
	}
	ns := obj.(*corev1.Namespace)
	ns.Name, ns.Labels = key.Name, map[string]string{"guardrail.dev/environment": "prod"}
	return nil
}

func (c *flakyCache) List(context.Context, client.ObjectList, ...client.ListOption) error { return nil }

func TestAPIServerUnavailable(t *testing.T) {
	for _, fp := range []string{"Fail", "Ignore"} {
		t.Run(fp, func(t *testing.T) {
			cache := &flakyCache{}
			p := policy.MustCompile(policy.Document{APIVersion: policy.APIVersion, Kind: policy.Kind,
				Spec: policy.Spec{Admission: policy.Admission{FailurePolicy: fp, TimeoutSeconds: 1}}})
			h := &webhook.Handler{Policies: &webhook.PolicyHolder{}, Namespaces: cache, Log: logr.Discard()}
			h.Policies.Store(p, "test")
			bad := request(t, admissionv1.Create, pod("shop", 9100, ""))

			// Healthy: the hostPort is denied.
			if resp := h.Handle(context.Background(), bad); resp.Allowed {
				t.Fatal("a hostPort in prod was allowed while the API server answered")
			}
			// Down: the answer comes within the budget and follows the failure policy.
			cache.down.Store(true)
			start := time.Now()
			resp := h.Handle(context.Background(), bad)
			took := time.Since(start)
			if took > 2*time.Second {
				t.Errorf("the handler answered after %s; its budget is 1s less a margin", took)
			}
			msg := ""
			if resp.Result != nil {
				msg = resp.Result.Message
			}
			msg += strings.Join(resp.Warnings, " ")
			switch fp {
			case "Fail":
				if resp.Allowed || !strings.Contains(msg, "failurePolicy is Fail") {
					t.Errorf("want a denial under failurePolicy Fail, got allowed=%v %q", resp.Allowed, msg)
				}
			case "Ignore":
				if !resp.Allowed || !strings.Contains(msg, "failurePolicy is Ignore") {
					t.Errorf("want an allowance with a warning under failurePolicy Ignore, got allowed=%v %q", resp.Allowed, msg)
				}
			}
			// Back: judged again.
			cache.down.Store(false)
			if resp := h.Handle(context.Background(), bad); resp.Allowed || !strings.Contains(resp.Result.Message, "GR-PORT-005") {
				t.Errorf("after the API server returned, want the hostPort denied again, got %+v", resp.Result)
			}
		})
	}
}
