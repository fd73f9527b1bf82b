// Package text renders a résumé as plain text for a terminal or a pipe:
// word-wrapped to a width, wide characters counted as two columns, no escape
// codes.
package text

import (
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
)

// Widths Render accepts; others are clamped to this range.
const (
	DefaultWidth = 80
	MinWidth     = 20
	MaxWidth     = 1000
)

// ReadableWidth is the widest a terminal's window makes plain text when
// no width is asked for: lines longer than this are hard to read, so a
// wide window gets the same measure as the interactive résumé's column.
const ReadableWidth = 100

// Wrap breaks text into lines no wider than width columns, between words;
// a word wider than the line (a long URL, a run of CJK) is broken between
// graphemes. Wide characters count as two columns.
func Wrap(text string, width int) []string { return wrapWords(text, max(width, 1)) }

// Render renders r as plain text word-wrapped to width columns
// (DefaultWidth when width is 0 or less, clamped to MinWidth..MaxWidth).
// Wide characters count as two columns and no line is wider than width.
// The output has no escape codes.
func Render(r *content.Resume, width int) string {
	return render(r, clamp(width))
}

func clamp(width int) int {
	if width <= 0 {
		width = DefaultWidth
	}
	return min(max(width, MinWidth), MaxWidth)
}

// Cache keeps one résumé's renderings by width: a server renders the same
// résumé for every session, and sessions share a handful of widths. Whoever
// owns the résumé's lifetime makes the cache with it and drops both
// together; the résumé must not be modified while the cache is in use.
type Cache struct {
	r  *content.Resume
	mu sync.Mutex
	m  map[int]string
}

const maxCachedWidths = 64

// NewCache returns an empty cache of r's renderings.
func NewCache(r *content.Resume) *Cache { return &Cache{r: r, m: map[int]string{}} }

// Render is Render(r, width), from the cache when that width was rendered
// before. At most 64 widths are kept; others are rendered each time.
func (c *Cache) Render(width int) string {
	width = clamp(width)
	c.mu.Lock()
	s, ok := c.m[width]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = render(c.r, width)
	c.mu.Lock()
	if len(c.m) < maxCachedWidths {
		c.m[width] = s
	}
	c.mu.Unlock()
	return s
}

// textWriter lays text out in lines no wider than width.
type textWriter struct {
	b     strings.Builder
	width int
}

func (w *textWriter) line(s string) {
	w.b.WriteString(strings.TrimRight(s, " "))
	w.b.WriteByte('\n')
}

func (w *textWriter) blank() { w.b.WriteByte('\n') }

// wrap writes text (paragraphs split at newlines) wrapped to the width,
// the first line after first and the others after an indent as wide.
func (w *textWriter) wrap(text, first string) {
	rest := strings.Repeat(" ", ansi.StringWidth(first))
	avail := w.width - len(rest)
	if avail < 10 { // too narrow to indent: use the whole width
		first, avail = strings.TrimLeft(first, " "), w.width
		if ansi.StringWidth(first) >= avail/2 {
			first = ""
		}
		avail -= ansi.StringWidth(first)
		rest = strings.Repeat(" ", ansi.StringWidth(first))
	}
	prefix := first
	for _, para := range strings.Split(text, "\n") {
		para = content.OneLine(para)
		if para == "" {
			continue
		}
		for _, l := range wrapWords(para, avail) {
			w.line(prefix + l)
			prefix = rest
		}
	}
}

// pair writes left and right on one line, right-aligned, when they fit;
// otherwise one under the other.
func (w *textWriter) pair(left, right string) {
	left, right = content.OneLine(left), content.OneLine(right)
	switch {
	case left == "" && right == "":
	case right == "":
		w.wrap(left, "")
	case left == "":
		w.wrap(right, "")
	default:
		lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
		if lw+2+rw <= w.width {
			w.line(left + strings.Repeat(" ", w.width-lw-rw) + right)
			return
		}
		// Wrap the left side; the right side goes at the end of its last
		// line when it fits there, else on a line of its own.
		lines := wrapWords(left, w.width)
		last := lines[len(lines)-1]
		if lw := ansi.StringWidth(last); lw+2+rw <= w.width {
			lines[len(lines)-1] = last + strings.Repeat(" ", w.width-lw-rw) + right
			right = ""
		}
		for _, l := range lines {
			w.line(l)
		}
		switch {
		case right == "":
		case rw <= w.width:
			w.line(strings.Repeat(" ", w.width-rw) + right)
		default:
			w.wrap(right, "")
		}
	}
}

func (w *textWriter) heading(title string) {
	title = strings.ToUpper(title)
	rule := w.width - ansi.StringWidth(title) - 1
	w.line(title + " " + strings.Repeat("─", max(rule, 0)))
}

// wrapWords breaks text into lines no wider than limit columns, at spaces;
// a word wider than the limit (a long URL, a run of CJK) is broken between
// graphemes.
func wrapWords(text string, limit int) []string {
	var (
		lines []string
		cur   strings.Builder
		curW  int
	)
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	for _, word := range strings.Fields(text) {
		ww := ansi.StringWidth(word)
		switch {
		case curW > 0 && curW+1+ww <= limit:
			cur.WriteByte(' ')
			cur.WriteString(word)
			curW += 1 + ww
			continue
		case curW > 0:
			flush()
		}
		if ww <= limit {
			cur.WriteString(word)
			curW = ww
			continue
		}
		parts := strings.Split(ansi.Hardwrap(word, limit, false), "\n")
		lines = append(lines, parts[:len(parts)-1]...)
		last := parts[len(parts)-1]
		cur.WriteString(last)
		curW = ansi.StringWidth(last)
	}
	if curW > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// longTag is the width from which a body of keywords is listed one to a
// line (the interactive résumé's rule too).
const longTag = 20

// WrapURL breaks a URL into lines no wider than width columns, only where
// it must, and after a slash (or else another URL separator) where it
// can, so that every piece reads as part of an address.
func WrapURL(u string, width int) []string {
	width = max(width, 1)
	var out []string
	for ansi.StringWidth(u) > width {
		head := ansi.Truncate(u, width, "")
		cut := strings.LastIndexAny(head, "/")
		if cut < len(head)/3 {
			cut = strings.LastIndexAny(head, "-._?&=#")
		}
		if cut < len(head)/3 {
			cut = len(head) - 1 // no separator worth breaking at
		}
		out = append(out, u[:cut+1])
		u = u[cut+1:]
	}
	return append(out, u)
}

// fitURL writes a link on its own: the whole address when it fits after
// first, else without its scheme and www., else that broken by WrapURL,
// every line after the first under the first's text.
func (w *textWriter) fitURL(u, first string) {
	avail := w.width - ansi.StringWidth(first)
	if avail < 10 {
		w.wrap(u, first)
		return
	}
	if ansi.StringWidth(u) > avail {
		u = content.DisplayURL(u)
	}
	rest := strings.Repeat(" ", ansi.StringWidth(first))
	for i, l := range WrapURL(u, avail) {
		if i == 0 {
			w.line(first + l)
		} else {
			w.line(rest + l)
		}
	}
}

// flow writes items separated by dots, breaking lines only between
// items; an item wider than the line is the only one that breaks, on
// lines of its own.
func (w *textWriter) flow(items []string, first, rest string) {
	avail := w.width - ansi.StringWidth(first)
	var line strings.Builder
	lw := 0
	prefix := first
	flush := func() {
		if lw > 0 {
			w.line(prefix + line.String())
			prefix = rest
			line.Reset()
			lw = 0
		}
	}
	for _, it := range items {
		it = content.OneLine(it)
		iw := ansi.StringWidth(it)
		if lw > 0 && lw+3+iw > avail {
			flush()
		}
		if iw > avail {
			flush()
			for _, l := range wrapWords(it, avail) {
				w.line(prefix + l)
				prefix = rest
			}
			continue
		}
		if lw > 0 {
			line.WriteString(" · ")
			lw += 3
		}
		line.WriteString(it)
		lw += iw
	}
	flush()
}

func render(r *content.Resume, width int) string {
	w := &textWriter{width: width}
	secs := r.Sections()
	over := secs[0].Entries[0]
	if over.Title != "" {
		w.wrap(over.Title, "")
		w.line(strings.Repeat("═", min(ansi.StringWidth(content.OneLine(over.Title)), width)))
	}
	if over.Subtitle != "" {
		w.wrap(over.Subtitle, "")
	}
	w.contacts(r.Contacts())
	if over.Summary != "" {
		w.blank()
		w.wrap(content.PlainText(over.Summary), "")
	}
	if len(over.Details) > 0 {
		w.blank()
		w.details(over.Details)
	}
	for _, sec := range secs[1:] {
		w.blank()
		w.heading(sec.Title)
		for _, e := range sec.Entries {
			w.blank()
			w.entry(e)
		}
	}
	if m := r.MetaLine(); m != "" {
		w.blank()
		w.wrap(m, "")
	}
	return w.b.String()
}

func (w *textWriter) contacts(cs []content.Contact) {
	if len(cs) == 0 {
		return
	}
	w.blank()
	labelW := 0
	for _, c := range cs {
		labelW = max(labelW, ansi.StringWidth(content.OneLine(c.Label)))
	}
	if labelW+4 > w.width/3 { // labels too wide for a column
		labelW = -1
	}
	for _, c := range cs {
		label, value := content.OneLine(c.Label), content.OneLine(c.Value)
		first := label + ": "
		if labelW >= 0 {
			first = "  " + label + strings.Repeat(" ", labelW-ansi.StringWidth(label)+2)
		}
		link := linkText(c)
		fw := ansi.StringWidth(first)
		switch {
		case link == "":
		case fw+ansi.StringWidth(value+" · "+link) <= w.width:
			value, link = value+" · "+link, ""
		case fw+ansi.StringWidth(value+" · "+content.DisplayURL(link)) <= w.width:
			value, link = value+" · "+content.DisplayURL(link), ""
		}
		w.wrap(value, first)
		if link != "" {
			// Under the value, at the same indent, shortened or broken
			// at a slash rather than moved left.
			w.fitURL(link, strings.Repeat(" ", fw))
		}
	}
}

// linkText is the URL of a contact when it says more than the value.
func linkText(c content.Contact) string {
	if !c.LinkSaysMore() {
		return ""
	}
	return content.OneLine(c.URL)
}

func (w *textWriter) entry(e content.Entry) {
	w.pair(e.Title, e.When)
	w.pair(e.Subtitle, e.Where)
	// Tags describe an entry that has a body (the technologies of a job)
	// and are the body of one that has none (the names in a skill).
	tagIndent := "  "
	if e.Summary != "" || len(e.Bullets) > 0 {
		tagIndent = ""
	}
	tags := e.UnrankedTags()
	long := false
	for _, t := range tags {
		long = long || ansi.StringWidth(t) > longTag
	}
	switch {
	case len(tags) == 0:
	case long && tagIndent != "":
		// Long names (a skill with its tools in brackets) read best one
		// to a line, as the interactive résumé shows them.
		for _, t := range tags {
			w.wrap(t, "  • ")
		}
	default:
		w.flow(tags, tagIndent, tagIndent)
	}
	if e.URL != "" {
		w.fitURL(e.URL, "")
	}
	for i, tier := range e.Tiers {
		num := "  " + strconv.Itoa(i+1) + ". "
		w.flow(tier, num, strings.Repeat(" ", len(num)))
	}
	if e.Summary != "" {
		for _, para := range strings.Split(content.PlainText(e.Summary), "\n") {
			if strings.TrimSpace(para) != "" {
				w.wrap(para, "  ")
			}
		}
	}
	for _, b := range e.Bullets {
		w.wrap(content.PlainText(b), "  • ")
	}
	w.details(e.Details)
}

// details writes the fields the schema does not define: "Label: text", or
// the label over its items.
func (w *textWriter) details(ds []content.Detail) {
	for _, d := range ds {
		label := content.OneLine(d.Label) + ": "
		if d.Text != "" {
			w.wrap(content.PlainText(d.Text), "  "+label)
			continue
		}
		w.wrap(label, "  ")
		for _, it := range d.Items {
			w.wrap(content.PlainText(it), "    – ")
		}
	}
}
