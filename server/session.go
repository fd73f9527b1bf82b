package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/internal/teahost"
)

// Bounds on what a visitor may ask of one session.
const (
	maxEnvVars      = 32   // env requests kept
	maxEnvBytes     = 4096 // name and value bytes kept, in all
	maxEnvValue     = 1024 // one value
	maxTermLen      = 64   // TERM
	maxCommandBytes = 1024 // an exec command; longer ones are refused with a message
	// resizeInterval is the least time between two window sizes handed to
	// the program: each costs a layout and a whole frame, and a visitor
	// can send thousands a second. The latest size always arrives.
	resizeInterval = 50 * time.Millisecond
)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// sessionState is where a session is in its life. It only moves forward:
//
//	started ──shell/exec──▶ running ──┐
//	   │                      │       ├──▶ closed
//	   └──────end(reason)─────┴──▶ ending(reason)
//
// started: the channel is open and its requests are answered; no handler
// yet. running: the handler runs. ending: the server told it to end (idle,
// time limit, shutdown, panic); its context is cancelled and its
// connection's linger timer runs. closed: the channel has closed and the
// handler, if one ran, has returned; every slot is given back.
type sessionState uint8

const (
	stateStarted sessionState = iota
	stateRunning
	stateEnding
	stateClosed
)

// session is one "session" channel, with request handling of our own:
// env requests are capped, window changes are coalesced without ever
// blocking the request loop, agent forwarding, X11 and subsystems are
// refused, and the idle clock counts only the visitor's input. It does not
// implement ssh.Session: the handler chain (Server.handle) is ours too.
//
// Each group of fields below is guarded as it says, and no lock of another
// struct guards any of them.
type session struct {
	s     *Server
	c     *conn
	start time.Time
	life  context.Context // cancelled when the session must end
	quit  context.CancelFunc

	// Written by the request loop until the handler starts, read-only
	// afterwards (the start happens-before the handler goroutine).
	ch      gossh.Channel
	env     []string
	envSize int
	pty     *ssh.Pty
	rawCmd  string
	started bool

	// Set by the handler chain, in the handler goroutine.
	route route
	load  *loaded // the résumé the session got, with its sections and renderings

	// The window, updated by window-change requests; winMu.
	winMu    sync.Mutex
	win      ssh.Window
	winSeq   uint64
	resizing atomic.Bool
	onResize atomic.Pointer[func(ssh.Window)]
	resized  time.Time // when the last size was handed over; the forwarder's

	// Counters, for the log line.
	inputDropped, eventsDropped atomic.Int64 // TUI input over its budgets
	lastInput                   atomic.Int64 // unix nanoseconds of the visitor's last input
	bytesOut                    atomic.Int64
	slotFreed                   atomic.Bool // the server-wide and per-address slots are back

	// The lifecycle; mu.
	mu          sync.Mutex
	state       sessionState
	reason      endReason // why it is ending, once it is
	kind        string    // tui, plain or command, once routed
	exited      bool
	exitCode    int
	handlerDone chan struct{} // closed when the handler returns, if it started
	idle        *time.Timer
	logOnce     sync.Once

	writeMu sync.Mutex
	nlBuf   []byte
}

// sessionChannel is the handler for "session" channels: it admits the
// session, runs its request loop, and closes it when the channel closes.
func (s *Server) sessionChannel(_ *ssh.Server, _ *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	c := s.connOf(ctx)
	if c == nil {
		_ = nc.Reject(gossh.ConnectionFailed, "connection is closing")
		return
	}
	life, quit := context.WithCancel(context.Background())
	defer quit()
	ss := &session{s: s, c: c, start: time.Now(), life: life, quit: quit}
	ss.lastInput.Store(ss.start.UnixNano())
	if r := c.openSession(ss); r != admission.OK {
		s.refused(c.remote, r, "session refused")
		_ = nc.Reject(gossh.ResourceShortage, r.Message())
		return
	}
	ch, reqs, err := nc.Accept()
	if err != nil {
		ss.closed()
		return
	}
	ss.mu.Lock()
	ss.ch = ch
	ended := ss.state == stateEnding // ended while being accepted
	ss.idle = time.AfterFunc(s.cfg.IdleTimeout, ss.checkIdle)
	ss.mu.Unlock()
	if ended {
		_ = ch.Close()
	}
	ss.serveRequests(reqs)
	ss.closed()
}

// run moves a started session to running, for its shell or exec request;
// false when it is already ending.
func (ss *session) run() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.state != stateStarted {
		return false
	}
	ss.state = stateRunning
	ss.handlerDone = make(chan struct{})
	return true
}

// end tells the session to finish, for reason. The handler sees its
// context cancelled; a session with no handler has its channel closed.
// The connection's linger timer closes the connection if the session is
// still open after closeLinger, since only that unblocks a write to a
// client that has stopped reading.
func (ss *session) end(reason endReason) {
	ss.mu.Lock()
	if ss.state >= stateEnding {
		ss.mu.Unlock()
		return
	}
	prev := ss.state
	ss.state, ss.reason = stateEnding, reason
	ch := ss.ch
	ss.mu.Unlock()
	ss.c.linger()
	ss.quit()
	if ch != nil && prev == stateStarted {
		_ = ch.Close()
	}
}

// endReason is why the server ended the session (endNone if it did not).
func (ss *session) endReason() endReason {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason
}

// closed runs when the channel has closed (or never opened): it waits for
// the handler (told to stop), then moves the session to closed, gives
// back everything it holds and logs it.
func (ss *session) closed() {
	ss.quit()
	ss.mu.Lock()
	done := ss.handlerDone
	ss.mu.Unlock()
	if done != nil {
		<-done
	}
	ss.mu.Lock()
	lingered := ss.state == stateEnding
	ss.state = stateClosed
	if ss.idle != nil {
		ss.idle.Stop()
	}
	ss.mu.Unlock()
	ss.releaseSlot()
	ss.c.releaseSession(ss, lingered)
	ss.logEnd(false)
}

// releaseSlot gives back the server-wide and per-address session slots,
// once. It runs when the handler returns, before the exit status is sent,
// so a visitor who runs commands one after another never finds its own
// previous session still counted; closed runs it for a session with no
// handler.
func (ss *session) releaseSlot() {
	if ss.slotFreed.CompareAndSwap(false, true) {
		ss.s.openSessions.Add(-1)
		ss.s.limiter.ReleaseSession(ss.c.ip)
	}
}

// runHandler runs the handler chain. A panic anywhere in it ends this
// session with exit status 1 and a logged stack, never the server.
func (ss *session) runHandler() {
	defer close(ss.handlerDone)
	defer ss.handlerReturned()
	defer ss.recoverGo("handler")
	ss.s.handle(ss)
}

// handlerReturned frees the session's slots, logs the session and sends
// the exit status, in that order: a visitor who has its exit status can
// open the next session at once, and the log line comes before the
// connection's disconnect line.
func (ss *session) handlerReturned() {
	ss.releaseSlot()
	ss.logEnd(true)
	ss.mu.Lock()
	code := ss.exitCode
	ss.mu.Unlock()
	_ = ss.exit(code)
}

// recoverGo is deferred first in every goroutine a session starts: a
// panic ends the session with exit status 1 and a logged stack.
func (ss *session) recoverGo(where string) {
	r := recover()
	if r == nil {
		return
	}
	ss.panicked(where, r, debug.Stack())
}

// panicked logs a recovered panic with its stack and ends the session
// with exit status 1.
func (ss *session) panicked(where string, r any, stack []byte) {
	ss.s.metrics.panics.Inc()
	ss.s.log.Error("session panic", "remote", ss.c.remote, "in", where,
		"panic", clientString(fmt.Sprint(r)), "stack", string(stack))
	ss.setExitCode(1)
	ss.end(endPanic)
}

// setExitCode sets the status the session exits with.
func (ss *session) setExitCode(code int) { //nolint:unparam // every failure is 1 today; the status stays the caller's to say
	ss.mu.Lock()
	ss.exitCode = code
	ss.mu.Unlock()
}

// setRoute records the route the handler chain chose.
func (ss *session) setRoute(rt route) {
	ss.route = rt
	ss.mu.Lock()
	ss.kind = rt.kind
	ss.mu.Unlock()
}

// checkIdle ends the session when the visitor has typed nothing for the
// idle timeout; otherwise it sets the timer for the rest of the time. Only
// input counts: the server drawing does not keep a session alive.
func (ss *session) checkIdle() {
	last := time.Unix(0, ss.lastInput.Load())
	if left := ss.s.cfg.IdleTimeout - time.Since(last); left > 0 {
		ss.mu.Lock()
		if ss.state != stateClosed { // a timer set again after closed holds the session
			ss.idle.Reset(left)
		}
		ss.mu.Unlock()
		return
	}
	ss.end(endIdle)
}

// logEnd logs the session line, once: when the handler returns (withExit:
// with the exit status it is about to send), or when the channel closes if
// no handler ran.
func (ss *session) logEnd(withExit bool) {
	ss.logOnce.Do(func() {
		ss.mu.Lock()
		kind, reason, code := ss.kind, ss.reason, ss.exitCode
		ss.mu.Unlock()
		attrs := []any{"remote", ss.c.remote, "kind", kindOrNone(kind)}
		if ss.pty != nil {
			attrs = append(attrs, "term", ss.pty.Term, "window", windowString(ss.window()))
		}
		if ss.rawCmd != "" {
			attrs = append(attrs, "command", clientString(ss.rawCmd))
		}
		attrs = append(attrs, "duration", time.Since(ss.start).Round(time.Millisecond),
			"bytes_out", ss.bytesOut.Load())
		if withExit {
			attrs = append(attrs, "exit", code)
		}
		if n := ss.inputDropped.Load(); n > 0 {
			attrs = append(attrs, "input_dropped", n)
		}
		if n := ss.eventsDropped.Load(); n > 0 {
			attrs = append(attrs, "events_dropped", n)
		}
		if reason != endNone {
			attrs = append(attrs, "reason", reason)
		}
		ss.s.log.Info("session", attrs...)
	})
}

// serveRequests answers the channel's requests until the channel closes.
// It never blocks on the handler.
func (ss *session) serveRequests(reqs <-chan *gossh.Request) {
	for req := range reqs {
		ok := false
		var then func()
		switch req.Type {
		case "pty-req":
			ok = ss.ptyRequest(req.Payload)
		case "window-change":
			ok = ss.windowChange(req.Payload)
		case "env":
			ok = ss.envRequest(req.Payload)
			if !ok {
				ss.s.metrics.refused(admission.Env)
			}
		case "shell", "exec":
			ok, then = ss.startRequest(req.Type, req.Payload)
		case "subsystem", "x11-req", "auth-agent-req@openssh.com":
			ss.s.metrics.refused(admission.Request)
			ss.s.log.Info("request refused", "remote", ss.c.remote, "request", req.Type)
		default:
			// signal, break, keepalive@openssh.com, eow@openssh.com and
			// anything unknown: refused (keepalives only need an answer).
		}
		if req.WantReply {
			_ = req.Reply(ok, nil)
		}
		if then != nil {
			then()
		}
	}
}

func (ss *session) ptyRequest(payload []byte) bool {
	var p struct {
		Term          string
		Columns, Rows uint32
		Width, Height uint32
		Modes         string
	}
	if ss.started || ss.pty != nil || gossh.Unmarshal(payload, &p) != nil {
		return false
	}
	w, h := teahost.ClampWindow(p.Columns, p.Rows)
	ss.pty = &ssh.Pty{Term: cleanTerm(p.Term), Window: ssh.Window{Width: w, Height: h}}
	ss.winMu.Lock()
	ss.win = ss.pty.Window
	ss.winMu.Unlock()
	return true
}

func (ss *session) windowChange(payload []byte) bool {
	var p struct{ Columns, Rows, Width, Height uint32 }
	if ss.pty == nil || gossh.Unmarshal(payload, &p) != nil {
		return false
	}
	ss.winMu.Lock()
	w, h := teahost.ClampWindow(p.Columns, p.Rows)
	ss.win = ssh.Window{Width: w, Height: h}
	ss.winSeq++
	ss.winMu.Unlock()
	// At most one forwarder runs; a flood of changes collapses into the
	// latest size and this loop never waits for the program.
	if ss.onResize.Load() != nil && ss.resizing.CompareAndSwap(false, true) {
		go ss.forwardResizes()
	}
	return true
}

// forwardResizes hands the latest window to the session's program until no
// newer one has arrived, no more often than resizeInterval. Only one runs
// at a time (resizing).
func (ss *session) forwardResizes() {
	defer ss.recoverGo("resize")
	for {
		if wait := time.Until(ss.resized.Add(resizeInterval)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ss.life.Done():
				t.Stop()
				ss.resizing.Store(false)
				return
			}
		}
		ss.winMu.Lock()
		w, seq := ss.win, ss.winSeq
		ss.winMu.Unlock()
		if f := ss.onResize.Load(); f != nil {
			(*f)(w) // may wait for the program; returns once it has ended
		}
		ss.resized = time.Now()
		ss.resizing.Store(false)
		ss.winMu.Lock()
		newer := ss.winSeq != seq
		ss.winMu.Unlock()
		if !newer || !ss.resizing.CompareAndSwap(false, true) {
			return
		}
	}
}

// setResize makes f receive window changes from now on; nil stops them.
// seq is the window sequence number the caller last saw (windowSeq): a
// change that came in between is forwarded at once.
func (ss *session) setResize(f func(ssh.Window), seq uint64) {
	if f == nil {
		ss.onResize.Store(nil)
		return
	}
	ss.onResize.Store(&f)
	ss.winMu.Lock()
	missed := ss.winSeq != seq
	ss.winMu.Unlock()
	if missed && ss.resizing.CompareAndSwap(false, true) {
		go ss.forwardResizes()
	}
}

// windowSeq is the current window and its sequence number.
func (ss *session) windowSeq() (ssh.Window, uint64) {
	ss.winMu.Lock()
	defer ss.winMu.Unlock()
	return ss.windowLocked(), ss.winSeq
}

// window is the current window size (80x24 without a PTY).
func (ss *session) window() ssh.Window {
	ss.winMu.Lock()
	defer ss.winMu.Unlock()
	return ss.windowLocked()
}

func (ss *session) windowLocked() ssh.Window {
	if ss.pty == nil {
		return ssh.Window{Width: 80, Height: 24}
	}
	return ss.win
}

func (ss *session) envRequest(payload []byte) bool {
	var kv struct{ Name, Value string }
	if ss.started || gossh.Unmarshal(payload, &kv) != nil {
		return false
	}
	size := len(kv.Name) + len(kv.Value)
	if len(ss.env) >= maxEnvVars || ss.envSize+size > maxEnvBytes ||
		len(kv.Value) > maxEnvValue || !envName.MatchString(kv.Name) {
		return false
	}
	ss.env = append(ss.env, kv.Name+"="+kv.Value)
	ss.envSize += size
	return true
}

func (ss *session) startRequest(kind string, payload []byte) (bool, func()) {
	if ss.started {
		return false, nil
	}
	if kind == "exec" {
		var p struct{ Command string }
		if gossh.Unmarshal(payload, &p) != nil {
			return false, nil
		}
		ss.rawCmd = p.Command
	}
	if !ss.run() {
		return false, nil
	}
	ss.started = true
	return true, func() { go ss.runHandler() }
}

// Read reads the visitor's input and restarts the idle clock.
func (ss *session) Read(b []byte) (int, error) {
	n, err := ss.ch.Read(b)
	if n > 0 {
		ss.lastInput.Store(time.Now().UnixNano())
	}
	return n, err
}

// Write writes to the visitor. With a PTY, "\n" becomes "\r\n", as a
// terminal's line discipline would do (the renderer counts on it).
func (ss *session) Write(b []byte) (int, error) {
	return ss.write(ss.ch, b)
}

func (ss *session) write(w io.Writer, b []byte) (int, error) {
	if ss.pty == nil || bytes.IndexByte(b, '\n') < 0 {
		n, err := w.Write(b)
		ss.bytesOut.Add(int64(n))
		return n, err
	}
	ss.writeMu.Lock()
	defer ss.writeMu.Unlock()
	out := ss.nlBuf[:0]
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	n, err := w.Write(out)
	ss.bytesOut.Add(int64(n))
	if cap(out) <= 64<<10 {
		ss.nlBuf = out[:0]
	} else {
		ss.nlBuf = nil
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// Stderr is the channel's stderr stream, newline-mapped like Write.
func (ss *session) Stderr() io.Writer {
	return stderr{ss}
}

type stderr struct{ ss *session }

func (e stderr) Write(b []byte) (int, error) { return e.ss.write(e.ss.ch.Stderr(), b) }

// exit sends the exit status and closes the channel, once.
func (ss *session) exit(code int) error {
	ss.mu.Lock()
	if ss.exited {
		ss.mu.Unlock()
		return nil
	}
	ss.exited, ss.exitCode = true, code
	ss.mu.Unlock()
	status := struct{ Status uint32 }{uint32(code)}
	_, err := ss.ch.SendRequest("exit-status", false, gossh.Marshal(&status))
	if cerr := ss.ch.Close(); err == nil {
		err = cerr
	}
	return err
}

// LocalAddr is the server's address the visitor dialled.
func (ss *session) LocalAddr() net.Addr { return ss.c.tc.LocalAddr() }

// environ is the environment the visitor sent, as capped.
func (ss *session) environ() []string { return append([]string(nil), ss.env...) }

var termName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// cleanTerm keeps a plausible TERM and replaces anything else.
func cleanTerm(t string) string {
	if len(t) > maxTermLen || !termName.MatchString(t) {
		return "xterm-256color"
	}
	return t
}

func kindOrNone(kind string) string {
	if kind == "" {
		return "none"
	}
	return kind
}

func windowString(w ssh.Window) string { return fmt.Sprintf("%dx%d", w.Width, w.Height) }
