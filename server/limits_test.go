package server

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/internal/testutil"
)

// readRefusal connects from local and returns the first line the server
// sends, or "" if it sends none before closing.
func readRefusal(t *testing.T, addr, local string) string {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(nc).ReadString('\n')
	return strings.TrimSpace(line)
}

// TestPerAddressCap fills one address's connections and checks that it is
// refused, with a reason, while a second address is still served.
func TestPerAddressCap(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = 3
	ts := startServer(t, cfg)

	for range 3 {
		c := ts.dial(t)
		if got := run(t, c, "version"); got.exit != 0 {
			t.Fatalf("exit %d", got.exit)
		}
	}
	if _, err := ts.dialFrom("127.0.0.1"); err == nil {
		t.Fatal("a fourth connection from 127.0.0.1 was accepted")
	}
	if line := readRefusal(t, ts.addr, "127.0.0.1"); !strings.Contains(line, "too many connections from your address") {
		t.Errorf("refused visitor read %q", line)
	}
	other, err := ts.dialFrom("127.0.0.2")
	if err != nil {
		t.Fatalf("127.0.0.2 refused while 127.0.0.1 is at its cap: %v", err)
	}
	defer other.Close()
	if got := run(t, other, "version"); got.exit != 0 {
		t.Fatalf("127.0.0.2: exit %d", got.exit)
	}
	if !strings.Contains(ts.logs.String(), "reason="+admission.AddrConns.String()) {
		t.Errorf("no refusal logged:\n%s", ts.logs)
	}
}

// TestSessionCaps checks the per-connection and per-address session caps.
func TestSessionCaps(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerConn = 2
	cfg.MaxSessionsPerIP = 3
	ts := startServer(t, cfg)
	c := ts.dial(t)
	var open []io.Closer
	for i := range 2 {
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		open = append(open, s)
	}
	_, err := c.NewSession()
	if err == nil || !strings.Contains(err.Error(), "too many sessions on this connection") {
		t.Fatalf("third session on one connection: %v", err)
	}
	// A second connection from the same address may open one more (3 per
	// address), then no more.
	c2 := ts.dial(t)
	s, err := c2.NewSession()
	if err != nil {
		t.Fatalf("third session from the address: %v", err)
	}
	open = append(open, s)
	if _, err := c2.NewSession(); err == nil || !strings.Contains(err.Error(), "too many sessions from your address") {
		t.Fatalf("fourth session from the address: %v", err)
	}
	for _, s := range open {
		_ = s.Close()
	}
	// Once closed, the slots come back.
	testutil.Eventually(t, 5*time.Second, "session slots released", func() bool { return ts.openSessions.Load() == 0 })
	if got := run(t, c, "version"); got.exit != 0 {
		t.Fatalf("after closing: exit %d", got.exit)
	}
}

// TestConnectionRate refuses an address over its connection rate, before
// the handshake, and serves another address meanwhile.
func TestConnectionRate(t *testing.T) {
	cfg := testConfig(t)
	cfg.RatePerIP = 0.001
	cfg.BurstPerIP = 2
	ts := startServer(t, cfg)
	for range 2 {
		c, err := ts.dialFrom("127.0.0.1")
		if err != nil {
			t.Fatalf("within the burst: %v", err)
		}
		_ = c.Close()
	}
	if line := readRefusal(t, ts.addr, "127.0.0.1"); !strings.Contains(line, "too many new connections") {
		t.Errorf("over the rate, the visitor read %q", line)
	}
	c, err := ts.dialFrom("127.0.0.2")
	if err != nil {
		t.Fatalf("another address refused: %v", err)
	}
	_ = c.Close()
}

// TestGlobalCap refuses every address once the server is full of
// visitors; connections that sit silent in the handshake make room for new
// ones instead.
func TestGlobalCap(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessions = 3
	cfg.MaxSessionsPerIP = 3
	ts := startServer(t, cfg)

	// Three silent connections fill the server...
	var silent []net.Conn
	for range 3 {
		nc, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		silent = append(silent, nc)
	}
	testutil.Eventually(t, 5*time.Second, "silent connections admitted", func() bool { return ts.gate.Open() == 3 })
	// ...yet a visitor from another address gets in, in place of the oldest.
	c, err := ts.dialFrom("127.0.0.2")
	if err != nil {
		t.Fatalf("visitor refused while the server held only silent connections: %v", err)
	}
	defer c.Close()
	if got := run(t, c, "version"); got.exit != 0 {
		t.Fatalf("exit %d", got.exit)
	}
	_ = silent[0].SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, silent[0]); err != nil {
		t.Errorf("the oldest silent connection was not closed: %v", err)
	}

	// With every slot held by visitors, a newcomer is refused.
	for _, nc := range silent[1:] {
		nc.Close()
	}
	testutil.Eventually(t, 5*time.Second, "silent connections gone", func() bool { return ts.gate.Open() == 1 })
	ts.dial(t)
	ts.dial(t)
	if line := readRefusal(t, ts.addr, "127.0.0.3"); !strings.Contains(line, "server is busy") {
		t.Errorf("full server: visitor read %q", line)
	}
}

// TestHandshakeTimeout closes a TCP connection that never speaks SSH.
func TestHandshakeTimeout(t *testing.T) {
	cfg := testConfig(t)
	cfg.HandshakeTimeout = 300 * time.Millisecond
	ts := startServer(t, cfg)
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	start := time.Now()
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, nc) // the server's version line, then EOF
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("closed after %s", d)
	}
	testutil.Eventually(t, 5*time.Second, "handshake failure logged", func() bool {
		return strings.Contains(ts.logs.String(), `msg="handshake failed"`) &&
			strings.Contains(ts.logs.String(), "reason=timeout")
	})
	testutil.Eventually(t, 5*time.Second, "connection released", func() bool { return ts.gate.Open() == 0 })
}

// TestRefusalLinesAreOneLine keeps the refusal texts short, single lines.
func TestRefusalLinesAreOneLine(t *testing.T) {
	for _, reason := range admission.Refusals() {
		msg := reason.Message()
		if line := "resume: " + msg; strings.ContainsAny(msg, "\r\n") || len(line) > 100 {
			t.Errorf("%s: %q", reason, line)
		}
	}
}
