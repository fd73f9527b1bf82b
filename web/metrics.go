package web

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laphets/resume/internal/admission"
)

// Refusal reasons, the label values of resume_http_refusals_total: the
// SSH side's labels where the refusal is the same (admission.Reason).
var (
	refuseRate     = admission.AddrRate.String()     // --http-rate-per-ip exceeded: 429
	refuseIPConns  = admission.AddrConns.String()    // --http-max-conns-per-ip open: closed at accept
	refuseShutdown = admission.ShuttingDown.String() // arrived during a shutdown
)

// refuseConns is --http-max-conns open: closed at accept. It keeps the
// label it has always had; the SSH side's cap is "server_busy".
const refuseConns = "connections"

// metrics are the HTTP side's, registered in the registry the SSH side
// exports.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refusals *prometheus.CounterVec
	conns    prometheus.Gauge
	panics   prometheus.Counter
	messages *prometheus.CounterVec

	// byRoute caches the series of each route and status, so that a
	// request costs no label hashing: routeKey → *routeSeries.
	byRoute sync.Map
}

type routeKey struct {
	route  string
	status int
}

type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// count records one answered request. The routes are the mux's patterns
// and the statuses the few the server writes, so the cache stays small.
func (m *metrics) count(route string, status int, d time.Duration) {
	k := routeKey{route, status}
	v, ok := m.byRoute.Load(k)
	if !ok {
		v, _ = m.byRoute.LoadOrStore(k, &routeSeries{
			requests: m.requests.WithLabelValues(route, strconv.Itoa(status)),
			duration: m.duration.WithLabelValues(route),
		})
	}
	rs := v.(*routeSeries)
	rs.requests.Inc()
	rs.duration.Observe(d.Seconds())
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
