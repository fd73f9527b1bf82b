package server

import (
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/tui"
)

// TestLimitBytes: a flood passes its burst and what the rate refills while
// it lasts; the rest is read and dropped, not kept waiting.
func TestLimitBytes(t *testing.T) {
	var dropped atomic.Int64
	in := strings.Repeat("j", 4*inputBurst)
	start := time.Now()
	got, err := io.ReadAll(limitBytes(strings.NewReader(in), &dropped))
	if err != nil {
		t.Fatal(err)
	}
	allowed := inputBurst + int(inputRate*time.Since(start).Seconds()) + 1
	if len(got) < inputBurst || len(got) > allowed {
		t.Errorf("%d bytes passed of %d; burst %d, allowed %d", len(got), len(in), inputBurst, allowed)
	}
	if int(dropped.Load()) != len(in)-len(got) {
		t.Errorf("dropped %d, want %d", dropped.Load(), len(in)-len(got))
	}
}

// TestLimitEvents: events beyond the burst are dropped at once, and a
// moment later the next passes.
func TestLimitEvents(t *testing.T) {
	var passed []tea.Msg
	var dropped atomic.Int64
	send := limitEvents(func(m tea.Msg) { passed = append(passed, m) }, &dropped)
	for range 3 * inputEventBurst {
		send(tea.KeyPressMsg{Code: 'j'})
	}
	if n := len(passed); n < inputEventBurst || n > inputEventBurst+5 {
		t.Errorf("%d of %d events at once passed; burst %d", n, 3*inputEventBurst, inputEventBurst)
	}
	if int(dropped.Load()) != 3*inputEventBurst-len(passed) {
		t.Errorf("dropped %d", dropped.Load())
	}
	before := len(passed)
	testutil.Eventually(t, time.Second, "an event a moment later passes", func() bool {
		send(tea.KeyPressMsg{Code: 'q'})
		return len(passed) > before
	})
}

// TestSizeReportsDropped: window sizes typed into the input never become
// events; other input around them does.
func TestSizeReportsDropped(t *testing.T) {
	var got []string
	in := inputDecoder{send: func(m tea.Msg) {
		if s, ok := m.(interface{ String() string }); ok {
			got = append(got, s.String())
		} else {
			got = append(got, "?")
		}
	}}
	in.feed([]byte("a\x1b[8;1000;1000t\x1b[48;900;900;0;0t\x1b[4;2000;2000t\x1b[6;20;10tb"), true)
	if strings.Join(got, "|") != "a|b" {
		t.Errorf("events %q, want a and b only", got)
	}
}

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
	ts := newTestServer(t, testConfig(t))
	rec := &recorder{}
	ts.newModel = func(*content.Resume, tui.Options) tea.Model { return rec }
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
