package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/laphets/resume/internal/safetext"
	"github.com/laphets/resume/render/html"
)

// startTime is the Last-Modified of what does not change with the content.
var startTime = time.Now().UTC().Truncate(time.Second)

// maxBody bounds a request body; no route reads more.
const maxBody = 64 << 10

// permissionsPolicy turns off the browser features the page never uses.
// Only features Chromium knows: an unknown one is a console warning.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), " +
	"serial=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()"

// secureHeaders sets the headers every response carries. HSTS is sent
// only over TLS: a browser would otherwise refuse plain HTTP for a year on
// a host that may not serve HTTPS.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Shared values, assigned under their canonical keys: no
		// allocation per request. Nothing downstream appends to them.
		for _, kv := range securityHeaders {
			h[kv.key] = kv.value
		}
		if r.TLS != nil {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}

var securityHeaders = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{html.ContentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Permissions-Policy", []string{permissionsPolicy}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
}

var hsts = []string{"max-age=31536000"}

// limitRequests refuses a visitor over their request rate with 429 and a
// Retry-After, and bounds every request body.
func (s *Server) limitRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.allow(s.clientAddr(r), time.Now()) {
			s.metrics.refusals.WithLabelValues(refuseRate).Inc()
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many requests from your address; please wait a moment", http.StatusTooManyRequests)
			return
		}
		if r.ContentLength != 0 { // a body, or one of unknown length
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// recorder notes what a handler wrote, for the log and the metrics.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// observe logs each request, in the SSH side's slog shape with every
// client string made inert, and counts it by route and status.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "none" // refused before routing, or 405
		}
		s.metrics.count(route, rec.status, elapsed)
		if !s.log.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
			slog.String("remote", s.clientAddr(r).String()),
			slog.String("method", clientString(r.Method)),
			slog.String("path", clientString(r.URL.Path)),
			slog.String("query", clientString(r.URL.RawQuery)),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", elapsed),
			slog.String("user_agent", clientString(r.UserAgent())),
		)
	})
}

// recoverPanics turns a panic in a handler into a 500 and a logged stack,
// and keeps the server up. http.ErrAbortHandler is the handler's way to
// cut a connection, not a bug.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // the value recovered is compared, not wrapped
				panic(v)
			}
			s.metrics.panics.Inc()
			s.log.Error("http handler panic", "path", clientString(r.URL.Path), "panic", fmt.Sprint(v),
				"stack", string(debug.Stack()))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// maxLogString bounds any client-supplied string in a log line, as the SSH
// side does.
const maxLogString = 200

func clientString(s string) string { return safetext.Short(s, maxLogString) }
