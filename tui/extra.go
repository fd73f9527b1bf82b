package tui

import (
	tea "charm.land/bubbletea/v2"
)

// The sections a session adds after the résumé's own: the Contact form
// and the owner's Inbox. They are tabs (and sidebar entries) like the
// others; their pane is drawn by their component instead of a page.

// onSection reports whether the active section is the added one id.
func (m *Model) onSection(id string) bool {
	return m.active < len(m.info.sections) && m.info.sections[m.active].ID == id &&
		(id == contactID && m.info.extra&withContact != 0 || id == inboxID && m.info.extra&withInbox != 0)
}

// sectionIndex is the index of the section id, or the active one.
func (m *Model) sectionIndex(id string) int {
	for i, s := range m.info.sections {
		if s.ID == id {
			return i
		}
	}
	return m.active
}

// ownerName is whom a message is for, as the form says it.
func (m *Model) ownerName() string {
	if n := m.info.r.Basics.Name; n != "" {
		return n
	}
	return "the owner"
}

// enterSection builds an added section's component the first time it is
// shown, and returns the command that loads its data, if any.
func (m *Model) enterSection() tea.Cmd {
	switch {
	case m.onSection(contactID) && m.form == nil:
		m.form = newContactForm(m.opts.Contact, m.ownerName(), m.st, m.theme.Dark)
		m.form.SetSize(m.lay.paneW, m.lay.paneH)
		m.showPage()
	case m.onSection(inboxID) && m.inbox == nil:
		m.inbox = &inboxView{in: m.opts.Inbox}
		m.inbox.SetSize(m.lay.paneW, m.lay.paneH)
		m.showPage()
		return m.inbox.load()
	}
	return nil
}

// formUpdate hands a key or paste to the Contact form.
func (m *Model) formUpdate(msg tea.Msg) tea.Cmd {
	cmd, leave, flash := m.form.update(msg)
	if flash != "" {
		m.setFlash(flash)
	}
	if leave {
		discarded := m.form.dirty() // unsent text; a sent form is not dirty
		m.form = nil                // a new visit starts a new message
		if discarded {
			m.setFlash("Message discarded")
		}
		prev := m.prev
		if prev == m.active {
			prev = 0
		}
		m.setActive(prev)
		return cmd
	}
	m.showPage()
	return cmd
}

// sectionPane puts an added section's pane into the viewport, and
// reports whether the active section is one.
func (m *Model) sectionPane() bool {
	var lines []string
	focusY := 0
	switch {
	case m.onSection(contactID) && m.form != nil:
		lines = m.form.lines(m.st)
		focusY = m.form.focusY
	case m.onSection(inboxID) && m.inbox != nil:
		lines = m.inbox.lines(m.st)
		focusY = m.inbox.selY
	case m.onSection(contactID), m.onSection(inboxID):
		lines = []string{""}
	default:
		return false
	}
	text := paneText{lines: lines, widths: make([]int, len(lines))}
	for i, l := range lines {
		text.widths[i] = cellWidth(l)
	}
	// Keep the focused field (and the lines under it) in view.
	m.pager.setPane(text)
	h := m.lay.paneH
	if off := m.pager.vp.YOffset(); focusY < off || focusY+3 >= off+h {
		m.pager.vp.SetYOffset(max(focusY-h/3, 0))
	}
	return true
}
