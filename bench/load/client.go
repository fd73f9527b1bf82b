package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// Name is what the résumé shows first; a session's first frame has arrived
// when it is on screen.
const Name = "Wenging Luo"

// ErrNotLoopback is returned for a target outside 127.0.0.0/8: the load tool
// never sends traffic anywhere else.
var ErrNotLoopback = errors.New("target is not in 127.0.0.0/8")

// CheckLoopback returns an error unless addr is host:port with an IPv4
// address in 127.0.0.0/8.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("target %q: %w", addr, err)
	}
	ip := net.ParseIP(host).To4()
	if ip == nil || ip[0] != 127 {
		return fmt.Errorf("%q: %w", addr, ErrNotLoopback)
	}
	return nil
}

// Dialer opens terminal sessions the way a visitor's ssh does: connect,
// authenticate, request a PTY of the given size, start a shell.
type Dialer struct {
	Addr          string     // host:port, in 127.0.0.0/8
	User          string     // login name
	Signer        ssh.Signer // offered for public-key authentication; nil offers none
	Width, Height int
	Term          string        // TERM sent with the PTY request; default xterm-256color
	Timeout       time.Duration // for connecting and for the first frame
}

// Session is one open terminal session and the screen it draws.
type Session struct {
	Start time.Time // when the dial began

	conn   *countConn
	client *ssh.Client
	sess   *ssh.Session
	in     io.WriteCloser

	chanBytes atomic.Int64 // terminal bytes received

	mu       sync.Mutex
	screen   *Screen // nil once the session only drains
	lastRead time.Time
	cond     func(*Screen) bool
	met      chan Mark
	err      error // set when the output ends
	ended    chan struct{}
}

// Open dials and starts a terminal session. The caller must Close it.
func (d *Dialer) Open(ctx context.Context) (*Session, error) {
	if err := CheckLoopback(d.Addr); err != nil {
		return nil, err
	}
	s := &Session{Start: time.Now(), ended: make(chan struct{})}
	nd := net.Dialer{Timeout: d.Timeout}
	c, err := nd.DialContext(ctx, "tcp", d.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	s.conn = &countConn{Conn: c}
	// The handshake, authentication and session set-up share one deadline.
	_ = c.SetDeadline(time.Now().Add(d.Timeout))
	cfg := &ssh.ClientConfig{
		User: d.User,
		// The servers measured are started by the load tool on loopback
		// with fresh host keys; there is nothing to pin.
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	}
	if d.Signer != nil {
		cfg.Auth = []ssh.AuthMethod{ssh.PublicKeys(d.Signer)}
	}
	cc, chans, reqs, err := ssh.NewClientConn(s.conn, d.Addr, cfg)
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("handshake: %w", err)
	}
	s.client = ssh.NewClient(cc, chans, reqs)
	if err := s.startShell(d); err != nil {
		_ = s.client.Close()
		return nil, err
	}
	_ = c.SetDeadline(time.Time{})
	return s, nil
}

func (s *Session) startShell(d *Dialer) error {
	var err error
	if s.sess, err = s.client.NewSession(); err != nil {
		return fmt.Errorf("open session: %w", err)
	}
	term := d.Term
	if term == "" {
		term = "xterm-256color"
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := s.sess.RequestPty(term, d.Height, d.Width, modes); err != nil {
		return fmt.Errorf("request pty: %w", err)
	}
	if s.in, err = s.sess.StdinPipe(); err != nil {
		return fmt.Errorf("stdin: %w", err)
	}
	out, err := s.sess.StdoutPipe()
	if err != nil {
		return fmt.Errorf("stdout: %w", err)
	}
	s.screen = NewScreen(d.Width, d.Height)
	if err := s.sess.Shell(); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	go s.read(out)
	return nil
}

// read feeds the screen until the output ends, answers the terminal's
// queries, and tells a waiter the moment its condition is met.
func (s *Session) read(out io.Reader) {
	buf := make([]byte, 8<<10)
	for {
		n, err := out.Read(buf)
		now := time.Now()
		if n > 0 {
			s.chanBytes.Add(int64(n))
			s.mu.Lock()
			s.lastRead = now
			var replies []byte
			if s.screen != nil {
				_, _ = s.screen.Write(buf[:n])
				replies = s.screen.Replies()
				if s.cond != nil && s.cond(s.screen) {
					s.met <- Mark{At: now, ChanBytes: s.chanBytes.Load(), WireBytes: s.conn.in.Load()}
					s.cond = nil
				}
			}
			s.mu.Unlock()
			if len(replies) > 0 {
				_, _ = s.in.Write(replies)
			}
		}
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			s.mu.Lock()
			s.err = fmt.Errorf("output ended: %w", err)
			s.mu.Unlock()
			close(s.ended)
			return
		}
	}
}

// Mark is a moment in a session: when something showed on screen and how
// many bytes had arrived by then.
type Mark struct {
	At        time.Time
	ChanBytes int64 // terminal bytes
	WireBytes int64 // bytes on the TCP connection, SSH handshake and framing included
}

// WaitFor returns the moment at which the screen first satisfied cond, or an
// error when the timeout passes or the output ends first.
func (s *Session) WaitFor(cond func(*Screen) bool, timeout time.Duration) (Mark, error) {
	met := make(chan Mark, 1)
	s.mu.Lock()
	if s.screen == nil {
		s.mu.Unlock()
		return Mark{}, errors.New("session is draining")
	}
	if cond(s.screen) {
		s.mu.Unlock()
		return Mark{At: time.Now(), ChanBytes: s.chanBytes.Load(), WireBytes: s.conn.in.Load()}, nil
	}
	s.cond, s.met = cond, met
	s.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case m := <-met:
		return m, nil
	case <-s.ended:
		select {
		case m := <-met:
			return m, nil
		default:
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return Mark{}, fmt.Errorf("%w; screen:\n%s", s.err, s.screen.Top(5))
	case <-t.C:
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cond = nil
		select {
		case m := <-met: // met just before the timer fired
			return m, nil
		default:
		}
		return Mark{}, fmt.Errorf("timed out after %v; screen:\n%s", timeout, s.screen.Top(5))
	}
}

// WaitFirstFrame waits until the name is on screen.
func (s *Session) WaitFirstFrame(timeout time.Duration) (Mark, error) {
	s.mu.Lock()
	if s.screen != nil {
		s.screen.Watch(Name)
	}
	s.mu.Unlock()
	m, err := s.WaitFor(func(sc *Screen) bool { return sc.Seen() }, timeout)
	if err != nil {
		return Mark{}, fmt.Errorf("first frame: %w", err)
	}
	return m, nil
}

// Alive reports whether the session's output is still open.
func (s *Session) Alive() bool {
	select {
	case <-s.ended:
		return false
	default:
		return true
	}
}

// Quiet waits until no output has arrived for q since the call or the last
// output, whichever is later, at most limit.
func (s *Session) Quiet(q, limit time.Duration) error {
	called := time.Now()
	deadline := called.Add(limit)
	for {
		s.mu.Lock()
		last := s.lastRead
		s.mu.Unlock()
		if last.Before(called) {
			last = called
		}
		now := time.Now()
		if now.Sub(last) >= q {
			return nil
		}
		if now.After(deadline) {
			return fmt.Errorf("output still flowing after %v", limit)
		}
		select {
		case <-time.After(last.Add(q).Sub(now)):
		case <-s.ended:
			return nil
		}
	}
}

// Send writes keys to the session.
func (s *Session) Send(keys string) error {
	if _, err := io.WriteString(s.in, keys); err != nil {
		return fmt.Errorf("send keys: %w", err)
	}
	return nil
}

// Rows returns what the screen shows.
func (s *Session) Rows() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.screen == nil {
		return nil
	}
	return s.screen.Rows()
}

// Drain stops keeping the screen: the output is still read and counted, so
// a held session costs the load tool little.
func (s *Session) Drain() {
	s.mu.Lock()
	s.screen, s.cond = nil, nil
	s.mu.Unlock()
}

// ChanBytes is the number of terminal bytes received so far.
func (s *Session) ChanBytes() int64 { return s.chanBytes.Load() }

// WireBytes is the number of bytes received on the TCP connection so far,
// SSH framing and handshake included.
func (s *Session) WireBytes() int64 { return s.conn.in.Load() }

// Conn is the SSH connection, for opening more channels on it.
func (s *Session) Conn() *ssh.Client { return s.client }

// CloseSession closes the session channel and leaves the connection open.
func (s *Session) CloseSession() error { return s.sess.Close() }

// Close ends the session and its connection.
func (s *Session) Close() error { return s.client.Close() }

// countConn counts the bytes read from a connection.
type countConn struct {
	net.Conn
	in atomic.Int64
}

func (c *countConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.in.Add(int64(n))
	return n, err
}
