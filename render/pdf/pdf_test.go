package pdf_test

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font/gofont/gomono"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/pdf"
)

func render(t testing.TB, r *content.Resume, o pdf.Options) []byte {
	t.Helper()
	b, err := pdf.Render(r, o)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b
}

func sample(t testing.TB) *content.Resume {
	t.Helper()
	r, err := content.Load(testutil.SamplePath())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func parse(t testing.TB, doc string) *content.Resume {
	t.Helper()
	r, err := content.Parse("test.json", []byte(doc))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return r
}

var squash = testutil.Squash

// shown is the text of the owner's inline markup as the PDF shows it: the
// words, without the markup (a link is its words; its address is the
// link's).
func shown(s string) string {
	var b strings.Builder
	for _, sp := range content.Markup(s) {
		b.WriteString(sp.Text)
	}
	return b.String()
}

// entryStrings is every string of an entry that the PDF must show.
func entryStrings(e content.Entry) []string {
	out := []string{e.Title, e.Subtitle, e.When, e.Where, e.URL}
	out = append(out, e.Tags...)
	for _, tier := range e.Tiers {
		out = append(out, tier...)
	}
	out = append(out, strings.Split(shown(e.Summary), "\n")...)
	for _, b := range e.Bullets {
		out = append(out, strings.Split(shown(b), "\n")...)
	}
	for _, d := range e.Details {
		out = append(out, d.Label)
		out = append(out, strings.Split(shown(d.Text), "\n")...)
		for _, it := range d.Items {
			out = append(out, strings.Split(shown(it), "\n")...)
		}
	}
	var keep []string
	for _, s := range out {
		if strings.TrimSpace(s) != "" {
			keep = append(keep, s)
		}
	}
	return keep
}

// contactShown is how a contact's value must appear: a web address may
// be shown without its scheme and "www.".
func contactShown(c content.Contact) string {
	v := c.Value
	for _, p := range []string{"https://", "http://", "www."} {
		v = strings.TrimPrefix(v, p)
	}
	return strings.TrimSuffix(v, "/")
}

var résumés = []struct {
	name string
	get  func(testing.TB) *content.Resume
}{
	{"default", func(testing.TB) *content.Resume { return content.Default() }},
	{"sample", sample},
}

// TestTextInReadingOrder: every string of the content is in the PDF's
// text; in content-stream order (pdftotext -raw, what a parser reading the
// page's text sees) each entry's strings come after its title and before
// the next entry; in pdftotext's layout analysis each section's strings
// come between its heading and the next.
func TestTextInReadingOrder(t *testing.T) {
	for _, tc := range résumés {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.get(t)
			path := writePDF(t, render(t, r, pdf.Options{}))
			raw := squash(pdftext(t, path, 0, 0, true))
			secs := r.Sections()

			// The header: name, label, contacts, summary, in that order.
			cur := 0
			over := secs[0].Entries[0]
			var head []string
			head = append(head, over.Title, over.Subtitle)
			for _, c := range r.Contacts() {
				head = append(head, contactShown(c))
			}
			head = append(head, strings.Split(shown(over.Summary), "\n")...)
			for _, s := range head {
				if s == "" {
					continue
				}
				i := strings.Index(raw[cur:], squash(s))
				if i < 0 {
					t.Fatalf("header: %q is missing or out of order in\n%s", s, raw[cur:])
				}
				cur += i + len(squash(s))
			}

			// Each entry: its title after the previous entry, and all its
			// strings before the next entry's title.
			type span struct {
				what  string
				start int
				e     content.Entry
			}
			var spans []span
			for _, sec := range secs[1:] {
				i := strings.Index(raw[cur:], squash(sec.Title))
				if i < 0 {
					t.Fatalf("section heading %q missing or out of order", sec.Title)
				}
				cur += i + len(squash(sec.Title))
				for _, e := range sec.Entries {
					title := e.Title
					if title == "" {
						title = e.Subtitle
					}
					i := strings.Index(raw[cur:], squash(title))
					if i < 0 {
						t.Fatalf("%s: entry %q missing or out of order", sec.Title, title)
					}
					spans = append(spans, span{sec.Title + ": " + title, cur + i, e})
					cur += i + len(squash(title))
				}
			}
			for i, sp := range spans {
				end := len(raw)
				if i+1 < len(spans) {
					end = spans[i+1].start
				}
				body := raw[sp.start:end]
				for _, s := range entryStrings(sp.e) {
					if !strings.Contains(body, squash(s)) {
						t.Errorf("%s: %q is not in the entry's text %q", sp.what, s, body)
					}
				}
			}

			// pdftotext's own reading order (layout analysis, as most
			// tools do it): each section's strings under its heading.
			flow := squash(pdftext(t, path, 0, 0, false))
			starts := make([]int, len(secs))
			at := 0
			for i, sec := range secs[1:] {
				j := strings.Index(flow[at:], squash(sec.Title))
				if j < 0 {
					t.Fatalf("pdftotext: heading %q missing or out of order", sec.Title)
				}
				at += j
				starts[i+1] = at
			}
			for i, sec := range secs[1:] {
				end := len(flow)
				if i+2 < len(secs) {
					end = starts[i+2]
				}
				body := flow[starts[i+1]:end]
				for _, e := range sec.Entries {
					for _, s := range entryStrings(e) {
						if !strings.Contains(body, squash(s)) {
							t.Errorf("pdftotext: %s: %q is not under its heading", sec.Title, s)
						}
					}
				}
			}
		})
	}
}

// TestSeedFacts: every fact of the seed résumé is in the default PDF.
func TestSeedFacts(t *testing.T) {
	text := squash(pdftext(t, writePDF(t, render(t, content.Default(), pdf.Options{})), 0, 0, true))
	for _, f := range testutil.SeedFacts {
		// A skill's tier is written "1. Golang · C/C++" by the text
		// renderers; the PDF writes the ranking "Golang = C/C++ > …":
		// check the names, in order.
		if n, names, ok := strings.Cut(f, ". "); ok && len(n) == 1 && n >= "1" && n <= "9" {
			want := strings.Join(strings.Split(names, " · "), "=")
			if !strings.Contains(text, squash(want)) {
				t.Errorf("the PDF lacks the tier %q (as %q)", f, want)
			}
			continue
		}
		if !strings.Contains(text, squash(f)) {
			t.Errorf("the PDF lacks %q", f)
		}
	}
}

// TestFontsEmbeddedAndSubset: pdffonts lists only embedded subsets with
// a Unicode map, named by the subset convention (ABCDEF+GoRegular).
func TestFontsEmbeddedAndSubset(t *testing.T) {
	rows := fonts(t, writePDF(t, render(t, content.Default(), pdf.Options{})))
	want := map[string]bool{"GoRegular": false, "Go-Bold": false, "Go-Italic": false, "GoSmallcaps": false}
	for _, f := range rows {
		if !f.embedded || !f.subset || !f.unicode {
			t.Errorf("font %s: embedded %v, subset %v, Unicode map %v; want all", f.name, f.embedded, f.subset, f.unicode)
		}
		tag, name, ok := strings.Cut(f.name, "+")
		if !ok || len(tag) != 6 || strings.ToUpper(tag) != tag {
			t.Errorf("font %s: no subset tag", f.name)
		}
		if _, known := want[name]; !known {
			t.Errorf("unexpected font %s", f.name)
		}
		want[name] = true
		if f.typ != "CID TrueType" {
			t.Errorf("font %s is %s, want CID TrueType", f.name, f.typ)
		}
	}
	for name, seen := range want {
		if !seen {
			t.Errorf("font %s is not in the PDF", name)
		}
	}
}

// TestSubsetsAreSmall: the fonts are subset, not whole: the PDF is
// smaller than the four fonts it uses.
func TestSubsetsAreSmall(t *testing.T) {
	b := render(t, content.Default(), pdf.Options{})
	if len(b) > 200<<10 {
		t.Errorf("the PDF is %d bytes; the subset fonts should keep it well under 200 KiB", len(b))
	}
}

// TestQPDFCheck: qpdf finds no error or warning in the structure.
func TestQPDFCheck(t *testing.T) {
	for _, tc := range résumés {
		for _, paper := range pdf.Papers {
			t.Run(tc.name+"/"+string(paper), func(t *testing.T) {
				path := writePDF(t, render(t, tc.get(t), pdf.Options{Paper: paper}))
				out := run(t, "qpdf", "--check", path) // exit 2 (errors) or 3 (warnings) fails
				if !strings.Contains(out, "No syntax or stream encoding errors") {
					t.Errorf("qpdf --check:\n%s", out)
				}
			})
		}
	}
}

// TestLinks: the e-mail, the web site, every profile and every entry URL
// is a link annotation, and each contact's annotation covers the words
// that show it.
func TestLinks(t *testing.T) {
	for _, tc := range résumés {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.get(t)
			path := writePDF(t, render(t, r, pdf.Options{}))
			as := links(t, path)
			ws, heights := words(t, path)
			byURI := map[string][]annot{}
			for _, a := range as {
				byURI[a.uri] = append(byURI[a.uri], a)
				if a.x1-a.x0 < 1 || a.y1-a.y0 < 5 {
					t.Errorf("link %v is too small to click", a)
				}
			}
			var want []string
			for _, c := range r.Contacts() {
				if c.URL == "" {
					continue
				}
				want = append(want, c.URL)
				// The words showing the contact lie inside its link.
				shown := strings.Fields(contactShown(c))
				covered := false
				for _, a := range byURI[c.URL] {
					for _, w := range ws {
						if w.page == a.page && strings.Contains(w.text, shown[len(shown)-1]) {
							cx, cy := (w.xMin+w.xMax)/2, heights[w.page-1]-(w.yMin+w.yMax)/2
							covered = covered || (cx > a.x0 && cx < a.x1 && cy > a.y0 && cy < a.y1)
						}
					}
				}
				if !covered {
					t.Errorf("no link to %s covers the words %q", c.URL, shown)
				}
			}
			for _, sec := range r.Sections() {
				for _, e := range sec.Entries {
					if e.URL != "" {
						want = append(want, e.URL)
					}
				}
			}
			if len(want) == 0 {
				t.Fatal("the résumé has no links to test")
			}
			for _, u := range want {
				if len(byURI[u]) == 0 {
					t.Errorf("no link annotation for %s; have %v", u, as)
				}
			}
		})
	}
}

// TestPaperSize: A4 by default, Letter when asked.
func TestPaperSize(t *testing.T) {
	for _, tc := range []struct {
		paper pdf.Paper
		want  string
	}{
		{"", "595.28 x 841.89 pts (A4)"},
		{pdf.A4, "595.28 x 841.89 pts (A4)"},
		{pdf.Letter, "612 x 792 pts (letter)"},
	} {
		t.Run(string(tc.paper), func(t *testing.T) {
			m := info(t, writePDF(t, render(t, content.Default(), pdf.Options{Paper: tc.paper})))
			if m["Page size"] != tc.want {
				t.Errorf("page size %q, want %q", m["Page size"], tc.want)
			}
		})
	}
	if _, err := pdf.Render(content.Default(), pdf.Options{Paper: "legal"}); err == nil {
		t.Error("Render with paper legal: no error")
	}
}

func TestParsePaper(t *testing.T) {
	for in, want := range map[string]pdf.Paper{"": pdf.A4, "a4": pdf.A4, "A4": pdf.A4, " Letter ": pdf.Letter} {
		if got, err := pdf.ParsePaper(in); err != nil || got != want {
			t.Errorf("ParsePaper(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"legal", "a5", "letter!"} {
		if _, err := pdf.ParsePaper(in); err == nil || !strings.Contains(err.Error(), "a4 or letter") {
			t.Errorf("ParsePaper(%q): error %v, want one naming a4 or letter", in, err)
		}
	}
}

// TestDefaultFitsTwoPages, on either paper; and the page numbers are on
// every page from the second.
func TestDefaultFitsTwoPages(t *testing.T) {
	for _, paper := range pdf.Papers {
		t.Run(string(paper), func(t *testing.T) {
			path := writePDF(t, render(t, content.Default(), pdf.Options{Paper: paper}))
			pages := info(t, path)["Pages"]
			if pages != "2" && pages != "1" {
				t.Fatalf("the default résumé is %s pages, want at most 2", pages)
			}
			if p1 := pdftext(t, path, 1, 1, true); strings.Contains(p1, "Page 1") {
				t.Error("page 1 has a page number")
			}
			if pages == "2" {
				if p2 := pdftext(t, path, 2, 2, true); !strings.Contains(p2, "Page 2 of 2") {
					t.Errorf("page 2 has no page number:\n%s", p2)
				}
			}
		})
	}
}

// TestMetadata: title, author, subject, keywords from the skills, and the
// dates from meta.lastModified (a fixed date without one).
func TestMetadata(t *testing.T) {
	m := info(t, writePDF(t, render(t, content.Default(), pdf.Options{})))
	for k, want := range map[string]string{"Title": "Wenging Luo – Résumé", "Author": "Wenging Luo", "Subject": "Résumé", "Creator": "resume"} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q", k, m[k], want)
		}
	}
	for _, kw := range []string{"Golang", "C/C++", "Kubernetes", "Operating System"} {
		if !strings.Contains(m["Keywords"], kw) {
			t.Errorf("Keywords %q lack %q", m["Keywords"], kw)
		}
	}
	if !strings.Contains(m["CreationDate"], "2000") {
		t.Errorf("CreationDate %q, want the fixed date in 2000", m["CreationDate"])
	}
	s := info(t, writePDF(t, render(t, sample(t), pdf.Options{})))
	if s["Subject"] != "Programmer" || !strings.Contains(s["CreationDate"], "Dec 24 15:53:00 2017") {
		t.Errorf("sample: Subject %q, CreationDate %q; want the label and meta.lastModified 2017-12-24T15:53:00", s["Subject"], s["CreationDate"])
	}
	if !strings.Contains(s["Keywords"], "Web Development") || !strings.Contains(s["Keywords"], "HTML") {
		t.Errorf("sample: Keywords %q lack its skills", s["Keywords"])
	}
}

// TestReproducible: the same résumé and options give the same bytes, so
// that the server and the command line agree and a download can be cached.
func TestReproducible(t *testing.T) {
	for _, tc := range résumés {
		a := render(t, tc.get(t), pdf.Options{})
		b := render(t, tc.get(t), pdf.Options{})
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings differ", tc.name)
		}
	}
	if bytes.Equal(render(t, content.Default(), pdf.Options{}), render(t, content.Default(), pdf.Options{Paper: pdf.Letter})) {
		t.Error("A4 and Letter give the same bytes")
	}
}

// TestGreekAndCyrillic: the Go fonts draw them, and the text comes out.
func TestGreekAndCyrillic(t *testing.T) {
	r := parse(t, `{"basics": {"name": "Ελένη Παπαδοπούλου", "label": "Инженер-программист",
		"summary": "Ärger über Ω ≈ 3.14 — «кавычки», ‘quotes’ and naïve café."},
		"work": [{"name": "Παράδειγμα Α.Ε.", "position": "Разработчик", "highlights": ["Ψηφιακά συστήματα; Системы данных"]}]}`)
	text := squash(pdftext(t, writePDF(t, render(t, r, pdf.Options{})), 0, 0, true))
	for _, s := range []string{"Ελένη Παπαδοπούλου", "Инженер-программист", "«кавычки»", "naïve café", "Παράδειγμα Α.Ε.", "Разработчик", "Ψηφιακά συστήματα; Системы данных"} {
		if !strings.Contains(text, squash(s)) {
			t.Errorf("%q missing from %s", s, text)
		}
	}
}

// TestUncoveredTextIsAnError: text the font has no glyph for is an error
// naming each field, not empty boxes in the PDF.
func TestUncoveredTextIsAnError(t *testing.T) {
	r := parse(t, `{"basics": {"name": "ნინო ბერიძე", "label": "Engineer"},
		"work": [{"name": "Acme", "highlights": ["Shipped it", "Led the 東京 office"]}],
		"skills": [{"name": "Fun", "keywords": ["🎉 parties"]}]}`)
	_, err := pdf.Render(r, pdf.Options{})
	var ge *pdf.GlyphError
	if !errors.As(err, &ge) {
		t.Fatalf("Render: %v, want a *GlyphError", err)
	}
	fields := map[string]bool{}
	for _, p := range ge.Problems {
		fields[p.Field] = true
	}
	for _, f := range []string{"basics.name", "work[0].highlights[1]", "skills[0].keywords[0]"} {
		if !fields[f] {
			t.Errorf("the error does not name %s:\n%v", f, err)
		}
	}
	msg := err.Error()
	for _, s := range []string{"the Go fonts", "--pdf-font", "basics.name: ნ ი ო ბ ე რ ძ (U+10DC, U+10D8", `in "ნინო ბერიძე"`, "U+1F389"} {
		if !strings.Contains(msg, s) {
			t.Errorf("the message lacks %q:\n%s", s, msg)
		}
	}
	if len(ge.Problems) != 3 {
		t.Errorf("%d fields listed, want 3 (one line per field):\n%s", len(ge.Problems), msg)
	}
}

// TestCustomFont: a TrueType font set with Options.Font carries all the
// text, and is the only font embedded. DejaVu, which go-pdf/fpdf's module
// ships, covers Georgian, which the Go fonts lack.
func TestCustomFont(t *testing.T) {
	mono, err := pdf.ParseFont("Go Mono", gomono.TTF)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, render(t, content.Default(), pdf.Options{Font: mono}))
	rows := fonts(t, path)
	if len(rows) != 1 || !strings.HasSuffix(rows[0].name, "+GoMono") || !rows[0].subset {
		t.Errorf("fonts %+v, want only a subset of GoMono", rows)
	}
	if text := pdftext(t, path, 0, 0, true); !strings.Contains(text, "Wenging Luo") || !strings.Contains(text, "Experience") {
		t.Errorf("the text in Go Mono lacks the name or a heading:\n%.300s", text)
	}

	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-pdf/fpdf").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	dejavu, err := pdf.LoadFont(strings.TrimSpace(string(out)) + "/font/DejaVuSansCondensed.ttf")
	if err != nil {
		t.Fatalf("LoadFont: %v", err)
	}
	r := parse(t, `{"basics": {"name": "ნინო ბერიძე", "label": "Engineer"}}`)
	path = writePDF(t, render(t, r, pdf.Options{Font: dejavu}))
	if text := pdftext(t, path, 0, 0, true); !strings.Contains(text, "ნინო ბერიძე") {
		t.Errorf("the Georgian name is not in the text:\n%s", text)
	}
}

func TestParseFontRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":      nil,
		"text":       []byte("hello, world"),
		"OpenType":   append([]byte("OTTO"), make([]byte, 64)...),
		"collection": append([]byte("ttcf"), make([]byte, 64)...),
		"truncated":  gomono.TTF[:200],
	} {
		if _, err := pdf.ParseFont(name, data); !errors.Is(err, pdf.ErrNotTrueType) {
			t.Errorf("%s: ParseFont error %v, want ErrNotTrueType", name, err)
		}
	}
	if _, err := pdf.LoadFont("/nonexistent/font.ttf"); err == nil || !strings.Contains(err.Error(), "/nonexistent/font.ttf") {
		t.Errorf("LoadFont of a missing file: %v, want an error naming it", err)
	}
}

// TestEntryNeverSplit: in a résumé of many long entries, each entry's
// text is on one page, and the heading is never the last thing on a page.
func TestEntryNeverSplit(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"basics": {"name": "Pat Example"}, "work": [`)
	const n = 14
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name": "Company ` + string(rune('A'+i)) + `", "position": "Engineer", "startDate": "2020-01",
			"highlights": ["` + strings.Repeat("Delivered a measurable improvement to a system. ", 4) + `",
			"Second bullet of entry ` + string(rune('A'+i)) + `", "Third bullet", "Fourth bullet that ends entry ` + string(rune('A'+i)) + `"]}`)
	}
	b.WriteString(`]}`)
	path := writePDF(t, render(t, parse(t, b.String()), pdf.Options{}))
	pages := info(t, path)["Pages"]
	if pages == "1" {
		t.Fatal("the test résumé fits on one page; make it longer")
	}
	npages, _ := strconv.Atoi(pages)
	var texts []string
	for p := 1; p <= npages; p++ {
		texts = append(texts, pdftext(t, path, p, p, true))
	}
	for i := range n {
		c := string(rune('A' + i))
		start, end := -1, -1
		for p, text := range texts {
			if strings.Contains(text, "Company "+c+" ") || strings.Contains(text, "Company "+c+"\n") {
				start = p
			}
			if strings.Contains(text, "ends entry "+c) {
				end = p
			}
		}
		if start < 0 || start != end {
			t.Errorf("entry %s starts on page %d and ends on page %d", c, start+1, end+1)
		}
	}
	for p, text := range texts {
		lines := strings.Split(strings.TrimSpace(text), "\n")
		for i, l := range lines {
			if strings.TrimSpace(l) == "Experience" && i >= len(lines)-2 {
				t.Errorf("page %d ends with the heading", p+1)
			}
		}
	}
}

// TestHostileText: a word far wider than the page is broken, not run off
// the page; empty and minimal résumés render.
func TestHostileText(t *testing.T) {
	long := strings.Repeat("x", 3000)
	r := parse(t, `{"basics": {"name": "`+long+`", "summary": "see https://example.com/`+long+`"}}`)
	path := writePDF(t, render(t, r, pdf.Options{}))
	ws, _ := words(t, path)
	for _, w := range ws {
		if w.xMax > 595.28-40 || w.xMin < 40 {
			t.Errorf("word %.20q… runs into the margin: x %.1f to %.1f", w.text, w.xMin, w.xMax)
			break
		}
	}
	if text := squash(pdftext(t, path, 0, 0, true)); !strings.Contains(text, long) {
		t.Error("the long name is not all in the text")
	}
	for _, doc := range []string{`{"basics": {"name": "Solo"}}`, `{"basics": {"name": "X"}, "work": [{"name": "Y"}], "skills": [{"name": "Z"}]}`, `{"basics": {"name": "Solo", "email": "a@example.com"}}`} {
		path := writePDF(t, render(t, parse(t, doc), pdf.Options{}))
		run(t, "qpdf", "--check", path)
	}
}

// TestCache: a cache renders each paper once, gives every caller the same
// bytes, and they are Render's.
func TestCache(t *testing.T) {
	r := content.Default()
	c := pdf.NewCache(r, nil)
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paper := pdf.A4
			if i%2 == 1 {
				paper = pdf.Letter
			}
			b, err := c.Render(paper)
			if err != nil {
				t.Error(err)
			}
			got[i] = b
		}()
	}
	wg.Wait()
	for i := 2; i < len(got); i++ {
		if &got[i][0] != &got[i%2][0] {
			t.Errorf("call %d got a rendering of its own", i)
		}
	}
	if !bytes.Equal(got[0], render(t, r, pdf.Options{})) || !bytes.Equal(got[1], render(t, r, pdf.Options{Paper: pdf.Letter})) {
		t.Error("the cache's bytes are not Render's")
	}
	if _, err := c.Render("legal"); err == nil {
		t.Error("Render(legal): no error")
	}
}

// TestInlineMarkup: the owner's Markdown and HTML are drawn, not printed:
// bold, italic and code in their faces, links clickable, no markup left.
func TestInlineMarkup(t *testing.T) {
	r := parse(t, `{"basics": {"name": "Pat Example", "summary": "Builds **reliable** systems.<br>Second line."},
		"work": [{"name": "Acme", "highlights": [
			"Led the *platform* team with `+"`go test`"+` and [the docs](https://docs.example.com/guide)",
			"Cut <strong>latency</strong> by <em>half</em>, see <a href=\"https://example.com/x\">the write-up</a>"]}]}`)
	path := writePDF(t, render(t, r, pdf.Options{}))
	text := pdftext(t, path, 0, 0, true)
	for _, s := range []string{
		"Builds reliable systems.", "Second line.", "Led the platform team with go test and the docs",
		"Cut latency by half, see the write-up",
	} {
		if !strings.Contains(squash(text), squash(s)) {
			t.Errorf("%q is not in the text:\n%s", s, text)
		}
	}
	for _, raw := range []string{"**", "`", "<br>", "<strong>", "](", "<a "} {
		if strings.Contains(text, raw) {
			t.Errorf("markup %q reached the PDF:\n%s", raw, text)
		}
	}
	names := map[string]bool{}
	for _, f := range fonts(t, path) {
		_, name, _ := strings.Cut(f.name, "+")
		names[name] = true
	}
	for _, want := range []string{"GoRegular", "Go-Bold", "Go-Italic", "GoMono"} {
		if !names[want] {
			t.Errorf("no %s: the markup's faces are %v", want, names)
		}
	}
	uris := map[string]bool{}
	for _, a := range links(t, path) {
		uris[a.uri] = true
	}
	for _, u := range []string{"https://docs.example.com/guide", "https://example.com/x"} {
		if !uris[u] {
			t.Errorf("no link to %s; have %v", u, uris)
		}
	}
}

// TestWildFiles: résumés as they are found (content/testdata/wild) render
// with every string in the text, or, in scripts the Go fonts lack, fail
// naming the fields.
func TestWildFiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(testutil.Root(), "content", "testdata", "wild", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no wild fixtures: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			r, err := content.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := pdf.Render(r, pdf.Options{})
			var ge *pdf.GlyphError
			if errors.As(err, &ge) {
				for _, pr := range ge.Problems {
					for _, c := range pr.Runes {
						// The Go fonts lack CJK, emoji and most symbols, but
						// must draw any Latin, Greek or Cyrillic letter.
						if c <= 0x24F || (c >= 0x370 && c <= 0x4FF) {
							t.Errorf("%s: %q (U+%04X) should be drawable", pr.Field, c, c)
						}
					}
					if pr.Field == "" || pr.Text == "" {
						t.Errorf("a problem without its field: %+v", pr)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			path := writePDF(t, b)
			text := squash(pdftext(t, path, 0, 0, true))
			for _, sec := range r.Sections() {
				for _, e := range sec.Entries {
					for _, s := range entryStrings(e) {
						if !strings.Contains(text, squash(s)) {
							t.Errorf("%s: %q is missing", sec.Title, s)
						}
					}
				}
			}
			run(t, "qpdf", "--check", path)
		})
	}
}
