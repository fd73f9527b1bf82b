//go:build unix

package server

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/teahost"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/tui"
)

// Helpers of the hostile-client suite (hostile_test.go and, with the
// hostile build tag, hostile_slow_test.go). Measurements are of the whole
// test process, clients included; each test keeps its own clients quiet
// while it measures.

// figure logs a measured figure in one greppable form: docs/security.md
// quotes them (go test -v -run Hostile ./server | grep figure:).
func figuref(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Logf("figure: "+format, args...)
}

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOver measures the CPU time the process uses over the next d: the
// measuring window itself, not a wait for anything to happen.
func cpuOver(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	start := cpuTime(t)
	<-time.After(d)
	return cpuTime(t) - start
}

// heapAfterGC is the live heap, after collecting garbage.
func heapAfterGC() uint64 {
	runtime.GC()
	debug.FreeOSMemory() // a second, full collection that also returns memory
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// raiseFileLimit makes sure the process may hold n descriptors.
func raiseFileLimit(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		t.Skipf("RLIMIT_NOFILE hard limit %d is below the %d the test needs", lim.Max, n)
	}
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("raise RLIMIT_NOFILE to %d: %v", n, err)
	}
}

// mib formats a byte count (which may be negative) in MiB.
func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

// rawClient is an SSH client together with its TCP connection, so that a
// test can cut the connection as a crashed client would.
type rawClient struct {
	*gossh.Client
	nc net.Conn
}

// dialRaw connects from local with user name user.
func (ts *testServer) dialRaw(t *testing.T, local string) *rawClient {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	nc, err := d.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", local, err)
	}
	cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, ts.clientConfig("visitor"))
	if err != nil {
		_ = nc.Close()
		t.Fatalf("handshake from %s: %v", local, err)
	}
	c := &rawClient{Client: gossh.NewClient(cc, chans, reqs), nc: nc}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// settled runs one command on c, so that both ends have started every
// goroutine a connection has: a goroutine baseline taken after it holds.
func (c *rawClient) settled(t *testing.T) *rawClient {
	t.Helper()
	if got := run(t, c.Client, "version"); got.exit != 0 {
		t.Fatalf("version: exit %d", got.exit)
	}
	return c
}

// silentConn opens a TCP connection from local that never sends a byte.
func silentConn(addr, local string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	return d.Dial("tcp", addr)
}

// visit is one real visitor from local: connect, run version, leave. It
// returns how long that took.
func (ts *testServer) visit(t *testing.T, local string) time.Duration {
	t.Helper()
	start := time.Now()
	c, err := ts.dialFrom(local)
	if err != nil {
		t.Fatalf("visitor from %s refused: %v", local, err)
	}
	defer c.Close()
	if got := run(t, c, "version"); got.exit != 0 || !strings.HasPrefix(got.stdout, "resume ") {
		t.Fatalf("visitor from %s: exit %d %q %q", local, got.exit, got.stdout, got.stderr)
	}
	return time.Since(start)
}

// mark is how much a PTY session has printed so far.
func (p *ptySession) mark() int { return len(p.out.String()) }

// waitForAfter polls until the session prints want after mark.
func (p *ptySession) waitForAfter(t *testing.T, mark int, want string, within time.Duration) {
	t.Helper()
	if !testutil.Poll(within, func() bool { return strings.Contains(p.out.String()[mark:], want) }) {
		s := p.out.String()[mark:]
		if len(s) > 2000 {
			s = s[len(s)-2000:]
		}
		t.Fatalf("no %q on screen within %s; the end of what it printed:\n%q", want, within, s)
	}
}

// usable checks that a TUI session still answers the visitor: the help
// screen opens on "?" and q ends the session with exit status 0.
func (p *ptySession) usable(t *testing.T) {
	t.Helper()
	if p.answers(t) {
		t.Fatalf("the session ended before it was asked anything")
	}
}

// answers is usable for a session that may have ended on its own before
// (the hostile input held a q): it reports whether it had, with exit 0.
//
// Once the session has gone quiet (its screen unchanged for 150 ms: the
// input before has been dealt with, and an unfinished sequence in it has
// timed out), it sends the end of any paste, esc (in its unambiguous CSI u
// form) twice to close whatever is open, and "?"; when the help shows, q.
// It tries again while nothing answers: right after a flood the session's
// input budget (inputEventRate) may still be spent, and keys dropped.
func (p *ptySession) answers(t *testing.T) (ended bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	exited := func(within time.Duration) bool {
		select {
		case err := <-p.done:
			if code := exitStatus(t, err); code != 0 {
				t.Fatalf("the session ended with exit %d", code)
			}
			_ = p.in.Close() // the client's copy of its input
			return true
		case <-time.After(within):
			return false
		}
	}
	for attempt := 0; ; attempt++ {
		if time.Now().After(deadline) {
			s := p.out.String()
			t.Fatalf("the session stopped answering (help on ?, then q); it printed last:\n%q", s[max(0, len(s)-1500):])
		}
		if exited(0) {
			return attempt == 0
		}
		p.quiet(t, 150*time.Millisecond)
		m := p.mark()
		if _, err := p.in.Write([]byte("\x1b[201~\x1b[27u\x1b[27u?")); err != nil {
			continue // it ended: the next round says how
		}
		if !testutil.Poll(time.Second, func() bool { return strings.Contains(p.out.String()[m:], "Copy and mouse") }) {
			continue
		}
		_, _ = p.in.Write([]byte("q"))
		if exited(time.Second) {
			return false
		}
	}
}

// quiet polls until the session has printed nothing new for d, for at
// most five seconds.
func (p *ptySession) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	n, since := p.mark(), time.Now()
	for time.Since(since) < d && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		if m := p.mark(); m != n {
			n, since = m, time.Now()
		}
	}
}

// startHostileServer is startServer with one change: a session that opens
// at noiseCols x noiseRows runs noiseModel instead of the résumé, so that
// a test can fill a client's window quickly.
func startHostileServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	ts := newTestServer(t, cfg, WithModel(func(r *content.Resume, o tui.Options) tea.Model {
		if o.Width == noiseCols && o.Height == noiseRows {
			return &noiseModel{}
		}
		return tui.New(r, o)
	}))
	return ts.serve(t)
}

// noiseModel fills the screen with letters, each a link of its own
// (OSC 8, about 250 bytes a cell), different after every key: one frame is
// more than a channel's window (2 MiB), at a cost in cells the race
// detector can bear.
type noiseModel struct{ n int }

const noiseCols, noiseRows = 200, 50

func (m *noiseModel) Init() tea.Cmd { return nil }

func (m *noiseModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		m.n++
	}
	return m, nil
}

func (m *noiseModel) View() tea.View {
	path := strings.Repeat("p", 220)
	var b strings.Builder
	for y := range noiseRows {
		for x := range noiseCols {
			v := x*7 + y*13 + m.n*5
			fmt.Fprintf(&b, "\x1b]8;;https://example.com/%s/%d\x07%c", path, v, 'a'+v%26)
		}
		b.WriteString("\x1b]8;;\x07")
		if y < noiseRows-1 {
			b.WriteByte('\n')
		}
	}
	return tea.NewView(b.String())
}

// attacker runs hostile clients in a child process (this test binary,
// running TestHostileAttackerProcess), so that the CPU the test measures
// with cpuTime is the server's, not the attackers'. It returns once every
// session is open; the child is killed when the test ends.
func (ts *testServer) attacker(t *testing.T, mode string, sessions int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileAttackerProcess$", "-test.v")
	cmd.Env = append(os.Environ(),
		"RESUME_ATTACKER_ADDR="+ts.addr,
		"RESUME_ATTACKER_KEY="+string(gossh.MarshalAuthorizedKey(ts.HostKey())),
		"RESUME_ATTACKER_MODE="+mode,
		fmt.Sprintf("RESUME_ATTACKER_SESSIONS=%d", sessions))
	out := &testutil.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("attacker process:\n%s", out)
		}
	})
	testutil.Eventually(t, 30*time.Second, "the attacker's sessions open", func() bool {
		select {
		case <-done:
			t.Fatalf("the attacker process ended:\n%s", out)
		default:
		}
		return strings.Contains(out.String(), "attacking")
	})
}

// TestHostileAttackerProcess is the attacker's side of ts.attacker; it
// does nothing in a normal test run.
func TestHostileAttackerProcess(t *testing.T) {
	addr := os.Getenv("RESUME_ATTACKER_ADDR")
	if addr == "" {
		t.Skip("run by ts.attacker only")
	}
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(os.Getenv("RESUME_ATTACKER_KEY")))
	if err != nil {
		t.Fatal(err)
	}
	mode := os.Getenv("RESUME_ATTACKER_MODE")
	n, _ := strconv.Atoi(os.Getenv("RESUME_ATTACKER_SESSIONS"))
	cfg := &gossh.ClientConfig{User: "attacker", HostKeyCallback: gossh.FixedHostKey(key), Timeout: 10 * time.Second}
	var conns []*gossh.Client
	for range (n + 7) / 8 {
		c, err := gossh.Dial("tcp", addr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	var wg sync.WaitGroup
	for i := range n {
		s, err := conns[i/8].NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RequestPty("xterm-256color", teahost.MaxHeight, teahost.MaxWidth, nil); err != nil {
			t.Fatal(err)
		}
		s.Stdout = io.Discard
		in, err := s.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			keys := bytes.Repeat([]byte(mode), 64)
			for n := uint32(0); ; n++ {
				switch mode {
				case "resize":
					_ = windowChange(s, teahost.MaxWidth-n%2, teahost.MaxHeight)
					if n%10 == 0 {
						time.Sleep(time.Millisecond) // 10,000 a second
					}
				default:
					if _, err := in.Write(keys); err != nil {
						return
					}
				}
			}
		})
	}
	fmt.Println("attacking")
	wg.Wait()
}
