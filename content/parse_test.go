package content

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laphets/resume/internal/testutil"
)

// problems returns the errors of src, or when it loads its warnings.
func problems(t *testing.T, name, src string) []Problem {
	t.Helper()
	r, err := Parse(name, []byte(src))
	if err == nil {
		return r.Warnings()
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Parse(%s) = %v, want a *ValidationError", name, err)
	}
	return verr.Problems
}

func TestParseReportsEveryProblemWithPositions(t *testing.T) {
	yamlSrc := `basics:
  name: Ada
  email: not-an-email
work:
  - name: Analytical Engines
    startDate: 1843-13
    url: engines.example
teaching:
  - name: Notes
    endDate: "1843/09"
    keywords: [1, "ok"]
skills:
  - name: Languages
    ranking: "A >> B"
`
	jsonSrc := `{
  "basics": {"name": "Ada", "email": "not-an-email"},
  "work": [
    {"name": "Analytical Engines", "startDate": "1843-13", "url": "engines.example"}
  ],
  "teaching": [{"name": "Notes", "endDate": "1843/09", "keywords": [1, "ok"]}],
  "skills": [{"name": "Languages", "ranking": "A >> B"}]
}`
	want := map[string][]Problem{
		"ada.yaml": {
			{Line: 3, Col: 10, Path: "basics.email", Message: `"not-an-email" is not an e-mail address`},
			{Line: 6, Col: 16, Path: "work[0].startDate", Message: `"1843-13" is not a date (want YYYY, YYYY-MM or YYYY-MM-DD`},
			{Line: 7, Col: 10, Path: "work[0].url", Message: `"engines.example" is not a URL (want an absolute URL`},
			{Line: 10, Col: 14, Path: "teaching[0].endDate", Message: `"1843/09" is not a date`},
			{Line: 11, Col: 16, Path: "teaching[0].keywords[0]", Message: "is a number (want a string; in YAML, quote it"},
			{Line: 14, Col: 14, Path: "skills[0].ranking", Message: `"A >> B" is not a ranking`},
		},
		"ada.json": {
			{Line: 2, Col: 38, Path: "basics.email", Message: `"not-an-email" is not an e-mail address`},
			{Line: 4, Col: 49, Path: "work[0].startDate", Message: `"1843-13" is not a date`},
			{Line: 4, Col: 67, Path: "work[0].url", Message: `is not a URL`},
			{Line: 6, Col: 45, Path: "teaching[0].endDate", Message: `"1843/09" is not a date`},
			{Line: 6, Col: 69, Path: "teaching[0].keywords[0]", Message: `is a number (want a string: "1")`},
			{Line: 7, Col: 47, Path: "skills[0].ranking", Message: `is not a ranking`},
		},
	}
	for name, src := range map[string]string{"ada.yaml": yamlSrc, "ada.json": jsonSrc} {
		t.Run(name, func(t *testing.T) {
			got := problems(t, name, src)
			if len(got) != len(want[name]) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want[name]), (&ValidationError{Problems: got}).Error())
			}
			for i, w := range want[name] {
				g := got[i]
				if g.File != name || g.Line != w.Line || g.Col != w.Col || g.Path != w.Path || !strings.Contains(g.Message, w.Message) {
					t.Errorf("problem %d = %s\nwant %s:%d:%d: %s: …%s…", i, g, name, w.Line, w.Col, w.Path, w.Message)
				}
			}
		})
	}
}

func TestParseProblemFormat(t *testing.T) {
	got := problems(t, "me.json", `{"basics": {"name": "A", "url": "nope"}}`)
	want := `me.json:1:33: warning: basics.url: "nope" is not a URL (want an absolute URL such as https://example.com/)`
	if len(got) != 1 || got[0].String() != want {
		t.Errorf("got %v\nwant %s", got, want)
	}
}

func TestParseNameRequired(t *testing.T) {
	for src, path := range map[string]string{
		"basics:\n  label: x\n":             "basics.name",
		`{}`:                                "basics",
		`{"basics": {}}`:                    "basics.name",
		`{"basics": {"name": "  "}}`:        "basics.name",
		`{"basics": {"name": 7}}`:           "basics.name",
		`{"basics": {"name": "\u001b[2J"}}`: "basics.name", // nothing left once sanitised
	} {
		got := problems(t, "x", src)
		if len(got) == 0 || got[0].Path != path {
			t.Errorf("%s: got %v, want a problem at %s", src, got, path)
		}
	}
}

func TestParseFormatDetection(t *testing.T) {
	yamlDoc := "basics:\n  name: Ada\n"
	jsonDoc := `{"basics": {"name": "Ada"}}`
	for _, tc := range []struct{ name, src string }{
		{"a.yaml", yamlDoc},
		{"a.yml", yamlDoc},
		{"a.YAML", yamlDoc},
		{"a.txt", yamlDoc},
		{"a", yamlDoc},
		{"a.json", jsonDoc},
		{"a.txt", jsonDoc},
		{"a", "\ufeff" + jsonDoc},
		{"a.yaml", jsonDoc},
	} {
		r, err := Parse(tc.name, []byte(tc.src))
		if err != nil || r.Basics.Name != "Ada" {
			t.Errorf("Parse(%s, %q) = %v, %v", tc.name, tc.src, r, err)
		}
	}
	if DetectFormat("x.json", []byte("a: b")) != FormatJSON || DetectFormat("x", []byte(" {")) != FormatJSON ||
		DetectFormat("x", []byte("a: b")) != FormatYAML {
		t.Error("DetectFormat picks the wrong format")
	}
}

func TestParseYAMLFeatures(t *testing.T) {
	r := mustParse(t, "x.yaml", `
basics:
  name: Ada
  summary: |
    First line.
    Second line.
work:
  - &job
    name: Engines
    startDate: "1843"
    keywords: [maths, "poetry"]
  - <<: *job
    name: Second
skills:
  - name: Num
    keywords: [!!str 1843]
`)
	if r.Basics.Summary != "First line.\nSecond line.\n" {
		t.Errorf("literal block = %q", r.Basics.Summary)
	}
	if len(r.Work) != 2 || r.Work[1].Name != "Second" || r.Work[1].StartDate != "1843" {
		t.Errorf("anchors and merge keys: %+v", r.Work)
	}
	if got := r.Skills[0].Keywords; len(got) != 1 || got[0] != "1843" {
		t.Errorf("!!str: %q", got)
	}
}

func TestParseLimits(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g"} {
		bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
			", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	for name, tc := range map[string]struct{ file, src, msg string }{
		"alias bomb":       {"x.yaml", bomb, "more than 100000 values"},
		"deep JSON":        {"x.json", strings.Repeat("[", 100) + strings.Repeat("]", 100), "nested more than 64 deep"},
		"deep YAML flow":   {"x.yaml", "a: " + strings.Repeat("[", 1000) + strings.Repeat("]", 1000), "nested more than 64 deep"},
		"deep YAML block":  {"x.yaml", deepBlock(80), "nested more than 64 deep"},
		"two documents":    {"x.yaml", "basics: {name: a}\n---\nbasics: {name: b}\n", "a second YAML document"},
		"trailing JSON":    {"x.json", `{"basics": {"name": "a"}} {}`, "unexpected text after the document"},
		"not an object":    {"x.json", `[1, 2]`, "is an array (want an object"},
		"infinity":         {"x.yaml", "basics: {name: a}\nx: .inf\n", "not a number JSON can hold"},
		"unknown alias":    {"x.yaml", "a: *nope\n", "nope"},
		"truncated JSON":   {"x.json", `{"basics": {"name": "a"`, "unexpected end of file"},
		"oversize":         {"x.json", `{"basics": {"name": "` + strings.Repeat("a", MaxSize) + `"}}`, "over the size limit"},
		"whitespace only":  {"x.json", " \n\t\n", "file is empty"},
		"comments only":    {"x.yaml", "# nothing\n", "file is empty"},
		"complex YAML key": {"x.yaml", "? [a, b]\n: c\n", "invalid key"},
	} {
		t.Run(name, func(t *testing.T) {
			got := problems(t, tc.file, tc.src)
			if len(got) == 0 || !strings.Contains(got[0].Message, tc.msg) || got[0].Warning {
				t.Errorf("got %v, want the error …%s…", got, tc.msg)
			}
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, MaxSize+10), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(big)
	var verr *ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "file is 1048586 bytes, over the size limit") {
		t.Errorf("Load(big) = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want ErrNotExist", err)
	}
	if r, err := Load(filepath.Join("testdata", "sample.resume.json")); err != nil || r.Basics.Name != "Richard Hendriks" {
		t.Errorf("Load(sample) = %v, %v", r, err)
	}
}

func TestHostileStringsComeOutInert(t *testing.T) {
	for name, bad := range testutil.Hostile {
		t.Run(name, func(t *testing.T) {
			src := testutil.HostileDoc(t, bad)
			r := mustParse(t, "hostile.json", string(src))
			// An unterminated string sequence swallows the rest of its
			// string, as it would in a terminal.
			if r.Basics.Name != "Ada Lovelace" && (name != "unterminated" || r.Basics.Name != "Ada") &&
				!strings.Contains(r.Basics.Name, "EVIL") {
				t.Errorf("name = %q", r.Basics.Name)
			}
			out, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var decoded any
			if err := json.Unmarshal(out, &decoded); err != nil {
				t.Fatal(err)
			}
			testutil.CheckInert(t, "JSON values", testutil.Flatten(decoded))
			testutil.CheckInert(t, "JSON bytes", string(out))
		})
	}
	// YAML's double-quoted escapes produce the same bytes.
	r := mustParse(t, "hostile.yaml", "basics:\n  name: \"Ada\\e]0;pwned\\a\\x9b2J\\u202e\"\n")
	testutil.CheckInert(t, "yaml", r.Basics.Name)
	if r.Basics.Name != "Ada" {
		t.Errorf("yaml name = %q", r.Basics.Name)
	}
}
