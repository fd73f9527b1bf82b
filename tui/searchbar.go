package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/laphets/resume/internal/safetext"
)

// searchState is the search component: the query typed in the footer, the
// matches in every section and the current one. The root moves between
// sections to show a match; the component keeps the query and where the
// search started.
type searchState struct {
	keys    *KeyMap
	input   textinput.Model
	typing  bool
	query   string
	matches []match
	counts  []int // matches per section
	cur     int   // index into matches, -1 for none
	// Where the visitor was when the search opened; cancelling goes back.
	fromSec, fromOff int
}

// newSearch opens a search typed in the footer, started from section sec
// scrolled to off.
func newSearch(keys *KeyMap, st *Styles, theme Theme, sec, off int) *searchState {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "search all sections"
	ti.CharLimit = maxQuery
	// Pasting reads the clipboard of the machine the program runs on: the
	// server. Visitors paste through their terminal (a tea.PasteMsg).
	ti.KeyMap.Paste.SetEnabled(false)
	ts := textinput.DefaultStyles(theme.Dark)
	ts.Cursor.Blink = false // a blinking cursor is a timer per session
	ts.Focused.Prompt = st.Prompt
	ts.Focused.Text = lipgloss.NewStyle()
	ts.Focused.Placeholder = st.Status
	ts.Cursor.Color = palettes[theme.key()].accent
	ti.SetStyles(ts)
	ti.Focus()
	return &searchState{keys: keys, input: ti, typing: true, cur: -1, fromSec: sec, fromOff: off}
}

// SetSize sets the footer width the query is typed in; the match count
// keeps the rest.
func (s *searchState) SetSize(w, _ int) { s.input.SetWidth(max(w-16, 4)) }

// searchAction is what a key typed into the search asks of the root.
type searchAction uint8

const (
	searchType searchAction = iota // text for the query
	searchAccept
	searchCancel
	searchNext
	searchPrev
)

// typingKey says what a key does while the query is typed.
func (s *searchState) typingKey(msg tea.KeyPressMsg) searchAction {
	k := s.keys
	switch {
	case key.Matches(msg, k.Accept):
		return searchAccept
	case key.Matches(msg, k.Close):
		return searchCancel
	case key.Matches(msg, k.MatchDown):
		return searchNext
	case key.Matches(msg, k.MatchUp):
		return searchPrev
	}
	return searchType
}

// typed hands a key or paste to the query and reports whether the query
// changed.
func (s *searchState) typed(msg tea.Msg) (tea.Cmd, bool) {
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if q := s.input.Value(); q != s.query {
		s.query = q
		return cmd, true
	}
	return cmd, false
}

// ShortHelp is the footer's bindings while a search is shown.
func (s *searchState) ShortHelp() []key.Binding { return searchShortHelp(s.keys) }

func searchShortHelp(keys *KeyMap) []key.Binding {
	return []key.Binding{short("next/previous", keys.NextMatch, keys.PrevMatch), short("clear", keys.Close), keys.Search, keys.Help}
}

// FullHelp is the search's keys, as the help screen lists them.
func (s *searchState) FullHelp() [][]key.Binding {
	k := s.keys
	return [][]key.Binding{{k.Search, k.Accept, k.NextMatch, k.PrevMatch, k.MatchDown, k.MatchUp, k.Close}}
}

// The root's side of a search: moving between sections to show a match,
// and marking the matches on the active page.

// openSearch starts a new search, typed in the footer.
func (m *Model) openSearch() {
	m.saveOffset()
	m.search = newSearch(m.keys, m.st, m.theme, m.active, m.pager.vp.YOffset())
	m.search.SetSize(m.lay.innerW, 1)
	m.overlay = overlayNone
	m.showPage()
}

func (m *Model) typeSearch(msg tea.Msg) tea.Cmd {
	cmd, changed := m.search.typed(msg)
	if changed {
		m.runSearch(true)
	}
	return cmd
}

// runSearch finds the query in every section; with jump, it moves to the
// first match at or after where the search started.
func (m *Model) runSearch(jump bool) {
	s := m.search
	s.matches = findMatches(m.doc, s.query)
	if len(s.counts) != len(m.info.sections) {
		s.counts = make([]int, len(m.info.sections))
	}
	clear(s.counts)
	for _, mt := range s.matches {
		s.counts[mt.sec]++
	}
	if !jump {
		// The window changed: the lines were wrapped again, so keep the
		// current match in view rather than the old line number.
		s.cur = min(s.cur, len(s.matches)-1)
		m.showPage()
		if s.cur >= 0 && s.matches[s.cur].sec == m.active && m.overlay == overlayNone {
			m.scrollToMatch()
		}
		return
	}
	s.cur = -1
	for i, mt := range s.matches {
		if mt.sec > s.fromSec || (mt.sec == s.fromSec && mt.line >= s.fromOff) {
			s.cur = i
			break
		}
	}
	if s.cur < 0 && len(s.matches) > 0 {
		s.cur = 0
	}
	if s.cur < 0 {
		// Nothing found: go back to where the search started.
		m.active = s.fromSec
		m.pager.offsets[m.active] = s.fromOff
		m.showPage()
		return
	}
	m.showMatch()
}

func (m *Model) acceptSearch() {
	s := m.search
	s.typing = false
	s.input.Blur()
	if s.query == "" {
		m.search = nil
		m.showPage()
		return
	}
	if len(s.matches) == 0 {
		m.setFlash("Not found: " + safetext.Clip(s.query, 30))
		m.search = nil
		m.showPage()
	}
}

func (m *Model) cancelSearch() {
	s := m.search
	m.search = nil
	m.active = s.fromSec
	m.pager.offsets[m.active] = s.fromOff
	m.showPage()
}

// stepMatch moves to the next (d=1) or previous (d=-1) match, across
// sections, wrapping around.
func (m *Model) stepMatch(d int) {
	s := m.search
	if s == nil || len(s.matches) == 0 {
		if s == nil {
			m.setFlash("Press / to search")
		}
		return
	}
	m.overlay = overlayNone
	n := len(s.matches)
	s.cur = ((s.cur+d)%n + n) % n
	m.showMatch()
}

// showMatch opens the current match's section and scrolls it into view,
// a third of the way down the pane so the lines around it show too.
func (m *Model) showMatch() {
	mt := m.search.matches[m.search.cur]
	m.saveOffset()
	m.active = mt.sec
	m.showPage()
	m.scrollToMatch()
}

// scrollToMatch scrolls the current match, in the active section, into
// view when it is not, a third of the way down the pane.
func (m *Model) scrollToMatch() {
	mt := m.search.matches[m.search.cur]
	h := m.pager.vp.Height()
	last := mt.line + len(mt.more)
	if off := m.pager.vp.YOffset(); mt.line < off || last >= off+h {
		m.pager.vp.SetYOffset(mt.line - h/3)
	}
	m.saveOffset()
}

// highlight returns a copy of lines with the search matches of the active
// section marked, a match broken across lines on each of them; the shared
// page is left as it is.
func (m *Model) highlight(lines []string, s *searchState) []string {
	out := slices.Clone(lines)
	ranges := map[int][]lipgloss.Range{}
	for i, mt := range s.matches {
		if mt.sec != m.active {
			continue
		}
		st := m.st.Match
		if i == s.cur {
			st = m.st.MatchCurrent
		}
		for _, h := range mt.hits() {
			if h.line < len(out) && h.end > h.start {
				ranges[h.line] = append(ranges[h.line], lipgloss.NewRange(h.start, h.end, st))
			}
		}
	}
	for line, rs := range ranges {
		out[line] = lipgloss.StyleRanges(out[line], rs...)
	}
	return out
}
