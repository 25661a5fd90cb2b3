package webhook

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the webhook's Prometheus metrics.
type Metrics struct {
	Requests *prometheus.CounterVec
	Denials  *prometheus.CounterVec
	Warnings *prometheus.CounterVec
	Errors   *prometheus.CounterVec
	Latency  *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg (the manager's
// registry, controller-runtime's metrics.Registry, in a running manager).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guardrail_admission_requests_total",
			Help: "Admission requests judged, by operation, kind, verdict (allowed, denied, error) and dry run.",
		}, []string{"operation", "kind", "verdict", "dry_run"}),
		Denials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guardrail_admission_denials_total",
			Help: "Findings that denied an admission request, by rule.",
		}, []string{"rule"}),
		Warnings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guardrail_admission_warnings_total",
			Help: "Warn-mode findings returned as admission warnings, by rule.",
		}, []string{"rule"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guardrail_admission_errors_total",
			Help: "Requests the webhook could not decide, by reason and the failure policy applied.",
		}, []string{"reason", "failure_policy"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "guardrail_admission_duration_seconds",
			Help:    "Time to judge an admission request, by verdict.",
			Buckets: []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"verdict"}),
	}
	if reg != nil {
		reg.MustRegister(m.Requests, m.Denials, m.Warnings, m.Errors, m.Latency)
	}
	return m
}
