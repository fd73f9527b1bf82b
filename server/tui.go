package server

import (
	"errors"
	"io"

	"charm.land/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/teahost"
	"github.com/laphets/resume/tui"
)

// runTUI runs the interactive résumé for one session on internal/teahost:
// the program reads the session (which restarts the idle clock), draws to
// it, and is killed through the session's context when the session must
// end (idle, time limit, shutdown, panic, channel closed). Window changes
// arrive coalesced and throttled from the session (forwardResizes), with
// no goroutine while there are none.
func (s *Server) runTUI(ss *session, r *content.Resume, section string) {
	env := append(ss.environ(), "TERM="+ss.pty.Term)
	profile := teahost.Profile(env)
	win, seq := ss.windowSeq()
	// COLORFGBG, when the client sent it, picks the theme of the first
	// frame; the terminal's answer to the background query still wins.
	light, _ := tui.LightFromEnv(env)
	model := s.newModel(r, tui.Options{
		Section: section, Width: win.Width, Height: win.Height, Profile: profile,
		Light: light, SSHCommand: s.cfg.SSHCommand(ss.LocalAddr()), Cache: ss.load.tui,
		Contact: s.contactForm(ss), Inbox: s.ownerInbox(ss),
	})
	p := teahost.New(ss.life, model, teahost.Options{
		In: ss, Out: ss, Env: env, Width: win.Width, Height: win.Height, Profile: profile,
		Panic: ss.panicked,
	})
	ss.setResize(func(w ssh.Window) { p.Resize(w.Width, w.Height) }, seq)
	err := p.Run()
	ss.setResize(nil, 0)
	in, events := p.Dropped()
	ss.inputDropped.Store(in)
	ss.eventsDropped.Store(events)

	switch msg := ss.endReason().goodbye(); {
	case msg != "":
		_, _ = io.WriteString(ss, "\n"+msg+"\n")
	case err == nil:
		// The visitor quit: leave the name and how to reach the person
		// on their normal screen, to copy after leaving.
		_, _ = io.WriteString(ss, tui.Goodbye(r, ss.window().Width))
	}
	switch {
	case errors.Is(err, teahost.ErrEnded):
	case errors.Is(err, teahost.ErrPanic):
		// Reported through Panic already, unless Bubble Tea recovered it.
		ss.setExitCode(1)
		ss.end(endPanic)
	case err != nil:
		s.log.Warn("tui ended with an error", "remote", ss.c.remote, "err", err.Error())
	}
}
