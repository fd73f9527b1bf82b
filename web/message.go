package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

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

// Message results, the label values of resume_http_messages_total.
const (
	messageAccepted    = "accepted"
	messageInvalid     = "invalid"
	messageRateLimited = "rate_limited"
	messageError       = "error"
)

// handleMessage takes the contact form's POST: it stores the message and
// answers with its receipt, or shows the form again with what was wrong.
// Cross-origin posts (CSRF) are refused before it runs, by the
// CrossOriginProtection the route is wrapped in.
func (s *Server) handleMessage(cur func() *renderings) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg := cur()
		if rg == nil {
			unavailable(w)
			return
		}
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "the message is too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "the form could not be read", http.StatusBadRequest)
			return
		}
		form := html.Form{Name: r.PostForm.Get("name"), Contact: r.PostForm.Get("contact"), Body: r.PostForm.Get("message")}
		sub := store.Submission{Name: form.Name, Contact: form.Contact, Body: form.Body, Meta: store.Meta{
			Via:           "web",
			RemoteAddr:    s.clientAddr(r).String(),
			ClientVersion: r.UserAgent(),
		}}
		ctx, cancel := context.WithTimeout(r.Context(), submitTimeout)
		defer cancel()
		id, err := s.messages.Submit(ctx, sub)
		var inv *store.InvalidError
		var rl *store.RateLimitError
		var status int
		switch {
		case err == nil:
			s.metrics.messages.WithLabelValues(messageAccepted).Inc()
			s.log.Info("message", "remote", sub.Meta.RemoteAddr, "id", id, "via", "web")
			page, rerr := html.Thanks(rg.resume, s.reps.site, id)
			s.servePage(w, r, http.StatusOK, page, rerr)
			return
		case errors.As(err, &inv):
			s.metrics.messages.WithLabelValues(messageInvalid).Inc()
			form.Error = "The " + inv.Field + " " + inv.Reason + "."
			status = http.StatusUnprocessableEntity
		case errors.As(err, &rl):
			s.metrics.messages.WithLabelValues(messageRateLimited).Inc()
			s.log.Info("message refused", "remote", sub.Meta.RemoteAddr, "reason", "rate_"+rl.Scope)
			w.Header().Set("Retry-After", strconv.Itoa(max(int(rl.RetryAfter.Seconds()), 1)))
			form.Error = "Not sent: " + rl.Error() + "."
			status = http.StatusTooManyRequests
		default:
			s.metrics.messages.WithLabelValues(messageError).Inc()
			s.log.LogAttrs(r.Context(), slog.LevelError, "message store", slog.String("remote", sub.Meta.RemoteAddr), slog.String("err", err.Error()))
			form.Error = "Not sent: the message could not be saved. Please try again later."
			status = http.StatusServiceUnavailable
		}
		page, rerr := html.Message(rg.resume, s.reps.site, form)
		s.servePage(w, r, status, page, rerr)
	})
}

// servePage writes a page made for one visitor: never cached.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, status int, page []byte, err error) {
	if err != nil {
		s.log.Error("render page", "err", err.Error())
		unavailable(w)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", typeHTML)
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(page)
	}
}
