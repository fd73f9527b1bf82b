// Package tui is the interactive résumé: a Bubble Tea model that renders a
// content.Resume for one terminal session. It knows Bubble Tea and content,
// never the SSH server that runs it.
package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
)

// Options configure one session's model.
type Options struct {
	// Section is the ID of the section to open first (see SectionIDs); an
	// unknown or empty ID opens the first section.
	Section string
	// Width and Height are the terminal's size when the session starts, if
	// known; a tea.WindowSizeMsg replaces them.
	Width, Height int
}

// Model is the root Bubble Tea model of one session.
type Model struct {
	r      *content.Resume
	secs   []content.Section
	active int
	width  int
	height int
}

// New returns the model for one session showing r.
func New(r *content.Resume, opts Options) *Model {
	m := &Model{r: r, secs: r.Sections(), width: opts.Width, height: opts.Height}
	for i, s := range m.secs {
		if s.ID == opts.Section {
			m.active = i
		}
	}
	return m
}

// SectionIDs lists the IDs of r's sections, in display order: the names a
// visitor may pass as Options.Section.
func SectionIDs(r *content.Resume) []string {
	secs := r.Sections()
	ids := make([]string, len(secs))
	for i, s := range secs {
		ids[i] = s.ID
	}
	return ids
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		case "tab", "right", "l":
			m.active = (m.active + 1) % len(m.secs)
		case "shift+tab", "left", "h":
			m.active = (m.active + len(m.secs) - 1) % len(m.secs)
		}
	}
	return m, nil
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	s := m.r.Basics.Name + "\n\n" + m.secs[m.active].Title + "\n\n(work in progress)"
	v := tea.NewView(s)
	v.AltScreen = true
	return v
}
