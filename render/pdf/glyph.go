package pdf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/laphets/resume/content"
)

// GlyphError says which text the font cannot draw, field by field, rather
// than printing it as empty boxes.
type GlyphError struct {
	Font     string // "the Go fonts", or the font's name
	Problems []GlyphProblem
}

// GlyphProblem is a field with characters the font lacks.
type GlyphProblem struct {
	Field string // JSON path, such as basics.name or work[2].highlights[0]
	Text  string // the field's value
	Runes []rune // the characters the font lacks, in order of use
}

func (p GlyphProblem) String() string {
	chars := make([]string, 0, len(p.Runes))
	codes := make([]string, 0, len(p.Runes))
	for _, r := range p.Runes {
		chars = append(chars, string(r))
		codes = append(codes, fmt.Sprintf("U+%04X", r))
	}
	s := fmt.Sprintf("%s: %s (%s)", p.Field, strings.Join(chars, " "), strings.Join(codes, ", "))
	if p.Text != "" {
		s += fmt.Sprintf(" in %q", truncate(p.Text, 60))
	}
	return s
}

func (e *GlyphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pdf: %s cannot draw some of the text; give --pdf-font a TrueType font that covers it:", e.Font)
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

type coverKey struct {
	font *Font
	r    rune
}

type badRune struct {
	font *Font
	r    rune
}

// The error is bounded: a résumé in a script the font lacks entirely
// would otherwise list every character of every field.
const (
	maxGlyphFields = 12
	maxGlyphRunes  = 8 // per field
)

// check records the characters of s that the face's font cannot draw.
// fpdf writes text as UTF-16 code units and maps only the Basic
// Multilingual Plane, so characters beyond it count as missing too.
func (d *doc) check(face faceID, s string) {
	font := d.font(face)
	for _, r := range s {
		k := coverKey{font, r}
		ok, seen := d.cover[k]
		if !seen {
			ok = r <= 0xFFFF && (isBreak(r) || font.covers(&d.sfBuf, r))
			d.cover[k] = ok
		}
		if !ok && !d.badSet[k] {
			d.badSet[k] = true
			d.bad = append(d.bad, badRune{font, r})
		}
	}
}

// glyphError names, for each character the fonts lack, the first field of
// the résumé that uses it; nil when everything can be drawn.
func (d *doc) glyphError(r *content.Resume) error {
	if len(d.bad) == 0 {
		return nil
	}
	fields := stringFields(r)
	font := "the Go fonts"
	if d.fam.regular != goFonts().regular {
		font = "the font " + d.fam.regular.Name()
	}
	e := &GlyphError{Font: font}
	at := map[string]int{} // field → index in e.Problems
	for _, b := range d.bad {
		p := GlyphProblem{Field: "(the layout's own text)"}
		for _, f := range fields {
			if strings.ContainsRune(f.value, b.r) {
				p.Field, p.Text = f.path, f.value
				break
			}
		}
		i, ok := at[p.Field]
		if !ok {
			if len(e.Problems) == maxGlyphFields {
				continue
			}
			i = len(e.Problems)
			at[p.Field] = i
			e.Problems = append(e.Problems, p)
		}
		if rs := e.Problems[i].Runes; len(rs) < maxGlyphRunes && !slices.Contains(rs, b.r) {
			e.Problems[i].Runes = append(e.Problems[i].Runes, b.r)
		}
	}
	return e
}

type field struct{ path, value string }

// stringFields lists every string of the résumé's JSON with its path, in
// document order.
func stringFields(r *content.Resume) []field {
	b, err := r.JSON()
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []field
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				for dec.More() {
					k, err := dec.Token()
					if err != nil {
						return err
					}
					key, _ := k.(string)
					p := key
					if path != "" {
						p = path + "." + key
					}
					if err := walk(p); err != nil {
						return err
					}
				}
			case '[':
				for i := 0; dec.More(); i++ {
					if err := walk(path + "[" + strconv.Itoa(i) + "]"); err != nil {
						return err
					}
				}
			}
			_, err := dec.Token() // the closing delimiter
			return err
		case string:
			out = append(out, field{path, t})
		}
		return nil
	}
	_ = walk("")
	return out
}
