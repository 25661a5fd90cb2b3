package config_test

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const injectCAFrom = "cert-manager.io/inject-ca-from"

// certificate is the part of a cert-manager Certificate the tests read.
type certificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		DNSNames   []string `json:"dnsNames"`
		SecretName string   `json:"secretName"`
		IssuerRef  struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"issuerRef"`
		PrivateKey map[string]any `json:"privateKey"`
	} `json:"spec"`
}

// checkCertRotation: the manager generates the certificates (config/default).
func checkCertRotation(t *testing.T, r *rendered) {
	flags := args(t, deployment(t, r))
	if _, ok := flags["--cert-rotation"]; !ok {
		t.Error("--cert-rotation is not set")
	}
	// The flags name the objects of the install; the manager's defaults are
	// the same names, the flags keep them visible next to the manifests.
	secret := typed[corev1.Secret](t, r.get(t, "Secret", certSecret))
	for flag, want := range map[string]string{
		"--webhook-config-name": r.get(t, "ValidatingWebhookConfiguration", webhookConfig).GetName(),
		"--service-name":        r.get(t, "Service", webhookService).GetName(),
		"--cert-secret":         secret.Name,
	} {
		if got := flags[flag]; got != want {
			t.Errorf("%s=%s, want %s", flag, got, want)
		}
	}
	// cert-controller updates the Secret; it must exist and hold no data
	// of ours, and it must not be a kubernetes.io/tls Secret, which the API
	// server refuses without tls.crt and tls.key.
	if secret.Type != corev1.SecretTypeOpaque || len(secret.Data)+len(secret.StringData) != 0 {
		t.Errorf("Secret %s: type %s with %d keys, want an empty Opaque Secret", certSecret, secret.Type, len(secret.Data)+len(secret.StringData))
	}
	if _, ok := validatingWebhook(t, r).Annotations[injectCAFrom]; ok {
		t.Errorf("the webhook configuration asks cert-manager for its CA bundle, but the manager patches it")
	}
	for _, kind := range []string{"Issuer", "Certificate"} {
		if n := len(r.all(kind)); n != 0 {
			t.Errorf("%d cert-manager %s objects in an install without cert-manager", n, kind)
		}
	}
	gs := grants(t, r)
	for _, verb := range []string{"get", "list", "watch", "update"} {
		if !can(gs, verb, "", "secrets", namespace, certSecret) {
			t.Errorf("the manager cannot %s its certificate Secret", verb)
		}
		if verb != "update" && !can(gs, verb, "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", webhookConfig) {
			t.Errorf("the manager cannot %s its webhook configuration", verb)
		}
	}
	if !can(gs, "update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", webhookConfig) {
		t.Errorf("the manager cannot patch the CA bundle into %s", webhookConfig)
	}
	if can(gs, "update", "", "secrets", namespace, "another-secret") {
		t.Errorf("the manager may update any Secret of %s, not only %s", namespace, certSecret)
	}
}

// checkCertManager: cert-manager issues the certificate (config/default-certmanager).
func checkCertManager(t *testing.T, r *rendered) {
	flags := args(t, deployment(t, r))
	for _, f := range []string{"--cert-rotation", "--webhook-config-name", "--service-name", "--cert-secret"} {
		if _, ok := flags[f]; ok {
			t.Errorf("%s is set, but cert-manager manages the certificates", f)
		}
	}
	if _, ok := r.find("Secret", certSecret); ok {
		t.Errorf("the install holds Secret %s, which cert-manager creates", certSecret)
	}
	issuers := r.all("Issuer")
	certs := r.all("Certificate")
	if len(issuers) != 1 || len(certs) != 1 {
		t.Fatalf("%d Issuers and %d Certificates, want one of each", len(issuers), len(certs))
	}
	issuer, cert := issuers[0], certs[0]
	if _, ok := issuer.Object["spec"].(map[string]any)["selfSigned"]; !ok {
		t.Errorf("Issuer %s is not selfSigned", issuer.GetName())
	}
	s := typed[certificate](t, cert).Spec
	svc := r.get(t, "Service", webhookService)
	want := []string{
		svc.GetName() + "." + svc.GetNamespace() + ".svc",
		svc.GetName() + "." + svc.GetNamespace() + ".svc.cluster.local",
	}
	if !slices.Equal(s.DNSNames, want) {
		t.Errorf("Certificate %s is for %v, want %v", cert.GetName(), s.DNSNames, want)
	}
	if s.SecretName != certSecret {
		t.Errorf("Certificate %s is written to Secret %s; the manager mounts %s", cert.GetName(), s.SecretName, certSecret)
	}
	if s.IssuerRef.Kind != "Issuer" || s.IssuerRef.Name != issuer.GetName() {
		t.Errorf("Certificate %s is issued by %s %s, want Issuer %s", cert.GetName(), s.IssuerRef.Kind, s.IssuerRef.Name, issuer.GetName())
	}
	if got, want := validatingWebhook(t, r).Annotations[injectCAFrom], cert.GetNamespace()+"/"+cert.GetName(); got != want {
		t.Errorf("%s = %q, want %q", injectCAFrom, got, want)
	}
	gs := grants(t, r)
	if can(gs, "get", "", "secrets", namespace, certSecret) {
		t.Error("the manager may read Secrets, which it needs only to rotate certificates itself")
	}
	if can(gs, "update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", webhookConfig) {
		t.Error("the manager may update its webhook configuration, which it needs only to rotate certificates itself")
	}
}
