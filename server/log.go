package server

import (
	"io"
	"log/slog"

	"github.com/laphets/resume/internal/safetext"
)

// The log formats NewLogger knows (Config.LogFormat).
const (
	LogText = "text" // logfmt
	LogJSON = "json" // one JSON object a line
)

// NewLogger returns the structured logger the server writes to: text
// (logfmt) or json, at the given level. Both handlers also quote what they
// print; client strings are made inert with clientString first.
func NewLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	l, err := parseLevel(level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: l}
	if format == LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// maxLogString bounds any client-supplied string in a log line.
const maxLogString = 200

// clientString makes a string that came from a visitor (user name, client
// version, command, TERM) safe for a log: escape sequences, controls and
// bidi overrides are removed, it is one line, and it is cut to
// maxLogString bytes at a character boundary.
func clientString(s string) string { return safetext.Short(s, maxLogString) }
