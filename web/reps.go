package web

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/html"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
)

// renderings are every representation of one résumé, built together when
// that résumé is first served.
type renderings struct {
	resume   *content.Resume
	page     *asset // the HTML page
	text     *asset // plain text at the default width
	markdown *asset
	json     *asset
	ssh      *asset // how to connect over SSH
	message  *asset // the contact form alone, when there is one
	notFound *asset
	pdf      pdfSet // rendered on first request

	// widths holds /resume.txt?width=N as visitors ask for them, each
	// rendered and compressed once, up to maxWidths of them.
	widthMu sync.Mutex
	widths  map[int]*asset
	mod     time.Time
}

// representations keeps the renderings of the résumé the Source returned
// last, and renders again when it returns another.
type representations struct {
	site html.Site
	ssh  html.SSHInfo
	font *pdf.Font // the PDF's; nil for the Go fonts
	// pdfs gives the SSH side's PDF cache of a résumé, or nil (WithPDFs).
	pdfs func(*content.Resume) *pdf.Cache
	cur  atomic.Pointer[renderings]
	mu   sync.Mutex      // one build at a time
	bad  *content.Resume // the résumé whose build failed last, guarded by mu
}

// get returns the renderings of the current résumé, building them if the
// content was reloaded. A build that fails keeps the previous renderings
// (and returns the error for the log, once: the same résumé is not built
// again).
func (rs *representations) get(r *content.Resume) (*renderings, error) {
	if cur := rs.cur.Load(); cur != nil && cur.resume == r {
		return cur, nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if cur := rs.cur.Load(); cur != nil && cur.resume == r {
		return cur, nil
	}
	if r == rs.bad { // failed already: not rebuilt (and logged) per request
		return rs.cur.Load(), nil
	}
	next, err := rs.build(r)
	if err != nil {
		rs.bad = r
		return rs.cur.Load(), err
	}
	return next, nil
}

// build renders every representation of r and makes them current.
func (rs *representations) build(r *content.Resume) (*renderings, error) {
	mod := time.Now().UTC().Truncate(time.Second)
	page, err := html.Page(r, rs.site)
	if err != nil {
		return nil, err
	}
	sshPage, err := html.SSH(r, rs.site, rs.ssh)
	if err != nil {
		return nil, err
	}
	nf, err := html.NotFound(r, rs.site)
	if err != nil {
		return nil, err
	}
	var msgPage []byte
	if rs.site.Contact {
		if msgPage, err = html.Message(r, rs.site, html.Form{}); err != nil {
			return nil, err
		}
	}
	js, err := r.JSON()
	if err != nil {
		return nil, fmt.Errorf("render json: %w", err)
	}
	var pdfs *pdf.Cache
	if rs.pdfs != nil {
		pdfs = rs.pdfs(r)
	}
	if pdfs == nil {
		pdfs = pdf.NewCache(r, rs.font)
	}
	out := &renderings{
		resume:   r,
		page:     newAsset(typeHTML, page, mod),
		text:     newAsset(typeText, []byte(renderText(r, text.DefaultWidth)), mod),
		markdown: newAsset(typeMarkdown, []byte(renderMarkdown(r)), mod),
		json:     newAsset(typeJSON, js, mod),
		ssh:      newAsset(typeHTML, sshPage, mod),
		notFound: newAsset(typeHTML, nf, mod),
		message:  newAsset(typeHTML, msgPage, mod),
		pdf:      pdfSet{cache: pdfs},
		widths:   map[int]*asset{},
		mod:      mod,
	}
	rs.cur.Store(out)
	return out, nil
}

// maxWidths bounds the widths kept per résumé (a phone, a laptop and a
// few terminals are a handful).
const maxWidths = 64

// fastBrotli is the Brotli level of renderings made on a visitor's
// request: a millisecond or two, about 10% larger than the best.
const fastBrotli = 5

// textAt is the plain text at width columns, rendered on first request.
func (rg *renderings) textAt(width int) *asset {
	if width == text.DefaultWidth {
		return rg.text
	}
	rg.widthMu.Lock()
	defer rg.widthMu.Unlock()
	if a, ok := rg.widths[width]; ok {
		return a
	}
	body := []byte(renderText(rg.resume, width))
	if len(rg.widths) >= maxWidths {
		// Someone is walking the widths: render, but neither keep nor
		// compress what is likely never asked for again.
		return uncompressed(typeText, body, rg.mod)
	}
	a := compressedAt(typeText, body, rg.mod, fastBrotli)
	rg.widths[width] = a
	return a
}

// The plain text and Markdown renderers.
func renderText(r *content.Resume, width int) string { return text.Render(r, width) }
func renderMarkdown(r *content.Resume) string        { return markdown.Render(r) }
