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
	"github.com/anmitsu/go-shlex"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
)

// Bounds on what a visitor may ask of one session.
const (
	maxEnvVars      = 32   // env requests kept
	maxEnvBytes     = 4096 // name and value bytes kept, in all
	maxEnvValue     = 1024 // one value
	maxTermLen      = 64   // TERM
	maxCommandBytes = 1024 // an exec command; longer ones are refused with a message
	// Window sizes are clamped to this; the renderer keeps a cell buffer of
	// the window, so a claimed 65535x65535 must not become one.
	maxCols, maxRows = 500, 200
	// resizeInterval is the least time between two window sizes handed to
	// the program: each costs a layout and a whole frame, and a visitor
	// can send thousands a second. The latest size always arrives.
	resizeInterval = 50 * time.Millisecond
)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// session is one "session" channel. It implements ssh.Session so that the
// middleware chain can run on it, but its request handling is our own
// rather than charm.land/ssh's: env requests are capped, window changes are
// coalesced without ever blocking the request loop, agent forwarding, X11
// and subsystems are refused, and the idle clock counts only the visitor's
// input.
type session struct {
	gossh.Channel
	s     *Server
	c     *conn
	start time.Time

	// Written by the request loop until the handler starts, read-only
	// afterwards (the start happens-before the handler goroutine).
	env     []string
	envSize int
	pty     *ssh.Pty
	rawCmd  string
	started bool

	// Set by routeMiddleware, in the handler goroutine.
	route  route
	resume *content.Resume
	text   *text.Cache // renderings of resume
	pdf    *pdf.Cache  // its PDFs

	// The window, updated by window-change requests.
	winMu    sync.Mutex
	win      ssh.Window
	winSeq   uint64
	resizing atomic.Bool
	onResize atomic.Pointer[func(ssh.Window)]
	resized  time.Time // when the last size was handed over; the forwarder's

	// Input the TUI dropped over its budgets (limitBytes, limitEvents),
	// for the log line.
	inputDropped, eventsDropped atomic.Int64

	lastInput atomic.Int64 // unix nanoseconds of the visitor's last input
	bytesOut  atomic.Int64
	idle      *time.Timer

	life   context.Context // cancelled when the session must end
	cancel context.CancelFunc

	mu          sync.Mutex
	reason      string // why the server ended the session, if it did
	kind        string // tui, plain or command, once routed
	exited      bool
	exitCode    int
	handlerDone chan struct{} // closed when the handler returns, if it started
	lingering   *time.Timer
	finished    bool // the channel has closed: set no more timers
	logOnce     sync.Once
	slotFreed   bool // guarded by c.mu

	writeMu sync.Mutex
	nlBuf   []byte
}

// sessionChannel is the handler for "session" channels.
func (s *Server) sessionChannel(_ *ssh.Server, _ *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	c := s.connOf(ctx)
	if c == nil {
		_ = nc.Reject(gossh.ConnectionFailed, "connection is closing")
		return
	}
	life, cancel := context.WithCancel(context.Background())
	ss := &session{s: s, c: c, start: time.Now(), life: life, cancel: cancel}
	defer cancel()
	ss.lastInput.Store(ss.start.UnixNano())
	if reason := c.openSession(ss); reason != "" {
		s.metrics.refusals.WithLabelValues(reason).Inc()
		s.log.Info("session refused", "remote", c.remote, "reason", reason)
		_ = nc.Reject(gossh.ResourceShortage, sessionRefusal[reason])
		return
	}
	ch, reqs, err := nc.Accept()
	if err != nil {
		c.releaseSession(ss)
		return
	}
	ss.mu.Lock()
	ss.Channel = ch
	ended := ss.reason != ""
	ss.idle = time.AfterFunc(s.cfg.IdleTimeout, ss.checkIdle)
	ss.mu.Unlock()
	if ended {
		_ = ch.Close()
	}
	ss.serveRequests(reqs)
	ss.finish()
}

// What a visitor whose session is refused reads (OpenSSH prints
// "channel 0: open failed: resource shortage: ...").
var sessionRefusal = map[string]string{
	refuseShutdown:     "the server is restarting",
	refuseConnSessions: "too many sessions on this connection",
	refuseSessions:     "the server is busy",
	refuseIPSessions:   "too many sessions from your address",
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
				ss.s.metrics.refusals.WithLabelValues(refuseEnv).Inc()
			}
		case "shell", "exec":
			ok, then = ss.startRequest(req.Type, req.Payload)
		case "subsystem", "x11-req", "auth-agent-req@openssh.com":
			ss.s.metrics.refusals.WithLabelValues(refuseRequest).Inc()
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
	ss.pty = &ssh.Pty{Term: cleanTerm(p.Term), Window: clampWindow(p.Columns, p.Rows)}
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
	ss.win = clampWindow(p.Columns, p.Rows)
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
	ss.started = true
	ss.mu.Lock()
	ss.handlerDone = make(chan struct{})
	ss.mu.Unlock()
	return true, func() { go ss.runHandler() }
}

// runHandler runs the middleware chain. A panic anywhere in it ends this
// session with exit status 1 and a logged stack, never the server.
func (ss *session) runHandler() {
	defer close(ss.handlerDone)
	defer ss.handlerReturned()
	defer ss.recoverGo("handler")
	ss.s.ssh.Handler(ss)
}

// handlerReturned frees the session's server-wide and per-address slots,
// logs the session and sends the exit status, in that order: a visitor
// who has its exit status can open the next session at once, and the log
// line comes before the connection's disconnect line.
func (ss *session) handlerReturned() {
	ss.c.releaseSlot(ss)
	ss.logEnd(true)
	ss.mu.Lock()
	code := ss.exitCode
	ss.mu.Unlock()
	_ = ss.Exit(code)
}

// recoverGo is deferred first in every goroutine a session starts: a
// panic ends the session with exit status 1 and a logged stack.
func (ss *session) recoverGo(where string) {
	r := recover()
	if r == nil {
		return
	}
	ss.logPanic(where, r, debug.Stack())
	ss.markPanic()
	ss.cancel()
}

// checkIdle ends the session when the visitor has typed nothing for the
// idle timeout; otherwise it sets the timer for the rest of the time. Only
// input counts: the server drawing does not keep a session alive.
func (ss *session) checkIdle() {
	last := time.Unix(0, ss.lastInput.Load())
	if left := ss.s.cfg.IdleTimeout - time.Since(last); left > 0 {
		ss.mu.Lock()
		if !ss.finished { // a timer set again after finish holds the session
			ss.idle.Reset(left)
		}
		ss.mu.Unlock()
		return
	}
	ss.end(endIdle)
}

// end tells the session to finish, for reason. The handler sees life
// cancelled; if the session is still open after closeLinger, its
// connection is closed, since only that unblocks a write to a client that
// has stopped reading.
func (ss *session) end(reason string) {
	ss.mu.Lock()
	if ss.reason != "" {
		ss.mu.Unlock()
		return
	}
	ss.reason = reason
	ch, started := ss.Channel, ss.handlerDone != nil
	ss.lingering = time.AfterFunc(closeLinger, func() { _ = ss.c.tc.Close() })
	ss.mu.Unlock()
	ss.cancel()
	if ch != nil && !started {
		_ = ch.Close()
	}
}

// endReason is why the server ended the session ("" if it did not).
func (ss *session) endReason() string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason
}

// finish runs when the channel has closed: it waits for the handler (told
// to stop), releases the session's slot and logs it.
func (ss *session) finish() {
	ss.cancel()
	ss.mu.Lock()
	done := ss.handlerDone
	ss.mu.Unlock()
	if done != nil {
		<-done
	}
	ss.mu.Lock()
	ss.finished = true
	if ss.idle != nil {
		ss.idle.Stop()
	}
	if ss.lingering != nil {
		ss.lingering.Stop()
	}
	ss.mu.Unlock()
	ss.c.releaseSession(ss)
	ss.logEnd(false)
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
		if reason != "" {
			attrs = append(attrs, "reason", reason)
		}
		ss.s.log.Info("session", attrs...)
	})
}

// Read reads the visitor's input and restarts the idle clock.
func (ss *session) Read(b []byte) (int, error) {
	n, err := ss.Channel.Read(b)
	if n > 0 {
		ss.lastInput.Store(time.Now().UnixNano())
	}
	return n, err
}

// Write writes to the visitor. With a PTY, "\n" becomes "\r\n", as a
// terminal's line discipline would do (the renderer counts on it).
func (ss *session) Write(b []byte) (int, error) {
	return ss.write(ss.Channel, b)
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
func (ss *session) Stderr() io.ReadWriter {
	return stderr{ss}
}

type stderr struct{ ss *session }

func (e stderr) Read(b []byte) (int, error)  { return e.ss.Channel.Stderr().Read(b) }
func (e stderr) Write(b []byte) (int, error) { return e.ss.write(e.ss.Channel.Stderr(), b) }

// Exit sends the exit status and closes the channel, once.
func (ss *session) Exit(code int) error {
	ss.mu.Lock()
	if ss.exited {
		ss.mu.Unlock()
		return nil
	}
	ss.exited, ss.exitCode = true, code
	ss.mu.Unlock()
	status := struct{ Status uint32 }{uint32(code)}
	_, err := ss.SendRequest("exit-status", false, gossh.Marshal(&status))
	if cerr := ss.Close(); err == nil {
		err = cerr
	}
	return err
}

// The rest of ssh.Session.

func (ss *session) User() string              { return ss.c.ctx.User() }
func (ss *session) RemoteAddr() net.Addr      { return ss.c.tc.RemoteAddr() }
func (ss *session) LocalAddr() net.Addr       { return ss.c.tc.LocalAddr() }
func (ss *session) Environ() []string         { return append([]string(nil), ss.env...) }
func (ss *session) RawCommand() string        { return ss.rawCmd }
func (ss *session) Subsystem() string         { return "" }
func (ss *session) Context() ssh.Context      { return ss.c.ctx }
func (ss *session) EmulatedPty() bool         { return ss.pty != nil }
func (ss *session) Signals(chan<- ssh.Signal) {}
func (ss *session) Break(chan<- bool)         {}

func (ss *session) Permissions() ssh.Permissions { return *ss.c.ctx.Permissions() }

func (ss *session) PublicKey() ssh.PublicKey {
	ss.c.mu.Lock()
	defer ss.c.mu.Unlock()
	if ss.c.key == nil {
		return nil
	}
	return ss.c.key
}

// Command splits the exec command like a POSIX shell would.
func (ss *session) Command() []string {
	args, _ := shlex.Split(ss.rawCmd, true)
	return args
}

// Pty returns the PTY, if one was requested. Window changes are not
// delivered on a channel (nil here): the session forwards them to its
// program itself, coalesced.
func (ss *session) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	if ss.pty == nil {
		return ssh.Pty{}, nil, false
	}
	p := *ss.pty
	p.Window = ss.window()
	return p, nil, true
}

// clampWindow bounds a window size the client claims; 0 means unknown and
// becomes the conventional 80x24.
func clampWindow(cols, rows uint32) ssh.Window {
	w := ssh.Window{Width: int(min(cols, maxCols)), Height: int(min(rows, maxRows))}
	if w.Width == 0 {
		w.Width = 80
	}
	if w.Height == 0 {
		w.Height = 24
	}
	return w
}

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
