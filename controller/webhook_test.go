package controller_test

import (
	"context"
	"fmt"
	"k8s.io/client-go/util/retry"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

var nsCounter atomic.Int64

// approved are the annotations peers accept as an approval: an approver's
// name and a ticket, which anyone can type. guardrail does not (see
// approval_test.go); these specs turn approval off with withoutApproval.
func approved() map[string]string {
	return map[string]string{"guardrail.dev/approved-by": "dana@acme.test", "guardrail.dev/change-ticket": "CHG-1"}
}

// newNamespace creates a namespace placed in env by its label.
func newNamespace(env string, extra map[string]string) string {
	name := fmt.Sprintf("%s-%d", env, nsCounter.Add(1))
	labels := map[string]string{"guardrail.dev/environment": env}
	for k, v := range extra {
		labels[k] = v
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: approved()}}
	Expect(k8s.Create(context.Background(), ns)).To(Succeed())
	return name
}

func deployment(ns, name string, mutate func(*corev1.PodSpec)) *appsv1.Deployment {
	spec := corev1.PodSpec{Containers: []corev1.Container{{
		Name: "web", Image: "registry.example/web:1",
		Ports: []corev1.ContainerPort{{ContainerPort: 8443}},
	}}}
	if mutate != nil {
		mutate(&spec)
	}
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: approved()},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
		},
	}
}

func hostPort(spec *corev1.PodSpec) { spec.Containers[0].Ports[0].HostPort = 9100 }

// denial returns the message of a webhook denial, failing when err is not one.
func denial(err error) string {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "the API server admitted the object")
	Expect(apierrors.IsForbidden(err) || apierrors.IsInternalError(err)).To(BeTrue(), "not a webhook denial: %v", err)
	return err.Error()
}

// withoutApproval turns the change-approval rules off, for specs about
// other controls: approval_test.go proves approval.
func withoutApproval(spec policy.Spec) policy.Spec {
	rules := map[string]policy.RuleSetting{"GR-APPR-*": {Mode: "off"}}
	for k, v := range spec.Rules {
		rules[k] = v
	}
	spec.Rules = rules
	return spec
}

// setPolicy creates or replaces the enforced GuardrailPolicy and waits until
// the webhook enforces that generation.
func setPolicy(spec policy.Spec) {
	GinkgoHelper()
	ctx := context.Background()
	var gp guardrailv1.GuardrailPolicy
	// The policy controller writes the status concurrently, so an update
	// may meet a newer resourceVersion: fetch again and retry, as a client would.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		err := k8s.Get(ctx, types.NamespacedName{Name: "guardrail"}, &gp)
		if apierrors.IsNotFound(err) {
			gp = guardrailv1.GuardrailPolicy{ObjectMeta: metav1.ObjectMeta{Name: "guardrail"}, Spec: spec}
			return k8s.Create(ctx, &gp)
		}
		if err != nil {
			return err
		}
		gp.Spec = spec
		return k8s.Update(ctx, &gp)
	})
	Expect(err).NotTo(HaveOccurred())
	want := fmt.Sprintf("GuardrailPolicy guardrail generation %d", gp.Generation)
	Eventually(func() string { return holder.Load().Source }, 10*time.Second, 20*time.Millisecond).Should(Equal(want))
}

var _ = Describe("the admission webhook", Ordered, func() {
	ctx := context.Background()

	BeforeAll(func() {
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {ExcludeEnvironments: []string{"dev"}}}}))
	})

	Context("port restrictions", func() {
		It("admits a compliant Deployment in production", func() {
			ns := newNamespace("prod", nil)
			Expect(k8s.Create(ctx, deployment(ns, "web", nil))).To(Succeed())
		})
		It("denies a hostPort in production, naming the rule, the field and the fix", func() {
			ns := newNamespace("prod", nil)
			msg := denial(k8s.Create(ctx, deployment(ns, "web", hostPort)))
			Expect(msg).To(ContainSubstring("GR-PORT-005"))
			Expect(msg).To(ContainSubstring("spec.template.spec.containers[0].ports[0].hostPort"))
			Expect(msg).To(ContainSubstring("Fix: Remove hostPort"))
		})
		It("admits the hostPort in a dev namespace, which the policy allows, placing it by the namespace label", func() {
			ns := newNamespace("dev", nil)
			Expect(k8s.Create(ctx, deployment(ns, "web", hostPort))).To(Succeed())
		})
		It("denies hostNetwork on update, and an approval for the old spec does not carry it", func() {
			ns := newNamespace("prod", nil)
			d := deployment(ns, "web", nil)
			Expect(k8s.Create(ctx, d)).To(Succeed())
			d.Spec.Template.Spec.HostNetwork = true
			Expect(denial(k8s.Update(ctx, d))).To(ContainSubstring("GR-PORT-006"))
		})
	})

	Context("encryption in transit", func() {
		It("denies an Ingress without TLS", func() {
			ns := newNamespace("prod", nil)
			ing := &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns, Annotations: approved()},
				Spec:       networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: "shop.example.test"}}},
			}
			Expect(denial(k8s.Create(ctx, ing))).To(ContainSubstring("GR-TLS-008"))
			ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{"shop.example.test"}, SecretName: "shop-tls"}}
			Expect(k8s.Create(ctx, ing)).To(Succeed())
		})
	})

	Context("segregation of environments", func() {
		It("denies a dev workload reading a production Secret", func() {
			ns := newNamespace("dev", nil)
			d := deployment(ns, "web", func(s *corev1.PodSpec) {
				s.Containers[0].Env = []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{
					SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "orders-prod"}, Key: "password"}}}}
			})
			Expect(denial(k8s.Create(ctx, d))).To(ContainSubstring("GR-SEG-007"))
		})
		It("denies a production NetworkPolicy that admits every namespace", func() {
			ns := newNamespace("prod", nil)
			np := &networkingv1.NetworkPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "from-anywhere", Namespace: ns, Annotations: approved()},
				Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}}}}}},
			}
			Expect(denial(k8s.Create(ctx, np))).To(ContainSubstring("GR-SEG-005"))
		})
	})

	It("evaluates dry-run requests without creating anything", func() {
		ns := newNamespace("prod", nil)
		Expect(denial(k8s.Create(ctx, deployment(ns, "web", hostPort), client.DryRunAll))).To(ContainSubstring("GR-PORT-005"))
		Expect(k8s.Create(ctx, deployment(ns, "web", nil), client.DryRunAll)).To(Succeed())
		err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "web"}, &appsv1.Deployment{})
		Expect(apierrors.IsNotFound(err)).To(BeTrue())
	})

	It("surfaces warn-mode findings as admission warnings shown to the client", func() {
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Mode: "warn"}}}))
		ns := newNamespace("prod", nil)
		warnings.take()
		Expect(k8s.Create(ctx, deployment(ns, "web", hostPort))).To(Succeed())
		Expect(strings.Join(warnings.take(), "\n")).To(ContainSubstring("GR-PORT-005"))
	})

	It("picks up policy changes through the GuardrailPolicy without a restart", func() {
		ns := newNamespace("prod", nil)
		svc := func(name string) *corev1.Service {
			return &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: approved()},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Selector: map[string]string{"app": "web"},
					Ports: []corev1.ServicePort{{Port: 443, TargetPort: intstr.FromInt32(8443)}}},
			}
		}
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-007": {Mode: "off"}}}))
		Expect(k8s.Create(ctx, svc("allowed"))).To(Succeed())
		setPolicy(withoutApproval(policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-007": {Mode: "deny"}}}))
		Expect(denial(k8s.Create(ctx, svc("denied")))).To(ContainSubstring("GR-PORT-007"))
	})

	It("rejects an invalid GuardrailPolicy and keeps the last valid one", func() {
		setPolicy(withoutApproval(policy.Spec{}))
		before := holder.Load().Source
		bad := &guardrailv1.GuardrailPolicy{ObjectMeta: metav1.ObjectMeta{Name: "broken"},
			Spec: policy.Spec{Rules: map[string]policy.RuleSetting{"GR-PORT-005": {Environments: []string{"no-such-env"}}}}}
		Expect(denial(k8s.Create(ctx, bad))).To(ContainSubstring("unknown environment"))
		Expect(holder.Load().Source).To(Equal(before))
	})

	It("reports the policy valid and active in its status", func() {
		Eventually(func(g Gomega) {
			var gp guardrailv1.GuardrailPolicy
			g.Expect(k8s.Get(ctx, types.NamespacedName{Name: "guardrail"}, &gp)).To(Succeed())
			g.Expect(meta.IsStatusConditionTrue(gp.Status.Conditions, guardrailv1.ConditionValid)).To(BeTrue())
			g.Expect(meta.IsStatusConditionTrue(gp.Status.Conditions, guardrailv1.ConditionActive)).To(BeTrue())
			g.Expect(gp.Status.ObservedGeneration).To(Equal(gp.Generation))
		}, 10*time.Second, 50*time.Millisecond).Should(Succeed())
	})

	Context("when it cannot decide", func() {
		It("follows failurePolicy Fail and says why", func() {
			setPolicy(withoutApproval(policy.Spec{Admission: policy.Admission{FailurePolicy: "Fail"}}))
			ns := newNamespace("prod", map[string]string{brokenLabel: "true"})
			msg := denial(k8s.Create(ctx, deployment(ns, "web", nil)))
			Expect(msg).To(ContainSubstring("could not decide"))
			Expect(msg).To(ContainSubstring("failurePolicy is Fail"))
		})
		It("follows failurePolicy Ignore, admitting with a warning", func() {
			setPolicy(withoutApproval(policy.Spec{Admission: policy.Admission{FailurePolicy: "Ignore"}}))
			ns := newNamespace("prod", map[string]string{brokenLabel: "true"})
			warnings.take()
			Expect(k8s.Create(ctx, deployment(ns, "web", nil))).To(Succeed())
			Expect(strings.Join(warnings.take(), "\n")).To(ContainSubstring("failurePolicy is Ignore"))
		})
	})
})
