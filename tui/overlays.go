package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"

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

// helpLines is the help screen: the key map's groups, side by side when
// they fit, else one under another.
func (m *Model) helpLines() paneText {
	st, w := m.st, m.lay.paneW
	h := st.Help
	groups := m.keys.fullHelp(len(m.info.sections))
	if m.info.extra&withContact == 0 {
		for i, g := range groups {
			groups[i] = slices.DeleteFunc(g, func(b key.Binding) bool { return b.Help().Key == m.keys.Write.Help().Key })
		}
	}
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

// linkLines is the links list: every link in the résumé, the selected one
// marked, each a hyperlink with its address written out.
func (m *Model) linkLines() paneText {
	st, w := m.st, m.lay.paneW
	title, sub := "Links", " · enter copies the selected one"
	if len(title)+cellWidth(sub) > w {
		sub = " · enter copies" // said in fewer words rather than cut
	}
	out := make([]row, 0, 2+len(m.info.links))
	out = append(out, row{st.OverlayTitle.Render(title) + st.Muted.Render(sub), len(title) + cellWidth(sub)}, row{})
	lw := 0
	for _, c := range m.info.links {
		lw = max(lw, cellWidth(c.Label))
	}
	lw = min(lw, w/3)
	// When an address does not fit beside the labels even shortened, the
	// labels give way: the address says where a link goes.
	labels := true
	for _, c := range m.info.links {
		labels = labels && cellWidth(content.DisplayURL(linkText(c))) <= w-lw-6
	}
	gap := "  "
	if !labels {
		lw, gap = 0, ""
	}
	for i, c := range m.info.links {
		label := truncate(c.Label, lw)
		label += spaces(lw - cellWidth(label))
		mark, ls := "  ", st.Muted
		if i == m.linkSel {
			mark, ls = st.Selected.Render("› "), st.Selected
		}
		num := "  "
		if i < 9 {
			num = strconv.Itoa(i+1) + " "
		}
		text := linkText(c)
		if room := max(w-lw-4-len(gap), 1); cellWidth(text) > room {
			// Without the scheme and www. before it is cut; the link
			// and the copy keep the whole address.
			text = truncate(content.DisplayURL(text), room)
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
