package termrender

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkRenderKeypress draws alternating 100x30 frames that share their
// first column and differ in the rest, as a section change does.
func BenchmarkRenderKeypress(b *testing.B) {
	frame := func(word string) tea.View {
		rows := make([]string, 30)
		for i := range rows {
			rows[i] = "  \x1b[38;5;103m" + "1" + "\x1b[m  Section   │ \x1b[1m" + word + "\x1b[m " + strings.Repeat("text ", 10)
		}
		return view(rows...)
	}
	a, c := frame("Overview"), frame("Education")
	r := New(100, 30)
	buf := r.Render(nil, a)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v := a
		if i%2 == 0 {
			v = c
		}
		buf = r.Render(buf[:0], v)
	}
}
