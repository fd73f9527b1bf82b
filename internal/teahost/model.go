package teahost

import (
	"io"
	"reflect"
	"runtime/debug"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/internal/termrender"
)

// output draws a program's views the moment the program produces them,
// line by line, in the visitor's colour profile, and writes the terminal
// requests the model makes (background colour, clipboard) at once.
type output struct {
	mu    sync.Mutex
	w     io.Writer            // the terminal, for requests
	color *colorprofile.Writer // the terminal, colours converted
	r     *termrender.Renderer
}

func newOutput(w io.Writer, p colorprofile.Profile, width, height int) *output {
	if p <= colorprofile.NoTTY {
		// A PTY session is a terminal: keep the cursor moves, drop colour.
		p = colorprofile.ASCII
	}
	return &output{w: w, color: &colorprofile.Writer{Forward: w, Profile: p}, r: termrender.New(width, height)}
}

func (o *output) draw(v tea.View) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := o.r.Render(nil, v); len(b) > 0 {
		_, _ = o.color.Write(b)
	}
}

func (o *output) resize(w, h int) {
	o.mu.Lock()
	o.r.Resize(w, h)
	o.mu.Unlock()
}

func (o *output) request(seq string) {
	o.mu.Lock()
	_, _ = io.WriteString(o.w, seq)
	o.mu.Unlock()
}

func (o *output) close() {
	o.mu.Lock()
	_, _ = o.w.Write(o.r.Close(nil))
	o.mu.Unlock()
}

// The messages of tea.RequestBackgroundColor and tea.SetClipboard are
// unexported, and with input off Bubble Tea drops the first and delays the
// second (see the package comment); safeModel recognises them by type. A
// command list (tea.BatchMsg, and tea.Sequence's unexported message) is
// any slice of tea.Cmd.
var (
	backgroundRequest = reflect.TypeOf(tea.RequestBackgroundColor())
	clipboardRequest  = reflect.TypeOf(tea.SetClipboard("")())
	cmdType           = reflect.TypeOf((*tea.Cmd)(nil)).Elem()
)

// safeModel recovers panics in the model it wraps and in the commands that
// model returns, and reports them. It also hands the model's views and
// terminal requests to out.
type safeModel struct {
	m        tea.Model
	out      *output
	panicked func(where string, r any, stack []byte)
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
// an empty one. Bubble Tea calls it after every Update.
func (sm *safeModel) View() tea.View {
	defer sm.recover("view", func() {})
	sm.out.draw(sm.m.View())
	return tea.View{}
}

// recover is deferred; on a panic it reports and runs fallback to set the
// return values.
func (sm *safeModel) recover(where string, fallback func()) {
	r := recover()
	if r == nil {
		return
	}
	sm.panicked("tui "+where, r, debug.Stack())
	fallback()
}

// wrap makes cmd, and the commands of a batch or sequence it returns,
// recover; the terminal requests they return are written at once.
func (sm *safeModel) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer sm.recover("command", func() { msg = nil })
		msg = cmd()
		if msg == nil {
			return nil
		}
		t := reflect.TypeOf(msg)
		switch {
		case t == backgroundRequest:
			sm.out.request(ansi.RequestBackgroundColor)
			return nil
		case t == clipboardRequest:
			sm.out.request(ansi.SetSystemClipboard(reflect.ValueOf(msg).String()))
			return nil
		case t.Kind() == reflect.Slice && t.Elem() == cmdType:
			// A batch or a sequence: the same type, so the same handling
			// (concurrent or in order), with each command wrapped.
			v := reflect.ValueOf(msg)
			out := reflect.MakeSlice(t, v.Len(), v.Len())
			for i := range v.Len() {
				c, _ := v.Index(i).Interface().(tea.Cmd)
				if w := sm.wrap(c); w != nil {
					out.Index(i).Set(reflect.ValueOf(w))
				}
			}
			return out.Interface()
		}
		return msg
	}
}
