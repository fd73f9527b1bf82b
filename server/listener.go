package server

import (
	"bytes"
	"container/list"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pires/go-proxyproto"
	gossh "golang.org/x/crypto/ssh"
)

// listener applies the limits that must hold before any SSH work is done:
// the global connection cap, and for direct connections the per-address
// cap and rate. Connections from a trusted proxy are admitted per address
// later, in connCallback, once their PROXY header has named the visitor.
// A refused connection gets one line and is closed inside Accept, so it
// never costs a goroutine.
type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if tc := l.s.admit(c); tc != nil {
			return tc, nil
		}
	}
}

// admit wraps c in a trackedConn, or refuses it and returns nil.
func (s *Server) admit(c net.Conn) *trackedConn {
	peer := addrOf(c.RemoteAddr())
	if s.closing.Load() {
		s.refuse(c, refuseShutdown)
		return nil
	}
	if s.openConns.Add(1) > int64(s.cfg.MaxSessions) && !s.preauth.evictOldest(s) {
		s.openConns.Add(-1)
		s.refuse(c, refuseBusy)
		return nil
	}
	tc := &trackedConn{Conn: c, s: s, peer: peer}
	s.preauth.add(tc)
	if s.trustedProxy(peer) {
		// The header must come first; its address is checked against the
		// per-address limits in connCallback.
		tc.Conn = proxyproto.NewConn(c,
			proxyproto.WithPolicy(proxyproto.REQUIRE),
			proxyproto.SetReadHeaderTimeout(s.cfg.HandshakeTimeout))
		tc.proxied = true
		return tc
	}
	if reason := s.limiter.admitConn(peer, time.Now()); reason != "" {
		s.preauth.remove(tc)
		s.openConns.Add(-1)
		s.refuse(c, reason)
		return nil
	}
	tc.ip, tc.ipHeld = peer, true
	if len(s.cfg.TrustedProxies) > 0 {
		tc.Conn = &headerGuard{Conn: c}
	}
	return tc
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// refuse counts and logs a refusal, sends the visitor its reason where
// there is one, and closes c.
func (s *Server) refuse(c net.Conn, reason string) {
	s.metrics.refusals.WithLabelValues(reason).Inc()
	s.log.Info("refused", "remote", c.RemoteAddr().String(), "reason", reason)
	if msg := refusalMessage(reason); msg != nil {
		// A fresh socket's send buffer is empty: this does not block.
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = c.Write(msg)
	}
	// Closing a socket with unread input sends a reset, which can make the
	// client drop the message unread. So send FIN, read what the client
	// still sends for a moment, then close: on a goroutine, at most
	// maxLingering at once; past that, read what is queued and close now.
	closeWrite(c)
	select {
	case s.lingering <- struct{}{}:
		go func() {
			defer func() { <-s.lingering }()
			_ = c.SetReadDeadline(time.Now().Add(refuseLinger))
			_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
			_ = c.Close()
		}()
	default:
		drainNonBlocking(c)
		_ = c.Close()
	}
}

// How long, and for how many connections at once, a refused connection is
// read from before it is closed.
const (
	refuseLinger = time.Second
	maxLingering = 64
)

// closeWrite half-closes c (sends FIN), looking through wrappers.
func closeWrite(c net.Conn) {
	switch c := c.(type) {
	case interface{ CloseWrite() error }:
		_ = c.CloseWrite()
	case interface{ Raw() net.Conn }:
		closeWrite(c.Raw())
	}
}

// SSH disconnect reason codes (RFC 4253 section 11.1).
const (
	disconnectByApplication     = 11
	disconnectTooManyConnection = 12
)

// refusalMessage is what a visitor refused before the handshake receives:
// the reason as a text line (what netcat shows, and OpenSSH with -v),
// then the server's version and an unencrypted SSH_MSG_DISCONNECT with the
// same text, which the protocol allows before key exchange and which
// OpenSSH prints as "Received disconnect from HOST port N:12: resume: ...".
// No key exchange is done: refusing stays cheap.
func refusalMessage(reason string) []byte {
	line, ok := refusalLine[reason]
	if !ok {
		return nil
	}
	code := uint32(disconnectTooManyConnection)
	if reason == refuseShutdown {
		code = disconnectByApplication
	}
	payload := gossh.Marshal(struct {
		Type     uint8
		Code     uint32
		Message  string
		Language string
	}{1, code, line, ""}) // 1: SSH_MSG_DISCONNECT
	pad := 8 - (5+len(payload))%8
	if pad < 4 {
		pad += 8
	}
	msg := []byte(line + "\r\nSSH-2.0-resume\r\n")
	msg = binary.BigEndian.AppendUint32(msg, uint32(1+len(payload)+pad))
	msg = append(msg, byte(pad))
	msg = append(msg, payload...)
	return append(msg, make([]byte, pad)...)
}

// trackedConn is one accepted TCP connection. It counts bytes, carries the
// per-address slot it holds, and on Close releases everything and logs the
// disconnect.
type trackedConn struct {
	net.Conn
	s       *Server
	peer    netip.Addr // the TCP peer (a proxy when proxied)
	proxied bool       // from a trusted proxy: limits apply in connCallback

	ip     netip.Addr // the visitor's address the slot is held for
	ipHeld bool

	bytesIn, bytesOut atomic.Int64
	state             atomic.Pointer[conn]
	closeOnce         sync.Once
	preauthElem       *list.Element // in Server.preauth until authenticated; guarded by its mutex
}

func (c *trackedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.bytesIn.Add(int64(n))
	return n, err
}

func (c *trackedConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.bytesOut.Add(int64(n))
	return n, err
}

// Close closes the socket and releases the connection's slots, once.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() {
		c.s.preauth.remove(c)
		if c.ipHeld {
			c.s.limiter.releaseConn(c.ip)
		}
		if st := c.state.Load(); st != nil {
			st.closed()
		}
		c.s.openConns.Add(-1)
		c.s.checkDrained()
	})
	return err
}

// preauthList orders the connections that have not authenticated yet,
// oldest first. When the server is full, a new connection takes the place
// of the oldest of them instead of being refused: connections that sit
// silent in the handshake (slowloris) cannot keep real visitors out, who
// finish their handshake in milliseconds.
type preauthList struct {
	mu sync.Mutex
	l  list.List
}

func (p *preauthList) add(tc *trackedConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	tc.preauthElem = p.l.PushBack(tc)
}

// remove takes tc off the list: it has authenticated, or closed.
func (p *preauthList) remove(tc *trackedConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if tc.preauthElem != nil {
		p.l.Remove(tc.preauthElem)
		tc.preauthElem = nil
	}
}

// evictOldest closes the oldest connection still in its handshake, and
// reports whether there was one.
func (p *preauthList) evictOldest(s *Server) bool {
	p.mu.Lock()
	e := p.l.Front()
	if e == nil {
		p.mu.Unlock()
		return false
	}
	tc := e.Value.(*trackedConn)
	p.l.Remove(e)
	tc.preauthElem = nil
	p.mu.Unlock()
	s.metrics.refusals.WithLabelValues(refuseEvicted).Inc()
	s.log.Info("refused", "remote", tc.RemoteAddr().String(), "reason", refuseEvicted)
	_ = tc.Close()
	return true
}

// The two PROXY protocol signatures: version 1 is text, version 2 binary.
var (
	proxyV1Sig = []byte("PROXY ")
	proxyV2Sig = []byte("\r\n\r\n\x00\r\nQUIT\n")
)

var errUntrustedProxyHeader = errors.New("PROXY header from an untrusted address")

// headerGuard refuses a PROXY protocol header from an address that is not a
// trusted proxy, so that the address it claims is never used: the handshake
// fails with errUntrustedProxyHeader, which handshakeFailed counts as a
// refusal. It looks at
// the client's first bytes only when the SSH layer first reads, which is
// after the server has sent its version: a client that waits for the
// server's version first (PuTTY) is not held up.
type headerGuard struct {
	net.Conn
	decided bool
	buf     []byte // bytes read while deciding, still to be returned
	err     error
}

func (g *headerGuard) Read(b []byte) (int, error) {
	if !g.decided {
		g.decide()
	}
	if len(g.buf) > 0 {
		n := copy(b, g.buf)
		g.buf = g.buf[n:]
		return n, nil
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.Conn.Read(b)
}

// decide reads until the first bytes either cannot be a PROXY signature or
// are one.
func (g *headerGuard) decide() {
	var tmp [len("\r\n\r\n\x00\r\nQUIT\n")]byte
	have := 0
	for {
		v1 := couldBe(tmp[:have], proxyV1Sig)
		v2 := couldBe(tmp[:have], proxyV2Sig)
		if (v1 && have >= len(proxyV1Sig)) || (v2 && have >= len(proxyV2Sig)) {
			g.decided, g.err = true, errUntrustedProxyHeader
			return
		}
		if !v1 && !v2 {
			break
		}
		n, err := g.Conn.Read(tmp[have:])
		have += n
		if err != nil {
			g.err = err
			break
		}
	}
	g.decided = true
	g.buf = append([]byte(nil), tmp[:have]...)
}

// couldBe reports whether b is a prefix of sig or sig a prefix of b.
func couldBe(b, sig []byte) bool {
	if len(b) <= len(sig) {
		return bytes.HasPrefix(sig, b)
	}
	return bytes.HasPrefix(b, sig)
}
