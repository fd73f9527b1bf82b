package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
)

// TestPDF: /resume.pdf is Render's bytes (those of ssh HOST pdf), A4 or
// Letter, with an ETag that revalidates; the page links to it.
func TestPDF(t *testing.T) {
	ts := start(t, testConfig())
	for query, paper := range map[string]pdf.Paper{"": pdf.A4, "?paper=a4": pdf.A4, "?paper=letter": pdf.Letter, "?paper=Letter": pdf.Letter} {
		want, err := pdf.Render(content.Default(), pdf.Options{Paper: paper})
		if err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, ts.url+"/resume.pdf"+query, "Accept-Encoding", "gzip, br")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != typePDF || string(body) != string(want) {
			t.Fatalf("%s: %d %q, %d bytes; want 200 application/pdf and Render's %d bytes", query, resp.StatusCode,
				resp.Header.Get("Content-Type"), len(body), len(want))
		}
		if enc := resp.Header.Get("Content-Encoding"); enc != "" {
			t.Errorf("%s: Content-Encoding %q; the PDF is compressed inside", query, enc)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="resume.pdf"`) {
			t.Errorf("%s: Content-Disposition %q", query, cd)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); csp != pdfPolicy || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: CSP %q, nosniff %q", query, csp, resp.Header.Get("X-Content-Type-Options"))
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", query)
		}
		if resp, _ := get(t, ts.url+"/resume.pdf"+query, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match its ETag: %d, want 304", query, resp.StatusCode)
		}
	}
	for _, q := range []string{"?paper=legal", "?paper=%00"} {
		if resp, body := get(t, ts.url+"/resume.pdf"+q); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "a4 or letter") {
			t.Errorf("%s: %d %q, want 400 naming the papers", q, resp.StatusCode, body)
		}
	}
	_, page := get(t, ts.url+"/", "User-Agent", browserUA, "Accept", browserAccept)
	if !strings.Contains(string(page), `<a href="/resume.pdf">PDF</a>`) {
		t.Error("the page does not link to /resume.pdf")
	}
}

// TestPDFReloadAndFailure: a reload gives a new PDF; a résumé the font
// cannot draw is a 500, logged once with the field.
func TestPDFReloadAndFailure(t *testing.T) {
	ts := start(t, testConfig())
	_, first := get(t, ts.url+"/resume.pdf")
	r, err := content.Parse("ka.json", []byte(`{"basics": {"name": "ნინო ბერიძე"}}`))
	if err != nil {
		t.Fatal(err)
	}
	ts.cur.Store(r)
	for range 3 {
		resp, body := get(t, ts.url+"/resume.pdf")
		if resp.StatusCode != http.StatusInternalServerError || strings.HasPrefix(string(body), "%PDF") || string(body) == string(first) {
			t.Fatalf("uncovered text: %d, want 500 and no PDF", resp.StatusCode)
		}
	}
	if logs := ts.log.String(); strings.Count(logs, "render pdf") != 1 || !strings.Contains(logs, "basics.name") {
		t.Errorf("want one log line naming basics.name:\n%s", logs)
	}
	ok, err := content.Parse("ok.json", []byte(`{"basics": {"name": "Pat Example"}}`))
	if err != nil {
		t.Fatal(err)
	}
	ts.cur.Store(ok)
	want, err := pdf.Render(ok, pdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, ts.url+"/resume.pdf"); resp.StatusCode != http.StatusOK || string(body) != string(want) {
		t.Errorf("after a reload: %d, not the new résumé's PDF", resp.StatusCode)
	}
}

// TestPDFShared: with WithPDFs the web side serves the SSH side's PDF
// bytes themselves (rendered once for both); when that side keeps no
// cache for the résumé, it renders its own.
func TestPDFShared(t *testing.T) {
	r := content.Default()
	shared := pdf.NewCache(r, nil)
	want, err := shared.Render(pdf.A4)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		cache *pdf.Cache
		same  bool
	}{"shared": {shared, true}, "none kept": {nil, false}} {
		t.Run(name, func(t *testing.T) {
			var asked *content.Resume
			s, err := New(testConfig(), slog.New(slog.DiscardHandler), func() *content.Resume { return r }, prometheus.NewRegistry(),
				WithPDFs(func(got *content.Resume) *pdf.Cache { asked = got; return c.cache }))
			if err != nil {
				t.Fatal(err)
			}
			if asked != r {
				t.Fatalf("asked for the PDFs of %p, want the résumé served (%p)", asked, r)
			}
			rg, err := s.reps.get(r)
			if err != nil {
				t.Fatal(err)
			}
			a, err := rg.pdfAt(pdf.A4)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.identity.body, want) {
				t.Fatal("the PDF served is not Render's")
			}
			if same := unsafe.SliceData(a.identity.body) == unsafe.SliceData(want); same != c.same {
				t.Errorf("the web served the shared cache's bytes: %v, want %v", same, c.same)
			}
		})
	}
}
