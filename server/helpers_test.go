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
	"testing"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
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

// testServer is a server listening on 127.0.0.1:0.
type testServer struct {
	*Server
	addr string
	logs *testutil.Buffer
	done chan error // Serve's result
}

// newTestServer builds a server from cfg and opts without serving yet, so
// that a test may change it first.
func newTestServer(t *testing.T, cfg Config, opts ...Option) *testServer {
	t.Helper()
	logs := &testutil.Buffer{}
	s, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testServer{Server: s, logs: logs}
}

// serve starts ts on a fresh listener and closes it when the test ends.
func (ts *testServer) serve(t testing.TB) *testServer {
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
		if err := <-ts.done; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
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
	return runInput(t, c, cmd, nil)
}

// runInput is run with stdin as the session's input (nil for none).
func runInput(t *testing.T, c *gossh.Client, cmd string, stdin io.Reader) result {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr = &out, &errOut
	if stdin != nil {
		s.Stdin = stdin
	}
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

// ptySession is an interactive session with a PTY.
type ptySession struct {
	*gossh.Session
	out   *testutil.Buffer
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
	p := &ptySession{Session: s, out: &testutil.Buffer{}, done: make(chan error, 1), start: time.Now()}
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
	if !testutil.Poll(within, func() bool { return strings.Contains(p.out.String(), want) }) {
		t.Fatalf("no %q on screen within %s; got:\n%q", want, within, p.out.String())
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

func goroutines() int { return runtime.NumGoroutine() }

// waitGoroutines polls until no more goroutines run than baseline, and
// shows the stacks when they do not.
func waitGoroutines(t *testing.T, baseline int) {
	t.Helper()
	if !testutil.Poll(5*time.Second, func() bool { return goroutines() <= baseline }) {
		var b strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Fatalf("%d goroutines, baseline %d:\n%s", goroutines(), baseline, b.String())
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
