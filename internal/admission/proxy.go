package admission

import (
	"bytes"
	"errors"
	"net"
)

// The two PROXY protocol signatures: version 1 is text, version 2 binary.
var (
	proxyV1Sig = []byte("PROXY ")
	proxyV2Sig = []byte("\r\n\r\n\x00\r\nQUIT\n")
)

// ErrUntrustedProxyHeader ends the handshake of a connection that sent a
// PROXY header without being a trusted proxy.
var ErrUntrustedProxyHeader = errors.New("PROXY header from an untrusted address")

// headerGuard refuses a PROXY protocol header from an address that is not a
// trusted proxy, so that the address it claims is never used: the handshake
// fails with ErrUntrustedProxyHeader, which the server counts as a
// ProxyHeader refusal. It looks at
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
			g.decided, g.err = true, ErrUntrustedProxyHeader
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
