package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Size is a terminal window size.
type Size struct{ W, H int }

func (s Size) String() string { return fmt.Sprintf("%dx%d", s.W, s.H) }

// Options bound every phase of a run in count and time.
type Options struct {
	Sizes       []Size
	FirstFrames int           // sequential sessions timed to their first frame
	Keys        int           // keypresses timed to their frame
	Key         string        // the key pressed
	Concurrency int           // clients opening and closing sessions at once
	RateFor     time.Duration // how long they do so
	RateMax     int           // and at most this many sessions
	Hold        int           // sessions held open for memory and idle CPU
	HoldConc    int           // opened this many at a time
	IdleFor     time.Duration // idle CPU measuring interval
	MaxHold     int           // the most sessions tried at once (0: skip)
	MaxHoldSize Size          // at this size
	MaxHoldOn   []string      // on these servers
	Timeout     time.Duration // per session, to connect and to draw
	PprofDir    string        // save our server's CPU and heap profiles here; empty: don't
	OursEnv     []string      // added to our server's environment only, e.g. GOGC=50
	Log         io.Writer     // progress; nil for none
}

// DefaultOptions is the full run, a few minutes on two cores.
func DefaultOptions() Options {
	return Options{
		Sizes:       []Size{{80, 24}, {100, 30}, {200, 60}},
		FirstFrames: 40,
		Keys:        30,
		Key:         "\t",
		Concurrency: 8,
		RateFor:     3 * time.Second,
		RateMax:     20000,
		Hold:        1000,
		HoldConc:    32,
		IdleFor:     5 * time.Second,
		MaxHold:     5000,
		MaxHoldSize: Size{100, 30},
		MaxHoldOn:   []string{Ours},
		Timeout:     20 * time.Second,
	}
}

// Run is the measurement of one server at one window size. Durations are
// in milliseconds, memory in KiB, bytes as received by the client.
type Run struct {
	Server string `json:"server"`
	Size   string `json:"size"`
	Err    string `json:"error,omitempty"`

	FirstFrameP50    float64   `json:"first_frame_p50_ms"`
	FirstFrameP95    float64   `json:"first_frame_p95_ms"`
	FirstFrameBytes  float64   `json:"first_frame_bytes"`      // terminal bytes until the name shows (median)
	FirstFrameWire   float64   `json:"first_frame_wire_bytes"` // TCP bytes, handshake included (median)
	FirstScreenBytes int64     `json:"first_screen_bytes"`     // terminal bytes until the output rests after the first frame
	KeyP50           float64   `json:"key_p50_ms,omitempty"`
	KeyP95           float64   `json:"key_p95_ms,omitempty"`
	KeyBytes         float64   `json:"key_bytes,omitempty"` // terminal bytes per keypress
	KeyNote          string    `json:"key_note,omitempty"`
	SessionsPerSec   float64   `json:"sessions_per_sec"`
	RateConcurrency  int       `json:"rate_concurrency"`
	RateRounds       []float64 `json:"rate_rounds"` // sessions/s of each round; the best is reported
	RateFailures     int       `json:"rate_failures"`
	RateFailure      string    `json:"rate_failure,omitempty"` // the first
	Held             int       `json:"held"`
	MemPerSessionKB  float64   `json:"mem_per_session_kib"`
	MemBaseKB        int64     `json:"mem_base_kib"`
	MemHeldKB        int64     `json:"mem_held_kib"`
	IdleCPUCores     float64   `json:"idle_cpu_cores"`
	ClosedChanCPU    float64   `json:"closed_channel_cpu_cores"` // one session channel closed, its connection open
	ClosedChanNote   string    `json:"closed_channel_note,omitempty"`
	MaxHeld          int       `json:"max_held,omitempty"`
	MaxHeldTried     int       `json:"max_held_tried,omitempty"`
	MaxHeldFailure   string    `json:"max_held_failure,omitempty"`
	Processes        int       `json:"processes_held,omitempty"`
	FirstFrameErrors int       `json:"first_frame_errors,omitempty"`
}

// Measure runs every phase against one server at one size. Each phase that
// needs a fresh server starts its own, so one phase's garbage does not
// weigh on the next.
func Measure(ctx context.Context, bins Binaries, name, tmp string, size Size, o Options) Run {
	r := Run{Server: name, Size: size.String()}
	fail := func(phase string, err error) Run {
		r.Err = fmt.Sprintf("%s: %v", phase, err)
		o.logf("  %s %s: %s", name, size, r.Err)
		return r
	}
	pprof := o.PprofDir != "" && name == Ours
	srv, err := Start(ctx, bins, name, tmp, size.W, pprof, o.OursEnv)
	if err != nil {
		return fail("start", err)
	}
	d := dialer(srv, size, o)
	if err := latency(ctx, srv, d, o, &r); err != nil {
		srv.Stop()
		return fail("latency", err)
	}
	profiled(ctx, srv, o, "profile?seconds="+fmt.Sprint(int(math.Ceil(o.RateFor.Seconds()))), "cpu-sessions-"+size.String(), func() { rate(ctx, d, o, &r) })
	srv.Stop()

	if srv, err = Start(ctx, bins, name, tmp, size.W, pprof, o.OursEnv); err != nil {
		return fail("start", err)
	}
	err = hold(ctx, srv, dialer(srv, size, o), o, &r)
	if err == nil && size == o.MaxHoldSize {
		// Last on this server: a spinning goroutine would stay.
		closedChannel(ctx, srv, dialer(srv, size, o), o, &r)
	}
	srv.Stop()
	if err != nil {
		return fail("hold", err)
	}

	if o.MaxHold > 0 && size == o.MaxHoldSize && slices.Contains(o.MaxHoldOn, name) {
		if srv, err = Start(ctx, bins, name, tmp, size.W, false, o.OursEnv); err != nil {
			return fail("start", err)
		}
		maxHold(ctx, dialer(srv, size, o), o, &r)
		srv.Stop()
	}
	return r
}

func dialer(srv *Server, size Size, o Options) *Dialer {
	return &Dialer{Addr: srv.Addr, User: srv.User, Signer: srv.Signer, Width: size.W, Height: size.H, Timeout: o.Timeout}
}

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, time.Now().Format("15:04:05 ")+format+"\n", args...)
	}
}

// openFirstFrame opens a session and waits for its first frame.
func openFirstFrame(ctx context.Context, d *Dialer) (*Session, Mark, error) {
	s, err := d.Open(ctx)
	if err != nil {
		return nil, Mark{}, err
	}
	m, err := s.WaitFirstFrame(d.Timeout)
	if err != nil {
		_ = s.Close()
		return nil, Mark{}, err
	}
	return s, m, nil
}

// latency times first frames one session at a time, then keypresses.
func latency(ctx context.Context, srv *Server, d *Dialer, o Options, r *Run) error {
	// A warm-up session pays for what a server does once.
	s, _, err := openFirstFrame(ctx, d)
	if err != nil {
		return err
	}
	_ = s.Close()

	var ms, chanB, wireB []float64
	for i := 0; i < o.FirstFrames && ctx.Err() == nil; i++ {
		s, m, err := openFirstFrame(ctx, d)
		if err != nil {
			r.FirstFrameErrors++
			if r.FirstFrameErrors > o.FirstFrames/10 {
				return err
			}
			continue
		}
		ms = append(ms, msec(m.At.Sub(s.Start)))
		chanB = append(chanB, float64(m.ChanBytes))
		wireB = append(wireB, float64(m.WireBytes))
		_ = s.Close()
	}
	if len(ms) == 0 {
		return errors.New("no first frame timed")
	}
	r.FirstFrameP50, r.FirstFrameP95 = pct(ms, 50), pct(ms, 95)
	// The name shows in the first chunk read; the whole first screen is
	// what a visitor's connection carries.
	if s, _, err = openFirstFrame(ctx, d); err != nil {
		return err
	}
	err = s.Quiet(100*time.Millisecond, 3*time.Second)
	r.FirstScreenBytes = s.ChanBytes()
	_ = s.Close()
	if err != nil {
		return err
	}
	r.FirstFrameBytes, r.FirstFrameWire = pct(chanB, 50), pct(wireB, 50)
	o.logf("  %s %s: first frame p50 %.2f ms p95 %.2f ms, %.0f bytes", srv.Name, d.size(), r.FirstFrameP50, r.FirstFrameP95, r.FirstFrameBytes)

	if !srv.Keys {
		r.KeyNote = "prints once and ends on a key"
		return nil
	}
	if o.Keys <= 0 {
		return nil
	}
	return keys(ctx, d, o, r)
}

func (d *Dialer) size() Size { return Size{d.Width, d.Height} }

// marker is the visible effect of a keypress: row y shows text.
type marker struct {
	y    int
	text string
}

// keys learns, in one session, what each keypress changes on screen (the
// bottom-most changed row, the last one a renderer draws), then times the
// same keypresses in a second session until each change shows.
func keys(ctx context.Context, d *Dialer, o Options, r *Run) error {
	const quiet, maxQuiet = 100 * time.Millisecond, 3 * time.Second
	s, _, err := openFirstFrame(ctx, d)
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	if err := s.Quiet(quiet, maxQuiet); err != nil {
		return err
	}
	start := s.ChanBytes()
	markers := make([]marker, 0, o.Keys)
	before := s.Rows()
	for i := 0; i < o.Keys && ctx.Err() == nil; i++ {
		if err := s.Send(o.Key); err != nil {
			return err
		}
		if _, err := s.WaitFor(func(sc *Screen) bool { return !slices.Equal(sc.Rows(), before) }, d.Timeout); err != nil {
			return fmt.Errorf("key %d (%q) changed nothing on screen: %w", i+1, o.Key, err)
		}
		if err := s.Quiet(quiet, maxQuiet); err != nil {
			return err
		}
		after := s.Rows()
		m := marker{y: -1}
		for y := len(after) - 1; y >= 0; y-- {
			if after[y] != before[y] {
				m = marker{y, after[y]}
				break
			}
		}
		if m.y < 0 {
			return fmt.Errorf("key %d (%q) changed nothing on screen", i+1, o.Key)
		}
		markers = append(markers, m)
		before = after
	}
	r.KeyBytes = float64(s.ChanBytes()-start) / float64(len(markers))
	_ = s.Close()

	if s, _, err = openFirstFrame(ctx, d); err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	if err := s.Quiet(quiet, maxQuiet); err != nil {
		return err
	}
	var ms []float64
	for i, m := range markers {
		t0 := time.Now()
		if err := s.Send(o.Key); err != nil {
			return err
		}
		at, err := s.WaitFor(func(sc *Screen) bool { return sc.Row(m.y) == m.text }, d.Timeout)
		if err != nil {
			return fmt.Errorf("key %d: row %d never showed %q: %w", i+1, m.y, m.text, err)
		}
		ms = append(ms, msec(at.At.Sub(t0)))
		// Keys are pressed one at a time, as a visitor reads: let the frame
		// finish before the next.
		if err := s.Quiet(20*time.Millisecond, maxQuiet); err != nil {
			return err
		}
	}
	r.KeyP50, r.KeyP95 = pct(ms, 50), pct(ms, 95)
	o.logf("  %s: key to frame p50 %.2f ms p95 %.2f ms, %.0f bytes/key", d.size(), r.KeyP50, r.KeyP95, r.KeyBytes)
	return nil
}

// rateRounds splits the sessions/s window: the best round is reported, as
// other work on a shared machine only ever slows a round down.
const rateRounds = 3

// rate measures sessions/s over rateRounds rounds and keeps the best.
func rate(ctx context.Context, d *Dialer, o Options, r *Run) {
	ro := o
	ro.RateFor = o.RateFor / rateRounds
	ro.RateMax = o.RateMax / rateRounds
	var best Run
	for i := range rateRounds {
		var rr Run
		rateRound(ctx, d, ro, &rr)
		r.RateFailures += rr.RateFailures
		if r.RateFailure == "" {
			r.RateFailure = rr.RateFailure
		}
		r.RateRounds = append(r.RateRounds, math.Round(rr.SessionsPerSec))
		if i == 0 || rr.SessionsPerSec > best.SessionsPerSec {
			best = rr
		}
	}
	r.SessionsPerSec = best.SessionsPerSec
	r.RateConcurrency = o.Concurrency
	o.logf("  %s: %.0f sessions/s with %d clients (best of %v), %d failed %s", d.size(), r.SessionsPerSec, o.Concurrency, r.RateRounds, r.RateFailures, r.RateFailure)
}

// rateRound has Concurrency clients each open a session, wait for the
// first frame and close it, over and over, for RateFor or RateMax sessions.
func rateRound(ctx context.Context, d *Dialer, o Options, r *Run) {
	ctx, cancel := context.WithTimeout(ctx, o.RateFor)
	defer cancel()
	// Past the end, a dial fails at once with a timeout, possibly before
	// ctx says so on a busy machine: such failures are the tool's, not the
	// server's.
	end, _ := ctx.Deadline()
	live := func() bool { return ctx.Err() == nil && time.Now().Before(end) }
	var started, ok, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	t0 := time.Now()
	for range o.Concurrency {
		wg.Go(func() {
			for live() && started.Add(1) <= int64(o.RateMax) {
				s, _, err := openFirstFrame(ctx, d)
				if err != nil {
					if live() {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, firstLine(err.Error()))
					}
					continue
				}
				_ = s.Close()
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	r.SessionsPerSec = float64(ok.Load()) / time.Since(t0).Seconds()
	r.RateConcurrency = o.Concurrency
	r.RateFailures = int(failed.Load())
	if e, ok := firstErr.Load().(string); ok {
		r.RateFailure = e
	}
}

// openMany opens n sessions, conc at a time, each to its first frame, then
// drains them. It stops at the first failure.
func openMany(ctx context.Context, d *Dialer, n, conc int) ([]*Session, error) {
	var mu sync.Mutex
	var firstErr error
	held := make([]*Session, 0, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for ctx.Err() == nil && next.Add(1) <= int64(n) {
				mu.Lock()
				stop := firstErr != nil
				mu.Unlock()
				if stop {
					return
				}
				s, _, err := openFirstFrame(ctx, d)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
				} else {
					s.Drain()
					held = append(held, s)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return held, firstErr
}

func closeAll(ss []*Session) {
	for _, s := range ss {
		_ = s.Close()
	}
}

// hold opens Hold sessions and measures the server's memory per session and
// its CPU while they sit idle.
func hold(ctx context.Context, srv *Server, d *Dialer, o Options, r *Run) error {
	s, _, err := openFirstFrame(ctx, d)
	if err != nil {
		return err
	}
	_ = s.Close()
	base, err := TreeUsage(srv.PID())
	if err != nil {
		return err
	}
	held, err := openMany(ctx, d, o.Hold, o.HoldConc)
	defer closeAll(held)
	if err != nil {
		return fmt.Errorf("after %d sessions: %w", len(held), err)
	}
	// Let the server settle after the burst, then watch it idle.
	if err := sleep(ctx, time.Second); err != nil {
		return err
	}
	u0, err := TreeUsage(srv.PID())
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := sleep(ctx, o.IdleFor); err != nil {
		return err
	}
	u1, err := TreeUsage(srv.PID())
	if err == nil {
		profiled(ctx, srv, o, "heap", fmt.Sprintf("heap-%d-held-%s", len(held), d.size()), nil)
		profiled(ctx, srv, o, "goroutine", fmt.Sprintf("goroutine-%d-held-%s", len(held), d.size()), nil)
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(t0).Seconds()
	for _, s := range held {
		if !s.Alive() {
			return errors.New("a held session ended while idle")
		}
	}
	r.Held = len(held)
	r.MemBaseKB, r.MemHeldKB = base.PSSKB, u1.PSSKB
	r.MemPerSessionKB = float64(u1.PSSKB-base.PSSKB) / float64(len(held))
	r.IdleCPUCores = float64(u1.CPUTck-u0.CPUTck) / userHZ / elapsed
	r.Processes = u1.Procs
	o.logf("  %s: %d held: %.0f KiB/session, idle %.3f cores", d.size(), r.Held, r.MemPerSessionKB, r.IdleCPUCores)
	return nil
}

// profiled runs f while saving the server's profile kind as name, when
// profiling; f may be nil for a point-in-time profile such as the heap.
func profiled(ctx context.Context, srv *Server, o Options, kind, name string, f func()) {
	if o.PprofDir == "" || srv.metrics == "" {
		if f != nil {
			f()
		}
		return
	}
	path := filepath.Join(o.PprofDir, srv.Name+"-"+name+".pb.gz")
	done := make(chan error, 1)
	go func() { done <- srv.Profile(ctx, kind, path) }()
	if f != nil {
		f()
	}
	if err := <-done; err != nil {
		o.logf("  profile: %v", err)
		return
	}
	o.logf("  profile: %s", path)
}

// closedChannel closes one session's channel while its connection stays
// open, as a client with several channels may, and measures the server's
// CPU afterwards: nothing should be left running.
func closedChannel(ctx context.Context, srv *Server, d *Dialer, o Options, r *Run) {
	s, _, err := openFirstFrame(ctx, d)
	if err != nil {
		r.ClosedChanNote = firstLine(err.Error())
		return
	}
	defer func() { _ = s.Close() }()
	_ = s.CloseSession()
	if err := sleep(ctx, 200*time.Millisecond); err != nil {
		return
	}
	u0, err := TreeUsage(srv.PID())
	if err != nil {
		return
	}
	t0 := time.Now()
	if err := sleep(ctx, o.IdleFor/2); err != nil {
		return
	}
	u1, err := TreeUsage(srv.PID())
	if err != nil {
		return
	}
	r.ClosedChanCPU = float64(u1.CPUTck-u0.CPUTck) / userHZ / time.Since(t0).Seconds()
	o.logf("  %s: %.3f cores after a session channel closed on a live connection", d.size(), r.ClosedChanCPU)
}

// maxHold opens up to MaxHold sessions and reports how many were held with
// none failing.
func maxHold(ctx context.Context, d *Dialer, o Options, r *Run) {
	held, err := openMany(ctx, d, o.MaxHold, o.HoldConc)
	defer closeAll(held)
	r.MaxHeldTried = o.MaxHold
	if err == nil {
		// Held means still there a moment later.
		err = sleep(ctx, time.Second)
	}
	alive := 0
	for _, s := range held {
		if s.Alive() {
			alive++
		}
	}
	r.MaxHeld = alive
	if err != nil {
		r.MaxHeldFailure = firstLine(err.Error())
	} else if alive < len(held) {
		r.MaxHeldFailure = fmt.Sprintf("%d held sessions ended", len(held)-alive)
	}
	o.logf("  %s: held %d of %d at once %s", d.size(), r.MaxHeld, o.MaxHold, r.MaxHeldFailure)
}

func firstLine(s string) string {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func msec(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pct is the nearest-rank percentile p of v.
func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
