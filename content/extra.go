package content

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Extra holds the keys of a JSON object that the model has no field for, so
// that they survive a round trip (JSON Resume allows additional properties).
type Extra map[string]json.RawMessage

// knownKeys caches the JSON names of each struct type's fields.
var knownKeys sync.Map // reflect.Type -> map[string]bool

func keysOf(t reflect.Type) map[string]bool {
	if k, ok := knownKeys.Load(t); ok {
		return k.(map[string]bool)
	}
	keys := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	knownKeys.Store(t, keys)
	return keys
}

// unmarshalObject decodes b into v (a pointer to a struct type without
// methods) and puts every key v has no field for into extra. Only a key
// spelled exactly as a field's fills it: encoding/json would also fill
// startDate from "StartDATE", a key the schema let through unchecked as
// an extra one.
func unmarshalObject(b []byte, v any, extra *Extra) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	known := keysOf(reflect.TypeOf(v).Elem())
	fields := make(map[string]json.RawMessage, len(all))
	*extra = nil
	for k, raw := range all {
		if known[k] {
			fields[k] = raw
			continue
		}
		if *extra == nil {
			*extra = Extra{}
		}
		(*extra)[k] = raw
	}
	exact, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(exact, v)
}

// marshalObject encodes v (a struct without methods) and appends the keys
// of extra, sorted, that v does not already have.
func marshalObject(v any, extra Extra) ([]byte, error) {
	b, err := marshalText(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	known := keysOf(reflect.TypeOf(v))
	rest := make(map[string]json.RawMessage, len(extra))
	for k, raw := range extra {
		if !known[k] {
			rest[k] = raw
		}
	}
	if len(rest) == 0 {
		return b, nil
	}
	tail, err := marshalText(rest)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("}"))
	if len(b) > 1 {
		b = append(b, ',')
	}
	return append(b, tail[1:]...), nil
}

// marshalText is json.Marshal without escaping <, > and & (a résumé is not
// HTML, and "R&D" should read as such in the output).
func marshalText(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON keeps unknown keys in Extra.
func (r *Resume) UnmarshalJSON(b []byte) error {
	type plain Resume
	return unmarshalObject(b, (*plain)(r), &r.Extra)
}

// MarshalJSON writes Extra back out.
func (r Resume) MarshalJSON() ([]byte, error) {
	type plain Resume
	return marshalObject(plain(r), r.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (b *Basics) UnmarshalJSON(data []byte) error {
	type plain Basics
	return unmarshalObject(data, (*plain)(b), &b.Extra)
}

// MarshalJSON writes Extra back out.
func (b Basics) MarshalJSON() ([]byte, error) {
	type plain Basics
	return marshalObject(plain(b), b.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (l *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	return unmarshalObject(b, (*plain)(l), &l.Extra)
}

// MarshalJSON writes Extra back out.
func (l Location) MarshalJSON() ([]byte, error) {
	type plain Location
	return marshalObject(plain(l), l.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (p *Profile) UnmarshalJSON(b []byte) error {
	type plain Profile
	return unmarshalObject(b, (*plain)(p), &p.Extra)
}

// MarshalJSON writes Extra back out.
func (p Profile) MarshalJSON() ([]byte, error) {
	type plain Profile
	return marshalObject(plain(p), p.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (w *Work) UnmarshalJSON(b []byte) error {
	type plain Work
	return unmarshalObject(b, (*plain)(w), &w.Extra)
}

// MarshalJSON writes Extra back out.
func (w Work) MarshalJSON() ([]byte, error) {
	type plain Work
	return marshalObject(plain(w), w.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (v *Volunteer) UnmarshalJSON(b []byte) error {
	type plain Volunteer
	return unmarshalObject(b, (*plain)(v), &v.Extra)
}

// MarshalJSON writes Extra back out.
func (v Volunteer) MarshalJSON() ([]byte, error) {
	type plain Volunteer
	return marshalObject(plain(v), v.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (e *Education) UnmarshalJSON(b []byte) error {
	type plain Education
	return unmarshalObject(b, (*plain)(e), &e.Extra)
}

// MarshalJSON writes Extra back out.
func (e Education) MarshalJSON() ([]byte, error) {
	type plain Education
	return marshalObject(plain(e), e.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (a *Award) UnmarshalJSON(b []byte) error {
	type plain Award
	return unmarshalObject(b, (*plain)(a), &a.Extra)
}

// MarshalJSON writes Extra back out.
func (a Award) MarshalJSON() ([]byte, error) {
	type plain Award
	return marshalObject(plain(a), a.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (c *Certificate) UnmarshalJSON(b []byte) error {
	type plain Certificate
	return unmarshalObject(b, (*plain)(c), &c.Extra)
}

// MarshalJSON writes Extra back out.
func (c Certificate) MarshalJSON() ([]byte, error) {
	type plain Certificate
	return marshalObject(plain(c), c.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (p *Publication) UnmarshalJSON(b []byte) error {
	type plain Publication
	return unmarshalObject(b, (*plain)(p), &p.Extra)
}

// MarshalJSON writes Extra back out.
func (p Publication) MarshalJSON() ([]byte, error) {
	type plain Publication
	return marshalObject(plain(p), p.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (s *Skill) UnmarshalJSON(b []byte) error {
	type plain Skill
	return unmarshalObject(b, (*plain)(s), &s.Extra)
}

// MarshalJSON writes Extra back out.
func (s Skill) MarshalJSON() ([]byte, error) {
	type plain Skill
	return marshalObject(plain(s), s.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (l *Language) UnmarshalJSON(b []byte) error {
	type plain Language
	return unmarshalObject(b, (*plain)(l), &l.Extra)
}

// MarshalJSON writes Extra back out.
func (l Language) MarshalJSON() ([]byte, error) {
	type plain Language
	return marshalObject(plain(l), l.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (i *Interest) UnmarshalJSON(b []byte) error {
	type plain Interest
	return unmarshalObject(b, (*plain)(i), &i.Extra)
}

// MarshalJSON writes Extra back out.
func (i Interest) MarshalJSON() ([]byte, error) {
	type plain Interest
	return marshalObject(plain(i), i.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (r *Reference) UnmarshalJSON(b []byte) error {
	type plain Reference
	return unmarshalObject(b, (*plain)(r), &r.Extra)
}

// MarshalJSON writes Extra back out.
func (r Reference) MarshalJSON() ([]byte, error) {
	type plain Reference
	return marshalObject(plain(r), r.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (p *Project) UnmarshalJSON(b []byte) error {
	type plain Project
	return unmarshalObject(b, (*plain)(p), &p.Extra)
}

// MarshalJSON writes Extra back out.
func (p Project) MarshalJSON() ([]byte, error) {
	type plain Project
	return marshalObject(plain(p), p.Extra)
}

// UnmarshalJSON keeps unknown keys in Extra.
func (m *Meta) UnmarshalJSON(b []byte) error {
	type plain Meta
	return unmarshalObject(b, (*plain)(m), &m.Extra)
}

// MarshalJSON writes Extra back out.
func (m Meta) MarshalJSON() ([]byte, error) {
	type plain Meta
	return marshalObject(plain(m), m.Extra)
}
