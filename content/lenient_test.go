package content

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laphets/resume/internal/testutil"
)

func TestFormatDate(t *testing.T) {
	for in, want := range map[string]string{
		"2021": "2021", "2021-02": "February 2021", "2021-02-03": "3 February 2021", " 2021-02 ": "February 2021",
		"Present": "Present", "now": "Present", "Now": "Present", "present": "Present", "current": "Present",
		"Obecnie": "Obecnie", "至今": "至今", "настоящее время": "настоящее время",
		// Anything else as written: never dropped, never guessed.
		"2019-6": "2019-6", "2023-9-28": "2023-9-28", "06/2020": "06/2020", "2026.06": "2026.06",
		"May 2022": "May 2022", "Lut 2024": "Lut 2024", "1987-01-": "1987-01-",
		"2024-09-31": "2024-09-31", "2023-02-29": "2023-02-29", "2021-13": "2021-13", "": "",
	} {
		if got := FormatDate(in); got != want {
			t.Errorf("FormatDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPeriodWithPresentWords(t *testing.T) {
	for _, tc := range []struct{ start, end, want string }{
		{"2022-05", "Present", "May 2022 – Present"},
		{"2022-05", "now", "May 2022 – Present"},
		{"06/2020", "Obecnie", "06/2020 – Obecnie"},
		{"2021-03", "至今", "March 2021 – 至今"},
		{"2022-05", "", "May 2022 – Present"},
		{"", "2019-12", "December 2019"},
		{"May 2022", "February 2026", "May 2022 – February 2026"},
	} {
		if got := Period(tc.start, tc.end); got != tc.want {
			t.Errorf("Period(%q, %q) = %q, want %q", tc.start, tc.end, got, tc.want)
		}
	}
	if !IsPresent(" PRESENT ") || !IsPresent("Heute") || IsPresent("2021") || IsPresent("presently") {
		t.Error("IsPresent misreads a word")
	}
}

func TestLink(t *testing.T) {
	for _, tc := range []struct{ in, base, want string }{
		{"https://example.com/x", "", "https://example.com/x"},
		{"HTTP://example.com", "", "HTTP://example.com"},
		{"mailto:a@example.com", "", "mailto:a@example.com"},
		{"github.com/someone", "", "https://github.com/someone"},
		{"bsky.app/profile/a.example.com", "", "https://bsky.app/profile/a.example.com"},
		{"www.example.org", "", "https://www.example.org"},
		{"//cdn.example.com/a", "", "https://cdn.example.com/a"},
		{"/projects/x.html", "https://me.example.com/", "https://me.example.com/projects/x.html"},
		{"/projects/x.html", "me.example.com", "https://me.example.com/projects/x.html"},
		{"/projects/x.html", "", ""},
		{"./schema.json", "", ""},
		{"javascript:alert(1)", "", ""},
		{"data:text/html,x", "", ""},
		{"not a url", "", ""},
		{"localhost", "", ""},
		{"", "", ""},
	} {
		if got := Link(tc.in, tc.base); got != tc.want {
			t.Errorf("Link(%q, %q) = %q, want %q", tc.in, tc.base, got, tc.want)
		}
	}
}

func TestMarkup(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  []Span
		plain string
	}{
		{"plain text", []Span{{Text: "plain text"}}, "plain text"},
		{"a **b** *c* `d`", []Span{{Text: "a "}, {Text: "b", Strong: true}, {Text: " "}, {Text: "c", Emph: true}, {Text: " "}, {Text: "d", Code: true}}, "a b c d"},
		{"see [the post](https://example.com/p).", []Span{{Text: "see "}, {Text: "the post", URL: "https://example.com/p"}, {Text: "."}}, "see the post (https://example.com/p)."},
		{"[x](javascript:alert(1))", []Span{{Text: "x"}}, "x"},
		{"<https://example.com>", []Span{{Text: "https://example.com", URL: "https://example.com"}}, "https://example.com"},
		{"Led the <strong>team</strong>.<br>Then <a href=\"https://example.org\">more</a>", []Span{
			{Text: "Led the "}, {Text: "team", Strong: true}, {Text: "."}, {Text: "\n"}, {Text: "Then "}, {Text: "more", URL: "https://example.org"},
		}, "Led the team.\nThen more (https://example.org)"},
		{"<ul><li>A</li><li>B</li></ul>", []Span{{Text: "• A"}, {Text: "\n"}, {Text: "• B"}}, "• A\n• B"},
		{"Vec<T> and a < b, R&D", []Span{{Text: "Vec<T> and a < b, R&D"}}, "Vec<T> and a < b, R&D"},
		{"<p>R&amp;D</p>", []Span{{Text: "R&D"}}, "R&D"},
		{"- a list\n# a heading\n1. one", []Span{{Text: "- a list"}, {Text: "\n"}, {Text: "# a heading"}, {Text: "\n"}, {Text: "1. one"}}, "- a list\n# a heading\n1. one"},
		{"snake_case_name", []Span{{Text: "snake_case_name"}}, "snake_case_name"},
		{"<script>alert(1)</script>x", []Span{{Text: "<script>alert(1)</script>x"}}, "<script>alert(1)</script>x"},
	} {
		if got := Markup(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Markup(%q) =\n %+v\nwant\n %+v", tc.in, got, tc.want)
		}
		if got := PlainText(tc.in); got != tc.plain {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.plain)
		}
	}
}

func TestLinesAndParagraphs(t *testing.T) {
	br := Span{Text: "\n"}
	a, b := Span{Text: "Led the "}, Span{Text: "team", Strong: true}
	blank, c := Span{Text: " \t "}, Span{Text: "then more", URL: "https://example.org"}
	for _, tc := range []struct {
		name        string
		in          []Span
		lines, pars [][]Span
	}{
		{"nothing", nil, [][]Span{nil}, [][]Span{}},
		{"one line", []Span{a, b}, [][]Span{{a, b}}, [][]Span{{a, b}}},
		{
			"empty and blank lines",
			[]Span{a, b, br, br, blank, br, c},
			[][]Span{{a, b}, nil, {blank}, {c}},
			[][]Span{{a, b}, {c}},
		},
		{"breaks at the ends", []Span{br, c, br}, [][]Span{nil, {c}, nil}, [][]Span{{c}}},
		{"only blanks", []Span{blank, br, blank}, [][]Span{{blank}, {blank}}, [][]Span{}},
	} {
		if got := Lines(tc.in); !reflect.DeepEqual(got, tc.lines) {
			t.Errorf("%s: Lines =\n %+v\nwant\n %+v", tc.name, got, tc.lines)
		}
		if got := Paragraphs(tc.in); !reflect.DeepEqual(got, tc.pars) {
			t.Errorf("%s: Paragraphs =\n %+v\nwant\n %+v", tc.name, got, tc.pars)
		}
	}
	// As the renderers call it: a summary's paragraphs, the markup kept.
	got := Paragraphs(Markup("First **bold** line\n\n   \n<i>Second</i>"))
	want := [][]Span{{{Text: "First "}, {Text: "bold", Strong: true}, {Text: " line"}}, {{Text: "Second", Emph: true}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Paragraphs(Markup(...)) =\n %+v\nwant\n %+v", got, want)
	}
}

func TestMarkupIsInert(t *testing.T) {
	for name, h := range testutil.Hostile {
		for _, form := range []string{
			"**" + h + "**", "[" + h + "](https://example.com/" + h + ")", "<b>" + h + "</b>",
			"<a href=\"https://example.com/" + h + "\">x</a>", "&#27;]0;pwned&#7; &#x9b;2J &#8238;",
		} {
			for _, sp := range Markup(form) {
				testutil.CheckInert(t, name+" text", sp.Text)
				testutil.CheckInert(t, name+" URL", sp.URL)
			}
			testutil.CheckInert(t, name+" plain", PlainText(form))
		}
	}
}

func TestLegacyNames(t *testing.T) {
	r := mustParse(t, "old.json", `{"basics": {"name": "A", "website": "https://a.example.com", "picture": "a.png"},
		"work": [{"company": "Old Co", "website": "https://old.example.com"},
		         {"company": "Alias Co", "name": "New Co", "url": "https://new.example.com", "website": "https://new.example.com"}],
		"education": [{"institution": "U", "gpa": "3.9"}],
		"publications": [{"name": "P", "website": "https://p.example.com"}],
		"awards": [{"title": "T", "website": "https://t.example.com"}],
		"volunteer": [{"organization": "V", "website": "https://v.example.com"}],
		"languages": [{"name": "English", "level": "Native"}]}`)
	if r.Basics.URL != "https://a.example.com" || r.Basics.Image != "a.png" {
		t.Errorf("basics: %+v", r.Basics)
	}
	if w := r.Work[0]; w.Name != "Old Co" || w.URL != "https://old.example.com" {
		t.Errorf("work[0]: %+v", w)
	}
	// Both names: today's wins and the other is still shown, once.
	if w := r.Work[1]; w.Name != "New Co" || w.Extra["company"] == nil || w.Extra["website"] != nil {
		t.Errorf("work[1]: %+v", w)
	}
	if r.Education[0].Score != "3.9" || r.Publications[0].URL != "https://p.example.com" ||
		r.Awards[0].URL != "https://t.example.com" || r.Volunteer[0].URL != "https://v.example.com" ||
		r.Languages[0].Language != "English" || r.Languages[0].Fluency != "Native" {
		t.Errorf("older names not read: %+v %+v %+v %+v %+v", r.Education, r.Publications, r.Awards, r.Volunteer, r.Languages)
	}
	// The README's table lists every older name Parse reads.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := legacyNameList()
	if len(names) < 10 || !slices.Contains(names, "work.company → name") {
		t.Errorf("legacyNameList = %q", names)
	}
	for _, l := range names {
		old, _, _ := strings.Cut(l, " → ")
		sec, field, _ := strings.Cut(old, ".")
		doc := "`" + sec + "[]." + field + "`"
		if sec == "basics" {
			doc = "`basics." + field + "`"
		}
		if !strings.Contains(string(readme), doc) {
			t.Errorf("README.md does not list the older name %s (%s)", doc, l)
		}
	}
}

func TestShapesFromTheWild(t *testing.T) {
	r := mustParse(t, "wild.yaml", `basics:
  name: null
  summary: [First paragraph., Second paragraph.]
  location: Kraków, Polska
  email: ""
work:
  - name: W
    startDate: ""
    url: ""
    highlights: [one, null, "", 2]
    keywords: Go
skills:
  Languages: [Go, Rust]
  Tools: Git
  Cloud: {level: Expert, keywords: [AWS]}
interests: [Chess, {name: Go, keywords: [baduk]}]
education: {institution: Only U, score: 3.8}
references: null
`)
	want := map[string]any{
		"summary":    r.Basics.Summary == "First paragraph.\nSecond paragraph.",
		"location":   r.Basics.Location.String() == "Kraków, Polska",
		"empty":      r.Basics.Email == "" && r.Work[0].StartDate == "" && r.Work[0].URL == "",
		"highlights": reflect.DeepEqual(r.Work[0].Highlights, []string{"one", "2"}),
		"keywords":   reflect.DeepEqual(r.Work[0].Keywords, []string{"Go"}),
		"skills": len(r.Skills) == 3 && r.Skills[0].Name == "Languages" && reflect.DeepEqual(r.Skills[0].Keywords, []string{"Go", "Rust"}) &&
			r.Skills[1].Name == "Tools" && reflect.DeepEqual(r.Skills[1].Keywords, []string{"Git"}) &&
			r.Skills[2].Name == "Cloud" && r.Skills[2].Level == "Expert",
		"interests": len(r.Interests) == 2 && r.Interests[0].Name == "Chess" && r.Interests[1].Keywords[0] == "baduk",
		"education": len(r.Education) == 1 && r.Education[0].Institution == "Only U" && r.Education[0].Score == "3.8",
	}
	for what, ok := range want {
		if ok != true {
			t.Errorf("%s not read as people mean it: %+v", what, r)
		}
	}
	if len(r.Warnings()) == 0 {
		t.Error("no warnings for a file a strict validator refuses")
	}
}

func TestGenericSections(t *testing.T) {
	r := mustParse(t, "g.json", `{"basics": {"name": "A", "nationality": "Examplish"},
		"work": [{"name": "W", "highlightGroups": [{"title": "Infra", "highlights": ["x", "y"]}], "logo": "logo.png"}],
		"testimonials": [{"name": "R", "title": "CTO", "quote": "Great."}],
		"techStack": {"frontend": ["Vue"], "notes": "Boring first."},
		"experience": ["an unknown key named like a section"],
		"citizenships": ["France", "Canada"],
		"photo": "data:image/png;base64,AAAA",
		"meta": {"theme": "even"}}`)
	secs := r.Sections()
	got := map[string]Section{}
	var ids []string
	for _, s := range secs {
		got[s.ID] = s
		ids = append(ids, s.ID)
	}
	wantIDs := []string{"overview", "experience", "testimonials", "tech-stack", "experience-2", "citizenships"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("section IDs %q, want %q", ids, wantIDs)
	}
	if d := secs[0].Entries[0].Details; len(d) != 1 || d[0].Label != "Nationality" || d[0].Text != "Examplish" {
		t.Errorf("basics details: %+v", d)
	}
	if d := got["experience"].Entries[0].Details; len(d) != 1 || d[0].Label != "Highlight groups" ||
		!reflect.DeepEqual(d[0].Items, []string{"Infra: x, y"}) {
		t.Errorf("work details (the logo, a picture, left out): %+v", d)
	}
	if e := got["testimonials"]; e.Title != "Testimonials" || e.Entries[0].Title != "R" || e.Entries[0].Subtitle != "CTO" || e.Entries[0].Summary != "Great." {
		t.Errorf("testimonials: %+v", e)
	}
	if e := got["tech-stack"]; e.Title != "Tech Stack" || len(e.Entries) != 2 || e.Entries[0].Title != "Frontend" ||
		e.Entries[0].Tags[0] != "Vue" || e.Entries[1].Summary != "Boring first." {
		t.Errorf("techStack: %+v", e)
	}
	if e := got["citizenships"]; !reflect.DeepEqual(e.Entries[0].Bullets, []string{"France", "Canada"}) {
		t.Errorf("citizenships: %+v", e)
	}
	if id, ok := r.LookupSection("tech"); !ok || id != "tech-stack" {
		t.Errorf("LookupSection(tech) = %q, %v", id, ok)
	}
}

func TestHumanize(t *testing.T) {
	for key, want := range map[string][2]string{
		"techStack":        {"Tech stack", "Tech Stack"},
		"highlight_groups": {"Highlight groups", "Highlight Groups"},
		"open-source":      {"Open source", "Open Source"},
		"URLs":             {"URLs", "URLs"},
		"myHTMLWork":       {"My HTML work", "My HTML Work"},
		"Компетенции":      {"Компетенции", "Компетенции"},
		"技能":               {"技能", "技能"},
	} {
		if a, b := humanize(key, false), humanize(key, true); a != want[0] || b != want[1] {
			t.Errorf("humanize(%q) = %q, %q; want %q", key, a, b, want)
		}
	}
}

// TestMarkupBoundedTime: the Markdown parser's quadratic inputs are shown
// as text rather than parsed (a file may hold a megabyte of them).
func TestMarkupBoundedTime(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("[", 200_000), strings.Repeat("[a](", 50_000), strings.Repeat("_a ", 60_000),
		strings.Repeat("**a*", 50_000), strings.Repeat("x [y] ", 30_000),
	} {
		start := time.Now()
		spans := Markup(s)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Markup of %.20q… (%d bytes) took %v", s, len(s), d)
		}
		if len(spans) == 0 {
			t.Errorf("Markup of %.20q… lost the text", s)
		}
	}
	// Ordinary lines are still read.
	if sp := Markup("a **b** [c](https://c.example) " + strings.Repeat("word ", 500)); len(sp) < 3 || !sp[1].Strong {
		t.Errorf("an ordinary long line is not read: %+v", sp[:min(len(sp), 3)])
	}
}
