package content

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Generic sections and details. A résumé may hold sections the schema does
// not define (freelancing, techStack, testimonials) and fields inside
// entries it does not define (highlightGroups); they are shown, not hidden:
// a section is titled from its key, its entries are built from the fields
// entries usually have, and every other value becomes a Detail.

// Detail is a field of an entry that has no place of its own in Entry: a
// key the schema does not define, labelled from its key. Exactly one of
// Text and Items is set.
type Detail struct {
	Label string   // from the key: "highlightGroups" becomes "Highlight groups"
	Text  string   // a single value; may hold inline markup (see Markup)
	Items []string // a list of values, each may hold inline markup
}

// Roles of the keys generic entries are built from, in the order they are
// tried. A key whose role is taken, or whose value has another shape,
// becomes a Detail.
var (
	titleKeys    = []string{keyName, "title", "organization", "organisation", "company", "client", "employer", "institution", "school", "project", "course", "event", "label"}
	subtitleKeys = []string{"position", "role", "degree", "studyType", "area", "issuer", "awarder", "publisher", "author", "level", "type", "fluency"}
	whereKeys    = []string{"location", "place", "city", "venue"}
	urlKeys      = []string{keyURL, keyWebsite, "link", "href", "homepage"}
	summaryKeys  = []string{keySummary, "description", "text", "quote", "content", "body", "reference", "testimonial", "details", "note", "notes"}
	bulletKeys   = []string{"highlights", "items", "achievements", "bullets", "responsibilities", "courses", "points", "list"}
	tagKeys      = []string{"keywords", "technologies", "tags", "skills", "stack", "tools", "languages"}
	dateKeys     = []string{"date", "releaseDate", "year", "when", "period"}
	// Keys that may hold a picture, which may stay out of the outputs.
	pictureKeys = []string{"image", "picture", "photo", "avatar", "logo", "icon"}
)

// IsPicture reports whether s names a picture (a data: URL or the path or
// address of an image file): the one kind of string renderers may leave out.
func IsPicture(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(l, "data:") {
		return true
	}
	if i := strings.IndexAny(l, "?#"); i >= 0 {
		l = l[:i]
	}
	for _, ext := range []string{".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".ico", ".heic"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

// hiddenTopKeys are the top-level keys that may stay out of the outputs.
var hiddenTopKeys = map[string]bool{"$schema": true, "meta": true}

// genericSections returns a section for each top-level key the model does
// not know, in file order, with IDs distinct from those in taken.
func (r *Resume) genericSections(taken map[string]bool) []Section {
	var (
		doc map[string]any
		at  positions
	)
	if r.src != nil {
		doc, at = r.src.doc, r.src.pos
	} else {
		doc = decodeExtra(r.Extra)
	}
	known := keysOf(reflectTypeResume)
	g := generic{pos: at}
	var secs []Section
	for _, k := range orderedKeys(doc, "", at) {
		if known[k] || hiddenTopKeys[k] {
			continue
		}
		entries := g.sectionEntries(doc[k], k)
		if len(entries) == 0 {
			continue
		}
		id := sectionID(k)
		for n := 2; taken[id]; n++ {
			id = sectionID(k) + "-" + strconv.Itoa(n)
		}
		taken[id] = true
		secs = append(secs, Section{ID: id, Title: humanize(k, true), Entries: entries})
	}
	return secs
}

var reflectTypeResume = reflect.TypeFor[Resume]()

// decodeExtra reads kept keys back into plain values.
func decodeExtra(x Extra) map[string]any {
	out := make(map[string]any, len(x))
	for k, raw := range x {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		if d.Decode(&v) == nil {
			out[k] = v
		}
	}
	return out
}

// extraDetails shows the keys of an entry the model has no field for.
func extraDetails(x Extra) []Detail {
	if len(x) == 0 {
		return nil
	}
	m := decodeExtra(x)
	g := generic{}
	var out []Detail
	for _, k := range orderedKeys(m, "", nil) {
		if d, ok := g.detail(k, m[k], ""); ok {
			out = append(out, d)
		}
	}
	return out
}

// generic builds entries from values of any shape; pos (which may be nil)
// orders an object's keys as the file does.
type generic struct{ pos positions }

func (g generic) keys(m map[string]any, loc string) []string { return orderedKeys(m, loc, g.pos) }

// sectionEntries shows a section's value in the most natural way: a list
// of objects as entries, plain values as bullets, an object that reads as
// one entry as that entry, another object as an entry per key.
func (g generic) sectionEntries(v any, loc string) []Entry {
	var out []Entry
	switch v := v.(type) {
	case []any:
		var loose []string
		flush := func() {
			if len(loose) > 0 {
				out = append(out, Entry{Bullets: loose})
				loose = nil
			}
		}
		for i, x := range v {
			l := child(loc, strconv.Itoa(i))
			switch x := x.(type) {
			case map[string]any:
				flush()
				if e := g.entry(x, l); !e.empty() {
					out = append(out, e)
				}
			default:
				loose = append(loose, g.items(x, l)...)
			}
		}
		flush()
	case map[string]any:
		if g.looksLikeEntry(v) {
			if e := g.entry(v, loc); !e.empty() {
				out = append(out, e)
			}
			break
		}
		for _, k := range g.keys(v, loc) {
			l := child(loc, k)
			var e Entry
			switch x := v[k].(type) {
			case map[string]any:
				e = g.entry(x, l)
				if e.Title == "" {
					e.Title = humanize(k, true)
				} else {
					e.Subtitle = joinNonEmpty(" · ", humanize(k, true), e.Subtitle)
				}
			case []any:
				e = Entry{Title: humanize(k, true)}
				if allScalars(x) {
					e.Tags = g.items(x, l)
				} else {
					e.Bullets = g.items(x, l)
				}
			default:
				e = Entry{Title: humanize(k, true), Summary: g.text(x, l)}
			}
			if !e.empty() {
				out = append(out, e)
			}
		}
	default:
		if s := g.text(v, loc); s != "" && !IsPicture(s) {
			out = append(out, Entry{Summary: s})
		}
	}
	return out
}

// looksLikeEntry reports whether an object names or dates something (a
// title, a role, a link, a date), rather than grouping lists by key.
func (g generic) looksLikeEntry(m map[string]any) bool {
	for _, keys := range [][]string{titleKeys, subtitleKeys, urlKeys, dateKeys, {"startDate", "endDate"}} {
		for _, k := range keys {
			if _, ok := m[k]; ok {
				return true
			}
		}
	}
	return false
}

func allScalars(v []any) bool {
	for _, x := range v {
		switch x.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// entry builds an entry from an object's usual fields; the rest become
// details.
func (g generic) entry(m map[string]any, loc string) Entry {
	var e Entry
	start, end := scalarText(m["startDate"]), scalarText(m["endDate"])
	expected, _ := m["expected"].(bool)
	if start != "" || end != "" {
		e.When = period(start, end, expected)
	}
	for _, k := range g.keys(m, loc) {
		v := m[k]
		l := child(loc, k)
		if (k == "startDate" || k == "endDate") && scalarText(v) != "" || k == "expected" && expected && end != "" {
			continue
		}
		s, scalar := scalarOrEmpty(v)
		if scalar && s == "" {
			continue
		}
		if scalar && slices.Contains(pictureKeys, k) && IsPicture(s) {
			continue
		}
		switch {
		case scalar && slices.Contains(titleKeys, k) && e.Title == "":
			e.Title = s
		case scalar && (slices.Contains(subtitleKeys, k) || slices.Contains(titleKeys, k)) && e.Subtitle == "":
			e.Subtitle = s
		case scalar && slices.Contains(whereKeys, k) && e.Where == "":
			e.Where = s
		case scalar && slices.Contains(dateKeys, k) && e.When == "":
			e.When = FormatDate(s)
		case scalar && slices.Contains(urlKeys, k) && e.URL == "":
			e.URL = s
		case slices.Contains(summaryKeys, k) && e.Summary == "" && (scalar || isStringList(v)):
			e.Summary = g.text(v, l)
			if scalar {
				e.Summary = s
			}
		case slices.Contains(bulletKeys, k) && len(e.Bullets) == 0 && isList(v):
			e.Bullets = g.items(v, l)
		case slices.Contains(tagKeys, k) && len(e.Tags) == 0 && isList(v) && allScalars(v.([]any)):
			e.Tags = g.items(v, l)
		default:
			if d, ok := g.detail(k, v, l); ok {
				e.Details = append(e.Details, d)
			}
		}
	}
	return e
}

// detail shows one value under its key: text, or a list of items.
func (g generic) detail(k string, v any, loc string) (Detail, bool) {
	label := humanize(k, false)
	switch x := v.(type) {
	case nil:
		return Detail{}, false
	case []any:
		items := g.items(x, loc)
		return Detail{Label: label, Items: items}, len(items) > 0
	case map[string]any:
		items := g.pairs(x, loc)
		return Detail{Label: label, Items: items}, len(items) > 0
	}
	s := g.text(v, loc)
	if s == "" || (slices.Contains(pictureKeys, k) && IsPicture(s)) {
		return Detail{}, false
	}
	return Detail{Label: label, Text: s}, true
}

// items writes a list's values as strings, an object as one string.
func (g generic) items(v any, loc string) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for i, y := range x {
			out = append(out, g.items(y, child(loc, strconv.Itoa(i)))...)
		}
	case map[string]any:
		if s := g.flat(x, loc); s != "" {
			out = append(out, s)
		}
	default:
		if s := g.text(v, loc); s != "" && !IsPicture(s) {
			out = append(out, s)
		}
	}
	return out
}

// pairs writes an object as "Key: value" items.
func (g generic) pairs(m map[string]any, loc string) []string {
	var out []string
	for _, k := range g.keys(m, loc) {
		l := child(loc, k)
		var s string
		switch x := m[k].(type) {
		case map[string]any:
			s = g.flat(x, l)
		case []any:
			s = strings.Join(g.items(x, l), "; ")
		default:
			s = g.text(x, l)
		}
		if s != "" && (!slices.Contains(pictureKeys, k) || !IsPicture(s)) {
			out = append(out, humanize(k, false)+": "+s)
		}
	}
	return out
}

// flat writes an object as one line: its title, then its other values.
func (g generic) flat(m map[string]any, loc string) string {
	head := ""
	var rest []string
	for _, k := range g.keys(m, loc) {
		l := child(loc, k)
		var s string
		switch x := m[k].(type) {
		case map[string]any:
			s = g.flat(x, l)
		case []any:
			s = strings.Join(g.items(x, l), ", ")
		default:
			s = g.text(x, l)
			if k == "startDate" || k == "endDate" || slices.Contains(dateKeys, k) {
				s = FormatDate(s)
			}
		}
		if s == "" || (slices.Contains(pictureKeys, k) && IsPicture(s)) {
			continue
		}
		if head == "" && slices.Contains(titleKeys, k) {
			head = s
			continue
		}
		rest = append(rest, s)
	}
	switch {
	case head == "":
		return strings.Join(rest, " · ")
	case len(rest) == 0:
		return head
	}
	return head + ": " + strings.Join(rest, " · ")
}

// text writes a scalar, or a list of them one a line.
func (g generic) text(v any, loc string) string {
	if s, ok := scalarOrEmpty(v); ok {
		return s
	}
	return strings.Join(g.items(v, loc), "\n")
}

func scalarOrEmpty(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return strings.TrimSpace(x), true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func scalarText(v any) string {
	s, _ := scalarOrEmpty(v)
	return s
}

func isList(v any) bool { _, ok := v.([]any); return ok }

func isStringList(v any) bool {
	l, ok := v.([]any)
	return ok && allScalars(l)
}

// humanize turns a key into words: "techStack", "tech_stack" and
// "tech-stack" become "Tech stack" ("Tech Stack" with every word
// capitalised). Keys in other scripts are kept.
func humanize(key string, everyWord bool) string {
	words := splitWords(key)
	for i, w := range words {
		if isAcronym(w) {
			continue
		}
		if i == 0 || everyWord {
			r, size := utf8.DecodeRuneInString(w)
			words[i] = string(unicode.ToUpper(r)) + w[size:]
		}
	}
	return strings.Join(words, " ")
}

// isAcronym reports whether w is upper case (and digits), such as HTML,
// or the plural of one, such as URLs.
func isAcronym(w string) bool {
	w = strings.TrimSuffix(w, "s")
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
		n++
	}
	return n > 1
}

// splitWords splits a key at _ - . and spaces and where a lower-case
// letter meets an upper-case one; words keep an acronym's case and are
// otherwise lower case.
func splitWords(key string) []string {
	var words []string
	cur := make([]rune, 0, len(key))
	flush := func() {
		if len(cur) > 0 {
			w := string(cur)
			if !isAcronym(w) {
				w = strings.ToLower(w)
			}
			words = append(words, w)
			cur = nil
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || unicode.IsSpace(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) ||
			(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]) && !pluralEnd(rs, i+1))):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	if len(words) == 0 {
		return []string{key}
	}
	return words
}

// pluralEnd reports whether rs[i] is the s that ends a plural acronym
// ("URLs", "APIsAndMore").
func pluralEnd(rs []rune, i int) bool {
	return rs[i] == 's' && (i+1 == len(rs) || !unicode.IsLower(rs[i+1]))
}

// sectionID is the name a visitor types for a generic section: its key's
// words, lower case, joined by hyphens.
func sectionID(key string) string {
	return strings.ToLower(strings.Join(splitWords(key), "-"))
}
