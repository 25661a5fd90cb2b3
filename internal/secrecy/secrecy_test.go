package secrecy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/report"
	"github.com/guardrail-dev/guardrail/webhook"
)

const canary = "CANARY-7f3a9c-db.prod.example.internal:5432"

// forms are the spellings of the canary a leak could take.
var forms = []string{canary, base64.StdEncoding.EncodeToString([]byte(canary)), "7f3a9c"}

func leaks(t *testing.T, where, text string) {
	t.Helper()
	for _, f := range forms {
		if strings.Contains(text, f) {
			t.Errorf("%s contains the secret value (%q)", where, f)
		}
	}
}

// manifests puts the canary in a Secret's data and stringData, next to
// objects that draw findings, in production.
func manifests() string {
	b64 := base64.StdEncoding.EncodeToString([]byte(canary))
	return `apiVersion: v1
kind: Secret
metadata:
  name: orders-db
  namespace: prod
type: Opaque
data:
  url: ` + b64 + `
stringData:
  host: ` + canary + `
---
apiVersion: v1
kind: Secret
metadata:
  name: weird
  namespace: prod
data: ` + b64 + `
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: prod
spec:
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers:
      - name: orders
        image: orders:1
        ports: [{containerPort: 8080, hostPort: 8080}]
        envFrom: [{secretRef: {name: orders-db}}]
        env:
        - {name: DB, valueFrom: {secretKeyRef: {name: orders-db, key: url}}}
`
}

// plan puts the canary in sensitive values of a dev plan: a connection
// string that, were it read, would point at a production host.
func plan() string {
	return `{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[
{"address":"aws_db_instance.dev","mode":"managed","type":"aws_db_instance","name":"dev","provider_name":"registry.terraform.io/hashicorp/aws",
 "change":{"actions":["create"],"before":null,
  "after":{"identifier":"orders-dev","password":"` + canary + `","tags":{"Environment":"dev"},"publicly_accessible":true},
  "after_unknown":{},"after_sensitive":{"password":true}}},
{"address":"aws_secretsmanager_secret_version.dev","mode":"managed","type":"aws_secretsmanager_secret_version","name":"dev","provider_name":"registry.terraform.io/hashicorp/aws",
 "change":{"actions":["create"],"before":null,"after":{"secret_string":"` + canary + `","tags":{"Environment":"dev"}},"after_unknown":{},"after_sensitive":true}}
]}`
}

func TestReportsNeverCarrySecretValues(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prod.yaml"), []byte(manifests()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dev.plan.json"), []byte(plan()), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := load.Load(context.Background(), []string{dir}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Evaluate(context.Background(), policy.MustCompile(policy.Default()), set, engine.Options{ReportUnusedWaivers: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 {
		t.Fatal("the fixture draws no findings: the test would prove nothing")
	}
	for _, r := range set.Resources {
		raw, _ := json.Marshal(r.Attributes)
		leaks(t, "the resource model of "+r.Address, string(raw))
	}
	for name, src := range set.Sources {
		leaks(t, "the source kept for snippets of "+name, string(src))
	}
	for _, f := range report.Formats() {
		var out bytes.Buffer
		if err := report.Write(&out, res, f, report.Options{Sources: set.Sources, ShowWaived: true}); err != nil {
			t.Fatal(err)
		}
		leaks(t, "the "+string(f)+" report", out.String())
	}
}

func TestWebhookNeverEchoesSecretValues(t *testing.T) {
	var logs bytes.Buffer
	log := funcr.New(func(prefix, args string) { logs.WriteString(prefix + args + "\n") }, funcr.Options{Verbosity: 10})
	reg := prometheus.NewRegistry()
	p := policy.MustCompile(policy.Document{APIVersion: policy.APIVersion, Kind: policy.Kind,
		Spec: policy.Spec{Admission: policy.Admission{ClusterEnvironment: "prod"}}})
	h := &webhook.Handler{Policies: &webhook.PolicyHolder{}, Log: log, Metrics: webhook.NewMetrics(reg)}
	h.Policies.Store(p, "test")

	b64 := base64.StdEncoding.EncodeToString([]byte(canary))
	objects := []string{
		`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"prod"},"data":{"url":"` + b64 + `"},"stringData":{"host":"` + canary + `"}}`,
		// A Secret that also breaks the request format, to reach the error path.
		`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"prod"},"data":"` + canary + `","type":7}`,
		`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"prod","annotations":{"guardrail.dev/ignore":"GR-NOPE-001 reason=\"x\""}},"stringData":{"k":"` + canary + `"}`,
	}
	for _, raw := range objects {
		resp := h.Handle(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
			UID: "1", Kind: metav1.GroupVersionKind{Kind: "Secret"}, Operation: admissionv1.Create,
			Namespace: "prod", Name: "s", Object: runtime.RawExtension{Raw: []byte(raw)},
		}})
		answer, _ := json.Marshal(resp)
		leaks(t, "the admission answer", string(answer))
	}
	leaks(t, "the webhook's logs", logs.String())
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var metrics bytes.Buffer
	for _, mf := range families {
		if _, err := expfmt.MetricFamilyToText(&metrics, mf); err != nil {
			t.Fatal(err)
		}
	}
	leaks(t, "the webhook's metrics", metrics.String())
	if metrics.Len() == 0 || logs.Len() == 0 {
		t.Errorf("nothing was logged or counted: the test would prove nothing (logs %d bytes, metrics %d bytes)", logs.Len(), metrics.Len())
	}
}
