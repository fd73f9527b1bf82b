package content

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/laphets/resume/internal/safetext"
)

// SchemaJSON is the JSON Resume schema (schema.json, MIT licence beside it).
// The JSON output of a file without warnings validates against it.
//
//go:embed schema.json
var SchemaJSON []byte

// ExtendedSchemaJSON is the schema content files are checked against: the
// JSON Resume schema plus the extensions this program reads (teaching,
// keywords on work, education location and summary, skill rankings, a
// required name, real calendar dates).
//
//go:embed resume.schema.json
var ExtendedSchemaJSON []byte

// Where the schemas are registered; schema.json's own $id.
const (
	jsonResumeURL = "http://example.com/example.json"
	extendedURL   = "https://github.com/laphets/resume/content/resume.schema.json"
)

// Schemas compiles a schema: the JSON Resume one (extended false) or the
// one content files are checked against. Formats (uri, email, dates) are
// asserted, not just annotations.
func Schemas(extended bool) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "partial-date", Validate: checkDate})
	for url, src := range map[string][]byte{jsonResumeURL: SchemaJSON, extendedURL: ExtendedSchemaJSON} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", url, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", url, err)
		}
	}
	url := jsonResumeURL
	if extended {
		url = extendedURL
	}
	return c.Compile(url)
}

var extendedSchema = sync.OnceValue(func() *jsonschema.Schema {
	s, err := Schemas(true)
	if err != nil {
		panic("content: embedded schema does not compile: " + err.Error())
	}
	return s
})

// checkDate accepts YYYY, YYYY-MM and YYYY-MM-DD when they name a real
// month or day.
func checkDate(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return nil
			}
		}
	}
	return errBadDate
}

var errBadDate = errors.New("not a date")

const datePattern = "^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$"

// validate checks doc against the extended schema and returns every
// problem, in file order.
func validate(name string, yaml bool, doc any, at positions) []Problem {
	err := extendedSchema().Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Problem{{File: name, Line: 1, Col: 1, Message: err.Error()}}
	}
	var out []Problem
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		for _, p := range problemsOf(name, yaml, doc, at, e) {
			if key := p.Path + "\x00" + p.Message; !seen[key] {
				seen[key] = true
				out = append(out, p)
			}
		}
	}
	walk(verr)
	slices.SortStableFunc(out, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Col != b.Col {
			return a.Col - b.Col
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

var printer = message.NewPrinter(language.English)

// problemsOf explains one schema violation in the words of a résumé.
func problemsOf(name string, yaml bool, doc any, at positions, e *jsonschema.ValidationError) []Problem {
	loc := e.InstanceLocation
	where := at.find(loc)
	path := fieldPath(doc, loc)
	one := func(msg string) []Problem {
		return []Problem{{File: name, Line: where.line, Col: where.col, Path: path, Message: msg}}
	}
	field := ""
	if len(loc) > 0 {
		field = loc[len(loc)-1]
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		ps := make([]Problem, 0, len(k.Missing))
		for _, m := range k.Missing {
			msg := "is missing (required)"
			switch m {
			case "name":
				msg = "is missing (want the person's name)"
			case "basics":
				msg = "is missing (want an object with at least a name)"
			}
			ps = append(ps, Problem{
				File: name, Line: where.line, Col: where.col,
				Path: joinPath(path, m), Message: msg,
			})
		}
		return ps
	case *kind.Type:
		msg := fmt.Sprintf("is %s (want %s)", article(k.Got), orList(k.Want))
		if k.Got == "null" {
			msg = fmt.Sprintf("is null; shown as absent (want %s, or leave the field out)", orList(k.Want))
		}
		if slices.Contains(k.Want, "string") && (k.Got == "number" || k.Got == "integer" || k.Got == "boolean") {
			msg = fmt.Sprintf("is %s (want a string: \"%s\")", article(k.Got), quoteless(valueAt(doc, loc)))
			if yaml {
				msg = fmt.Sprintf("is %s (want a string; in YAML, quote it: \"%s\")", article(k.Got), quoteless(valueAt(doc, loc)))
			}
		}
		return one(msg)
	case *kind.Pattern:
		if k.Got == "" && k.Want == datePattern {
			return one("is empty; shown as absent (leave the field out, or fill it in)")
		}
		switch k.Want {
		case datePattern:
			return one(dateMessage(k.Got, field))
		case `\S`:
			return one("is empty (want the person's name)")
		}
		if field == "ranking" {
			return one(fmt.Sprintf("%s is not a ranking (want names joined by = for equal and > for stronger, e.g. \"Go = C > Python\")", show(k.Got)))
		}
		return one(fmt.Sprintf("%s does not match %s", show(k.Got), k.Want))
	case *kind.Format:
		got, _ := k.Got.(string)
		if got == "" {
			return one("is empty; shown as absent (leave the field out, or fill it in)")
		}
		switch k.Want {
		case "partial-date":
			return one(dateMessage(got, field))
		case "uri":
			return one(fmt.Sprintf("%s is not a URL (want an absolute URL such as https://example.com/)", show(got)))
		case "email":
			return one(fmt.Sprintf("%s is not an e-mail address (want one such as name@example.com)", show(got)))
		}
	}
	return one(e.ErrorKind.LocalizedString(printer))
}

func dateMessage(got, field string) string {
	if IsPresent(got) {
		if field == "endDate" {
			return fmt.Sprintf("%s is not a date; shown as ongoing (a strict validator wants endDate left out while an entry is ongoing)", show(got))
		}
		return fmt.Sprintf("%s is not a date; shown as written (want YYYY, YYYY-MM or YYYY-MM-DD)", show(got))
	}
	return fmt.Sprintf("%s is not a date (want YYYY, YYYY-MM or YYYY-MM-DD, such as 2021, 2021-02 or 2021-02-28); shown as written", show(got))
}

// show quotes a value from the file for a message, shortened.
func show(s string) string { return strconv.Quote(safetext.Clip(s, 40)) }

func quoteless(v any) string { return safetext.Clip(fmt.Sprint(v), 40) }

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func orList(ts []string) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = article(t)
	}
	return strings.Join(out, " or ")
}

// valueAt follows loc into doc.
func valueAt(doc any, loc []string) any {
	v := doc
	for _, tok := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// fieldPath writes loc the way a person reads it: work[0].startDate.
func fieldPath(doc any, loc []string) string {
	var b strings.Builder
	v := doc
	for _, tok := range loc {
		switch x := v.(type) {
		case []any:
			b.WriteString("[" + tok + "]")
			i, _ := strconv.Atoi(tok)
			if i >= 0 && i < len(x) {
				v = x[i]
			} else {
				v = nil
			}
			continue
		case map[string]any:
			v = x[tok]
		default:
			v = nil
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(keyText(tok))
	}
	return b.String()
}

func joinPath(path, key string) string {
	if path == "" {
		return keyText(key)
	}
	return path + "." + keyText(key)
}

// keyText quotes keys that would not read as one name in a path.
func keyText(k string) string {
	if k == "" || strings.ContainsAny(k, ".[]\" ") {
		return strconv.Quote(k)
	}
	return k
}
