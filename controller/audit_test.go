package controller_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/controller"
	"github.com/guardrail-dev/guardrail/pkg/policy"
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
