package server

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"charm.land/ssh"
	"github.com/pires/go-proxyproto"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/healthcheck"
	"github.com/laphets/resume/internal/hostkey"
)

// Algorithms offered: post-quantum hybrid and X25519 key exchange,
// AEAD ciphers only, encrypt-then-MAC SHA-2 MACs (unused with AEAD, but a
// list is required). No NIST curves, no SHA-1, no CBC, no plain
// Diffie-Hellman (expensive to compute, the DHEat target). ssh-audit
// reports no [fail] for this set; OpenSSH 8.x+ and PuTTY 0.7x+ connect.
var (
	kexAlgorithms = []string{
		gossh.KeyExchangeMLKEM768X25519,
		gossh.KeyExchangeCurve25519,
	}
	cipherAlgorithms = []string{
		gossh.CipherChaCha20Poly1305,
		gossh.CipherAES256GCM,
		gossh.CipherAES128GCM,
	}
	macAlgorithms = []string{
		gossh.HMACSHA256ETM,
		gossh.HMACSHA512ETM,
	}
)

// maxAuthTries bounds authentication attempts per connection. Every method
// succeeds, so only a broken client gets near it.
const maxAuthTries = 6

// closeLinger is how long sessions told to end (idle, time limit, shutdown)
// have to finish before their connection is closed under them: a client
// that stops reading can hold a write forever.
const closeLinger = 2 * time.Second

// conn is the state of one SSH connection, from accept to close. It is
// keyed by its ssh.Context in Server.conns; nothing is kept in the context.
type conn struct {
	s     *Server
	ctx   ssh.Context
	tc    *trackedConn
	start time.Time

	mu        sync.Mutex
	remote    string     // address for logs (the visitor's, behind a proxy)
	ip        netip.Addr // the visitor's address
	authed    bool
	user      string // sanitised
	client    string // sanitised client version
	auth      string // none, publickey or keyboard-interactive
	key       gossh.PublicKey
	keyFP     string
	logLevel  slog.Level // Debug for the local health check, Info otherwise
	sessions  map[*session]struct{}
	opened    int    // sessions ever opened
	ending    string // why the connection is being ended, once it is
	gone      bool   // the TCP connection has closed
	idle      *time.Timer
	deadline  *time.Timer
	lingering *time.Timer
}

// connCallback runs first for every admitted connection, before the
// handshake: it settles the visitor's address (reading the PROXY header of
// a proxied connection and applying the per-address limits to it) and
// registers the connection's state.
func (s *Server) connCallback(ctx ssh.Context, nc net.Conn) net.Conn {
	tc, ok := nc.(*trackedConn)
	if !ok { // Serve was given a listener that is not ours
		tc = &trackedConn{Conn: nc, s: s, peer: addrOf(nc.RemoteAddr())}
		s.openConns.Add(1)
	}
	ip := tc.peer
	if tc.proxied {
		pc := tc.Conn.(*proxyproto.Conn)
		if pc.ProxyHeader() == nil { // missing, malformed or timed out
			s.metrics.refusals.WithLabelValues(refuseProxyHeader).Inc()
			s.log.Info("refused", "remote", tc.peer.String(), "reason", refuseProxyHeader)
			return nil
		}
		ip = addrOf(pc.RemoteAddr())
		if reason := s.limiter.admitConn(ip, time.Now()); reason != "" {
			s.refuse(tc.Conn, reason)
			return nil
		}
		tc.ip, tc.ipHeld = ip, true
	}
	c := &conn{
		s:        s,
		ctx:      ctx,
		tc:       tc,
		start:    time.Now(),
		remote:   tc.RemoteAddr().String(),
		ip:       ip,
		sessions: map[*session]struct{}{},
	}
	c.idle = time.AfterFunc(s.cfg.IdleTimeout, func() { c.end(endIdle) })
	c.deadline = time.AfterFunc(s.cfg.MaxSession, func() { c.end(endMaxTime) })
	tc.state.Store(c)
	s.mu.Lock()
	s.conns[ctx] = c
	s.mu.Unlock()
	s.metrics.connections.Inc()
	if s.closing.Load() {
		c.end(endShutdown)
	}
	return tc
}

// serverConfig is the per-connection SSH configuration: algorithms and
// the authentication callbacks, which record into c.
func (c *conn) serverConfig() *gossh.ServerConfig {
	return &gossh.ServerConfig{
		Config: gossh.Config{
			KeyExchanges: kexAlgorithms,
			Ciphers:      cipherAlgorithms,
			MACs:         macAlgorithms,
		},
		MaxAuthTries: maxAuthTries,
		// No password prompt: "none", any public key, and
		// keyboard-interactive with no questions all succeed. OpenSSH and
		// PuTTY try "none" first, so most visitors log auth=none and no key.
		// With owner keys, "none" fails, so that clients offer their keys
		// and the owner's can be recognised; visitors without a key get
		// in through keyboard-interactive, with no questions.
		NoClientAuth: len(c.s.owners) == 0,
		NoClientAuthCallback: func(m gossh.ConnMetadata) (*gossh.Permissions, error) {
			c.authenticated(m, "none", nil)
			return &gossh.Permissions{}, nil
		},
		PublicKeyCallback: func(gossh.ConnMetadata, gossh.PublicKey) (*gossh.Permissions, error) {
			return &gossh.Permissions{}, nil
		},
		// Called only once the client has proved it holds the key.
		VerifiedPublicKeyCallback: func(m gossh.ConnMetadata, key gossh.PublicKey, p *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			c.authenticated(m, "publickey", key)
			return p, nil
		},
		KeyboardInteractiveCallback: func(m gossh.ConnMetadata, _ gossh.KeyboardInteractiveChallenge) (*gossh.Permissions, error) {
			c.authenticated(m, "keyboard-interactive", nil)
			return &gossh.Permissions{}, nil
		},
	}
}

// authenticated records who connected and logs the connect line.
func (c *conn) authenticated(m gossh.ConnMetadata, method string, key gossh.PublicKey) {
	c.mu.Lock()
	c.authed = true
	c.user = clientString(m.User())
	c.client = clientString(string(m.ClientVersion()))
	c.auth = method
	c.logLevel = connLogLevel(c.ip, string(m.ClientVersion()))
	if key != nil {
		c.key = key
		c.keyFP = hostkey.Fingerprint(key)
	}
	attrs := []any{"remote", c.remote, "user", c.user, "client", c.client, "auth", method}
	c.s.preauth.remove(c.tc)
	if c.keyFP != "" {
		attrs = append(attrs, "key", c.keyFP)
	}
	level := c.logLevel
	c.mu.Unlock()
	c.s.log.Log(context.Background(), level, "connect", attrs...)
}

// connLogLevel keeps the container's own health check, a handshake from
// loopback every few seconds, out of the info log. Only loopback gets this:
// a visitor from outside cannot hide from the log by claiming the version.
func connLogLevel(ip netip.Addr, clientVersion string) slog.Level {
	if ip.IsLoopback() && clientVersion == healthcheck.ClientVersion {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// Why a session or connection ended, when the server ended it.
const (
	endIdle     = "idle"
	endMaxTime  = "max_session"
	endShutdown = "shutdown"
	endPanic    = "panic"
)

// end ends every session of c for reason, then closes the connection once
// they are gone, or after closeLinger at the latest.
func (c *conn) end(reason string) {
	c.mu.Lock()
	if c.ending != "" {
		c.mu.Unlock()
		return
	}
	c.ending = reason
	sessions := make([]*session, 0, len(c.sessions))
	for ss := range c.sessions {
		sessions = append(sessions, ss)
	}
	if len(sessions) > 0 {
		c.lingering = time.AfterFunc(closeLinger, func() { _ = c.tc.Close() })
	}
	c.mu.Unlock()
	for _, ss := range sessions {
		ss.end(reason)
	}
	if len(sessions) == 0 {
		_ = c.tc.Close()
	}
}

// openSession takes a session slot on c, or returns the refusal reason.
func (c *conn) openSession(ss *session) string {
	s := c.s
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ending != "" || s.closing.Load():
		return refuseShutdown
	case len(c.sessions) >= s.cfg.MaxSessionsPerConn:
		return refuseConnSessions
	}
	if s.openSessions.Add(1) > int64(s.cfg.MaxSessions) {
		s.openSessions.Add(-1)
		return refuseSessions
	}
	if reason := s.limiter.admitSession(c.ip, time.Now()); reason != "" {
		s.openSessions.Add(-1)
		return reason
	}
	c.sessions[ss] = struct{}{}
	c.opened++
	c.idle.Stop()
	return ""
}

// releaseSlot gives back the server-wide and per-address session slots
// ss holds. It runs when the handler returns, before the exit status is
// sent, so a visitor who runs commands one after another never finds its
// own previous session still counted.
func (c *conn) releaseSlot(ss *session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.releaseSlotLocked(ss)
}

func (c *conn) releaseSlotLocked(ss *session) {
	if ss.slotFreed {
		return
	}
	ss.slotFreed = true
	c.s.openSessions.Add(-1)
	c.s.limiter.releaseSession(c.ip)
}

// releaseSession gives back everything ss holds, once its channel has
// closed. The per-connection count keeps a session until then, so a client
// that never confirms closes cannot pile up channels. The connection's
// idle clock starts again when it has no session left, and a connection
// being ended closes.
func (c *conn) releaseSession(ss *session) {
	s := c.s
	c.mu.Lock()
	if _, ok := c.sessions[ss]; !ok {
		c.mu.Unlock()
		return
	}
	delete(c.sessions, ss)
	c.releaseSlotLocked(ss)
	last := len(c.sessions) == 0
	ending := c.ending != ""
	if last && !ending && !c.gone {
		// Not once the connection has closed: the timer would hold the
		// connection's memory for the whole idle timeout.
		c.idle.Reset(s.cfg.IdleTimeout)
	}
	c.mu.Unlock()
	if last && ending {
		_ = c.tc.Close()
	}
}

// closed runs once, when the TCP connection closes.
func (c *conn) closed() {
	s := c.s
	c.mu.Lock()
	c.gone = true
	c.mu.Unlock()
	c.idle.Stop()
	c.deadline.Stop()
	s.mu.Lock()
	delete(s.conns, c.ctx)
	s.mu.Unlock()
	s.metrics.connections.Dec()

	c.mu.Lock()
	if c.lingering != nil {
		c.lingering.Stop()
	}
	authed, level := c.authed, c.logLevel
	attrs := []any{
		"remote", c.remote, "user", c.user, "client", c.client,
		"duration", time.Since(c.start).Round(time.Millisecond),
		"sessions", c.opened,
		"bytes_in", c.tc.bytesIn.Load(), "bytes_out", c.tc.bytesOut.Load(),
	}
	if c.keyFP != "" {
		attrs = append(attrs, "key", c.keyFP)
	}
	if c.ending != "" {
		attrs = append(attrs, "reason", c.ending)
	}
	c.mu.Unlock()
	if authed {
		s.log.Log(context.Background(), level, "disconnect", attrs...)
	}
}
