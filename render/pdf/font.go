package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/gofont/gosmallcaps"
	"golang.org/x/image/font/sfnt"
)

// Font is a TrueType font the PDF can be set in, parsed and checked once.
// Make one with LoadFont or ParseFont; it is read-only and may be shared.
type Font struct {
	name string // what error messages call it: the file's base name
	data []byte
	sf   *sfnt.Font
}

// maxFontBytes bounds a font file: the largest CJK TrueType fonts are
// about 20 MB.
const maxFontBytes = 64 << 20

// LoadFont reads a TrueType (.ttf) font file for --pdf-font.
func LoadFont(path string) (*Font, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	if fi.Size() > maxFontBytes {
		return nil, fmt.Errorf("pdf font %s: %d bytes is too large (at most %d)", path, fi.Size(), maxFontBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	f, err := ParseFont(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), data)
	if err != nil {
		return nil, fmt.Errorf("pdf font %s: %w", path, err)
	}
	return f, nil
}

// ErrNotTrueType is returned for a font that has no TrueType outlines
// (an OpenType/CFF font such as an .otf, or a collection such as a .ttc),
// which the PDF library cannot embed.
var ErrNotTrueType = errors.New("not a TrueType font (want a .ttf with glyf outlines; .otf/CFF and .ttc collections cannot be embedded)")

// ParseFont checks that data is a TrueType font the PDF can embed; name
// is what error messages call it.
func ParseFont(name string, data []byte) (*Font, error) {
	// A font collection and a CFF-flavoured OpenType font start with
	// "ttcf" and "OTTO"; TrueType starts with 0x00010000 or "true".
	if len(data) < 4 || (string(data[:4]) != "\x00\x01\x00\x00" && string(data[:4]) != "true") {
		return nil, ErrNotTrueType
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotTrueType, err)
	}
	if sf.NumGlyphs() < 2 {
		return nil, fmt.Errorf("%w: it has no glyphs", ErrNotTrueType)
	}
	return &Font{name: name, data: data, sf: sf}, nil
}

// Name is the font's file name, or the Go font's name.
func (f *Font) Name() string { return f.name }

// covers reports whether the font has a glyph for r.
func (f *Font) covers(buf *sfnt.Buffer, r rune) bool {
	g, err := f.sf.GlyphIndex(buf, r)
	return err == nil && g != 0
}

// The Go fonts (BSD-licensed, golang.org/x/image/font/gofont) cover Latin,
// Greek and Cyrillic. They are parsed once, on first use.
var goFonts = sync.OnceValue(func() family {
	must := func(name string, data []byte) *Font {
		f, err := ParseFont(name, data)
		if err != nil {
			panic("pdf: the embedded " + name + " font: " + err.Error())
		}
		return f
	}
	return family{
		regular:    must("Go Regular", goregular.TTF),
		bold:       must("Go Bold", gobold.TTF),
		italic:     must("Go Italic", goitalic.TTF),
		boldItalic: must("Go Bold Italic", gobolditalic.TTF),
		smallCaps:  must("Go Smallcaps", gosmallcaps.TTF),
		mono:       must("Go Mono", gomono.TTF),
	}
})

// family is the faces one PDF is set in; only those used are embedded. A
// custom font has one face for everything: bold is drawn by stroking the
// outline (see doc.fakeBold).
type family struct {
	regular, bold, italic, boldItalic, smallCaps, mono *Font
}

func customFamily(f *Font) family {
	return family{regular: f, bold: f, italic: f, boldItalic: f, smallCaps: f, mono: f}
}

// psName is the font's PostScript name (GoRegular), letters, digits and
// hyphens only, for the PDF's BaseFont.
func (f *Font) psName() string {
	var buf sfnt.Buffer
	name, _ := f.sf.Name(&buf, sfnt.NameIDPostScript)
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Font"
	}
	return b.String()
}

// subsetTag is the six capital letters that, by the PDF convention (PDF
// 32000-1, 9.6.4), mark an embedded subset: derived from the characters
// in it, so that the same subset has the same tag.
func subsetTag(runes []rune) string {
	slices.Sort(runes)
	h := fnv.New64a()
	for _, r := range runes {
		_ = binary.Write(h, binary.LittleEndian, r)
	}
	v := h.Sum64()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(tag)
}
