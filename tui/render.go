package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/text"
)

// page is one section rendered for one width: styled lines (each at most
// the width, none holding a newline) and the same lines as plain text for
// search. Pages are immutable and shared between sessions.
type page struct {
	lines  []string
	plain  []string
	widths []int    // cells per line
	spans  [][2]int // textSpans(plain): where each line's text is, for search
}

// document is a résumé rendered for one pane width and theme.
type document struct {
	pages []page
}

// minPaneWidth is the narrowest pane the renderer lays out; the model
// never shows a pane narrower than this (the window-too-small screen
// takes over first).
const minPaneWidth = 16

func renderDocument(info *resumeInfo, width int, st *Styles) *document {
	width = max(width, minPaneWidth)
	d := &document{pages: make([]page, len(info.sections))}
	for i, sec := range info.sections {
		b := &builder{st: st, w: width}
		switch sec.ID {
		case content.SectionOverview:
			b.overview(info, sec)
		case content.SectionSkills:
			b.skills(sec)
		default:
			b.entries(sec)
		}
		d.pages[i] = b.page()
	}
	return d
}

// builder accumulates a page's lines.
type builder struct {
	st    *Styles
	w     int
	lines []string
}

func (b *builder) page() page {
	// Drop trailing blank lines so the pane ends with content.
	for len(b.lines) > 0 && b.lines[len(b.lines)-1] == "" {
		b.lines = b.lines[:len(b.lines)-1]
	}
	plain := make([]string, len(b.lines))
	widths := make([]int, len(b.lines))
	for i, l := range b.lines {
		plain[i] = ansi.Strip(l)
		widths[i] = cellWidth(plain[i])
	}
	return page{lines: b.lines, plain: plain, widths: widths, spans: textSpans(plain)}
}

func (b *builder) add(lines ...string) { b.lines = append(b.lines, lines...) }

func (b *builder) blank() {
	if len(b.lines) > 0 && b.lines[len(b.lines)-1] != "" {
		b.lines = append(b.lines, "")
	}
}

// cellWidth is how many cells s takes on screen. Terminals count some
// emoji sequences differently (per code point, or per cluster, depending
// on whether they support Unicode core mode); taking the larger of the two
// keeps every row inside the window either way.
func cellWidth(s string) int {
	return max(ansi.StringWidth(s), ansi.StringWidthWc(s))
}

// truncate shortens plain text to at most w cells, ending it with an
// ellipsis when it cuts.
func truncate(s string, w int) string {
	if cellWidth(s) <= w {
		return s
	}
	for n := w - 1; n > 0; n-- {
		if t := ansi.Truncate(s, n, ""); cellWidth(t) < w {
			return t + "…"
		}
	}
	if w >= 1 {
		return "…"
	}
	return ""
}

// wrap breaks plain text into lines of at most width cells, breaking long
// words when it must.
func wrap(s string, width int) []string {
	width = max(width, 1)
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(ansi.Wrap(s, width, ""), "\n") {
		out = append(out, fitLine(strings.TrimRight(l, " "), width)...)
	}
	return out
}

// fitLine breaks a line that some terminals count wider than width (see
// cellWidth) into pieces that fit by both counts.
func fitLine(l string, width int) []string {
	var out []string
	for cellWidth(l) > width {
		n := width
		head := ansi.Truncate(l, n, "")
		for n > 1 && cellWidth(head) > width {
			n--
			head = ansi.Truncate(l, n, "")
		}
		if head == "" {
			break // one cluster wider than the line: the frame cuts it
		}
		out = append(out, head)
		l = ansi.TruncateLeft(l, ansi.StringWidth(head), "")
	}
	return append(out, l)
}

// styled wraps plain text to width and styles each line on its own, so a
// line can be shown without the lines around it.
func styled(s string, width int, st lipgloss.Style) []string {
	ls := wrap(s, width)
	for i, l := range ls {
		ls[i] = st.Render(l)
	}
	return ls
}

// indent prefixes the first line with first and the others with rest.
func indent(lines []string, first, rest string) []string {
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return lines
}

// pair lays out left and right on one line, right-aligned, when both fit;
// otherwise right goes on its own line under left.
func pair(left string, ls lipgloss.Style, right string, rs lipgloss.Style, width int) []string {
	lw, rw := cellWidth(left), cellWidth(right)
	switch {
	case right == "":
		return styled(left, width, ls)
	case left == "":
		return styled(right, width, rs)
	case lw+2+rw <= width:
		return []string{ls.Render(left) + strings.Repeat(" ", width-lw-rw) + rs.Render(right)}
	}
	return append(styled(left, width, ls), styled(right, width, rs)...)
}

// linkText is how a URL is written on screen: the address itself, so a
// terminal without hyperlinks still shows where it goes.
func linkText(c content.Contact) string {
	if !c.HasWebLink() {
		return c.Value
	}
	return c.URL
}

// withValue puts a contact's value (a user name) before its address when
// the address does not show it, so neither is lost.
func withValue(c content.Contact, addr string) string {
	if c.URL == "" || c.Value == "" || strings.Contains(addr, c.Value) {
		return addr
	}
	return c.Value + " · " + addr
}

// shortURL is a contact's link without the scheme and a leading www.,
// for where room is short (content.DisplayURL).
func shortURL(c content.Contact) string {
	if !c.HasWebLink() {
		return c.Value
	}
	return content.DisplayURL(c.URL)
}

// urlLines writes an address in lines of at most w cells: whole when it
// fits, else shortened (content.DisplayURL), and broken at a slash only
// when even that does not fit.
func urlLines(u string, w int, st lipgloss.Style) []string {
	if cellWidth(u) > w {
		u = content.DisplayURL(u)
	}
	var out []string
	for _, l := range text.WrapURL(u, w) {
		for _, piece := range fitLine(l, w) {
			out = append(out, st.Render(piece))
		}
	}
	return out
}

func (b *builder) heading(s string) {
	b.blank()
	b.add(styled(s, b.w, b.st.Heading)...)
}

// overview leads with who the person is (the headline: the label, or
// what they are doing now; then the summary), then every way to reach
// them in full, what the résumé holds, and when it was last updated.
func (b *builder) overview(info *resumeInfo, sec content.Section) {
	st := b.st
	for _, l := range info.r.Headline() {
		b.add(styled(l, b.w, st.Label)...)
	}
	if len(sec.Entries) > 0 {
		e := sec.Entries[0]
		b.paragraphs(e.Summary, b.w, "")
		if len(e.Details) > 0 {
			b.blank()
			b.details(e.Details, b.w)
		}
	}

	if len(info.contacts) > 0 {
		b.contacts(st, info.contacts)
	}

	if len(info.sections) > 1 {
		b.heading("Sections")
		tw := 0
		for _, s := range info.sections[1:] {
			tw = max(tw, cellWidth(s.Title))
		}
		for i, s := range info.sections[1:] {
			num := " "
			if i+2 <= 9 {
				num = strconv.Itoa(i + 2)
			}
			head := "  " + st.Key.Render(num) + " " + st.Title.UnsetBold().Render(s.Title)
			names := entryTitles(s)
			col := 2 + 1 + 1 + tw + 2
			if b.w-col < 16 || len(names) == 0 {
				b.add(head)
				b.add(indent(flow(names, b.w-4, st.Muted, st.TagSep), "    ", "    ")...)
				continue
			}
			head += strings.Repeat(" ", tw-cellWidth(s.Title)+2)
			b.add(indent(flow(names, b.w-col, st.Muted, st.TagSep), head, strings.Repeat(" ", col))...)
		}
	}

	if u := info.r.Updated(); u != "" {
		b.blank()
		b.add(styled("Last updated "+u, b.w, st.Muted)...)
	}
}

// entryTitles lists a section's entry titles once each, in order: a
// table of contents line for the overview.
func entryTitles(s content.Section) []string {
	var seen []string
	for _, e := range s.Entries {
		t := e.Title
		if t == "" {
			t = e.Subtitle
		}
		if t == "" || slices.Contains(seen, t) {
			continue
		}
		seen = append(seen, t)
	}
	return seen
}

// paragraphs writes prose: blank lines separate paragraphs, single line
// breaks are kept.
func (b *builder) paragraphs(s string, width int, pre string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	b.blank()
	for _, line := range content.Lines(content.Markup(s)) {
		if len(line) == 0 {
			b.blank() // a paragraph ends
			continue
		}
		b.add(indent(b.rich(line, width), pre, pre)...)
	}
}

// entries renders a list of entries. Sections with dates get a timeline
// down the left edge; the others get a diamond per entry.
func (b *builder) entries(sec content.Section) {
	st := b.st
	dated := false
	for _, e := range sec.Entries {
		dated = dated || e.When != ""
	}
	dot, line := "◆ ", "  "
	if dated {
		dot, line = "● ", "│ "
	}
	dot, line = st.Dot.Render(dot), st.Line.Render(line)
	iw := b.w - 2
	for i, e := range sec.Entries {
		if i > 0 {
			if dated {
				b.add(st.Line.Render("│"))
			} else {
				b.add("")
			}
		}
		start := len(b.lines)
		b.entry(e, iw)
		last := i == len(sec.Entries)-1
		for j := start; j < len(b.lines); j++ {
			switch {
			case j == start:
				b.lines[j] = dot + b.lines[j]
			case last && dated:
				// The timeline ends at the last entry's dot.
				b.lines[j] = "  " + b.lines[j]
			case b.lines[j] == "" && dated:
				b.lines[j] = st.Line.Render("│")
			case b.lines[j] == "":
			default:
				b.lines[j] = line + b.lines[j]
			}
		}
	}
}

// entry renders one entry at width w, without the gutter.
func (b *builder) entry(e content.Entry, w int) {
	st := b.st
	ts := st.Title
	if e.URL != "" {
		ts = ts.Hyperlink(linkURI(e.URL))
	}
	title := e.Title
	sub := e.Subtitle
	if title == "" {
		title, sub = sub, ""
	}
	b.add(pair(title, ts, e.When, st.When, w)...)
	b.add(pair(sub, st.Subtitle, e.Where, st.Where, w)...)
	if len(e.Tags) > 0 && len(e.Tiers) == 0 {
		b.tags(e.UnrankedTags(), w)
	}
	if e.URL != "" {
		b.add(urlLines(e.URL, w, st.Link.Hyperlink(linkURI(e.URL)))...)
	}
	if short := strings.TrimSpace(content.PlainText(e.Summary)); short != "" && !strings.Contains(short, "\n") &&
		cellWidth(short) <= w {
		// A one-line note (an advisor, a year) belongs with the heading.
		b.add(b.richText(e.Summary, w)...)
	} else {
		b.paragraphs(e.Summary, w, "")
	}
	if len(e.Bullets) > 0 {
		b.blank()
		b.bullets(e.Bullets, w)
	}
	if len(e.Tiers) > 0 {
		b.tiers(e, w)
	}
	if len(e.Details) > 0 {
		b.blank()
		b.details(e.Details, w)
	}
}

func (b *builder) bullets(items []string, w int) {
	bullet := b.st.Bullet.Render("• ")
	for _, it := range items {
		b.add(indent(b.richText(it, w-2), bullet, "  ")...)
	}
}

// tags writes keywords separated by dots, wrapping between keywords.
func (b *builder) tags(tags []string, w int) {
	b.add(flow(tags, w, b.st.Tag, b.st.TagSep)...)
}

// flow lays items out in lines of at most w cells, separated by dots,
// breaking lines between items (never before a dot); an item wider than a
// line is wrapped on its own.
func flow(items []string, w int, st, sepSt lipgloss.Style) []string {
	sep := sepSt.Render(" · ")
	var out []string
	var line strings.Builder
	lw := 0
	flush := func() {
		if lw > 0 {
			out = append(out, line.String())
			line.Reset()
			lw = 0
		}
	}
	for _, t := range items {
		tw := cellWidth(t)
		if lw > 0 && lw+3+tw > w {
			flush()
		}
		if tw > w {
			flush()
			out = append(out, styled(t, w, st)...)
			continue
		}
		if lw > 0 {
			line.WriteString(sep)
			lw += 3
		}
		line.WriteString(st.Render(t))
		lw += tw
	}
	flush()
	return out
}

// skills renders each skill group under its name: a ranking as a meter per
// tier (strongest first), short keywords inline, long ones as bullets.
func (b *builder) skills(sec content.Section) {
	st := b.st
	for i, e := range sec.Entries {
		if i > 0 {
			b.add("")
		}
		name := e.Title
		if e.Subtitle != "" {
			name = strings.TrimSpace(name + " · " + e.Subtitle)
		}
		if len(e.Tiers) > 0 {
			b.add(pair(name, st.Title, "strongest first", st.Muted, b.w)...)
		} else {
			b.add(styled(name, b.w, st.Title)...)
		}
		w := b.w - 2
		start := len(b.lines)
		long := false
		for _, t := range e.Tags {
			long = long || cellWidth(t) > 20
		}
		switch {
		case len(e.Tiers) > 0:
			b.tiers(e, w)
		case long:
			b.bullets(e.Tags, w)
		default:
			b.tags(e.UnrankedTags(), w)
		}
		b.paragraphs(e.Summary, w, "")
		b.details(e.Details, w)
		for j := start; j < len(b.lines); j++ {
			if b.lines[j] != "" {
				b.lines[j] = "  " + b.lines[j]
			}
		}
	}
}

// tiers draws a skill ranking: one row per tier, strongest first, with a
// meter whose length falls with the tier, so "Golang = C/C++ > Python"
// reads at a glance. Keywords not in the ranking follow as tags.
func (b *builder) tiers(e content.Entry, w int) {
	st := b.st
	n := len(e.Tiers)
	bar := min(12, max(4, w/6))
	for i, tier := range e.Tiers {
		on := (bar*(n-i) + n - 1) / n
		meter := st.MeterOn.Render(strings.Repeat("━", on)) + st.MeterOff.Render(strings.Repeat("─", bar-on))
		text := strings.Join(tier, " = ")
		rest := w - bar - 2
		if rest < 8 {
			b.add(meter)
			b.add(indent(styled(text, w-2, st.Ranking), "  ", "  ")...)
			continue
		}
		b.add(indent(styled(text, rest, st.Ranking), meter+"  ", strings.Repeat(" ", bar+2))...)
	}
	b.tags(e.UnrankedTags(), w)
}

// linkURI is a URL as an OSC 8 hyperlink carries it: only printable ASCII,
// everything else percent-encoded. Raw UTF-8 inside the escape sequence
// can hold bytes that terminals (and Bubble Tea's renderer) read as
// control characters ending it, spilling the address onto the screen.
func linkURI(u string) string {
	for i := 0; i < len(u); i++ {
		if u[i] <= ' ' || u[i] >= 0x7f {
			return percentEncode(u)
		}
	}
	return u
}

func percentEncode(u string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// contacts writes the Contact block: each label with its value beside it,
// or under it when the pane is too narrow for both.
func (b *builder) contacts(st *Styles, contacts []content.Contact) {
	b.heading("Contact")
	lw := 0
	for _, c := range contacts {
		lw = max(lw, cellWidth(c.Label))
	}
	lw = min(lw, b.w/3)
	for _, c := range contacts {
		label := truncate(c.Label, lw)
		pad := strings.Repeat(" ", lw-cellWidth(label)+2)
		vs := st.Link
		if c.URL == "" {
			vs = lipgloss.NewStyle()
		} else {
			vs = vs.Hyperlink(linkURI(c.URL))
		}
		vw := b.w - 2 - lw - 2
		text := withValue(c, linkText(c))
		if cellWidth(text) > vw {
			text = withValue(c, shortURL(c)) // the link still goes to the full address
		}
		if vw < 12 || (c.URL != "" && cellWidth(text) > vw) {
			// Too narrow for two columns, or for the address beside
			// its label: the value goes under the label, whole.
			b.add("  " + st.Muted.Render(label))
			if c.URL == "" {
				b.add(indent(styled(text, b.w-4, vs), "    ", "    ")...)
			} else {
				if withValue(c, linkText(c)) != linkText(c) { // the user name, above its address
					b.add(indent(styled(c.Value, b.w-4, lipgloss.NewStyle()), "    ", "    ")...)
				}
				b.add(indent(urlLines(linkText(c), b.w-4, vs), "    ", "    ")...)
			}
			continue
		}
		lines := styled(text, vw, vs)
		b.add(indent(lines, "  "+st.Muted.Render(label)+pad, strings.Repeat(" ", lw+4))...)
	}
}
