package termrender

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

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
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?25l", "\x1b[2J"} {
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
	for _, seq := range []string{"\x1b[?1002l", "\x1b[?1006l", "\x1b[?25h", "\x1b[?1049l"} {
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

func TestRenderZeroSize(t *testing.T) {
	r := New(0, 0)
	_ = r.Render(nil, view("x"))
	r.Resize(-1, -5)
	_ = r.Render(nil, view("x"))
}
