package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
)

// paneText is what the pane shows: lines and their widths in cells.
type paneText struct {
	lines  []string
	widths []int
}

func paneOf(rows []row) paneText {
	p := paneText{lines: make([]string, len(rows)), widths: make([]int, len(rows))}
	for i, r := range rows {
		p.lines[i], p.widths[i] = r.s, r.w
	}
	return p
}

// helpView is the help overlay (?): every key, grouped, in the pane.
// Its groups are the root's FullHelp: the section, scrolling (the
// pager's), search (the search's), copy and other keys. The Contact form
// and the Inbox are not on it: their keys are in the footer while they
// have the focus.
type helpView struct {
	keys  *KeyMap
	width int
}

// SetSize sets the width the help is laid out for.
func (v *helpView) SetSize(w, _ int) { v.width = w }

// closes reports whether msg closes the help.
func (v *helpView) closes(msg tea.KeyPressMsg) bool {
	return key.Matches(msg, v.keys.Close, v.keys.Help)
}

// ShortHelp is the footer's bindings while the help is open.
func (v *helpView) ShortHelp() []key.Binding { return helpShortHelp(v.keys, false) }

// helpShortHelp is ShortHelp, with the scrolling keys when the help
// scrolls.
func helpShortHelp(keys *KeyMap, scroll bool) []key.Binding {
	want := []key.Binding{short("close", keys.Close), keys.Quit}
	if scroll {
		want = append(want, short("scroll", keys.Up, keys.Down))
	}
	return want
}

// lines is the help screen: groups of bindings side by side when they
// fit, else one under another.
func (v *helpView) lines(st *Styles, groups [][]key.Binding) paneText {
	w := v.width
	h := st.Help
	cols := make([][]row, len(groups))
	colW := make([]int, len(groups))
	for i, g := range groups {
		cols[i] = append(cols[i], row{st.Heading.Render(helpGroupTitles[i]), cellWidth(helpGroupTitles[i])})
		for _, b := range g {
			hb := b.Help()
			line := h.FullHelpView([][]key.Binding{{b}})
			cols[i] = append(cols[i], row{line, cellWidth(hb.Key) + 1 + cellWidth(hb.Desc)})
		}
		// Align the descriptions of a column.
		kw := 0
		for _, b := range g {
			kw = max(kw, cellWidth(b.Help().Key))
		}
		for j, b := range g {
			hb := b.Help()
			pad := spaces(kw - cellWidth(hb.Key))
			cols[i][j+1] = row{h.Styles.FullKey.Render(hb.Key) + pad + " " + h.Styles.FullDesc.Render(hb.Desc), kw + 1 + cellWidth(hb.Desc)}
		}
		for _, r := range cols[i] {
			colW[i] = max(colW[i], r.w)
		}
	}
	out := []row{{st.OverlayTitle.Render("Keys"), 4}, {}}
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
		for r := range height {
			var b strings.Builder
			rw := 0
			for c := i; c < j; c++ {
				cell := row{}
				if r < len(cols[c]) {
					cell = cols[c][r]
				}
				b.WriteString(cell.s)
				rw += cell.w
				if c < j-1 && r < len(cols[c+1]) {
					b.WriteString(spaces(colW[c] + gap - cell.w))
					rw += colW[c] + gap - cell.w
				}
			}
			out = append(out, row{b.String(), rw})
		}
		out = append(out, row{})
		i = j
	}
	note := "The wheel scrolls, a click opens a section, m frees the mouse to select text. " +
		"c and L copy through your terminal (OSC 52)."
	for _, l := range wrap(note, w) {
		out = append(out, row{st.Muted.Render(l), cellWidth(l)})
	}
	for i, r := range out {
		if r.w > w {
			out[i] = row{cut(r.s, w), w}
		}
	}
	return paneOf(out)
}

// linksView is the links overlay (L): every link in the résumé, one
// selected, copied with enter or its number.
type linksView struct {
	keys  *KeyMap
	links []content.Contact
	sel   int
	width int
}

// SetSize sets the width the list is laid out for.
func (v *linksView) SetSize(w, _ int) { v.width = w }

// ShortHelp is the footer's bindings while the links are open.
func (v *linksView) ShortHelp() []key.Binding { return linksShortHelp(v.keys) }

func linksShortHelp(keys *KeyMap) []key.Binding {
	return []key.Binding{short("copy", keys.Accept), short("close", keys.Close), short("choose", keys.Up, keys.Down), keys.Quit}
}

// linksAction is what a key asks of the links list.
type linksAction uint8

const (
	linksIgnored linksAction = iota // not the list's key: it closes and the key does its job
	linksClose
	linksMoved
	linksCopy
	linksHandled
)

// update moves the selection for a key, and says what else it asks.
func (v *linksView) update(msg tea.KeyPressMsg) linksAction {
	k := v.keys
	switch {
	case key.Matches(msg, k.Close, k.Links):
		return linksClose
	case key.Matches(msg, k.Up):
		v.selectLink(v.sel - 1)
	case key.Matches(msg, k.Down):
		v.selectLink(v.sel + 1)
	case key.Matches(msg, k.Top):
		v.selectLink(0)
	case key.Matches(msg, k.Bottom):
		v.selectLink(len(v.links) - 1)
	case key.Matches(msg, k.Accept, k.Copy):
		return linksCopy
	case key.Matches(msg, k.Jump):
		if i := int(msg.Code - '1'); i < len(v.links) {
			v.selectLink(i)
			return linksCopy
		}
		return linksHandled
	default:
		return linksIgnored
	}
	return linksMoved
}

func (v *linksView) selectLink(i int) {
	v.sel = min(max(i, 0), len(v.links)-1)
}

// lines is the links list: every link, the selected one marked, each a
// hyperlink with its address written out.
func (v *linksView) lines(st *Styles) paneText {
	w := v.width
	title, sub := "Links", " · enter copies the selected one"
	if len(title)+cellWidth(sub) > w {
		sub = " · enter copies" // said in fewer words rather than cut
	}
	out := make([]row, 0, 2+len(v.links))
	out = append(out, row{st.OverlayTitle.Render(title) + st.Muted.Render(sub), len(title) + cellWidth(sub)}, row{})
	lw := 0
	for _, c := range v.links {
		lw = max(lw, cellWidth(c.Label))
	}
	lw = min(lw, w/3)
	// When an address does not fit beside the labels even shortened, the
	// labels give way: the address says where a link goes.
	// Each address written out, and shortened, once per link.
	full, short := make([]string, len(v.links)), make([]string, len(v.links))
	labels := true
	for i, c := range v.links {
		full[i] = linkText(c)
		short[i] = content.DisplayURL(full[i])
		labels = labels && cellWidth(short[i]) <= w-lw-6
	}
	gap := "  "
	if !labels {
		lw, gap = 0, ""
	}
	for i, c := range v.links {
		label := truncate(c.Label, lw)
		label += spaces(lw - cellWidth(label))
		mark, ls := "  ", st.Muted
		if i == v.sel {
			mark, ls = st.Selected.Render("› "), st.Selected
		}
		num := "  "
		if i < 9 {
			num = strconv.Itoa(i+1) + " "
		}
		text := full[i]
		if room := max(w-lw-4-len(gap), 1); cellWidth(text) > room {
			// Without the scheme and www. before it is cut; the link
			// and the copy keep the whole address.
			text = truncate(short[i], room)
		}
		out = append(out, row{
			mark + st.Key.Render(num) + ls.Render(label) + gap + st.Link.Hyperlink(linkURI(c.URL)).Render(text),
			4 + lw + len(gap) + cellWidth(text),
		})
	}
	for i, r := range out {
		if r.w > w {
			out[i] = row{cut(r.s, w), w}
		}
	}
	return paneOf(out)
}
