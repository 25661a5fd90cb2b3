package controller_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/controller"
	"github.com/guardrail-dev/guardrail/webhook"
)

// The suite runs guardrail against a real kube-apiserver and etcd (envtest),
// which calls the webhook over TLS through a real ValidatingWebhookConfiguration.
var (
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8s       client.Client
	scheme    = runtime.NewScheme()
	holder    *webhook.PolicyHolder
	cancelMgr context.CancelFunc
	warnings  = &warningRecorder{}
	// brokenNamespaces is where a second webhook, whose namespace lookups
	// always fail, judges objects: the failure policy's proving ground.
	brokenLabel = "guardrail-test/broken-cache"
)

func TestController(t *testing.T) {
	RegisterFailHandler(Fail)
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		if os.Getenv("GUARDRAIL_REQUIRE_ENVTEST") != "" || os.Getenv("CI") != "" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test` (it builds the API server with hack/envtest.sh); " +
				"a missing API server is a failure here, never a skip")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set: these specs need a kube-apiserver and etcd; `make test` provides them")
	}
	RunSpecs(t, "guardrail against a real API server")
}

// warningRecorder keeps the admission warnings the API server passes on.
type warningRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningRecorder) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warningRecorder) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

func webhookConfig(name, path string, selector *metav1.LabelSelector, failure admissionregistrationv1.FailurePolicyType) *admissionregistrationv1.ValidatingWebhookConfiguration {
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(5)
	all := admissionregistrationv1.AllScopes
	rules := []admissionregistrationv1.RuleWithOperations{}
	for group, resources := range map[string][]string{
		"":                          {"pods", "services", "configmaps", "persistentvolumeclaims", "namespaces"},
		"apps":                      {"deployments", "statefulsets", "daemonsets", "replicasets"},
		"batch":                     {"jobs", "cronjobs"},
		"networking.k8s.io":         {"ingresses", "networkpolicies"},
		"rbac.authorization.k8s.io": {"roles", "rolebindings", "clusterroles", "clusterrolebindings"},
		"guardrail.dev":             {"guardrailpolicies"},
	} {
		rules = append(rules, admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule:       admissionregistrationv1.Rule{APIGroups: []string{group}, APIVersions: []string{"*"}, Resources: resources, Scope: &all},
		})
	}
	return &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    name + ".guardrail.dev",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Name: "guardrail", Namespace: "guardrail-system", Path: &path}},
			Rules:                   rules,
			FailurePolicy:           &failure,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
			NamespaceSelector:       selector,
		}},
	}
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(guardrailv1.AddToScheme(scheme)).To(Succeed())

	exempt := metav1.LabelSelectorRequirement{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn,
		Values: []string{"kube-system", "kube-public", "kube-node-lease", "guardrail-system"}}
	notBroken := metav1.LabelSelectorRequirement{Key: brokenLabel, Operator: metav1.LabelSelectorOpDoesNotExist}
	broken := metav1.LabelSelectorRequirement{Key: brokenLabel, Operator: metav1.LabelSelectorOpExists}
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		WebhookInstallOptions: envtest.WebhookInstallOptions{ValidatingWebhooks: []*admissionregistrationv1.ValidatingWebhookConfiguration{
			webhookConfig("guardrail", controller.WebhookPath,
				&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{exempt, notBroken}}, admissionregistrationv1.Fail),
			webhookConfig("guardrail-broken", "/validate-broken-cache",
				&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{exempt, broken}}, admissionregistrationv1.Fail),
		}},
	}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())

	wo := &testEnv.WebhookInstallOptions
	server := crwebhook.NewServer(crwebhook.Options{
		Host: wo.LocalServingHost, Port: wo.LocalServingPort, CertDir: wo.LocalServingCertDir,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
	})
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:        scheme,
		Metrics:       metricsserver.Options{BindAddress: "0"},
		WebhookServer: server,
		Client:        client.Options{Cache: &client.CacheOptions{Unstructured: true}},
	})
	Expect(err).NotTo(HaveOccurred())
	holder, err = controller.Setup(mgr, controller.Options{
		PolicyName: "guardrail", AuditInterval: time.Hour, Log: ctrl.Log.WithName("guardrail"),
		Metrics: prometheus.NewRegistry(),
	})
	Expect(err).NotTo(HaveOccurred())
	// The second webhook: the same handler whose namespace lookups always fail.
	server.Register("/validate-broken-cache", webhook.Admission(&webhook.Handler{
		Policies: holder, Namespaces: failingReader{}, Log: ctrl.Log.WithName("broken"),
	}, ctrl.Log.WithName("broken-admission")))

	ctx, cancel := context.WithCancel(context.Background())
	cancelMgr = cancel
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	// envtest waits for the webhook configurations, not for our server:
	// wait until the server answers before creating objects.
	Eventually(func() error {
		conn, err := tls.Dial("tcp", fmt.Sprintf("%s:%d", wo.LocalServingHost, wo.LocalServingPort), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // probing our own test server
		if err != nil {
			return err
		}
		return conn.Close()
	}, 20*time.Second, 100*time.Millisecond).Should(Succeed())
	Expect(mgr.GetCache().WaitForCacheSync(ctx)).To(BeTrue())

	wcfg := rest.CopyConfig(cfg)
	wcfg.WarningHandler = warnings
	k8s, err = client.New(wcfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
})

var _ = AfterSuite(func() {
	if cancelMgr != nil {
		cancelMgr()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// failingReader stands for a cache or API server that cannot answer.
type failingReader struct{}

func (failingReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return fmt.Errorf("the cache is unavailable")
}

func (failingReader) List(context.Context, client.ObjectList, ...client.ListOption) error {
	return fmt.Errorf("the cache is unavailable")
}
