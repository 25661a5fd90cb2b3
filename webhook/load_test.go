package webhook_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/guardrail-dev/guardrail/webhook"
)

// servingCert writes a self-signed serving certificate for 127.0.0.1 into dir
// and returns a pool trusting it.
func servingCert(t testing.TB, dir string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "guardrail-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, "tls.crt"), certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return pool
}

// startServer serves h on 127.0.0.1 over TLS 1.2+ as the manager would, and
// returns its URL and a client trusting it.

// startServerFor serves any admission handler.
func startServerFor(t testing.TB, h admission.Handler) (string, *http.Client) {
	return startServerWith(t, h, func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 })
}

// startServerWith serves an admission handler with the given TLS settings.
func startServerWith(t testing.TB, h admission.Handler, tlsOpts ...func(*tls.Config)) (string, *http.Client) {
	t.Helper()
	dir := t.TempDir()
	pool := servingCert(t, dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := crwebhook.NewServer(crwebhook.Options{Host: "127.0.0.1", Port: port, CertDir: dir, TLSOpts: tlsOpts})
	srv.Register("/validate", webhook.Admission(h, logr.Discard()))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = srv.Start(ctx) }()
	t.Cleanup(cancel)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 256,
	}}
	url := fmt.Sprintf("https://127.0.0.1:%d/validate", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("webhook server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return url, client
}

// deploymentReview is an AdmissionReview of a typical Deployment in prod,
// approved, with a hostPort when bad.
func deploymentReview(t testing.TB, uid string, bad bool) []byte {
	port := map[string]any{"containerPort": 8443, "name": "https"}
	if bad {
		port["hostPort"] = 8443
	}
	obj := map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "shop", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{"replicas": 3, "selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "web", "image": "registry.acme.test/shop/web:4.12.0", "ports": []any{port},
					"env":             []any{map[string]any{"name": "DB_HOST", "value": "orders.shop.svc.cluster.local"}},
					"resources":       map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"}},
					"securityContext": map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true},
				}}}}},
	}
	approve(t, obj) // a signed approval of this very change
	raw, _ := json.Marshal(obj)
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: types.UID("u" + uid), Kind: metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"},
			Resource:  metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"},
			Operation: admissionv1.Create, Namespace: "shop", Name: "web"},
	}
	review.Request.Object.Raw = raw
	body, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestLoad sends AdmissionReviews over HTTPS to the handler from concurrent
// clients, checks every verdict, and reports throughput and latency.
// GUARDRAIL_LOAD_REQUESTS and GUARDRAIL_LOAD_CLIENTS scale it up.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	requests, clients := envInt("GUARDRAIL_LOAD_REQUESTS", 10_000), envInt("GUARDRAIL_LOAD_CLIENTS", 32)
	h := newHandler(approvalSpec(t), namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	h.Log = logr.Discard()
	timed := &timingHandler{next: h, took: make([]time.Duration, requests)}
	url, client := startServerFor(t, timed)
	bodies := [2][]byte{deploymentReview(t, "good", false), deploymentReview(t, "bad", true)}

	var memBefore, memAfter runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&memBefore)
	live := sampleLiveHeap(100 * time.Millisecond)
	latencies := make([]time.Duration, requests)
	var wrong, failed atomic.Int64
	var wg sync.WaitGroup
	next := make(chan int, requests)
	for i := range requests {
		next <- i
	}
	close(next)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				count(&failed, &wrong, judge(client, url, bodies, i))
				latencies[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	samples := live()
	runtime.GC()
	runtime.ReadMemStats(&memAfter)
	t.Logf("%d requests, %d clients, %s: %.0f req/s", requests, clients, elapsed.Round(time.Millisecond), float64(requests)/elapsed.Seconds())
	t.Logf("handler time (what the webhook adds to an API request): %s", spread(timed.durations()))
	t.Logf("round trip seen by the clients (TLS, HTTP and queueing behind %d clients on %d CPUs included): %s",
		clients, runtime.NumCPU(), spread(latencies))
	t.Logf("live heap after GC: %d KiB before, %d KiB after; during the run by tenths: %s",
		memBefore.HeapAlloc>>10, memAfter.HeapAlloc>>10, tenths(samples))
	if failed.Load() != 0 || wrong.Load() != 0 {
		t.Fatalf("%d requests failed and %d got the wrong verdict", failed.Load(), wrong.Load())
	}
	// Memory must not grow with the number of requests: what stays live
	// once the run is over is the handler's caches, not per-request leftovers.
	if growth := int64(memAfter.HeapAlloc) - int64(memBefore.HeapAlloc); growth > maxHeapGrowth {
		t.Fatalf("the live heap grew by %d KiB over %d requests (bound %d KiB): something keeps per-request state",
			growth>>10, requests, maxHeapGrowth>>10)
	}
}

// TestLatencyAtSteadyRate offers AdmissionReviews at a steady rate, as an
// API server does, rather than as fast as the clients can go, and reports
// the latency each request saw from the moment it was due: queueing behind
// late requests counts (no coordinated omission). Saturation, which
// TestLoad measures, says how much the webhook can take; this says what it
// adds to a request when it is not overloaded. GUARDRAIL_LOAD_RATE (requests
// a second, default 500) and GUARDRAIL_LOAD_SECONDS (default 5) tune it.
func TestLatencyAtSteadyRate(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	rate, seconds := envInt("GUARDRAIL_LOAD_RATE", 500), envInt("GUARDRAIL_LOAD_SECONDS", 5)
	requests := rate * seconds
	h := newHandler(approvalSpec(t), namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	h.Log = logr.Discard()
	timed := &timingHandler{next: h, took: make([]time.Duration, requests)}
	url, client := startServerFor(t, timed)
	bodies := [2][]byte{deploymentReview(t, "good", false), deploymentReview(t, "bad", true)}

	type job struct {
		i   int
		due time.Time
	}
	jobs := make(chan job, requests)
	latencies := make([]time.Duration, requests)
	var wrong, failed atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				count(&failed, &wrong, judge(client, url, bodies, j.i))
				latencies[j.i] = time.Since(j.due)
			}
		}()
	}
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := range requests {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		jobs <- job{i: i, due: due}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d requests offered at %d/s over %s (%.0f req/s achieved), %d CPUs", requests, rate, elapsed.Round(time.Millisecond),
		float64(requests)/elapsed.Seconds(), runtime.NumCPU())
	t.Logf("handler time: %s", spread(timed.durations()))
	t.Logf("latency from the moment each request was due (TLS and HTTP included): %s", spread(latencies))
	if failed.Load() != 0 || wrong.Load() != 0 {
		t.Fatalf("%d requests failed and %d got the wrong verdict", failed.Load(), wrong.Load())
	}
}

// outcome is how one load request went.
type outcome int

const (
	right outcome = iota
	failedRequest
	wrongVerdict
)

// judge sends request i of a load run, a denied Deployment every third
// (bodies[1]) and an admitted one otherwise (bodies[0]), and checks the verdict.
func judge(client *http.Client, url string, bodies [2][]byte, i int) outcome {
	bad := i%3 == 0
	resp, err := client.Post(url, "application/json", bytes.NewReader(bodies[b2i(bad)]))
	if err != nil {
		return failedRequest
	}
	defer resp.Body.Close()
	var review admissionv1.AdmissionReview
	switch err := json.NewDecoder(resp.Body).Decode(&review); {
	case err != nil || review.Response == nil:
		return failedRequest
	case review.Response.Allowed == bad:
		return wrongVerdict
	}
	return right
}

func count(failed, wrong *atomic.Int64, o outcome) {
	switch o {
	case failedRequest:
		failed.Add(1)
	case wrongVerdict:
		wrong.Add(1)
	}
}

// spread sorts d and describes it: p50, p99 and max.
func spread(d []time.Duration) string {
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))] }
	return fmt.Sprintf("p50 %s, p99 %s, max %s", at(0.50), at(0.99), d[len(d)-1])
}

// maxHeapGrowth bounds how much more heap may be live after a load run
// than before it. A leak of a few hundred bytes a request crosses it at
// 50,000 requests.
const maxHeapGrowth = 16 << 20

// sampleLiveHeap reads the live heap as of the last GC every interval until
// the returned function is called, which returns the readings.
func sampleLiveHeap(interval time.Duration) func() []uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var readings []uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				readings = append(readings, sample[0].Value.Uint64())
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() []uint64 {
		close(stop)
		<-done
		return readings
	}
}

// tenths summarises readings as the highest of each tenth of the run, in KiB,
// so that growth over the run shows as a rising sequence.
func tenths(readings []uint64) string {
	if len(readings) == 0 {
		return "none"
	}
	var parts []string
	for i := range 10 {
		lo, hi := i*len(readings)/10, (i+1)*len(readings)/10
		if hi <= lo {
			continue
		}
		parts = append(parts, strconv.FormatUint(slices.Max(readings[lo:hi])>>10, 10))
	}
	return strings.Join(parts, " ")
}

// timingHandler records how long the handler itself takes per request.
type timingHandler struct {
	next admission.Handler
	n    atomic.Int64
	took []time.Duration
}

func (t *timingHandler) Handle(ctx context.Context, req admission.Request) admission.Response {
	start := time.Now()
	resp := t.next.Handle(ctx, req)
	if i := t.n.Add(1) - 1; i < int64(len(t.took)) {
		t.took[i] = time.Since(start)
	}
	return resp
}

func (t *timingHandler) durations() []time.Duration {
	return t.took[:min(int(t.n.Load()), len(t.took))]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkHandle measures the handler alone on a typical Deployment.
func BenchmarkHandle(b *testing.B) {
	h := newHandler(approvalSpec(b), namespaces{labels: map[string]map[string]string{"shop": {"guardrail.dev/environment": "prod"}}})
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(deploymentReview(b, "x", true), &review); err != nil {
		b.Fatal(err)
	}
	req := admissionRequest(review.Request)
	b.ReportAllocs()
	for b.Loop() {
		if resp := h.Handle(context.Background(), req); resp.Allowed {
			b.Fatal("allowed a hostPort in prod")
		}
	}
}
