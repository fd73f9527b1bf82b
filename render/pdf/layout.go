package pdf

import (
	"strings"
	"unicode"

	"github.com/laphets/resume/content"
)

// This file lays text out: runs of styled text are broken into words,
// filled into lines, and the lines grouped into blocks that the paginator
// keeps together. Everything is measured before anything is drawn, so a
// page break is decided knowing the whole entry, and the page count is
// known when the footers are drawn.

type rgb [3]int

type faceID int

const (
	faceRegular faceID = iota
	faceBold
	faceItalic
	faceBoldItalic
	faceSmallCaps
	faceMono
)

// style is how a run of text is drawn.
type style struct {
	face  faceID
	size  float64 // points
	color rgb
}

// run is text in one style; link, when set, makes it clickable. With
// autolink, words that are URLs link to themselves.
type run struct {
	st       style
	text     string
	link     string
	autolink bool
	newline  bool // a line break (<br> in the owner's text), no text
}

// frag is a measured piece of a word: a word can be made of several runs
// ("Title" then ","), which must not be broken apart.
type frag struct {
	st   style
	text string
	link string
	w    float64
}

// token is a word: fragments with no space between them.
type token struct {
	frags   []frag
	w       float64
	space   float64 // width of the space before it, in its first style
	newline bool    // a line break, not a word
}

// placed is text on a line at x (from the block's left edge).
type placed struct {
	x, w float64
	st   style
	text string
	link string
}

// line is one line of text; h is its height (leading), baseline the
// distance from its top to the baseline.
type line struct {
	frags    []placed
	h        float64
	baseline float64
}

// item is one thing in a block: a line of text, or a rule, or space.
type item struct {
	h    float64
	line *line
	rule bool // a hairline across the width, in the middle of h
}

// block is laid out as a unit: it is never split across pages unless it
// is taller than a page. keepWithNext keeps a heading with what follows.
type block struct {
	spaceBefore  float64
	items        []item
	keepWithNext bool
	bookmark     string // outline entry for the block's first line
}

func (b *block) height() float64 {
	h := 0.0
	for _, it := range b.items {
		h += it.h
	}
	return h
}

func (b *block) addLines(ls []line) {
	for i := range ls {
		b.items = append(b.items, item{h: ls[i].h, line: &ls[i]})
	}
}

func (b *block) space(h float64) {
	if h > 0 {
		b.items = append(b.items, item{h: h})
	}
}

// isBreak reports whether r separates words. No-break spaces do not.
func isBreak(r rune) bool {
	return unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f' && r != '\u2007'
}

// tokens measures runs and splits them into words.
func (d *doc) tokens(runs []run) []token {
	var toks []token
	glue := false // the next fragment continues the last word
	for _, r := range runs {
		if r.newline {
			toks = append(toks, token{newline: true})
			glue = false
			continue
		}
		s := r.text
		for len(s) > 0 {
			i := strings.IndexFunc(s, func(c rune) bool { return !isBreak(c) })
			if i < 0 {
				glue = false
				break
			}
			if i > 0 {
				glue = false
			}
			s = s[i:]
			j := strings.IndexFunc(s, isBreak)
			if j < 0 {
				j = len(s)
			}
			word := s[:j]
			s = s[j:]
			link := r.link
			if link == "" && r.autolink {
				link = urlIn(word)
			}
			fr := frag{st: r.st, text: word, link: link, w: d.measure(r.st, word)}
			if glue && len(toks) > 0 {
				t := &toks[len(toks)-1]
				t.frags = append(t.frags, fr)
				t.w += fr.w
			} else {
				sp := r.st
				if sp.face == faceMono { // a monospaced space is as wide as a letter
					sp.face = faceRegular
				}
				toks = append(toks, token{frags: []frag{fr}, w: fr.w, space: d.measure(sp, " ")})
			}
			glue = true
		}
	}
	return toks
}

// urlIn is word as a link when it is a web address, without the
// punctuation that ends a sentence.
func urlIn(word string) string {
	if !strings.HasPrefix(word, "https://") && !strings.HasPrefix(word, "http://") {
		return ""
	}
	return strings.TrimRight(word, ".,;:!?)]}'\"")
}

// frame says where the lines of a paragraph go: the first at x0 with
// width w0, the others at x1 with width w1 (a hanging indent).
type frame struct {
	x0, w0, x1, w1 float64
	lh             float64 // line height
}

// wrap fills words into lines of the frame, breaking a word wider than a
// line (a long URL) between characters.
func (d *doc) wrap(runs []run, fr frame) []line {
	toks := d.tokens(runs)
	var (
		lines []line
		cur   *line
		x     float64 // end of the current line's text, from its left
	)
	left := func() (float64, float64) {
		if len(lines) == 1 {
			return fr.x0, fr.w0
		}
		return fr.x1, fr.w1
	}
	newLine := func() {
		lines = append(lines, line{h: fr.lh})
		cur = &lines[len(lines)-1]
		x = 0
	}
	newLine()
	for len(toks) > 0 {
		t := toks[0]
		if t.newline {
			if len(cur.frags) > 0 {
				newLine()
			}
			toks = toks[1:]
			continue
		}
		lx, lw := left()
		gap := 0.0
		if len(cur.frags) > 0 {
			gap = t.space
		}
		switch {
		case x+gap+t.w <= lw+0.01:
		case len(cur.frags) > 0:
			newLine()
			continue
		default: // alone and too wide: break it
			head, tail := d.breakToken(t, lw)
			toks[0] = tail
			d.place(cur, head, lx, 0, 0)
			newLine()
			continue
		}
		d.place(cur, t, lx, x, gap)
		x += gap + t.w
		toks = toks[1:]
	}
	if len(lines[len(lines)-1].frags) == 0 && len(lines) > 1 {
		lines = lines[:len(lines)-1]
	}
	for i := range lines {
		lines[i].baseline = baselineOf(&lines[i])
	}
	return lines
}

// place puts t on l at x (after a space of gap), joining it to the
// previous fragment when the style and link are the same, so that the
// PDF holds whole phrases with real spaces.
func (d *doc) place(l *line, t token, lx, x, gap float64) {
	x += gap
	for i, f := range t.frags {
		if n := len(l.frags); n > 0 {
			p := &l.frags[n-1]
			if p.st == f.st && p.link == f.link {
				if i == 0 && gap > 0 {
					p.text += " "
				}
				p.text += f.text
				p.w = lx + x + f.w - p.x
				x += f.w
				continue
			}
		}
		l.frags = append(l.frags, placed{x: lx + x, w: f.w, st: f.st, text: f.text, link: f.link})
		x += f.w
	}
}

// breakToken splits t into a head at most w wide (at least one
// character) and the rest.
func (d *doc) breakToken(t token, w float64) (head, tail token) {
	used := 0.0
	for i, f := range t.frags {
		for j, r := range f.text {
			rw := d.measure(f.st, string(r))
			if used+rw > w && (i > 0 || j > 0) {
				hf := append(append([]frag(nil), t.frags[:i]...), frag{st: f.st, text: f.text[:j], link: f.link, w: d.measure(f.st, f.text[:j])})
				rest := append([]frag{{st: f.st, text: f.text[j:], link: f.link, w: d.measure(f.st, f.text[j:])}}, t.frags[i+1:]...)
				if hf[len(hf)-1].text == "" {
					hf = hf[:len(hf)-1]
				}
				return mkToken(hf, t.space), mkToken(rest, t.space)
			}
			used += rw
		}
	}
	return t, token{}
}

func mkToken(fs []frag, space float64) token {
	t := token{frags: fs, space: space}
	for _, f := range fs {
		t.w += f.w
	}
	return t
}

// baselineOf centres the largest text of l in its height.
func baselineOf(l *line) float64 {
	size := 0.0
	for _, f := range l.frags {
		size = max(size, f.st.size)
	}
	// The baseline 0.8 em below the top of the largest text's em box,
	// with the leading split above and below, centres the capitals and
	// descenders of the Go fonts (ascent 0.93 em, descent 0.21 em).
	return (l.h-size)/2 + size*0.8
}

// rightAlign adds text at the right edge (width w) of l.
func (d *doc) rightAlign(l *line, r run, w float64) {
	tw := d.measure(r.st, r.text)
	l.frags = append(l.frags, placed{x: w - tw, w: tw, st: r.st, text: r.text, link: r.link})
	l.baseline = baselineOf(l)
}

// pair lays out left with right flush right on the same line (a date
// beside a title). When left wraps, right goes at the end of its last line,
// so that text extracted from the PDF reads left's words in order; when it
// does not fit there, left is wrapped narrower to make room, or when right
// is very wide it gets a line of its own.
func (d *doc) pair(left []run, right run, w, lh float64) []line {
	right.text = content.OneLine(right.text)
	if right.text == "" {
		return d.wrap(left, frame{0, w, 0, w, lh})
	}
	if runsEmpty(left) {
		l := line{h: lh}
		d.rightAlign(&l, right, w)
		return []line{l}
	}
	const gap = 12
	rw := d.measure(right.st, right.text)
	ls := d.wrap(left, frame{0, w, 0, w, lh})
	last := &ls[len(ls)-1]
	if end := lineEnd(last); end+gap+rw <= w {
		d.rightAlign(last, right, w)
		return ls
	}
	if rw < w/2 { // narrower lines leave room for it on the last
		ls = d.wrap(left, frame{0, w - rw - gap, 0, w - rw - gap, lh})
		d.rightAlign(&ls[len(ls)-1], right, w)
		return ls
	}
	return append(ls, d.wrap([]run{right}, frame{max(w-rw, 0), min(rw, w), 0, w, lh})...)
}

// lineEnd is where l's text ends.
func lineEnd(l *line) float64 {
	end := 0.0
	for _, f := range l.frags {
		end = max(end, f.x+f.w)
	}
	return end
}

func runsEmpty(rs []run) bool {
	for _, r := range rs {
		if strings.TrimSpace(r.text) != "" {
			return false
		}
	}
	return true
}

// beside joins two columns of lines into one: left's lines at 0, right's
// shifted by dx, row by row.
func beside(left, right []line, dx float64) []line {
	n := max(len(left), len(right))
	out := make([]line, n)
	for i := range out {
		var l line
		if i < len(left) {
			l = left[i]
			l.frags = append([]placed(nil), l.frags...)
		}
		if i < len(right) {
			r := right[i]
			l.h = max(l.h, r.h)
			for _, f := range r.frags {
				f.x += dx
				l.frags = append(l.frags, f)
			}
		}
		l.baseline = baselineOf(&l)
		out[i] = l
	}
	return out
}
