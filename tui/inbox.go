package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/internal/safetext"
)

// Inbox is the owner's view of the messages, given only to a session the
// server recognised as the owner's (the tui never sees the store). Each
// function runs in a command, off the update loop.
type Inbox struct {
	// List returns the messages, newest first.
	List func() ([]InboxMessage, error)
	// Read returns one message whole and marks it read.
	Read func(id string) (InboxMessage, error)
	// Delete deletes one message.
	Delete func(id string) error
}

// InboxMessage is a message as the Inbox shows it. The text is cleaned
// again when it arrives, before it is drawn.
type InboxMessage struct {
	ID       string
	From     string // "Name <contact>"
	Received string // when, as the owner reads it
	Body     string
	Sender   string // how it was sent: via, address, key, client
	Unread   bool
}

type (
	inboxListMsg struct {
		msgs []InboxMessage
		err  error
	}
	inboxReadMsg struct {
		msg InboxMessage
		err error
	}
	inboxDeletedMsg struct {
		id  string
		err error
	}
)

// inboxItem is a message with its text cleaned for the terminal, once,
// when it arrives; the embedded message keeps the ID the store knows.
type inboxItem struct {
	InboxMessage
	from, received, id, sender string // each cleaned to one line
	body                       string // cleaned, line breaks kept
	preview                    string // the body's first line
}

func newInboxItem(m InboxMessage) inboxItem {
	line := func(s string) string { return safetext.Allow(s, false) }
	it := inboxItem{InboxMessage: m, from: line(m.From), received: line(m.Received), id: line(m.ID), sender: line(m.Sender)}
	it.body = safetext.Allow(m.Body, true)
	it.preview, _, _ = strings.Cut(strings.TrimSpace(it.body), "\n")
	return it
}

// inboxView is the Inbox section: the list, or one message open.
type inboxView struct {
	in      *Inbox
	msgs    []inboxItem
	loaded  bool
	err     string
	sel     int
	open    *inboxItem // the message being read
	confirm bool       // "delete?" asked
	selY    int        // the pane line of the selection
	width   int
}

// SetSize sets the width the inbox is drawn at.
func (v *inboxView) SetSize(w, _ int) { v.width = w }

// inboxShortHelp is the footer's bindings on the Inbox section.
func inboxShortHelp(keys *KeyMap) []key.Binding {
	return []key.Binding{short("open", keys.Accept), short("delete", inboxKeys.Delete), short("back", keys.Close), short("sections", keys.Prev, keys.Next), keys.Quit}
}

func (v *inboxView) load() tea.Cmd {
	list := v.in.List
	return func() tea.Msg {
		msgs, err := list()
		return inboxListMsg{msgs, err}
	}
}

func (v *inboxView) unread() int {
	n := 0
	for _, m := range v.msgs {
		if m.Unread {
			n++
		}
	}
	return n
}

// inboxKeys are the Inbox section's own keys; it also reads the model's
// (Accept opens, Close goes back, Up and Down choose).
var inboxKeys = struct{ Delete, Refresh, Confirm key.Binding }{
	Delete:  binding("delete", "d", "delete"),
	Refresh: binding("refresh", "r"),
	Confirm: binding("yes, delete", "y"),
}

// key handles a key on the Inbox section; handled is false for keys the
// model should handle as usual (sections, scrolling, quit).
func (v *inboxView) key(k tea.KeyPressMsg) (cmd tea.Cmd, handled bool, flash string) {
	keys := DefaultKeyMap()
	if v.confirm {
		v.confirm = false
		if key.Matches(k, inboxKeys.Confirm) {
			id, del := v.current().ID, v.in.Delete
			return func() tea.Msg { return inboxDeletedMsg{id, del(id)} }, true, ""
		}
		return nil, true, "Kept"
	}
	switch {
	case key.Matches(k, inboxKeys.Delete):
		if len(v.msgs) == 0 && v.open == nil {
			return nil, true, ""
		}
		v.confirm = true
		return nil, true, ""
	case key.Matches(k, inboxKeys.Refresh):
		if v.open == nil {
			return v.load(), true, "Refreshing…"
		}
	case key.Matches(k, keys.Close):
		if v.open != nil {
			v.open = nil
			return v.load(), true, ""
		}
	case key.Matches(k, keys.Accept):
		if v.open == nil && len(v.msgs) > 0 {
			id, read := v.msgs[v.sel].ID, v.in.Read
			return func() tea.Msg {
				m, err := read(id)
				return inboxReadMsg{m, err}
			}, true, ""
		}
	case key.Matches(k, keys.Up):
		if v.open == nil {
			v.sel = max(v.sel-1, 0)
			return nil, true, ""
		}
	case key.Matches(k, keys.Down):
		if v.open == nil {
			v.sel = min(v.sel+1, max(len(v.msgs)-1, 0))
			return nil, true, ""
		}
	}
	return nil, false, ""
}

func (v *inboxView) current() inboxItem {
	if v.open != nil {
		return *v.open
	}
	if v.sel < len(v.msgs) {
		return v.msgs[v.sel]
	}
	return inboxItem{}
}

// update takes the answers of the inbox's commands.
func (v *inboxView) update(msg tea.Msg) (tea.Cmd, string) {
	switch msg := msg.(type) {
	case inboxListMsg:
		v.loaded = true
		v.err = ""
		if msg.err != nil {
			v.err = safetext.Line(msg.err.Error())
			return nil, ""
		}
		v.msgs = make([]inboxItem, len(msg.msgs))
		for i, m := range msg.msgs {
			v.msgs[i] = newInboxItem(m)
		}
		v.sel = min(v.sel, max(len(v.msgs)-1, 0))
	case inboxReadMsg:
		if msg.err != nil {
			return nil, "Could not open it: " + safetext.Line(msg.err.Error())
		}
		m := newInboxItem(msg.msg)
		v.open = &m
	case inboxDeletedMsg:
		if msg.err != nil {
			return nil, "Not deleted: " + safetext.Line(msg.err.Error())
		}
		v.open = nil
		return v.load(), "Deleted " + safetext.Line(msg.id)
	}
	return nil, ""
}

// lines draws the inbox at its width.
func (v *inboxView) lines(st *Styles) []string {
	w := v.width
	var out []string
	add := func(ls ...string) { out = append(out, ls...) }
	switch {
	case !v.loaded:
		add("Loading the inbox…")
		return out
	case v.err != "":
		add(wrap("The inbox could not be read: "+v.err, w)...)
		return out
	}
	if v.confirm {
		add(cut(st.Flash.Render("Delete the message from "+truncate(v.current().from, max(w-40, 8))+"? y deletes it, any other key keeps it"), w))
		add("")
	}
	if m := v.open; m != nil {
		for _, kv := range [][2]string{{"From", m.from}, {"Received", m.received}, {"Id", m.id}, {"Sent", m.sender}} {
			add(indent(wrap(kv[1], max(w-10, 8)), st.Muted.Render(kv[0]+":"+spaces(9-len(kv[0]))), spaces(10))...)
		}
		add("")
		for _, para := range strings.Split(m.body, "\n") {
			add(wrap(para, w)...)
		}
		add("")
		add(st.Muted.Render(truncate("esc back to the list · d delete", w)))
		return out
	}
	n := len(v.msgs)
	head := "No messages yet."
	if n > 0 {
		head = plural(n, "message") + ", " + strconv.Itoa(v.unread()) + " unread"
	}
	add(st.Heading.Render(truncate(head, w)))
	add(st.Muted.Render(truncate("↑↓ choose · enter open · d delete · r refresh · * unread", w)))
	for i, m := range v.msgs {
		add("")
		mark := "  "
		if i == v.sel {
			mark = st.Prompt.Render("▸ ")
			v.selY = len(out)
		}
		unread := "  "
		if m.Unread {
			unread = "* "
		}
		title := truncate(m.received+"  "+m.from, max(w-4, 4))
		ts := st.Plain
		if i == v.sel {
			ts = st.Selected
		}
		add(mark + unread + ts.Render(title))
		add("    " + st.Muted.Render(truncate(m.preview, max(w-4, 4))))
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
