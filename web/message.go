package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/store"
)

// Option configures New.
type Option func(*Server)

// WithMessages serves the contact form (on the page and at /message),
// storing what visitors send in st, with its limits, cleaning and rates.
func WithMessages(st store.Store) Option {
	return func(s *Server) { s.messages = st }
}

// formLimits are the form's field limits: the store's.
var formLimits = html.Form{MaxName: store.MaxName, MaxContact: store.MaxContact, MaxBody: store.MaxBody}

// submitTimeout bounds one message's trip to the store.
const submitTimeout = 10 * time.Second

// handleMessage takes the contact form's POST: it stores the message and
// answers with its receipt, or shows the form again with what was wrong.
// A cross-origin post (CSRF) is refused first, with 403: Go's
// CrossOriginProtection judges it from Sec-Fetch-Site, or Origin against
// Host. A body that is not an urlencoded form is 415; one over maxBody
// never gets here (413).
func (s *Server) handleMessage(ctx *fasthttp.RequestCtx, rg *renderings, client netip.Addr) {
	if err := s.crossOrigin.Check(s.originRequest(ctx)); err != nil {
		plainError(ctx, err.Error(), fasthttp.StatusForbidden)
		return
	}
	// Only an urlencoded form is read (the page's form is one); any other
	// body is refused saying what to send, not read as empty fields.
	if !isForm(ctx.Request.Header.ContentType()) {
		plainError(ctx, "send the form as application/x-www-form-urlencoded (curl --data-urlencode name=... "+
			"--data-urlencode contact=... --data-urlencode message=...)", fasthttp.StatusUnsupportedMediaType)
		return
	}
	args := ctx.PostArgs()
	form := html.Form{Name: string(args.Peek("name")), Contact: string(args.Peek("contact")), Body: string(args.Peek("message"))}
	sub := store.Submission{Name: form.Name, Contact: form.Contact, Body: form.Body, Meta: store.Meta{
		Via:           "web",
		RemoteAddr:    client.String(),
		ClientVersion: string(ctx.UserAgent()),
	}}
	// Not the request's context: a shutdown must not cut a message off
	// half stored; the timeout bounds it instead.
	sctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	defer cancel()
	id, err := s.messages.Submit(sctx, sub)
	res := store.Outcome(err)
	s.metrics.messages.WithLabelValues(res.Result).Inc()
	var status int
	switch res.Result {
	case store.ResultAccepted:
		s.log.Info("message", "remote", sub.Meta.RemoteAddr, "id", id, "via", "web")
		page, rerr := html.Thanks(rg.resume, s.reps.site, id)
		s.servePage(ctx, fasthttp.StatusOK, page, rerr)
		return
	case store.ResultInvalid:
		form.Error = "The " + res.Invalid.Field + " " + res.Invalid.Reason + "."
		status = fasthttp.StatusUnprocessableEntity
	case store.ResultRateLimited:
		rl := res.RateLimit
		s.log.Info("message refused", "remote", sub.Meta.RemoteAddr, "reason", "rate_"+rl.Scope)
		ctx.Response.Header.Set("Retry-After", strconv.Itoa(max(int(rl.RetryAfter.Seconds()), 1)))
		form.Error = "Not sent: " + rl.Error() + "."
		status = fasthttp.StatusTooManyRequests
	default:
		s.log.LogAttrs(ctx, slog.LevelError, "message store", slog.String("remote", sub.Meta.RemoteAddr), slog.String("err", err.Error()))
		form.Error = "Not sent: the message could not be saved. Please try again later."
		status = fasthttp.StatusServiceUnavailable
	}
	page, rerr := html.Message(rg.resume, s.reps.site, form)
	s.servePage(ctx, status, page, rerr)
}

var formType = []byte("application/x-www-form-urlencoded")

// isForm reports whether a Content-Type is the urlencoded form's, in any
// case (media types are case-insensitive) and with any parameters.
func isForm(ct []byte) bool {
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return bytes.EqualFold(bytes.TrimSpace(ct), formType)
}

// originRequest is what CrossOriginProtection reads of a request: its
// method, Host, path, and the two headers it judges by.
func (s *Server) originRequest(ctx *fasthttp.RequestCtx) *http.Request {
	h := http.Header{}
	for _, k := range []string{"Sec-Fetch-Site", "Origin"} {
		if v := ctx.Request.Header.Peek(k); v != nil {
			h.Set(k, string(v))
		}
	}
	return &http.Request{
		Method: string(ctx.Method()),
		Host:   string(ctx.Host()),
		URL:    &url.URL{Path: string(ctx.Path())},
		Header: h,
	}
}

// servePage writes a page made for one visitor: never cached.
func (s *Server) servePage(ctx *fasthttp.RequestCtx, status int, page []byte, err error) {
	if err != nil {
		s.log.Error("render page", "err", err.Error())
		plainError(ctx, "the page could not be rendered", fasthttp.StatusInternalServerError)
		return
	}
	ctx.Response.Header.SetCanonical(hCacheControl, noStore)
	ctx.Response.Header.SetContentType(typeHTML)
	ctx.SetStatusCode(status)
	ctx.SetBody(page)
}
