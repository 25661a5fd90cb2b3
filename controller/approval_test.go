package controller_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/guardrail-dev/guardrail/controller"
	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/approval/approvaltest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/webhook"
)

// These specs prove change approval against a real API server: the object
// the webhook sees has been defaulted (and, for updates, merged) by the API
// server, so an approval binds to the manifest the approver saw, and the
// webhook checks the admitted object against it.
var _ = Describe("change approval", Ordered, func() {
	var (
		ctx                   = context.Background()
		bob, carol, alice, me *approvaltest.Signer
		mallory               *approvaltest.Signer // holds a key no policy lists
		deployer              string
		t                     = GinkgoT()
	)

	// approvalPolicy requires approval in prod from the allowed signers.
	approvalPolicy := func(mutate func(*policy.Approval)) policy.Spec {
		a := policy.Approval{
			TicketPattern:  "CHG-[0-9]+",
			AllowedSigners: []policy.Signer{bob.Entry(), carol.Entry(), alice.Entry(), me.Entry()},
		}
		if mutate != nil {
			mutate(&a)
		}
		return policy.Spec{Approval: a}
	}
	// approve annotates obj with approvals by signers, given an hour ago.
	approve := func(obj client.Object, signers ...*approvaltest.Signer) client.Object {
		GinkgoHelper()
		approvaltest.ApproveObject(t, obj.(runtime.Object), obj.GetNamespace(), "CHG-42", time.Now().Add(-time.Hour), signers...)
		return obj
	}
	// approvedNamespace creates a prod namespace, itself an approved change.
	approvedNamespace := func() string {
		GinkgoHelper()
		name := fmt.Sprintf("prod-appr-%d", nsCounter.Add(1))
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"guardrail.dev/environment": "prod"}}}
		Expect(k8s.Create(ctx, approve(ns, bob))).To(Succeed())
		return name
	}
	plainDeployment := func(ns, name string, mutate func(*corev1.PodSpec)) *appsv1.Deployment {
		d := deployment(ns, name, mutate)
		d.Annotations = nil
		return d
	}

	BeforeAll(func() {
		var review authenticationv1.SelfSubjectReview
		Expect(k8s.Create(ctx, &review)).To(Succeed())
		deployer = review.Status.UserInfo.Username
		Expect(deployer).NotTo(BeEmpty())
		bob, carol, alice = approvaltest.NewSigner(t, "bob@acme.test"), approvaltest.NewSigner(t, "carol@acme.test"), approvaltest.NewSigner(t, "alice@acme.test")
		me = approvaltest.NewSigner(t, deployer) // the identity deploying in these specs
		mallory = approvaltest.NewSigner(t, "bob@acme.test")
		setPolicy(approvalPolicy(nil))
	})

	It("admits a Deployment created from the approved manifest, defaults and all", func() {
		ns := approvedNamespace()
		d := approve(plainDeployment(ns, "web", nil), bob)
		Expect(k8s.Create(ctx, d)).To(Succeed())
		// The API server defaulted what the manifest left out: the webhook
		// judged the defaulted object against the approved manifest.
		var live appsv1.Deployment
		Expect(k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "web"}, &live)).To(Succeed())
		Expect(live.Spec.Template.Spec.Containers[0].TerminationMessagePath).To(Equal("/dev/termination-log"))
		Expect(*live.Spec.RevisionHistoryLimit).To(BeEquivalentTo(10))
	})

	It("admits approved Services, ConfigMaps, Jobs, CronJobs, StatefulSets, DaemonSets, NetworkPolicies and Pods", func() {
		ns := approvedNamespace()
		labels := map[string]string{"app": "api"}
		podSpec := corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{
			Name: "api", Image: "registry.example/api:2", Ports: []corev1.ContainerPort{{ContainerPort: 8443}},
			Env:            []corev1.EnvVar{{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(8443)}}},
			Resources:      corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: mustQuantity("0.5")}},
		}}, Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}}}}
		template := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: *podSpec.DeepCopy()}
		always := *template.DeepCopy()
		always.Spec.RestartPolicy = ""
		objects := []client.Object{
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: ns},
				Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Name: "https", Port: 443}}}},
			&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: ns}, Data: map[string]string{"level": "info"}},
			&batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "migrate", Namespace: ns}, Spec: batchv1.JobSpec{Template: *template.DeepCopy()}},
			&batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "report", Namespace: ns}, Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *",
				JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: *template.DeepCopy()}}}},
			&appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: ns}, Spec: appsv1.StatefulSetSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: *always.DeepCopy()}},
			&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: ns}, Spec: appsv1.DaemonSetSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: *always.DeepCopy()}},
			&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: ns},
				Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}},
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: ns}, Spec: *podSpec.DeepCopy()},
		}
		for _, o := range objects {
			Expect(k8s.Create(ctx, approve(o, bob))).To(Succeed(), "%T", o)
		}
	})

	It("denies a change without approval, and one whose approval names an approver only", func() {
		ns := approvedNamespace()
		Expect(denial(k8s.Create(ctx, plainDeployment(ns, "web", nil)))).To(SatisfyAll(
			ContainSubstring("GR-APPR-001"), ContainSubstring("no guardrail.dev/approvals annotation")))
		d := plainDeployment(ns, "web", nil)
		d.Annotations = approved() // what peers check: an annotation anyone can type
		Expect(denial(k8s.Create(ctx, d))).To(ContainSubstring("GR-APPR-001"))
	})

	It("does not ask for approval outside the environments that need it", func() {
		ns := newNamespace("dev", nil)
		Expect(k8s.Create(ctx, plainDeployment(ns, "web", nil))).To(Succeed())
	})

	It("denies a hostPort or an environment variable added to the approved manifest", func() {
		ns := approvedNamespace()
		d := approve(plainDeployment(ns, "web", nil), bob).(*appsv1.Deployment)
		d.Spec.Template.Spec.Containers[0].Ports[0].HostPort = 8443
		msg := denial(k8s.Create(ctx, d))
		Expect(msg).To(ContainSubstring("GR-APPR-002"))
		Expect(msg).To(ContainSubstring("spec.template.spec.containers[0].ports[0].hostPort is 8443, which the approved manifest does not set"))

		d = approve(plainDeployment(ns, "web", nil), bob).(*appsv1.Deployment)
		d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "DEBUG", Value: "1"}}
		Expect(denial(k8s.Create(ctx, d))).To(SatisfyAll(ContainSubstring("GR-APPR-002"),
			ContainSubstring("spec.template.spec.containers[0].env")))
	})

	It("does not carry an approval for the previous version over to a changed spec", func() {
		ns := approvedNamespace()
		d := approve(plainDeployment(ns, "web", nil), bob).(*appsv1.Deployment)
		Expect(k8s.Create(ctx, d)).To(Succeed())
		d.Spec.Template.Spec.Containers[0].Image = "registry.example/web:2"
		msg := denial(k8s.Update(ctx, d))
		Expect(msg).To(SatisfyAll(ContainSubstring("GR-APPR-002"), ContainSubstring("spec.template.spec.containers[0].image")))
		// Approved again, the same update goes through.
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(d), d)).To(Succeed())
		d.Spec.Template.Spec.Containers[0].Image = "registry.example/web:2"
		delete(d.Annotations, "guardrail.dev/approvals")
		approve(d, bob)
		Expect(k8s.Update(ctx, d)).To(Succeed())
	})

	It("denies the author approving their own change", func() {
		ns := approvedNamespace()
		d := plainDeployment(ns, "web", nil)
		d.Annotations = map[string]string{"guardrail.dev/author": "Alice@acme.test"}
		Expect(denial(k8s.Create(ctx, approve(d, alice)))).To(SatisfyAll(
			ContainSubstring("GR-APPR-003"), ContainSubstring("alice@acme.test approved their own change")))
	})

	It("denies the deployer approving the change they deploy", func() {
		ns := approvedNamespace()
		Expect(denial(k8s.Create(ctx, approve(plainDeployment(ns, "web", nil), me)))).To(SatisfyAll(
			ContainSubstring("GR-APPR-003"), ContainSubstring("is the deployer")))
	})

	It("denies an approval signed with a key the policy does not list", func() {
		ns := approvedNamespace()
		Expect(denial(k8s.Create(ctx, approve(plainDeployment(ns, "web", nil), mallory)))).To(SatisfyAll(
			ContainSubstring("GR-APPR-004"), ContainSubstring("which no allowed signer lists")))
	})

	It("denies an expired approval and one older than the policy's maximum age", func() {
		ns := approvedNamespace()
		setPolicy(approvalPolicy(func(a *policy.Approval) { a.MaxAge = "30m" }))
		DeferCleanup(func() { setPolicy(approvalPolicy(nil)) })
		Expect(denial(k8s.Create(ctx, approve(plainDeployment(ns, "web", nil), bob)))).To(SatisfyAll(
			ContainSubstring("GR-APPR-005"), ContainSubstring("maximum age of 30m")))

		d := plainDeployment(ns, "expired", nil)
		c, err := approval.ForObject(approvaltest.Unstructured(t, d), ns, approvaltest.Prefix)
		Expect(err).NotTo(HaveOccurred())
		a := approval.NewApproval(bob.Identity, "CHG-7", time.Now().Add(-20*time.Minute), 10*time.Minute)
		Expect(c.Add(a, bob)).To(Succeed())
		value, err := approval.EncodeChange(c)
		Expect(err).NotTo(HaveOccurred())
		d.Annotations = map[string]string{"guardrail.dev/approvals": value}
		Expect(denial(k8s.Create(ctx, d))).To(SatisfyAll(ContainSubstring("GR-APPR-005"), ContainSubstring("expired at")))
	})

	It("asks for as many distinct people as the policy says, however many keys one holds", func() {
		ns := approvedNamespace()
		setPolicy(approvalPolicy(func(a *policy.Approval) {
			a.Approvers = 2
			// Bob lists a second key: his two signatures are still one person's.
			a.AllowedSigners = append(a.AllowedSigners, policy.Signer{Identity: "BOB@acme.test", Keys: []string{mallory.AuthorizedKey}})
		}))
		DeferCleanup(func() { setPolicy(approvalPolicy(nil)) })
		Expect(denial(k8s.Create(ctx, approve(plainDeployment(ns, "one", nil), bob, mallory)))).To(SatisfyAll(
			ContainSubstring("GR-APPR-007"), ContainSubstring("1 distinct independent approver (bob@acme.test), the policy requires 2")))
		Expect(k8s.Create(ctx, approve(plainDeployment(ns, "two", nil), bob, carol))).To(Succeed())
	})

	It("admits a break-glass deploy with a warning and records it as an Event, but not for dry runs", func() {
		setPolicy(approvalPolicy(func(a *policy.Approval) { a.BreakGlass.Identities = []string{strings.ToUpper(deployer)} }))
		DeferCleanup(func() { setPolicy(approvalPolicy(nil)) })
		ns := approvedNamespace()

		d := plainDeployment(ns, "hotfix", nil)
		Expect(denial(k8s.Create(ctx, d))).To(SatisfyAll(ContainSubstring("GR-APPR-008"), ContainSubstring("gave no reason")))

		d = plainDeployment(ns, "hotfix", nil)
		d.Annotations = map[string]string{"guardrail.dev/break-glass": "INC-7: checkout down"}
		dry := d.DeepCopy()
		warnings.take()
		Expect(k8s.Create(ctx, dry, client.DryRunAll)).To(Succeed())
		Expect(strings.Join(warnings.take(), "\n")).To(ContainSubstring("GR-APPR-008"))

		Expect(k8s.Create(ctx, d)).To(Succeed())
		Expect(strings.Join(warnings.take(), "\n")).To(SatisfyAll(ContainSubstring("GR-APPR-008"), ContainSubstring("INC-7: checkout down")))
		var events []corev1.Event
		Eventually(func() []corev1.Event {
			var list corev1.EventList
			Expect(k8s.List(ctx, &list, client.InNamespace(ns), client.MatchingLabels{"guardrail.dev/rule": "GR-APPR-008"})).To(Succeed())
			events = list.Items
			return events
		}, 10*time.Second, 100*time.Millisecond).Should(HaveLen(1)) // the dry run recorded none
		ev := events[0]
		Expect(ev.Reason).To(Equal(webhook.BreakGlassReason))
		Expect(ev.Type).To(Equal(corev1.EventTypeWarning))
		Expect(ev.InvolvedObject.Kind).To(Equal("Deployment"))
		Expect(ev.InvolvedObject.Name).To(Equal("hotfix"))
		Expect(ev.Message).To(SatisfyAll(ContainSubstring("GR-APPR-008 high"), ContainSubstring(deployer), ContainSubstring("INC-7")))
	})

	It("lets scale-only updates through when scaleOnly is exempt, and asks for approval when it is require", func() {
		ns := approvedNamespace()
		d := approve(plainDeployment(ns, "web", nil), bob).(*appsv1.Deployment)
		Expect(k8s.Create(ctx, d)).To(Succeed())
		d.Spec.Replicas = ptr(int32(5))
		Expect(k8s.Update(ctx, d)).To(Succeed())

		setPolicy(approvalPolicy(func(a *policy.Approval) { a.ScaleOnly = "require" }))
		DeferCleanup(func() { setPolicy(approvalPolicy(nil)) })
		d.Spec.Replicas = ptr(int32(7))
		Expect(denial(k8s.Update(ctx, d))).To(SatisfyAll(ContainSubstring("GR-APPR-002"), ContainSubstring("spec.replicas is 7")))
	})

	It("lets updates through that change nothing an approval covers, such as a status-like annotation", func() {
		ns := approvedNamespace()
		d := approve(plainDeployment(ns, "web", nil), bob).(*appsv1.Deployment)
		Expect(k8s.Create(ctx, d)).To(Succeed())
		// The deployment controller's annotation, which approvals leave out.
		d.Annotations["deployment.kubernetes.io/revision"] = "2"
		Expect(k8s.Update(ctx, d)).To(Succeed())
	})

	It("audits live objects: approvals that have aged since they were admitted stand, missing ones are reported", func() {
		ns := approvedNamespace()
		Expect(k8s.Create(ctx, approve(plainDeployment(ns, "approved", nil), bob))).To(Succeed())
		setPolicy(withoutApproval(approvalPolicy(nil)))
		Expect(k8s.Create(ctx, plainDeployment(ns, "unapproved", nil))).To(Succeed())
		setPolicy(approvalPolicy(func(a *policy.Approval) { a.MaxAge = "1m" })) // the approval, an hour old, is too old now
		DeferCleanup(func() { setPolicy(approvalPolicy(nil)) })
		auditor := &controller.Auditor{Client: k8s, Holder: holder, PolicyName: "guardrail", Kinds: controller.Audited[:6], Log: GinkgoLogr}
		_, err := auditor.Audit(ctx)
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() int { return len(violationEvents(ns, "unapproved", "GR-APPR-001")) }, 10*time.Second, 100*time.Millisecond).Should(Equal(1))
		for _, id := range []string{"GR-APPR-001", "GR-APPR-005"} {
			Expect(violationEvents(ns, "approved", id)).To(BeEmpty(), id)
		}
	})

	It("applies an inline waiver only when the change is approved by someone other than the waiver's owner", func() {
		ns := approvedNamespace()
		waived := func(name string) *appsv1.Deployment {
			d := plainDeployment(ns, name, hostPort)
			d.Annotations = map[string]string{"guardrail.dev/ignore": `GR-PORT-005 reason="node exporter" owner=carol@acme.test`}
			return d
		}
		Expect(k8s.Create(ctx, approve(waived("by-bob"), bob))).To(Succeed())
		Expect(denial(k8s.Create(ctx, approve(waived("by-carol"), carol)))).To(SatisfyAll(
			ContainSubstring("GR-PORT-005"), ContainSubstring("GR-WAIVE-001"), ContainSubstring("approved only by its owner")))
	})
})

func ptr[T any](v T) *T { return &v }

func mustQuantity(s string) resource.Quantity { return resource.MustParse(s) }
