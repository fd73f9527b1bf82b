package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/internal/safetext"
)

// maxFrame caps the width of everything on screen with tabs: long lines
// are hard to read, so wide windows get a centred column instead.
const maxFrame = 100

// maxPane is the readable measure of the pane beside a sidebar: a wide
// window's frame grows until the pane is this wide, then is centred.
const maxPane = 92

// scrollbarW is the room the scrollbar takes right of the pane (a space
// and the track); a page that fits the pane has no scrollbar and uses it.
const scrollbarW = 2

// Windows at least this big get a sidebar instead of tabs.
const (
	sidebarMinWidth  = 96
	sidebarMinHeight = 20
)

// tallHeight is the height from which the header has room to breathe: a
// blank row above the name, the contacts, and blank rows around the pane.
const tallHeight = 20

// layout is where everything goes for the current window size.
type layout struct {
	small          bool // below the minimum: the too-small screen
	frameX, frameW int  // the centred column
	padX, innerW   int  // padding inside the frame, and what is left
	tall           bool
	contacts       bool // a contacts row under the name
	sideW          int  // sidebar width without its rule; 0 for tabs
	navY           int  // screen row of the tabs, or of the first sidebar row
	paneW, paneH   int
}

func (m *Model) computeLayout() layout {
	w, h := m.width, m.height
	var l layout
	if w < MinWidth || h < MinHeight {
		l.small = true
		return l
	}
	side := w >= sidebarMinWidth && h >= sidebarMinHeight
	l.frameW = min(w, maxFrame)
	// The sidebar's natural width: its widest title, numbered.
	sideW := 5
	if side {
		for _, s := range m.info.sections {
			sideW = max(sideW, 5+cellWidth(s.Title)+4)
		}
		l.frameW = min(w, 2*2+sideW+3+maxPane+scrollbarW)
	}
	l.frameX = (w - l.frameW) / 2
	l.padX = 1
	if l.frameW >= 60 {
		l.padX = 2
	}
	l.innerW = l.frameW - 2*l.padX
	l.tall = h >= tallHeight
	l.contacts = l.tall && len(m.info.contacts) > 0

	// Rows, top to bottom: [blank] name [contacts] [blank], then either
	// tabs, rule, [blank], pane or rule, sidebar beside the pane; then
	// [blank] footer.
	top := 1
	if l.tall {
		top += 2
	}
	if l.contacts {
		top++
	}
	bottom := 1
	if l.tall {
		bottom++
	}
	if side {
		l.sideW = min(sideW, l.innerW/3)
		l.navY = top + 1
		l.paneW = l.innerW - l.sideW - 3 - scrollbarW // " │ " and the scrollbar
	} else {
		l.navY = top
		top += 2
		if l.tall {
			top++
		}
		l.paneW = l.innerW - scrollbarW
	}
	if l.sideW > 0 {
		top++ // the rule
	}
	l.paneH = max(h-top-bottom, 1)
	l.paneW = max(l.paneW, minPaneWidth)
	return l
}

// frame writes the rows of one screen: each at most the window's width,
// never more rows than the window has. Every row's width is known as it
// is built, so drawing measures nothing; a row that would not fit (which
// the layout should never produce) is cut.
type frame struct {
	b     strings.Builder
	w, h  int
	rows  int
	left  string
	leftW int
}

func (f *frame) add(s string, w int) {
	if f.rows >= f.h {
		return
	}
	if f.rows > 0 {
		f.b.WriteByte('\n')
	}
	f.rows++
	if f.leftW+w > f.w {
		s = cut(f.left+s, f.w)
		f.b.WriteString(s)
		return
	}
	f.b.WriteString(f.left)
	f.b.WriteString(s)
}

func (f *frame) addRow(r row) { f.add(r.s, r.w) }

// cut shortens a styled row to w cells by both width counts.
func cut(s string, w int) string {
	for n := w; cellWidth(s) > w && n > 0; n-- {
		s = ansi.Truncate(s, n, "")
	}
	return s
}

// render draws the whole screen.
func (m *Model) render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	f := &frame{w: w, h: h}
	if m.lay.small {
		for _, r := range m.tooSmall() {
			f.add(r.s, r.w)
		}
		return f.b.String()
	}
	l := &m.lay
	c := m.chrome
	f.left = spaces(l.frameX + l.padX)
	f.leftW = l.frameX + l.padX
	f.b.Grow(h * (l.frameX + l.padX + l.innerW + 48))

	if l.tall {
		f.add("", 0)
	}
	f.addRow(c.name)
	if l.contacts {
		f.addRow(c.contacts)
	}
	if l.tall {
		f.add("", 0)
	}
	if l.sideW > 0 {
		f.addRow(c.rule)
		side := c.side[m.active]
		if s := m.search; s != nil && len(s.matches) > 0 {
			side = sideRows(m.info, m.st, l.sideW, m.active, s.counts)
		}
		blank := row{spaces(l.sideW), l.sideW}
		m.drawPane(f, func(i int) row {
			if i < len(side) {
				return side[i]
			}
			return blank
		})
	} else {
		f.addRow(c.tabs[m.active])
		f.addRow(c.rules[m.active])
		if l.tall {
			f.add("", 0)
		}
		m.drawPane(f, nil)
	}
	if l.tall {
		f.add("", 0)
	}
	s, sw := m.footer()
	f.add(s, sw)
	return f.b.String()
}

// drawPane writes the pane's rows, each with the sidebar row before it
// when there is a sidebar, and the scrollbar after it.
func (m *Model) drawPane(f *frame, side func(int) row) {
	l := &m.lay
	c := m.chrome
	off := m.pager.vp.YOffset()
	lines, widths := m.pager.pane.lines, m.pager.pane.widths
	total, h := len(lines), l.paneH

	// The scrollbar: a track with a thumb where the visible part is.
	thumbAt, thumbLen := -1, 0
	if total > h {
		thumbLen = max(1, h*h/total)
		if span := total - h; span > 0 {
			thumbAt = (h - thumbLen) * min(off, span) / span
		}
	}
	var b strings.Builder
	for i := range h {
		b.Reset()
		w := 0
		if side != nil {
			sr := side(i)
			b.WriteString(sr.s)
			b.WriteString(c.sep.s)
			w += sr.w + c.sep.w
		}
		if j := off + i; j < total {
			b.WriteString(lines[j])
			b.WriteString(spaces(l.paneW - widths[j]))
			w += max(widths[j], l.paneW)
		} else {
			b.WriteString(spaces(l.paneW))
			w += l.paneW
		}
		switch {
		case thumbLen == 0:
		case i >= thumbAt && i < thumbAt+thumbLen:
			b.WriteString(" " + c.thumb)
			w += 2
		default:
			b.WriteString(" " + c.track)
			w += 2
		}
		f.add(b.String(), w)
	}
}

// position describes how far down the pane is scrolled.
func (m *Model) position() string { return m.pager.position(m.lay.paneH) }

// footer shows the keys that work now on the left, and the search
// position, the mouse mode and the scroll position on the right. A search
// being typed takes the whole row. It returns the row and its width.
func (m *Model) footer() (string, int) {
	st, w := m.st, m.lay.innerW
	if s := m.search; s != nil && s.typing {
		info := ""
		if s.query != "" {
			info = matchCount(s)
		}
		in := s.input.View()
		iw := cellWidth(in)
		infoW := cellWidth(info)
		if iw+1+infoW > w {
			return cut(in, w), min(iw, w)
		}
		return in + spaces(w-iw-infoW) + st.Status.Render(info), w
	}

	// The right side, most important last: what is dropped for room goes
	// from the front.
	parts := make([]string, 0, 4)
	if s := m.search; s != nil && len(s.matches) > 0 {
		parts = append(parts, "“"+safetext.Clip(s.query, 16)+"”", strconv.Itoa(s.cur+1)+"/"+strconv.Itoa(len(s.matches)))
	}
	if m.mouse {
		parts = append(parts, "mouse on")
	} else {
		parts = append(parts, "mouse off")
	}
	pos := m.position()
	parts = append(parts, pos)
	right := strings.Join(parts, " · ")
	for len(parts) > 1 && cellWidth(right) > w/2 {
		parts = parts[1:]
		right = strings.Join(parts, " · ")
	}
	rw := cellWidth(right)
	// The room for the key help does not depend on the scroll position
	// (at most "100%"), so scrolling leaves the help, and its cache, alone.
	room := w - (rw - len(pos) + 4) - 2

	var left string
	var lw int
	if m.flash != "" {
		t := m.flash
		for _, alt := range m.flashAlts {
			if cellWidth(t) <= room {
				break
			}
			t = alt
		}
		t = truncate(t, room)
		left, lw = st.Flash.Render(t), cellWidth(t)
	} else {
		left, lw = m.shortHelp(room)
	}
	return left + spaces(w-rw-lw) + st.Status.Render(right), max(w, lw+rw)
}

func matchCount(s *searchState) string {
	switch len(s.matches) {
	case 0:
		return "no matches"
	case 1:
		return "1 match"
	case maxMatches:
		return strconv.Itoa(maxMatches) + "+ matches"
	}
	return strconv.Itoa(len(s.matches)) + " matches"
}

// helpKey is what the footer's key help depends on. The rendered help is
// shared between sessions like the pages.
type helpKey struct {
	mode   uint8 // an overlay, or helpSearch, helpForm, helpInbox
	write  bool  // the Contact section is there: offer w
	mouse  bool
	scroll bool // the pane scrolls: offer the scrolling keys
	width  int
	theme  themeKey
}

const (
	helpSearch = 3
	helpForm   = 4
	helpInbox  = 5
	// helpFormSent: the form has sent its message.
	helpFormSent = 6
)

// shortHelp lists the keys that matter now, as many as fit in width, with
// the first two (help and quit, or the overlay's own) always among them.
func (m *Model) shortHelp(width int) (string, int) {
	mode := uint8(m.overlay)
	switch {
	case m.overlay != overlayNone:
	case m.onSection(contactID) && m.form != nil && m.form.sentID != "":
		mode = helpFormSent
	case m.onSection(contactID):
		mode = helpForm
	case m.onSection(inboxID):
		mode = helpInbox
	case m.search != nil:
		mode = helpSearch
	}
	scroll := len(m.pager.pane.lines) > m.lay.paneH
	r := m.cache.help(helpKey{mode: mode, write: m.info.extra&withContact != 0, mouse: m.mouse, scroll: scroll, width: width, theme: m.theme.key()}, m.keys)
	return r.s, r.w
}

func buildShortHelp(k helpKey, keys *KeyMap, st *Styles) row {
	// The bindings are the focused component's ShortHelp, most important
	// first.
	var want []key.Binding
	switch k.mode {
	case uint8(overlayHelp):
		want = helpShortHelp(keys, k.scroll)
	case uint8(overlayLinks):
		want = linksShortHelp(keys)
	case helpSearch:
		want = searchShortHelp(keys)
	case helpForm, helpFormSent:
		want = formShortHelp(keys, k.mode == helpFormSent)
	case helpInbox:
		want = inboxShortHelp(keys)
	default:
		want = browseShortHelp(keys, k.write, k.scroll, k.mouse)
	}
	h := st.Help
	sepW := cellWidth(h.ShortSeparator)
	itemW := func(b key.Binding) int { return cellWidth(b.Help().Key) + 1 + cellWidth(b.Help().Desc) }
	chosen := want[:2:2]
	used := itemW(want[0]) + sepW + itemW(want[1])
	for _, b := range want[2:] {
		if used+sepW+itemW(b) <= k.width {
			chosen = append(chosen, b)
			used += sepW + itemW(b)
		}
	}
	if k.mode == 0 {
		// Actions first, then help and quit, as readers expect.
		chosen = append(chosen[2:], chosen[0], chosen[1])
	}
	if used > k.width && itemW(chosen[0]) <= k.width {
		// Not even the two that always show fit: the first alone, whole,
		// rather than both cut mid-word.
		chosen, used = chosen[:1], itemW(chosen[0])
	}
	s := h.ShortHelpView(chosen)
	if used > k.width {
		s, used = cut(s, max(k.width, 0)), max(k.width, 0)
	}
	return row{s, used}
}

// tooSmall is the screen for windows below the minimum size: what the
// minimum is, and the plain-text alternative.
func (m *Model) tooSmall() []row {
	w := m.width
	cmd := m.opts.SSHCommand
	if cmd == "" {
		cmd = "ssh host"
	}
	st := m.st
	size := strconv.Itoa(m.width) + "×" + strconv.Itoa(m.height)
	need := strconv.Itoa(MinWidth) + "×" + strconv.Itoa(MinHeight)
	type line struct {
		s  string
		st interface{ Render(...string) string }
	}
	// From the fullest to the tersest; the first that fits the window's
	// height is shown. The command always comes whole, wrapped between
	// words: it is the one thing a visitor needs from this screen.
	variants := [][]line{
		{
			{"Window too small", st.Title},
			{"This window is " + size + "; the résumé needs at least " + need + ".", st.Plain},
			{"Enlarge the window, or read it as plain text:", st.Muted},
		},
		{{"Window too small: " + size + ", needs " + need + ".", st.Title}, {"Plain text:", st.Muted}},
		{{"Too small; plain text:", st.Title}},
		nil,
	}
	var rows []row
	for _, v := range variants {
		rows = rows[:0]
		for _, l := range append(v, line{cmd + " text", st.Ranking}) {
			for _, s := range wrap(l.s, w) {
				rows = append(rows, row{l.st.Render(s), cellWidth(s)})
			}
		}
		if len(rows) <= m.height {
			break
		}
	}
	// Centre the message when there is room.
	if pad := (m.height - len(rows)) / 2; pad > 0 {
		rows = append(make([]row, pad), rows...)
	}
	for i, r := range rows {
		if n := (w - r.w) / 2; n > 0 && r.w > 0 {
			rows[i] = row{spaces(n) + r.s, n + r.w}
		}
	}
	return rows
}

// browseShortHelp is the footer's bindings while reading a section: the
// key map's, w when there is a Contact section, the pager's when the pane
// scrolls, and the mouse toggle.
func browseShortHelp(keys *KeyMap, write, scroll, mouse bool) []key.Binding {
	want := keys.ShortHelp()
	if write {
		want = slices.Insert(want, 3, keys.Write)
	}
	if scroll {
		p := pager{keys: keys}
		want = append(want, p.ShortHelp()...)
	}
	if mouse {
		return append(want, short("select text", keys.Mouse))
	}
	return append(want, short("mouse on", keys.Mouse))
}
