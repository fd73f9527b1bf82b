//go:build !unix

package admission

import "net"

// drainNonBlocking is a no-op where raw non-blocking reads are not at hand.
func drainNonBlocking(net.Conn) {}
