package controller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/adminaccess"
	"github.com/guardrail-dev/guardrail/webhook"
)

// Audit defaults.
const (
	DefaultAuditInterval = 10 * time.Minute
	// minAuditGap spaces audits triggered by changes, so a burst of changes
	// causes one audit, not one per change.
	minAuditGap = 5 * time.Second
	// maxListedViolations bounds the violations kept in the policy's status.
	maxListedViolations = 100
	eventReason         = "PolicyViolation"
	revokedReason       = "TemporaryAccessRevoked"
	auditKey            = "audit"
)

// Auditor evaluates the cluster's objects. It runs on the elected leader only.
type Auditor struct {
	Client   client.Client
	Holder   *webhook.PolicyHolder
	Registry *rule.Registry
	// PolicyName is the GuardrailPolicy whose status receives the summary.
	PolicyName string
	// Every is the time between periodic audits; zero means DefaultAuditInterval.
	Every time.Duration
	// Kinds are the kinds audited; nil means Audited, those the API serves.
	Kinds    []schema.GroupVersionKind
	Instance string
	Log      logr.Logger
	Metrics  *AuditMetrics
	Now      func() time.Time

	mu   sync.Mutex
	last time.Time
}

// AuditMetrics are the audit's Prometheus metrics.
type AuditMetrics struct {
	Violations *prometheus.GaugeVec
	Duration   prometheus.Histogram
	LastRun    prometheus.Gauge
	Revoked    prometheus.Counter
}

// NewAuditMetrics creates the audit metrics and registers them with reg.
func NewAuditMetrics(reg prometheus.Registerer) *AuditMetrics {
	m := &AuditMetrics{
		Violations: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "guardrail_audit_violations",
			Help: "Violations found by the last audit, by rule, severity and namespace.",
		}, []string{"rule", "severity", "namespace"}),
		Duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "guardrail_audit_duration_seconds", Help: "Time taken by one audit.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 14),
		}),
		LastRun: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "guardrail_audit_last_run_timestamp_seconds", Help: "When the last audit finished.",
		}),
		Revoked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "guardrail_audit_revoked_bindings_total", Help: "RoleBindings removed because their temporary access expired.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Violations, m.Duration, m.LastRun, m.Revoked)
	}
	return m
}

// SetupWithManager watches every audited kind the API serves and audits on
// change (at most every few seconds) and every Every.
func (a *Auditor) SetupWithManager(mgr manager.Manager) error {
	if a.Every <= 0 {
		a.Every = DefaultAuditInterval
	}
	kinds, err := a.servedKinds(mgr)
	if err != nil {
		return err
	}
	a.Kinds = kinds
	toAudit := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: auditKey}}}
	})
	b := ctrl.ControllerManagedBy(mgr).Named("audit").
		WatchesRawSource(source.Kind(mgr.GetCache(), client.Object(&guardrailv1.GuardrailPolicy{}), toAudit))
	for _, gvk := range kinds {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		b = b.WatchesRawSource(source.Kind(mgr.GetCache(), client.Object(u), toAudit))
	}
	return b.Complete(a)
}

// servedKinds keeps the audited kinds the API server serves (Istio and the
// Gateway API are optional).
func (a *Auditor) servedKinds(mgr manager.Manager) ([]schema.GroupVersionKind, error) {
	want := a.Kinds
	if want == nil {
		want = Audited
	}
	var out []schema.GroupVersionKind
	for _, gvk := range want {
		if _, err := mgr.GetRESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			if meta.IsNoMatchError(err) {
				a.Log.Info("not audited: the API server does not serve this kind", "kind", gvk.String())
				continue
			}
			return nil, err
		}
		out = append(out, gvk)
	}
	return out, nil
}

// Reconcile runs one audit, spaced from the last, and schedules the next.
func (a *Auditor) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	a.mu.Lock()
	since := time.Since(a.last)
	a.mu.Unlock()
	if since < minAuditGap {
		return reconcile.Result{RequeueAfter: minAuditGap - since}, nil
	}
	if _, err := a.Audit(ctx); err != nil {
		return reconcile.Result{}, err
	}
	return reconcile.Result{RequeueAfter: a.Every}, nil
}

// Audit evaluates every audited object once and records the results.
func (a *Auditor) Audit(ctx context.Context) (*guardrailv1.AuditSummary, error) {
	start := time.Now()
	defer func() {
		a.mu.Lock()
		a.last = time.Now()
		a.mu.Unlock()
	}()
	active := a.Holder.Load()
	if active == nil {
		return nil, fmt.Errorf("no policy loaded")
	}
	pol := active.Policy
	objects := map[*resource.Resource]*unstructured.Unstructured{}
	var set resource.Set
	for _, gvk := range a.Kinds {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := a.Client.List(ctx, list); err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvk.Kind, err)
		}
		for i := range list.Items {
			u := &list.Items[i]
			ns := u.GetNamespace()
			if gvk.Kind == "Namespace" {
				ns = u.GetName()
			}
			if (ns != "" && pol.ExemptNamespace(ns)) || managed(u) || u.GetDeletionTimestamp() != nil {
				continue
			}
			r, err := toResource(u)
			if err != nil {
				a.Log.Error(err, "object not audited: it cannot be read", "kind", gvk.Kind, "namespace", u.GetNamespace(), "name", u.GetName())
				continue
			}
			objects[r] = u
			set.Resources = append(set.Resources, r)
		}
	}
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	res, err := engine.Evaluate(ctx, pol, &set, engine.Options{
		Registry: a.Registry, Env: pol.Document().Spec.Admission.ClusterEnvironment, Now: now,
		// Live objects, whose approvals were judged current when admitted.
		Approval: &approval.Context{Admitted: true, Deployed: true},
	})
	if err != nil {
		return nil, err
	}
	summary := &guardrailv1.AuditSummary{Time: metav1.NewTime(now), ObjectsJudged: len(set.Resources), ByRule: map[string]int{}}
	if a.Metrics != nil {
		a.Metrics.Violations.Reset()
	}
	revoke := pol.Document().Spec.Admission.RevokeExpiredBindings
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Waiver != nil || f.Mode != policy.Deny || f.Resource == nil {
			continue
		}
		u := objects[f.Resource]
		if u == nil {
			continue
		}
		summary.TotalViolations++
		summary.ByRule[f.RuleID]++
		if len(summary.Violations) < maxListedViolations {
			summary.Violations = append(summary.Violations, guardrailv1.Violation{
				Rule: f.RuleID, Severity: f.Severity.String(), Kind: u.GetKind(), Namespace: u.GetNamespace(),
				Name: u.GetName(), Path: f.Path, Message: f.Message,
			})
		} else {
			summary.Truncated = true
		}
		if a.Metrics != nil {
			a.Metrics.Violations.WithLabelValues(f.RuleID, f.Severity.String(), u.GetNamespace()).Inc()
		}
		if err := a.recordOnce(ctx, u, f, now); err != nil {
			a.Log.Error(err, "could not record the violation as an event", "rule", f.RuleID, "object", f.Subject.Address)
		}
		if revoke && f.RuleID == adminaccess.ExpiredAccess.ID && strings.Contains(f.Message, "expired at") {
			a.revoke(ctx, u, f, now)
		}
	}
	sort.SliceStable(summary.Violations, func(i, j int) bool {
		x, y := summary.Violations[i], summary.Violations[j]
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Namespace+"/"+x.Name < y.Namespace+"/"+y.Name
	})
	if err := a.writeStatus(ctx, summary); err != nil {
		return summary, err
	}
	if a.Metrics != nil {
		a.Metrics.Duration.Observe(time.Since(start).Seconds())
		a.Metrics.LastRun.Set(float64(now.Unix()))
	}
	a.Log.Info("audit done", "objects", summary.ObjectsJudged, "violations", summary.TotalViolations, "took", time.Since(start))
	return summary, nil
}

// recordOnce records a violation as an Event on the object, under a name
// derived from the object, rule, field and message: the same violation is
// recorded once however many audits, restarts or leaders see it.
func (a *Auditor) recordOnce(ctx context.Context, u *unstructured.Unstructured, f *rule.Finding, now time.Time) error {
	sum := sha256.Sum256([]byte(string(u.GetUID()) + "\x00" + f.RuleID + "\x00" + f.Path + "\x00" + f.Message))
	name := u.GetName()
	if len(name) > 200 {
		name = name[:200]
	}
	ns := u.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name: name + ".guardrail-" + hex.EncodeToString(sum[:8]), Namespace: ns,
			Labels: map[string]string{"guardrail.dev/rule": f.RuleID},
		},
		InvolvedObject: corev1.ObjectReference{
			APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(),
			UID: u.GetUID(), ResourceVersion: u.GetResourceVersion(),
		},
		Reason:              eventReason,
		Message:             clipMessage(fmt.Sprintf("[%s %s] %s: %s. Fix: %s", f.RuleID, f.Severity, pathOrObject(f.Path), f.Message, f.Remediation)),
		Type:                corev1.EventTypeWarning,
		Source:              corev1.EventSource{Component: "guardrail-audit"},
		ReportingController: "guardrail.dev/audit",
		ReportingInstance:   a.Instance,
		FirstTimestamp:      metav1.NewTime(now),
		LastTimestamp:       metav1.NewTime(now),
		Count:               1,
	}
	if err := a.Client.Create(ctx, ev); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

func pathOrObject(p string) string {
	if p == "" {
		return "object"
	}
	return p
}

// revoke deletes a binding whose temporary access expired, and says so in an Event.
func (a *Auditor) revoke(ctx context.Context, u *unstructured.Unstructured, f *rule.Finding, now time.Time) {
	uid := u.GetUID()
	if err := a.Client.Delete(ctx, u, client.Preconditions{UID: &uid}); err != nil && !apierrors.IsNotFound(err) {
		a.Log.Error(err, "could not remove expired binding", "kind", u.GetKind(), "namespace", u.GetNamespace(), "name", u.GetName())
		return
	}
	if a.Metrics != nil {
		a.Metrics.Revoked.Inc()
	}
	a.Log.Info("removed expired binding", "kind", u.GetKind(), "namespace", u.GetNamespace(), "name", u.GetName(), "finding", f.Message)
	ns := u.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	ev := &corev1.Event{
		ObjectMeta:          metav1.ObjectMeta{GenerateName: u.GetName() + ".guardrail-revoked-", Namespace: ns},
		InvolvedObject:      corev1.ObjectReference{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(), UID: uid},
		Reason:              revokedReason,
		Message:             clipMessage("guardrail removed the binding: " + f.Message),
		Type:                corev1.EventTypeNormal,
		Source:              corev1.EventSource{Component: "guardrail-audit"},
		ReportingController: "guardrail.dev/audit",
		ReportingInstance:   a.Instance,
		FirstTimestamp:      metav1.NewTime(now), LastTimestamp: metav1.NewTime(now), Count: 1,
	}
	if err := a.Client.Create(ctx, ev); err != nil {
		a.Log.Error(err, "could not record the removal")
	}
}

// writeStatus stores the summary in the enforced GuardrailPolicy's status.
func (a *Auditor) writeStatus(ctx context.Context, s *guardrailv1.AuditSummary) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var gp guardrailv1.GuardrailPolicy
		if err := a.Client.Get(ctx, types.NamespacedName{Name: a.PolicyName}, &gp); err != nil {
			return client.IgnoreNotFound(err)
		}
		gp.Status.Audit = s
		return a.Client.Status().Update(ctx, &gp)
	})
}
