package content

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/laphets/resume/internal/testutil"
)

func loadSample(t *testing.T) *Resume {
	t.Helper()
	r, err := Load(filepath.Join("testdata", "sample.resume.json"))
	if err != nil {
		t.Fatalf("sample does not load: %v", err)
	}
	return r
}

func mustParse(t *testing.T, name, src string) *Resume {
	t.Helper()
	r, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return r
}

func TestSampleJSONRoundTrip(t *testing.T) {
	r := loadSample(t)
	out, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var in, got any
	if err := json.Unmarshal(testutil.MustRead(t, "testdata/sample.resume.json"), &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("JSON output is not JSON: %v", err)
	}
	// Exactly what was read, empty strings ("image": "") and all.
	if !reflect.DeepEqual(in, got) {
		t.Errorf("JSON output is not equivalent to the input:\n%s", out)
	}
}

func TestUnknownKeysRoundTrip(t *testing.T) {
	src := `{"x-top": {"nested": [1, 2.5, true, null]}, "basics": {"name": "N", "x-pronouns": "they/them",
		"location": {"city": "C", "x-geo": [1, 2]}, "profiles": [{"network": "N", "x-id": 7}]},
		"work": [{"name": "W", "x-team": "T"}], "teaching": [{"name": "T", "x-course": "ECE220"}],
		"meta": {"theme": "elegant"}}`
	r := mustParse(t, "x.json", src)
	out, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var in, got any
	_ = json.Unmarshal([]byte(src), &in)
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, got) {
		t.Errorf("unknown keys lost:\n got %s", out)
	}
}

func TestJSONOutputValidatesAgainstSchema(t *testing.T) {
	schema, err := Schemas(false)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Resume{"default": Default(), "sample": loadSample(t)} {
		out, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschemaDoc(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: JSON output does not validate against schema.json: %v", name, err)
		}
		if _, err := Parse(name+".json", out); err != nil {
			t.Errorf("%s: JSON output does not parse back: %v", name, err)
		}
	}
}

func jsonschemaDoc(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
