package server

import (
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/laphets/resume/internal/admission"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (never the global one), so that two servers in one process do not clash.
type metrics struct {
	reg               *prometheus.Registry
	sessionsActive    *prometheus.GaugeVec
	sessionsTotal     *prometheus.CounterVec
	sessionDuration   *prometheus.HistogramVec
	refusals          *prometheus.CounterVec
	handshakeFailures prometheus.Counter
	connections       prometheus.Gauge
	panics            prometheus.Counter
	reloads           *prometheus.CounterVec
	messages          *prometheus.CounterVec
}

// Session kinds, the label of the session metrics.
const (
	kindTUI     = "tui"
	kindPlain   = "plain"
	kindCommand = "command"
)

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		sessionsActive: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "resume_sessions_active",
			Help: "Sessions running now, by kind (tui, plain, command).",
		}, []string{"kind"}),
		sessionsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_sessions_total",
			Help: "Sessions started, by kind (tui, plain, command).",
		}, []string{"kind"}),
		sessionDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "resume_session_duration_seconds",
			Help:    "How long sessions lasted, by kind.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 180, 600, 1800, 3600},
		}, []string{"kind"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_refusals_total",
			Help: "Connections, sessions and requests refused, by reason.",
		}, []string{"reason"}),
		handshakeFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "resume_handshake_failures_total",
			Help: "Connections that did not complete the SSH handshake (timeouts included).",
		}),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "resume_connections_active",
			Help: "SSH connections open now, handshaking or not.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "resume_session_panics_total",
			Help: "Sessions ended by a recovered panic.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_content_reloads_total",
			Help: "Content reloads, by result (ok, invalid).",
		}, []string{"result"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "resume_messages_total",
			Help: "Messages visitors sent, by result (accepted, invalid, rate_limited, error).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.sessionsActive, m.sessionsTotal, m.sessionDuration, m.refusals,
		m.handshakeFailures, m.connections, m.panics, m.reloads, m.messages,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Show every kind from the start, at zero.
	for _, k := range []string{kindTUI, kindPlain, kindCommand} {
		m.sessionsActive.WithLabelValues(k)
		m.sessionsTotal.WithLabelValues(k)
	}
	for _, r := range admission.Refusals() {
		m.refusals.WithLabelValues(r.String())
	}
	return m
}

// track counts a session of kind as it starts (total, active); the
// function it returns counts its end (active, duration).
func (m *metrics) track(kind string) func() {
	m.sessionsTotal.WithLabelValues(kind).Inc()
	active := m.sessionsActive.WithLabelValues(kind)
	active.Inc()
	start := time.Now()
	return func() {
		active.Dec()
		m.sessionDuration.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	}
}

// refused counts a refusal by its reason.
func (m *metrics) refused(r admission.Reason) { m.refusals.WithLabelValues(r.String()).Inc() }

// MetricsHandler serves /metrics, /healthz (503 while shutting down) and,
// with Config.Pprof, /debug/pprof/.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if s.closing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("shutting down\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	if s.cfg.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// Registry is the registry /metrics serves, for the HTTP side to add its
// metrics to.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }
