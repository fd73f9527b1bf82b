package admission

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Bounds of the per-address table. An entry that has no connection or
// session open and a full token bucket carries no information and is
// dropped; the table never holds more than maxEntries.
const (
	maxEntries    = 16384
	sweepInterval = time.Minute
)

// Limiter counts connections and sessions per address and rate-limits new
// connections per address with a token bucket. IPv6 addresses are grouped
// by /64, the smallest block one subscriber usually gets. It is safe for
// concurrent use, and may be shared by several servers (SSH and HTTP) so
// that an address's budget is one.
type Limiter struct {
	rate      rate.Limit
	burst     int
	maxConns  int // per address
	maxSess   int // per address
	maxEntry  int
	mu        sync.Mutex
	m         map[netip.Prefix]*entry
	lastSweep time.Time
}

type entry struct {
	bucket   *rate.Limiter
	conns    int
	sessions int
}

// NewLimiter allows each address perSecond new connections on average and
// burst at once, and maxPerAddr connections and as many sessions open.
func NewLimiter(perSecond float64, burst, maxPerAddr int) *Limiter {
	return &Limiter{
		rate:     rate.Limit(perSecond),
		burst:    burst,
		maxConns: maxPerAddr,
		maxSess:  maxPerAddr,
		maxEntry: maxEntries,
		m:        make(map[netip.Prefix]*entry),
	}
}

// Key is the table key for an address: an IPv4 address, or an IPv6 /64.
func Key(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// AdmitConn takes a rate token and a connection slot for a, or returns the
// refusal reason (AddrConns, AddrRate).
func (l *Limiter) AdmitConn(a netip.Addr, now time.Time) Reason {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entry(Key(a), now)
	if e.conns >= l.maxConns {
		return AddrConns
	}
	if !e.bucket.AllowN(now, 1) {
		return AddrRate
	}
	e.conns++
	return OK
}

// ReleaseConn gives back a connection slot AdmitConn took.
func (l *Limiter) ReleaseConn(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.m[Key(a)]; e != nil && e.conns > 0 {
		e.conns--
	}
}

// AdmitSession takes a session slot for a, or returns AddrSessions.
func (l *Limiter) AdmitSession(a netip.Addr, now time.Time) Reason {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entry(Key(a), now)
	if e.sessions >= l.maxSess {
		return AddrSessions
	}
	e.sessions++
	return OK
}

// ReleaseSession gives back a session slot AdmitSession took.
func (l *Limiter) ReleaseSession(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.m[Key(a)]; e != nil && e.sessions > 0 {
		e.sessions--
	}
}

// entry returns k's entry, making room for it when the table is full.
// Called with l.mu held.
func (l *Limiter) entry(k netip.Prefix, now time.Time) *entry {
	if e := l.m[k]; e != nil {
		return e
	}
	if len(l.m) >= l.maxEntry || now.Sub(l.lastSweep) > sweepInterval {
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
	e := &entry{bucket: rate.NewLimiter(l.rate, l.burst)}
	l.m[k] = e
	return e
}

// sweep drops entries that hold nothing: no connection, no session, a full
// bucket. Called with l.mu held.
func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, e := range l.m {
		if e.conns == 0 && e.sessions == 0 && e.bucket.TokensAt(now) >= float64(l.burst) {
			delete(l.m, k)
		}
	}
}

// AddrOf returns the IP address of a net.Addr, or the zero Addr.
func AddrOf(a net.Addr) netip.Addr {
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
