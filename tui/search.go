package tui

import (
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// match is one hit of a search: a section, a line of its page and the
// cells [start, end) of that line.
type match struct {
	sec, line, start, end int
}

// maxMatches bounds the work and memory a single query can cost.
const maxMatches = 2000

// maxQuery bounds the length of a query, in runes.
const maxQuery = 64

// findMatches finds q in every page of d, ignoring case, in reading order.
// Lines are searched one at a time, so a phrase broken across lines by
// wrapping is not found.
func findMatches(d *document, q string) []match {
	if d == nil || q == "" {
		return nil
	}
	qr := []rune(q)
	var out []match
	for si, p := range d.pages {
		for li, line := range p.plain {
			for i := 0; i < len(line); {
				n, ok := matchAt(line[i:], qr)
				if !ok {
					_, size := utf8.DecodeRuneInString(line[i:])
					i += size
					continue
				}
				start := ansi.StringWidth(line[:i])
				end := start + ansi.StringWidth(line[i:i+n])
				out = append(out, match{sec: si, line: li, start: start, end: end})
				if len(out) >= maxMatches {
					return out
				}
				i += n
			}
		}
	}
	return out
}

// matchAt reports whether s starts with the runes q, ignoring case, and
// how many bytes of s matched.
func matchAt(s string, q []rune) (int, bool) {
	n := 0
	for _, want := range q {
		if n >= len(s) {
			return 0, false
		}
		got, size := utf8.DecodeRuneInString(s[n:])
		if got != want && unicode.ToLower(got) != unicode.ToLower(want) {
			return 0, false
		}
		n += size
	}
	return n, n > 0
}
