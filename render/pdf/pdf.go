// Package pdf renders a résumé as a PDF in pure Go (go-pdf/fpdf): real,
// selectable text in reading order, clickable links, document metadata,
// and fonts embedded as subsets. It is fed by content.Sections and
// content.Contacts, like the text and Markdown renderers, and lays out the
// same facts. The default fonts are the Go fonts (Latin, Greek, Cyrillic);
// Options.Font sets the résumé in another TrueType font. Output is
// reproducible: the same résumé and options give the same bytes.
package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/laphets/resume/content"
)

// Paper is a page size.
type Paper string

// The page sizes Render knows; A4 is the default.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// Papers lists the page sizes, for flags and help.
var Papers = []Paper{A4, Letter}

// ParsePaper reads a --paper value ("a4" or "letter", in any case).
func ParsePaper(s string) (Paper, error) {
	switch p := Paper(strings.ToLower(strings.TrimSpace(s))); p {
	case A4, Letter:
		return p, nil
	case "":
		return A4, nil
	}
	return "", fmt.Errorf("paper %q is not a page size (want a4 or letter)", s)
}

// Options choose how the PDF is made. The zero value is A4 in the Go fonts.
type Options struct {
	Paper Paper // A4 when empty
	Font  *Font // nil for the Go fonts
}

// fixedDate is the creation date of a résumé whose meta.lastModified is
// missing or unreadable: a constant, so that the PDF is reproducible.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Render makes the PDF of r. It fails only when the font cannot draw some
// of the text (a *GlyphError naming each field) or the paper is unknown.
func Render(r *content.Resume, o Options) ([]byte, error) {
	paper := o.Paper
	if paper == "" {
		paper = A4
	}
	if paper != A4 && paper != Letter {
		return nil, fmt.Errorf("pdf: paper %q is not a page size (want a4 or letter)", paper)
	}
	fam := goFonts()
	if o.Font != nil {
		fam = customFamily(o.Font)
	}
	d := newDoc(fam, paper)
	d.build(r)
	if err := d.glyphError(r); err != nil {
		return nil, err
	}
	d.meta(r)
	d.paginate()
	d.draw(r)
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return noOutlinePane(d.nameSubsets(buf.Bytes())), nil
}

// Page geometry, in points.
const (
	marginX      = 50
	marginTop    = 40
	marginBottom = 40
	footerGap    = 18 // from the bottom of the text area to the footer's baseline
)

// Colours: near-black ink, a grey for secondary facts, one accent.
var (
	ink    = rgb{28, 31, 35}
	muted  = rgb{96, 102, 110}
	accent = rgb{24, 72, 122}
	hair   = rgb{196, 201, 207}
)

// doc is one PDF being made.
type doc struct {
	f       *fpdf.Fpdf
	fam     family
	ids     map[*Font]string
	pageW   float64
	pageH   float64
	width   float64 // of the text
	factCol float64 // width of the names in tables of facts
	blocks  []*block
	pages   [][]placedItem

	cur struct {
		id   string
		size float64
	} // the font fpdf measures with
	sfBuf  sfnt.Buffer
	cover  map[coverKey]bool
	bad    []badRune
	badSet map[coverKey]bool
}

type placedItem struct {
	y  float64
	it item
	bm string
}

func newDoc(fam family, paper Paper) *doc {
	size := "A4"
	if paper == Letter {
		size = "Letter"
	}
	f := fpdf.New("P", "pt", size, "")
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, marginBottom)
	d := &doc{f: f, fam: fam, ids: map[*Font]string{}, cover: map[coverKey]bool{}, badSet: map[coverKey]bool{}}
	d.pageW, d.pageH = f.GetPageSize()
	d.width = d.pageW - 2*marginX
	return d
}

// font is the font a face is set in.
func (d *doc) font(face faceID) *Font {
	switch face {
	case faceBold:
		return d.fam.bold
	case faceItalic:
		return d.fam.italic
	case faceBoldItalic:
		return d.fam.boldItalic
	case faceSmallCaps:
		return d.fam.smallCaps
	case faceMono:
		return d.fam.mono
	case faceRegular:
	}
	return d.fam.regular
}

// fakeBold: a family with one face draws bold by stroking the outlines.
func (d *doc) fakeBold(face faceID) bool {
	return (face == faceBold || face == faceBoldItalic) && d.fam.bold == d.fam.regular
}

// fontID registers font with fpdf on first use, so that only the faces
// the résumé uses are embedded, and returns its name there.
func (d *doc) fontID(font *Font) string {
	if id, ok := d.ids[font]; ok {
		return id
	}
	// fpdf names an embedded font "utf8" + its family, lower case,
	// without the subset tag that PDF tools look for. The family is a
	// placeholder exactly as long as the proper name, replaced in the
	// output (see nameSubsets) without moving a byte.
	id := fmt.Sprintf("f%d", len(d.ids))
	id += strings.Repeat("x", len("ABCDEF+")+len(font.psName())-len("utf8")-len(id))
	d.ids[font] = id
	d.f.AddUTF8FontFromBytes(id, "", font.data)
	return id
}

func (d *doc) setFont(st style) {
	id := d.fontID(d.font(st.face))
	if d.cur.id != id || d.cur.size != st.size {
		d.f.SetFont(id, "", st.size)
		d.cur.id, d.cur.size = id, st.size
	}
}

// measure is the width of s in st, and checks that the font can draw it.
func (d *doc) measure(st style, s string) float64 {
	d.check(st.face, s)
	d.setFont(st)
	w := d.f.GetStringWidth(s)
	if d.fakeBold(st.face) {
		w += st.size * 0.02 * float64(len([]rune(s)))
	}
	return w
}

// nameSubsets gives each embedded font its PostScript name with a subset
// tag (ABCDEF+GoRegular) in place of fpdf's placeholder of the same
// length, so the cross-reference offsets stay right. The placeholder only
// occurs in the font dictionaries, which are not compressed.
func (d *doc) nameSubsets(pdf []byte) []byte {
	used := map[*Font][]rune{}
	for k, ok := range d.cover {
		if ok {
			used[k.font] = append(used[k.font], k.r)
		}
	}
	for font, id := range d.ids {
		name := subsetTag(used[font]) + "+" + font.psName()
		pdf = bytes.ReplaceAll(pdf, []byte("/utf8"+id), []byte("/"+name))
	}
	return pdf
}

// noOutlinePane keeps the outline (bookmarks to the sections) but does
// not open a viewer's side pane with it, which fpdf asks for whenever
// there is one: a two-page résumé should open as a page. The replacement
// is as long as what it replaces.
func noOutlinePane(pdf []byte) []byte {
	return bytes.Replace(pdf, []byte("/PageMode /UseOutlines"), []byte("/PageMode /UseNone    "), 1)
}

// meta sets the document information: title, author, subject, keywords
// (the skills), and dates from the content so that output is reproducible.
func (d *doc) meta(r *content.Resume) {
	f := d.f
	name := strings.TrimSpace(r.Basics.Name)
	title := "Résumé"
	if name != "" {
		title = name + " – Résumé"
	}
	f.SetTitle(title, true)
	if name != "" {
		f.SetAuthor(name, true)
	}
	subject := "Résumé"
	if l := strings.TrimSpace(r.Basics.Label); l != "" {
		subject = l
	}
	f.SetSubject(subject, true)
	if kw := keywords(r); kw != "" {
		f.SetKeywords(kw, true)
	}
	f.SetCreator("resume", true)
	f.SetProducer("resume (go-pdf/fpdf)", true)
	date := docDate(r)
	f.SetCreationDate(date)
	f.SetModificationDate(date)
}

// keywords are the skills' names and keywords, each once.
func keywords(r *content.Resume) string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = content.OneLine(s)
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	for _, s := range r.Skills {
		add(s.Name)
		for _, k := range s.Keywords {
			add(k)
		}
	}
	return strings.Join(out, ", ")
}

// docDate is meta.lastModified when it reads as a date, else fixedDate.
func docDate(r *content.Resume) time.Time {
	if r.Meta == nil {
		return fixedDate
	}
	s := strings.TrimSpace(r.Meta.LastModified)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return fixedDate
}

// paginate puts the blocks on pages.
func (d *doc) paginate() {
	top, bottom := float64(marginTop), d.pageH-marginBottom
	var page []placedItem
	y := top
	newPage := func() {
		d.pages = append(d.pages, page)
		page = nil
		y = top
	}
	for i, b := range d.blocks {
		need := b.height()
		if b.keepWithNext && i+1 < len(d.blocks) {
			next := d.blocks[i+1]
			nh := next.height()
			if nh > bottom-top { // too tall to keep whole: its first lines
				nh = 0
				for _, it := range next.items[:min(3, len(next.items))] {
					nh += it.h
				}
			}
			need += next.spaceBefore + nh
		}
		if len(page) > 0 {
			if y+b.spaceBefore+need > bottom && need <= bottom-top {
				newPage()
			} else {
				y += b.spaceBefore
			}
		}
		bm := b.bookmark
		for _, it := range b.items {
			if y+it.h > bottom && len(page) > 0 { // a block taller than a page
				newPage()
			}
			page = append(page, placedItem{y: y, it: it, bm: bm})
			bm = ""
			y += it.h
		}
	}
	d.pages = append(d.pages, page)
}

// draw writes the pages: the text, the links over it, the rules, and from
// page 2 a footer with the name and the page number.
func (d *doc) draw(r *content.Resume) {
	f := d.f
	n := len(d.pages)
	for p, items := range d.pages {
		f.AddPage()
		for _, pi := range items {
			if pi.bm != "" {
				f.Bookmark(pi.bm, 0, pi.y)
			}
			switch {
			case pi.it.rule:
				f.SetDrawColor(hair[0], hair[1], hair[2])
				f.SetLineWidth(0.6)
				yy := pi.y + pi.it.h/2
				f.Line(marginX, yy, marginX+d.width, yy)
			case pi.it.line != nil:
				d.drawLine(pi.it.line, marginX, pi.y)
			}
		}
		if p > 0 {
			d.footer(r, p+1, n)
		}
	}
}

func (d *doc) drawLine(l *line, x, y float64) {
	f := d.f
	for _, fr := range l.frags {
		d.setFont(fr.st)
		f.SetTextColor(fr.st.color[0], fr.st.color[1], fr.st.color[2])
		bold := d.fakeBold(fr.st.face)
		if bold {
			f.SetDrawColor(fr.st.color[0], fr.st.color[1], fr.st.color[2])
			f.SetLineWidth(fr.st.size * 0.03)
			f.SetTextRenderingMode(2)
		}
		f.Text(x+fr.x, y+l.baseline, fr.text)
		if bold {
			f.SetTextRenderingMode(0)
		}
		if fr.link != "" {
			f.LinkString(x+fr.x, y+l.baseline-fr.st.size*0.8, fr.w, fr.st.size*1.05, fr.link)
		}
	}
}

func (d *doc) footer(r *content.Resume, page, pages int) {
	st := style{face: faceRegular, size: 8, color: muted}
	y := d.pageH - marginBottom + footerGap
	l := line{h: 10}
	num := run{st: st, text: fmt.Sprintf("Page %d of %d", page, pages)}
	d.rightAlign(&l, num, d.width)
	if name := d.fit(st, content.OneLine(r.Basics.Name), d.width-l.frags[0].w-24); name != "" {
		l.frags = append(l.frags, placed{st: st, text: name, w: d.measure(st, name)})
	}
	l.baseline = 0
	d.drawLine(&l, marginX, y)
}

// fit shortens s with an ellipsis until it is at most w wide.
func (d *doc) fit(st style, s string, w float64) string {
	if d.measure(st, s) <= w {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs) // the longest prefix that fits, by bisection
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.measure(st, string(rs[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return string(rs[:lo]) + "…"
}
