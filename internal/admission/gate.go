package admission

import (
	"container/list"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pires/go-proxyproto"
)

// Config is what a Gate admits.
type Config struct {
	// MaxConns caps the connections open at once. When it is reached, a
	// new connection takes the place of the oldest one still in its
	// handshake (see Conn.Authenticated) or is refused with Busy.
	MaxConns int
	// Limiter holds the per-address limits; it may be shared.
	Limiter *Limiter
	// TrustedProxies must send a PROXY protocol header first; the address
	// it names is the visitor's. From anyone else a PROXY header is
	// refused (ErrUntrustedProxyHeader), so its address is never used.
	TrustedProxies []netip.Prefix
	// HeaderTimeout bounds the wait for a trusted proxy's header.
	HeaderTimeout time.Duration
	// Closing reports a shutdown: new connections are refused with
	// ShuttingDown.
	Closing func() bool
	// Refused is told of every refused connection, to count and log it;
	// remote is the address as the socket has it.
	Refused func(remote string, r Reason)
	// Farewell is what a visitor refused with r reads before the
	// connection closes (the protocol's own refusal), nil for nothing.
	Farewell func(r Reason) []byte
	// Closed runs after an admitted connection has closed (Gate.Open is
	// already one less).
	Closed func()
}

// How long, and for how many connections at once, a refused connection is
// read from before it is closed.
const (
	refuseLinger = time.Second
	maxLingering = 64
)

// Gate admits connections for one server. Wrap each listener with Listen.
type Gate struct {
	cfg       Config
	open      atomic.Int64 // admitted connections not yet closed
	preauth   preauthList
	lingering chan struct{} // semaphore of refused connections being drained
}

// NewGate returns a gate that admits by cfg.
func NewGate(cfg Config) *Gate {
	if cfg.Closing == nil {
		cfg.Closing = func() bool { return false }
	}
	if cfg.Refused == nil {
		cfg.Refused = func(string, Reason) {}
	}
	if cfg.Farewell == nil {
		cfg.Farewell = func(Reason) []byte { return nil }
	}
	if cfg.Closed == nil {
		cfg.Closed = func() {}
	}
	return &Gate{cfg: cfg, lingering: make(chan struct{}, maxLingering)}
}

// Open is the number of admitted connections not yet closed.
func (g *Gate) Open() int64 { return g.open.Load() }

// Listen wraps ln: its Accept returns only admitted connections, each a
// *Conn. A refused connection is told why and closed inside Accept, so it
// never costs its server a goroutine.
func (g *Gate) Listen(ln net.Listener) net.Listener { return &listener{Listener: ln, g: g} }

type listener struct {
	net.Listener
	g *Gate
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ac := l.g.admit(c); ac != nil {
			return ac, nil
		}
	}
}

// admit wraps c in a Conn, or refuses it and returns nil.
func (g *Gate) admit(c net.Conn) *Conn {
	peer := AddrOf(c.RemoteAddr())
	if g.cfg.Closing() {
		g.refuse(c, ShuttingDown)
		return nil
	}
	if g.open.Add(1) > int64(g.cfg.MaxConns) && !g.preauth.evictOldest(g) {
		g.open.Add(-1)
		g.refuse(c, Busy)
		return nil
	}
	ac := &Conn{Conn: c, g: g, peer: peer}
	g.preauth.add(ac)
	if g.trusted(peer) {
		// The header must come first; its address is checked against the
		// per-address limits in Admit.
		ac.Conn = proxyproto.NewConn(c,
			proxyproto.WithPolicy(proxyproto.REQUIRE),
			proxyproto.SetReadHeaderTimeout(g.cfg.HeaderTimeout))
		ac.proxied = true
		return ac
	}
	if r := g.cfg.Limiter.AdmitConn(peer, time.Now()); r != OK {
		g.preauth.remove(ac)
		g.open.Add(-1)
		g.refuse(c, r)
		return nil
	}
	ac.addr, ac.held = peer, true
	if len(g.cfg.TrustedProxies) > 0 {
		ac.Conn = &headerGuard{Conn: c}
	}
	return ac
}

func (g *Gate) trusted(a netip.Addr) bool {
	for _, p := range g.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// refuse reports a refusal, sends the visitor its farewell where there is
// one, and closes c.
func (g *Gate) refuse(c net.Conn, r Reason) {
	g.cfg.Refused(c.RemoteAddr().String(), r)
	if msg := g.cfg.Farewell(r); msg != nil {
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
	case g.lingering <- struct{}{}:
		go func() {
			defer func() { <-g.lingering }()
			_ = c.SetReadDeadline(time.Now().Add(refuseLinger))
			_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
			_ = c.Close()
		}()
	default:
		drainNonBlocking(c)
		_ = c.Close()
	}
}

// closeWrite half-closes c (sends FIN), looking through wrappers.
func closeWrite(c net.Conn) {
	switch c := c.(type) {
	case interface{ CloseWrite() error }:
		_ = c.CloseWrite()
	case interface{ Raw() net.Conn }:
		closeWrite(c.Raw())
	}
}

// Conn is one admitted TCP connection. It counts bytes, holds the
// per-address slot, and on Close releases everything, once.
type Conn struct {
	net.Conn
	g       *Gate
	peer    netip.Addr // the TCP peer (a proxy when proxied)
	proxied bool       // from a trusted proxy: limits apply in Admit

	addr netip.Addr // the visitor's address the slot is held for
	held bool

	bytesIn, bytesOut atomic.Int64
	onClose           atomic.Pointer[func()]
	closeOnce         sync.Once
	preauthElem       *list.Element // in Gate.preauth until authenticated; guarded by its mutex
}

// Admit settles the visitor's address. A connection from a trusted proxy
// reads its PROXY header (refused with ProxyHeader when it is missing,
// malformed or late) and the per-address limits apply to the address it
// names; a refused one has been told and closed. Any other connection was
// admitted by its peer's address already.
func (c *Conn) Admit() (netip.Addr, Reason) {
	if !c.proxied {
		return c.peer, OK
	}
	pc := c.Conn.(*proxyproto.Conn)
	if pc.ProxyHeader() == nil { // missing, malformed or timed out
		c.g.cfg.Refused(c.peer.String(), ProxyHeader)
		return netip.Addr{}, ProxyHeader
	}
	ip := AddrOf(pc.RemoteAddr())
	if r := c.g.cfg.Limiter.AdmitConn(ip, time.Now()); r != OK {
		c.g.refuse(c.Conn, r)
		return netip.Addr{}, r
	}
	c.addr, c.held = ip, true
	return ip, OK
}

// Authenticated takes c off the list of connections still in their
// handshake: from now on a full server does not evict it. (A zero Conn,
// one no gate admitted, is on no list.)
func (c *Conn) Authenticated() {
	if c.g != nil {
		c.g.preauth.remove(c)
	}
}

// OnClose makes f run once c has closed and released its slots.
func (c *Conn) OnClose(f func()) { c.onClose.Store(&f) }

// BytesIn and BytesOut count what c has read and written.
func (c *Conn) BytesIn() int64 { return c.bytesIn.Load() }

// BytesOut counts what c has written.
func (c *Conn) BytesOut() int64 { return c.bytesOut.Load() }

func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.bytesIn.Add(int64(n))
	return n, err
}

func (c *Conn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.bytesOut.Add(int64(n))
	return n, err
}

// Close closes the socket and releases the connection's slots, once.
func (c *Conn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() {
		c.g.preauth.remove(c)
		if c.held {
			c.g.cfg.Limiter.ReleaseConn(c.addr)
		}
		if f := c.onClose.Load(); f != nil {
			(*f)()
		}
		c.g.open.Add(-1)
		c.g.cfg.Closed()
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

func (p *preauthList) add(c *Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.preauthElem = p.l.PushBack(c)
}

// remove takes c off the list: it has authenticated, or closed.
func (p *preauthList) remove(c *Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.preauthElem != nil {
		p.l.Remove(c.preauthElem)
		c.preauthElem = nil
	}
}

// evictOldest closes the oldest connection still in its handshake, and
// reports whether there was one.
func (p *preauthList) evictOldest(g *Gate) bool {
	p.mu.Lock()
	e := p.l.Front()
	if e == nil {
		p.mu.Unlock()
		return false
	}
	c := e.Value.(*Conn)
	p.l.Remove(e)
	c.preauthElem = nil
	p.mu.Unlock()
	g.cfg.Refused(c.RemoteAddr().String(), Evicted)
	_ = c.Close()
	return true
}
