package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Limits of what the handler reads and returns.
const (
	// MaxObjectBytes is the largest object judged; the API server's own limit is 3 MiB.
	MaxObjectBytes = 3 << 20
	// maxDenialFindings bounds the findings listed in one denial.
	maxDenialFindings = 10
	// maxWarnings and maxWarningLen keep warnings within what the API server passes on.
	maxWarnings   = 12
	maxWarningLen = 240
	// budgetMargin is kept free of the policy's timeout for the round trip.
	budgetMargin = 250 * time.Millisecond
)

// Handler judges admission requests with guardrail's engine.
type Handler struct {
	// Policies holds the policy in force.
	Policies *PolicyHolder
	// Namespaces reads namespaces, through the manager's cache, to place
	// objects by their namespace's labels. Nil means namespaces are placed by
	// name only.
	Namespaces client.Reader
	// Registry holds the rules; nil means rules.Default().
	Registry *rule.Registry
	// Metrics, when set, count requests, verdicts and latency.
	Metrics *Metrics
	// Log receives one line per decision that is not a plain allowance.
	Log logr.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Events, when set, records break-glass deploys as Events on the objects.
	Events EventSink
}

var _ admission.Handler = (*Handler)(nil)

// Handle judges one admission request.
func (h *Handler) Handle(ctx context.Context, req admission.Request) (resp admission.Response) {
	start := time.Now()
	active := h.Policies.Load()
	verdict := "allowed"
	defer func() {
		if v := recover(); v != nil {
			resp, verdict = h.undecided(active, req, "panic", fmt.Errorf("internal error: %v", v))
		}
		h.observe(req, verdict, start)
	}()
	if req.Kind.Group == guardrailv1.GroupVersion.Group && req.Kind.Kind == "GuardrailPolicy" &&
		(req.Operation == admissionv1.Create || req.Operation == admissionv1.Update) {
		resp = validatePolicy(req)
		if !resp.Allowed {
			verdict = "denied"
		}
		return resp
	}
	if active == nil {
		resp, verdict = h.undecided(nil, req, "no-policy", errors.New("no valid policy is loaded yet"))
		return resp
	}
	pol := active.Policy
	switch req.Operation {
	case admissionv1.Create, admissionv1.Update:
	default:
		return admission.Allowed("guardrail judges creates and updates only")
	}

	budget := time.Duration(pol.Document().Spec.Admission.TimeoutSeconds)*time.Second - budgetMargin
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	obj, err := h.object(req)
	if err != nil {
		resp, verdict = h.undecided(active, req, "decode", err)
		return resp
	}
	if reason := exempt(pol, obj); reason != "" {
		return admission.Allowed(reason)
	}
	ac, err := approvalContext(pol, req, obj)
	if err != nil {
		resp, verdict = h.undecided(active, req, "decode", err)
		return resp
	}
	res, err := h.evaluate(ctx, pol, obj, ac)
	if err != nil {
		reason := "evaluate"
		if errors.Is(err, context.DeadlineExceeded) {
			reason = "timeout"
		}
		resp, verdict = h.undecided(active, req, reason, err)
		return resp
	}
	resp, verdict = h.decide(req, res)
	h.recordBreakGlass(req, res, resp.Allowed)
	return resp
}

// validatePolicy rejects a GuardrailPolicy whose spec does not compile, with
// every problem listed, so an invalid policy never reaches the cluster.
func validatePolicy(req admission.Request) admission.Response {
	var gp guardrailv1.GuardrailPolicy
	if err := json.Unmarshal(req.Object.Raw, &gp); err != nil {
		return admission.Denied("guardrail: the GuardrailPolicy cannot be read: " + err.Error())
	}
	if _, err := gp.Compile(); err != nil {
		return admission.Denied("guardrail: " + err.Error())
	}
	return admission.Allowed("the policy compiles")
}

// object turns the request's object into a resource.
func (h *Handler) object(req admission.Request) (*resource.Resource, error) {
	raw := req.Object.Raw
	if len(raw) == 0 {
		return nil, errors.New("the request carries no object")
	}
	if len(raw) > MaxObjectBytes {
		return nil, fmt.Errorf("the object is %d bytes, over the %d byte limit", len(raw), MaxObjectBytes)
	}
	var attrs map[string]any
	if err := json.Unmarshal(raw, &attrs); err != nil {
		return nil, fmt.Errorf("the object is not valid JSON: %w", err)
	}
	name := fmt.Sprintf("admission:%s/%s/%s", req.Kind.Kind, req.Namespace, req.Name)
	set := manifest.Object(name, attrs, manifest.Options{Namespace: req.Namespace})
	if set.Diagnostics.HasErrors() {
		return nil, set.Diagnostics.Errs()
	}
	if len(set.Resources) != 1 {
		return nil, fmt.Errorf("the request holds %d objects, want 1", len(set.Resources))
	}
	r := set.Resources[0]
	switch req.Operation {
	case admissionv1.Update:
		r.Action = resource.ActionUpdate
	}
	return r, nil
}

// exempt says why an object is not judged, or "" when it is.
func exempt(pol *policy.Policy, r *resource.Resource) string {
	ns := r.Namespace
	if r.Type == "Namespace" && r.APIVersion == "v1" {
		ns = r.Name
	}
	if ns != "" && pol.ExemptNamespace(ns) {
		return "namespace " + ns + " is exempt by the policy"
	}
	labels := pol.Document().Spec.Admission.ExemptLabels
	if len(labels) == 0 {
		return ""
	}
	for k, v := range labels {
		if r.Labels[k] != v {
			return ""
		}
	}
	return "the object carries the policy's exemption labels"
}

func (h *Handler) evaluate(ctx context.Context, pol *policy.Policy, r *resource.Resource, ac *approval.Context) (*engine.Result, error) {
	nsErr := error(nil)
	labels := func(name string) (map[string]string, bool) {
		if h.Namespaces == nil || nsErr != nil {
			return nil, false
		}
		var ns corev1.Namespace
		if err := h.Namespaces.Get(ctx, types.NamespacedName{Name: name}, &ns); err != nil {
			if !apierrors.IsNotFound(err) {
				nsErr = fmt.Errorf("looking up namespace %s: %w", name, err)
			}
			return nil, false
		}
		return ns.Labels, true
	}
	now := h.clock()
	res, err := engine.Evaluate(ctx, pol, &resource.Set{Resources: []*resource.Resource{r}}, engine.Options{
		Registry:        h.Registry,
		Env:             pol.Document().Spec.Admission.ClusterEnvironment,
		NamespaceLabels: labels,
		Now:             now,
		Workers:         1,
		SingleObject:    true,
		Approval:        ac,
	})
	if err != nil {
		return nil, err
	}
	if nsErr != nil {
		return nil, nsErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, d := range res.Diagnostics {
		if d.Severity == resource.DiagError {
			return nil, fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return res, nil
}

// decide turns findings into the admission answer.
func (h *Handler) decide(req admission.Request, res *engine.Result) (admission.Response, string) {
	var deny, warn []rule.Finding
	for _, f := range res.Findings {
		switch {
		case f.Waiver != nil:
		case f.Mode == policy.Deny:
			deny = append(deny, f)
		case f.Mode == policy.Warn:
			warn = append(warn, f)
		}
	}
	sortBySeverity(deny)
	sortBySeverity(warn)
	warnings := make([]string, 0, len(warn))
	for i, f := range warn {
		if i == maxWarnings {
			warnings = append(warnings, fmt.Sprintf("guardrail: and %d more warnings", len(warn)-maxWarnings))
			break
		}
		warnings = append(warnings, clip(fmt.Sprintf("guardrail %s (%s) %s", f.RuleID, where(f), f.Message), maxWarningLen))
		if h.Metrics != nil {
			h.Metrics.Warnings.WithLabelValues(f.RuleID).Inc()
		}
	}
	if len(deny) == 0 {
		return admission.Allowed("").WithWarnings(warnings...), "allowed"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "guardrail denied %s %s: %d finding", req.Kind.Kind, objectName(req), len(deny))
	if len(deny) != 1 {
		b.WriteString("s")
	}
	for i, f := range deny {
		if h.Metrics != nil {
			h.Metrics.Denials.WithLabelValues(f.RuleID).Inc()
		}
		if i == maxDenialFindings {
			fmt.Fprintf(&b, "; and %d more (run `guardrail lint` on the manifest for all)", len(deny)-maxDenialFindings)
			break
		}
		fmt.Fprintf(&b, "; [%s %s] %s: %s. Fix: %s", f.RuleID, f.Severity, where(f), f.Message, f.Remediation)
	}
	h.Log.Info("denied", "kind", req.Kind.Kind, "namespace", req.Namespace, "name", objectName(req),
		"user", req.UserInfo.Username, "rules", ruleIDs(deny), "dryRun", isDryRun(req))
	return admission.Denied(b.String()).WithWarnings(warnings...), "denied"
}

// undecided answers a request the handler could not judge, following the
// policy's failure policy (Fail when no policy is loaded).
func (h *Handler) undecided(active *Active, req admission.Request, reason string, err error) (admission.Response, string) {
	failurePolicy := "Fail"
	if active != nil {
		failurePolicy = active.Policy.Document().Spec.Admission.FailurePolicy
	}
	if h.Metrics != nil {
		h.Metrics.Errors.WithLabelValues(reason, failurePolicy).Inc()
	}
	h.Log.Error(err, "could not decide", "reason", reason, "failurePolicy", failurePolicy,
		"kind", req.Kind.Kind, "namespace", req.Namespace, "name", objectName(req))
	msg := fmt.Sprintf("guardrail could not decide (%s): %v", reason, err)
	if failurePolicy == "Ignore" {
		return admission.Allowed("").WithWarnings(clip(msg+"; allowed because the policy's failurePolicy is Ignore", maxWarningLen)), "error"
	}
	return admission.Errored(http.StatusInternalServerError, errors.New(msg+"; denied because the policy's failurePolicy is Fail")), "error"
}

func (h *Handler) observe(req admission.Request, verdict string, start time.Time) {
	if h.Metrics == nil {
		return
	}
	h.Metrics.Requests.WithLabelValues(string(req.Operation), req.Kind.Kind, verdict, fmt.Sprint(isDryRun(req))).Inc()
	h.Metrics.Latency.WithLabelValues(verdict).Observe(time.Since(start).Seconds())
}

func isDryRun(req admission.Request) bool { return req.DryRun != nil && *req.DryRun }

func objectName(req admission.Request) string {
	if req.Namespace != "" {
		return req.Namespace + "/" + req.Name
	}
	return req.Name
}

func where(f rule.Finding) string {
	if f.Path != "" {
		return f.Path
	}
	return "object"
}

func ruleIDs(fs []rule.Finding) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.RuleID
	}
	return ids
}

func sortBySeverity(fs []rule.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
