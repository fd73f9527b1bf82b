//go:build hostile && linux

package server

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laphets/resume/internal/testutil"
)

// The slow hostile clients: thousands of connections, minutes of churn,
// and CPU measured with the attacker in another process. They need the
// hostile build tag and run without the race detector (which allows 8,128
// goroutines and slows the server several times over):
//
//	make hostile                       # what make test runs: churn 30s
//	go test -tags hostile -run '^TestSlow' ./server -churn 5m

var churnFor = flag.Duration("churn", 30*time.Second, "how long TestSlowChurn runs")

// TestSlowSilentConnections: 2,000 TCP connections that never send a
// byte, from 250 addresses (8 each, the per-address cap), twice the
// server's --max-sessions. A visitor from another address is served in
// under a second meanwhile; every silent connection is closed by the
// handshake timeout; nothing is left behind.
func TestSlowSilentConnections(t *testing.T) {
	const flood, perAddr = 2000, DefaultMaxSessionsPerIP
	raiseFileLimit(t, 3*flood)
	cfg := testConfig(t)
	cfg.MaxSessions = DefaultMaxSessions
	cfg.MaxSessionsPerIP = DefaultMaxSessionsPerIP
	cfg.RatePerIP, cfg.BurstPerIP = DefaultRatePerIP, DefaultBurstPerIP
	cfg.HandshakeTimeout = 3 * time.Second
	ts := startServer(t, cfg)
	baseline := goroutines()

	type silent struct {
		nc     net.Conn
		opened time.Time
	}
	conns := make([]silent, flood)
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	for w := range 50 {
		wg.Go(func() {
			for i := w; i < flood; i += 50 {
				local := fmt.Sprintf("127.1.%d.%d", (i/perAddr)/250, (i/perAddr)%250+1)
				nc, err := silentConn(ts.addr, local)
				if err != nil {
					failed.Add(1)
					continue
				}
				conns[i] = silent{nc, time.Now()}
			}
		})
	}
	wg.Wait()
	opened := time.Since(start)
	if failed.Load() > 0 {
		t.Fatalf("%d of %d connections could not be opened", failed.Load(), flood)
	}
	held := ts.gate.Open()
	// A real visitor, while they are all open.
	d := ts.visit(t, "127.0.0.2")
	if d > time.Second {
		t.Errorf("the visitor took %s", d)
	}
	// Every silent connection is closed by the server, by the handshake
	// timeout at the latest.
	var late, worst atomic.Int64
	for w := range 50 {
		wg.Go(func() {
			buf := make([]byte, 4096)
			for i := w; i < flood; i += 50 {
				c := conns[i]
				_ = c.nc.SetReadDeadline(c.opened.Add(cfg.HandshakeTimeout + 5*time.Second))
				for {
					if _, err := c.nc.Read(buf); err != nil {
						break
					}
				}
				took := time.Since(c.opened)
				if took > cfg.HandshakeTimeout+2*time.Second {
					late.Add(1)
				}
				for {
					old := worst.Load()
					if int64(took) <= old || worst.CompareAndSwap(old, int64(took)) {
						break
					}
				}
				_ = c.nc.Close()
			}
		})
	}
	wg.Wait()
	if late.Load() > 0 {
		t.Errorf("%d connections stayed open past the handshake timeout (%s) + 2s", late.Load(), cfg.HandshakeTimeout)
	}
	testutil.Eventually(t, 10*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	waitGoroutines(t, baseline)
	figuref(t, "%d silent connections from %d addresses (opened in %s, %d open when the visitor came, --max-sessions %d): a visitor from 127.0.0.2 served in %s; the last silent one closed after %s (handshake timeout %s); goroutines back to baseline",
		flood, flood/perAddr, opened.Round(time.Millisecond), held, cfg.MaxSessions, d.Round(time.Millisecond),
		time.Duration(worst.Load()).Round(time.Millisecond), cfg.HandshakeTimeout)
}

// TestSlowChurn: new sessions of every kind, without pause, for -churn
// (30s by default, minutes by hand): TUIs that are used and quit, left
// open when the client vanishes, commands, plain text, refused requests.
// The resident set and the goroutines are flat at the end.
func TestSlowChurn(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = 1000
	// No log kept in memory, and no session held by a test cleanup: the
	// test must not leak what it measures.
	s, err := New(cfg, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	ts := (&testServer{Server: s, logs: &testutil.Buffer{}}).serve(t)
	baseline := goroutines()

	var sessions atomic.Int64
	churn := func(ctx context.Context, worker int) {
		local := fmt.Sprintf("127.0.3.%d", worker+1)
		for i := 0; ctx.Err() == nil; i++ {
			c, err := ts.dialFrom(local)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			switch i % 5 {
			case 0: // a TUI, used, quit
				p := startPTY(t, c, "", 80+i%40, 24+i%10)
				p.waitFor(t, "Wenging Luo", 10*time.Second)
				_, _ = p.in.Write([]byte("\t\t/go\r?"))
				_ = windowChange(p.Session, 120, 40)
				_, _ = p.in.Write([]byte("\x1b[27uqjj")) // keys after q too
				p.waitExit(t, 10*time.Second)
				_ = p.in.Close()
			case 1: // a TUI left open as the client vanishes
				p := startPTY(t, c, "", 100, 30)
				p.waitFor(t, "Wenging Luo", 10*time.Second)
				_, _ = p.in.Write([]byte("jjj"))
			case 2:
				run(t, c, "json")
				run(t, c, "text --width 60")
			case 3:
				run(t, c, "")
				run(t, c, "nope")
			case 4:
				_, _ = c.Dial("tcp", "127.0.0.1:9")
				if s, err := c.NewSession(); err == nil {
					_ = s.RequestSubsystem("sftp")
					_ = s.Close()
				}
			}
			_ = c.Close()
			sessions.Add(1)
		}
	}
	type sample struct {
		at         time.Duration
		rss, heap  int64
		goroutines int
	}
	var samples []sample
	measure := func(at time.Duration) sample {
		heap := int64(heapAfterGC())
		return sample{at, rss(t), heap, goroutines()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *churnFor)
	defer cancel()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() { churn(ctx, w) })
	}
	start := time.Now()
	tick := time.NewTicker(*churnFor / 10)
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tick.C:
			samples = append(samples, measure(time.Since(start)))
		}
	}
	tick.Stop()
	wg.Wait()
	testutil.Eventually(t, 10*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	waitGoroutines(t, baseline)
	end := measure(time.Since(start))
	// Flat: the last samples under load are no higher than the early ones
	// (after a tenth of the run, once caches are warm) by more than a
	// little, and once idle the heap is back near where load began.
	if len(samples) < 4 {
		t.Fatalf("only %d samples", len(samples))
	}
	warm := samples[1]
	lastLoaded := samples[len(samples)-1]
	if lastLoaded.rss > warm.rss+warm.rss/4+8<<20 {
		t.Errorf("RSS grew under steady churn: %s after %s, %s after %s",
			mib(warm.rss), warm.at.Round(time.Second), mib(lastLoaded.rss), lastLoaded.at.Round(time.Second))
	}
	if end.heap > warm.heap+4<<20 {
		t.Errorf("heap after the churn %s, under load at %s: %s", mib(end.heap), warm.at.Round(time.Second), mib(warm.heap))
	}
	var rsss, heaps []string
	for _, s := range append(samples, end) {
		rsss = append(rsss, strconv.FormatInt(s.rss>>20, 10))
		heaps = append(heaps, fmt.Sprintf("%.1f", float64(s.heap)/(1<<20)))
	}
	figuref(t, "churn for %s, 4 clients: %d sessions (%.0f/s); RSS MiB every %s: %s; heap MiB: %s; goroutines at the end %d (baseline %d)",
		*churnFor, sessions.Load(), float64(sessions.Load())/churnFor.Seconds(), (*churnFor / 10).Round(time.Second),
		strings.Join(rsss, " "), strings.Join(heaps, " "), end.goroutines, baseline)
}

// rss is the process's resident set size, from /proc/self/statm.
func rss(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// TestSlowExpensiveInput: one address holds its --max-sessions-per-ip
// TUI sessions at the largest window, from another process, and floods
// them: half with the most costly key (the theme toggle repaints every
// cell), half with window changes. Each session's input is capped
// (inputRate, inputEventRate, resizeInterval); the CPU measured is the
// server's; a visitor from another address still gets the résumé and
// answers to keys.
func TestSlowExpensiveInput(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = DefaultMaxSessionsPerIP
	ts := startServer(t, cfg)
	ts.attacker(t, "t", cfg.MaxSessionsPerIP/2)
	ts.attacker(t, "resize", cfg.MaxSessionsPerIP/2)
	cpu0 := cpuTime(t)
	t0 := time.Now()
	start := time.Now()
	other := ts.dialRaw(t, "127.0.0.2")
	p := openPTY(t, other.Client, "", 80, 24)
	p.waitFor(t, "Overview", 10*time.Second)
	first := time.Since(start)
	var worst time.Duration
	for _, key := range []string{"2", "3", "4", "1"} {
		m := p.mark()
		pressed := time.Now()
		_, _ = p.in.Write([]byte(key))
		p.waitForAfter(t, m, "━", 10*time.Second) // the tab underline moves
		worst = max(worst, time.Since(pressed))
	}
	cpu := cpuOver(t, 2*time.Second) // the attack alone
	busy := (cpuTime(t) - cpu0).Seconds() / time.Since(t0).Seconds()
	if first > 2*time.Second || worst > time.Second {
		t.Errorf("the other visitor waited %s for the résumé and up to %s for a key", first, worst)
	}
	figuref(t, "%d sessions at 500x200 from one address, half flooding theme toggles, half window changes: server CPU %.0f%% of a core (%.0f%% with the visitor; 2 cores); a visitor from 127.0.0.2 got the résumé in %s, keys answered within %s",
		cfg.MaxSessionsPerIP, 100*cpu.Seconds()/2, 100*busy, first.Round(time.Millisecond), worst.Round(time.Millisecond))
	p.usable(t)
}
