// Package termrender draws Bubble Tea views on a terminal line by line: it
// remembers only the lines on screen, rewrites the ones that changed, and
// writes at once when asked, with no frame timer.
//
// It stands in for Bubble Tea's cell renderer where that costs too much per
// session: the cell renderer keeps two cell buffers of the window's size
// (about 160 KB each at 100x30) and flushes on a 60 Hz ticker that wakes
// every idle session and delays every frame by up to a tick.
//
// Views are drawn from the top of the screen; the alternate screen, mouse
// mode, bracketed paste, cursor and window title of the view are followed.
package termrender

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Renderer turns views into the bytes that bring a terminal from the last
// view drawn to the next. It is not safe for concurrent use.
type Renderer struct {
	w, h   int
	lines  []string // what each row shows; nil after a resize
	clear  bool     // clear the screen before the next frame
	alt    bool
	mouse  tea.MouseMode
	cursor bool // visible
	cx, cy int  // where the view last put it
	title  string
	paste  bool // bracketed paste on
	begun  bool
}

// New returns a renderer for a w×h terminal.
func New(w, h int) *Renderer {
	return &Renderer{w: max(w, 0), h: max(h, 0), cursor: true}
}

// Resize records a new window size; the next Render redraws everything.
func (r *Renderer) Resize(w, h int) {
	if w == r.w && h == r.h {
		return
	}
	r.w, r.h = max(w, 0), max(h, 0)
	r.lines, r.clear = nil, true
}

// Render appends to buf what brings the terminal to view v and returns it.
// A view that changes nothing appends nothing.
func (r *Renderer) Render(buf []byte, v tea.View) []byte {
	if !r.begun {
		r.begun = true
		r.clear = true
	}
	if v.AltScreen != r.alt {
		r.alt = v.AltScreen
		if r.alt {
			buf = append(buf, ansi.SetModeAltScreenSaveCursor...)
		} else {
			buf = append(buf, ansi.ResetModeAltScreenSaveCursor...)
		}
		r.lines, r.clear = nil, true
	}
	if paste := !v.DisableBracketedPasteMode; paste != r.paste {
		// As Bubble Tea does: pastes arrive marked unless the view says no.
		r.paste = paste
		if paste {
			buf = append(buf, ansi.SetModeBracketedPaste...)
		} else {
			buf = append(buf, ansi.ResetModeBracketedPaste...)
		}
	}
	if v.MouseMode != r.mouse {
		buf = appendMouse(buf, r.mouse, v.MouseMode)
		r.mouse = v.MouseMode
	}
	if v.WindowTitle != r.title {
		r.title = v.WindowTitle
		buf = append(buf, ansi.SetWindowTitle(ansi.Strip(v.WindowTitle))...)
	}
	if r.clear {
		r.clear = false
		buf = append(buf, ansi.ResetStyle+ansi.CursorHomePosition+ansi.EraseEntireScreen...)
		r.lines = nil
	}

	next := splitLines(v.Content, r.h)
	var changed []int
	for y := range r.h {
		line := ""
		if y < len(next) {
			line = next[y]
		}
		switch {
		case r.lines == nil && line == "":
			// Just cleared: blank already.
		case r.lines == nil || r.lines[y] != line:
			changed = append(changed, y)
		}
	}
	// The cursor stays hidden while rows are drawn, and unless the view
	// places it.
	if r.cursor && (len(changed) > 0 || v.Cursor == nil) {
		buf = append(buf, ansi.HideCursor...)
		r.cursor = false
	}
	for _, y := range changed {
		line, old := "", ""
		if y < len(next) {
			line = next[y]
		}
		if y < len(r.lines) {
			old = r.lines[y]
		}
		buf = r.appendLine(buf, y, old, line)
	}
	r.lines = padLines(next, r.h)
	if c := v.Cursor; c != nil {
		if len(changed) > 0 || !r.cursor || c.X != r.cx || c.Y != r.cy {
			buf = append(buf, ansi.CursorPosition(c.X+1, c.Y+1)...)
			r.cx, r.cy = c.X, c.Y
		}
		if !r.cursor {
			buf = append(buf, ansi.ShowCursor...)
			r.cursor = true
		}
	}
	return buf
}

// Close appends what gives the terminal back as it was: the mouse off, the
// cursor shown, the main screen.
func (r *Renderer) Close(buf []byte) []byte {
	if r.mouse != tea.MouseModeNone {
		buf = appendMouse(buf, r.mouse, tea.MouseModeNone)
		r.mouse = tea.MouseModeNone
	}
	if r.paste {
		buf = append(buf, ansi.ResetModeBracketedPaste...)
		r.paste = false
	}
	buf = append(buf, ansi.ResetStyle...)
	if !r.cursor {
		buf = append(buf, ansi.ShowCursor...)
		r.cursor = true
	}
	if r.alt {
		buf = append(buf, ansi.ResetModeAltScreenSaveCursor...)
		r.alt = false
	}
	r.lines = nil
	return buf
}

// appendLine rewrites row y from old to line: from the first column where
// they differ (at a point where no style or link is open, so the pen is
// known), up to the last character that is not a blank in the default
// style, then erases what is left of the row. A full row is not followed
// by an erase: with the cursor parked past the last column the erase would
// take the last character.
func (r *Renderer) appendLine(buf []byte, y int, old, line string) []byte {
	if ansi.StringWidth(line) > r.w {
		line = ansi.Truncate(line, r.w, "")
	}
	from, end := plainSpan(line, old)
	x := ansi.StringWidth(line[:from])
	buf = append(buf, ansi.CursorPosition(x+1, y+1)...)
	part := line[from:end]
	buf = append(buf, part...)
	if strings.IndexByte(part, ansi.ESC) >= 0 {
		buf = append(buf, ansi.ResetStyle...)
	}
	if x+ansi.StringWidth(part) < r.w {
		buf = append(buf, ansi.EraseLineRight...)
	}
	return buf
}

// plainSpan returns where line must start being written, given that the
// terminal shows old on that row, and where it may stop. Both are offsets
// where the pen is plain (no style or hyperlink set since the start or the
// last reset): the start is the last such offset within the bytes line and
// old share, the end the first one after which only plain blanks and
// resets follow.
func plainSpan(line, old string) (from, end int) {
	common := 0
	for common < len(line) && common < len(old) && line[common] == old[common] {
		common++
	}
	p := ansi.GetParser()
	defer ansi.PutParser(p)
	var state byte
	styled, linked := false, false
	for off := 0; off < len(line); {
		plain := !styled && !linked
		if plain && off <= common {
			from = off
		}
		seq, width, n, st := ansi.DecodeSequence(line[off:], state, p)
		state = st
		switch {
		case n <= 0:
			return from, len(line)
		case ansi.HasCsiPrefix(seq) && p.Command() == 'm':
			styled = seq != ansi.ResetStyle && seq != "\x1b[0m"
			if styled {
				end = off + n
			}
		case ansi.HasOscPrefix(seq) && p.Command() == 8:
			// A link is open unless its URI (after the second ';') is empty.
			d := string(p.Data())
			i := strings.IndexByte(d, ';')
			j := strings.IndexByte(d[i+1:], ';')
			linked = i < 0 || j < 0 || d[i+1+j+1:] != ""
			end = off + n
		case width > 0 && seq == " " && !styled && !linked:
			// A blank in the default style: the erase draws it too.
		default:
			end = off + n
		}
		off += n
	}
	if !styled && !linked && len(line) <= common {
		from = len(line)
	}
	return min(from, end), end
}

// splitLines splits content into at most h rows, dropping carriage
// returns.
func splitLines(content string, h int) []string {
	if content == "" || h == 0 {
		return nil
	}
	lines := strings.SplitN(content, "\n", h+1)
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func padLines(lines []string, h int) []string {
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

func appendMouse(buf []byte, from, to tea.MouseMode) []byte {
	if from == to {
		return buf
	}
	switch from {
	case tea.MouseModeCellMotion:
		buf = append(buf, ansi.ResetModeMouseButtonEvent...)
	case tea.MouseModeAllMotion:
		buf = append(buf, ansi.ResetModeMouseAnyEvent...)
	case tea.MouseModeNone:
	}
	switch to {
	case tea.MouseModeCellMotion:
		buf = append(buf, ansi.SetModeMouseButtonEvent...)
	case tea.MouseModeAllMotion:
		buf = append(buf, ansi.SetModeMouseAnyEvent...)
	case tea.MouseModeNone:
	}
	if from == tea.MouseModeNone {
		buf = append(buf, ansi.SetModeMouseExtSgr...)
	} else if to == tea.MouseModeNone {
		buf = append(buf, ansi.ResetModeMouseExtSgr...)
	}
	return buf
}
