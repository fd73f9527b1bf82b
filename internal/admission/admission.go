// Package admission decides which connections a public server takes, before
// it spends anything on them: a cap on open connections in which one still
// in its handshake gives way to a new one (pre-auth eviction), per-address
// limits on connections, sessions and the rate of new connections, and the
// PROXY protocol (required from trusted proxies, refused from anyone else).
// It knows TCP and addresses, not SSH or HTTP: a server hands it a
// net.Listener and says what a refused visitor reads.
package admission

// Reason is why a connection, session or request was refused. It owns its
// metric label and log value (String) and the line a visitor reads
// (Message); the set is fixed so that a metric labelled by it stays small.
type Reason uint8

// The reasons. OK is no refusal.
const (
	OK           Reason = iota
	Busy                // the cap on open connections is reached, all authenticated
	Evicted             // still in its handshake when the server was full
	AddrConns           // the per-address cap on connections
	AddrRate            // the per-address rate of new connections
	ProxyHeader         // a bad, missing or untrusted PROXY header
	ShuttingDown        // arrived during a shutdown
	Sessions            // the cap on sessions across all visitors
	AddrSessions        // the per-address cap on sessions
	ConnSessions        // the cap on sessions of one connection
	Request             // a refused request: forwarding, agent, X11, subsystem
	Env                 // an environment variable over the caps
	Inbox               // the owner's inbox asked for without the owner's key
	numReasons
)

var reasons = [numReasons]struct{ label, message string }{
	OK:           {"ok", ""},
	Busy:         {"server_busy", "the server is busy, please try again in a minute"},
	Evicted:      {"handshake_evicted", ""},
	AddrConns:    {"ip_connections", "too many connections from your address, please close one and try again"},
	AddrRate:     {"ip_rate", "too many new connections from your address, please wait a few seconds"},
	ProxyHeader:  {"proxy_header", "connection refused"},
	ShuttingDown: {"shutting_down", "the server is restarting, please try again in a moment"},
	Sessions:     {"sessions_total", "the server is busy, please try again in a minute"},
	AddrSessions: {"ip_sessions", "too many sessions from your address"},
	ConnSessions: {"connection_sessions", "too many sessions on this connection"},
	Request:      {"request", ""},
	Env:          {"env", ""},
	Inbox:        {"inbox", ""},
}

// String is the reason's metric label and log value ("ip_rate").
func (r Reason) String() string {
	if r >= numReasons {
		return "unknown"
	}
	return reasons[r].label
}

// Message is what the refused visitor reads, one line without a prefix;
// "" when nobody is told (an evicted handshake, a refused request).
func (r Reason) Message() string {
	if r >= numReasons {
		return ""
	}
	return reasons[r].message
}

// Refusals lists every reason but OK, for a metric's labels.
func Refusals() []Reason {
	out := make([]Reason, 0, numReasons-1)
	for r := OK + 1; r < numReasons; r++ {
		out = append(out, r)
	}
	return out
}
