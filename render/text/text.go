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
		first, rest, avail = strings.TrimLeft(first, " "), "", w.width
		if ansi.StringWidth(first) >= avail/2 {
			first = ""
		}
		avail -= ansi.StringWidth(first)
		rest = strings.Repeat(" ", ansi.StringWidth(first))
	}
	prefix := first
	for _, para := range strings.Split(text, "\n") {
		para = strings.Join(strings.Fields(para), " ")
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
	left, right = oneLine(left), oneLine(right)
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
		for _, p := range parts[:len(parts)-1] {
			lines = append(lines, p)
		}
		last := parts[len(parts)-1]
		cur.WriteString(last)
		curW = ansi.StringWidth(last)
	}
	if curW > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func render(r *content.Resume, width int) string {
	w := &textWriter{width: width}
	secs := r.Sections()
	over := secs[0].Entries[0]
	if over.Title != "" {
		w.wrap(over.Title, "")
		w.line(strings.Repeat("═", min(ansi.StringWidth(oneLine(over.Title)), width)))
	}
	if over.Subtitle != "" {
		w.wrap(over.Subtitle, "")
	}
	w.contacts(r.Contacts())
	if over.Summary != "" {
		w.blank()
		w.wrap(over.Summary, "")
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
		labelW = max(labelW, ansi.StringWidth(oneLine(c.Label)))
	}
	if labelW+4 > w.width/3 { // labels too wide for a column
		labelW = -1
	}
	for _, c := range cs {
		label, value := oneLine(c.Label), oneLine(c.Value)
		first := label + ": "
		if labelW >= 0 {
			first = "  " + label + strings.Repeat(" ", labelW-ansi.StringWidth(label)+2)
		}
		link := linkText(c)
		if link != "" && ansi.StringWidth(first)+ansi.StringWidth(value+" · "+link) <= w.width {
			value, link = value+" · "+link, ""
		}
		w.wrap(value, first)
		if link != "" {
			// Under the value when it fits there, else further left
			// rather than broken.
			indent := ansi.StringWidth(first)
			if lw := ansi.StringWidth(link); indent+lw > w.width && lw+2 <= w.width {
				indent = 2
			}
			w.wrap(link, strings.Repeat(" ", indent))
		}
	}
}

// linkText is the URL of a contact when it says more than the value.
func linkText(c content.Contact) string {
	if c.URL == "" || c.URL == c.Value || strings.HasPrefix(c.URL, "mailto:") || strings.HasPrefix(c.URL, "tel:") {
		return ""
	}
	return oneLine(c.URL)
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
	ranked := map[string]bool{}
	for _, tier := range e.Tiers {
		for _, t := range tier {
			ranked[t] = true
		}
	}
	var tags []string
	for _, t := range e.Tags {
		if !ranked[t] {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		w.wrap(strings.Join(tags, " · "), tagIndent)
	}
	if e.URL != "" {
		w.wrap(e.URL, "")
	}
	for i, tier := range e.Tiers {
		w.wrap(strings.Join(tier, " · "), "  "+strconv.Itoa(i+1)+". ")
	}
	if e.Summary != "" {
		for _, para := range strings.Split(e.Summary, "\n") {
			if strings.TrimSpace(para) != "" {
				w.wrap(para, "  ")
			}
		}
	}
	for _, b := range e.Bullets {
		w.wrap(b, "  • ")
	}
}
