package web

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/render/text"
)

// Route labels: the resume_http_requests_total "route" of each route, in
// the shape of Go's ServeMux patterns (what they were before the server
// moved to fasthttp, so that dashboards keep working).
const (
	routeIndex       = "GET /{$}"
	routeText        = "GET /resume.txt"
	routeMarkdown    = "GET /resume.md"
	routeJSON        = "GET /resume.json"
	routePDF         = "GET /resume.pdf"
	routeSSH         = "GET /ssh"
	routeMessageForm = "GET /message"
	routeMessagePost = "POST /message"
	routeRobots      = "GET /robots.txt"
	routeFaviconSVG  = "GET /favicon.svg"
	routeFaviconICO  = "GET /favicon.ico"
	routeNotFound    = "GET /"
	routeNone        = "none" // refused before routing, 405, or a request fasthttp could not read
)

// Handler is the whole HTTP side as fasthttp calls it: one function per
// request. Read it top to bottom; each step was a net/http middleware
// before, and the order is the same:
//
//  1. recover a panic into a 500 and count it; then log the request and
//     count it by route and status (deferred, so they see what was
//     written);
//  2. the headers every response carries, 404, 405 and 429 included;
//  3. the per-address request rate (429 over it); the body limit is the
//     server's, before any of this runs;
//  4. the route.
func (s *Server) Handler() fasthttp.RequestHandler { return s.serve }

func (s *Server) serve(ctx *fasthttp.RequestCtx) {
	client := s.clientAddr(ctx)
	route := routeNone
	defer s.finish(ctx, client, &route)
	secureHeaders(ctx)
	if !s.limiter.allow(client, ctx.Time()) {
		s.metrics.refusals.WithLabelValues(refuseRate).Inc()
		ctx.Response.Header.SetCanonical(hRetryAfter, vOne)
		plainError(ctx, "too many requests from your address; please wait a moment", fasthttp.StatusTooManyRequests)
		return
	}
	route = s.route(ctx, client)
}

var (
	hRetryAfter = []byte("Retry-After")
	hAllow      = []byte("Allow")
	vOne        = []byte("1")
	allowGet    = []byte("GET, HEAD")
	allowPost   = []byte("GET, HEAD, POST")
)

// route maps every path to its handler, in one place, and returns the
// route's label. GET and HEAD reach every path; POST only /message, and
// only with a message store; any other method on any path is 405 with an
// Allow header.
func (s *Server) route(ctx *fasthttp.RequestCtx, client netip.Addr) string {
	path := view(ctx.Path())
	taken, form := s.methodTaken(ctx)
	switch {
	case !taken:
		methodNotAllowed(ctx, form)
		return routeNone
	case ctx.IsPost():
		if rg := s.current(ctx); rg != nil {
			s.handleMessage(ctx, rg, client)
		}
		return routeMessagePost
	}
	switch path {
	case "/robots.txt":
		robots.serve(ctx, fasthttp.StatusOK)
		return routeRobots
	case "/favicon.svg":
		favicon.serve(ctx, fasthttp.StatusOK)
		return routeFaviconSVG
	case "/favicon.ico":
		favicon.serve(ctx, fasthttp.StatusOK)
		return routeFaviconICO
	case "/resume.txt":
		s.handleText(ctx)
		return routeText
	case "/resume.pdf":
		s.handlePDF(ctx)
		return routePDF
	}
	rg := s.current(ctx)
	if rg == nil {
		return routeNone
	}
	switch {
	case path == "/":
		handleIndex(ctx, rg)
		return routeIndex
	case path == "/resume.md":
		serveDocument(ctx, rg.markdown)
		return routeMarkdown
	case path == "/resume.json":
		serveDocument(ctx, rg.json)
		return routeJSON
	case path == "/ssh":
		rg.ssh.serve(ctx, fasthttp.StatusOK)
		return routeSSH
	case form:
		rg.message.serve(ctx, fasthttp.StatusOK)
		return routeMessageForm
	}
	// Everything else is a plain 404.
	if negotiate(&ctx.Request.Header) != typeHTML {
		plainError(ctx, notFoundText, fasthttp.StatusNotFound)
	} else {
		rg.notFound.serve(ctx, fasthttp.StatusNotFound)
	}
	return routeNotFound
}

const notFoundText = "404 not found: the résumé is at /, /resume.txt, /resume.md, /resume.pdf and /resume.json"

// methodTaken says whether the request's method is one its path takes:
// GET and HEAD everywhere, POST only at /message and only with a message
// store; form is whether the path is that form's, which takes POST.
func (s *Server) methodTaken(ctx *fasthttp.RequestCtx) (taken, form bool) {
	form = s.messages != nil && view(ctx.Path()) == "/message"
	return ctx.IsGet() || ctx.IsHead() || (form && ctx.IsPost()), form
}

// methodNotAllowed answers a method the path does not take, as Go's
// ServeMux did.
func methodNotAllowed(ctx *fasthttp.RequestCtx, post bool) {
	allow := allowGet
	if post {
		allow = allowPost
	}
	ctx.Response.Header.SetCanonical(hAllow, allow)
	plainError(ctx, "Method Not Allowed", fasthttp.StatusMethodNotAllowed)
}

// plainError answers with one line of text, as http.Error does.
func plainError(ctx *fasthttp.RequestCtx, msg string, status int) {
	ctx.Response.Header.SetContentType(typeText)
	ctx.SetStatusCode(status)
	ctx.SetBodyString(msg + "\n")
}

// varyNegotiated is the Vary of a negotiated response.
var varyNegotiated = []byte("Accept, User-Agent")

// current returns the renderings of the résumé being served now; when
// there are none (the first build failed) it answers 500 itself and
// returns nil.
func (s *Server) current(ctx *fasthttp.RequestCtx) *renderings {
	rg, err := s.reps.get(s.source())
	if err != nil {
		s.log.Error("render content for the web, serving the previous rendering", "err", err.Error())
	}
	if rg == nil {
		plainError(ctx, "the résumé could not be rendered", fasthttp.StatusInternalServerError)
	}
	return rg
}

var (
	robots  = newAsset("text/plain; charset=utf-8", []byte("User-agent: *\nAllow: /\n"), startTime)
	favicon = newAsset(typeSVG, html.Favicon(), startTime)
)

// serveDocument serves a representation machines read: other sites' pages
// may fetch it, as curl may.
func serveDocument(ctx *fasthttp.RequestCtx, a *asset) {
	ctx.Response.Header.SetCanonical(hAllowOrigin, vAny)
	a.serve(ctx, fasthttp.StatusOK)
}

// handleIndex serves the page to browsers, and text (or JSON, if that is
// all the client accepts) to everything else.
func handleIndex(ctx *fasthttp.RequestCtx, rg *renderings) {
	ctx.Response.Header.SetCanonical(hVary, varyNegotiated)
	a := rg.page
	switch negotiate(&ctx.Request.Header) {
	case typeText:
		a = rg.text
	case typeJSON:
		a = rg.json
	}
	a.serve(ctx, fasthttp.StatusOK)
}

// handleText serves /resume.txt, at ?width=N columns if asked (the range
// ssh host text accepts).
func (s *Server) handleText(ctx *fasthttp.RequestCtx) {
	width := text.DefaultWidth
	if v := ctx.QueryArgs().Peek("width"); v != nil {
		n, err := strconv.Atoi(view(v))
		if err != nil || n < text.MinWidth || n > text.MaxWidth {
			plainError(ctx, "width: want a number of columns from "+strconv.Itoa(text.MinWidth)+
				" to "+strconv.Itoa(text.MaxWidth)+", such as /resume.txt?width=100", fasthttp.StatusBadRequest)
			return
		}
		width = n
	}
	if rg := s.current(ctx); rg != nil {
		serveDocument(ctx, rg.textAt(width))
	}
}

// textClients are User-Agent prefixes of programs that show text, not
// HTML: they get the plain résumé at /, as wttr.in does it.
var textClients = []string{
	"curl/", "wget/", "httpie/", "xh/", "lwp-request/", "fetch libfetch", "aria2/",
	"libcurl", "powershell", "windowspowershell", "lynx/", "links ", "w3m/", "elinks/",
}

// negotiate picks what / serves: HTML for browsers; text for an Accept
// that prefers text/plain, or for a known text client that does not ask
// for HTML; JSON for a client that prefers JSON to both. It allocates
// nothing for a browser's request: it runs on every one.
func negotiate(h *fasthttp.RequestHeader) string {
	accept := view(h.Peek(fasthttp.HeaderAccept))
	if strings.HasPrefix(accept, "text/html,") {
		// A browser's: HTML named first, at q=1, which nothing can
		// outweigh.
		return typeHTML
	}
	w := acceptWeights(accept)
	switch {
	case w.text.set && w.text.q > w.html.q && w.text.q >= w.json.q:
		return typeText
	case w.json.set && w.json.q > w.html.q && w.json.q > w.text.q:
		return typeJSON
	case w.html.set && w.html.q > 0:
		return typeHTML
	}
	ua := view(h.UserAgent())
	if strings.HasPrefix(ua, "Mozilla/") && !strings.Contains(ua, "PowerShell") {
		return typeHTML // a browser, the common case
	}
	ua = strings.ToLower(ua)
	for _, c := range textClients {
		if strings.HasPrefix(ua, c) || (strings.Contains(c, "powershell") && strings.Contains(ua, c)) {
			return typeText
		}
	}
	return typeHTML
}

// weight is a media type's q-value in an Accept header, and whether the
// header named the type itself.
type weight struct {
	q   float64
	set bool
}

type weights struct{ html, text, json weight }

// acceptWeights reads the q-values an Accept header gives HTML, plain text
// and JSON: from each type's own entry, else type/*, else */*; all 1 for
// an empty header.
func acceptWeights(accept string) weights {
	if strings.TrimSpace(accept) == "" {
		return weights{weight{q: 1}, weight{q: 1}, weight{q: 1}}
	}
	qHTML, qText, qJSON, textAll, appAll, all := -1.0, -1.0, -1.0, -1.0, -1.0, -1.0
	for rest := accept; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		name, q := parseQ(part)
		switch name {
		case "text/html":
			qHTML = q
		case "text/plain":
			qText = q
		case "application/json":
			qJSON = q
		case "text/*":
			textAll = q
		case "application/*":
			appAll = q
		case "*/*":
			all = q
		}
	}
	pick := func(exact, wild float64) weight {
		switch {
		case exact >= 0:
			return weight{exact, true}
		case wild >= 0:
			return weight{q: wild}
		case all >= 0:
			return weight{q: all}
		}
		return weight{}
	}
	return weights{pick(qHTML, textAll), pick(qText, textAll), pick(qJSON, appAll)}
}
