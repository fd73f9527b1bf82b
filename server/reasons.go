package server

import "github.com/laphets/resume/internal/admission"

// endReason is why the server ended a session or a connection. It owns
// its log value (String) and what a TUI visitor reads after the program
// has left the alternate screen (goodbye). Refusals, which end things
// before they start, are admission.Reason.
type endReason uint8

const (
	endNone     endReason = iota
	endIdle               // no input for --idle-timeout
	endMaxTime            // the connection reached --max-session
	endShutdown           // the server is shutting down
	endPanic              // a recovered panic in this session
	numEndReasons
)

var endReasons = [numEndReasons]struct{ label, goodbye string }{
	endNone:     {"none", ""},
	endIdle:     {"idle", "Closed after a while without input. Thanks for visiting!"},
	endMaxTime:  {"max_session", "This session reached its time limit. Thanks for visiting!"},
	endShutdown: {"shutdown", "The server is restarting; please reconnect in a moment."},
	endPanic:    {"panic", "Sorry, something went wrong on the server; it has been logged."},
}

// String is the reason's log value ("idle").
func (r endReason) String() string {
	if r >= numEndReasons {
		return "unknown"
	}
	return endReasons[r].label
}

// goodbye is the line a TUI visitor reads when the session ends for r.
func (r endReason) goodbye() string {
	if r >= numEndReasons {
		return ""
	}
	return endReasons[r].goodbye
}

// refused counts and logs a refusal: msg is the log message ("refused",
// "session refused"), remote the address as logged.
func (s *Server) refused(remote string, r admission.Reason, msg string) {
	s.metrics.refused(r)
	s.log.Info(msg, "remote", remote, "reason", r.String())
}
