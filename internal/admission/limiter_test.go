package admission

import (
	"net/netip"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	a := netip.MustParseAddr("198.51.100.7")
	b := netip.MustParseAddr("198.51.100.8")

	t.Run("connection cap per address", func(t *testing.T) {
		l := NewLimiter(1000, 1000, 2)
		for i := range 2 {
			if r := l.AdmitConn(a, now); r != OK {
				t.Fatalf("connection %d refused: %s", i, r)
			}
		}
		if r := l.AdmitConn(a, now); r != AddrConns {
			t.Fatalf("third connection: %q, want %q", r, AddrConns)
		}
		if r := l.AdmitConn(b, now); r != OK {
			t.Fatalf("another address refused: %s", r)
		}
		l.ReleaseConn(a)
		if r := l.AdmitConn(a, now); r != OK {
			t.Fatalf("after a release: %s", r)
		}
	})
	t.Run("rate per address", func(t *testing.T) {
		l := NewLimiter(1, 3, 100)
		for i := range 3 {
			if r := l.AdmitConn(a, now); r != OK {
				t.Fatalf("burst connection %d refused: %s", i, r)
			}
			l.ReleaseConn(a)
		}
		if r := l.AdmitConn(a, now); r != AddrRate {
			t.Fatalf("over the burst: %q, want %q", r, AddrRate)
		}
		if r := l.AdmitConn(a, now.Add(1100*time.Millisecond)); r != OK {
			t.Fatalf("a second later: %s", r)
		}
	})
	t.Run("sessions per address", func(t *testing.T) {
		l := NewLimiter(1000, 1000, 1)
		if r := l.AdmitSession(a, now); r != OK {
			t.Fatal(r)
		}
		if r := l.AdmitSession(a, now); r != AddrSessions {
			t.Fatalf("second session: %q", r)
		}
		l.ReleaseSession(a)
		if r := l.AdmitSession(a, now); r != OK {
			t.Fatal(r)
		}
	})
	t.Run("IPv6 grouped by /64", func(t *testing.T) {
		l := NewLimiter(1000, 1000, 1)
		if r := l.AdmitConn(netip.MustParseAddr("2001:db8:1:2::1"), now); r != OK {
			t.Fatal(r)
		}
		if r := l.AdmitConn(netip.MustParseAddr("2001:db8:1:2:ffff::9"), now); r != AddrConns {
			t.Fatalf("same /64: %q, want %q", r, AddrConns)
		}
		if r := l.AdmitConn(netip.MustParseAddr("2001:db8:1:3::1"), now); r != OK {
			t.Fatalf("another /64: %s", r)
		}
	})
	t.Run("table stays bounded", func(t *testing.T) {
		l := NewLimiter(0.001, 1, 8)
		l.maxEntry = 100
		held := netip.MustParseAddr("192.0.2.1")
		if r := l.AdmitConn(held, now); r != OK {
			t.Fatal(r)
		}
		for i := range 1000 {
			ip := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			l.AdmitConn(ip, now)
			l.ReleaseConn(ip)
		}
		if n := l.Len(); n > 100 {
			t.Fatalf("table holds %d addresses, bound is 100", n)
		}
		// The address with a connection open keeps its count.
		l.maxConns = 1
		if r := l.AdmitConn(held, now); r != AddrConns {
			t.Fatalf("held address lost its count: %q", r)
		}
	})
	t.Run("idle entries are swept", func(t *testing.T) {
		l := NewLimiter(10, 1, 8)
		l.AdmitConn(a, now)
		l.ReleaseConn(a)
		l.AdmitConn(b, now.Add(2*sweepInterval)) // sweeps a, whose bucket has refilled
		if n := l.Len(); n != 1 {
			t.Fatalf("table holds %d addresses after a sweep, want 1", n)
		}
	})
}
