package tui

import (
	"strconv"
	"strings"
)

// row is a drawn line and its width in cells (see cellWidth), kept so that
// drawing a frame never has to measure text again.
type row struct {
	s string
	w int
}

func newRow(s string) row { return row{s: s, w: cellWidth(s)} }

// span is a clickable stretch of the tab row, in cells from the frame's
// inner left edge.
type span struct {
	x0, x1, sec int
}

// chrome is everything around the pane for one frame width and theme: the
// header, the tabs or the sidebar for each active section, and the cells
// of the scrollbar. Like the pages, it is rendered once and shared.
type chrome struct {
	name, contacts row
	tabs, rules    []row    // per active section
	tabSpans       [][]span // per active section
	side           [][]row  // per active section, each row sideW wide
	rule           row      // across the frame, above a sidebar
	sep            row      // between the sidebar and the pane
	track, thumb   string   // scrollbar cells
}

type chromeKey struct {
	extra         extras
	innerW, sideW int
	theme         themeKey
}

func buildChrome(info *resumeInfo, st *Styles, innerW, sideW int) *chrome {
	c := &chrome{
		name:     newRow(nameRow(info, st, innerW)),
		contacts: newRow(contactRow(info, st, innerW)),
		sep:      newRow(st.Rule.Render(" │ ")),
		rule:     newRow(st.Rule.Render(strings.Repeat("─", innerW))),
		track:    st.ScrollTrack.Render("│"),
		thumb:    st.ScrollThumb.Render("┃"),
	}
	n := len(info.sections)
	if sideW > 0 {
		c.side = make([][]row, n)
		for a := range n {
			c.side[a] = sideRows(info, st, sideW, a, nil)
		}
		return c
	}
	c.tabs, c.rules, c.tabSpans = make([]row, n), make([]row, n), make([][]span, n)
	for a := range n {
		c.tabs[a], c.rules[a], c.tabSpans[a] = tabRows(info, st, innerW, a)
	}
	return c
}

func nameRow(info *resumeInfo, st *Styles, w int) string {
	name, label := info.r.Basics.Name, info.r.Basics.Label
	// The name is drawn with a cell of padding each side.
	name = truncate(name, max(w-2, 1))
	s := st.Name.Render(name)
	if label != "" {
		if rest := w - cellWidth(name) - 2 - 3; rest >= 8 {
			s += st.ContactSep.Render(" · ") + st.Label.Render(truncate(label, rest))
		}
	}
	return s
}

// contactRow shows as many contacts as fit, each a hyperlink whose address
// is written out (without the scheme, to save room); the overview lists
// them all in full.
func contactRow(info *resumeInfo, st *Styles, w int) string {
	sep := st.ContactSep.Render(" · ")
	var b strings.Builder
	used := 0
	for _, c := range info.contacts {
		text := shortURL(c)
		extra := cellWidth(text)
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
			cs = cs.Hyperlink(linkURI(c.URL))
		}
		b.WriteString(cs.Render(text))
		used += extra
	}
	return b.String()
}

// tabRows draws the section tabs and the rule under them, the active tab
// marked by a heavy stretch of the rule (so the mark survives without
// colour). When the tabs do not all fit, a window of them around the
// active one is shown, with ‹ and › where more are hidden; clicking an
// arrow opens the next hidden section.
func tabRows(info *resumeInfo, st *Styles, innerW, active int) (row, row, []span) {
	secs := info.sections
	const gap = 3
	titles := make([]string, len(secs))
	widths := make([]int, len(secs))
	total := -gap
	for i, s := range secs {
		titles[i] = truncate(s.Title, max(innerW-4, 1))
		widths[i] = cellWidth(titles[i])
		total += widths[i] + gap
	}
	first, last := 0, len(secs)-1
	if total > innerW {
		room := innerW - 4 // the arrows and their spaces
		first, last = active, active
		used := widths[active]
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
	var spans []span
	x := 0
	clipped := first > 0 || last < len(secs)-1
	if clipped {
		more := " "
		if first > 0 {
			more = "‹"
			spans = append(spans, span{0, 2, first - 1})
		}
		tabs.WriteString(st.TabMore.Render(more) + " ")
		rule.WriteString(st.TabRule.Render("──"))
		x = 2
	}
	for i := first; i <= last; i++ {
		if i > first {
			tabs.WriteString(spaces(gap))
			rule.WriteString(st.TabRule.Render(strings.Repeat("─", gap)))
			x += gap
		}
		if i == active {
			tabs.WriteString(st.TabActive.Render(titles[i]))
			rule.WriteString(st.TabRuleActive.Render(strings.Repeat("━", widths[i])))
		} else {
			tabs.WriteString(st.Tab.Render(titles[i]))
			rule.WriteString(st.TabRule.Render(strings.Repeat("─", widths[i])))
		}
		spans = append(spans, span{x, x + widths[i], i})
		x += widths[i]
	}
	tabW := x
	if clipped && last < len(secs)-1 {
		tabs.WriteString(" " + st.TabMore.Render("›"))
		spans = append(spans, span{x, x + 2, last + 1})
		tabW += 2
	}
	if x < innerW {
		rule.WriteString(st.TabRule.Render(strings.Repeat("─", innerW-x)))
	}
	return row{tabs.String(), tabW}, row{rule.String(), max(x, innerW)}, spans
}

// sideRows draws the sidebar: a number (the key that opens the section),
// the title, and during a search the number of matches. Every row is
// padded to sideW.
func sideRows(info *resumeInfo, st *Styles, sideW, active int, counts []int) []row {
	out := make([]row, 0, len(info.sections))
	for i, s := range info.sections {
		num := " "
		if i < 9 {
			num = strconv.Itoa(i + 1)
		}
		count := ""
		if i < len(counts) && counts[i] > 0 {
			count = strconv.Itoa(counts[i])
		}
		title := truncate(s.Title, max(sideW-5-len(count)-1, 1))
		var r string
		w := 5 + cellWidth(title)
		if i == active {
			r = st.SideMark.Render("▍") + " " + st.SideNum.Render(num) + "  " + st.SideActive.Render(title)
		} else {
			r = "  " + st.SideNum.Render(num) + "  " + st.Side.Render(title)
		}
		if pad := sideW - w - len(count); pad > 0 {
			r += spaces(pad)
			w += pad
		}
		if count != "" {
			r += st.SideCount.Render(count)
			w += len(count)
		}
		out = append(out, row{r, w})
	}
	return out
}

const blanks = "                                                                                                                                "

// spaces returns n spaces, without allocating for the common widths.
func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}
