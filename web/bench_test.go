package web

import (
	"log/slog"
	"net"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/content"
)

// BenchmarkPage is the handler's own cost for the compressed page, the
// route wrk measures in bench/web (go test -bench Page -benchmem ./web).
// wrk's request, as bench/web sends it, and a browser's.
func BenchmarkPage(b *testing.B) {
	b.Run("wrk", func(b *testing.B) {
		benchmarkPage(b, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) bench", "Accept-Encoding", "gzip")
	})
	b.Run("browser", func(b *testing.B) {
		benchmarkPage(b, "User-Agent", browserUA, "Accept", browserAccept, "Accept-Encoding", "gzip, deflate, br")
	})
}

func benchmarkPage(b *testing.B, header ...string) {
	cfg := testConfig()
	s, err := New(cfg, slog.New(slog.DiscardHandler), content.Default, prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	var req fasthttp.Request
	req.SetRequestURI("/")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 4000}, nil)
	b.ReportAllocs()
	for b.Loop() {
		ctx.Response.Reset()
		h(&ctx)
		if ctx.Response.StatusCode() != fasthttp.StatusOK || ctx.Response.Header.Peek("Content-Encoding") == nil {
			b.Fatal(ctx.Response.StatusCode())
		}
	}
}
