package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// testConfig is a configuration for tests: a fresh data directory, limits
// loose enough not to get in the way, timeouts long enough not to fire
// unless a test shortens them.
func testConfig(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.RatePerIP = 1000
	cfg.BurstPerIP = 1000
	cfg.MaxSessionsPerIP = 100
	cfg.HandshakeTimeout = 10 * time.Second
	cfg.IdleTimeout = time.Minute
	cfg.MaxSession = time.Minute
	return cfg
}

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServer is a server listening on 127.0.0.1:0.
type testServer struct {
	*Server
	addr string
	logs *logBuffer
	done chan error // Serve's result
}

// newTestServer builds a server from cfg without serving yet, so that a
// test may change it first.
func newTestServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	logs := &logBuffer{}
	s, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testServer{Server: s, logs: logs}
}

// serve starts ts on a fresh listener and closes it when the test ends.
func (ts *testServer) serve(t *testing.T) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	ts.done = make(chan error, 1)
	go func() { ts.done <- ts.Serve(ln) }()
	t.Cleanup(func() {
		_ = ts.Close()
		<-ts.done
		if t.Failed() {
			t.Logf("server log:\n%s", ts.logs.String())
		}
	})
	return ts
}

// startServer builds and serves a server from cfg.
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	return newTestServer(t, cfg).serve(t)
}

// clientConfig authenticates with "none", as a visitor without keys does.
func (ts *testServer) clientConfig(user string) *gossh.ClientConfig {
	return &gossh.ClientConfig{
		User:            user,
		HostKeyCallback: gossh.FixedHostKey(ts.HostKey()),
		Timeout:         10 * time.Second,
	}
}

// dial connects from 127.0.0.1.
func (ts *testServer) dial(t *testing.T) *gossh.Client {
	t.Helper()
	c, err := ts.dialFrom("127.0.0.1")
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// dialFrom connects from the given loopback address (127.0.0.2 is a second
// visitor).
func (ts *testServer) dialFrom(local string) (*gossh.Client, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	nc, err := d.Dial("tcp", ts.addr)
	if err != nil {
		return nil, err
	}
	cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, ts.clientConfig("visitor"))
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	return gossh.NewClient(cc, chans, reqs), nil
}

// result is what a session printed and how it exited.
type result struct {
	stdout, stderr string
	exit           int
}

// run runs cmd ("" for a shell) without a PTY and waits for it to end.
func run(t *testing.T, c *gossh.Client, cmd string) result {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr = &out, &errOut
	if cmd == "" {
		err = s.Shell()
		if err == nil {
			err = s.Wait()
		}
	} else {
		err = s.Run(cmd)
	}
	return result{out.String(), errOut.String(), exitStatus(t, err)}
}

func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *gossh.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitStatus()
	}
	t.Fatalf("session: %v", err)
	return -1
}

// screen collects what a PTY session prints, for polling.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// Cap is the bytes the buffer holds on the heap: tests that measure the
// heap take it off, since the client's copy of the output is not the
// server's memory.
func (s *screen) Cap() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Cap()
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// ptySession is an interactive session with a PTY.
type ptySession struct {
	*gossh.Session
	out   *screen
	in    io.WriteCloser
	done  chan error // Wait's result
	start time.Time
}

// openPTY starts cmd ("" for a shell) on a PTY of cols x rows.
func openPTY(t *testing.T, c *gossh.Client, cmd string, cols, rows int) *ptySession {
	t.Helper()
	p := startPTY(t, c, cmd, cols, rows)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// startPTY is openPTY without closing the session when the test ends, for
// tests that open so many that the cleanups would hold them all.
func startPTY(t *testing.T, c *gossh.Client, cmd string, cols, rows int) *ptySession {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	if err := s.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	p := &ptySession{Session: s, out: &screen{}, done: make(chan error, 1), start: time.Now()}
	s.Stdout = p.out
	s.Stderr = p.out
	if p.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if cmd == "" {
		err = s.Shell()
	} else {
		err = s.Start(cmd)
	}
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	go func() { p.done <- s.Wait() }()
	return p
}

// waitFor polls until the session has printed want.
func (p *ptySession) waitFor(t *testing.T, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(p.out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on screen within %s; got:\n%q", want, within, p.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitExit waits for the session to end and returns its exit status.
func (p *ptySession) waitExit(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		return exitStatus(t, err)
	case <-time.After(within):
		t.Fatalf("session still open after %s; screen:\n%q", within, p.out.String())
	}
	return -1
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func goroutines() int { return runtime.NumGoroutine() }

// waitGoroutines polls until no more goroutines run than baseline, and
// shows the stacks when they do not.
func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for goroutines() > baseline {
		if time.Now().After(deadline) {
			var b strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("%d goroutines, baseline %d:\n%s", goroutines(), baseline, b.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
