package web

import (
	"sync"
	"sync/atomic"

	"github.com/valyala/fasthttp"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
)

const typePDF = "application/pdf"

// WithPDFs shares the SSH side's PDFs: pdfs returns the PDF cache the SSH
// side keeps for a résumé, or nil when it keeps none for that one (a
// reload came between). With it, a content load renders its PDF once for
// both sides; without it, or on nil, the web side makes its own.
func WithPDFs(pdfs func(*content.Resume) *pdf.Cache) Option {
	return func(s *Server) { s.reps.pdfs = pdfs }
}

// pdfPolicy is the Content-Security-Policy of /resume.pdf.
const pdfPolicy = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"

// pdfSet is one résumé's PDFs, rendered on the first request for each
// paper (about 20 ms; start-up and a reload never wait for them) and kept
// as assets with their ETags. The PDF is compressed inside, so it is
// served as it is.
type pdfSet struct {
	cache *pdf.Cache
	once  [2]sync.Once
	asset [2]*asset
	err   [2]error
	// logged is set once a failure has been logged: every request for a
	// PDF that cannot be made fails the same way.
	logged atomic.Bool
}

// pdfAt is the PDF on paper, rendering it on first use.
func (rg *renderings) pdfAt(paper pdf.Paper) (*asset, error) {
	i := 0
	if paper == pdf.Letter {
		i = 1
	}
	p := &rg.pdf
	p.once[i].Do(func() {
		b, err := p.cache.Render(paper)
		if err != nil {
			p.err[i] = err
			return
		}
		p.asset[i] = uncompressed(typePDF, b, rg.mod)
	})
	return p.asset[i], p.err[i]
}

var (
	hContentDisposition = []byte("Content-Disposition")
	hCSP                = []byte("Content-Security-Policy")
	vPDFDisposition     = []byte(`inline; filename="resume.pdf"`)
	vPDFPolicy          = []byte(pdfPolicy)
)

// handlePDF serves /resume.pdf, A4 or ?paper=letter: the same bytes as
// ssh HOST pdf and resume render --format pdf. A résumé the font cannot
// draw is a 500 whose reason is logged once.
func (s *Server) handlePDF(ctx *fasthttp.RequestCtx) {
	paper, err := pdf.ParsePaper(string(ctx.QueryArgs().Peek("paper")))
	if err != nil {
		plainError(ctx, "paper: want a4 or letter, such as /resume.pdf?paper=letter", fasthttp.StatusBadRequest)
		return
	}
	rg := s.current(ctx)
	if rg == nil {
		return
	}
	a, err := rg.pdfAt(paper)
	if err != nil {
		if !rg.pdf.logged.Swap(true) {
			s.log.Error("render pdf", "err", err.Error())
		}
		plainError(ctx, "the PDF could not be made; the server's log says why", fasthttp.StatusInternalServerError)
		return
	}
	h := &ctx.Response.Header
	h.SetCanonical(hContentDisposition, vPDFDisposition)
	// A browser shows a PDF in its viewer, which the page's policy
	// (default-src 'none', so object-src 'none') may block; the PDF
	// has no script or form, and still may not be framed.
	h.SetCanonical(hCSP, vPDFPolicy)
	serveDocument(ctx, a)
}
