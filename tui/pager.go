package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// pager is the section pane: a viewport over what the pane shows (a
// section's page, the help or links overlay, a form), its scroll position
// per section and the scrolling keys. The root gives it its size
// (SetSize) after taking the frame off the window.
type pager struct {
	vp      viewport.Model
	pane    paneText // what the pane shows: a page, a highlighted page, an overlay
	offsets []int    // scroll position per section, kept while browsing
	keys    *KeyMap
}

func newPager(keys *KeyMap, sections int) pager {
	p := pager{vp: viewport.New(), offsets: make([]int, sections), keys: keys}
	p.vp.MouseWheelEnabled = false // the root routes the wheel itself
	return p
}

// SetSize sets the pane's size in cells.
func (p *pager) SetSize(w, h int) {
	p.vp.SetWidth(w)
	p.vp.SetHeight(h)
}

// setPane shows text in the pane. The viewport keeps the scroll position;
// it is given the lines (shared, never modified: none holds a newline) so
// that its paging stays exact.
func (p *pager) setPane(text paneText) {
	p.pane = text
	p.vp.SetContentLines(text.lines)
}

// scroll scrolls the pane for the scrolling keys and reports whether msg
// was one.
func (p *pager) scroll(msg tea.KeyPressMsg) bool {
	k := p.keys
	switch {
	case key.Matches(msg, k.Down):
		p.vp.ScrollDown(1)
	case key.Matches(msg, k.Up):
		p.vp.ScrollUp(1)
	case key.Matches(msg, k.PageDown):
		p.vp.PageDown()
	case key.Matches(msg, k.PageUp):
		p.vp.PageUp()
	case key.Matches(msg, k.HalfDown):
		p.vp.HalfPageDown()
	case key.Matches(msg, k.HalfUp):
		p.vp.HalfPageUp()
	case key.Matches(msg, k.Top):
		p.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		p.vp.GotoBottom()
	default:
		return false
	}
	return true
}

// wheel scrolls the pane three lines down (d > 0) or up.
func (p *pager) wheel(d int) {
	if d > 0 {
		p.vp.ScrollDown(3)
	} else {
		p.vp.ScrollUp(3)
	}
}

// position is where the pane is scrolled to, as the footer says it.
func (p *pager) position(h int) string {
	switch {
	case len(p.pane.lines) <= h:
		return "all"
	case p.vp.AtTop():
		return "top"
	case p.vp.AtBottom():
		return "end"
	}
	return strconv.Itoa(int(p.vp.ScrollPercent()*100)) + "%"
}

// ShortHelp is the pane's own keys for the footer.
func (p *pager) ShortHelp() []key.Binding {
	return []key.Binding{short("scroll", p.keys.Up, p.keys.Down)}
}

// FullHelp is the pane's keys for the help screen.
func (p *pager) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{{k.Down, k.Up, k.PageDown, k.PageUp, k.HalfDown, k.HalfUp, k.Top, k.Bottom}}
}
