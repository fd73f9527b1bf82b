package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// maxFrame caps the width of everything on screen: long lines are hard to
// read, so wide windows get a centred column instead.
const maxFrame = 100

// sidebarMin is the narrowest window that gets a sidebar instead of tabs.
const (
	sidebarMinWidth  = 96
	sidebarMinHeight = 20
)

// target is a clickable span of a screen row that opens a section.
type target struct {
	y, x0, x1, sec int
}

// layout is where everything goes for the current window size.
type layout struct {
	small          bool // below the minimum: the too-small screen
	frameX, frameW int  // the centred column
	padX, innerW   int  // padding inside the frame, and what is left
	topPad         bool // a blank row above the name
	contacts       bool // a contacts row under the name
	sidebar        bool
	sideW          int // sidebar width, without its rule
	paneW, paneH   int
	targets        []target
}

func (m *Model) computeLayout() layout {
	w, h := m.width, m.height
	var l layout
	if w < MinWidth || h < MinHeight {
		l.small = true
		return l
	}
	l.frameW = min(w, maxFrame)
	l.frameX = (w - l.frameW) / 2
	l.padX = 1
	if l.frameW >= 60 {
		l.padX = 2
	}
	l.innerW = l.frameW - 2*l.padX
	l.sidebar = w >= sidebarMinWidth && h >= sidebarMinHeight
	tall := h >= 20
	l.topPad = tall
	l.contacts = tall && len(m.info.contacts) > 0

	// Rows: [pad] name [contacts] blank nav-rows pane footer.
	rows := 1 + 1 // name and footer
	if l.topPad {
		rows++
	}
	if l.contacts {
		rows++
	}
	if tall {
		rows++ // blank under the header
	}
	if l.sidebar {
		rows++ // rule
		l.sideW = 2
		for _, s := range m.info.sections {
			l.sideW = max(l.sideW, 2+3+ansi.StringWidth(s.Title)+4)
		}
		l.sideW = min(l.sideW, l.innerW/3)
		l.paneW = l.innerW - l.sideW - 3 - 2 // " │ " and the scrollbar
	} else {
		rows += 2 // tabs and their rule
		if tall {
			rows++ // blank under the rule
		}
		l.paneW = l.innerW - 2
	}
	if tall {
		rows++ // blank above the footer
	}
	l.paneH = max(h-rows, 1)
	l.paneW = max(l.paneW, minPaneWidth)
	return l
}

// render draws the whole screen: every row at most the window's width,
// and never more rows than the window has.
func (m *Model) render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if m.lay.small {
		return fit(m.tooSmall(), w, h)
	}
	l := &m.lay
	l.targets = l.targets[:0]
	rows := make([]string, 0, h)
	add := func(s string) { rows = append(rows, s) }

	if l.topPad {
		add("")
	}
	add(m.nameRow())
	if l.contacts {
		add(m.contactRow())
	}
	if l.topPad {
		add("")
	}
	pane := m.paneRows()
	if l.sidebar {
		add(m.st.Rule.Render(strings.Repeat("─", l.innerW)))
		side := m.sideRows(len(rows))
		sep := m.st.Rule.Render(" │ ")
		for i, p := range pane {
			s := ""
			if i < len(side) {
				s = side[i]
			}
			add(padRight(s, l.sideW) + sep + p)
		}
	} else {
		tabs, rule := m.tabRows(len(rows))
		add(tabs)
		add(rule)
		if l.topPad {
			add("")
		}
		for _, p := range pane {
			add(p)
		}
	}
	if l.topPad {
		add("")
	}
	add(m.footer())

	left := strings.Repeat(" ", l.frameX+l.padX)
	for i := range rows {
		rows[i] = left + rows[i]
	}
	return fit(rows, w, h)
}

// fit joins rows, dropping rows past height and cutting any row wider than
// width. The layout should already fit; this makes sure, whatever the
// content.
func fit(rows []string, w, h int) string {
	if len(rows) > h {
		rows = rows[:h]
	}
	for i, r := range rows {
		if ansi.StringWidth(r) > w || ansi.StringWidthWc(r) > w {
			rows[i] = ansi.TruncateWc(ansi.Truncate(r, w, ""), w, "")
		}
	}
	return strings.Join(rows, "\n")
}

func padRight(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

func (m *Model) nameRow() string {
	st, w := m.st, m.lay.innerW
	name := m.info.r.Basics.Name
	label := m.info.r.Basics.Label
	s := st.Name.Render(ansi.Truncate(name, w, "…"))
	if label != "" {
		if rest := w - ansi.StringWidth(name) - 3; rest >= 8 {
			s += st.ContactSep.Render(" · ") + st.Label.Render(ansi.Truncate(label, rest, "…"))
		}
	}
	return s
}

// contactRow shows as many contacts as fit, each a hyperlink whose address
// is written out (without the scheme, to save room); the overview lists
// them all in full.
func (m *Model) contactRow() string {
	st, w := m.st, m.lay.innerW
	sep := st.ContactSep.Render(" · ")
	var b strings.Builder
	used := 0
	for _, c := range m.info.contacts {
		text := shortURL(c)
		tw := ansi.StringWidth(text)
		extra := tw
		if used > 0 {
			extra += 3
		}
		if used+extra > w {
			continue
		}
		if used > 0 {
			b.WriteString(sep)
		}
		cs := st.Contact
		if c.URL != "" {
			cs = cs.Hyperlink(c.URL)
		}
		b.WriteString(cs.Render(text))
		used += extra
	}
	return b.String()
}

// tabRows draws the section tabs and the rule under them, the active tab
// marked by a heavy stretch of the rule (so the mark survives without
// colour). When the tabs do not all fit, a window of them around the
// active one is shown, with ‹ and › where more are hidden.
func (m *Model) tabRows(y int) (string, string) {
	st, l := m.st, &m.lay
	secs := m.info.sections
	const gap = 3
	widths := make([]int, len(secs))
	total := -gap
	for i, s := range secs {
		widths[i] = ansi.StringWidth(s.Title)
		total += widths[i] + gap
	}
	first, last := 0, len(secs)-1
	if total > l.innerW {
		// Grow a window around the active tab, leaving room for the arrows.
		room := l.innerW - 4
		first, last = m.active, m.active
		used := min(widths[m.active], room)
		for grew := true; grew; {
			grew = false
			if last+1 < len(secs) && used+gap+widths[last+1] <= room {
				last++
				used += gap + widths[last]
				grew = true
			}
			if first > 0 && used+gap+widths[first-1] <= room {
				first--
				used += gap + widths[first]
				grew = true
			}
		}
	}
	var tabs, rule strings.Builder
	x := 0
	base := m.lay.frameX + m.lay.padX
	if first > 0 || last < len(secs)-1 {
		more := " "
		if first > 0 {
			more = "‹"
			l.targets = append(l.targets, target{y: y, x0: base, x1: base + 2, sec: first - 1})
		}
		tabs.WriteString(st.TabMore.Render(more) + " ")
		rule.WriteString(st.TabRule.Render("──"))
		x = 2
	}
	for i := first; i <= last; i++ {
		if i > first {
			tabs.WriteString(strings.Repeat(" ", gap))
			rule.WriteString(st.TabRule.Render(strings.Repeat("─", gap)))
			x += gap
		}
		title := ansi.Truncate(secs[i].Title, l.innerW-4, "…")
		tw := ansi.StringWidth(title)
		if i == m.active {
			tabs.WriteString(st.TabActive.Render(title))
			rule.WriteString(st.TabRuleActive.Render(strings.Repeat("━", tw)))
		} else {
			tabs.WriteString(st.Tab.Render(title))
			rule.WriteString(st.TabRule.Render(strings.Repeat("─", tw)))
		}
		l.targets = append(l.targets, target{y: y, x0: base + x, x1: base + x + tw, sec: i})
		x += tw
	}
	if last < len(secs)-1 {
		tabs.WriteString(" " + st.TabMore.Render("›"))
		l.targets = append(l.targets, target{y: y, x0: base + x, x1: base + x + 2, sec: last + 1})
		rule.WriteString(st.TabRule.Render("──"))
		x += 2
	}
	if x < l.innerW {
		rule.WriteString(st.TabRule.Render(strings.Repeat("─", l.innerW-x)))
	}
	return tabs.String(), rule.String()
}

// sideRows draws the sidebar: a number (the key that opens the section),
// the title, and during a search the number of matches.
func (m *Model) sideRows(y int) []string {
	st, l := m.st, &m.lay
	out := make([]string, 0, len(m.info.sections))
	base := l.frameX + l.padX
	for i, s := range m.info.sections {
		if i >= l.paneH {
			break
		}
		num := " "
		if i < 9 {
			num = strconv.Itoa(i + 1)
		}
		count := ""
		if m.search != nil && len(m.search.counts) == len(m.info.sections) && m.search.counts[i] > 0 {
			count = strconv.Itoa(m.search.counts[i])
		}
		tw := l.sideW - 5 - ansi.StringWidth(count) - 1
		title := ansi.Truncate(s.Title, max(tw, 1), "…")
		var row string
		if i == m.active {
			row = st.SideMark.Render("▍") + " " + st.SideNum.Render(num) + "  " + st.SideActive.Render(title)
		} else {
			row = "  " + st.SideNum.Render(num) + "  " + st.Side.Render(title)
		}
		if count != "" {
			row = padRight(row, l.sideW-ansi.StringWidth(count)) + st.SideCount.Render(count)
		}
		out = append(out, row)
		l.targets = append(l.targets, target{y: y + i, x0: base, x1: base + l.sideW, sec: i})
	}
	return out
}

// paneRows draws the viewport and its scrollbar.
func (m *Model) paneRows() []string {
	l := &m.lay
	rows := strings.Split(m.vp.View(), "\n")
	for len(rows) < l.paneH {
		rows = append(rows, "")
	}
	rows = rows[:l.paneH]
	bar := m.scrollbar()
	for i := range rows {
		rows[i] = padRight(rows[i], l.paneW) + " " + bar[i]
	}
	return rows
}

// scrollbar returns one cell per pane row: a thin track with a thick thumb
// where the visible part of the page is, or blanks when it all fits.
func (m *Model) scrollbar() []string {
	h := m.lay.paneH
	out := make([]string, h)
	total := m.vp.TotalLineCount()
	if total <= h {
		for i := range out {
			out[i] = " "
		}
		return out
	}
	thumb := max(1, h*h/total)
	pos := 0
	if span := total - h; span > 0 {
		pos = (h - thumb) * m.vp.YOffset() / span
	}
	track, on := m.st.ScrollTrack.Render("│"), m.st.ScrollThumb.Render("┃")
	for i := range out {
		if i >= pos && i < pos+thumb {
			out[i] = on
		} else {
			out[i] = track
		}
	}
	return out
}

// position describes how far down the pane is scrolled.
func (m *Model) position() string {
	total, h := m.vp.TotalLineCount(), m.vp.Height()
	switch {
	case total <= h:
		return "all"
	case m.vp.AtTop():
		return "top"
	case m.vp.AtBottom():
		return "end"
	}
	return strconv.Itoa(int(m.vp.ScrollPercent()*100)) + "%"
}

// footer shows the keys that work now on the left, and the mouse mode and
// scroll position on the right. A search being typed takes the whole row.
func (m *Model) footer() string {
	st, w := m.st, m.lay.innerW
	if s := m.search; s != nil && s.typing {
		info := ""
		if s.query != "" {
			info = matchCount(s)
		}
		in := s.input.View()
		return padRight(in, w-ansi.StringWidth(info)) + st.Status.Render(info)
	}

	// The right side, most important last: what is dropped for room goes
	// from the front.
	var parts []string
	if s := m.search; s != nil && len(s.matches) > 0 {
		parts = append(parts, "“"+clip(s.query, 16)+"”", strconv.Itoa(s.cur+1)+"/"+strconv.Itoa(len(s.matches)))
	}
	if m.mouse {
		parts = append(parts, "mouse on")
	} else {
		parts = append(parts, "mouse off")
	}
	parts = append(parts, m.position())
	right := strings.Join(parts, " · ")
	for len(parts) > 1 && ansi.StringWidth(right) > w/2 {
		parts = parts[1:]
		right = strings.Join(parts, " · ")
	}
	rw := ansi.StringWidth(right)
	room := w - rw - 2

	var left string
	if m.flash != "" {
		left = st.Flash.Render(ansi.Truncate(m.flash, room, "…"))
	} else {
		left = m.shortHelp(room)
	}
	return padRight(left, w-rw) + st.Status.Render(right)
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

// shortHelp lists the keys that matter now, as many as fit in width. The
// help key comes first so it is always shown.
func (m *Model) shortHelp(width int) string {
	k := m.keys
	var want []key.Binding
	switch {
	case m.overlay == overlayHelp:
		want = []key.Binding{bind("esc", "close"), bind("↑↓", "scroll"), k.Quit}
	case m.overlay == overlayLinks:
		want = []key.Binding{bind("enter", "copy"), bind("↑/↓", "choose"), k.Close, k.Quit}
	case m.search != nil:
		want = []key.Binding{bind("n/N", "next/previous"), bind("esc", "clear"), k.Help, k.Search, k.Quit}
	default:
		mouse := bind("m", "select text")
		if !m.mouse {
			mouse = bind("m", "mouse on")
		}
		want = []key.Binding{k.Help, k.Quit, bind("tab/←→", "sections"), bind("↑↓", "scroll"),
			k.Search, k.Copy, mouse}
	}
	h := m.st.Help
	var chosen []key.Binding
	for _, b := range want {
		try := append(chosen, b)
		if lipgloss.Width(h.ShortHelpView(try)) > width {
			if len(chosen) >= 2 {
				break
			}
			continue
		}
		chosen = try
	}
	// Keep the order readers expect: actions first, help and quit last.
	if m.overlay == overlayNone && m.search == nil && len(chosen) >= 2 {
		chosen = append(chosen[2:], chosen[0], chosen[1])
	}
	return h.ShortHelpView(chosen)
}

// bind is a help-only binding: it documents keys matched elsewhere.
func bind(keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
}

// tooSmall is the screen for windows below the minimum size.
func (m *Model) tooSmall() []string {
	w := m.width
	cmd := m.opts.SSHCommand
	if cmd == "" {
		cmd = "ssh host"
	}
	st := m.st
	var rows []string
	add := func(s string, style lipgloss.Style) {
		for _, l := range wrap(s, w) {
			rows = append(rows, style.Render(l))
		}
	}
	add("Window too small", st.Title)
	add("This window is "+strconv.Itoa(m.width)+"×"+strconv.Itoa(m.height)+
		"; the résumé needs at least "+strconv.Itoa(MinWidth)+"×"+strconv.Itoa(MinHeight)+".", lipgloss.NewStyle())
	add("Enlarge the window, or read it as plain text:", st.Muted)
	add(cmd+" text", st.Ranking)
	// Centre the message when there is room.
	if pad := (m.height - len(rows)) / 2; pad > 0 {
		rows = append(make([]string, pad), rows...)
	}
	for i, r := range rows {
		if n := (w - ansi.StringWidth(r)) / 2; n > 0 {
			rows[i] = strings.Repeat(" ", n) + r
		}
	}
	return rows
}

// helpLines is the help screen: the key map's groups, side by side when
// they fit, else one under another.
func (m *Model) helpLines() []string {
	st, w := m.st, m.lay.paneW
	h := st.Help
	groups := m.keys.FullHelp()
	cols := make([][]string, len(groups))
	colW := make([]int, len(groups))
	for i, g := range groups {
		block := h.FullHelpView([][]key.Binding{g})
		cols[i] = append([]string{st.Heading.Render(helpGroupTitles[i])}, strings.Split(block, "\n")...)
		for _, l := range cols[i] {
			colW[i] = max(colW[i], ansi.StringWidth(l))
		}
	}
	out := []string{st.OverlayTitle.Render("Keys"), ""}
	const gap = 3
	for i := 0; i < len(cols); {
		// Put as many columns side by side as fit.
		j, used := i, 0
		for j < len(cols) && (j == i || used+gap+colW[j] <= w) {
			if j > i {
				used += gap
			}
			used += colW[j]
			j++
		}
		height := 0
		for c := i; c < j; c++ {
			height = max(height, len(cols[c]))
		}
		for r := 0; r < height; r++ {
			var b strings.Builder
			for c := i; c < j; c++ {
				cell := ""
				if r < len(cols[c]) {
					cell = cols[c][r]
				}
				if c < j-1 {
					cell = padRight(cell, colW[c]+gap)
				}
				b.WriteString(cell)
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
		out = append(out, "")
		i = j
	}
	out = append(out, styled("The wheel scrolls, a click opens a section, m frees the mouse to select "+
		"text. c and L copy through your terminal (OSC 52).", w, st.Muted)...)
	for i, l := range out {
		out[i] = ansi.Truncate(l, w, "…")
	}
	return out
}

// linkLines is the links list: every link in the résumé, the selected one
// marked, each a hyperlink.
func (m *Model) linkLines() []string {
	st, w := m.st, m.lay.paneW
	out := []string{st.OverlayTitle.Render("Links") + st.Muted.Render(" · enter copies the selected one"), ""}
	lw := 0
	for _, c := range m.info.links {
		lw = max(lw, ansi.StringWidth(c.Label))
	}
	lw = min(lw, w/3)
	for i, c := range m.info.links {
		label := padRight(ansi.Truncate(c.Label, lw, "…"), lw)
		mark, ls := "  ", st.Muted
		if i == m.linkSel {
			mark, ls = st.Selected.Render("› "), st.Selected
		}
		num := "  "
		if i < 9 {
			num = strconv.Itoa(i+1) + " "
		}
		text := ansi.Truncate(linkText(c), max(w-lw-6, 1), "…")
		out = append(out, mark+st.Key.Render(num)+ls.Render(label)+"  "+st.Link.Hyperlink(c.URL).Render(text))
	}
	return out
}
