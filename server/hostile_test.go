//go:build unix

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/internal/teahost"
	"github.com/laphets/resume/internal/testutil"
)

// The hostile and broken clients of issue 7, against the real server on
// loopback. Each test states the limit it checks and logs what it
// measured ("figure:" lines, quoted in docs/security.md). The slow cases
// (2,000 silent connections, minutes of churn) are in hostile_slow_test.go,
// behind the hostile build tag: make hostile.

// TestHostileOneAddressFlood: one address opens far more connections than
// it may; the server holds only --max-sessions-per-ip of them (the rest
// are refused before the handshake, with a reason) and a visitor from
// another address is served at once.
func TestHostileOneAddressFlood(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = DefaultMaxSessionsPerIP
	cfg.RatePerIP, cfg.BurstPerIP = DefaultRatePerIP, DefaultBurstPerIP
	ts := startServer(t, cfg)
	baseline := goroutines()

	const flood = 200
	var refused atomic.Int64
	conns := make([]net.Conn, 0, flood)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range flood {
		wg.Go(func() {
			nc, err := silentConn(ts.addr, "127.0.0.1")
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
		})
	}
	wg.Wait()
	defer func() {
		for _, nc := range conns {
			_ = nc.Close()
		}
	}()
	// A refused connection reads its reason and is closed by the server;
	// an admitted one reads the server's version and then nothing.
	for _, nc := range conns {
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, _ := readLine(nc)
		if strings.Contains(line, "too many") {
			refused.Add(1)
		}
	}
	held := flood - int(refused.Load())
	if held != cfg.MaxSessionsPerIP {
		t.Errorf("the server holds %d connections from the flooding address, want %d", held, cfg.MaxSessionsPerIP)
	}
	if n := ts.gate.Open(); n != int64(cfg.MaxSessionsPerIP) {
		t.Errorf("%d connections open, want %d", n, cfg.MaxSessionsPerIP)
	}
	d := ts.visit(t, "127.0.0.2")
	if d > time.Second {
		t.Errorf("the visitor from 127.0.0.2 took %s", d)
	}
	figuref(t, "one address, %d silent connections: %d held, %d refused before the handshake; visitor from 127.0.0.2 served in %s",
		flood, held, refused.Load(), d.Round(time.Millisecond))
	for _, nc := range conns {
		_ = nc.Close()
	}
	testutil.Eventually(t, 5*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	waitGoroutines(t, baseline)
}

// TestHostileFullOfSilentConnections: silent connections from many
// addresses fill --max-sessions. A new connection evicts the oldest one
// still handshaking, so a visitor gets in at once; connections that have
// authenticated are never evicted, and when every slot holds one the
// newcomer is refused.
func TestHostileFullOfSilentConnections(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessions = 20
	cfg.MaxSessionsPerIP = 4
	ts := startServer(t, cfg)
	var silent []net.Conn
	defer func() {
		for _, nc := range silent {
			_ = nc.Close()
		}
	}()
	for i := range 2 * cfg.MaxSessions {
		nc, err := silentConn(ts.addr, fmt.Sprintf("127.0.4.%d", i/cfg.MaxSessionsPerIP+1))
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, nc)
	}
	testutil.Eventually(t, 5*time.Second, "the server full", func() bool { return ts.gate.Open() == int64(cfg.MaxSessions) })
	d := ts.visit(t, "127.0.0.2")
	// Fill every slot with authenticated visitors: then a newcomer is
	// refused, and none of them is evicted.
	var visitors []*gossh.Client
	for i := range cfg.MaxSessions {
		c, err := ts.dialFrom(fmt.Sprintf("127.0.5.%d", i/cfg.MaxSessionsPerIP+1))
		if err != nil {
			t.Fatalf("visitor %d: %v", i, err)
		}
		visitors = append(visitors, c)
	}
	if line := readRefusal(t, ts.addr, "127.0.0.3"); !strings.Contains(line, "server is busy") {
		t.Errorf("a full server of visitors: the newcomer read %q", line)
	}
	for i, c := range visitors {
		if got := run(t, c, "version"); got.exit != 0 {
			t.Errorf("visitor %d evicted: exit %d", i, got.exit)
		}
		_ = c.Close()
	}
	if !strings.Contains(ts.logs.String(), "reason="+admission.Evicted.String()) {
		t.Error("no eviction logged")
	}
	figuref(t, "--max-sessions %d filled by silent connections: a visitor served in %s (the oldest silent one evicted); filled by authenticated visitors: the newcomer refused, none evicted",
		cfg.MaxSessions, d.Round(time.Millisecond))
}

// readLine reads one line, byte by byte, so that nothing after it is
// consumed.
func readLine(nc net.Conn) (string, error) {
	var b []byte
	var one [1]byte
	for len(b) < 512 {
		if _, err := nc.Read(one[:]); err != nil {
			return string(b), err
		}
		if one[0] == '\n' {
			break
		}
		b = append(b, one[0])
	}
	return string(b), nil
}

// TestHostileConnectionRate is DHEat: one address opens connections as fast
// as it can, each going for a full key exchange. Only --burst-per-ip plus
// --rate-per-ip a second reach the key exchange; the rest are refused
// before it, cheaply, and another address is served meanwhile.
func TestHostileConnectionRate(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = DefaultMaxSessionsPerIP
	cfg.RatePerIP, cfg.BurstPerIP = DefaultRatePerIP, DefaultBurstPerIP
	ts := startServer(t, cfg)

	const attackers = 8
	const length = 2 * time.Second
	var attempts, handshakes atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), length)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range attackers {
		wg.Go(func() {
			for ctx.Err() == nil {
				attempts.Add(1)
				nc, err := silentConn(ts.addr, "127.0.0.1")
				if err != nil {
					continue
				}
				_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
				cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, ts.clientConfig("dheat"))
				if err == nil {
					handshakes.Add(1)
					_ = gossh.NewClient(cc, chans, reqs).Close()
				}
				_ = nc.Close()
			}
		})
	}
	// A visitor from another address, several times during the flood
	// (within that address's own rate).
	var worst time.Duration
	visits := 0
	tick := time.NewTicker(length / 5)
	defer tick.Stop()
	for ctx.Err() == nil {
		worst = max(worst, ts.visit(t, "127.0.0.2"))
		visits++
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	allowed := int64(cfg.BurstPerIP) + int64(cfg.RatePerIP*elapsed.Seconds()) + 1
	if h := handshakes.Load(); h > allowed {
		t.Errorf("%d key exchanges from one address in %s; the rate allows %d", h, elapsed.Round(time.Millisecond), allowed)
	}
	if worst > time.Second {
		t.Errorf("a visitor from another address took %s during the flood", worst)
	}
	figuref(t, "DHEat from one address for %s: %d connection attempts (%.0f/s), %d key exchanges (limit %d = burst %d + %.0f/s); %d visits from 127.0.0.2, slowest %s",
		elapsed.Round(time.Millisecond), attempts.Load(), float64(attempts.Load())/elapsed.Seconds(),
		handshakes.Load(), allowed, cfg.BurstPerIP, cfg.RatePerIP, visits, worst.Round(time.Millisecond))
}

// TestHostileSessionChannels: 100 session channels asked for at once on one
// connection; no more than --max-sessions-per-conn open, the rest are
// refused with a reason, and all come back when closed.
func TestHostileSessionChannels(t *testing.T) {
	cfg := testConfig(t)
	ts := startServer(t, cfg)
	c := ts.dialRaw(t, "127.0.0.1").settled(t)
	baseline := goroutines()

	const asked = 100
	var mu sync.Mutex
	var open []*gossh.Session
	var refused atomic.Int64
	var wg sync.WaitGroup
	for range asked {
		wg.Go(func() {
			s, err := c.NewSession()
			if err != nil {
				if strings.Contains(err.Error(), "too many sessions on this connection") {
					refused.Add(1)
				} else {
					t.Errorf("refused for another reason: %v", err)
				}
				return
			}
			mu.Lock()
			open = append(open, s)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(open) != cfg.MaxSessionsPerConn {
		t.Errorf("%d sessions opened on one connection, cap %d", len(open), cfg.MaxSessionsPerConn)
	}
	// Each open one can start; the server runs exactly that many.
	var inputs []io.Closer
	for _, s := range open {
		if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
			t.Fatal(err)
		}
		in, err := s.StdinPipe() // kept open: EOF would end it
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, in)
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
	}
	if n := ts.openSessions.Load(); n != int64(cfg.MaxSessionsPerConn) {
		t.Errorf("%d sessions running, want %d", n, cfg.MaxSessionsPerConn)
	}
	figuref(t, "%d session channels asked for on one connection: %d opened (cap %d), %d refused",
		asked, len(open), cfg.MaxSessionsPerConn, refused.Load())
	for i, s := range open {
		_ = s.Close()
		_ = inputs[i].Close()
	}
	testutil.Eventually(t, 5*time.Second, "sessions released", func() bool { return ts.openSessions.Load() == 0 })
	waitGoroutines(t, baseline)
	if got := run(t, c.Client, "version"); got.exit != 0 {
		t.Fatalf("the connection no longer serves: exit %d", got.exit)
	}
}

// TestHostileClosedChannel: a visitor closes the session channel (or only
// its input) and keeps the connection. The program ends within a second,
// nothing is left running, and the process does not spin: stock Wish's
// Bubble Tea middleware spins a core here.
func TestHostileClosedChannel(t *testing.T) {
	ts := startServer(t, testConfig(t))
	for _, how := range []string{"close", "eof"} {
		t.Run(how, func(t *testing.T) {
			c := ts.dialRaw(t, "127.0.0.1").settled(t)
			baseline := goroutines()
			p := openPTY(t, c.Client, "", 120, 40)
			p.waitFor(t, "Wenging Luo", 5*time.Second)
			start := time.Now()
			switch how {
			case "close":
				_ = p.Close()
				_ = p.in.Close() // the client's copy of its input
			case "eof":
				_ = p.in.Close()
			}
			testutil.Eventually(t, time.Second, "the program ended", func() bool { return ts.openSessions.Load() == 0 })
			ended := time.Since(start)
			waitGoroutines(t, baseline)
			cpu := cpuOver(t, time.Second)
			if cpu > 100*time.Millisecond {
				t.Errorf("the process used %s of CPU in the second after the channel %s: spinning", cpu, how)
			}
			figuref(t, "session channel %s on a live connection: program ended in %s; CPU in the next second %s",
				how, ended.Round(time.Millisecond), cpu.Round(time.Millisecond))
			if got := run(t, c.Client, "version"); got.exit != 0 {
				t.Fatalf("the connection no longer serves: exit %d", got.exit)
			}
		})
	}
}

// TestHostileEnvFlood: 1,000 env requests of 100 KiB before the shell grow
// the heap by less than 1 MiB, and the session starts normally after.
func TestHostileEnvFlood(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dialRaw(t, "127.0.0.1")
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	value := strings.Repeat("x", 100<<10)
	before := heapAfterGC()
	start := time.Now()
	accepted := 0
	for i := range 1000 {
		payload := gossh.Marshal(struct{ Name, Value string }{fmt.Sprintf("V%d", i), value})
		ok, err := s.SendRequest("env", i%100 == 99, payload)
		if err != nil {
			t.Fatalf("env %d: %v", i, err)
		}
		if ok {
			accepted++
		}
	}
	if ok, _ := s.SendRequest("env", true, gossh.Marshal(struct{ Name, Value string }{"LANG", "C.UTF-8"})); !ok {
		t.Error("a small env request after the flood was refused")
	}
	took := time.Since(start)
	growth := int64(heapAfterGC()) - int64(before)
	if accepted != 0 {
		t.Errorf("%d env requests of 100 KiB accepted", accepted)
	}
	if growth > 1<<20 {
		t.Errorf("heap grew by %s, limit 1 MiB", mib(growth))
	}
	figuref(t, "1,000 env requests of 100 KiB (100 MiB) in %s: heap growth %s, %d accepted",
		took.Round(time.Millisecond), mib(growth), accepted)
	var out bytes.Buffer
	s.Stdout = &out
	if err := s.Run("version"); err != nil || !strings.HasPrefix(out.String(), "resume ") {
		t.Fatalf("the session does not run after the flood: %v %q", err, out.String())
	}
}

// TestHostileWindowChanges: window changes of 0x0, 1x1, 65535x65535, then
// 10,000 a second. No panic, the heap stays bounded, the program gets at
// most one size per resizeInterval, and the session answers after. The
// flood runs three times: the first fills the TUI's shared, bounded cache
// of what it renders per width; the later ones show what a session costs
// once it is full. The same flood on a session without a terminal (the
// server refuses each change at once) is the client's and the SSH layer's
// share of the CPU.
func TestHostileWindowChanges(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dialRaw(t, "127.0.0.1")
	p := openPTY(t, c.Client, "", 80, 24)
	p.waitFor(t, "Wenging Luo", 5*time.Second)
	// The test's own copy of everything the server sends (p.out) lives in
	// this process's heap too and grows with each flood's frames: take it
	// off, so the figure is the server's.
	heapNow := func() int64 { return int64(heapAfterGC()) - int64(p.out.Cap()) }
	start := heapNow()
	for _, sz := range [][2]uint32{{0, 0}, {1, 1}, {65535, 65535}, {1<<32 - 1, 1<<32 - 1}} {
		if err := windowChange(p.Session, sz[0], sz[1]); err != nil {
			t.Fatal(err)
		}
	}
	const changes = 10000
	flood := func(s *gossh.Session) (took, cpu time.Duration) {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		cpu0 := cpuTime(t)
		t0 := time.Now()
		for n := range uint32(changes) {
			if n%10 == 0 {
				<-tick.C // 10 every millisecond, at most
			}
			if err := windowChange(s, 20+n%480, 5+n%195); err != nil {
				t.Fatalf("window change %d: %v", n, err)
			}
		}
		took = time.Since(t0)
		if s == p.Session {
			_ = windowChange(s, 100, 30)
			m := p.mark()
			p.waitForAfter(t, m, "Wenging Luo", 5*time.Second) // drawn at the last size
		}
		return took, cpuTime(t) - cpu0
	}
	plain, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	_, control := flood(plain)
	_ = plain.Close()
	var took, cpu []time.Duration
	var heap []string
	var most int64
	for i := range 3 {
		d, u := flood(p.Session)
		took, cpu = append(took, d.Round(time.Millisecond)), append(cpu, u.Round(time.Millisecond))
		h := heapNow() - start
		heap = append(heap, mib(h))
		// The cache evicts at random, so the heap moves about a little;
		// it must not grow with the number of changes.
		if i == 2 && h > most+1<<20 {
			t.Errorf("heap above the start after three floods: %v; it grows", heap)
		}
		most = max(most, h)
	}
	if most > 64<<20 {
		t.Errorf("heap grew by %s", mib(most))
	}
	figuref(t, "window changes 0x0, 1x1, 65535x65535, 2^32-1 square, then %d three times, in %v: process CPU %v (the same flood without a terminal: %s); heap above the start after each: %v",
		changes, took, cpu, control.Round(time.Millisecond), heap)
	p.usable(t)
}

// TestHostileKeyboardInput: random bytes and truncated escape sequences as
// keyboard input. The session never panics; it either ends cleanly (the
// random bytes held a q or ctrl+c) or still answers.
func TestHostileKeyboardInput(t *testing.T) {
	ts := startServer(t, testConfig(t))
	truncated := []string{
		"\x1b", "\x1b[", "\x1b[1;", "\x1b[1;5", "\x1b[<0;1", "\x1b[<0;1;", "\x1b[M", "\x1b[M ",
		"\x1bO", "\x1b]", "\x1b]11;rgb:", "\x1b]52;c;", "\x1bP", "\x1bP>|", "\x1b_", "\x1b^", "\x1bX",
		"\x1b[200~", "\x1b[201", "\x9b", "\x9d", "\x90", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
		"\x1b[?1;2c", "\x1b[27;5;", "\x1b[97;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;u",
	}
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			c := ts.dialRaw(t, "127.0.0.1").settled(t)
			baseline := goroutines()
			p := openPTY(t, c.Client, "", 80, 24)
			p.waitFor(t, "Wenging Luo", 5*time.Second)
			rng := rand.New(rand.NewPCG(seed, 7))
			// Seeds 0-2 are fully random and may quit; 3-5 leave out the
			// quit keys and must stay usable.
			mayQuit := seed < 3
			var sent int
			for range 200 {
				var chunk []byte
				if rng.IntN(3) == 0 {
					chunk = []byte(truncated[rng.IntN(len(truncated))])
				} else {
					chunk = make([]byte, 1+rng.IntN(64))
					for i := range chunk {
						chunk[i] = byte(rng.UintN(256))
					}
				}
				if !mayQuit {
					chunk = bytes.ReplaceAll(chunk, []byte{'q'}, nil)
					chunk = bytes.ReplaceAll(chunk, []byte{3}, nil)
				}
				if _, err := p.in.Write(chunk); err != nil {
					break // the session ended
				}
				sent += len(chunk)
			}
			if p.answers(t) {
				if !mayQuit {
					t.Fatalf("the session ended on input without a quit key")
				}
				figuref(t, "keyboard seed %d: %d random bytes and truncated sequences; the session ended cleanly (exit 0) on a quit key", seed, sent)
			} else {
				figuref(t, "keyboard seed %d: %d random bytes and truncated sequences; the session still answers", seed, sent)
			}
			if strings.Contains(ts.logs.String(), "panic") {
				t.Fatalf("a panic was logged:\n%s", ts.logs)
			}
			testutil.Eventually(t, 5*time.Second, "session released", func() bool { return ts.openSessions.Load() == 0 })
			waitGoroutines(t, baseline)
		})
	}
}

// TestHostileUnfinishedInput: input that an escape-sequence decoder would
// collect without end (Bubble Tea's does, rescanning it on every read): a
// sequence that never finishes (an OSC string, a DCS string, a bracketed
// paste without its end, a stray byte that is not UTF-8) followed by a
// steady stream. The heap stays bounded, the CPU is not spent decoding it
// (limitBytes drops what exceeds the input budget), and the session still
// answers.
func TestHostileUnfinishedInput(t *testing.T) {
	ts := startServer(t, testConfig(t))
	const total = 4 << 20 // 4 MiB of input in all
	for _, tc := range []struct{ name, lead string }{
		{"osc", "\x1b]0;"},
		{"paste", "\x1b[200~"},
		{"dcs", "\x1bP"},
		{"not utf-8", "\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dialRaw(t, "127.0.0.1")
			p := openPTY(t, c.Client, "", 80, 24)
			p.waitFor(t, "Wenging Luo", 5*time.Second)
			before := heapAfterGC()
			var peak atomic.Int64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() { // sample the heap while the stream runs
				defer close(sampled)
				tick := time.NewTicker(20 * time.Millisecond)
				defer tick.Stop()
				var m runtimeMem
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						peak.Store(max(peak.Load(), m.heap()-int64(before)))
					}
				}
			}()
			cpu0 := cpuTime(t)
			start := time.Now()
			if _, err := p.in.Write([]byte(tc.lead)); err != nil {
				t.Fatal(err)
			}
			chunk := bytes.Repeat([]byte("a"), 16<<10)
			sent := 0
			for sent < total {
				if _, err := p.in.Write(chunk); err != nil {
					t.Fatalf("after %d bytes: %v", sent, err)
				}
				sent += len(chunk)
			}
			took := time.Since(start)
			close(stop)
			<-sampled
			cpu := cpuTime(t) - cpu0
			growth := int64(heapAfterGC()) - int64(before)
			figuref(t, "unfinished %s then %s of input in %s: heap peak +%s, after GC +%s, process CPU %s",
				tc.name, mib(int64(sent)), took.Round(time.Millisecond), mib(peak.Load()), mib(growth), cpu.Round(time.Millisecond))
			if peak.Load() > 16<<20 {
				t.Errorf("the heap grew by %s while the input streamed in", mib(peak.Load()))
			}
			if tc.name == "paste" { // end the paste, or the help key is pasted
				_, _ = p.in.Write([]byte("\x1b[201~"))
			}
			p.usable(t)
		})
	}
}

// TestHostileInBandWindowSize: a window size typed into the input as a
// terminal's report (CSI 8;h;w t, CSI 48;h;w;ph;pw t), which the decoder
// turns into a size event and Bubble Tea would take up to 4096x4096 and 1M
// cells, bypassing the clamp on window-change requests. The program never
// sees it: the heap stays flat, nothing is drawn beyond the window, and the
// session answers.
func TestHostileInBandWindowSize(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dialRaw(t, "127.0.0.1")
	const sessions = 4
	var ps []*ptySession
	before := heapAfterGC()
	for range sessions {
		p := openPTY(t, c.Client, "", 80, 24)
		p.waitFor(t, "Wenging Luo", 5*time.Second)
		_, _ = p.in.Write([]byte("\x1b[8;1000;1000t\x1b[48;1000;1000;0;0t\x1b[8;256;4096t"))
		_, _ = p.in.Write([]byte("\t")) // and draw
		ps = append(ps, p)
	}
	growth := int64(heapAfterGC()) - int64(before)
	if growth > 4<<20 {
		t.Errorf("heap grew by %s for %d sessions", mib(growth), sessions)
	}
	for _, p := range ps {
		if strings.Contains(p.out.String(), "\x1b[1000;") || strings.Contains(p.out.String(), "\x1b[999;") {
			t.Errorf("the session drew beyond its window")
		}
		p.usable(t)
	}
	figuref(t, "in-band window size reports of 1000x1000 and 4096x256 typed into %d TUI sessions: heap growth %s with all four open",
		sessions, mib(growth))
}

// TestHostileInputAfterQuit: a visitor quits with keys still coming (q and
// more in the same packet, as a held key or a late terminal reply would
// do). An input reader that hands events to the program without watching
// for its end (Bubble Tea's own does) would stay blocked for ever, holding
// the whole program; nothing may stay.
func TestHostileInputAfterQuit(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dialRaw(t, "127.0.0.1").settled(t)
	baseline := goroutines()
	before := heapAfterGC()
	const sessions = 8
	for range sessions {
		p := openPTY(t, c.Client, "", teahost.MaxWidth, teahost.MaxHeight)
		p.waitFor(t, "Wenging Luo", 5*time.Second)
		_, _ = p.in.Write([]byte("qjjjjjjjjj\x1b[A\x1b[B"))
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Fatalf("exit %d", code)
		}
		_ = p.in.Close()
	}
	testutil.Eventually(t, 5*time.Second, "sessions released", func() bool { return ts.openSessions.Load() == 0 })
	waitGoroutines(t, baseline)
	growth := int64(heapAfterGC()) - int64(before)
	if growth > 2<<20 {
		t.Errorf("heap grew by %s after %d sessions", mib(growth), sessions)
	}
	figuref(t, "%d TUI sessions at 500x200 quit with keys still coming: goroutines back to baseline, heap growth %s", sessions, mib(growth))
}

// TestHostileRefusedRequests: exec of anything but our commands,
// subsystems, local and remote forwarding, agent and X11, over and over:
// each refused cleanly, nothing left behind.
func TestHostileRefusedRequests(t *testing.T) {
	ts := startServer(t, testConfig(t))
	baseline := goroutines()
	before := heapAfterGC()
	const rounds = 50
	for i := range rounds {
		c, err := ts.dialFrom("127.0.0.1") // no cleanup holding it: the heap is measured
		if err != nil {
			t.Fatal(err)
		}
		if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
			_ = ln.Close()
			t.Fatal("-R accepted")
		}
		if ok, _, _ := c.SendRequest("tcpip-forward", true, gossh.Marshal(struct {
			Addr string
			Port uint32
		}{"0.0.0.0", 0})); ok {
			t.Fatal("tcpip-forward accepted")
		}
		if nc, err := c.Dial("tcp", ts.addr); err == nil {
			_ = nc.Close()
			t.Fatal("-L accepted")
		}
		for _, typ := range []string{"x11", "auth-agent@openssh.com", "direct-streamlocal@openssh.com", "nonsense"} {
			if ch, _, err := c.OpenChannel(typ, nil); err == nil {
				_ = ch.Close()
				t.Fatalf("channel %s accepted", typ)
			}
		}
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		for _, req := range []string{"auth-agent-req@openssh.com", "x11-req", "subsystem", "signal", "break"} {
			if ok, _ := s.SendRequest(req, true, gossh.Marshal(struct{ Name string }{"sftp"})); ok {
				t.Fatalf("%s accepted", req)
			}
		}
		var errOut bytes.Buffer
		s.Stderr = &errOut
		err = s.Run(fmt.Sprintf("/bin/sh -c 'id; echo %d'", i))
		if exitStatus(t, err) != 1 || !strings.Contains(errOut.String(), "unknown command") {
			t.Fatalf("exec of a shell command: %v %q", err, errOut.String())
		}
		_ = c.Close()
	}
	testutil.Eventually(t, 5*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	waitGoroutines(t, baseline)
	growth := int64(heapAfterGC()) - int64(before)
	if growth > 1<<20 {
		t.Errorf("heap grew by %s over %d rounds of refused requests", mib(growth), rounds)
	}
	figuref(t, "%d rounds of -R, -L, x11, agent, subsystem, signal and exec requests: all refused; goroutines back to baseline; heap growth %s",
		rounds, mib(growth))
}

// TestHostileKilledMidRender: a client with a large window stops reading,
// so that the server is blocked writing a frame, then vanishes without a
// close or an EOF. The server lets go of everything.
func TestHostileKilledMidRender(t *testing.T) {
	ts := startHostileServer(t, testConfig(t))
	baseline := goroutines()
	release := make(chan struct{})
	const killed = 3
	for range killed {
		c := ts.dialRaw(t, "127.0.0.1")
		ts.stalledTUI(t, c, release)
		_ = c.nc.Close() // killed
	}
	testutil.Eventually(t, 10*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	close(release) // the clients' own stuck goroutines
	waitGoroutines(t, baseline)
	figuref(t, "%d clients killed while the server was blocked writing frames to them: connections closed, goroutines back to baseline", killed)
}

// stallWriter blocks every write until release is closed: a client that
// has stopped reading.
type stallWriter struct{ release <-chan struct{} }

func (w stallWriter) Write([]byte) (int, error) {
	<-w.release
	return 0, io.ErrClosedPipe
}

// stalledTUI opens a session running noiseModel (every key changes the
// whole screen) on c whose client stops reading, and presses keys until
// the server has written more than the channel's window (2 MiB): from
// then on the server is blocked writing to it. ts is a
// startHostileServer.
func (ts *testServer) stalledTUI(t *testing.T, c *rawClient, release <-chan struct{}) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", noiseRows, noiseCols, nil); err != nil {
		t.Fatal(err)
	}
	s.Stdout = stallWriter{release}
	stdin, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	var st *conn
	testutil.Eventually(t, 5*time.Second, "connection registered", func() bool {
		for _, cc := range ts.allConns() {
			if cc.remote == c.nc.LocalAddr().String() {
				st = cc
			}
		}
		return st != nil
	})
	// One key, one frame: wait for each frame before the next key.
	deadline := time.Now().Add(20 * time.Second)
	for st.tc.BytesOut() < 2<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the server wrote only %d bytes to a client that stopped reading", st.tc.BytesOut())
		}
		before := st.tc.BytesOut()
		_, _ = stdin.Write([]byte("x"))
		drawn := time.Now().Add(500 * time.Millisecond)
		for st.tc.BytesOut() == before && time.Now().Before(drawn) {
			time.Sleep(2 * time.Millisecond)
		}
	}
	_, _ = stdin.Write([]byte("x")) // one more frame: it cannot be sent
}

// stallTime is how long stalledTUI takes on this machine now: on a server
// of its own, from the dial until the server is blocked writing.
func stallTime(t *testing.T) time.Duration {
	t.Helper()
	ts := startHostileServer(t, testConfig(t))
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	c := ts.dialRaw(t, "127.0.0.1")
	ts.stalledTUI(t, c, release)
	took := time.Since(start)
	_ = c.nc.Close()
	testutil.Eventually(t, 30*time.Second, "the stalled connection closed", func() bool { return ts.gate.Open() == 0 })
	return took
}

// TestHostileShutdownManySessions: Shutdown with hundreds of live TUI
// sessions, a few of them blocked writing to clients that stopped reading.
// It returns within its grace, every connection is closed and no goroutine
// is left.
func TestHostileShutdownManySessions(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = 1000
	ts := startHostileServer(t, cfg)
	baseline := goroutines()
	release := make(chan struct{})
	const conns, perConn, stalled = 25, 8, 3
	for i := range conns {
		c := ts.dialRaw(t, fmt.Sprintf("127.0.1.%d", i+1))
		for range perConn {
			s, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RequestPty("xterm-256color", 24, 80, nil); err != nil {
				t.Fatal(err)
			}
			s.Stdout = io.Discard
			if _, err := s.StdinPipe(); err != nil { // kept open: EOF would end it
				t.Fatal(err)
			}
			if err := s.Shell(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range stalled {
		ts.stalledTUI(t, ts.dialRaw(t, fmt.Sprintf("127.0.2.%d", i+1)), release)
	}
	total := conns*perConn + stalled
	testutil.Eventually(t, 30*time.Second, "every TUI running", func() bool { return int(ts.openSessions.Load()) == total })
	grace := 3 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	start := time.Now()
	_ = ts.Shutdown(ctx)
	took := time.Since(start)
	if took > grace+500*time.Millisecond {
		t.Errorf("Shutdown took %s, grace %s", took, grace)
	}
	testutil.Eventually(t, 5*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
	close(release)
	waitGoroutines(t, baseline)
	figuref(t, "Shutdown with %d live TUI sessions (%d blocked writing to clients that stopped reading): returned in %s (grace %s); goroutines back to baseline",
		total, stalled, took.Round(time.Millisecond), grace)
}

// TestHostileTimeouts: a real TUI that has drawn and is left alone closes
// at the idle timeout; every kind of session, busy or stuck, closes at the
// maximum session time.
func TestHostileTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.IdleTimeout = time.Second
		ts := startServer(t, cfg)
		c := ts.dialRaw(t, "127.0.0.1")
		p := openPTY(t, c.Client, "", 80, 24)
		p.waitFor(t, "Wenging Luo", 5*time.Second)
		_ = windowChange(p.Session, 120, 40) // it draws again: not input
		_, _ = p.in.Write([]byte("\t"))      // the visitor's last key
		last := time.Now()
		code := p.waitExit(t, 10*time.Second)
		after := time.Since(last)
		if code != 0 || after < cfg.IdleTimeout-50*time.Millisecond || after > cfg.IdleTimeout+time.Second {
			t.Errorf("exit %d %s after the last key; idle timeout %s", code, after, cfg.IdleTimeout)
		}
		p.waitFor(t, endIdle.goodbye(), time.Second)
		figuref(t, "TUI left alone after drawing: closed %s after the last key (idle timeout %s)", after.Round(time.Millisecond), cfg.IdleTimeout)
	})
	t.Run("max", func(t *testing.T) {
		cfg := testConfig(t)
		// Each session must be in the state the test is about before the
		// maximum ends it; the slowest to get there is the TUI blocked
		// writing, which first needs a frame of more than 2 MiB drawn. That
		// takes a fraction of a second on an idle machine and many seconds
		// with the race detector on a busy one (with a fixed 3 s, the
		// session ended before it ever blocked), so the maximum is 3 s or
		// four times what it takes here and now, whichever is longer.
		stall := stallTime(t)
		cfg.MaxSession = max(3*time.Second, (4 * stall).Round(100*time.Millisecond))
		ts := startHostileServer(t, cfg)
		var wg sync.WaitGroup
		var mu sync.Mutex
		lasted := map[string]time.Duration{}
		watch := func(what string, c *rawClient, start time.Time) {
			wg.Go(func() {
				_ = c.Wait()
				mu.Lock()
				lasted[what] = time.Since(start)
				mu.Unlock()
			})
		}
		// A TUI whose visitor keeps typing.
		start := time.Now()
		typing := ts.dialRaw(t, "127.0.0.1")
		p := openPTY(t, typing.Client, "", 80, 24)
		stopTyping := make(chan struct{})
		go func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stopTyping:
					return
				case <-tick.C:
					_, _ = p.in.Write([]byte("j"))
				}
			}
		}()
		defer close(stopTyping)
		watch("typing TUI", typing, start)
		// A TUI blocked writing to a client that stopped reading.
		start = time.Now()
		stuck := ts.dialRaw(t, "127.0.0.2")
		release := make(chan struct{})
		defer close(release)
		ts.stalledTUI(t, stuck, release)
		watch("TUI blocked writing", stuck, start)
		// A session channel that never starts anything.
		start = time.Now()
		unstarted := ts.dialRaw(t, "127.0.0.3")
		if _, err := unstarted.NewSession(); err != nil {
			t.Fatal(err)
		}
		watch("unstarted session", unstarted, start)
		// A connection with no session that sends keepalives.
		start = time.Now()
		keepalive := ts.dialRaw(t, "127.0.0.4")
		go func() {
			tick := time.NewTicker(100 * time.Millisecond) // the client's keepalive interval
			defer tick.Stop()
			for range tick.C {
				if _, _, err := keepalive.SendRequest("keepalive@openssh.com", true, nil); err != nil {
					return
				}
			}
		}()
		watch("keepalives only", keepalive, start)
		wg.Wait()
		var got []string
		for what, d := range lasted {
			// Measured from before the dial: the server's clock starts a
			// little later, so a little less than the maximum is fine.
			if d < cfg.MaxSession-100*time.Millisecond || d > cfg.MaxSession+closeLinger+time.Second {
				t.Errorf("%s: closed after %s; maximum %s", what, d, cfg.MaxSession)
			}
			got = append(got, fmt.Sprintf("%s %s", what, d.Round(10*time.Millisecond)))
		}
		slices.Sort(got)
		figuref(t, "max session %s (a TUI blocked writing in %s): closed after: %s",
			cfg.MaxSession, stall.Round(10*time.Millisecond), strings.Join(got, ", "))
	})
}

// TestHostileProxyHeader: PROXY headers from an address that is not a
// trusted proxy, sent whole, byte by byte, or malformed, are refused, and
// the address they claim is never used: not in the logs, and never charged
// in the per-address limits.
func TestHostileProxyHeader(t *testing.T) {
	cfg := testConfig(t)
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	// A burst of 20 new connections per address that does not refill
	// during the test: a connection charged to the claimed address would
	// show as a token missing from its burst.
	cfg.RatePerIP, cfg.BurstPerIP = 0.001, 20
	ts := startServer(t, cfg)
	claimed := netip.MustParseAddr("203.0.113.99")
	for _, tc := range []struct{ name, header string }{
		{"v1", "PROXY TCP4 203.0.113.99 127.0.0.1 5555 22\r\n"},
		{"v1 unknown", "PROXY UNKNOWN\r\n"},
		{"v1 garbage", "PROXY \x1b[31m203.0.113.99\r\n"},
		{"v2", "\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x63\x7f\x00\x00\x01\x15\xb3\x00\x16"},
	} {
		for _, slow := range []bool{false, true} {
			nc, err := silentConn(ts.addr, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if slow {
				for i := range len(tc.header) {
					_, _ = nc.Write([]byte{tc.header[i]})
				}
			} else {
				_, _ = io.WriteString(nc, tc.header)
			}
			cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, ts.clientConfig("visitor"))
			if err == nil {
				_ = gossh.NewClient(cc, chans, reqs).Close()
				t.Errorf("%s (slow %v): accepted", tc.name, slow)
			}
			_ = nc.Close()
		}
	}
	testutil.Eventually(t, 5*time.Second, "refusals logged", func() bool {
		return strings.Count(ts.logs.String(), "reason="+admission.ProxyHeader.String()) >= 8
	})
	if strings.Contains(ts.logs.String(), claimed.String()) {
		t.Errorf("the claimed address reached the log:\n%s", ts.logs)
	}
	now := time.Now()
	for i := range cfg.BurstPerIP {
		r := ts.limiter.AdmitConn(claimed, now)
		if r != admission.OK {
			t.Errorf("the claimed address was charged: new connection %d of its burst of %d refused (%s)", i+1, cfg.BurstPerIP, r)
			break
		}
		ts.limiter.ReleaseConn(claimed)
	}
	d := ts.visit(t, "127.0.0.1") // the address itself may still visit
	figuref(t, "untrusted PROXY headers (v1, v2, malformed; whole and byte by byte): 8 of 8 refused; claimed address in logs or limits: never; a plain visit from the same address after: %s", d.Round(time.Millisecond))
}

// TestHostileEscapes: escape sequences in the user name, client version,
// command, TERM and env values never reach a log (text or JSON) or anyone's
// screen raw.
func TestHostileEscapes(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			cfg := testConfig(t)
			logs := &testutil.Buffer{}
			var h slog.Handler = slog.NewTextHandler(logs, nil)
			if format == "json" {
				h = slog.NewJSONHandler(logs, nil)
			}
			s, err := New(cfg, slog.New(h))
			if err != nil {
				t.Fatal(err)
			}
			ts := (&testServer{Server: s, logs: logs}).serve(t)

			// An innocent visitor's screen, open throughout.
			other := ts.dialRaw(t, "127.0.0.2")
			watcher := openPTY(t, other.Client, "", 80, 24)
			watcher.waitFor(t, "Wenging Luo", 5*time.Second)

			const evil = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\x1bP+q\x1b\\\r\n\x00"
			// A client version with escapes: golang.org/x/crypto/ssh will
			// not send one, so it is given to the connect log as the SSH
			// layer would pass it on.
			(&conn{s: ts.Server, tc: &admission.Conn{}, remote: "192.0.2.1:5"}).authenticated(fakeMeta{"visitor", "SSH-2.0-x" + evil}, "none", nil)

			nc, err := silentConn(ts.addr, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, ts.clientConfig("user"+evil))
			if err != nil {
				t.Fatal(err)
			}
			c := gossh.NewClient(cc, chans, reqs)
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			_ = sess.Setenv("LC_EVIL", evil)
			_ = sess.Setenv("COLORTERM", evil)
			_ = sess.RequestPty("xterm"+evil, 24, 80, nil)
			var out, errOut testutil.Buffer
			sess.Stdout, sess.Stderr = &out, &errOut
			err = sess.Run("help" + evil)
			if code := exitStatus(t, err); code != 1 {
				t.Errorf("exit %d", code)
			}
			_ = c.Close()
			testutil.Eventually(t, 5*time.Second, "disconnect logged", func() bool { return strings.Contains(logs.String(), "disconnect") })

			// Another visitor sees nothing of it at all.
			if o := watcher.out.String(); strings.Contains(o, "pwned") || strings.Contains(o, "evil") {
				t.Errorf("another visitor's screen shows the evil visitor's strings:\n%q", o)
			}
			for where, text := range map[string]string{
				"log": logs.String(), "the visitor's own screen": out.String() + errOut.String(),
			} {
				for _, bad := range []string{"\x1b]", "\x1b[2J", "\x9b", "\u202e", "\x1bP", "\x07", "pwned\x07"} {
					if strings.Contains(text, bad) {
						t.Errorf("%s holds %q:\n%q", where, bad, text)
					}
				}
			}
			// The escapes are gone from the log, and not merely escaped
			// (\u001b in JSON is undone by jq and many log viewers).
			for _, bad := range []string{`\x1b`, `\u001b`, `\u009b`, `\u202e`, `\x07`, `\u0007`} {
				if strings.Contains(logs.String(), bad) {
					t.Errorf("log holds the escaped form %s:\n%s", bad, logs)
				}
			}
			if format == "json" {
				for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
					var v map[string]any
					if err := json.Unmarshal([]byte(line), &v); err != nil {
						t.Errorf("log line is not JSON: %q", line)
					}
				}
			}
			if !strings.Contains(logs.String(), "evil") || !strings.Contains(errOut.String(), "unknown command") {
				t.Errorf("the printable rest of the strings is not kept:\nlog %s\nstderr %q", logs, errOut.String())
			}
			watcher.usable(t)
		})
	}
	figuref(t, "escape sequences in user name, client version, command, TERM and env values: none raw or escaped in text or JSON logs, the visitor's stderr, or another visitor's screen")
}

// runtimeMem samples the heap without forcing a collection.
type runtimeMem struct{}

func (runtimeMem) heap() int64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
