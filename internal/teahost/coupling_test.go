package teahost

// Tests that pin the coupling to Bubble Tea described in the package
// comment: each fails when the behaviour it names is removed (the host's
// interception, its wrapping of command lists) or changes upstream.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/tui"
)

// crlf maps "\n" to "\r\n" as the session does for a PTY.
type crlf struct{ w io.Writer }

func (c crlf) Write(b []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// hosted is a program running over a pipe, as a session would run it.
type hosted struct {
	in     *io.PipeWriter
	out    *testutil.Buffer
	done   chan error
	panics chan string // where each reported panic happened
}

func host(t *testing.T, m tea.Model, w, h int) *hosted {
	t.Helper()
	pr, pw := io.Pipe()
	hs := &hosted{in: pw, out: &testutil.Buffer{}, done: make(chan error, 1), panics: make(chan string, 8)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	p := New(ctx, m, Options{
		In: pr, Out: crlf{hs.out}, Width: w, Height: h,
		Env:     []string{"TERM=xterm-256color", "COLORTERM=truecolor"},
		Profile: colorprofile.TrueColor,
		Panic:   func(where string, _ any, _ []byte) { hs.panics <- where },
	})
	go func() { hs.done <- p.Run() }()
	t.Cleanup(func() {
		_ = pw.Close()
		cancel()
		_ = <-hs.done //nolint:staticcheck // the test awaits the end, whatever it was
	})
	return hs
}

func (hs *hosted) waitFor(t *testing.T, want string) {
	t.Helper()
	if !testutil.Poll(5*time.Second, func() bool { return strings.Contains(hs.out.String(), want) }) {
		t.Fatalf("no %q in the output within 5s; got:\n%q", want, hs.out.String())
	}
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// sgrsOf is the set of colour sequences a view uses.
func sgrsOf(s string) map[string]bool {
	out := map[string]bool{}
	for _, m := range sgr.FindAllString(s, -1) {
		out[m] = true
	}
	return out
}

// TestBackgroundQueryOnStart: the résumé's first frame comes with the OSC
// 11 background query (Bubble Tea would drop it: input is off), and the
// terminal's answer switches the theme to light.
func TestBackgroundQueryOnStart(t *testing.T) {
	r := content.Default()
	dark := sgrsOf(tui.New(r, tui.Options{Width: 80, Height: 24, Profile: colorprofile.TrueColor}).View().Content)
	light := sgrsOf(tui.New(r, tui.Options{Width: 80, Height: 24, Profile: colorprofile.TrueColor, Light: true}).View().Content)
	var lightOnly []string
	for s := range light {
		if !dark[s] {
			lightOnly = append(lightOnly, s)
		}
	}
	if len(lightOnly) == 0 {
		t.Fatal("the light and dark themes use the same colours: nothing to tell them apart")
	}
	hasLight := func(s string) bool {
		for _, l := range lightOnly {
			if strings.Contains(s, l) {
				return true
			}
		}
		return false
	}

	hs := host(t, tui.New(r, tui.Options{Width: 80, Height: 24, Profile: colorprofile.TrueColor}), 80, 24)
	hs.waitFor(t, ansi.RequestBackgroundColor)
	hs.waitFor(t, "Wenging Luo")
	if hasLight(hs.out.String()) {
		t.Fatal("light colours before the terminal answered")
	}
	mark := len(hs.out.String())
	if _, err := io.WriteString(hs.in, "\x1b]11;rgb:ffff/ffff/ffff\x1b\\"); err != nil {
		t.Fatal(err)
	}
	if !testutil.Poll(5*time.Second, func() bool { return hasLight(hs.out.String()[mark:]) }) {
		t.Fatalf("the answer did not switch the theme; after it:\n%q", hs.out.String()[mark:])
	}
}

// TestClipboardWritten: c sends the e-mail address to the visitor's
// clipboard with OSC 52.
func TestClipboardWritten(t *testing.T) {
	r := content.Default()
	hs := host(t, tui.New(r, tui.Options{Width: 80, Height: 24}), 80, 24)
	hs.waitFor(t, "Wenging Luo")
	if _, err := io.WriteString(hs.in, "c"); err != nil {
		t.Fatal(err)
	}
	hs.waitFor(t, ansi.SetSystemClipboard(r.Basics.Email))
}

// TestWrapInterceptsRequests: the two request commands the résumé uses
// are written by the host the moment the command runs, and return no
// message for Bubble Tea (which would drop or delay them).
func TestWrapInterceptsRequests(t *testing.T) {
	for _, tt := range []struct {
		name string
		cmd  tea.Cmd
		want string
	}{
		{"background", tea.RequestBackgroundColor, ansi.RequestBackgroundColor},
		{"clipboard", tea.SetClipboard("hello"), ansi.SetSystemClipboard("hello")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			sm := &safeModel{out: newOutput(&out, colorprofile.TrueColor, 10, 2), panicked: func(string, any, []byte) {}}
			if msg := sm.wrap(tt.cmd)(); msg != nil {
				t.Errorf("wrapped command returned %T, want nil", msg)
			}
			if out.String() != tt.want {
				t.Errorf("wrote %q, want %q", out.String(), tt.want)
			}
		})
	}
}

type step string

func emit(s string) tea.Cmd { return func() tea.Msg { return step(s) } }

// seqModel runs cmd at Init and records the steps it receives.
type seqModel struct {
	cmd   tea.Cmd
	mu    sync.Mutex
	steps []string
}

func (m *seqModel) Init() tea.Cmd { return m.cmd }
func (m *seqModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(step); ok {
		m.mu.Lock()
		m.steps = append(m.steps, string(s))
		m.mu.Unlock()
		if s == "end" {
			return m, tea.Quit
		}
	}
	return m, nil
}
func (m *seqModel) View() tea.View { return tea.NewView("seq") }

// TestSequenceInOrder: a tea.Sequence runs its commands in order, each
// wrapped: a request inside it is written, a panic inside it is the
// host's to report.
func TestSequenceInOrder(t *testing.T) {
	t.Run("order and requests", func(t *testing.T) {
		m := &seqModel{cmd: tea.Sequence(emit("a"), tea.RequestBackgroundColor, emit("b"),
			tea.Batch(emit("c")), emit("d"), emit("end"))}
		hs := host(t, m, 20, 5)
		select {
		case err := <-hs.done:
			hs.done <- err
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the sequence did not finish")
		}
		m.mu.Lock()
		got := strings.Join(m.steps, " ")
		m.mu.Unlock()
		if got != "a b c d end" {
			t.Errorf("steps %q, want in order", got)
		}
		if !strings.Contains(hs.out.String(), ansi.RequestBackgroundColor) {
			t.Error("the background query inside the sequence was not written")
		}
	})
	t.Run("a panic", func(t *testing.T) {
		m := &seqModel{cmd: tea.Sequence(emit("a"), func() tea.Msg { panic("boom") })}
		hs := host(t, m, 20, 5)
		select {
		case where := <-hs.panics:
			if where != "tui command" {
				t.Errorf("panic reported in %q, want the command", where)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the panic in the sequence was not reported by the host")
		}
		if err := <-hs.done; !errors.Is(err, ErrPanic) {
			t.Errorf("run: %v, want ErrPanic", err)
		}
		hs.done <- nil
	})
}

// countModel counts its updates and views.
type countModel struct{ updates atomic.Int64 }

func (m *countModel) Init() tea.Cmd { return nil }
func (m *countModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.updates.Add(1)
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return m, tea.Quit
	}
	return m, nil
}

func (m *countModel) View() tea.View {
	return tea.NewView(fmt.Sprintf("updates=%d", m.updates.Load()))
}

// TestViewAfterEveryUpdate: with its renderer off, Bubble Tea still asks
// for the view after every update, which is when the host draws it.
func TestViewAfterEveryUpdate(t *testing.T) {
	m := &countModel{}
	viewed := &viewCounter{m: m}
	hs := host(t, viewed, 20, 5)
	for range 20 {
		if _, err := io.WriteString(hs.in, "x"); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = io.WriteString(hs.in, "q")
	if err := <-hs.done; err != nil {
		t.Fatalf("run: %v", err)
	}
	hs.done <- nil
	if u, v := m.updates.Load(), viewed.views.Load(); u < 21 || v < u {
		t.Errorf("%d updates, %d views: want a view after every update", u, v)
	}
}

type viewCounter struct {
	m     *countModel
	views atomic.Int64
}

func (v *viewCounter) Init() tea.Cmd { return v.m.Init() }
func (v *viewCounter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := v.m.Update(msg)
	return v, cmd
}

func (v *viewCounter) View() tea.View { v.views.Add(1); return v.m.View() }

// screenLines is text as a terminal shows it: no escapes, no trailing
// blanks on a line, no blank lines at the end.
func screenLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// TestGoldenViewsThroughTermrender draws the views the tui package's
// golden files hold (every section, at each golden size and theme) the way
// production does, through termrender and the colour profile, into a
// terminal emulator: the screen must show exactly the view's text.
func TestGoldenViewsThroughTermrender(t *testing.T) {
	r := content.Default()
	for _, sz := range [][2]int{{80, 24}, {40, 12}, {120, 40}} {
		for _, th := range []struct {
			name  string
			light bool
			prof  colorprofile.Profile
		}{{"dark", false, colorprofile.TrueColor}, {"light", true, colorprofile.TrueColor}, {"nocolour", false, colorprofile.ASCII}} {
			for _, id := range r.SectionIDs() {
				t.Run(fmt.Sprintf("%dx%d/%s/%s", sz[0], sz[1], th.name, id), func(t *testing.T) {
					v := tui.New(r, tui.Options{Section: id, Width: sz[0], Height: sz[1], Light: th.light, Profile: th.prof}).View()
					var b bytes.Buffer
					o := newOutput(crlf{&b}, th.prof, sz[0], sz[1])
					o.draw(v)
					term := vt.NewEmulator(sz[0], sz[1])
					if _, err := term.Write(b.Bytes()); err != nil {
						t.Fatal(err)
					}
					got, want := screenLines(term.String()), screenLines(ansi.Strip(v.Content))
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("the screen differs from the view\nscreen:\n%s\nview:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
					}
				})
			}
		}
	}
}
