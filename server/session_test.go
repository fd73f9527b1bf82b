package server

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/tui"
)

// tickModel redraws every 20ms on its own, like an animated TUI: the
// server's output must not count as the visitor's activity.
type tickModel struct {
	n      int
	frames *atomic.Int64
}

type tickMsg struct{}

func tick() tea.Msg { time.Sleep(20 * time.Millisecond); return tickMsg{} }

func (m *tickModel) Init() tea.Cmd { return tick }
func (m *tickModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		m.n++
		return m, tick
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m *tickModel) View() tea.View {
	m.frames.Add(1)
	return tea.NewView(fmt.Sprintf("frame %d", m.n))
}

func TestIdleTimeoutCountsOnlyInput(t *testing.T) {
	cfg := testConfig(t)
	cfg.IdleTimeout = time.Second
	var frames atomic.Int64
	ts := newTestServer(t, cfg, WithModel(func(*content.Resume, tui.Options) tea.Model { return &tickModel{frames: &frames} }))
	ts.serve(t)
	c := ts.dial(t)

	t.Run("typing keeps it open", func(t *testing.T) {
		p := openPTY(t, c, "", 80, 24)
		p.waitFor(t, "frame", 5*time.Second)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for time.Since(p.start) < 3*cfg.IdleTimeout {
			<-tick.C
			if _, err := p.in.Write([]byte("x")); err != nil {
				t.Fatalf("session closed while the visitor was typing: %v", err)
			}
			select {
			case err := <-p.done:
				t.Fatalf("session ended while the visitor was typing: %v", err)
			default:
			}
		}
		_, _ = p.in.Write([]byte("q"))
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Errorf("exit %d", code)
		}
	})
	t.Run("drawing does not", func(t *testing.T) {
		frames.Store(0)
		p := openPTY(t, c, "", 80, 24)
		testutil.Eventually(t, 5*time.Second, "the model draws", func() bool { return frames.Load() > 5 })
		code := p.waitExit(t, 5*time.Second)
		if code != 0 {
			t.Errorf("exit %d, want 0", code)
		}
		if d := time.Since(p.start); d < cfg.IdleTimeout {
			t.Errorf("closed after %s, before the idle timeout", d)
		}
		p.waitFor(t, endIdle.goodbye(), time.Second)
	})
}

func TestIdleConnectionWithoutSession(t *testing.T) {
	cfg := testConfig(t)
	cfg.IdleTimeout = 300 * time.Millisecond
	ts := startServer(t, cfg)
	c := ts.dial(t)
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }() // the end is awaited, not its status
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a connection with no session was not closed at the idle timeout")
	}
}

func TestMaxSessionTime(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSession = 700 * time.Millisecond
	ts := startServer(t, cfg)
	c := ts.dial(t)
	p := openPTY(t, c, "", 80, 24)
	p.waitFor(t, "Wenging Luo", 5*time.Second)
	// Keep typing: the limit applies anyway.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-p.done:
			if code := exitStatus(t, err); code != 0 {
				t.Errorf("exit %d", code)
			}
			if !strings.Contains(p.out.String(), endMaxTime.goodbye()) {
				t.Errorf("no time-limit message; screen %q", p.out.String())
			}
			if d := time.Since(p.start); d < 600*time.Millisecond {
				t.Errorf("ended after %s, before the limit", d)
			}
			return
		case <-tick.C:
			_, _ = p.in.Write([]byte("\t"))
			if time.Since(p.start) > 10*time.Second {
				t.Fatal("session outlived its maximum time")
			}
		}
	}
}

// panicModel panics where it is told to.
type panicModel struct{ where string }

func (m *panicModel) Init() tea.Cmd {
	if m.where == "init" {
		panic("boom in init")
	}
	return nil
}

func (m *panicModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "u":
			panic("boom in update")
		case "c":
			return m, func() tea.Msg { panic("boom in a command") }
		case "b":
			return m, tea.Batch(nil, func() tea.Msg { panic("boom in a batch") })
		case "v":
			m.where = "view"
		}
	}
	return m, nil
}

func (m *panicModel) View() tea.View {
	if m.where == "view" {
		panic("boom in view")
	}
	return tea.NewView("ready to panic")
}

func TestPanicEndsOnlyTheSession(t *testing.T) {
	ts := newTestServer(t, testConfig(t), WithModel(func(_ *content.Resume, o tui.Options) tea.Model {
		switch o.Section {
		case "experience":
			panic("boom in the handler")
		case "overview":
			return &panicModel{where: "init"}
		}
		return &panicModel{}
	}))
	ts.serve(t)
	c := ts.dial(t)
	cases := []struct{ name, cmd, key string }{
		{"handler", "experience", ""},
		{"init", "overview", ""},
		{"update", "", "u"},
		{"command", "", "c"},
		{"batch", "", "b"},
		{"view", "", "v"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := openPTY(t, c, tc.cmd, 80, 24)
			if tc.key != "" {
				p.waitFor(t, "ready to panic", 5*time.Second)
				_, _ = p.in.Write([]byte(tc.key))
			}
			if code := p.waitExit(t, 5*time.Second); code != 1 {
				t.Errorf("exit %d after a panic, want 1", code)
			}
			if got := run(t, c, "version"); got.exit != 0 {
				t.Fatalf("server not serving after a panic: exit %d", got.exit)
			}
		})
	}
	logs := ts.logs.String()
	if n := strings.Count(logs, `msg="session panic"`); n < len(cases) {
		t.Errorf("%d panics logged, want %d:\n%s", n, len(cases), logs)
	}
	if !strings.Contains(logs, "stack=") || !strings.Contains(logs, "goroutine") {
		t.Errorf("panic logged without its stack")
	}
}

// TestRefusedRequests: port forwarding both ways, agent forwarding, X11 and
// subsystems are refused, and nothing is left behind.
func TestRefusedRequests(t *testing.T) {
	ts := startServer(t, testConfig(t))
	baseline := goroutines()
	c := ts.dial(t)

	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Error("remote forwarding (-R) accepted")
	}
	if nc, err := c.Dial("tcp", ts.addr); err == nil {
		nc.Close()
		t.Error("local forwarding (-L) accepted")
	}
	for _, typ := range []string{"x11", "auth-agent@openssh.com"} {
		if ch, _, err := c.OpenChannel(typ, nil); err == nil {
			ch.Close()
			t.Errorf("channel %s accepted", typ)
		}
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestSubsystem("sftp"); err == nil {
		t.Error("sftp subsystem accepted")
	}
	s.Close()
	s, err = c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []struct {
		name    string
		payload []byte
	}{
		{"auth-agent-req@openssh.com", nil},
		{"x11-req", gossh.Marshal(struct {
			Single   bool
			Protocol string
			Cookie   string
			Screen   uint32
		}{false, "MIT-MAGIC-COOKIE-1", "00", 0})},
		{"subsystem", gossh.Marshal(struct{ Name string }{"sftp"})},
	} {
		if ok, err := s.SendRequest(req.name, true, req.payload); err != nil || ok {
			t.Errorf("%s: accepted=%v err=%v", req.name, ok, err)
		}
	}
	// The session still works after the refusals.
	var out strings.Builder
	s.Stdout = &out
	if err := s.Run("version"); err != nil || !strings.HasPrefix(out.String(), "resume ") {
		t.Fatalf("version after refusals: %v %q", err, out.String())
	}
	testutil.Eventually(t, 5*time.Second, "sessions released", func() bool { return ts.openSessions.Load() == 0 })
	_ = c.Close() // the client keeps goroutines for forwarded channels
	waitGoroutines(t, baseline)
}

// TestEnvCaps: env requests beyond the caps are refused, not stored.
func TestEnvCaps(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	accepted := 0
	for i := range 100 {
		if s.Setenv(fmt.Sprintf("V%d", i), "x") == nil {
			accepted++
		}
	}
	if accepted != maxEnvVars {
		t.Errorf("%d env requests accepted, want the cap %d", accepted, maxEnvVars)
	}
	s2, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Setenv("BIG", strings.Repeat("x", 100<<10)) == nil {
		t.Error("a 100 KiB env value was accepted")
	}
	if s2.Setenv("bad name", "x") == nil || s2.Setenv("X\x1b", "x") == nil {
		t.Error("an invalid env name was accepted")
	}
	if s2.Setenv("LANG", "C.UTF-8") != nil {
		t.Error("LANG refused")
	}
}

// windowChange sends a window-change request for cols x rows.
func windowChange(s *gossh.Session, cols, rows uint32) error {
	var p [16]byte
	binary.BigEndian.PutUint32(p[0:], cols)
	binary.BigEndian.PutUint32(p[4:], rows)
	_, err := s.SendRequest("window-change", false, p[:])
	return err
}

// TestWindowChangeFlood: absurd and rapid window changes neither crash the
// session nor stop it from answering.
func TestWindowChangeFlood(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	p := openPTY(t, c, "", 80, 24)
	p.waitFor(t, "Wenging Luo", 5*time.Second)
	sizes := [][2]uint32{{0, 0}, {1, 1}, {65535, 65535}, {1 << 31, 7}}
	for i := range 10000 {
		sz := sizes[i%len(sizes)]
		if i%len(sizes) == 3 {
			sz = [2]uint32{uint32(20 + i%200), uint32(5 + i%60)}
		}
		if err := windowChange(p.Session, sz[0], sz[1]); err != nil {
			t.Fatalf("window change %d: %v", i, err)
		}
	}
	if err := windowChange(p.Session, 100, 30); err != nil {
		t.Fatal(err)
	}
	_, _ = p.in.Write([]byte("\t")) // still answers keys
	_, _ = p.in.Write([]byte("q"))
	if code := p.waitExit(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// TestClosedChannelEndsProgram: a visitor who closes the session channel
// but keeps the connection ends the program promptly, leaving nothing.
func TestClosedChannelEndsProgram(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	run(t, c, "version") // the connection's goroutines are all up
	baseline := goroutines()
	p := openPTY(t, c, "", 80, 24)
	p.waitFor(t, "Wenging Luo", 5*time.Second)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 2*time.Second, "session released", func() bool { return ts.openSessions.Load() == 0 })
	waitGoroutines(t, baseline)
	if got := run(t, c, "version"); got.exit != 0 { // the connection still works
		t.Fatalf("exit %d", got.exit)
	}
}

// TestGoroutinesReturnToBaseline runs every kind of session and checks
// that nothing is left running once the visitors have gone.
func TestGoroutinesReturnToBaseline(t *testing.T) {
	ts := startServer(t, testConfig(t))
	baseline := goroutines()
	for range 3 {
		c, err := ts.dialFrom("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"", "json", "text --width 50", "nope"} {
			run(t, c, cmd)
		}
		p := openPTY(t, c, "", 80, 24)
		p.waitFor(t, "Wenging Luo", 5*time.Second)
		_ = windowChange(p.Session, 120, 40)
		_, _ = p.in.Write([]byte("q"))
		p.waitExit(t, 5*time.Second)
		p2 := openPTY(t, c, "", 80, 24) // left open when the client goes
		p2.waitFor(t, "Wenging Luo", 5*time.Second)
		_ = c.Close()
	}
	testutil.Eventually(t, 5*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	waitGoroutines(t, baseline)
}
