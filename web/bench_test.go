package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laphets/resume/content"
)

// BenchmarkPage is the handler's own cost for the compressed page, the
// route wrk measures in bench/web (go test -bench Page -benchmem ./web).
func BenchmarkPage(b *testing.B) {
	cfg := testConfig()
	s, err := New(cfg, slog.New(slog.DiscardHandler), content.Default, prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "192.0.2.1:4000"
	req.Header.Set("User-Agent", browserUA)
	req.Header.Set("Accept", browserAccept)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	b.ReportAllocs()
	for b.Loop() {
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.code != http.StatusOK {
			b.Fatal(w.code)
		}
	}
}

// discard is a ResponseWriter that keeps only the status, so the
// benchmark measures the handler rather than a recorder's copying.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }
