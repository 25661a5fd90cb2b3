package config_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/guardrail-dev/guardrail/controller"
)

func deployment(t testing.TB, r *rendered) *appsv1.Deployment {
	t.Helper()
	return typed[appsv1.Deployment](t, r.get(t, "Deployment", deploymentName))
}

func validatingWebhook(t testing.TB, r *rendered) *admissionregistrationv1.ValidatingWebhookConfiguration {
	t.Helper()
	vwc := typed[admissionregistrationv1.ValidatingWebhookConfiguration](t, r.get(t, "ValidatingWebhookConfiguration", webhookConfig))
	if len(vwc.Webhooks) != 1 {
		t.Fatalf("%s has %d webhooks, want 1", webhookConfig, len(vwc.Webhooks))
	}
	return vwc
}

// args returns the manager's flags as name to value ("" for a bare flag).
func args(t testing.TB, d *appsv1.Deployment) map[string]string {
	t.Helper()
	c := d.Spec.Template.Spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != "webhook" {
		t.Fatalf("the manager's args %v do not start with the webhook subcommand", c.Args)
	}
	m := map[string]string{}
	for _, a := range c.Args[1:] {
		name, value, _ := strings.Cut(a, "=")
		if _, dup := m[name]; dup {
			t.Errorf("flag %s is given twice", name)
		}
		m[name] = value
	}
	return m
}

// TestInstalls checks what the installs rely on: the names the manager's
// flags and defaults expect, the Deployment's availability and hardening, the
// webhook configuration, and the certificates of each mode.
func TestInstalls(t *testing.T) {
	for _, dir := range installs {
		t.Run(dir, func(t *testing.T) {
			r := render(t, dir)
			t.Run("names", func(t *testing.T) { checkNames(t, r) })
			t.Run("crd", func(t *testing.T) { checkCRD(t, r) })
			t.Run("namespace", func(t *testing.T) { checkNamespace(t, r) })
			t.Run("deployment", func(t *testing.T) { checkDeployment(t, r) })
			t.Run("pdb", func(t *testing.T) { checkPDB(t, r) })
			t.Run("services", func(t *testing.T) { checkServices(t, r) })
			t.Run("webhook", func(t *testing.T) { checkWebhook(t, r) })
			t.Run("network-policy", func(t *testing.T) { checkNetworkPolicy(t, r) })
			t.Run("rbac", func(t *testing.T) { checkRBAC(t, r) })
			switch dir {
			case defaultDir:
				t.Run("cert-rotation", func(t *testing.T) { checkCertRotation(t, r) })
			case certManagerDir:
				t.Run("cert-manager", func(t *testing.T) { checkCertManager(t, r) })
			}
		})
	}
}

func checkNames(t *testing.T, r *rendered) {
	for _, o := range r.objs {
		if o.GetKind() != "CustomResourceDefinition" && !strings.HasPrefix(o.GetName(), "guardrail-") {
			t.Errorf("%s is not named guardrail-*", id(o))
		}
		if ns := o.GetNamespace(); ns != "" && ns != namespace {
			t.Errorf("%s is not in %s", id(o), namespace)
		}
	}
	// The namespaced kinds must say so, or they would land in the current
	// namespace of whoever applies them.
	for _, kind := range []string{"ServiceAccount", "Role", "RoleBinding", "Deployment", "PodDisruptionBudget", "Service", "NetworkPolicy", "Secret", "Issuer", "Certificate"} {
		for _, o := range r.all(kind) {
			if o.GetNamespace() != namespace {
				t.Errorf("%s has namespace %q, want %s", id(o), o.GetNamespace(), namespace)
			}
		}
	}
}

func checkCRD(t *testing.T, r *rendered) {
	crd := typed[apiextensionsv1.CustomResourceDefinition](t, r.get(t, "CustomResourceDefinition", crdName))
	if crd.Spec.Group != "guardrail.dev" || crd.Spec.Names.Kind != "GuardrailPolicy" || crd.Spec.Scope != apiextensionsv1.ClusterScoped {
		t.Errorf("CRD %s: group %s, kind %s, scope %s; want guardrail.dev, GuardrailPolicy, Cluster",
			crdName, crd.Spec.Group, crd.Spec.Names.Kind, crd.Spec.Scope)
	}
}

func checkNamespace(t *testing.T, r *rendered) {
	ns := typed[corev1.Namespace](t, r.get(t, "Namespace", namespace))
	for k, v := range map[string]string{
		// The webhook's namespaceSelector excludes the namespace by this
		// label; the API server sets it, the manifest says it for readers.
		corev1.LabelMetadataName:             namespace,
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
		"pod-security.kubernetes.io/audit":   "restricted",
	} {
		if got := ns.Labels[k]; got != v {
			t.Errorf("namespace %s: label %s = %q, want %q", namespace, k, got, v)
		}
	}
}

func checkDeployment(t *testing.T, r *rendered) {
	d := deployment(t, r)
	spec := d.Spec.Template.Spec
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas = %v, want 2", d.Spec.Replicas)
	}
	if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
		t.Errorf("a rollout may take a replica down before its replacement is ready: strategy %+v", d.Spec.Strategy)
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Fatalf("the Deployment's selector %v does not match its pods' labels %v", d.Spec.Selector, d.Spec.Template.Labels)
	}
	spread := false
	for _, c := range spec.TopologySpreadConstraints {
		if c.TopologyKey == corev1.LabelHostname && c.WhenUnsatisfiable == corev1.DoNotSchedule && c.MaxSkew == 1 &&
			selects(t, c.LabelSelector, d.Spec.Template.Labels) {
			spread = true
		}
	}
	if !spread {
		t.Errorf("the replicas are not spread across nodes: topologySpreadConstraints %+v", spec.TopologySpreadConstraints)
	}
	if spec.ServiceAccountName != serviceAccount {
		t.Errorf("serviceAccountName = %s, want %s", spec.ServiceAccountName, serviceAccount)
	}
	r.get(t, "ServiceAccount", serviceAccount)
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		t.Error("the pod shares a host namespace")
	}

	if len(spec.Containers) != 1 || len(spec.InitContainers) != 0 {
		t.Fatalf("want one container, got %d (and %d init containers)", len(spec.Containers), len(spec.InitContainers))
	}
	c := spec.Containers[0]
	if c.Image != image {
		t.Errorf("image = %s, want %s (the placeholder `kustomize edit set image` overrides)", c.Image, image)
	}
	flags := args(t, d)
	for name, want := range map[string]string{
		"--metrics-bind-address":      ":8443",
		"--health-probe-bind-address": ":8081",
		"--webhook-port":              "9443",
		"--cert-dir":                  certDir,
		"--leader-elect":              "",
		"--policy-name":               policyName,
		"--audit-interval":            "10m",
	} {
		if got, ok := flags[name]; !ok || got != want {
			t.Errorf("flag %s = %q (given: %v), want %q", name, got, ok, want)
		}
	}

	// Pod Security Standard "restricted", container by container and pod-wide.
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil ||
		psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and seccompProfile RuntimeDefault", psc)
	}
	if psc != nil && psc.RunAsUser != nil && *psc.RunAsUser == 0 {
		t.Error("the pod runs as user 0")
	}
	sc := c.SecurityContext
	if sc == nil {
		t.Fatal("the container has no securityContext")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Error("runAsNonRoot is not true")
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Error("the container is privileged")
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0 {
		t.Errorf("capabilities %+v: want drop [ALL] and none added", sc.Capabilities)
	}
	if sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("the container's seccompProfile is not RuntimeDefault")
	}

	for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := c.Resources.Requests[res], c.Resources.Limits[res]
		if req.IsZero() || lim.IsZero() || req.Cmp(lim) > 0 {
			t.Errorf("%s: request %s, limit %s; want both, request not above limit", res, req.String(), lim.String())
		}
	}

	ports := map[int32]string{}
	for _, p := range c.Ports {
		ports[p.ContainerPort] = p.Name
		if p.HostPort != 0 {
			t.Errorf("port %d binds host port %d", p.ContainerPort, p.HostPort)
		}
	}
	for _, p := range []int32{webhookPort, metricsPort, healthPort} {
		if _, ok := ports[p]; !ok {
			t.Errorf("container port %d is not declared (ports %v)", p, ports)
		}
	}
	for name, probe := range map[string]*corev1.Probe{"/healthz": c.LivenessProbe, "/readyz": c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil {
			t.Errorf("no HTTP probe on %s", name)
			continue
		}
		port := probe.HTTPGet.Port
		if port.Type == intstr.String {
			port = intstr.FromInt32(portNumber(ports, port.StrVal))
		}
		if probe.HTTPGet.Path != name || port.IntValue() != healthPort {
			t.Errorf("probe %s:%s, want %s on %d", probe.HTTPGet.Path, probe.HTTPGet.Port.String(), name, healthPort)
		}
	}

	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if e, ok := env["POD_NAMESPACE"]; !ok || e.ValueFrom == nil || e.ValueFrom.FieldRef == nil || e.ValueFrom.FieldRef.FieldPath != "metadata.namespace" {
		t.Errorf("POD_NAMESPACE does not come from the downward API (metadata.namespace): %+v", e)
	}

	// The cert dir is the Secret the certificates are written to, projected
	// by the kubelet: cert-controller (--cert-rotation) waits for the files
	// to appear there, and cert-manager writes only the Secret.
	mounted := ""
	for _, m := range c.VolumeMounts {
		if m.MountPath == certDir {
			mounted = m.Name
			if !m.ReadOnly {
				t.Errorf("the cert dir is mounted read-write")
			}
		}
	}
	secret := ""
	for _, v := range spec.Volumes {
		if v.Name == mounted && v.Secret != nil {
			secret = v.Secret.SecretName
		}
	}
	if secret != certSecret {
		t.Errorf("the cert dir %s holds Secret %q, want %s", certDir, secret, certSecret)
	}
}

// portNumber resolves a named container port.
func portNumber(ports map[int32]string, name string) int32 {
	for n, s := range ports {
		if s == name {
			return n
		}
	}
	return 0
}

func selects(t *testing.T, s *metav1.LabelSelector, l map[string]string) bool {
	t.Helper()
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		t.Fatal(err)
	}
	return !sel.Empty() && sel.Matches(labels.Set(l))
}

func checkPDB(t *testing.T, r *rendered) {
	pdbs := r.all("PodDisruptionBudget")
	if len(pdbs) != 1 {
		t.Fatalf("%d PodDisruptionBudgets, want 1", len(pdbs))
	}
	pdb := typed[policyv1.PodDisruptionBudget](t, pdbs[0])
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("minAvailable = %v, want 1", pdb.Spec.MinAvailable)
	}
	if !selects(t, pdb.Spec.Selector, deployment(t, r).Spec.Template.Labels) {
		t.Errorf("the PodDisruptionBudget's selector %v does not select the manager's pods", pdb.Spec.Selector)
	}
}

func checkServices(t *testing.T, r *rendered) {
	pods := deployment(t, r).Spec.Template.Labels
	for _, s := range r.all("Service") {
		svc := typed[corev1.Service](t, s)
		if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
			t.Errorf("%s is of type %s, want ClusterIP", id(s), svc.Spec.Type)
		}
		if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pods)) || len(svc.Spec.Selector) == 0 {
			t.Errorf("%s selects %v, not the manager's pods %v", id(s), svc.Spec.Selector, pods)
		}
	}
	svc := typed[corev1.Service](t, r.get(t, "Service", webhookService))
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 443 || svc.Spec.Ports[0].TargetPort.IntValue() != webhookPort {
		t.Errorf("%s ports %+v, want 443 -> %d", webhookService, svc.Spec.Ports, webhookPort)
	}
}

func checkWebhook(t *testing.T, r *rendered) {
	vwc := validatingWebhook(t, r)
	w := vwc.Webhooks[0]
	if w.Name != webhookName {
		t.Errorf("webhook name %s, want %s", w.Name, webhookName)
	}
	if !slices.Equal(w.AdmissionReviewVersions, []string{"v1"}) {
		t.Errorf("admissionReviewVersions %v, want [v1]", w.AdmissionReviewVersions)
	}
	if w.SideEffects == nil || *w.SideEffects != admissionregistrationv1.SideEffectClassNone {
		t.Errorf("sideEffects %v, want None", w.SideEffects)
	}
	if w.TimeoutSeconds == nil || *w.TimeoutSeconds != webhookTimeout {
		t.Errorf("timeoutSeconds %v, want %d", w.TimeoutSeconds, webhookTimeout)
	}
	if w.FailurePolicy == nil || *w.FailurePolicy != admissionregistrationv1.Fail {
		t.Errorf("failurePolicy %v, want Fail", w.FailurePolicy)
	}
	if w.MatchPolicy == nil || *w.MatchPolicy != admissionregistrationv1.Equivalent {
		t.Errorf("matchPolicy %v, want Equivalent", w.MatchPolicy)
	}

	s := w.ClientConfig.Service
	svc := r.get(t, "Service", webhookService)
	switch {
	case s == nil:
		t.Fatal("the webhook is not reached through a Service")
	case s.Name != svc.GetName() || s.Namespace != svc.GetNamespace():
		t.Errorf("the webhook calls Service %s/%s; the install's webhook Service is %s/%s", s.Namespace, s.Name, svc.GetNamespace(), svc.GetName())
	case s.Path == nil || *s.Path != "/validate":
		t.Errorf("the webhook path is %v, want /validate", s.Path)
	case s.Port == nil || *s.Port != 443:
		t.Errorf("the webhook port is %v, want 443", s.Port)
	}
	if w.ClientConfig.URL != nil {
		t.Errorf("the webhook has a URL (%s) besides its Service", *w.ClientConfig.URL)
	}

	// Namespaces never judged: by their immutable name label, which for a
	// Namespace object is read from the object itself.
	wantExempt := []string{"guardrail-system", "kube-node-lease", "kube-public", "kube-system"}
	if got := exemptNamespaces(t, w.NamespaceSelector); !slices.Equal(got, wantExempt) {
		t.Errorf("the namespaceSelector exempts %v, want %v", got, wantExempt)
	}
	sel, err := metav1.LabelSelectorAsSelector(w.NamespaceSelector)
	if err != nil {
		t.Fatal(err)
	}
	for ns, judged := range map[string]bool{"default": true, "prod": true, "kube-system": false, namespace: false} {
		if got := sel.Matches(labels.Set{corev1.LabelMetadataName: ns}); got != judged {
			t.Errorf("namespace %s judged = %v, want %v", ns, got, judged)
		}
	}
	osel, err := metav1.LabelSelectorAsSelector(w.ObjectSelector)
	if err != nil {
		t.Fatal(err)
	}
	for l, judged := range map[string]bool{"": true, "false": true, "true": false} {
		set := labels.Set{}
		if l != "" {
			set["guardrail.dev/exempt"] = l
		}
		if got := osel.Matches(set); got != judged {
			t.Errorf("object labelled guardrail.dev/exempt=%q judged = %v, want %v", l, got, judged)
		}
	}

	// group/resource of every kind guardrail's rules cover.
	want := map[string]bool{}
	for _, gr := range []string{
		"/configmaps", "/namespaces", "/persistentvolumeclaims", "/pods", "/pods/ephemeralcontainers", "/services",
		"apps/daemonsets", "apps/deployments", "apps/replicasets", "apps/statefulsets",
		"batch/cronjobs", "batch/jobs",
		"networking.k8s.io/ingresses", "networking.k8s.io/networkpolicies",
		"rbac.authorization.k8s.io/clusterrolebindings", "rbac.authorization.k8s.io/clusterroles",
		"rbac.authorization.k8s.io/rolebindings", "rbac.authorization.k8s.io/roles",
		"guardrail.dev/guardrailpolicies",
		"gateway.networking.k8s.io/gateways", "gateway.networking.k8s.io/httproutes",
		"security.istio.io/peerauthentications",
		"networking.istio.io/destinationrules", "networking.istio.io/gateways",
	} {
		want[gr] = true
	}
	got := map[string]bool{}
	for _, rule := range w.Rules {
		ops := slices.Clone(rule.Operations)
		slices.Sort(ops)
		if !slices.Equal(ops, []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}) {
			t.Errorf("rule %v: operations %v, want CREATE and UPDATE", rule.Resources, rule.Operations)
		}
		if len(rule.APIVersions) == 0 {
			t.Errorf("rule %v names no API version", rule.Resources)
		}
		for _, g := range rule.APIGroups {
			for _, res := range rule.Resources {
				// The one subresource judged: kubectl debug adds containers to a
				// running pod through pods/ephemeralcontainers.
				if g == "*" || res == "*" || strings.Contains(res, "/") && res != "pods/ephemeralcontainers" {
					t.Errorf("rule %s/%s: want named groups and resources, no subresources but pods/ephemeralcontainers", g, res)
				}
				got[g+"/"+res] = true
			}
		}
	}
	for _, gvk := range controller.Audited {
		want[gvk.Group+"/"+plural(gvk.Kind)] = true // judged at admission as in the audit
	}
	for k := range want {
		if !got[k] {
			t.Errorf("the webhook does not judge %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("the webhook judges %s, which no rule covers", k)
		}
	}
}

// exemptNamespaces returns the namespaces a namespaceSelector excludes by
// name; it fails on any other kind of requirement.
func exemptNamespaces(t *testing.T, s *metav1.LabelSelector) []string {
	t.Helper()
	if s == nil || len(s.MatchLabels) != 0 || len(s.MatchExpressions) != 1 {
		t.Fatalf("namespaceSelector %+v: want one kubernetes.io/metadata.name NotIn requirement", s)
	}
	e := s.MatchExpressions[0]
	if e.Key != corev1.LabelMetadataName || e.Operator != metav1.LabelSelectorOpNotIn {
		t.Fatalf("namespaceSelector %+v: want kubernetes.io/metadata.name NotIn", e)
	}
	out := slices.Clone(e.Values)
	sort.Strings(out)
	return out
}

func checkNetworkPolicy(t *testing.T, r *rendered) {
	found := false
	for _, o := range r.all("NetworkPolicy") {
		np := typed[networkingv1.NetworkPolicy](t, o)
		s := np.Spec
		if len(s.PodSelector.MatchLabels)+len(s.PodSelector.MatchExpressions) == 0 &&
			slices.Contains(s.PolicyTypes, networkingv1.PolicyTypeIngress) && slices.Contains(s.PolicyTypes, networkingv1.PolicyTypeEgress) &&
			len(s.Ingress) == 0 && len(s.Egress) == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("%s has no default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)", namespace)
	}
}
