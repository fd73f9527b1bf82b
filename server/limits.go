package server

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Refusal reasons: the label values of resume_refusals_total and the
// "reason" of refused log lines. The set is fixed so the metric stays small.
const (
	refuseBusy         = "server_busy"         // --max-sessions connections open, all authenticated
	refuseEvicted      = "handshake_evicted"   // still in its handshake when the server was full
	refuseIPConns      = "ip_connections"      // --max-sessions-per-ip connections from the address
	refuseIPRate       = "ip_rate"             // --rate-per-ip exceeded
	refuseProxyHeader  = "proxy_header"        // bad, missing or untrusted PROXY header
	refuseShutdown     = "shutting_down"       // arrived during a shutdown
	refuseSessions     = "sessions_total"      // --max-sessions sessions open
	refuseIPSessions   = "ip_sessions"         // --max-sessions-per-ip sessions from the address
	refuseConnSessions = "connection_sessions" // --max-sessions-per-conn on one connection
	refuseRequest      = "request"             // a refused request: forwarding, agent, X11, subsystem
	refuseEnv          = "env"                 // an env request over the caps
	refuseInbox        = "inbox"               // the inbox asked for without the owner's key
)

// refusalLine is what a refused visitor reads before the connection
// closes (see refusalMessage).
var refusalLine = map[string]string{
	refuseBusy:        "resume: the server is busy, please try again in a minute",
	refuseIPConns:     "resume: too many connections from your address, please close one and try again",
	refuseIPRate:      "resume: too many new connections from your address, please wait a few seconds",
	refuseProxyHeader: "resume: connection refused",
	refuseShutdown:    "resume: the server is restarting, please try again in a moment",
}

// Bounds of the per-address table. An entry that has no connection or
// session open and a full token bucket carries no information and is
// dropped; the table never holds more than maxIPEntries.
const (
	maxIPEntries    = 16384
	ipSweepInterval = time.Minute
)

// ipLimiter counts connections and sessions per address and rate-limits new
// connections per address with a token bucket. IPv6 addresses are grouped
// by /64, the smallest block one subscriber usually gets.
type ipLimiter struct {
	rate      rate.Limit
	burst     int
	maxConns  int // per address
	maxSess   int // per address
	maxEntry  int
	mu        sync.Mutex
	m         map[netip.Prefix]*ipEntry
	lastSweep time.Time
}

type ipEntry struct {
	bucket   *rate.Limiter
	conns    int
	sessions int
}

func newIPLimiter(perSecond float64, burst, maxPerIP int) *ipLimiter {
	return &ipLimiter{
		rate:     rate.Limit(perSecond),
		burst:    burst,
		maxConns: maxPerIP,
		maxSess:  maxPerIP,
		maxEntry: maxIPEntries,
		m:        make(map[netip.Prefix]*ipEntry),
	}
}

// ipKey is the table key for an address.
func ipKey(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// admitConn takes a rate token and a connection slot for a, or returns the
// refusal reason.
func (l *ipLimiter) admitConn(a netip.Addr, now time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entry(ipKey(a), now)
	if e.conns >= l.maxConns {
		return refuseIPConns
	}
	if !e.bucket.AllowN(now, 1) {
		return refuseIPRate
	}
	e.conns++
	return ""
}

func (l *ipLimiter) releaseConn(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.m[ipKey(a)]; e != nil && e.conns > 0 {
		e.conns--
	}
}

// admitSession takes a session slot for a, or returns the refusal reason.
func (l *ipLimiter) admitSession(a netip.Addr, now time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entry(ipKey(a), now)
	if e.sessions >= l.maxSess {
		return refuseIPSessions
	}
	e.sessions++
	return ""
}

func (l *ipLimiter) releaseSession(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.m[ipKey(a)]; e != nil && e.sessions > 0 {
		e.sessions--
	}
}

// entry returns k's entry, making room for it when the table is full.
// Called with l.mu held.
func (l *ipLimiter) entry(k netip.Prefix, now time.Time) *ipEntry {
	if e := l.m[k]; e != nil {
		return e
	}
	if len(l.m) >= l.maxEntry || now.Sub(l.lastSweep) > ipSweepInterval {
		l.sweep(now)
	}
	if len(l.m) >= l.maxEntry {
		// Every entry left is either in use or still limiting. Forget
		// limiting ones (never one with something open, so the counts stay
		// right): that forgives some address its rate, which the global cap
		// still bounds, instead of growing without limit.
		for k2, e := range l.m {
			if e.conns == 0 && e.sessions == 0 {
				delete(l.m, k2)
				if len(l.m) < l.maxEntry {
					break
				}
			}
		}
	}
	e := &ipEntry{bucket: rate.NewLimiter(l.rate, l.burst)}
	l.m[k] = e
	return e
}

// sweep drops entries that hold nothing: no connection, no session, a full
// bucket. Called with l.mu held.
func (l *ipLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, e := range l.m {
		if e.conns == 0 && e.sessions == 0 && e.bucket.TokensAt(now) >= float64(l.burst) {
			delete(l.m, k)
		}
	}
}

// size is the number of addresses in the table (for tests and metrics).
func (l *ipLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// addrOf returns the IP address of a net.Addr, or the zero Addr.
func addrOf(a net.Addr) netip.Addr {
	switch a := a.(type) {
	case *net.TCPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip.Unmap()
	case nil:
		return netip.Addr{}
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
