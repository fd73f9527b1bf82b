package admission

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"testing/iotest"
)

func TestHeaderGuard(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		refused  bool
	}{
		{"ssh version", "SSH-2.0-OpenSSH_9.9\r\n", false},
		{"short", "S", false},
		{"starts like proxy", "PROXIMA\r\n", false},
		{"proxy v1", "PROXY TCP4 203.0.113.7 127.0.0.1 5555 22\r\nSSH-2.0-x\r\n", true},
		{"proxy v2", "\r\n\r\n\x00\r\nQUIT\n\x21\x11", true},
		{"empty", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := net.Pipe()
			defer srv.Close() // unblocks the writer when the guard stops reading
			go func() {
				// one byte at a time, the worst case for deciding
				_, _ = io.Copy(client, iotest.OneByteReader(strings.NewReader(tt.in)))
				client.Close()
			}()
			g := &headerGuard{Conn: srv}
			got, err := io.ReadAll(g)
			if tt.refused {
				if !errors.Is(err, ErrUntrustedProxyHeader) {
					t.Fatalf("not refused: %q %v", got, err)
				}
				return
			}
			if err != nil || string(got) != tt.in {
				t.Fatalf("passed through %q, %v; want %q", got, err, tt.in)
			}
		})
	}
}
