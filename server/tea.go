package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/termrender"
	"github.com/laphets/resume/tui"
)

// What a TUI visitor reads, after the program has left the alternate
// screen, when the server ended the session.
var goodbye = map[string]string{
	endIdle:     "Closed after a while without input. Thanks for visiting!",
	endMaxTime:  "This session reached its time limit. Thanks for visiting!",
	endShutdown: "The server is restarting; please reconnect in a moment.",
	endPanic:    "Sorry, something went wrong on the server; it has been logged.",
}

// runTUI runs the interactive résumé for one session, in place of Wish's
// bubbletea middleware:
//   - the program has no signal handler (the server's SIGTERM is not a
//     visitor's), gets its input from readInput through eofReader so that
//     it ends when the visitor's input does, and is killed through its
//     context when the session must end (idle, time limit, shutdown,
//     channel closed);
//   - its views are drawn by tuiOutput the moment they exist, not by
//     Bubble Tea's renderer on a frame tick;
//   - at most inputRate bytes of input a second are decoded (limitBytes)
//     and at most inputEventRate events a second reach it (limitEvents);
//     window changes arrive coalesced and throttled from the session, with
//     no goroutine while there are none;
//   - panics in Init, Update, View and commands are recovered and logged
//     with their stack, ending only this session.
func (s *Server) runTUI(ss *session, r *content.Resume, section string) {
	ctx, cancel := context.WithCancel(ss.life)
	defer cancel()

	pty, _, _ := ss.Pty()
	env := append(ss.Environ(), "TERM="+pty.Term)
	// No terminal to probe on this side: the profile comes from TERM,
	// COLORTERM and NO_COLOR, as the visitor's terminal announced them.
	profile := colorprofile.Env(env)
	win, seq := ss.windowSeq()
	// COLORFGBG, when the client sent it, picks the theme of the first
	// frame; the terminal's answer to the background query still wins.
	light, _ := tui.LightFromEnv(env)
	model := s.newModel(r, tui.Options{
		Section: section, Width: win.Width, Height: win.Height, Profile: profile,
		Light: light, SSHCommand: s.cfg.SSHCommand(ss.LocalAddr()),
		Contact: s.contactForm(ss), Inbox: s.ownerInbox(ss),
	})
	out := newTUIOutput(ss, profile, win.Width, win.Height)
	p := tea.NewProgram(&safeModel{m: model, ss: ss, quit: cancel, out: out},
		tea.WithContext(ctx),
		// readInput feeds the program; Bubble Tea's own reader would
		// build a 100 KB key table per session.
		tea.WithInput(nil),
		tea.WithOutput(ss),
		tea.WithEnvironment(env),
		tea.WithWindowSize(win.Width, win.Height),
		tea.WithColorProfile(profile),
		tea.WithoutSignalHandler(),
		tea.WithFilter(noSuspend),
		// Views are drawn by out as soon as they exist. Bubble Tea's cell
		// renderer would keep two cell buffers of the window's size per
		// session and draw only on a 60 Hz tick that wakes idle sessions;
		// with it off, the tick only flushes Bubble Tea's own queries,
		// which safeModel sends itself, so it can run at its slowest.
		tea.WithoutRenderer(),
		tea.WithFPS(1),
	)
	go readInput(ctx, &eofReader{r: limitBytes(ss, &ss.inputDropped), eof: cancel}, limitEvents(p.Send, &ss.eventsDropped))
	ss.setResize(func(w ssh.Window) {
		p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
	}, seq)
	_, err := p.Run()
	ss.setResize(nil, 0)
	out.close()

	switch msg := goodbye[ss.endReason()]; {
	case msg != "":
		_, _ = io.WriteString(ss, "\n"+msg+"\n")
	case err == nil:
		// The visitor quit: leave the name and how to reach the person
		// on their normal screen, to copy after leaving.
		_, _ = io.WriteString(ss, tui.Goodbye(r, ss.window().Width))
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		s.log.Warn("tui ended with an error", "remote", ss.c.remote, "err", err.Error())
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		ss.markPanic()
	}
}

// noSuspend turns ctrl+z into nothing: there is no shell to suspend to.
func noSuspend(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.SuspendMsg); ok {
		return nil
	}
	return msg
}

// eofReader calls eof when the visitor's input ends or fails. Bubble Tea
// treats end of input as nothing to read and would run on; a session whose
// visitor cannot type any more should end.
type eofReader struct {
	r   io.Reader
	eof func()
}

func (e *eofReader) Read(b []byte) (int, error) {
	n, err := e.r.Read(b)
	if err != nil {
		e.eof()
	}
	return n, err
}

// tuiOutput draws a session's views the moment the program produces them,
// line by line, in the visitor's colour profile, and writes the terminal
// requests the model makes (background colour, clipboard) at once.
type tuiOutput struct {
	mu    sync.Mutex
	w     io.Writer            // the session, for requests
	color *colorprofile.Writer // the session, colours converted
	r     *termrender.Renderer
}

func newTUIOutput(w io.Writer, p colorprofile.Profile, width, height int) *tuiOutput {
	if p <= colorprofile.NoTTY {
		// A PTY session is a terminal: keep the cursor moves, drop colour.
		p = colorprofile.ASCII
	}
	return &tuiOutput{w: w, color: &colorprofile.Writer{Forward: w, Profile: p}, r: termrender.New(width, height)}
}

func (o *tuiOutput) draw(v tea.View) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := o.r.Render(nil, v); len(b) > 0 {
		_, _ = o.color.Write(b)
	}
}

func (o *tuiOutput) resize(w, h int) {
	o.mu.Lock()
	o.r.Resize(w, h)
	o.mu.Unlock()
}

func (o *tuiOutput) request(seq string) {
	o.mu.Lock()
	_, _ = io.WriteString(o.w, seq)
	o.mu.Unlock()
}

func (o *tuiOutput) close() {
	o.mu.Lock()
	_, _ = o.w.Write(o.r.Close(nil))
	o.mu.Unlock()
}

// The messages of tea.RequestBackgroundColor and tea.SetClipboard are
// unexported; Bubble Tea would write their sequences only on its next
// frame tick. safeModel recognises them by type and writes them itself.
var (
	backgroundRequest = reflect.TypeOf(tea.RequestBackgroundColor())
	clipboardRequest  = reflect.TypeOf(tea.SetClipboard("")())
)

// safeModel recovers panics in the model it wraps and in the commands that
// model returns, logs them with the stack, and quits the program. It also
// hands the model's views and terminal requests to out.
type safeModel struct {
	m    tea.Model
	ss   *session
	quit func()
	out  *tuiOutput
}

func (sm *safeModel) Init() (cmd tea.Cmd) {
	defer sm.recover("init", func() { cmd = tea.Quit })
	return sm.wrap(sm.m.Init())
}

func (sm *safeModel) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	defer sm.recover("update", func() { cmd = tea.Quit })
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		sm.out.resize(ws.Width, ws.Height)
	}
	next, c := sm.m.Update(msg)
	sm.m = next
	return sm, sm.wrap(c)
}

// View draws the model's view and gives Bubble Tea, whose renderer is off,
// an empty one.
func (sm *safeModel) View() tea.View {
	defer sm.recover("view", func() {})
	sm.out.draw(sm.m.View())
	return tea.View{}
}

// recover is deferred; on a panic it logs, marks the session and runs
// fallback to set the return values.
func (sm *safeModel) recover(where string, fallback func()) {
	r := recover()
	if r == nil {
		return
	}
	sm.ss.logPanic("tui "+where, r, debug.Stack())
	sm.ss.markPanic()
	sm.quit()
	fallback()
}

// wrap makes cmd, and the commands of a batch it returns, recover.
func (sm *safeModel) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer sm.recover("command", func() { msg = nil })
		msg = cmd()
		switch reflect.TypeOf(msg) {
		case backgroundRequest:
			sm.out.request(ansi.RequestBackgroundColor)
			return nil
		case clipboardRequest:
			sm.out.request(ansi.SetSystemClipboard(reflect.ValueOf(msg).String()))
			return nil
		}
		if batch, ok := msg.(tea.BatchMsg); ok {
			wrapped := make(tea.BatchMsg, len(batch))
			for i, c := range batch {
				wrapped[i] = sm.wrap(c)
			}
			return wrapped
		}
		return msg
	}
}

// logPanic logs a recovered panic with its stack.
func (ss *session) logPanic(where string, r any, stack []byte) {
	ss.s.metrics.panics.Inc()
	ss.s.log.Error("session panic", "remote", ss.c.remote, "in", where,
		"panic", clientString(fmt.Sprint(r)), "stack", string(stack))
}

// markPanic records that the session ended in a panic: exit status 1.
func (ss *session) markPanic() {
	ss.mu.Lock()
	if ss.reason == "" {
		ss.reason = endPanic
	}
	ss.exitCode = 1
	ss.mu.Unlock()
}
