package server

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/admission"
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

// closeLinger is how long sessions told to end (idle, time limit, shutdown,
// panic) have to finish before their connection is closed under them: a
// client that stops reading can hold a write forever. One timer per
// connection, however many of its sessions end.
const closeLinger = 2 * time.Second

// conn is the state of one SSH connection, from accept to close. It is
// keyed by its ssh.Context in Server.conns; nothing is kept in the context.
type conn struct {
	s     *Server
	ctx   ssh.Context
	tc    *admission.Conn
	start time.Time

	// mu guards the fields below it, and nothing else.
	mu          sync.Mutex
	remote      string     // address for logs (the visitor's, behind a proxy)
	ip          netip.Addr // the visitor's address
	authed      bool
	user        string // sanitised
	client      string // sanitised client version
	auth        string // none, publickey or keyboard-interactive
	key         gossh.PublicKey
	keyFP       string
	logLevel    slog.Level // Debug for the local health check, Info otherwise
	sessions    map[*session]struct{}
	opened      int       // sessions ever opened
	ending      endReason // why the connection is being ended, once it is
	lingering   int       // sessions of it told to end and not yet closed
	gone        bool      // the TCP connection has closed
	idle        *time.Timer
	deadline    *time.Timer
	lingerTimer *time.Timer // the one linger timer (see closeLinger)
}

// connCallback runs first for every admitted connection, before the
// handshake: it settles the visitor's address (a proxied connection's
// PROXY header, and the per-address limits on the address it names) and
// registers the connection's state.
func (s *Server) connCallback(ctx ssh.Context, nc net.Conn) net.Conn {
	tc, ok := nc.(*admission.Conn)
	if !ok { // unreachable: Serve hands ssh only the gate's connections
		return nil
	}
	ip, r := tc.Admit()
	if r != admission.OK {
		return nil
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
	tc.OnClose(c.closed)
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
	c.tc.Authenticated()
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

// end ends every session of c for reason, then closes the connection once
// they are gone, or when the linger timer fires at the latest.
func (c *conn) end(reason endReason) {
	c.mu.Lock()
	if c.ending != endNone {
		c.mu.Unlock()
		return
	}
	c.ending = reason
	sessions := make([]*session, 0, len(c.sessions))
	for ss := range c.sessions {
		sessions = append(sessions, ss)
	}
	if len(sessions) > 0 {
		c.lingerLocked()
	}
	c.mu.Unlock()
	for _, ss := range sessions {
		ss.end(reason)
	}
	if len(sessions) == 0 {
		_ = c.tc.Close()
	}
}

// linger records that one of c's sessions was told to end: unless it
// closes in time, the connection closes closeLinger from the first such
// end.
func (c *conn) linger() {
	c.mu.Lock()
	c.lingering++
	c.lingerLocked()
	c.mu.Unlock()
}

// lingerLocked starts the connection's one linger timer, if it is not
// running. Called with c.mu held.
func (c *conn) lingerLocked() {
	if c.lingerTimer == nil && !c.gone {
		c.lingerTimer = time.AfterFunc(closeLinger, func() { _ = c.tc.Close() })
	}
}

// openSession takes a session slot on c, or returns the refusal reason.
func (c *conn) openSession(ss *session) admission.Reason {
	s := c.s
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ending != endNone || s.closing.Load():
		return admission.ShuttingDown
	case len(c.sessions) >= s.cfg.MaxSessionsPerConn:
		return admission.ConnSessions
	}
	if s.openSessions.Add(1) > int64(s.cfg.MaxSessions) {
		s.openSessions.Add(-1)
		return admission.Sessions
	}
	if r := s.limiter.AdmitSession(c.ip, time.Now()); r != admission.OK {
		s.openSessions.Add(-1)
		return r
	}
	c.sessions[ss] = struct{}{}
	c.opened++
	c.idle.Stop()
	return admission.OK
}

// releaseSession forgets ss, whose channel has closed; lingered says it
// had been told to end. The per-connection count keeps a session until
// then, so a client that never confirms closes cannot pile up channels.
// The linger timer stops when no session is left ending and the
// connection itself is not; the idle clock starts again when no session
// is left; a connection being ended closes with its last session.
func (c *conn) releaseSession(ss *session, lingered bool) {
	s := c.s
	c.mu.Lock()
	if _, ok := c.sessions[ss]; !ok {
		c.mu.Unlock()
		return
	}
	delete(c.sessions, ss)
	if lingered {
		c.lingering--
	}
	ending := c.ending != endNone
	if c.lingering == 0 && !ending && c.lingerTimer != nil {
		c.lingerTimer.Stop()
		c.lingerTimer = nil
	}
	last := len(c.sessions) == 0
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
	c.idle.Stop()
	c.deadline.Stop()
	if c.lingerTimer != nil {
		c.lingerTimer.Stop()
	}
	authed, level := c.authed, c.logLevel
	attrs := []any{
		"remote", c.remote, "user", c.user, "client", c.client,
		"duration", time.Since(c.start).Round(time.Millisecond),
		"sessions", c.opened,
		"bytes_in", c.tc.BytesIn(), "bytes_out", c.tc.BytesOut(),
	}
	if c.keyFP != "" {
		attrs = append(attrs, "key", c.keyFP)
	}
	if c.ending != endNone {
		attrs = append(attrs, "reason", c.ending)
	}
	c.mu.Unlock()
	s.mu.Lock()
	delete(s.conns, c.ctx)
	s.mu.Unlock()
	s.metrics.connections.Dec()
	if authed {
		s.log.Log(context.Background(), level, "disconnect", attrs...)
	}
}
