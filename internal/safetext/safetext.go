// Package safetext makes untrusted text inert before it reaches a terminal
// or a log: it removes escape sequences, control characters, bidirectional
// overrides and invisible characters, and keeps every other character (CJK,
// accents, emoji) as it is. It is a leaf package with no dependencies so that
// any layer (content, server logs, the TUI) can use it.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s with escape sequences (CSI, OSC, DCS, SOS, PM, APC, in
// their 7-bit ESC forms and their 8-bit C1 forms), C0 and C1 control
// characters, DEL, bidirectional controls and zero-width characters
// removed. Newlines are kept, a tab becomes a space and a carriage return
// is dropped (so "\r\n" becomes "\n" and a lone CR cannot overwrite a line).
// Invalid UTF-8 becomes U+FFFD. A zero width joiner is kept between two
// symbols, so emoji sequences such as 👩‍💻 stay whole.
func Clean(s string) string { return clean(s, false) }

// Line is Clean for text that must stay on one line (log fields, names,
// titles): every newline, and the line and paragraph separators, become a
// space.
func Line(s string) string { return clean(s, true) }

// Short is Line for a log field: s made one inert line and cut to at most
// limit bytes at a character boundary, with "…" to show the cut. The
// sanitiser reads at most 4*limit bytes, so a huge string costs little.
func Short(s string, limit int) string {
	if len(s) > 4*limit {
		s = s[:4*limit]
	}
	s = Line(s)
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Clip shortens s to at most n characters (runes), the last of them an
// ellipsis when it cut, for a column or a summary line. It does not make s
// inert: clip text that Clean, Line or Allow has already made safe.
func Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:max(n-1, 0)]) + "…"
	}
	return s
}

// Scanner states.
const (
	ground   = iota
	escape   // after ESC
	escInter // ESC followed by intermediate bytes, waiting for the final
	csi      // control sequence: parameters and intermediates until a final byte
	str      // OSC, DCS, SOS, PM, APC: a string until BEL or ST
	strEsc   // ESC inside a string: ST if "\" follows
)

const (
	esc = 0x1b
	bel = 0x07
	can = 0x18
	sub = 0x1a
	del = 0x7f
	zwj = '\u200d'
)

func clean(s string, oneLine bool) string {
	if isClean(s, oneLine) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	state := ground
	var prev rune // last rune written, for the joiner rule
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			if state == ground {
				b.WriteRune(utf8.RuneError)
				prev = utf8.RuneError
			}
			continue
		}
		switch state {
		case escape:
			switch {
			case r == '[':
				state = csi
			case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
				state = str
			case r >= 0x20 && r <= 0x2f:
				state = escInter
			case r >= 0x30 && r <= 0x7e:
				state = ground // a two-character escape such as ESC c
			case r == esc:
				// a new escape starts
			default:
				state = ground
				i -= size // not part of an escape: look at it again
			}
			continue
		case escInter:
			switch {
			case r >= 0x20 && r <= 0x2f:
			case r >= 0x30 && r <= 0x7e:
				state = ground
			case r == esc:
				state = escape
			default:
				state = ground
				i -= size
			}
			continue
		case csi:
			switch {
			case r >= 0x20 && r <= 0x3f: // parameters and intermediates
			case r >= 0x40 && r <= 0x7e: // final byte
				state = ground
			case r == esc:
				state = escape
			case r < 0x20 || r == del:
				// controls inside a sequence are dropped; CAN and SUB
				// cancel it, as terminals do
				if r == can || r == sub {
					state = ground
				}
			default:
				state = ground
				i -= size
			}
			continue
		case str:
			switch r {
			case bel, '\u009c':
				state = ground
			case esc:
				state = strEsc
			case can, sub:
				state = ground
			}
			continue
		case strEsc:
			if r == '\\' {
				state = ground
				continue
			}
			state = escape
			i -= size
			continue
		}
		// ground
		switch {
		case r == esc:
			state = escape
			continue
		case r == '\u009b':
			state = csi
			continue
		case r == '\u009d' || r == '\u0090' || r == '\u0098' || r == '\u009e' || r == '\u009f':
			state = str
			continue
		case r == '\n' || r == '\u2028' || r == '\u2029':
			if oneLine {
				r = ' '
			} else {
				r = '\n'
			}
		case r == '\t':
			r = ' '
		case r == zwj:
			next, _ := utf8.DecodeRuneInString(s[i:])
			if !emojiPart(prev) || !unicode.Is(unicode.So, next) {
				continue
			}
		case isTag(r):
			if prev != '\U0001F3F4' && !isTag(prev) {
				continue
			}
		case drop(r):
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// isClean reports whether s can be returned as it is: the common case of
// plain text needs no copy.
func isClean(s string, oneLine bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return isCleanUnicode(s[i:], oneLine)
		}
		if c < 0x20 && (c != '\n' || oneLine) || c == del {
			return false
		}
	}
	return true
}

func isCleanUnicode(s string, oneLine bool) bool {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		case r == '\n':
			if oneLine {
				return false
			}
		case r == zwj || isTag(r) || r == '\t' || r == '\u2028' || r == '\u2029' || r == esc:
			return false
		case drop(r):
			return false
		}
	}
	return true
}

// drop reports whether r is removed wherever it appears: controls, DEL,
// bidirectional controls and invisible format characters.
func drop(r rune) bool {
	switch {
	case r < 0x20 || r == del || r >= 0x80 && r < 0xa0:
		return true
	case r < 0xa0:
		return false
	}
	if !unicode.Is(unicode.Cf, r) {
		return false
	}
	// Format characters that are drawn (Arabic number signs and the like)
	// carry meaning and cannot hide or reorder text.
	switch {
	case r >= '\u0600' && r <= '\u0605', r == '\u06dd', r == '\u070f', r == '\u0890', r == '\u0891',
		r == '\u08e2', r == '\U000110bd', r == '\U000110cd':
		return false
	}
	return true
}

// emojiPart reports whether r can end the part of an emoji sequence before
// a zero width joiner: a symbol, the emoji presentation selector or a skin
// tone modifier.
func emojiPart(r rune) bool {
	return unicode.Is(unicode.So, r) || r == '\ufe0f' || r >= '\U0001F3FB' && r <= '\U0001F3FF'
}

// isTag reports whether r is a tag character, used after 🏴 in the flags
// of subdivisions (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
func isTag(r rune) bool { return r >= '\U000E0020' && r <= '\U000E007F' }

// Allow is the allowlist for text a stranger writes that is stored and
// shown later (a visitor's message): after Clean has removed escape
// sequences whole, only printable characters (letters, marks, numbers,
// punctuation, symbols and the space), newlines when multiline, and the
// joiners and tags of emoji sequences that Clean kept are left. Everything
// else (controls, format and private-use characters, unassigned code
// points, surrogates) is dropped, so a character Unicode adds tomorrow
// cannot slip through a list of what to remove.
func Allow(s string, multiline bool) string {
	s = clean(s, !multiline)
	keep := func(r rune) bool {
		return r == '\n' || r == zwj || isTag(r) || r != utf8.RuneError && unicode.IsPrint(r)
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return !keep(r) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if keep(r) {
			return r
		}
		return -1
	}, s)
}
