//go:build unix

package admission

import (
	"net"
	"syscall"
)

// drainNonBlocking reads and discards what c has already received, without
// waiting for more: the socket is non-blocking, so the raw read returns at
// once when nothing is queued.
func drainNonBlocking(c net.Conn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	var buf [1024]byte
	_ = rc.Read(func(fd uintptr) bool {
		for range 4 {
			if n, err := syscall.Read(int(fd), buf[:]); n <= 0 || err != nil {
				break
			}
		}
		return true // never wait for readiness
	})
}
