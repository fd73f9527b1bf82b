package web

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Refusal reasons, the label values of resume_http_refusals_total.
const (
	refuseRate     = "ip_rate"        // --http-rate-per-ip exceeded: 429
	refuseConns    = "connections"    // --http-max-conns open: closed at accept
	refuseIPConns  = "ip_connections" // --http-max-conns-per-ip open: closed at accept
	refuseShutdown = "shutting_down"  // arrived during a shutdown
)

// metrics are the HTTP side's, registered in the registry the SSH side
// exports.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refusals *prometheus.CounterVec
	conns    prometheus.Gauge
	panics   prometheus.Counter
	messages *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resume_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5},
		}, []string{"route"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_http_refusals_total",
			Help: "HTTP connections and requests refused, by reason.",
		}, []string{"reason"}),
		conns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "resume_http_connections_active",
			Help: "HTTP connections open now.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "resume_http_panics_total",
			Help: "HTTP requests ended by a recovered panic.",
		}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_http_messages_total",
			Help: "Messages posted with the web page's form, by result (accepted, invalid, rate_limited, error).",
		}, []string{"result"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.refusals, m.conns, m.panics, m.messages} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("http metrics: %w", err)
		}
	}
	for _, r := range []string{refuseRate, refuseConns, refuseIPConns, refuseShutdown} {
		m.refusals.WithLabelValues(r)
	}
	return m, nil
}
