package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/render/text"
)

// Handler is the whole HTTP side: the routes inside the middleware. Read
// the chain from the outside in.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.routes()
	// 4, innermost: per-address request rate (429 over it), and the body
	// limit.
	h = s.limitRequests(h)
	// 3: the headers every response carries, 404, 405 and 429 included,
	// set before anything below writes.
	h = secureHeaders(h)
	// 2: the access log and the request metrics, with the route's pattern.
	h = s.observe(h)
	return s.recoverPanics(h)
}

// routes maps every path to its handler, in one place.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	cur := s.current
	mux.Handle("GET /{$}", handleIndex(cur))
	mux.Handle("GET /resume.txt", handleText(cur))
	mux.Handle("GET /resume.md", handleAsset(cur, func(r *renderings) *asset { return r.markdown }))
	mux.Handle("GET /resume.json", handleAsset(cur, func(r *renderings) *asset { return r.json }))
	mux.Handle("GET /resume.pdf", handlePDF(cur, s))
	mux.Handle("GET /ssh", handleAsset(cur, func(r *renderings) *asset { return r.ssh }))
	if s.messages != nil {
		mux.Handle("GET /message", handleAsset(cur, func(r *renderings) *asset { return r.message }))
		// A post from another site's page (CSRF) gets 403 here: Go's
		// check of Sec-Fetch-Site, or of Origin against Host.
		mux.Handle("POST /message", http.NewCrossOriginProtection().Handler(s.handleMessage(cur)))
	}
	mux.Handle("GET /robots.txt", handleStatic(robots))
	mux.Handle("GET /favicon.svg", handleStatic(favicon))
	mux.Handle("GET /favicon.ico", handleStatic(favicon))
	// Everything else is a plain 404; any other method on any path is
	// refused by the mux with 405 and an Allow header.
	mux.Handle("GET /", handleNotFound(cur))
	return mux
}

// varyNegotiated is the Vary of a negotiated response, shared by every
// request: a full slice, so appending to it copies.
var varyNegotiated = []string{"Accept, User-Agent"}

// current returns the renderings of the résumé being served now, or nil
// when there are none (the first build failed).
func (s *Server) current() *renderings {
	rg, err := s.reps.get(s.source())
	if err != nil {
		s.log.Error("render content for the web, serving the previous rendering", "err", err.Error())
	}
	return rg
}

var (
	robots  = newAsset("text/plain; charset=utf-8", []byte("User-agent: *\nAllow: /\n"), startTime)
	favicon = newAsset(typeSVG, html.Favicon(), startTime)
)

func handleStatic(a *asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, http.StatusOK) })
}

func unavailable(w http.ResponseWriter) {
	http.Error(w, "the résumé could not be rendered", http.StatusInternalServerError)
}

// handleAsset serves one representation of the current résumé.
func handleAsset(cur func() *renderings, pick func(*renderings) *asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg := cur()
		if rg == nil {
			unavailable(w)
			return
		}
		a := pick(rg)
		if a.typ != typeHTML {
			// Machines elsewhere may read the document, as curl may.
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		a.serve(w, r, http.StatusOK)
	})
}

// handleIndex serves the page to browsers, and text (or JSON, if that is
// all the client accepts) to everything else.
func handleIndex(cur func() *renderings) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg := cur()
		if rg == nil {
			unavailable(w)
			return
		}
		w.Header()["Vary"] = varyNegotiated
		a := rg.page
		switch negotiate(r) {
		case typeText:
			a = rg.text
		case typeJSON:
			a = rg.json
		}
		a.serve(w, r, http.StatusOK)
	})
}

// handleText serves /resume.txt, at ?width=N columns if asked (the range
// ssh host text accepts).
func handleText(cur func() *renderings) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		width := text.DefaultWidth
		if v := r.URL.Query().Get("width"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < text.MinWidth || n > text.MaxWidth {
				http.Error(w, "width: want a number of columns from "+strconv.Itoa(text.MinWidth)+
					" to "+strconv.Itoa(text.MaxWidth)+", such as /resume.txt?width=100", http.StatusBadRequest)
				return
			}
			width = n
		}
		rg := cur()
		if rg == nil {
			unavailable(w)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		rg.textAt(width).serve(w, r, http.StatusOK)
	})
}

func handleNotFound(cur func() *renderings) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg := cur()
		if rg == nil || negotiate(r) != typeHTML {
			http.Error(w, "404 not found: the résumé is at /, /resume.txt, /resume.md, /resume.pdf and /resume.json", http.StatusNotFound)
			return
		}
		rg.notFound.serve(w, r, http.StatusNotFound)
	})
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
func negotiate(r *http.Request) string {
	w := acceptWeights(r.Header.Get("Accept"))
	switch {
	case w.text.set && w.text.q > w.html.q && w.text.q >= w.json.q:
		return typeText
	case w.json.set && w.json.q > w.html.q && w.json.q > w.text.q:
		return typeJSON
	case w.html.set && w.html.q > 0:
		return typeHTML
	}
	ua := r.UserAgent()
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
