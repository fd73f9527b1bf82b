package server

import (
	"encoding/binary"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/admission"
)

// newGate builds the admission of the server's connections: the global cap (with
// pre-auth eviction), and for direct connections the per-address cap and
// rate, before any SSH work is done. Connections from a trusted proxy are
// admitted per address in connCallback, once their PROXY header has named
// the visitor.
func (s *Server) newGate() *admission.Gate {
	return admission.NewGate(admission.Config{
		MaxConns:       s.cfg.MaxSessions,
		Limiter:        s.limiter,
		TrustedProxies: s.cfg.TrustedProxies,
		HeaderTimeout:  s.cfg.HandshakeTimeout,
		Closing:        s.closing.Load,
		Refused:        func(remote string, r admission.Reason) { s.refused(remote, r, "refused") },
		Farewell:       refusalMessage,
		Closed:         s.checkDrained,
	})
}

// SSH disconnect reason codes (RFC 4253 section 11.1).
const (
	disconnectByApplication     = 11
	disconnectTooManyConnection = 12
)

// refusalMessage is what a visitor refused before the handshake receives:
// the reason as a text line (what netcat shows, and OpenSSH with -v),
// then the server's version and an unencrypted SSH_MSG_DISCONNECT with the
// same text, which the protocol allows before key exchange and which
// OpenSSH prints as "Received disconnect from HOST port N:12: resume: ...".
// No key exchange is done: refusing stays cheap.
func refusalMessage(r admission.Reason) []byte {
	if r.Message() == "" {
		return nil
	}
	line := "resume: " + r.Message()
	code := uint32(disconnectTooManyConnection)
	if r == admission.ShuttingDown {
		code = disconnectByApplication
	}
	payload := gossh.Marshal(struct {
		Type     uint8
		Code     uint32
		Message  string
		Language string
	}{1, code, line, ""}) // 1: SSH_MSG_DISCONNECT
	pad := 8 - (5+len(payload))%8
	if pad < 4 {
		pad += 8
	}
	msg := []byte(line + "\r\nSSH-2.0-resume\r\n")
	msg = binary.BigEndian.AppendUint32(msg, uint32(1+len(payload)+pad))
	msg = append(msg, byte(pad))
	msg = append(msg, payload...)
	return append(msg, make([]byte, pad)...)
}
