package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
)

// match is one hit of a search: a section, a line of its page and the
// cells [start, end) of that line. A phrase that wrapping broke across
// lines goes on in more, one piece per following line.
type match struct {
	sec, line, start, end int
	more                  []hit
}

// hit is the part of a match on one line: cells [start, end).
type hit struct {
	line, start, end int
}

// maxMatches bounds the work and memory a single query can cost.
const maxMatches = 2000

// maxQuery bounds the length of a query, in runes.
const maxQuery = 64

// findMatches finds q in every page of d, ignoring case, in reading order.
// It searches the text, not the lines: a line break that wrapping made
// (and the gutter, indent or bullet that starts the next line) reads as
// the space it replaced, or as nothing inside a word broken at a hyphen
// or at the edge, so a phrase is found whatever the width. A blank line
// ends a paragraph, and no match crosses it. Whitespace in q matches any
// run of whitespace.
func findMatches(d *document, q string) []match {
	q = content.OneLine(q)
	if d == nil || q == "" {
		return nil
	}
	qr := []rune(q)
	var out []match
	for si, p := range d.pages {
		spans := p.spans
		for li, line := range p.plain {
			for i := spans[li][0]; i < spans[li][1]; {
				if mt, end, ok := matchFrom(p.plain, spans, li, i, qr); ok {
					mt.sec = si
					out = append(out, mt)
					if len(out) >= maxMatches {
						return out
					}
					if len(mt.more) > 0 {
						break // the rest of the line is inside this match
					}
					i = end
					continue
				}
				_, size := utf8.DecodeRuneInString(line[i:])
				i += size
			}
		}
	}
	return out
}

// textSpans gives, per line, the bytes [start, end) that hold its text:
// without the leading gutter, indent, bullet or meter, and without
// trailing spaces. A line of decoration alone has start == end.
func textSpans(lines []string) [][2]int {
	spans := make([][2]int, len(lines))
	for i, l := range lines {
		start := strings.IndexFunc(l, func(r rune) bool { return !decoration(r) })
		if start < 0 {
			spans[i] = [2]int{len(l), len(l)}
			continue
		}
		spans[i] = [2]int{start, len(strings.TrimRight(l, " "))}
	}
	return spans
}

// decoration reports whether r is drawn around the text rather than part
// of it: spaces, the timeline, bullets, meters.
func decoration(r rune) bool {
	switch r {
	case ' ', '│', '●', '◆', '•', '━', '─':
		return true
	}
	return false
}

// matchFrom matches q at byte i of line li, following the paragraph onto
// the next lines when the line ends first. It also returns the byte where
// the match ends on its last line. Cells are counted only for a match.
func matchFrom(lines []string, spans [][2]int, li, i int, q []rune) (match, int, bool) {
	first, firstAt := li, i
	// Where each line's piece ends, in bytes, for the lines left behind.
	var ends []int
	for k, want := range q {
		line, end := lines[li], spans[li][1]
		if want != ' ' && i < end {
			got, size := utf8.DecodeRuneInString(line[i:])
			if got != want && unicode.ToLower(got) != unicode.ToLower(want) {
				return match{}, 0, false
			}
			i += size
			continue
		}
		if want == ' ' {
			n := i
			for n < end && line[n] == ' ' {
				n++
			}
			if n > i {
				i = n
				continue
			}
		}
		// At the end of the line: on to the next line of the paragraph,
		// where a space in q is the line break and a letter goes on a
		// word broken at a hyphen or at the edge.
		if i < end || k == 0 || li+1 >= len(lines) || spans[li+1][0] == spans[li+1][1] {
			return match{}, 0, false
		}
		ends = append(ends, i)
		li++
		i = spans[li][0]
		if want != ' ' {
			got, size := utf8.DecodeRuneInString(lines[li][i:])
			if got != want && unicode.ToLower(got) != unicode.ToLower(want) {
				return match{}, 0, false
			}
			i += size
		}
	}
	ends = append(ends, i)
	mt := match{line: first, start: ansi.StringWidth(lines[first][:firstAt]), end: ansi.StringWidth(lines[first][:ends[0]])}
	for n, e := range ends[1:] {
		l := first + 1 + n
		mt.more = append(mt.more, hit{line: l, start: ansi.StringWidth(lines[l][:spans[l][0]]), end: ansi.StringWidth(lines[l][:e])})
	}
	return mt, i, true
}

// hits lists the pieces of mt, one per line, in order.
func (mt match) hits() []hit {
	return append([]hit{{line: mt.line, start: mt.start, end: mt.end}}, mt.more...)
}
