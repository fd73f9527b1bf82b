package web

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"golang.org/x/time/rate"

	"github.com/laphets/resume/internal/admission"
)

// addrKey groups addresses as the SSH side does (admission.Key): an IPv4
// address alone, an IPv6 address by its /64.
func addrKey(a netip.Addr) netip.Prefix { return admission.Key(a) }

// Bounds of the per-address rate table: an entry whose bucket is full
// again carries nothing and is swept; the table never holds more.
const (
	maxRateEntries = 16384
	sweepInterval  = time.Minute
)

// rateLimiter is a token bucket per address.
type rateLimiter struct {
	rate      rate.Limit
	burst     int
	mu        sync.Mutex
	m         map[netip.Prefix]*rate.Limiter
	lastSweep time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate.Limit(perSecond), burst: burst, m: map[netip.Prefix]*rate.Limiter{}}
}

// allow takes a token for a's key; a rate of 0 allows everything.
func (l *rateLimiter) allow(a netip.Addr, now time.Time) bool {
	if l.rate == 0 {
		return true
	}
	k := addrKey(a)
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > sweepInterval || len(l.m) >= maxRateEntries {
		l.sweep(now)
	}
	b, ok := l.m[k]
	if !ok {
		if len(l.m) >= maxRateEntries {
			return false // full of addresses that are all busy: refuse newcomers
		}
		b = rate.NewLimiter(l.rate, l.burst)
		l.m[k] = b
	}
	return b.AllowN(now, 1)
}

func (l *rateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.m {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.m, k)
		}
	}
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// maxForwardHops bounds how far back the forwarding headers are read.
const maxForwardHops = 16

// clientAddr is the visitor's address: the connection's, unless that is a
// trusted proxy, in which case the forwarding headers are read from the
// nearest hop back, skipping trusted proxies, to the first address that is
// not one. Forwarded (RFC 7239) is preferred to X-Forwarded-For.
func (s *Server) clientAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	peer := admission.AddrOf(ctx.RemoteAddr())
	if len(s.cfg.TrustedProxies) == 0 || !s.trusted(peer) {
		return peer
	}
	hops := forwardedFor(ctx.Request.Header.PeekAll("Forwarded"))
	if len(hops) == 0 {
		hops = xForwardedFor(ctx.Request.Header.PeekAll("X-Forwarded-For"))
	}
	for i := len(hops) - 1; i >= 0 && i >= len(hops)-maxForwardHops; i-- {
		a := hops[i]
		if !a.IsValid() {
			break // "unknown" or garbage: trust nothing further back
		}
		if !s.trusted(a) {
			return a
		}
		peer = a
	}
	return peer
}

func xForwardedFor(values [][]byte) []netip.Addr {
	var out []netip.Addr
	for _, v := range values {
		for f := range strings.SplitSeq(view(v), ",") {
			out = append(out, parseHop(f))
		}
	}
	return out
}

// forwardedFor reads the for= of each element of Forwarded headers.
func forwardedFor(values [][]byte) []netip.Addr {
	var out []netip.Addr
	for _, v := range values {
		for elem := range strings.SplitSeq(view(v), ",") {
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, parseHop(val))
				}
			}
		}
	}
	return out
}

// parseHop reads one address of a forwarding header: 192.0.2.1,
// "[2001:db8::1]:4711", 192.0.2.1:80. Anything else is the zero Addr.
func parseHop(s string) netip.Addr {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// limitListener closes, as soon as it is accepted, a connection over the
// global cap or over the cap of its address. Connections from a trusted
// proxy count only toward the global cap: they carry many visitors.
// It also keeps every connection it admitted, for a shutdown that runs
// out of time to close them.
type limitListener struct {
	net.Listener
	s     *Server
	mu    sync.Mutex
	total int
	per   map[netip.Prefix]int
	open  map[*limitedConn]struct{}
}

func newLimitListener(ln net.Listener, s *Server) *limitListener {
	return &limitListener{Listener: ln, s: s, per: map[netip.Prefix]int{}, open: map[*limitedConn]struct{}{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := l.admit(c); lc != nil {
			return lc, nil
		}
	}
}

func (l *limitListener) admit(c net.Conn) net.Conn {
	a := admission.AddrOf(c.RemoteAddr())
	k, perIP := addrKey(a), !l.s.trusted(a)
	reason := ""
	lc := &limitedConn{Conn: c}
	lc.release = func() { l.release(lc, k, perIP) }
	l.mu.Lock()
	switch {
	case l.s.closing.Load():
		reason = refuseShutdown
	case l.total >= l.s.cfg.MaxConns:
		reason = refuseConns
	case perIP && l.per[k] >= l.s.cfg.MaxConnsPerIP:
		reason = refuseIPConns
	default:
		l.total++
		if perIP {
			l.per[k]++
		}
		l.open[lc] = struct{}{}
		l.s.metrics.conns.Inc()
	}
	l.mu.Unlock()
	if reason != "" {
		l.s.metrics.refusals.WithLabelValues(reason).Inc()
		_ = c.Close()
		return nil
	}
	return lc
}

func (l *limitListener) release(lc *limitedConn, k netip.Prefix, perIP bool) {
	l.s.metrics.conns.Dec()
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.open, lc)
	l.total--
	if perIP {
		if l.per[k]--; l.per[k] <= 0 {
			delete(l.per, k)
		}
	}
}

// closeAll closes every connection still open.
func (l *limitListener) closeAll() {
	l.mu.Lock()
	open := make([]*limitedConn, 0, len(l.open))
	for lc := range l.open {
		open = append(open, lc)
	}
	l.mu.Unlock()
	for _, lc := range open {
		_ = lc.Close()
	}
}

// limitedConn gives its slot back once, when closed: before the socket
// is, so that a client who sees the connection end and opens another at
// once finds the slot free.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
