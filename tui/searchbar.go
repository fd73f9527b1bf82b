package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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
	searchQuit
	searchAccept
	searchCancel
	searchNext
	searchPrev
)

// typingKey says what a key does while the query is typed.
func (s *searchState) typingKey(msg tea.KeyPressMsg) searchAction {
	k := s.keys
	switch {
	case key.Matches(msg, k.Interrupt):
		return searchQuit
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
