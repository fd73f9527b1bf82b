package content

import (
	"cmp"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Lenient reading. A résumé in the wild is rarely what the schema says: an
// older schema's field names, null and empty values, a summary written as a
// list of paragraphs, a location as one string, skills as an object of
// lists, interests as plain strings. normalize reshapes such a document into
// what the model reads, so that every string the owner wrote has a place;
// the document itself is kept as it was for the JSON output (see JSON), and
// what a strict validator would reject is reported as a warning.

// legacyNames maps, per model type, names that earlier versions of the JSON
// Resume schema (and the themes and examples written for them) used to
// today's names. A legacy name fills its field only when the file does not
// also use today's name.
var legacyNames = map[reflect.Type]map[string]string{
	reflect.TypeFor[Basics]():      {keyWebsite: keyURL, "picture": "image"},
	reflect.TypeFor[Work]():        {"company": keyName, keyWebsite: keyURL},
	reflect.TypeFor[Volunteer]():   {keyWebsite: keyURL},
	reflect.TypeFor[Education]():   {"gpa": "score"},
	reflect.TypeFor[Award]():       {keyWebsite: keyURL},
	reflect.TypeFor[Certificate](): {keyWebsite: keyURL},
	reflect.TypeFor[Publication](): {keyWebsite: keyURL},
	reflect.TypeFor[Project]():     {keyWebsite: keyURL},
	reflect.TypeFor[Language]():    {"name": "language", "level": "fluency"},
}

// shape says where a bare value goes when a file writes one where the
// model wants an object: keyField takes an object's key when a list of
// these is written as an object ("skills": {"Go": [...]}), valueField the
// value under that key, scalarField a plain string ("interests": ["Chess"]).
type shape struct{ keyField, valueField, scalarField string }

var shapes = map[reflect.Type]shape{
	reflect.TypeFor[Basics]():      {keyName, keySummary, keyName},
	reflect.TypeFor[Location]():    {"address", "address", "address"},
	reflect.TypeFor[Profile]():     {"network", keyURL, keyURL},
	reflect.TypeFor[Work]():        {keyName, keySummary, keyName},
	reflect.TypeFor[Volunteer]():   {"organization", keySummary, "organization"},
	reflect.TypeFor[Education]():   {"institution", "area", "institution"},
	reflect.TypeFor[Award]():       {"title", keySummary, "title"},
	reflect.TypeFor[Certificate](): {keyName, "issuer", keyName},
	reflect.TypeFor[Publication](): {keyName, keySummary, keyName},
	reflect.TypeFor[Skill]():       {keyName, "keywords", keyName},
	reflect.TypeFor[Language]():    {"language", "fluency", "language"},
	reflect.TypeFor[Interest]():    {keyName, "keywords", keyName},
	reflect.TypeFor[Reference]():   {keyName, "reference", "reference"},
	reflect.TypeFor[Project]():     {keyName, "description", keyName},
	reflect.TypeFor[Meta]():        {"version", "canonical", "canonical"},
}

// fieldTypes caches each model type's fields by JSON name.
func fieldTypes(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" && f.IsExported() {
			out[name] = f.Type
		}
	}
	return out
}

// JSON names used in several tables here.
const (
	keyName    = "name"
	keyURL     = "url"
	keySummary = "summary"
	keyWebsite = "website"
)

type normalizer struct{ pos positions }

// normalize returns a copy of doc in the shapes the model reads.
func normalize(doc map[string]any, at positions) map[string]any {
	n := normalizer{pos: at}
	out, _ := n.object(doc, reflect.TypeFor[Resume](), "")
	return out
}

// keys returns m's keys in file order.
func (n normalizer) keys(m map[string]any, loc string) []string {
	return orderedKeys(m, loc, n.pos)
}

func orderedKeys(m map[string]any, loc string, at positions) []string {
	type keyAt struct {
		key string
		at  pos
		ok  bool
	}
	ks := make([]keyAt, 0, len(m))
	for k := range m {
		p, ok := at[child(loc, k)]
		ks = append(ks, keyAt{k, p, ok})
	}
	slices.SortFunc(ks, func(a, b keyAt) int {
		switch {
		case a.ok != b.ok:
			if a.ok {
				return -1
			}
			return 1
		case a.ok && a.at.line != b.at.line:
			return a.at.line - b.at.line
		case a.ok && a.at.col != b.at.col:
			return a.at.col - b.at.col
		}
		return cmp.Compare(a.key, b.key)
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.key
	}
	return out
}

// value reshapes v for a field of type t; false drops it (null, empty).
func (n normalizer) value(v any, t reflect.Type, field, loc string) (any, bool) {
	if v == nil {
		return nil, false
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		sep := ", "
		if multiline[field] {
			sep = "\n"
		}
		s := n.text(v, sep, loc)
		return s, s != ""
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			items := n.strings(v, loc)
			return items, len(items) > 0
		}
		list := n.list(v, t.Elem(), loc)
		return list, len(list) > 0
	case reflect.Struct:
		return n.object(v, t, loc)
	default:
		return v, true
	}
}

// text writes any value as one string: lists joined by sep, an object's
// values joined by ", ".
func (n normalizer) text(v any, sep, loc string) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []any:
		var parts []string
		for i, x := range v {
			if s := n.text(x, ", ", child(loc, strconv.Itoa(i))); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, sep)
	case map[string]any:
		var parts []string
		for _, k := range n.keys(v, loc) {
			if s := n.text(v[k], ", ", child(loc, k)); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// strings writes any value as a list of strings: a single value is a list
// of one, an object's entries are "key: value".
func (n normalizer) strings(v any, loc string) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			l := child(loc, strconv.Itoa(i))
			if m, ok := x.(map[string]any); ok {
				if s := n.text(m, ", ", l); s != "" {
					out = append(out, s)
				}
				continue
			}
			out = append(out, n.strings(x, l)...)
		}
	case map[string]any:
		for _, k := range n.keys(v, loc) {
			if s := n.text(v[k], ", ", child(loc, k)); s != "" {
				out = append(out, k+": "+s)
			}
		}
	default:
		if s := n.text(v, ", ", loc); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// object reshapes v into an object of model type t. Keys the model does not
// know are kept as they are (they become Extra, shown generically).
func (n normalizer) object(v any, t reflect.Type, loc string) (map[string]any, bool) {
	fields := fieldTypes(t)
	m, ok := v.(map[string]any)
	if !ok {
		sh := shapes[t]
		ft, ok := fields[sh.scalarField]
		if !ok {
			return nil, false
		}
		x, keep := n.value(v, ft, sh.scalarField, loc)
		if !keep {
			return nil, false
		}
		return map[string]any{sh.scalarField: x}, true
	}
	out := make(map[string]any, len(m))
	legacy := legacyNames[t]
	for _, k := range n.keys(m, loc) {
		x := m[k]
		name := k
		if cur, ok := legacy[k]; ok {
			if _, both := m[cur]; !both {
				name = cur
			} else if n.text(x, ", ", "") == n.text(m[cur], ", ", "") {
				continue // the same value under both names
			}
		}
		ft, known := fields[name]
		if !known {
			if x != nil {
				out[k] = x
			}
			continue
		}
		if y, keep := n.value(x, ft, name, child(loc, k)); keep {
			out[name] = y
		}
	}
	return out, true
}

// list reshapes v into a list of objects of type t: a list as it is, one
// object that has t's fields as a list of one, an object of other values
// as one item per key, a plain value as one item.
func (n normalizer) list(v any, t reflect.Type, loc string) []any {
	var out []any
	add := func(x any, l string) {
		if o, ok := n.object(x, t, l); ok && len(o) > 0 {
			out = append(out, o)
		}
	}
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			if x != nil {
				add(x, child(loc, strconv.Itoa(i)))
			}
		}
		return out
	case map[string]any:
		fields := fieldTypes(t)
		for k := range v {
			if _, ok := fields[k]; ok {
				add(v, loc)
				return out
			}
			if _, ok := legacyNames[t][k]; ok {
				add(v, loc)
				return out
			}
		}
		sh := shapes[t]
		for _, k := range n.keys(v, loc) {
			l := child(loc, k)
			switch x := v[k].(type) {
			case nil:
			case map[string]any:
				o, _ := n.object(x, t, l)
				if _, named := o[sh.keyField]; !named {
					o[sh.keyField] = k
				}
				out = append(out, o)
			default:
				o := map[string]any{sh.keyField: k}
				if y, keep := n.value(x, fields[sh.valueField], sh.valueField, l); keep {
					o[sh.valueField] = y
				}
				out = append(out, o)
			}
		}
		return out
	}
	add(v, loc)
	return out
}
