package controller_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/controller"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/webhook"
)

func violationEvents(ns, name, rule string) []corev1.Event {
	GinkgoHelper()
	var list corev1.EventList
	Expect(k8s.List(context.Background(), &list, client.InNamespace(ns), client.MatchingLabels{"guardrail.dev/rule": rule})).To(Succeed())
	var out []corev1.Event
	for _, e := range list.Items {
		if e.InvolvedObject.Name == name && e.Reason == "PolicyViolation" {
			out = append(out, e)
		}
	}
	return out
}

var _ = Describe("the audit", Ordered, func() {
	ctx := context.Background()

	It("records violations of objects admitted before the policy changed, once, as Events and in the policy's status", func() {
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Mode: "off"}}}))
		ns := newNamespace("prod", nil)
		Expect(k8s.Create(ctx, deployment(ns, "legacy", hostPort))).To(Succeed())

		setPolicy(withoutApproval(policy.Spec{})) // GR-PORT-005 denies again; the policy change triggers an audit
		Eventually(func() int { return len(violationEvents(ns, "legacy", "GR-PORT-005")) }, 20*time.Second, 200*time.Millisecond).Should(Equal(1))
		ev := violationEvents(ns, "legacy", "GR-PORT-005")[0]
		Expect(ev.Type).To(Equal(corev1.EventTypeWarning))
		Expect(ev.Message).To(ContainSubstring("hostPort"))

		Eventually(func(g Gomega) {
			var gp guardrailv1.GuardrailPolicy
			g.Expect(k8s.Get(ctx, types.NamespacedName{Name: "guardrail"}, &gp)).To(Succeed())
			g.Expect(gp.Status.Audit).NotTo(BeNil())
			g.Expect(gp.Status.Audit.ByRule).To(HaveKey("GR-PORT-005"))
			g.Expect(gp.Status.Audit.Violations).To(ContainElement(SatisfyAll(
				HaveField("Rule", "GR-PORT-005"), HaveField("Namespace", ns), HaveField("Name", "legacy"))))
		}, 20*time.Second, 200*time.Millisecond).Should(Succeed())

		// A restarted manager (a new Auditor) auditing again records nothing twice.
		again := &controller.Auditor{Client: k8s, Holder: holder, PolicyName: "guardrail", Kinds: controller.Audited[:6],
			Log: ctrl.Log.WithName("audit-again")}
		for range 2 {
			_, err := again.Audit(ctx)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(violationEvents(ns, "legacy", "GR-PORT-005")).To(HaveLen(1))
	})

	It("records every violation once when a manager dies in the middle of an audit and a new one takes over", func() {
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Mode: "off"}}}))
		ns := newNamespace("prod", nil)
		const objects = 24
		for i := range objects {
			Expect(k8s.Create(ctx, deployment(ns, fmt.Sprintf("legacy-%02d", i), hostPort))).To(Succeed())
		}
		// The auditors of this spec judge by a policy of their own, in which
		// GR-PORT-005 denies; the suite's manager keeps the cluster's, where it is off.
		strict, err := (&guardrailv1.GuardrailPolicy{Spec: withoutApproval(policy.Spec{})}).Compile()
		Expect(err).NotTo(HaveOccurred())
		own := &webhook.PolicyHolder{}
		own.Store(strict, "restart spec")
		kinds := []schema.GroupVersionKind{{Group: "apps", Version: "v1", Kind: "Deployment"}}

		// The first manager dies after recording a third of the violations:
		// its context ends, as a killed process's requests do.
		dying, die := context.WithCancel(ctx)
		defer die()
		first := &controller.Auditor{Client: &dieAfterEvents{Client: k8s, namespace: ns, left: objects / 3, die: die}, Holder: own,
			PolicyName: "guardrail", Kinds: kinds, Log: ctrl.Log.WithName("audit-dying")}
		_, err = first.Audit(dying)
		Expect(err).To(HaveOccurred(), "the audit finished although its manager died")
		// recorded counts the violation Events of the namespace, by object and
		// by what they say (one violation is one rule at one field).
		recorded := func() (total int, perObject map[string]int, most int) {
			var list corev1.EventList
			Expect(k8s.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
			perObject, same := map[string]int{}, map[string]int{}
			for _, e := range list.Items {
				if e.Reason != "PolicyViolation" {
					continue
				}
				total++
				perObject[e.InvolvedObject.Name]++
				same[e.InvolvedObject.Name+"\x00"+e.Message]++
				most = max(most, same[e.InvolvedObject.Name+"\x00"+e.Message])
			}
			return total, perObject, most
		}
		Eventually(func() int { total, _, _ := recorded(); return total }, 10*time.Second, 100*time.Millisecond).
			Should(Equal(objects/3), "the dying manager recorded more or less than it got to")

		// Its successor audits, twice: every violation is recorded, none twice.
		second := &controller.Auditor{Client: k8s, Holder: own, PolicyName: "guardrail", Kinds: kinds,
			Log: ctrl.Log.WithName("audit-successor")}
		for range 2 {
			_, err := second.Audit(ctx)
			Expect(err).NotTo(HaveOccurred())
		}
		// What should be recorded, from the library itself: the namespace's
		// Deployments judged by the same policy.
		var live unstructured.UnstructuredList
		live.SetGroupVersionKind(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DeploymentList"})
		Expect(k8s.List(ctx, &live, client.InNamespace(ns))).To(Succeed())
		var set resource.Set
		for _, u := range live.Items {
			unstructured.RemoveNestedField(u.Object, "status")
			unstructured.RemoveNestedField(u.Object, "metadata", "managedFields")
			data, err := json.Marshal(u.Object)
			Expect(err).NotTo(HaveOccurred())
			one, err := manifest.Load(u.GetName()+".json", data, manifest.Options{})
			Expect(err).NotTo(HaveOccurred())
			set.Resources = append(set.Resources, one.Resources...)
		}
		res, err := engine.Evaluate(ctx, strict, &set, engine.Options{})
		Expect(err).NotTo(HaveOccurred())
		want := 0
		for _, f := range res.Findings {
			if f.Mode == policy.Deny && f.Waiver == nil {
				want++
			}
		}
		Expect(want).To(BeNumerically(">=", objects), "the successor does not see every object's violation")
		Eventually(func(g Gomega) {
			total, perObject, most := recorded()
			g.Expect(perObject).To(HaveLen(objects), "objects whose violations were lost")
			g.Expect(total).To(Equal(want), "violations lost")
			g.Expect(most).To(Equal(1), "a violation recorded twice")
		}, 10*time.Second, 100*time.Millisecond).Should(Succeed())
		Consistently(func() int { _, _, most := recorded(); return most }, 2*time.Second, 200*time.Millisecond).
			Should(Equal(1), "a violation recorded twice")
	})

	It("removes a RoleBinding whose temporary access has expired, when the policy says so", func() {
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-ADMIN-004": {Mode: "off"}}}))
		ns := newNamespace("dev", nil)
		rb := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "oncall", Namespace: ns, Annotations: map[string]string{"guardrail.dev/expires": "2020-01-31"}},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: "alice@acme.test", APIGroup: "rbac.authorization.k8s.io"}},
		}
		Expect(k8s.Create(ctx, rb)).To(Succeed())
		keep := rb.DeepCopy()
		keep.Name, keep.ResourceVersion, keep.Annotations = "permanent", "", nil
		Expect(k8s.Create(ctx, keep)).To(Succeed())

		setPolicy(withoutApproval(policy.Spec{Admission: policy.Admission{RevokeExpiredBindings: true}}))
		Eventually(func() bool {
			err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "oncall"}, &rbacv1.RoleBinding{})
			return apierrors.IsNotFound(err)
		}, 20*time.Second, 200*time.Millisecond).Should(BeTrue())
		Expect(k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "permanent"}, &rbacv1.RoleBinding{})).To(Succeed())
	})
})

// dieAfterEvents is the client of a manager that is killed after it has
// recorded left Events in namespace: it cancels the audit's context, and every call from
// then on fails as a dead process's would.
type dieAfterEvents struct {
	client.Client
	namespace string
	mu        sync.Mutex
	left      int
	die       context.CancelFunc
}

func (d *dieAfterEvents) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	if _, ok := obj.(*corev1.Event); ok && obj.GetNamespace() == d.namespace {
		d.mu.Lock()
		dead := d.left <= 0
		if !dead {
			d.left--
			if d.left == 0 {
				defer d.die()
			}
		}
		d.mu.Unlock()
		if dead {
			return context.Canceled
		}
	}
	return d.Client.Create(ctx, obj, opts...)
}
