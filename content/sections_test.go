package content

import (
	"strings"
	"testing"
	"time"
)

func TestPeriodReadsExpectedEndDates(t *testing.T) {
	now := time.Now()
	next := now.AddDate(1, 0, 0).Format("2006-01")
	nextLong := FormatDate(next)
	tests := []struct {
		start, end string
		expected   bool
		want       string
	}{
		{"", "2023-06", false, "June 2023"},
		{"", "2023-06", true, "expected June 2023"},
		{"2021-09", "2023-06", true, "September 2021 – expected June 2023"},
		{"2021-09", "2023-06", false, "September 2021 – June 2023"},
		{"2021-09", "", true, "September 2021 – Present"},
		{"", "", true, ""},
		{"2021", next, false, "2021 – expected " + nextLong},
		{"", next, false, "expected " + nextLong},
		{"", now.Format("2006-01"), false, FormatDate(now.Format("2006-01"))},
		{"", now.Format("2006-01-02"), false, FormatDate(now.Format("2006-01-02"))},
		{"", "2999", false, "expected 2999"},
		{"", "soon", false, "soon"},
	}
	for _, tt := range tests {
		if got := period(tt.start, tt.end, tt.expected); got != tt.want {
			t.Errorf("period(%q, %q, %v) = %q, want %q", tt.start, tt.end, tt.expected, got, tt.want)
		}
	}
}

// An expected end date reads as expected in the Sections view every
// renderer draws from, for every kind of dated entry, and not in a note.
func TestSectionsShowExpectedEndDates(t *testing.T) {
	r, err := Parse("expected.json", []byte(`{"basics": {"name": "Ada Example"},
		"education": [{"institution": "Example University", "studyType": "M.S.", "endDate": "2023-06", "expected": true}],
		"work": [{"name": "Example Co", "startDate": "2020-01", "endDate": "2999-01"}],
		"projects": [{"name": "Thing", "endDate": "2024-02", "expected": true}],
		"volunteer": [{"organization": "Club", "startDate": "2019", "endDate": "2030", "expected": true}],
		"fellowships": [{"name": "Fellow", "startDate": "2021", "endDate": "2022", "expected": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		SectionEducation:  "expected June 2023",
		SectionExperience: "January 2020 – expected January 2999",
		SectionProjects:   "expected February 2024",
		SectionVolunteer:  "2019 – expected 2030",
		"fellowships":     "2021 – expected 2022",
	}
	for _, sec := range r.Sections() {
		if w, ok := want[sec.ID]; ok {
			if got := sec.Entries[0].When; got != w {
				t.Errorf("%s: When = %q, want %q", sec.ID, got, w)
			}
			if d := sec.Entries[0].Details; len(d) > 0 {
				t.Errorf("%s: the flag is shown again as details: %+v", sec.ID, d)
			}
			delete(want, sec.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("sections missing: %v", want)
	}
}

// The default résumé says what its seed says, each fact in its slot: the
// M.S. is expected (in the date column, not repeated in the note), award
// years sit in the date column, and a project's line of what was done is
// a highlight, not a role.
func TestDefaultFieldsInTheirSlots(t *testing.T) {
	secs := Default().Sections()
	get := func(id string) Section {
		for _, s := range secs {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("no section %s", id)
		return Section{}
	}
	ms := get(SectionEducation).Entries[0]
	if ms.When != "expected June 2023" || strings.Contains(strings.ToLower(ms.Summary), "expected") {
		t.Errorf("M.S.: When %q, note %q", ms.When, ms.Summary)
	}
	for _, e := range get(SectionAwards).Entries {
		if strings.Contains(e.Summary, "20") && !strings.Contains(e.Summary, "teams") {
			t.Errorf("award %q has its years in the body: %q", e.Title, e.Summary)
		}
	}
	if w := get(SectionAwards).Entries[1].When; w != "2018-19, 2019-20" {
		t.Errorf("ZJU-UIUC scholarship: When %q", w)
	}
	for _, e := range get(SectionProjects).Entries {
		if strings.Contains(e.Subtitle, "Fixed several bugs") {
			t.Errorf("%q shows what was done as a role: %q", e.Title, e.Subtitle)
		}
		if strings.Contains(e.Title, "VSCode") && !strings.Contains(strings.Join(e.Bullets, "\n"), "Fixed several bugs as well as adding features") {
			t.Errorf("%q lost its line of what was done: %+v", e.Title, e)
		}
	}
}

func TestDisplayURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.linkedin.com/in/WengingLuo": "linkedin.com/in/WengingLuo",
		"https://github.com/Laphets":             "github.com/Laphets",
		"http://example.com/":                    "example.com",
		"https://example.com/a/":                 "example.com/a",
		"example.com/x":                          "example.com/x",
		"mailto:a@example.com":                   "a@example.com",
		"tel:+15550100":                          "+15550100",
		"https://wwwx.example.com":               "wwwx.example.com",
		"":                                       "",
	} {
		if got := DisplayURL(in); got != want {
			t.Errorf("DisplayURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		" \n\t ":                    "",
		"Senior  Engineer":          "Senior Engineer",
		"  Ada\nLovelace\r\n":       "Ada Lovelace",
		"a\tb\u00a0c\u2003d\u2028e": "a b c d e",
		"北京 · 上海":                   "北京 · 上海",
		"already one line":          "already one line",
	} {
		if got := OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContactLinkSaysMore(t *testing.T) {
	for _, tc := range []struct {
		c         Contact
		more, web bool
	}{
		{Contact{Label: "GitHub", Value: "ada", URL: "https://github.com/ada"}, true, true},
		{Contact{Label: "Web", Value: "https://ada.example.com", URL: "https://ada.example.com"}, false, true},
		{Contact{Label: "Email", Value: "ada@example.com", URL: "mailto:ada@example.com"}, false, false},
		{Contact{Label: "Email", Value: "not an address"}, false, false},
		{Contact{Label: "Phone", Value: "+1 555 0100", URL: "tel:+15550100"}, false, false},
		{Contact{Label: "Location", Value: "Town"}, false, false},
		{Contact{Label: "Site", Value: "ada.example.com", URL: "https://ada.example.com"}, true, true},
		{Contact{Label: "Profile", Value: "http://ada.example.com", URL: "http://ada.example.com"}, false, true},
	} {
		if got := tc.c.LinkSaysMore(); got != tc.more {
			t.Errorf("%+v.LinkSaysMore() = %v, want %v", tc.c, got, tc.more)
		}
		if got := tc.c.HasWebLink(); got != tc.web {
			t.Errorf("%+v.HasWebLink() = %v, want %v", tc.c, got, tc.web)
		}
	}
	// The real contacts of a résumé: a profile's address says more than
	// its user name; an e-mail address does not.
	r := Default()
	for _, c := range r.Contacts() {
		if c.Label == "Email" && c.LinkSaysMore() {
			t.Errorf("%+v: a mailto: link says nothing more", c)
		}
	}
}

func TestHeadline(t *testing.T) {
	if got := Default().Headline(); strings.Join(got, "|") != "M.S. in Computer Science · University of Illinois at Urbana–Champaign|Intern at Infrastructure - Virtualization Team · Bytedance Inc." {
		t.Errorf("default headline %q", got)
	}
	r, err := Parse("x.json", []byte(`{"basics": {"name": "Ada Example", "label": "  Engineer  "}, "work": [{"name": "W", "position": "P", "startDate": "2020"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Headline(); len(got) != 1 || got[0] != "Engineer" {
		t.Errorf("a label is the headline: %q", got)
	}
	r, err = Parse("x.json", []byte(`{"basics": {"name": "Ada Example"}, "work": [{"name": "W", "position": "P", "startDate": "2019", "endDate": "2020"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Headline(); len(got) != 0 {
		t.Errorf("nothing running, no label: %q", got)
	}
}

func TestUpdated(t *testing.T) {
	for lm, want := range map[string]string{"": "", "2026-11-20T08:00:00Z": "20 November 2026", "2026-11": "November 2026", "yesterday": "yesterday"} {
		r := &Resume{Meta: &Meta{LastModified: lm}}
		if got := r.Updated(); got != want {
			t.Errorf("Updated(%q) = %q, want %q", lm, got, want)
		}
	}
	if (&Resume{}).Updated() != "" {
		t.Error("no meta, yet updated")
	}
}
