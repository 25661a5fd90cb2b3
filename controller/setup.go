package controller

import (
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
	"github.com/guardrail-dev/guardrail/webhook"
)

// WebhookPath is where the admission webhook is served.
const WebhookPath = "/validate"

// Options configure Setup.
type Options struct {
	// PolicyName is the GuardrailPolicy enforced.
	PolicyName string
	// AuditInterval is the time between periodic audits; zero means DefaultAuditInterval.
	AuditInterval time.Duration
	// DisableAudit leaves the audit controller out (webhook-only replicas).
	DisableAudit bool
	// Registry holds the rules; nil means the built-in ones.
	Registry *rule.Registry
	// Instance names this replica in Events (the pod name).
	Instance string
	Log      logr.Logger
	// Metrics receives the webhook's and the audit's metrics; nil means the
	// manager's registry (served on its metrics endpoint).
	Metrics prometheus.Registerer
}

// Setup registers guardrail's webhook handler and controllers with mgr and
// returns the holder of the policy in force, which starts as the built-in
// policy until the GuardrailPolicy is read.
func Setup(mgr manager.Manager, opts Options) (*webhook.PolicyHolder, error) {
	reg := opts.Registry
	if reg == nil {
		reg = rules.Default()
	}
	registerer := opts.Metrics
	if registerer == nil {
		registerer = metrics.Registry
	}
	holder := &webhook.PolicyHolder{}
	holder.Store(policy.MustCompile(policy.Default()), "built-in (no GuardrailPolicy "+opts.PolicyName+" read yet)")

	h := &webhook.Handler{
		Policies:   holder,
		Namespaces: mgr.GetClient(),
		Registry:   reg,
		Metrics:    webhook.NewMetrics(registerer),
		Log:        opts.Log.WithName("webhook"),
		Events:     mgr.GetClient(),
	}
	mgr.GetWebhookServer().Register(WebhookPath, webhook.Admission(h, opts.Log.WithName("admission")))

	pr := &PolicyReconciler{Client: mgr.GetClient(), Holder: holder, PolicyName: opts.PolicyName, Elected: mgr.Elected(), Log: opts.Log.WithName("policy")}
	if err := pr.SetupWithManager(mgr); err != nil {
		return nil, fmt.Errorf("policy controller: %w", err)
	}
	if !opts.DisableAudit {
		a := &Auditor{
			Client: mgr.GetClient(), Holder: holder, Registry: reg, PolicyName: opts.PolicyName,
			Every: opts.AuditInterval, Instance: opts.Instance, Log: opts.Log.WithName("audit"),
			Metrics: NewAuditMetrics(registerer),
		}
		if err := a.SetupWithManager(mgr); err != nil {
			return nil, fmt.Errorf("audit controller: %w", err)
		}
	}
	return holder, nil
}
