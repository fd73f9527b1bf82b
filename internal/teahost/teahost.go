// Package teahost runs one Bubble Tea program over one remote terminal
// (an SSH channel), in place of Wish's bubbletea middleware, built for many
// concurrent programs on a public server:
//
//   - no signal handler (the server's SIGTERM is not a visitor's) and no
//     suspend (there is no shell to suspend to);
//   - input decoded here (readInput), within byte and event budgets, with
//     size reports typed into it ignored, and the end of input ending the
//     program;
//   - views drawn by internal/termrender the moment they exist, in the
//     visitor's colour profile, with no frame tick waking idle programs;
//   - panics in Init, Update, View and commands recovered and reported,
//     ending only this program.
//
// # What it relies on upstream
//
// Bubble Tea v2 (charm.land/bubbletea/v2 v2.1.x) is run with its renderer
// off (tea.WithoutRenderer) and no input (tea.WithInput(nil)). It then:
//
//  1. calls View after every Update, which is where the host draws
//     (safeModel.View); TestViewAfterEveryUpdate catches a change;
//  2. drops every terminal query (the background colour request among
//     them), since with input off it cannot read the reply, and writes
//     other requests (the clipboard) only on its next frame tick; so the
//     host recognises tea.RequestBackgroundColor and tea.SetClipboard's
//     unexported messages by their type (reflect) and writes them itself.
//     TestBackgroundQueryOnStart, TestClipboardWritten and
//     TestWrapInterceptsRequests catch a change;
//  3. runs the commands of a tea.BatchMsg and of tea.Sequence's unexported
//     sequence message itself, unwrapped; so the host wraps each command
//     inside them (wrap), keeping the message's own type and so its
//     order. TestSequenceInOrder catches a change.
package teahost

import (
	"context"
	"errors"
	"io"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Window sizes are clamped to this: the renderer keeps a cell buffer of
// the window, so a claimed 65535x65535 must not become one.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

// ClampWindow bounds a window size a client claims; 0 means unknown and
// becomes the conventional 80x24.
func ClampWindow(cols, rows uint32) (width, height int) {
	width, height = int(min(cols, MaxWidth)), int(min(rows, MaxHeight))
	if width == 0 {
		width = 80
	}
	if height == 0 {
		height = 24
	}
	return width, height
}

// Profile is the colour profile a remote terminal announces in its
// environment (TERM, COLORTERM, NO_COLOR): there is no terminal on this
// side to probe.
func Profile(env []string) colorprofile.Profile { return colorprofile.Env(env) }

// Options say what a program runs over.
type Options struct {
	// In is the visitor's input. When it ends or fails the program ends.
	In io.Reader
	// Out is the visitor's terminal, "\n" already mapped to "\r\n".
	Out io.Writer
	// Env is the visitor's environment, TERM included.
	Env []string
	// Width and Height are the window's size at the start.
	Width, Height int
	// Profile is the terminal's colour profile (see Profile).
	Profile colorprofile.Profile
	// Panic is told of a panic recovered in the model or in a command,
	// with its stack, before the program quits.
	Panic func(where string, r any, stack []byte)
}

// Program is one running (or about to run) program.
type Program struct {
	p                           *tea.Program
	ctx                         context.Context
	cancel                      context.CancelFunc
	in                          io.Reader
	out                         *output
	panicked                    atomic.Bool
	inputDropped, eventsDropped atomic.Int64
}

// New prepares m to run over o until ctx ends or the program quits.
func New(ctx context.Context, m tea.Model, o Options) *Program {
	ctx, cancel := context.WithCancel(ctx)
	if o.Panic == nil {
		o.Panic = func(string, any, []byte) {}
	}
	hp := &Program{ctx: ctx, cancel: cancel, out: newOutput(o.Out, o.Profile, o.Width, o.Height)}
	sm := &safeModel{m: m, out: hp.out, panicked: func(where string, r any, stack []byte) {
		hp.panicked.Store(true)
		o.Panic(where, r, stack)
		cancel()
	}}
	hp.p = tea.NewProgram(sm,
		tea.WithContext(ctx),
		// readInput feeds the program; Bubble Tea's own reader would
		// build a 100 KB key table per program.
		tea.WithInput(nil),
		tea.WithOutput(o.Out),
		tea.WithEnvironment(o.Env),
		tea.WithWindowSize(o.Width, o.Height),
		tea.WithColorProfile(o.Profile),
		tea.WithoutSignalHandler(),
		tea.WithFilter(noSuspend),
		// Views are drawn by out as soon as they exist. Bubble Tea's cell
		// renderer would keep two cell buffers of the window's size per
		// program and draw only on a 60 Hz tick that wakes idle sessions;
		// with it off, the tick only flushes Bubble Tea's own requests,
		// which safeModel writes itself, so it can run at its slowest.
		tea.WithoutRenderer(),
		tea.WithFPS(1),
	)
	hp.in = &eofReader{r: limitBytes(o.In, &hp.inputDropped), eof: cancel}
	return hp
}

// Resize hands the program a new window size. It may wait for the
// program, and returns once the program has ended.
func (hp *Program) Resize(width, height int) {
	hp.p.Send(tea.WindowSizeMsg{Width: width, Height: height})
}

// Run's errors besides Bubble Tea's own.
var (
	// ErrEnded: the program was ended from outside (its context, the end
	// of its input) rather than quitting.
	ErrEnded = errors.New("the program was ended")
	// ErrPanic: the program ended in a recovered panic.
	ErrPanic = errors.New("the program panicked")
)

// Run runs the program until it quits (nil), its input ends or its
// context does (ErrEnded), and restores the visitor's screen.
func (hp *Program) Run() error {
	defer hp.cancel()
	go readInput(hp.ctx, hp.in, limitEvents(hp.p.Send, &hp.eventsDropped))
	_, err := hp.p.Run()
	hp.out.close()
	switch {
	case hp.panicked.Load() || errors.Is(err, tea.ErrProgramPanic):
		return ErrPanic
	case errors.Is(err, tea.ErrProgramKilled):
		return ErrEnded
	}
	return err
}

// Dropped is the input the program's budgets dropped so far: bytes over
// the byte rate, and decoded events over the event rate.
func (hp *Program) Dropped() (inputBytes, events int64) {
	return hp.inputDropped.Load(), hp.eventsDropped.Load()
}

// noSuspend turns ctrl+z into nothing: there is no shell to suspend to.
func noSuspend(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.SuspendMsg); ok {
		return nil
	}
	return msg
}

// eofReader calls eof when the visitor's input ends or fails. Bubble Tea
// treats end of input as nothing to read and would run on; a program whose
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
