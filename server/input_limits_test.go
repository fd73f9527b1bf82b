package server

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/tui"
)

// recorder is a model that keeps every message it is given.
type recorder struct {
	mu   sync.Mutex
	msgs []tea.Msg
}

func (r *recorder) Init() tea.Cmd { return nil }
func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	r.mu.Lock()
	r.msgs = append(r.msgs, msg)
	r.mu.Unlock()
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return r, tea.Quit
	}
	return r, nil
}
func (r *recorder) View() tea.View { return tea.NewView("recording") }

func (r *recorder) seen(match func(tea.Msg) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if match(m) {
			return true
		}
	}
	return false
}

// TestTUIInputOverSSH: over a real session, the program gets the
// visitor's keys, the terminal's background answer and the window-change
// size; size reports typed into the input never reach it.
func TestTUIInputOverSSH(t *testing.T) {
	rec := &recorder{}
	ts := newTestServer(t, testConfig(t), WithModel(func(*content.Resume, tui.Options) tea.Model { return rec }))
	ts.serve(t)
	c := ts.dial(t)
	p := openPTY(t, c, "", 80, 24)
	p.waitFor(t, "recording", 5*time.Second)
	_, _ = p.in.Write([]byte("\x1b]11;rgb:ffff/ffff/ffff\x1b\\"))
	_, _ = p.in.Write([]byte("\x1b[8;1000;1000t\x1b[48;900;900;0;0t"))
	_ = windowChange(p.Session, 100, 30)
	_, _ = p.in.Write([]byte("x"))
	testutil.Eventually(t, 5*time.Second, "the key and the window change reach the model", func() bool {
		return rec.seen(func(m tea.Msg) bool { k, ok := m.(tea.KeyPressMsg); return ok && k.String() == "x" }) &&
			rec.seen(func(m tea.Msg) bool { return m == tea.WindowSizeMsg{Width: 100, Height: 30} })
	})
	if !rec.seen(func(m tea.Msg) bool { bg, ok := m.(tea.BackgroundColorMsg); return ok && !bg.IsDark() }) {
		t.Error("the terminal's background answer did not reach the model")
	}
	if rec.seen(func(m tea.Msg) bool { w, ok := m.(tea.WindowSizeMsg); return ok && w.Width > 100 }) {
		t.Error("a size report typed into the input reached the model")
	}
	_, _ = p.in.Write([]byte("q"))
	if code := p.waitExit(t, 5*time.Second); code != 0 {
		t.Errorf("exit %d", code)
	}
}
