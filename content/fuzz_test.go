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
	f.Add(false, []byte(`{"basics": {"name": "", "summary": ["**a**", "<a href='https://x.example'>b</a><br>"], "location": "L"},
		"work": [{"company": "C", "website": "c.example", "startDate": "May 2022", "endDate": "Obecnie", "x": [{"t": 1}]}],
		"skills": {"Go": ["a", null]}, "interests": ["i"], "techStack": {"f": ["v"], "notes": "n"}}`))
	f.Add(true, []byte("basics: {name: A}\ntestimonials:\n  - {name: R, quote: \"*q*\"}\ncitizenships: [x, y]\n"))
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
		// Everything a renderer is given is inert, the markup read too.
		for _, sec := range r.Sections() {
			testutil.CheckInert(t, "section", sec.ID+sec.Title)
			for _, e := range sec.Entries {
				texts := append([]string{e.Title, e.Subtitle, e.Where, e.When, e.URL, e.Summary}, e.Bullets...)
				texts = append(texts, e.Tags...)
				for _, d := range e.Details {
					texts = append(append(texts, d.Label, d.Text), d.Items...)
				}
				for _, s := range texts {
					testutil.CheckInert(t, "entry", s)
					for _, sp := range Markup(s) {
						testutil.CheckInert(t, "span", sp.Text+sp.URL)
					}
				}
			}
		}
		out, err := r.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if _, err := Parse("again.json", out); err != nil {
			t.Fatalf("JSON output does not load again: %v\n%s", err, out)
		}
	})
}
