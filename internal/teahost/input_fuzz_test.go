package teahost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/tui"
)

// Fuzz tests of the TUI's input path: bytes from the visitor, in any
// chunks, through the decoder (FuzzInputDecoder) and on into the résumé's
// model (FuzzTUIInput). Seeds are here and in testdata/fuzz; run longer
// with
//
//	go test ./internal/teahost -run '^$' -fuzz FuzzInputDecoder -fuzztime 5m

// inputSeeds are visitor inputs worth starting from: keys, mouse, pastes,
// replies, and the hostile ones of hostile_test.go.
var inputSeeds = []string{
	"jjkk\t\x1b[Z?q", "\x1b[A\x1b[B\x1bOA\x1b[1;5C", "\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<64;3;3M",
	"\x1b[200~pasted\ttext\r\x1b[201~", "\x1b[200~never ends", "\x1b]11;rgb:ffff/0000/8080\x1b\\",
	"\x1b[8;1000;1000t\x1b[48;900;900;0;0t", "\x1b]0;", "\x1bP+q\x1b", "\xff\xfe\xc3", "\x9b200~x\x9b201~",
	"/go\r", "\x1b[27u\x1b[97;5u", "\x1b[?1;2c\x1b[>0;1;0c\x1bP>|xterm\x1b\\", "\x1b\x1b\x1b[",
}

// FuzzInputDecoder feeds arbitrary bytes to the decoder in chunks as
// readInput would. It must not panic; it never sends a window size; a
// paste never exceeds maxPaste; and it sends no more events than it was
// given bytes.
func FuzzInputDecoder(f *testing.F) {
	for _, s := range inputSeeds {
		f.Add([]byte(s), uint8(7))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		events := 0
		in := inputDecoder{send: func(m tea.Msg) {
			events++
			switch e := m.(type) {
			case uv.WindowSizeEvent, uv.PixelSizeEvent, uv.CellSizeEvent:
				t.Fatalf("a size event from the input: %#v", m)
			case uv.PasteEvent:
				if len(e.Content) > maxPaste {
					t.Fatalf("a paste of %d bytes, bound %d", len(e.Content), maxPaste)
				}
			}
		}}
		size := int(chunk%64) + 1
		var pending []byte
		for rest := data; len(rest) > 0; {
			n := min(size, len(rest))
			pending = append(pending, rest[:n]...)
			rest = rest[n:]
			if len(pending) > maxPending {
				pending = pending[len(pending)-maxPending:]
			}
			pending = in.feed(pending, false)
			if len(pending) > maxPending {
				t.Fatalf("%d bytes pending, bound %d", len(pending), maxPending)
			}
		}
		if rest := in.feed(pending, true); len(rest) > 0 {
			t.Fatalf("%q left after the wait expired", rest)
		}
		if events > len(data) {
			t.Fatalf("%d events from %d bytes", events, len(data))
		}
	})
}

// fitModel wraps the résumé's model and checks, after every message, that
// its view fits the window it was last given.
type fitModel struct {
	m    tea.Model
	w, h int
	bad  string
}

func (f *fitModel) Init() tea.Cmd { return f.m.Init() }

func (f *fitModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		f.w, f.h = ws.Width, ws.Height
	}
	next, cmd := f.m.Update(msg)
	f.m = next
	if view := f.m.View().Content; f.bad == "" && view != "" {
		rows := strings.Split(view, "\n")
		if len(rows) > f.h {
			f.bad = fmt.Sprintf("%d rows in a %dx%d window", len(rows), f.w, f.h)
		}
		for _, r := range rows {
			if gw, wc := ansi.StringWidth(r), ansi.StringWidthWc(r); gw > f.w || wc > f.w {
				f.bad = fmt.Sprintf("a row %d (wcwidth %d) cells wide in a %dx%d window: %q", gw, wc, f.w, f.h, r)
			}
		}
	}
	return f, cmd
}

func (f *fitModel) View() tea.View { return tea.View{} }

// FuzzTUIInput sends arbitrary bytes, decoded as a session's input is,
// and window sizes between them, to the résumé's model in a real Bubble
// Tea program. It must not panic, and every view must fit its window.
func FuzzTUIInput(f *testing.F) {
	for _, s := range inputSeeds {
		f.Add([]byte(s), uint16(80), uint16(24))
	}
	f.Add([]byte("\t\t\t?L\x1b[27u/a\r"), uint16(40), uint16(12))
	f.Add([]byte("G\x1b[6~\x1b[5~gjjjj"), uint16(MaxWidth), uint16(MaxHeight))
	f.Fuzz(func(t *testing.T, data []byte, w, h uint16) {
		if len(data) > 512 {
			data = data[:512]
		}
		cols, rows := 1+int(w%MaxWidth), 1+int(h%MaxHeight) // as ClampWindow gives them
		m := &fitModel{m: tui.New(content.Default(), tui.Options{Width: cols, Height: rows}), w: cols, h: rows}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(nil), tea.WithoutRenderer(),
			tea.WithoutSignalHandler(), tea.WithWindowSize(cols, rows), tea.WithFilter(noSuspend))
		done := make(chan error, 1)
		go func() { _, err := p.Run(); done <- err }()
		// The input arrives in the chunks 0xfe separates; between them, a
		// window change as the session sends them.
		in := inputDecoder{send: p.Send}
		var pending []byte
		for i, chunk := range bytes.Split(data, []byte{0xfe}) {
			if i > 0 {
				cols, rows = 1+(cols+37*i)%MaxWidth, 1+(rows+11*i)%MaxHeight
				p.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
			}
			pending = in.feed(append(pending, chunk...), false)
		}
		in.feed(pending, true)
		p.Quit()
		if err := <-done; err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			t.Fatalf("program: %v", err)
		}
		if m.bad != "" {
			t.Fatal(m.bad)
		}
	})
}
