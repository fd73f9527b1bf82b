package tui

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/laphets/resume/content"
)

// fakeSender records what the form sends.
type fakeSender struct {
	mu   sync.Mutex
	sent [][3]string
	err  error
}

func (f *fakeSender) contact() *Contact {
	return &Contact{
		Send: func(name, contact, body string) (string, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.err != nil {
				return "", f.err
			}
			f.sent = append(f.sent, [3]string{name, contact, body})
			return "abcdefghijklmnop", nil
		},
		CheckContact: func(c string) error {
			if !strings.Contains(c, "@") && !strings.HasPrefix(c, "https://") {
				return errors.New("bad contact")
			}
			return nil
		},
		MaxName: 100, MaxContact: 200, MaxBody: 4000,
	}
}

// typeText types s one key at a time, as a visitor does.
func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		name := string(r)
		if r == ' ' {
			name = "space"
		}
		send(m, press(t, name))
	}
}

// runCmd executes cmd and feeds its messages back, and what they lead
// to, as the program would.
func runCmd(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			runCmd(m, c)
		}
		return
	}
	if msg != nil {
		runCmd(m, send(m, msg))
	}
}

func TestContactForm(t *testing.T) {
	fs := &fakeSender{}
	m := New(content.Default(), Options{Width: 80, Height: 24, Profile: colorprofile.ASCII, Contact: fs.contact()})
	if !strings.Contains(plainView(m), "Contact") {
		t.Fatalf("no Contact tab:\n%s", plainView(m))
	}
	if !strings.Contains(plainView(m), "w write a message") {
		t.Errorf("the footer does not offer w:\n%s", plainView(m))
	}
	keys(t, m, "w")
	v := plainView(m)
	for _, want := range []string{"Leave Wenging Luo a message", "Your name", "0/100", "How to reach you", "0/200", "Message", "0/4000", "[ Send ]", "tab next"} {
		if !strings.Contains(v, want) {
			t.Errorf("form lacks %q:\n%s", want, v)
		}
	}
	// q, j and digits are text in the form, not commands.
	typeText(t, m, "Jane q Roe 3")
	if v := plainView(m); !strings.Contains(v, "Jane q Roe 3") || !strings.Contains(v, "12/100") {
		t.Fatalf("typing the name:\n%s", v)
	}
	keys(t, m, "tab")
	typeText(t, m, "not a contact")
	keys(t, m, "tab")
	if v := plainView(m); !strings.Contains(v, "✗ an e-mail address, a phone number or an http(s) URL") {
		t.Errorf("a bad contact is not flagged once left:\n%s", v)
	}
	// Sending now goes back to the first field with a problem.
	keys(t, m, "ctrl+s")
	if m.form.focus != fieldContact || len(fs.sent) != 0 {
		t.Fatalf("sent with a bad contact (focus %d, sent %v)", m.form.focus, fs.sent)
	}
	for range len("not a contact") {
		keys(t, m, "backspace")
	}
	typeText(t, m, "jane@example.com")
	keys(t, m, "tab")
	if v := plainView(m); !strings.Contains(v, "✗ required") && !strings.Contains(v, "Message") {
		t.Errorf("view:\n%s", v)
	}
	typeText(t, m, "Hello there")
	keys(t, m, "enter")
	typeText(t, m, "Second line")
	keys(t, m, "tab")
	if v := plainView(m); !strings.Contains(v, "▸ Send ◂") {
		t.Errorf("the Send button is not marked focused:\n%s", v)
	}
	cmd := keys(t, m, "enter")
	if cmd == nil {
		t.Fatal("Send gave no command")
	}
	if v := plainView(m); !strings.Contains(v, "Sending") {
		t.Errorf("no sending state:\n%s", v)
	}
	runCmd(m, cmd)
	if len(fs.sent) != 1 || fs.sent[0] != [3]string{"Jane q Roe 3", "jane@example.com", "Hello there\nSecond line"} {
		t.Fatalf("sent %q", fs.sent)
	}
	v = plainView(m)
	if !strings.Contains(v, "Sent. Thank you!") || !strings.Contains(v, "Message id: abcdefghijklmnop") {
		t.Fatalf("no confirmation with the id:\n%s", v)
	}
	keys(t, m, "enter")
	if m.onSection(contactID) {
		t.Error("enter after sending does not leave the form")
	}
}

func TestContactLeaveAsks(t *testing.T) {
	fs := &fakeSender{}
	m := New(content.Default(), Options{Width: 80, Height: 24, Contact: fs.contact()})
	keys(t, m, "3", "w")
	typeText(t, m, "Jane")
	keys(t, m, "esc")
	if !m.onSection(contactID) || !strings.Contains(plainView(m), "Unsent message: esc again discards it") {
		t.Fatalf("esc with unsent text left without asking:\n%s", plainView(m))
	}
	keys(t, m, "x") // any other key keeps it
	if !strings.Contains(plainView(m), "Janex") {
		t.Fatalf("the text was not kept:\n%s", plainView(m))
	}
	keys(t, m, "esc", "esc")
	if m.onSection(contactID) || m.info.sections[m.active].ID != content.SectionExperience {
		t.Errorf("two escs did not go back to where the visitor was (on %s)", m.info.sections[m.active].ID)
	}
	// An empty form leaves at once.
	keys(t, m, "w", "esc")
	if m.onSection(contactID) {
		t.Error("esc on an empty form did not leave")
	}
}

func TestContactSendError(t *testing.T) {
	fs := &fakeSender{err: errors.New("too many messages from your address; try again in 30 minutes")}
	m := New(content.Default(), Options{Width: 80, Height: 24, Contact: fs.contact()})
	keys(t, m, "w")
	typeText(t, m, "Jane")
	keys(t, m, "tab")
	typeText(t, m, "jane@example.com")
	keys(t, m, "tab")
	typeText(t, m, "Hi")
	runCmd(m, keys(t, m, "ctrl+s"))
	if v := plainView(m); !strings.Contains(v, "Not sent: too many messages from your address; try again in 30") {
		t.Fatalf("the refusal is not shown:\n%s", v)
	}
	if !m.form.dirty() {
		t.Error("a refused message was thrown away")
	}
}

func TestContactLimits(t *testing.T) {
	m := New(content.Default(), Options{Width: 80, Height: 24, Contact: (&fakeSender{}).contact()})
	keys(t, m, "w")
	send(m, tea.PasteMsg{Content: strings.Repeat("n", 120)})
	if v := plainView(m); !strings.Contains(v, "✗ too long: 120 characters, at most 100") {
		t.Errorf("too long is not shown while typing:\n%s", v)
	}
	keys(t, m, "tab")
	if v := plainView(m); !strings.Contains(v, "120/100") || !strings.Contains(v, "✗ too long: 120 characters, at most 100") {
		t.Errorf("a pasted name over the limit is not flagged:\n%s", v)
	}
}

func TestContactAbsentWithoutSender(t *testing.T) {
	m := New(content.Default(), Options{Width: 80, Height: 24})
	keys(t, m, "w")
	if strings.Contains(plainView(m), "Contact") && m.onSection(contactID) {
		t.Error("a Contact section without a sender")
	}
	if strings.Contains(plainView(m), "write a message") {
		t.Error("the footer offers w without a sender")
	}
}

// TestGoldenContact: the form at 80x24 and 40x12, in colour and none:
// empty, with a problem shown, and sent.
func TestGoldenContact(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {40, 12}} {
		for _, th := range []struct {
			name string
			prof colorprofile.Profile
		}{{"colour", colorprofile.TrueColor}, {"nocolour", colorprofile.ASCII}} {
			for _, state := range []string{"empty", "problem", "sent"} {
				name := fmt.Sprintf("%dx%d-%s-%s", sz[0], sz[1], th.name, state)
				t.Run(name, func(t *testing.T) {
					m := New(content.Default(), Options{Width: sz[0], Height: sz[1], Profile: th.prof, Contact: (&fakeSender{}).contact()})
					keys(t, m, "w")
					switch state {
					case "problem":
						typeText(t, m, "Jane Roe")
						keys(t, m, "tab")
						typeText(t, m, "jane")
						keys(t, m, "tab")
					case "sent":
						typeText(t, m, "Jane Roe")
						keys(t, m, "tab")
						typeText(t, m, "jane@example.com")
						keys(t, m, "tab")
						typeText(t, m, "Hello")
						runCmd(m, keys(t, m, "ctrl+s"))
					}
					checkFits(t, m, sz[0], sz[1], name)
					golden.RequireEqual(t, m.View().Content)
				})
			}
		}
	}
}

// TestContactProgram drives the form through a real Bubble Tea program.
func TestContactProgram(t *testing.T) {
	fs := &fakeSender{}
	m := New(content.Default(), Options{Width: 80, Height: 24, Contact: fs.contact()})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	waitFor(t, tm, "Wenging Luo")
	tm.Send(press(t, "w"))
	waitFor(t, tm, "How to reach you")
	for _, step := range []struct {
		text string
		key  string
	}{{"Jane", "tab"}, {"jane@example.com", "tab"}, {"Hello from the program", "tab"}} {
		for _, r := range step.text {
			k := string(r)
			if r == ' ' {
				k = "space"
			}
			tm.Send(press(t, k))
		}
		tm.Send(press(t, step.key))
	}
	waitFor(t, tm, "Send ◂")
	tm.Send(press(t, "enter"))
	waitFor(t, tm, "abcdefghijklmnop")
	tm.Send(press(t, "ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if len(fs.sent) != 1 || fs.sent[0][2] != "Hello from the program" {
		t.Errorf("sent %q", fs.sent)
	}
}

// fakeInbox is an owner's inbox in memory.
type fakeInbox struct {
	mu   sync.Mutex
	msgs []InboxMessage
}

func (f *fakeInbox) inbox() *Inbox {
	return &Inbox{
		List: func() ([]InboxMessage, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return append([]InboxMessage(nil), f.msgs...), nil
		},
		Read: func(id string) (InboxMessage, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			for i, m := range f.msgs {
				if m.ID == id {
					f.msgs[i].Unread = false
					return m, nil
				}
			}
			return InboxMessage{}, errors.New("no such message")
		},
		Delete: func(id string) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			for i, m := range f.msgs {
				if m.ID == id {
					f.msgs = append(f.msgs[:i], f.msgs[i+1:]...)
					return nil
				}
			}
			return errors.New("no such message")
		},
	}
}

func TestInboxSection(t *testing.T) {
	fi := &fakeInbox{msgs: []InboxMessage{
		{ID: "aaaaaaaaaaaaaaaa", From: "Jane Roe <jane@example.com>", Received: "2026-12-01 10:00 UTC", Body: "First\nmore", Sender: "via ssh from 192.0.2.1", Unread: true},
		{ID: "bbbbbbbbbbbbbbbb", From: "Richard Roe <https://example.com>", Received: "2026-11-30 09:00 UTC", Body: "Older", Sender: "via tui"},
	}}
	m := New(content.Default(), Options{Width: 80, Height: 24, Profile: colorprofile.ASCII, Inbox: fi.inbox()})
	i := m.sectionIndex(inboxID)
	if m.info.sections[i].ID != inboxID {
		t.Fatal("no Inbox section")
	}
	runCmd(m, send(m, tea.KeyPressMsg{Code: rune('1' + i), Text: string(rune('1' + i))}))
	v := plainView(m)
	if !strings.Contains(v, "2 messages, 1 unread") || !strings.Contains(v, "* 2026-12-01 10:00 UTC  Jane Roe") {
		t.Fatalf("inbox list:\n%s", v)
	}
	runCmd(m, keys(t, m, "enter"))
	v = plainView(m)
	if !strings.Contains(v, "From:     Jane Roe <jane@example.com>") || !strings.Contains(v, "more") {
		t.Fatalf("open message:\n%s", v)
	}
	runCmd(m, keys(t, m, "esc"))
	if v := plainView(m); !strings.Contains(v, "2 messages, 0 unread") {
		t.Errorf("after reading, still unread:\n%s", v)
	}
	keys(t, m, "down", "d")
	if v := plainView(m); !strings.Contains(v, "Delete the message from Richard Roe") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	keys(t, m, "n")
	if len(fi.msgs) != 2 {
		t.Fatal("deleted without a yes")
	}
	keys(t, m, "d")
	runCmd(m, keys(t, m, "y"))
	if len(fi.msgs) != 1 || fi.msgs[0].ID != "aaaaaaaaaaaaaaaa" {
		t.Fatalf("after y: %+v", fi.msgs)
	}
	if v := plainView(m); !strings.Contains(v, "1 message, 0 unread") {
		t.Errorf("list after delete:\n%s", v)
	}
}
