package server

import (
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/teahost"
)

// FuzzSessionRequests gives a session arbitrary pty-req, window-change,
// env and exec payloads, as a client may send them. It must not panic, and
// what it keeps stays inside the bounds: a window within 1x1 and
// teahost.MaxWidth x teahost.MaxHeight, a TERM that looks like one, at most maxEnvVars env
// variables of maxEnvBytes in all, a command that routes to one clean line.
// Seeds are here and in testdata/fuzz; run longer with
//
//	go test ./server -run '^$' -fuzz FuzzSessionRequests -fuzztime 5m
func FuzzSessionRequests(f *testing.F) {
	pty := func(term string, cols, rows uint32) []byte {
		return gossh.Marshal(struct {
			Term                string
			Columns, Rows, W, H uint32
			Modes               string
		}{term, cols, rows, 0, 0, ""})
	}
	win := func(cols, rows uint32) []byte {
		return gossh.Marshal(struct{ C, R, W, H uint32 }{cols, rows, 0, 0})
	}
	env := func(k, v string) []byte { return gossh.Marshal(struct{ K, V string }{k, v}) }
	f.Add(pty("xterm-256color", 80, 24), win(120, 40), env("LANG", "C.UTF-8"), []byte("text --width 60"))
	f.Add(pty("\x1b[31m", 0, 0), win(65535, 65535), env("X\x1b", strings.Repeat("v", 2000)), []byte("\x1b]0;x\x07"))
	f.Add([]byte{0, 0, 0}, []byte{1}, []byte{0, 0, 0, 9}, []byte(strings.Repeat("a ", 600)))
	f.Fuzz(func(t *testing.T, ptyReq, winChange, envReq, cmd []byte) {
		ss := &session{} // the request handlers need nothing more
		ss.ptyRequest(ptyReq)
		ss.windowChange(winChange)
		for range 40 { // more than maxEnvVars
			ss.envRequest(envReq)
		}
		ss.startRequest("exec", gossh.Marshal(struct{ Command string }{string(cmd)}))
		if ss.pty != nil {
			w := ss.window()
			if w.Width < 1 || w.Width > teahost.MaxWidth || w.Height < 1 || w.Height > teahost.MaxHeight {
				t.Fatalf("window %dx%d", w.Width, w.Height)
			}
			if !termName.MatchString(ss.pty.Term) || len(ss.pty.Term) > maxTermLen {
				t.Fatalf("TERM %q kept", ss.pty.Term)
			}
		}
		if len(ss.env) > maxEnvVars || ss.envSize > maxEnvBytes {
			t.Fatalf("%d env variables, %d bytes kept", len(ss.env), ss.envSize)
		}
		for _, kv := range ss.env {
			name, value, _ := strings.Cut(kv, "=")
			if !envName.MatchString(name) || len(value) > maxEnvValue {
				t.Fatalf("env %q kept", kv)
			}
		}
		r := parseRoute(ss.rawCmd, ss.pty != nil, nil)
		if strings.ContainsAny(r.err, "\r\n\x1b\x07") {
			t.Fatalf("refusal %q is not one clean line", r.err)
		}
	})
}
