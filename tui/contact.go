package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/laphets/resume/internal/safetext"
)

// Contact lets a visitor write to the owner from the Contact section. The
// server provides it (the tui never sees the store); nil leaves the
// section out.
type Contact struct {
	// Send stores a message and returns its id, or an error whose text
	// the visitor reads (a rate limit says when to try again). It runs in
	// a command, off the update loop.
	Send func(name, contact, body string) (id string, err error)
	// CheckContact says what is wrong with a way to reach the visitor
	// (an e-mail address, a phone number or a URL), or nil.
	CheckContact func(contact string) error
	// The fields' limits, in characters.
	MaxName, MaxContact, MaxBody int
}

// Form fields, in Tab order; fieldSend is the Send button.
const (
	fieldName = iota
	fieldContact
	fieldBody
	fieldSend
	fieldCount
)

// contactSentMsg is Send's answer.
type contactSentMsg struct {
	id  string
	err error
}

// contactForm is the Contact section: three bubbles inputs, a Send button
// and what happened to the last send. It draws into the pane like a page.
type contactForm struct {
	c       *Contact
	owner   string // whom the message is for
	name    textinput.Model
	contact textinput.Model
	body    textarea.Model
	focus   int
	touched [fieldSend]bool // the visitor has left the field: show its problem
	tried   bool            // Send was pressed: show every problem
	sending bool
	sentID  string
	sendErr string
	// confirm is set after esc on a form with unsent text: a second esc
	// discards it.
	confirm bool
	width   int
	focusY  int // the pane line of the focused field, to keep it in view
}

func newContactForm(c *Contact, owner string, st *Styles, dark bool) *contactForm {
	f := &contactForm{c: c, owner: owner}
	input := func(limit int) textinput.Model {
		ti := textinput.New()
		ti.Prompt = "› "
		// A bound on memory, not the limit: the counter shows a message
		// that is too long rather than cutting it silently.
		ti.CharLimit = 2 * limit
		ti.KeyMap.Paste.SetEnabled(false) // the server's clipboard, not the visitor's
		ts := textinput.DefaultStyles(dark)
		ts.Cursor.Blink = false // a blinking cursor is a timer per session
		ts.Focused.Prompt = st.Prompt
		ts.Focused.Text = lipgloss.NewStyle()
		ts.Blurred.Prompt = st.Muted
		ti.SetStyles(ts)
		return ti
	}
	f.name, f.contact = input(c.MaxName), input(c.MaxContact)
	ta := textarea.New()
	ta.CharLimit = 2 * c.MaxBody
	ta.ShowLineNumbers = false
	ta.Prompt = "│ "
	ta.KeyMap.Paste.SetEnabled(false)
	ts := textarea.DefaultStyles(dark)
	ts.Cursor.Blink = false
	// No background on the cursor line: it would be the only colour that
	// means something, and a no-colour terminal would lose it.
	ts.Focused.CursorLine = lipgloss.NewStyle()
	ts.Focused.Prompt = st.Prompt
	ts.Blurred.Prompt = st.Muted
	ts.Focused.EndOfBuffer, ts.Blurred.EndOfBuffer = lipgloss.NewStyle(), lipgloss.NewStyle()
	ta.SetStyles(ts)
	f.body = ta
	f.setFocus(fieldName)
	return f
}

// SetSize fits the form to the pane.
func (f *contactForm) SetSize(w, h int) {
	f.width = w
	f.name.SetWidth(max(w-4, 4))
	f.contact.SetWidth(max(w-4, 4))
	f.body.SetWidth(max(w, 8))
	// The message box takes what the pane has left over the other rows,
	// between 3 and 10 lines.
	f.body.SetHeight(min(max(h-12, 3), 10))
}

func (f *contactForm) setFocus(i int) {
	if f.focus != i && f.focus < fieldSend {
		f.touched[f.focus] = true
	}
	f.focus = (i + fieldCount) % fieldCount
	f.name.Blur()
	f.contact.Blur()
	f.body.Blur()
	switch f.focus {
	case fieldName:
		f.name.Focus()
	case fieldContact:
		f.contact.Focus()
	case fieldBody:
		f.body.Focus()
	}
}

// dirty reports whether there is typed text that was not sent.
func (f *contactForm) dirty() bool {
	return f.sentID == "" && (strings.TrimSpace(f.name.Value()) != "" ||
		strings.TrimSpace(f.contact.Value()) != "" || strings.TrimSpace(f.body.Value()) != "")
}

// problem is what is wrong with field i, or "".
func (f *contactForm) problem(i int) string {
	var v string
	var limit int
	switch i {
	case fieldName:
		v, limit = f.name.Value(), f.c.MaxName
	case fieldContact:
		v, limit = f.contact.Value(), f.c.MaxContact
	default:
		v, limit = f.body.Value(), f.c.MaxBody
	}
	return f.check(i, v, utf8.RuneCountInString(v), limit)
}

// check is problem for field i holding v, of n runes, at most limit.
func (f *contactForm) check(i int, v string, n, limit int) string {
	switch {
	case strings.TrimSpace(v) == "":
		return "required"
	case n > limit:
		return fmt.Sprintf("too long: %d characters, at most %d", n, limit)
	case i == fieldContact && f.c.CheckContact != nil && f.c.CheckContact(strings.TrimSpace(v)) != nil:
		return "an e-mail address, a phone number or an http(s) URL"
	}
	return ""
}

// formKeys are the form's own keys, for its footer.
var formKeys = struct{ Next, Prev, Send, Leave, Again, Field, Press key.Binding }{
	// Field: enter in a one-line field goes to the next; Press: on the
	// send button, enter or space sends.
	Field: binding("next field", "enter"),
	Press: binding("send, on the button", "enter", "space"),
	Next:  binding("next", "tab"),
	Prev:  binding("previous", "shift+tab"),
	Send:  binding("send", "ctrl+s"),
	Leave: binding("leave", "esc"),
	Again: binding("new", "n"),
}

// formShortHelp is the footer's bindings on a form being written or,
// with sent, one whose message has gone.
func formShortHelp(keys *KeyMap, sent bool) []key.Binding {
	if sent {
		return []key.Binding{short("back", keys.Accept), formKeys.Again, short("quit", keys.Interrupt)}
	}
	return []key.Binding{formKeys.Leave, formKeys.Next, formKeys.Send, formKeys.Prev, short("quit", keys.Interrupt)}
}

// update handles a key or a paste. leave is true when the visitor leaves
// the form (esc, with nothing unsent or a second esc).
func (f *contactForm) update(msg tea.Msg) (cmd tea.Cmd, leave bool, flash string) {
	if f.sending {
		return nil, false, ""
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		wasConfirm := f.confirm
		f.confirm = false
		switch {
		case key.Matches(k, formKeys.Leave):
			if f.dirty() && !wasConfirm {
				f.confirm = true
				return nil, false, "Unsent message: esc again discards it; any other key keeps it"
			}
			return nil, true, ""
		case f.sentID != "":
			if key.Matches(k, formKeys.Again) {
				f.reset()
				return nil, false, ""
			}
			if key.Matches(k, formKeys.Field) {
				return nil, true, ""
			}
			return nil, false, ""
		case key.Matches(k, formKeys.Next):
			f.setFocus(f.focus + 1)
			return nil, false, ""
		case key.Matches(k, formKeys.Prev):
			f.setFocus(f.focus - 1)
			return nil, false, ""
		case key.Matches(k, formKeys.Send), f.focus == fieldSend && key.Matches(k, formKeys.Press):
			return f.submit(), false, ""
		case key.Matches(k, formKeys.Field) && f.focus < fieldBody:
			f.setFocus(f.focus + 1)
			return nil, false, ""
		}
	}
	f.sendErr = ""
	switch f.focus {
	case fieldName:
		f.name, cmd = f.name.Update(msg)
	case fieldContact:
		f.contact, cmd = f.contact.Update(msg)
	case fieldBody:
		f.body, cmd = f.body.Update(msg)
	}
	return cmd, false, ""
}

func (f *contactForm) reset() {
	f.name.Reset()
	f.contact.Reset()
	f.body.Reset()
	f.touched = [fieldSend]bool{}
	f.tried, f.sentID, f.sendErr = false, "", ""
	f.focus = -1
	f.setFocus(fieldName)
}

// submit checks every field and, if all is well, sends.
func (f *contactForm) submit() tea.Cmd {
	f.tried = true
	for i := range fieldSend {
		if f.problem(i) != "" {
			f.setFocus(i)
			return nil
		}
	}
	f.sending = true
	name, contact, body := strings.TrimSpace(f.name.Value()), strings.TrimSpace(f.contact.Value()), f.body.Value()
	send := f.c.Send
	return func() tea.Msg {
		id, err := send(name, contact, body)
		return contactSentMsg{id: id, err: err}
	}
}

// sent takes Send's answer.
func (f *contactForm) sent(msg contactSentMsg) {
	f.sending = false
	if msg.err != nil {
		f.sendErr = safetext.Line(msg.err.Error())
		return
	}
	f.sentID = safetext.Line(msg.id)
}

// lines draws the form at the form's width.
func (f *contactForm) lines(st *Styles) []string {
	w := max(f.width, 8)
	var out []string
	add := func(ls ...string) { out = append(out, ls...) }
	if f.sentID != "" {
		add(styled("Sent. Thank you!", w, st.Heading)...)
		add("")
		add(wrap("Your message to "+f.owner+" is saved; they will answer at "+
			safetext.Line(strings.TrimSpace(f.contact.Value()))+".", w)...)
		add("")
		add(st.Muted.Render("Message id: ") + st.Key.Render(f.sentID))
		add("")
		add(wrap("enter or esc goes back to the résumé; n writes another message.", w)...)
		f.focusY = 0
		return out
	}
	add(wrap("Leave "+f.owner+" a message. Tab moves between the fields; ctrl+s sends.", w)...)
	field := func(i int, label string, limit int, value string, view string) {
		add("")
		mark := "  "
		if f.focus == i {
			mark = st.Prompt.Render("▸ ")
		}
		n := utf8.RuneCountInString(value)
		count := fmt.Sprintf("%d/%d", n, limit)
		head := mark + st.Title.Render(label)
		if pad := w - cellWidth(head) - len(count); pad >= 1 {
			cs := st.Muted
			if n > limit {
				cs = st.Flash
			}
			head += spaces(pad) + cs.Render(count)
		}
		add(cut(head, w))
		if f.focus == i {
			f.focusY = len(out) - 1
		}
		for _, l := range strings.Split(view, "\n") {
			add(cut(l, w))
		}
		// A field's problem shows once the visitor has left it, or at
		// once when typing has made it too long.
		if f.touched[i] || f.tried || n > limit {
			if p := f.check(i, value, n, limit); p != "" {
				for _, l := range indent(wrap(p, max(w-4, 4)), "  ✗ ", "    ") {
					add(st.Flash.Render(l))
				}
			}
		}
	}
	field(fieldName, "Your name", f.c.MaxName, f.name.Value(), f.name.View())
	label := "How to reach you (e-mail, phone or URL)"
	if cellWidth(label)+12 > w {
		label = "How to reach you"
	}
	field(fieldContact, label, f.c.MaxContact, f.contact.Value(), f.contact.View())
	field(fieldBody, "Message", f.c.MaxBody, f.body.Value(), f.body.View())
	add("")
	button := "[ Send ]"
	switch {
	case f.sending:
		button = st.Muted.Render("[ Sending… ]")
	case f.focus == fieldSend:
		button = st.Selected.Render("▸ Send ◂")
		f.focusY = len(out)
	}
	add(button)
	if f.sendErr != "" {
		add("")
		f.focusY = len(out) - 1
		for _, l := range wrap("Not sent: "+f.sendErr, w) {
			add(st.Flash.Render(l))
		}
	}
	return out
}
