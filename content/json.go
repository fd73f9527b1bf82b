package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// JSON renders the résumé as an indented JSON Resume document. A résumé
// Parse read is given back exactly as it was read (older field names,
// values of any shape, unknown keys and all, made inert), with object keys
// in file order; YAML comes out as the same document in JSON. A Resume
// built in code is written from the model.
func (r *Resume) JSON() ([]byte, error) {
	if r.src != nil {
		// Read once, written once: a server answers many requests.
		b, err := r.src.json()
		return bytes.Clone(b), err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("render json: %w", err)
	}
	return buf.Bytes(), nil
}

// orderedWriter writes a decoded document indented, an object's keys in
// the order the file had them.
type orderedWriter struct {
	buf *bytes.Buffer
	pos positions
}

func (w orderedWriter) value(v any, loc, indent string) error {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			w.buf.WriteString("{}")
			return nil
		}
		w.buf.WriteString("{\n")
		for i, k := range orderedKeys(x, loc, w.pos) {
			if i > 0 {
				w.buf.WriteString(",\n")
			}
			w.buf.WriteString(indent + "  ")
			if err := w.scalar(k); err != nil {
				return err
			}
			w.buf.WriteString(": ")
			if err := w.value(x[k], child(loc, k), indent+"  "); err != nil {
				return err
			}
		}
		w.buf.WriteString("\n" + indent + "}")
	case []any:
		if len(x) == 0 {
			w.buf.WriteString("[]")
			return nil
		}
		w.buf.WriteString("[\n")
		for i, e := range x {
			if i > 0 {
				w.buf.WriteString(",\n")
			}
			w.buf.WriteString(indent + "  ")
			if err := w.value(e, child(loc, strconv.Itoa(i)), indent+"  "); err != nil {
				return err
			}
		}
		w.buf.WriteString("\n" + indent + "]")
	default:
		return w.scalar(x)
	}
	return nil
}

func (w orderedWriter) scalar(v any) error {
	b, err := marshalText(v)
	if err != nil {
		return err
	}
	w.buf.Write(b)
	return nil
}

// json writes the document as read, once.
func (s *source) json() ([]byte, error) {
	s.jsonOnce.Do(func() {
		var buf bytes.Buffer
		w := orderedWriter{buf: &buf, pos: s.pos}
		if err := w.value(s.doc, "", ""); err != nil {
			s.jsonErr = fmt.Errorf("render json: %w", err)
			return
		}
		buf.WriteByte('\n')
		s.jsonOut = buf.Bytes()
	})
	return s.jsonOut, s.jsonErr
}
