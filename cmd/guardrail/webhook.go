package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/open-policy-agent/cert-controller/pkg/rotator"
	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/controller"
	"github.com/guardrail-dev/guardrail/webhook"
)

type webhookFlags struct {
	metricsAddr, probeAddr, certDir, policyName, webhookConfig, serviceName, secretName string
	webhookPort                                                                         int
	leaderElect, certRotation, disableAudit, insecureMetrics                            bool
	auditInterval                                                                       time.Duration
}

func webhookCommand() *cobra.Command {
	var f webhookFlags
	zapOpts := zap.Options{}
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Run the admission webhook and the audit and policy controllers in a cluster",
		Long: "webhook runs guardrail's controller manager: the validating admission webhook (on " + controller.WebhookPath + "),\n" +
			"the policy controller that loads the GuardrailPolicy named by --policy-name, and the audit controller.\n" +
			"config/default deploys it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
			return serve(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.metricsAddr, "metrics-bind-address", ":8443", "metrics endpoint address (HTTPS, authenticated); 0 disables it")
	fl.BoolVar(&f.insecureMetrics, "metrics-insecure", false, "serve metrics over plain HTTP without authentication (for local runs)")
	fl.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "health and readiness probe address")
	fl.IntVar(&f.webhookPort, "webhook-port", 9443, "port of the webhook's TLS server")
	fl.StringVar(&f.certDir, "cert-dir", "/tmp/k8s-webhook-server/serving-certs", "directory holding tls.crt and tls.key")
	fl.BoolVar(&f.leaderElect, "leader-elect", false, "elect a leader among replicas; the audit runs on the leader only")
	fl.StringVar(&f.policyName, "policy-name", "guardrail", "the GuardrailPolicy to enforce")
	fl.DurationVar(&f.auditInterval, "audit-interval", controller.DefaultAuditInterval, "time between periodic audits")
	fl.BoolVar(&f.disableAudit, "disable-audit", false, "run the webhook without the audit controller")
	fl.BoolVar(&f.certRotation, "cert-rotation", false, "generate and rotate the webhook's certificates and patch the CA bundle (instead of cert-manager)")
	fl.StringVar(&f.webhookConfig, "webhook-config-name", "guardrail-validating-webhook-configuration", "ValidatingWebhookConfiguration whose CA bundle --cert-rotation patches")
	fl.StringVar(&f.serviceName, "service-name", "guardrail-webhook-service", "Service in front of the webhook, for the certificate's DNS name")
	fl.StringVar(&f.secretName, "cert-secret", "guardrail-webhook-server-cert", "Secret --cert-rotation stores the certificates in")
	logFlags := flag.NewFlagSet("log", flag.ContinueOnError)
	zapOpts.BindFlags(logFlags)
	fl.AddGoFlagSet(logFlags)
	return cmd
}

func serve(cmd *cobra.Command, f webhookFlags) error {
	log := ctrl.Log.WithName("guardrail")
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := guardrailv1.AddToScheme(scheme); err != nil {
		return err
	}
	namespace := os.Getenv("POD_NAMESPACE")
	if f.certRotation && namespace == "" {
		return usage(errors.New("--cert-rotation needs the POD_NAMESPACE environment variable (the downward API sets it in config/manager)"))
	}
	metricsOpts := metricsserver.Options{BindAddress: f.metricsAddr, SecureServing: !f.insecureMetrics, TLSOpts: []func(*tls.Config){webhook.TLSConfig}}
	if !f.insecureMetrics {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	certs := &certFiles{dir: f.certDir}
	webhookServer := crwebhook.NewServer(crwebhook.Options{Port: f.webhookPort, TLSOpts: []func(*tls.Config){webhook.TLSConfig,
		func(c *tls.Config) { c.GetCertificate = certs.GetCertificate }}})
	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                        scheme,
		Metrics:                       metricsOpts,
		HealthProbeBindAddress:        f.probeAddr,
		WebhookServer:                 webhookServer,
		LeaderElection:                f.leaderElect,
		LeaderElectionID:              "guardrail.dev",
		LeaderElectionReleaseOnCancel: true,
		Client:                        client.Options{Cache: &client.CacheOptions{Unstructured: true}},
	})
	if err != nil {
		return fmt.Errorf("starting the manager: %w", err)
	}
	certsReady := make(chan struct{})
	if f.certRotation {
		err := rotator.AddRotator(mgr, &rotator.CertRotator{
			SecretKey:      types.NamespacedName{Namespace: namespace, Name: f.secretName},
			CertDir:        f.certDir,
			CAName:         "guardrail-ca",
			CAOrganization: "guardrail",
			DNSName:        fmt.Sprintf("%s.%s.svc", f.serviceName, namespace),
			ExtraDNSNames:  []string{fmt.Sprintf("%s.%s.svc.cluster.local", f.serviceName, namespace)},
			IsReady:        certsReady,
			Webhooks:       []rotator.WebhookInfo{{Name: f.webhookConfig, Type: rotator.Validating}},
			// Every replica serves the webhook, so every replica needs the certificates.
			RequireLeaderElection: false,
		})
		if err != nil {
			return fmt.Errorf("certificate rotation: %w", err)
		}
	} else {
		close(certsReady)
	}
	if _, err := controller.Setup(mgr, controller.Options{
		PolicyName: f.policyName, AuditInterval: f.auditInterval, DisableAudit: f.disableAudit,
		Instance: os.Getenv("HOSTNAME"), Log: log,
	}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	// Ready once the certificates exist and the webhook server answers.
	if err := mgr.AddReadyzCheck("webhook", func(req *http.Request) error {
		select {
		case <-certsReady:
			return webhookServer.StartedChecker()(req)
		default:
			return errors.New("certificates not ready")
		}
	}); err != nil {
		return err
	}
	log.Info("starting", "version", toolVersion(), "policy", f.policyName, "certRotation", f.certRotation)
	return mgr.Start(ctrl.SetupSignalHandler())
}
