package load

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// Screen is a tiny incremental terminal: just enough of xterm to know what
// text a visitor would see. It tracks characters and the cursor (printing,
// wrapping, cursor movement, erasing, inserting and deleting, scrolling,
// repeat, the alternate screen) and ignores colours and attributes. It
// answers the queries a real terminal answers (device attributes, cursor
// position, foreground and background colour), so a program that waits for
// those is measured as a visitor would see it.
type Screen struct {
	w, h    int
	cells   []rune // row-major, w*h; 0 is the right half of a wide character
	x, y    int
	pending bool // the last column was written; the next print wraps
	noWrap  bool // DECAWM off
	top     int  // scroll region, inclusive
	bot     int
	savedX  int
	savedY  int
	last    rune // the last printed character, for REP
	dirty   bool
	p       *ansi.Parser
	replies []byte
	watch   string // text to notice, even if it scrolls off
	seen    bool
}

// NewScreen returns a blank w×h screen.
func NewScreen(w, h int) *Screen {
	s := &Screen{w: w, h: h, cells: make([]rune, w*h), bot: h - 1}
	s.clear(0, len(s.cells))
	s.p = ansi.NewParser()
	// The default 64 KiB sequence buffer per session would dwarf the screen;
	// only short OSC queries are read.
	s.p.SetDataSize(256)
	s.p.SetHandler(ansi.Handler{
		Print:     s.print,
		Execute:   s.execute,
		HandleCsi: s.csi,
		HandleEsc: s.esc,
		HandleOsc: s.osc,
	})
	return s
}

// Write feeds terminal output to the screen. It never fails; sequences may
// be split across writes.
func (s *Screen) Write(b []byte) (int, error) {
	s.p.Parse(b)
	return len(b), nil
}

// Replies returns and forgets what the terminal would have answered to the
// queries seen so far.
func (s *Screen) Replies() []byte {
	r := s.replies
	s.replies = nil
	return r
}

// Dirty reports whether anything changed since the last call, and resets it.
func (s *Screen) Dirty() bool {
	d := s.dirty
	s.dirty = false
	return d
}

// Row returns row y as text, trailing blanks trimmed.
func (s *Screen) Row(y int) string {
	var b strings.Builder
	for _, r := range s.cells[y*s.w : (y+1)*s.w] {
		if r != 0 {
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Rows returns every row as text.
func (s *Screen) Rows() []string {
	rows := make([]string, s.h)
	for y := range rows {
		rows[y] = s.Row(y)
	}
	return rows
}

// Contains reports whether some row shows text.
func (s *Screen) Contains(text string) bool {
	for y := 0; y < s.h; y++ {
		if strings.Contains(s.Row(y), text) {
			return true
		}
	}
	return false
}

// Watch makes Seen report whether text has been on screen at any moment
// from now on: output that prints a page and scrolls on (cat in a short
// window) still showed it.
func (s *Screen) Watch(text string) {
	s.watch = text
	s.seen = s.Contains(text)
}

// Seen reports whether the watched text is or was on screen.
func (s *Screen) Seen() bool {
	if !s.seen && s.watch != "" {
		s.seen = s.Contains(s.watch)
	}
	return s.seen
}

// String returns the screen as lines, for failure messages.
func (s *Screen) String() string { return strings.Join(s.Rows(), "\n") }

// Top returns the first n rows, for failure messages.
func (s *Screen) Top(n int) string {
	rows := s.Rows()
	return strings.Join(rows[:min(n, len(rows))], "\n")
}

func (s *Screen) clear(from, to int) {
	for i := from; i < to; i++ {
		s.cells[i] = ' '
	}
	s.dirty = true
}

func (s *Screen) print(r rune) {
	wd := runewidth.RuneWidth(r)
	if wd == 0 {
		return
	}
	if s.pending {
		s.pending = false
		if !s.noWrap {
			s.x = 0
			s.lineFeed()
		}
	}
	if s.x+wd > s.w {
		if s.noWrap {
			s.x = s.w - wd
		} else {
			s.x = 0
			s.lineFeed()
		}
	}
	if s.x < 0 {
		return
	}
	i := s.y*s.w + s.x
	s.cells[i] = r
	if wd == 2 {
		s.cells[i+1] = 0
	}
	s.last = r
	s.dirty = true
	s.x += wd
	if s.x >= s.w {
		s.x = s.w - 1
		s.pending = true
	}
}

func (s *Screen) execute(b byte) {
	switch b {
	case '\r':
		s.x, s.pending = 0, false
	case '\n', '\v', '\f':
		s.lineFeed()
	case '\b':
		if s.x > 0 {
			s.x--
		}
		s.pending = false
	case '\t':
		s.x = min((s.x/8+1)*8, s.w-1)
	}
}

// lineFeed moves down a row, scrolling the region at its bottom.
func (s *Screen) lineFeed() {
	s.pending = false
	if s.y == s.bot {
		s.scrollUp(1)
		return
	}
	if s.y < s.h-1 {
		s.y++
	}
}

func (s *Screen) scrollUp(n int) {
	n = min(n, s.bot-s.top+1)
	if s.watch != "" && !s.seen {
		for y := s.top; y < s.top+n; y++ {
			if strings.Contains(s.Row(y), s.watch) {
				s.seen = true
			}
		}
	}
	copy(s.cells[s.top*s.w:(s.bot+1)*s.w], s.cells[(s.top+n)*s.w:(s.bot+1)*s.w])
	s.clear((s.bot+1-n)*s.w, (s.bot+1)*s.w)
}

func (s *Screen) scrollDown(n int) {
	n = min(n, s.bot-s.top+1)
	copy(s.cells[(s.top+n)*s.w:(s.bot+1)*s.w], s.cells[s.top*s.w:(s.bot+1-n)*s.w])
	s.clear(s.top*s.w, (s.top+n)*s.w)
}

func (s *Screen) moveTo(x, y int) {
	s.x = max(0, min(x, s.w-1))
	s.y = max(0, min(y, s.h-1))
	s.pending = false
}

func (s *Screen) csi(cmd ansi.Cmd, params ansi.Params) {
	arg := func(i, def int) int {
		v, _, _ := params.Param(i, def)
		if v == 0 && def > 0 {
			return def
		}
		return v
	}
	if cmd.Prefix() == '?' {
		switch cmd.Final() {
		case 'h', 'l':
			on := cmd.Final() == 'h'
			for i := range params {
				switch params[i].Param(0) {
				case 7:
					s.noWrap = !on
				case 47, 1047, 1049:
					// Entering or leaving the alternate screen shows a
					// screen the program has not drawn yet.
					s.clear(0, len(s.cells))
					if params[i].Param(0) == 1049 && on {
						s.savedX, s.savedY = s.x, s.y
					}
				}
			}
		}
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case 'A':
		s.moveTo(s.x, s.y-arg(0, 1))
	case 'B', 'e':
		s.moveTo(s.x, s.y+arg(0, 1))
	case 'C', 'a':
		s.moveTo(s.x+arg(0, 1), s.y)
	case 'D':
		s.moveTo(s.x-arg(0, 1), s.y)
	case 'E':
		s.moveTo(0, s.y+arg(0, 1))
	case 'F':
		s.moveTo(0, s.y-arg(0, 1))
	case 'G', '`':
		s.moveTo(arg(0, 1)-1, s.y)
	case 'd':
		s.moveTo(s.x, arg(0, 1)-1)
	case 'H', 'f':
		s.moveTo(arg(1, 1)-1, arg(0, 1)-1)
	case 'J':
		at := s.y*s.w + s.x
		switch arg(0, 0) {
		case 0:
			s.clear(at, len(s.cells))
		case 1:
			s.clear(0, at+1)
		case 2, 3:
			s.clear(0, len(s.cells))
		}
	case 'K':
		row := s.y * s.w
		switch arg(0, 0) {
		case 0:
			s.clear(row+s.x, row+s.w)
		case 1:
			s.clear(row, row+s.x+1)
		case 2:
			s.clear(row, row+s.w)
		}
	case 'X':
		row := s.y * s.w
		s.clear(row+s.x, row+min(s.x+arg(0, 1), s.w))
	case '@':
		n := min(arg(0, 1), s.w-s.x)
		line := s.cells[s.y*s.w : (s.y+1)*s.w]
		copy(line[s.x+n:], line[s.x:])
		s.clear(s.y*s.w+s.x, s.y*s.w+s.x+n)
	case 'P':
		n := min(arg(0, 1), s.w-s.x)
		line := s.cells[s.y*s.w : (s.y+1)*s.w]
		copy(line[s.x:], line[s.x+n:])
		s.clear((s.y+1)*s.w-n, (s.y+1)*s.w)
	case 'L', 'M':
		if s.y < s.top || s.y > s.bot {
			return
		}
		top := s.top
		s.top = s.y
		if cmd.Final() == 'L' {
			s.scrollDown(arg(0, 1))
		} else {
			s.scrollUp(arg(0, 1))
		}
		s.top = top
		s.x = 0
	case 'S':
		s.scrollUp(arg(0, 1))
	case 'T':
		s.scrollDown(arg(0, 1))
	case 'r':
		top, bot := arg(0, 1)-1, arg(1, s.h)-1
		if top < bot && bot < s.h {
			s.top, s.bot = top, bot
		}
		s.moveTo(0, 0)
	case 'b':
		for range min(arg(0, 1), s.w*s.h) {
			s.print(s.last)
		}
	case 's':
		s.savedX, s.savedY = s.x, s.y
	case 'u':
		s.moveTo(s.savedX, s.savedY)
	case 'c':
		// Primary device attributes: a VT220-class terminal with ANSI colour.
		s.replies = append(s.replies, "\x1b[?62;22c"...)
	case 'n':
		if arg(0, 0) == 6 {
			s.replies = fmt.Appendf(s.replies, "\x1b[%d;%dR", s.y+1, s.x+1)
		}
	}
}

func (s *Screen) esc(cmd ansi.Cmd) {
	if cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case '7':
		s.savedX, s.savedY = s.x, s.y
	case '8':
		s.moveTo(s.savedX, s.savedY)
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case 'M':
		if s.y == s.top {
			s.scrollDown(1)
		} else if s.y > 0 {
			s.y--
		}
	case 'c':
		s.clear(0, len(s.cells))
		s.moveTo(0, 0)
		s.top, s.bot, s.noWrap = 0, s.h-1, false
	}
}

func (s *Screen) osc(cmd int, data []byte) {
	// data is "cmd;payload"; a payload of "?" asks for the colour: answer
	// as a dark terminal does (light grey on black).
	if (cmd != 10 && cmd != 11) || !strings.HasSuffix(string(data), ";?") {
		return
	}
	color := "0000/0000/0000"
	if cmd == 10 {
		color = "c0c0/c0c0/c0c0"
	}
	s.replies = fmt.Appendf(s.replies, "\x1b]%d;rgb:%s\x1b\\", cmd, color)
}
