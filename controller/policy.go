package controller

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/webhook"
)

// PolicyReconciler keeps the PolicyHolder in step with the GuardrailPolicy
// named PolicyName. It runs on every replica, since every replica's webhook
// enforces the policy; only the elected leader writes status.
type PolicyReconciler struct {
	Client     client.Client
	Holder     *webhook.PolicyHolder
	PolicyName string
	// Elected is closed once this replica leads (mgr.Elected()).
	Elected <-chan struct{}
	Log     logr.Logger
}

// SetupWithManager registers the reconciler.
func (r *PolicyReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("guardrailpolicy").
		For(&guardrailv1.GuardrailPolicy{}).
		WithOptions(controller.Options{NeedLeaderElection: ptr.To(false)}).
		Complete(r)
}

// Reconcile loads one GuardrailPolicy.
func (r *PolicyReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var gp guardrailv1.GuardrailPolicy
	if err := r.Client.Get(ctx, req.NamespacedName, &gp); err != nil {
		if apierrors.IsNotFound(err) && req.Name == r.PolicyName {
			// The enforced policy was deleted: fall back to the built-in one, on purpose and loudly.
			r.Holder.Store(policy.MustCompile(policy.Default()), "built-in (GuardrailPolicy "+req.Name+" was deleted)")
			r.Log.Info("enforced GuardrailPolicy deleted; enforcing the built-in policy", "name", req.Name)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	selected := gp.Name == r.PolicyName
	p, compileErr := gp.Compile()
	valid := metav1.Condition{Type: guardrailv1.ConditionValid, Status: metav1.ConditionTrue, Reason: "Compiled",
		Message: "the policy compiles", ObservedGeneration: gp.Generation}
	active := metav1.Condition{Type: guardrailv1.ConditionActive, ObservedGeneration: gp.Generation}
	switch {
	case compileErr != nil:
		valid.Status, valid.Reason, valid.Message = metav1.ConditionFalse, "Invalid", clipMessage(compileErr.Error())
		if selected {
			cur := r.Holder.Load()
			active.Status, active.Reason = metav1.ConditionFalse, "InvalidSpec"
			active.Message = "this generation is invalid and is not enforced"
			if cur != nil {
				active.Message += "; still enforcing " + cur.Source
			}
			r.Log.Error(compileErr, "invalid GuardrailPolicy; keeping the last valid policy", "name", gp.Name, "generation", gp.Generation)
		} else {
			active.Status, active.Reason, active.Message = metav1.ConditionFalse, "NotSelected", "the manager enforces GuardrailPolicy "+r.PolicyName
		}
	case selected:
		source := fmt.Sprintf("GuardrailPolicy %s generation %d", gp.Name, gp.Generation)
		r.Holder.Store(p, source)
		active.Status, active.Reason, active.Message = metav1.ConditionTrue, "Enforced", "enforced by the webhook and the audit"
		r.Log.Info("enforcing policy", "source", source)
	default:
		active.Status, active.Reason, active.Message = metav1.ConditionFalse, "NotSelected", "the manager enforces GuardrailPolicy "+r.PolicyName
	}
	if !r.leading() {
		return ctrl.Result{}, nil
	}
	before := gp.Status.DeepCopy()
	gp.Status.ObservedGeneration = gp.Generation
	meta.SetStatusCondition(&gp.Status.Conditions, valid)
	meta.SetStatusCondition(&gp.Status.Conditions, active)
	if equalStatus(before, &gp.Status) {
		return ctrl.Result{}, nil
	}
	if err := r.Client.Status().Update(ctx, &gp); err != nil {
		if apierrors.IsConflict(err) {
			return ctrl.Result{RequeueAfter: 100 * time.Millisecond}, nil
		}
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, nil
}

func (r *PolicyReconciler) leading() bool {
	if r.Elected == nil {
		return true
	}
	select {
	case <-r.Elected:
		return true
	default:
		return false
	}
}

func equalStatus(a, b *guardrailv1.GuardrailPolicyStatus) bool {
	if a.ObservedGeneration != b.ObservedGeneration || len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for i := range a.Conditions {
		x, y := a.Conditions[i], b.Conditions[i]
		if x.Type != y.Type || x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message || x.ObservedGeneration != y.ObservedGeneration {
			return false
		}
	}
	return true
}

// clipMessage keeps a condition message within the API's 32 KiB limit.
func clipMessage(s string) string {
	const max = 4096
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
