package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	approvalrules "github.com/guardrail-dev/guardrail/pkg/rules/approval"
)

// EventSink creates Events; a controller-runtime client is one.
type EventSink interface {
	Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error
}

// BreakGlassReason is the reason of the Event recorded for a break-glass deploy.
const BreakGlassReason = "BreakGlass"

// eventTimeout bounds recording one Event, which happens after the answer.
const eventTimeout = 10 * time.Second

// builtinControllers are the users the kube-controller-manager's
// controllers act as when they create the objects of an owner they manage.
var builtinControllers = map[string]bool{
	"system:kube-controller-manager":                                true,
	"system:serviceaccount:kube-system:replicaset-controller":       true,
	"system:serviceaccount:kube-system:deployment-controller":       true,
	"system:serviceaccount:kube-system:statefulset-controller":      true,
	"system:serviceaccount:kube-system:daemon-set-controller":       true,
	"system:serviceaccount:kube-system:job-controller":              true,
	"system:serviceaccount:kube-system:cronjob-controller":          true,
	"system:serviceaccount:kube-system:replication-controller":      true,
	"system:serviceaccount:kube-system:ephemeral-volume-controller": true,
}

// approvalContext is what the approval verifier needs from the request:
// the deploying user (never the approver), the object before an update (an
// update that changes nothing approvals cover needs none), and whether a
// built-in controller creates the object for the owner that carries the
// approval (a Deployment's ReplicaSet, a ReplicaSet's Pods).
func approvalContext(pol *policy.Policy, req admission.Request, r *resource.Resource) (*approval.Context, error) {
	ac := &approval.Context{Deployer: req.UserInfo.Username, Admitted: true}
	if len(pol.ApprovalEnvironments()) == 0 {
		return ac, nil
	}
	if owner := controllerOwner(req, r); owner != "" {
		ac.Exempt = map[string]string{r.Address: fmt.Sprintf("%s creates it for its owner %s, whose change is the one approved", req.UserInfo.Username, owner)}
		return ac, nil
	}
	if req.Operation == admissionv1.Update && len(req.OldObject.Raw) > 0 {
		var old map[string]any
		if err := json.Unmarshal(req.OldObject.Raw, &old); err != nil {
			return nil, fmt.Errorf("the old object is not valid JSON: %w", err)
		}
		ac.Previous = map[string]map[string]any{r.Address: old}
	}
	return ac, nil
}

// controllerOwner returns the controlling owner (Kind/name) of an object
// a built-in controller creates or updates, or "".
func controllerOwner(req admission.Request, r *resource.Resource) string {
	if !builtinControllers[req.UserInfo.Username] {
		return ""
	}
	meta, _ := r.Attributes["metadata"].(map[string]any)
	refs, _ := meta["ownerReferences"].([]any)
	for _, ref := range refs {
		m, _ := ref.(map[string]any)
		if c, _ := m["controller"].(bool); c {
			return fmt.Sprintf("%v/%v", m["kind"], m["name"])
		}
	}
	return ""
}

// recordBreakGlass records each break-glass finding of an admitted request
// as a Warning Event on the object, after the answer, so that the deploy is
// on the record however the client treats warnings. Dry runs record nothing.
func (h *Handler) recordBreakGlass(req admission.Request, res *engine.Result, allowed bool) {
	if h.Events == nil || !allowed || isDryRun(req) {
		return
	}
	for _, f := range res.Findings {
		if f.RuleID != approvalrules.BreakGlass.ID || f.Mode != policy.Warn {
			continue
		}
		ev := breakGlassEvent(req, f.Message, f.Severity, h.clock())
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
			defer cancel()
			if err := h.Events.Create(ctx, ev); err != nil {
				h.Log.Error(err, "could not record the break-glass deploy as an event", "kind", req.Kind.Kind, "namespace", req.Namespace, "name", objectName(req))
			}
		}()
		h.Log.Info("break-glass", "kind", req.Kind.Kind, "namespace", req.Namespace, "name", objectName(req), "user", req.UserInfo.Username, "finding", f.Message)
	}
}

func breakGlassEvent(req admission.Request, msg string, sev policy.Severity, now time.Time) *corev1.Event {
	var meta struct {
		Metadata struct {
			UID  types.UID `json:"uid"`
			Name string    `json:"name"`
		} `json:"metadata"`
		APIVersion string `json:"apiVersion"`
	}
	_ = json.Unmarshal(req.Object.Raw, &meta)
	name := req.Name
	if name == "" {
		name = meta.Metadata.Name
	}
	ns := req.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	sum := sha256.Sum256([]byte(string(req.UID) + "\x00" + msg))
	base := name
	if len(base) > 200 {
		base = base[:200]
	}
	text := fmt.Sprintf("[%s %s] %s", approvalrules.BreakGlass.ID, sev, msg)
	if len(text) > 1024 {
		cut := 1021
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "..."
	}
	return &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name: strings.TrimSuffix(base, ".") + ".guardrail-break-glass-" + hex.EncodeToString(sum[:6]), Namespace: ns,
			Labels: map[string]string{"guardrail.dev/rule": approvalrules.BreakGlass.ID},
		},
		InvolvedObject: corev1.ObjectReference{
			APIVersion: meta.APIVersion, Kind: req.Kind.Kind, Namespace: req.Namespace, Name: name, UID: meta.Metadata.UID,
		},
		Reason:              BreakGlassReason,
		Message:             text,
		Type:                corev1.EventTypeWarning,
		Source:              corev1.EventSource{Component: "guardrail-webhook"},
		ReportingController: "guardrail.dev/webhook",
		ReportingInstance:   "guardrail-webhook",
		FirstTimestamp:      metav1.NewTime(now),
		LastTimestamp:       metav1.NewTime(now),
		Count:               1,
	}
}

func (h *Handler) clock() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
