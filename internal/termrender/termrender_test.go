package termrender

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/bench/load"
)

func view(lines ...string) tea.View {
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	return v
}

// draw renders v and feeds the bytes to screen, returning them.
func draw(t *testing.T, r *Renderer, s *load.Screen, v tea.View) string {
	t.Helper()
	b := r.Render(nil, v)
	_, _ = s.Write(b)
	return string(b)
}

func wantRows(t *testing.T, s *load.Screen, want ...string) {
	t.Helper()
	got := s.Rows()
	for i := range got {
		w := ""
		if i < len(want) {
			w = want[i]
		}
		if got[i] != w {
			t.Fatalf("row %d = %q, want %q; screen:\n%s", i, got[i], w, s)
		}
	}
}

func TestRenderDrawsOnlyWhatChanged(t *testing.T) {
	r, s := New(20, 4), load.NewScreen(20, 4)
	first := draw(t, r, s, view("\x1b[1mWenging Luo\x1b[m", "Overview", "", "footer"))
	wantRows(t, s, "Wenging Luo", "Overview", "", "footer")
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?25l", "\x1b[2J", "\x1b[?2004h"} {
		if !strings.Contains(first, seq) {
			t.Errorf("first frame lacks %q: %q", seq, first)
		}
	}
	if out := draw(t, r, s, view("\x1b[1mWenging Luo\x1b[m", "Overview", "", "footer")); out != "" {
		t.Errorf("an unchanged view wrote %q", out)
	}
	out := draw(t, r, s, view("\x1b[1mWenging Luo\x1b[m", "Educ", "", "footer"))
	wantRows(t, s, "Wenging Luo", "Educ", "", "footer")
	if strings.Contains(out, "Wenging") || strings.Contains(out, "footer") {
		t.Errorf("unchanged rows rewritten: %q", out)
	}
}

func TestRenderEdges(t *testing.T) {
	r, s := New(10, 3), load.NewScreen(10, 3)
	// Too many rows, a row too wide, a full row, wide characters.
	draw(t, r, s, view("0123456789abc", "abcdefghij", "中文字", "dropped"))
	wantRows(t, s, "0123456789", "abcdefghij", "中文字")
	// Shorter rows erase what was there; the last column survives.
	draw(t, r, s, view("012", "abcdefghij", ""))
	wantRows(t, s, "012", "abcdefghij", "")
	// Fewer rows than the window: the rest is blanked.
	draw(t, r, s, view("x"))
	wantRows(t, s, "x")
}

func TestRenderResizeAndClose(t *testing.T) {
	r, s := New(10, 3), load.NewScreen(10, 3)
	v := view("one", "two", "three")
	v.MouseMode = tea.MouseModeCellMotion
	out := draw(t, r, s, v)
	if !strings.Contains(out, "\x1b[?1002h") || !strings.Contains(out, "\x1b[?1006h") {
		t.Errorf("mouse not enabled: %q", out)
	}
	r.Resize(8, 2)
	s = load.NewScreen(8, 2)
	_, _ = s.Write([]byte("garbage"))
	out = draw(t, r, s, v)
	wantRows(t, s, "one", "two")
	if !strings.Contains(out, "\x1b[2J") {
		t.Errorf("resize did not redraw from clear: %q", out)
	}
	end := string(r.Close(nil))
	for _, seq := range []string{"\x1b[?1002l", "\x1b[?1006l", "\x1b[?2004l", "\x1b[?25h", "\x1b[?1049l"} {
		if !strings.Contains(end, seq) {
			t.Errorf("close lacks %q: %q", seq, end)
		}
	}
}

func TestRenderCursorAndTitle(t *testing.T) {
	r, s := New(10, 2), load.NewScreen(10, 2)
	v := view("a", "b")
	v.Cursor = tea.NewCursor(3, 1)
	v.WindowTitle = "ti\x1btle"
	out := draw(t, r, s, v)
	if !strings.HasSuffix(out, "\x1b[2;4H\x1b[?25h") {
		t.Errorf("cursor not placed and shown: %q", out)
	}
	if !strings.Contains(out, "\x1b]2;tile\a") {
		t.Errorf("title missing or not sanitised: %q", out)
	}
	v.Cursor = nil
	if out := draw(t, r, s, v); out != "\x1b[?25l" {
		t.Errorf("cursor not hidden alone: %q", out)
	}
}

func TestRenderZeroSize(_ *testing.T) {
	r := New(0, 0)
	_ = r.Render(nil, view("x"))
	r.Resize(-1, -5)
	_ = r.Render(nil, view("x"))
}

// TestRenderMatchesContent draws random sequences of styled rows and checks
// the screen always shows exactly the content, whatever was skipped.
func TestRenderMatchesContent(t *testing.T) {
	parts := []string{
		"a", "bc", " ", "   ", "中", "é", "Wenging Luo",
		"\x1b[1m", "\x1b[38;5;111m", "\x1b[m", "\x1b[0m", "\x1b[44m",
		"\x1b]8;;https://example.com\x07", "\x1b]8;;\x07",
	}
	seed := uint32(1)
	rnd := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	const w, h = 12, 4
	r, s := New(w, h), load.NewScreen(w, h)
	prev := make([][]string, h)
	for frame := range 2000 {
		rows := make([]string, h)
		cur := make([][]string, h)
		for y := range rows {
			if rnd(2) == 0 {
				// Keep some rows, or their start, as they were.
				cur[y] = append(cur[y], prev[y][:rnd(len(prev[y])+1)]...)
			}
			for range rnd(6) {
				cur[y] = append(cur[y], parts[rnd(len(parts))])
			}
			if rnd(2) == 0 {
				cur[y] = append(cur[y], "\x1b[m", "\x1b]8;;\x07")
			}
			rows[y] = strings.Join(cur[y], "")
		}
		prev = cur
		draw(t, r, s, view(rows...))
		for y, row := range rows {
			want := strings.TrimRight(ansi.Strip(ansi.Truncate(row, w, "")), " ")
			if got := s.Row(y); got != want {
				t.Fatalf("frame %d row %d = %q, want %q (row %q)", frame, y, got, want, row)
			}
		}
	}
}

func TestRenderSkipsWhatIsOnScreen(t *testing.T) {
	r, s := New(40, 2), load.NewScreen(40, 2)
	side := "  \x1b[38;5;103m1\x1b[m  Overview  │ "
	draw(t, r, s, view(side+"\x1b[1mContact\x1b[m          ", "x"))
	out := draw(t, r, s, view(side+"\x1b[1mEducation\x1b[m        ", "x"))
	if strings.Contains(out, "Overview") || strings.HasSuffix(out, "  ") {
		t.Errorf("rewrote the unchanged start or the trailing blanks: %q", out)
	}
	wantRows(t, s, "  1  Overview  │ Education", "x")
}
