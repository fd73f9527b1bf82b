package tui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// TestFooterIsTheFocusedComponentsShortHelp checks that the footer names
// the keys of whatever has the focus, from that component's ShortHelp,
// and that the root routes a key to it.
func TestFooterIsTheFocusedComponentsShortHelp(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		focus focus
		help  func(m *Model) []key.Binding
	}{
		{"reading a section", nil, focusPager, func(m *Model) []key.Binding { return m.keys.ShortHelp()[:2] }},
		{"the help overlay", []string{"?"}, focusHelp, func(m *Model) []key.Binding { return m.help.ShortHelp() }},
		{"the links overlay", []string{"L"}, focusLinks, func(m *Model) []key.Binding { return m.links.ShortHelp() }},
		{"a finished search", []string{"/", "e", "enter"}, focusPager, func(m *Model) []key.Binding { return m.search.ShortHelp()[:2] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(t, "", 120, 40)
			keys(t, m, tt.keys...)
			if got := m.focus(); got != tt.focus {
				t.Fatalf("focus = %d, want %d", got, tt.focus)
			}
			view := plainView(m)
			lines := strings.Split(strings.TrimRight(view, "\n"), "\n")
			footer := lines[len(lines)-1]
			for _, b := range tt.help(m) {
				if h := b.Help(); !strings.Contains(footer, h.Key+" "+h.Desc) {
					t.Errorf("footer %q lacks %q %q", footer, h.Key, h.Desc)
				}
			}
		})
	}
}

// TestRootSizesItsComponents checks that size flows down: after a resize
// the pager, the overlays and an open search have the pane's (or the
// footer's) width, never the window's.
func TestRootSizesItsComponents(t *testing.T) {
	m := newModel(t, "", 100, 30)
	keys(t, m, "/")
	for _, w := range []int{80, 140, 60} {
		send(m, tea.WindowSizeMsg{Width: w, Height: 30})
		if got := m.pager.vp.Width(); got != m.lay.paneW {
			t.Errorf("at width %d the pager is %d wide, want the pane's %d", w, got, m.lay.paneW)
		}
		if m.lay.paneW >= w {
			t.Errorf("at width %d the pane is %d wide: the frame was not taken off", w, m.lay.paneW)
		}
		if m.help.width != m.lay.paneW || m.links.width != m.lay.paneW {
			t.Errorf("at width %d help is %d and links %d wide, want %d", w, m.help.width, m.links.width, m.lay.paneW)
		}
		if got, want := m.search.input.Width(), max(m.lay.innerW-16, 4); got != want {
			t.Errorf("at width %d the search input is %d wide, want %d", w, got, want)
		}
	}
}
