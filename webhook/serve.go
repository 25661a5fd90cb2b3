package webhook

import (
	"github.com/go-logr/logr"
	"k8s.io/utils/ptr"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// Admission wraps an admission handler for a webhook server, as the manager
// serves guardrail's: panics become denials that say so (never a dropped
// connection), and every request's log lines go to log, with the request's
// UID and object, rather than to controller-runtime's global logger. That
// global logger, until the program sets it, keeps every per-request logger
// it hands out, which grows the heap with each request.
func Admission(h admission.Handler, log logr.Logger) *crwebhook.Admission {
	return &crwebhook.Admission{
		Handler:      h,
		RecoverPanic: ptr.To(true),
		LogConstructor: func(_ logr.Logger, req *admission.Request) logr.Logger {
			return admission.DefaultLogConstructor(log, req)
		},
	}
}
