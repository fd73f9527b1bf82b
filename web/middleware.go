package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/internal/safetext"
	"github.com/laphets/resume/render/html"
)

// startTime is the Last-Modified of what does not change with the content.
var startTime = time.Now().UTC().Truncate(time.Second)

// maxBody bounds a request body; no route reads more. fasthttp refuses a
// longer one (413) before any handler runs, reading no more than this.
const maxBody = 64 << 10

// permissionsPolicy turns off the browser features the page never uses.
// Only features Chromium knows: an unknown one is a console warning.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), " +
	"serial=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()"

// securityHeaders are the headers every response carries, made once, as
// the header a response starts from: copying them costs a fraction of
// setting them one by one (which checks and copies each value).
// securityHeadersTLS adds HSTS.
var securityHeaders, securityHeadersTLS = newSecurityHeaders()

func newSecurityHeaders() (plain, tls *fasthttp.ResponseHeader) {
	plain, tls = &fasthttp.ResponseHeader{}, &fasthttp.ResponseHeader{}
	for _, kv := range [][2]string{
		{"Content-Security-Policy", html.ContentSecurityPolicy},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"Permissions-Policy", permissionsPolicy},
		{"X-Frame-Options", "DENY"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	} {
		plain.Set(kv[0], kv[1])
	}
	plain.CopyTo(tls)
	// HSTS is sent only over TLS: a browser would otherwise refuse plain
	// HTTP for a year on a host that may not serve HTTPS.
	tls.Set("Strict-Transport-Security", "max-age=31536000")
	return plain, tls
}

// secureHeaders starts the response from the headers every response
// carries, dropping whatever it held. A response has no default
// Content-Type: each route sets its own, and a 304 has none.
func secureHeaders(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	if ctx.IsTLS() {
		securityHeadersTLS.CopyTo(h)
	} else {
		securityHeaders.CopyTo(h)
	}
	h.SetNoDefaultContentType(true)
}

// finish ends every request: a panic in a handler becomes a 500 and a
// logged stack, and the server stays up; then the request is counted by
// route and status and logged, in the SSH side's slog shape with every
// client string made inert.
func (s *Server) finish(ctx *fasthttp.RequestCtx, client netip.Addr, route *string) {
	if v := recover(); v != nil {
		s.metrics.panics.Inc()
		s.log.Error("http handler panic", "path", clientString(string(ctx.Path())), "panic", fmt.Sprint(v),
			"stack", string(debug.Stack()))
		ctx.Response.Reset()
		secureHeaders(ctx)
		plainError(ctx, "internal error", fasthttp.StatusInternalServerError)
		ctx.SetConnectionClose()
	}
	s.observe(ctx, client, *route, time.Since(ctx.Time()))
}

// observe counts a request by route and status, and logs it.
func (s *Server) observe(ctx *fasthttp.RequestCtx, client netip.Addr, route string, elapsed time.Duration) {
	status := ctx.Response.StatusCode()
	s.metrics.count(route, status, elapsed)
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	bytes := len(ctx.Response.Body())
	if ctx.IsHead() {
		bytes = 0
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "http request",
		slog.String("remote", client.String()),
		slog.String("method", clientString(string(ctx.Method()))),
		slog.String("path", clientString(string(ctx.Path()))),
		slog.String("query", clientString(string(ctx.QueryArgs().QueryString()))),
		slog.Int("status", status),
		slog.Int("bytes", bytes),
		slog.Duration("duration", elapsed),
		slog.String("user_agent", clientString(string(ctx.UserAgent()))),
	)
}

// requestError answers a request fasthttp could not take: headers too
// large (431), a body over maxBody (413, or 405 where the method is not
// taken at all, as the route would answer), too slow (408), or malformed
// (400). The connection is closed after it. It carries the same headers
// and is counted and logged like any request.
func (s *Server) requestError(ctx *fasthttp.RequestCtx, err error) {
	secureHeaders(ctx)
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		s.refuseBody(ctx, true)
	case errors.As(err, &small):
		plainError(ctx, "the request headers are too large", fasthttp.StatusRequestHeaderFieldsTooLarge)
	case errors.As(err, &netErr) && netErr.Timeout():
		plainError(ctx, "the request took too long to send", fasthttp.StatusRequestTimeout)
	default:
		plainError(ctx, "the request could not be read", fasthttp.StatusBadRequest)
	}
	// No handler ran, so fasthttp noted no request time: the duration
	// is unknown, and counted as none.
	s.observe(ctx, s.clientAddr(ctx), routeNone, 0)
}

// refuseBody answers a request whose body the server will not read: 413
// where the method is taken (GET and HEAD everywhere, POST at /message),
// 405 as the route would answer elsewhere. tooLarge is false for a body
// of any size on a method not taken; it returns false when the request
// is not refused.
func (s *Server) refuseBody(ctx *fasthttp.RequestCtx, tooLarge bool) bool {
	taken, post := s.methodTaken(ctx)
	switch {
	case !taken:
		methodNotAllowed(ctx, post)
	case tooLarge:
		plainError(ctx, "the request body is too large", fasthttp.StatusRequestEntityTooLarge)
	default:
		return false
	}
	return true
}

// expect answers a request that waits for "100 Continue" before sending
// its body (Expect: 100-continue): the body is asked for only if it would
// be read; otherwise the refusal the whole request would get (413 over
// maxBody, 405 where the method is not taken) goes out at once, so the
// client never sends it, and the connection is closed. fasthttp calls no
// handler then: the refusal carries the same headers and is counted and
// logged here.
func (s *Server) expect(ctx *fasthttp.RequestCtx) int {
	secureHeaders(ctx)
	if !s.refuseBody(ctx, ctx.Request.Header.ContentLength() > maxBody) {
		ctx.Response.Reset()
		return fasthttp.StatusContinue
	}
	s.observe(ctx, s.clientAddr(ctx), routeNone, 0)
	return ctx.Response.StatusCode()
}

// maxLogString bounds any client-supplied string in a log line, as the SSH
// side does.
const maxLogString = 200

func clientString(s string) string { return safetext.Short(s, maxLogString) }

// fastLogger hands fasthttp's own messages (errors serving a connection,
// mostly a client's doing) to the server's log at debug level, made
// inert: they may quote what a client sent.
type fastLogger struct{ log *slog.Logger }

func (l fastLogger) Printf(format string, args ...any) {
	l.log.Debug("http server", "msg", clientString(fmt.Sprintf(format, args...)))
}
