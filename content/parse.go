package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/laphets/resume/internal/safetext"
)

// MaxSize is the largest content file, in bytes, that Parse and Load accept.
// A résumé is a few kilobytes; anything near this is a mistake.
const MaxSize = 1 << 20

// Limits on the shape of a document, so that a hostile file cannot make
// the loader spend much time or memory.
const (
	maxDepth  = 64      // nesting of objects and arrays
	maxValues = 100_000 // values, counting each use of a YAML alias
)

// Problem is one thing wrong with a content file.
type Problem struct {
	File    string
	Line    int    // 1-based; 0 when the problem concerns the whole file
	Col     int    // 1-based, in characters; 0 with Line
	Path    string // field path such as work[0].startDate; "" for the document
	Message string // what is wrong (what would be valid)
	// Warning marks what a strict JSON Resume validator would reject but
	// this program shows anyway (a date such as "Present", a URL without a
	// scheme, a summary written as a list). Without it the problem is an
	// error: the file cannot be shown at all.
	Warning bool
}

// String formats p as FILE:LINE:COL: field.path: message, with
// "warning: " before the field path of a warning.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Col)
	}
	b.WriteString(": ")
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError is every error found in one content file: Parse and
// Load return it when the file cannot be shown at all (a syntax error, a
// document that is not an object, a file over the size limit). What a
// strict validator would reject is not an error: see Resume.Warnings.
type ValidationError struct {
	File     string
	Problems []Problem
}

// Error lists the problems, one a line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Format is the syntax of a content file.
type Format int

// The formats Parse reads.
const (
	FormatJSON Format = iota
	FormatYAML
)

// DetectFormat picks the format of a content file: by extension (.json,
// .yaml, .yml), else JSON when the first character is { or [, else YAML.
func DetectFormat(name string, data []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return FormatJSON
	case ".yaml", ".yml":
		return FormatYAML
	}
	rest := bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	if len(rest) > 0 && (rest[0] == '{' || rest[0] == '[') {
		return FormatJSON
	}
	return FormatYAML
}

var bom = []byte("\ufeff")

// Load reads and parses the content file at path (see Parse).
func Load(path string) (*Resume, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load content: %w", err)
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("load content: %w", err)
	}
	if len(data) > MaxSize {
		size := int64(len(data))
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
		return nil, tooLarge(path, size)
	}
	return Parse(path, data)
}

func tooLarge(name string, size int64) error {
	what := fmt.Sprintf("more than %d bytes", MaxSize)
	if size > MaxSize {
		what = fmt.Sprintf("%d bytes", size)
	}
	return &ValidationError{File: name, Problems: []Problem{{
		File:    name,
		Message: fmt.Sprintf("file is %s, over the size limit (want at most %d bytes, 1 MiB)", what, MaxSize),
	}}}
}

// Parse reads a résumé from data, JSON or YAML (see DetectFormat); name is
// the file name used to pick the format and in messages. Any object within
// MaxSize loads: Parse returns a *ValidationError only when data is not a
// JSON or YAML object (syntax, nesting, size). Everything else is read
// leniently (see the README: older field names, dates and URLs as people
// write them, values of an unexpected shape) and what the JSON Resume
// schema and this program's extensions would reject is listed by the
// result's Warnings. Every string of the result, including unknown keys
// and their values, has been made inert by safetext.
func Parse(name string, data []byte) (*Resume, error) {
	if len(data) > MaxSize {
		return nil, tooLarge(name, int64(len(data)))
	}
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ValidationError{File: name, Problems: []Problem{{
			File: name, Line: 1, Col: 1,
			Message: "file is empty (want a JSON Resume document: an object with at least basics.name)",
		}}}
	}
	var (
		doc  any
		pos  positions
		errs []Problem
	)
	isYAML := DetectFormat(name, data) == FormatYAML
	if !isYAML {
		doc, pos, errs = decodeJSON(name, data)
	} else {
		doc, pos, errs = decodeYAML(name, data)
	}
	if len(errs) > 0 {
		return nil, &ValidationError{File: name, Problems: errs}
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		at := pos[""]
		return nil, &ValidationError{File: name, Problems: []Problem{{
			File: name, Line: max(at.line, 1), Col: max(at.col, 1),
			Message: fmt.Sprintf("the document is %s (want an object: a JSON Resume document with at least basics.name)", article(jsonType(doc))),
		}}}
	}
	obj = sanitize(obj, false).(map[string]any)
	warnings := validate(name, isYAML, obj, pos)
	for i := range warnings {
		warnings[i].Warning = true
	}
	b, err := json.Marshal(normalize(obj, pos))
	if err != nil {
		return nil, fmt.Errorf("parse content %s: %w", name, err)
	}
	r := new(Resume)
	if err := json.Unmarshal(b, r); err != nil {
		// normalize gives every field the model's type, so this is a bug.
		return nil, &ValidationError{File: name, Problems: []Problem{{
			File: name, Line: 1, Col: 1,
			Message: "does not fit the résumé model: " + err.Error(),
		}}}
	}
	r.src = &source{doc: obj, pos: pos, warnings: warnings}
	return r, nil
}

// source is what a Resume was read from: the document as written (made
// inert), where each of its values starts, and the warnings found.
type source struct {
	doc      map[string]any
	pos      positions
	warnings []Problem

	jsonOnce sync.Once // JSON output, made on first use
	jsonOut  []byte
	jsonErr  error
}

// Warnings lists what a strict JSON Resume validator would reject in the
// file r was read from, in file order; each has Warning set. r shows
// everything anyway.
func (r *Resume) Warnings() []Problem {
	if r.src == nil {
		return nil
	}
	return append([]Problem(nil), r.src.warnings...)
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

// multiline names the fields whose text keeps its newlines; every other
// string is one line.
var multiline = map[string]bool{"summary": true, "description": true, "reference": true, "highlights": true}

// sanitize makes every key and string of a decoded document inert.
func sanitize(v any, multi bool) any {
	switch v := v.(type) {
	case string:
		if multi {
			return safetext.Clean(v)
		}
		return safetext.Line(v)
	case []any:
		for i := range v {
			v[i] = sanitize(v[i], multi)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[safetext.Line(k)] = sanitize(x, multiline[k])
		}
		return out
	}
	return v
}

// pos is a place in a file, 1-based.
type pos struct{ line, col int }

// positions maps a value's location (its keys and indexes joined by
// pathSep) to where the value starts.
type positions map[string]pos

// pathSep joins the tokens of a location; safetext removes it from keys.
const pathSep = "\x00"

func child(loc, tok string) string {
	if loc == "" {
		return tok
	}
	return loc + pathSep + tok
}

// find returns the position of loc, or of its nearest ancestor that has one.
func (p positions) find(loc []string) pos {
	for n := len(loc); n >= 0; n-- {
		if at, ok := p[strings.Join(loc[:n], pathSep)]; ok {
			return at
		}
	}
	return pos{1, 1}
}

// lineCounter turns increasing byte offsets into lines and columns.
type lineCounter struct {
	data []byte
	off  int
	at   pos
}

func (c *lineCounter) pos(off int) pos {
	if off < c.off { // not expected; count again from the start
		c.off, c.at = 0, pos{1, 1}
	}
	off = min(off, len(c.data))
	for c.off < off {
		r, size := utf8.DecodeRune(c.data[c.off:])
		c.off += size
		if r == '\n' {
			c.at = pos{c.at.line + 1, 1}
		} else {
			c.at.col++
		}
	}
	return c.at
}

// decodeJSON reads one JSON value with the positions of all its values.
func decodeJSON(name string, data []byte) (any, positions, []Problem) {
	d := &jsonDecoder{
		data: data, dec: json.NewDecoder(bytes.NewReader(data)),
		lines: lineCounter{data: data, at: pos{1, 1}}, pos: positions{},
	}
	d.dec.UseNumber()
	v, err := d.value("", 0)
	if err == nil {
		if _, err2 := d.dec.Token(); err2 != io.EOF {
			err = errAfterDocument
		}
	}
	if err != nil {
		return nil, nil, []Problem{d.problem(name, err)}
	}
	return v, d.pos, nil
}

var (
	errAfterDocument = errors.New("unexpected text after the document (want one JSON value)")
	errTooDeep       = fmt.Errorf("nested more than %d deep (want a flatter document)", maxDepth)
	errTooMany       = fmt.Errorf("more than %d values (want a smaller document)", maxValues)
)

type jsonDecoder struct {
	data   []byte
	dec    *json.Decoder
	lines  lineCounter
	pos    positions
	values int
	errOff int // where the last error was found
}

// start returns the offset where the next token begins.
func (d *jsonDecoder) start() int {
	off := int(d.dec.InputOffset())
	for off < len(d.data) && strings.IndexByte(" \t\r\n:,", d.data[off]) >= 0 {
		off++
	}
	return off
}

func (d *jsonDecoder) value(loc string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	if d.values++; d.values > maxValues {
		return nil, errTooMany
	}
	off := d.start()
	d.errOff = off
	tok, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	d.pos[loc] = d.lines.pos(off)
	switch tok {
	case json.Delim('{'):
		m := map[string]any{}
		for d.dec.More() {
			d.errOff = d.start()
			k, err := d.dec.Token()
			if err != nil {
				return nil, err
			}
			key := safetext.Line(k.(string))
			if m[key], err = d.value(child(loc, key), depth+1); err != nil {
				return nil, err
			}
		}
		_, err := d.dec.Token()
		return m, err
	case json.Delim('['):
		a := []any{}
		for d.dec.More() {
			v, err := d.value(child(loc, fmt.Sprint(len(a))), depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := d.dec.Token()
		return a, err
	}
	return tok, nil
}

func (d *jsonDecoder) problem(name string, err error) Problem {
	off := d.errOff
	msg := err.Error()
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		off = max(int(syn.Offset)-1, 0)
		msg = "syntax error: " + syn.Error() + " (want JSON: check for a missing comma, quote or bracket)"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off = len(bytes.TrimRight(d.data, " \t\r\n"))
		msg = "syntax error: unexpected end of file (want every { [ and \" closed)"
	case errors.Is(err, errAfterDocument):
		off = d.start()
	}
	at := d.lines.pos(off)
	return Problem{File: name, Line: at.line, Col: at.col, Message: safetext.Line(msg)}
}
