package tui

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/goccy/go-yaml"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/text"
)

// TestFidelity is the promise made to an owner who brings the résumé they
// already have: every string in the file (and every number) reaches the
// plain text, the Markdown and every page of the TUI, and the JSON output
// is the document that was read. Allowed changes: a date may be written for
// people (2021-02 as February 2021), a URL may lose its scheme and www.,
// inline markup is drawn rather than shown. Only pictures, $schema and meta
// may stay out.
func TestFidelity(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testutil.Root(), "content", "testdata", "wild", "*"))
	if err != nil || len(files) < 6 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	files = append(files, testutil.SamplePath())
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := content.Parse(file, src)
			if err != nil {
				t.Fatalf("does not load: %v", err)
			}
			in := decodeFixture(t, file, src)
			var facts []fact
			collectFacts(in, "", false, &facts)
			if len(facts) < 20 {
				t.Fatalf("only %d facts found: the fixture is not being read", len(facts))
			}

			plain := testutil.Squash(text.Render(r, text.MaxWidth))
			md := mdNorm(markdown.Render(r))
			// Each section's page as the pane draws it, and the screen
			// around it (the header holds the name and contacts).
			var tui, raw strings.Builder
			for _, id := range r.SectionIDs() {
				m := New(r, Options{Section: id, Width: 250, Height: 4000, Profile: colorprofile.TrueColor})
				tui.WriteString(ansi.Strip(m.View().Content) + "\n")
				tui.WriteString(strings.Join(m.doc.pages[m.active].plain, "\n") + "\n")
				raw.WriteString(strings.Join(m.doc.pages[m.active].lines, "\n") + "\n")
			}
			tuiText := tuiNorm(tui.String())
			for _, f := range facts {
				if !f.in(plain, testutil.Squash, false) {
					t.Errorf("text output lacks %s %q", f.key, f.value)
				}
				if !f.in(md, mdNorm, false) {
					t.Errorf("Markdown output lacks %s %q", f.key, f.value)
				}
				if !f.in(tuiText, tuiNorm, true) {
					t.Errorf("TUI pages lack %s %q", f.key, f.value)
				}
				// The TUI draws a link in a string as its words, with the
				// address in an OSC 8 hyperlink.
				for _, sp := range content.Markup(f.value) {
					if sp.URL != "" && !strings.Contains(raw.String(), "\x1b]8;;"+sp.URL+"\x1b\\") &&
						!strings.Contains(raw.String(), "\x1b]8;;"+sp.URL+"\a") {
						t.Errorf("TUI pages lack the hyperlink to %s of %q", sp.URL, f.value)
					}
				}
			}

			out, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("JSON output is not JSON: %v", err)
			}
			if !reflect.DeepEqual(got, in) {
				t.Errorf("JSON output differs from the file:\n%s", out)
			}
		})
	}
}

// decodeFixture reads the file as a plain JSON value.
func decodeFixture(t *testing.T, file string, src []byte) any {
	t.Helper()
	if strings.HasSuffix(file, ".yaml") {
		var err error
		if src, err = yaml.YAMLToJSON(src); err != nil {
			t.Fatal(err)
		}
	}
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// fact is one string of the file, with the key it was found under.
type fact struct{ key, value string }

var dateKeys = []string{"startDate", "endDate", "date", "releaseDate"}

// collectFacts lists the strings and numbers of v, leaving out what may
// stay out of the outputs: pictures, $schema and meta.
func collectFacts(v any, key string, top bool, out *[]fact) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if key == "" && !top && (k == "$schema" || k == "meta") {
				continue
			}
			collectFacts(x, k, true, out)
		}
	case []any:
		for _, x := range v {
			collectFacts(x, key, top, out)
		}
	case string:
		if strings.TrimSpace(v) != "" && !content.IsPicture(v) {
			*out = append(*out, fact{key, v})
		}
	case float64:
		*out = append(*out, fact{key, strings.TrimSuffix(json.Number(jsonNumber(v)).String(), ".0")})
	}
}

func jsonNumber(f float64) string { b, _ := json.Marshal(f); return string(b) }

// in reports whether the fact appears in out (normalised by norm) in one
// of the forms the outputs may give it; hyperlinked, a link in the text
// may be its words alone (the address is in the OSC 8 sequence).
func (f fact) in(out string, norm func(string) string, hyperlinked bool) bool {
	forms := []string{f.value, content.PlainText(f.value), bareURL(f.value)}
	if hyperlinked {
		var words strings.Builder
		for _, sp := range content.Markup(f.value) {
			words.WriteString(sp.Text)
		}
		forms = append(forms, words.String())
	}
	if slices.Contains(dateKeys, f.key) {
		forms = append(forms, content.FormatDate(f.value))
	}
	for _, form := range forms {
		if n := norm(form); n != "" && strings.Contains(out, n) {
			return true
		}
	}
	return false
}

func bareURL(s string) string {
	for _, p := range []string{"https://", "http://", "www."} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.TrimSuffix(s, "/")
}

// tuiNorm drops white space and the timeline drawn beside entries.
func tuiNorm(s string) string {
	return testutil.Squash(strings.NewReplacer("│", "", "●", "", "◆", "").Replace(s))
}

var mdMarks = regexp.MustCompile("[\\\\*_`\\[\\]()<>#]")

// mdNorm drops white space and Markdown's punctuation (markup and
// escapes), so that a string is found in its Markdown form.
func mdNorm(s string) string {
	return testutil.Squash(mdMarks.ReplaceAllString(content.PlainText(s), ""))
}

func TestFidelityFixturesCoverTheShapes(t *testing.T) {
	// The shapes issue 10 lists, each present in some fixture.
	var all bytes.Buffer
	files, _ := filepath.Glob(filepath.Join(testutil.Root(), "content", "testdata", "wild", "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		all.Write(b)
	}
	for _, shape := range []string{
		`"url": ""`, `"startDate": ""`, "null", "Present", "present", "Now", "now", "Obecnie",
		"2019-6", "2023-9-28", "06/2020", "2026.06", "May 2022", "February 2022", "Lut 2024", "1987-01-", "2024-09-31",
		"/projects/", "github.com/", "bsky.app/profile/", `"$schema": "./schema.json"`, "###EMAIL###", `"name": ""`,
		`"company"`, `"website"`, "highlightGroups", "freelancing", "techStack", "testimonials", "community", "citizenships",
		"**", "](https://", "<strong>", "<a href", "<br>", "李", "山田", "야마다", "Новосибирск", "Przykładowa", "🚀",
	} {
		if !bytes.Contains(all.Bytes(), []byte(shape)) {
			t.Errorf("no fixture has %q", shape)
		}
	}
}
