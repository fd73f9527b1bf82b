package content

import (
	"strings"
	"testing"

	"github.com/laphets/resume/internal/testutil"
)

// FuzzParse feeds the loader arbitrary files. It must never panic; what it
// accepts must be clean and its JSON output must load again (render/text's
// FuzzText renders what it accepts). Seeds live in testdata/fuzz/FuzzParse as well as here.
func FuzzParse(f *testing.F) {
	f.Add(true, DefaultJSON())
	f.Add(false, DefaultJSON())
	f.Add(true, []byte("basics:\n  name: Ada\n  summary: |\n    x\nwork:\n  - &a {name: W, startDate: '2020'}\n  - *a\n"))
	f.Add(false, []byte(`{"basics": {"name": "A\u001b]0;t\u0007", "x": [1, {"y": null}]}}`))
	f.Add(true, []byte("a: [\n"))
	f.Add(false, []byte(`{"basics": {"name": "a",}}`))
	f.Fuzz(func(t *testing.T, yaml bool, data []byte) {
		name := "fuzz.json"
		if yaml {
			name = "fuzz.yaml"
		}
		r, err := Parse(name, data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), name+":") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		testutil.CheckInert(t, "name", r.Basics.Name)
		out, err := r.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if _, err := Parse("again.json", out); err != nil {
			t.Fatalf("JSON output does not load again: %v\n%s", err, out)
		}
	})
}
