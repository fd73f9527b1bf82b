package content

import (
	"strings"
	"time"

	"github.com/laphets/resume/internal/names"
)

// Section IDs, in the order the sections are shown. They double as the
// names a visitor types (ssh host experience).
const (
	SectionOverview     = "overview"
	SectionEducation    = "education"
	SectionExperience   = "experience"
	SectionProjects     = "projects"
	SectionTeaching     = "teaching"
	SectionVolunteer    = "volunteer"
	SectionAwards       = "awards"
	SectionCertificates = "certificates"
	SectionPublications = "publications"
	SectionSkills       = "skills"
	SectionLanguages    = "languages"
	SectionInterests    = "interests"
	SectionReferences   = "references"
)

// Section is one titled part of a résumé, flattened into entries so that
// every renderer (text, Markdown, the TUI) lays out the same facts.
type Section struct {
	ID      string
	Title   string
	Entries []Entry
}

// Entry is one item of a section: a job, a degree, a project, an award.
// Every field is optional; renderers skip empty ones, and show every one
// that is set (nothing in the file is hidden).
//
// Summary, Bullets and Details' text are as the owner wrote them and may
// hold inline Markdown or HTML: draw them through Markup (spans of text,
// emphasis, code and links), PlainText or MarkdownText, never raw. Other
// fields are plain text.
type Entry struct {
	Title    string     // organisation, institution, project or award name
	Subtitle string     // position, degree, awarder, a project's roles
	Where    string     // location
	When     string     // formatted date or period, or the date as written (see FormatDate)
	URL      string     // link for the entry: absolute when Link can make it so, else as written
	Tags     []string   // keywords, technologies
	Summary  string     // prose; paragraphs split by newlines; inline markup
	Bullets  []string   // highlights; inline markup
	Tiers    [][]string // skill ranking, strongest first (see Skill.Tiers)
	// Details are the entry's fields the schema does not define (and the
	// values of a generic section that fit no field above), in file order:
	// shown after the rest, each as "Label: text" or a labelled list.
	Details []Detail
}

// UnrankedTags are the entry's tags that its ranking (Tiers) does not
// already show; renderers show the tiers, then these.
func (e Entry) UnrankedTags() []string {
	if len(e.Tiers) == 0 {
		return e.Tags
	}
	ranked := map[string]bool{}
	for _, tier := range e.Tiers {
		for _, t := range tier {
			ranked[t] = true
		}
	}
	var out []string
	for _, t := range e.Tags {
		if !ranked[t] {
			out = append(out, t)
		}
	}
	return out
}

// Contact is one way to reach the person: e-mail, phone, web site, a
// profile or a place. URL is empty when the value is not a link.
type Contact struct {
	Label string // "Email", "GitHub", ...
	Value string // what is shown: the address, the user name
	URL   string // mailto:, tel: or https:// link
}

// LinkSaysMore reports whether c's link target says more than its value,
// so that a renderer shows the address as well (after the value, or in
// print): a web address other than the value itself. A mailto: or tel:
// link only repeats the value.
func (c Contact) LinkSaysMore() bool {
	return c.HasWebLink() && c.URL != c.Value
}

// HasWebLink reports whether c links to a web address: it has a link and
// the link is not mailto: or tel:, whose target is the value itself. A
// renderer writes a web link's address (whole, or as DisplayURL shortens
// it) where it would write the value of any other contact.
func (c Contact) HasWebLink() bool {
	return c.URL != "" && !strings.HasPrefix(c.URL, "mailto:") && !strings.HasPrefix(c.URL, "tel:")
}

// Contacts lists the ways to reach the person, in a fixed order.
func (r *Resume) Contacts() []Contact {
	b := r.Basics
	var cs []Contact
	if b.Email != "" {
		c := Contact{Label: "Email", Value: b.Email}
		if looksLikeEmail(b.Email) {
			c.URL = "mailto:" + b.Email
		}
		cs = append(cs, c)
	}
	if b.Phone != "" {
		cs = append(cs, Contact{Label: "Phone", Value: b.Phone, URL: "tel:" + strings.Join(strings.Fields(b.Phone), "")})
	}
	if b.URL != "" {
		cs = append(cs, Contact{Label: "Web", Value: b.URL, URL: Link(b.URL, "")})
	}
	for _, p := range b.Profiles {
		label := p.Network
		if label == "" {
			label = "Profile"
		}
		value := p.Username
		if value == "" {
			value = p.URL
		}
		for _, d := range extraDetails(p.Extra) {
			value = joinNonEmpty(" · ", value, detailText(d))
		}
		if value == "" {
			continue
		}
		cs = append(cs, Contact{Label: label, Value: value, URL: Link(p.URL, b.URL)})
	}
	if loc := b.Location.String(); loc != "" {
		cs = append(cs, Contact{Label: "Location", Value: loc})
	}
	return cs
}

// String joins the parts of a location that are set, and any other values
// the file gave it (a country, say).
func (l *Location) String() string {
	if l == nil {
		return ""
	}
	parts := []string{l.Address, strings.TrimSpace(l.PostalCode + " " + l.City), l.Region, l.CountryCode}
	for _, d := range extraDetails(l.Extra) {
		parts = append(parts, detailText(d))
	}
	return joinNonEmpty(", ", parts...)
}

// detailText writes a detail's value on one line.
func detailText(d Detail) string {
	if d.Text != "" {
		return d.Text
	}
	return strings.Join(d.Items, ", ")
}

func looksLikeEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " <>()[]\\,;:\"#")
}

// Tiers splits a skill's Ranking ("Golang = C/C++ > TypeScript = Python")
// into tiers, strongest first; without a ranking it returns nil.
func (s Skill) Tiers() [][]string {
	if strings.TrimSpace(s.Ranking) == "" {
		return nil
	}
	var tiers [][]string
	for _, group := range strings.Split(s.Ranking, ">") {
		var tier []string
		for _, name := range strings.Split(group, "=") {
			if name = strings.TrimSpace(name); name != "" {
				tier = append(tier, name)
			}
		}
		if len(tier) > 0 {
			tiers = append(tiers, tier)
		}
	}
	return tiers
}

// Sections returns the résumé's non-empty sections in display order. The
// overview is always first; its single entry carries the summary and, as
// Details, the basics the schema does not define. After the sections the
// schema defines come the file's other top-level keys, in file order, as
// generic sections: ID and title from the key ("techStack" is tech-stack,
// "Tech Stack"), entries built from their usual fields (see Entry).
func (r *Resume) Sections() []Section {
	secs := []Section{{ID: SectionOverview, Title: "Overview", Entries: []Entry{{
		Title:    r.Basics.Name,
		Subtitle: r.Basics.Label,
		Summary:  r.Basics.Summary,
		Details:  extraDetails(r.Basics.Extra),
	}}}}
	// taken holds every ID the schema's sections use, shown or not, so a
	// generic section never takes one.
	taken := map[string]bool{SectionOverview: true}
	add := func(id, title string, entries []Entry) {
		taken[id] = true
		if len(entries) > 0 {
			secs = append(secs, Section{ID: id, Title: title, Entries: entries})
		}
	}
	add(SectionEducation, "Education", mapEntries(r.Education, educationEntry))
	add(SectionExperience, "Experience", mapEntries(r.Work, workEntry))
	add(SectionProjects, "Projects", mapEntries(r.Projects, projectEntry))
	add(SectionTeaching, "Teaching", mapEntries(r.Teaching, workEntry))
	add(SectionVolunteer, "Volunteer", mapEntries(r.Volunteer, volunteerEntry))
	add(SectionAwards, "Awards", mapEntries(r.Awards, awardEntry))
	add(SectionCertificates, "Certificates", mapEntries(r.Certificates, certificateEntry))
	add(SectionPublications, "Publications", mapEntries(r.Publications, publicationEntry))
	add(SectionSkills, "Skills", mapEntries(r.Skills, skillEntry))
	add(SectionLanguages, "Languages", mapEntries(r.Languages, languageEntry))
	add(SectionInterests, "Interests", mapEntries(r.Interests, interestEntry))
	add(SectionReferences, "References", mapEntries(r.References, referenceEntry))
	secs = append(secs, r.genericSections(taken)...)
	for i := range secs {
		for j := range secs[i].Entries {
			e := &secs[i].Entries[j]
			if l := Link(e.URL, r.Basics.URL); l != "" {
				e.URL = l
			}
		}
	}
	return secs
}

func mapEntries[T any](items []T, f func(T) Entry) []Entry {
	var out []Entry
	for _, it := range items {
		if e := f(it); !e.empty() {
			out = append(out, e)
		}
	}
	return out
}

func (e Entry) empty() bool {
	return e.Title == "" && e.Subtitle == "" && e.Where == "" && e.When == "" && e.URL == "" &&
		len(e.Tags) == 0 && e.Summary == "" && len(e.Bullets) == 0 && len(e.Tiers) == 0 && len(e.Details) == 0
}

func workEntry(w Work) Entry {
	summary := w.Summary
	if w.Description != "" {
		summary = joinNonEmpty("\n\n", w.Description, w.Summary)
	}
	return Entry{
		Title: w.Name, Subtitle: w.Position, Where: w.Location, When: period(w.StartDate, w.EndDate, w.Expected),
		URL: w.URL, Tags: w.Keywords, Summary: summary, Bullets: w.Highlights,
		Details: extraDetails(w.Extra),
	}
}

func volunteerEntry(v Volunteer) Entry {
	return Entry{
		Title: v.Organization, Subtitle: v.Position, When: period(v.StartDate, v.EndDate, v.Expected),
		URL: v.URL, Summary: v.Summary, Bullets: v.Highlights,
		Details: extraDetails(v.Extra),
	}
}

func educationEntry(e Education) Entry {
	degree := joinNonEmpty(" in ", e.StudyType, e.Area)
	summary := e.Summary
	if e.Score != "" {
		summary = joinNonEmpty("\n\n", summary, "Score: "+e.Score)
	}
	return Entry{
		Title: e.Institution, Subtitle: degree, Where: e.Location, When: period(e.StartDate, e.EndDate, e.Expected),
		URL: e.URL, Summary: summary, Bullets: e.Courses,
		Details: extraDetails(e.Extra),
	}
}

func awardEntry(a Award) Entry {
	when := FormatDate(a.Date)
	if a.Dates != "" {
		when = joinNonEmpty(", ", when, a.Dates)
	}
	return Entry{Title: a.Title, Subtitle: a.Awarder, When: when, URL: a.URL, Summary: a.Summary, Details: extraDetails(a.Extra)}
}

func certificateEntry(c Certificate) Entry {
	return Entry{Title: c.Name, Subtitle: c.Issuer, When: FormatDate(c.Date), URL: c.URL, Details: extraDetails(c.Extra)}
}

func publicationEntry(p Publication) Entry {
	return Entry{Title: p.Name, Subtitle: p.Publisher, When: FormatDate(p.ReleaseDate), URL: p.URL, Summary: p.Summary, Details: extraDetails(p.Extra)}
}

func projectEntry(p Project) Entry {
	sub := joinNonEmpty(" · ", strings.Join(p.Roles, ", "), joinNonEmpty(", ", p.Type, p.Entity))
	return Entry{
		Title: p.Name, Subtitle: sub, When: period(p.StartDate, p.EndDate, p.Expected), URL: p.URL,
		Tags: p.Keywords, Summary: p.Description, Bullets: p.Highlights,
		Details: extraDetails(p.Extra),
	}
}

func skillEntry(s Skill) Entry {
	return Entry{Title: s.Name, Subtitle: s.Level, Tags: s.Keywords, Tiers: s.Tiers(), Details: extraDetails(s.Extra)}
}

func languageEntry(l Language) Entry {
	return Entry{Title: l.Language, Subtitle: l.Fluency, Details: extraDetails(l.Extra)}
}

func interestEntry(i Interest) Entry {
	return Entry{Title: i.Name, Tags: i.Keywords, Details: extraDetails(i.Extra)}
}

func referenceEntry(r Reference) Entry {
	return Entry{Title: r.Name, Summary: r.Reference, Details: extraDetails(r.Extra)}
}

// period is Period with an end date that is expected rather than
// reached, written so ("expected June 2023", "September 2021 – expected
// June 2023"): flagged with the Expected extension, or after today.
func period(start, end string, expected bool) string {
	if end == "" || (!expected && !future(end, time.Now())) {
		return Period(start, end)
	}
	when := "expected " + FormatDate(end)
	if start != "" && start != end {
		when = FormatDate(start) + " – " + when
	}
	return when
}

// future reports whether the partial date d (YYYY, YYYY-MM or
// YYYY-MM-DD) begins after now's day: a period still running, such as
// this month, has not ended but is not in the future either.
func future(d string, now time.Time) bool {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, d); err == nil {
			y, m, day := now.Date()
			return t.After(time.Date(y, m, day, 0, 0, 0, 0, time.UTC))
		}
	}
	return false
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// MetaLine describes the document itself (JSON Resume meta), or is "".
func (r *Resume) MetaLine() string {
	m := r.Meta
	if m == nil {
		return ""
	}
	var parts []string
	if m.Version != "" {
		parts = append(parts, "version "+m.Version)
	}
	if m.LastModified != "" {
		parts = append(parts, "last modified "+m.LastModified)
	}
	if m.Canonical != "" {
		parts = append(parts, "canonical copy "+m.Canonical)
	}
	if len(parts) == 0 {
		return ""
	}
	return "Document: " + strings.Join(parts, ", ")
}

// SectionIDs lists the IDs of r's sections in display order: the names a
// visitor may open directly (ssh host experience).
func (r *Resume) SectionIDs() []string {
	secs := r.Sections()
	ids := make([]string, len(secs))
	for i, s := range secs {
		ids[i] = s.ID
	}
	return ids
}

// LookupSection finds the section a visitor named among r's sections; see
// FindSection.
func (r *Resume) LookupSection(name string) (string, bool) {
	return FindSection(r.Sections(), name)
}

// FindSection finds the section a visitor named, as names.Resolve does:
// its ID or title in any case, or a prefix of one that fits no other
// section. It returns the section's ID.
func FindSection(secs []Section, name string) (string, bool) {
	res := names.Resolve(name, SectionNames(secs))
	return res.Name, res.Found()
}

// SectionNames lists secs as names a visitor may type: each section's ID,
// with its title as another spelling.
func SectionNames(secs []Section) []names.Candidate {
	out := make([]names.Candidate, len(secs))
	for i, s := range secs {
		out[i] = names.Candidate{Name: s.ID, Aliases: []string{s.Title}}
	}
	return out
}

// Headline says who the person is, in a line or a few: the label when
// the résumé has one; else what they are doing now, from the entries
// still running (studies not finished, then jobs without an end), each
// as "what · where". It is empty when the résumé says neither.
func (r *Resume) Headline() []string {
	if l := OneLine(r.Basics.Label); l != "" {
		return []string{l}
	}
	now := time.Now()
	var out []string
	for _, e := range r.Education {
		if e.EndDate != "" && (e.Expected || future(e.EndDate, now)) {
			out = append(out, joinNonEmpty(" · ", joinNonEmpty(" in ", e.StudyType, e.Area), e.Institution))
		}
	}
	for _, w := range r.Work {
		if w.StartDate != "" && (w.EndDate == "" || IsPresent(w.EndDate) || w.Expected || future(w.EndDate, now)) {
			out = append(out, joinNonEmpty(" · ", w.Position, w.Name))
		}
	}
	keep := out[:0]
	for _, l := range out {
		if l != "" {
			keep = append(keep, l)
		}
	}
	return keep
}

// Updated is when the résumé was last changed, from meta.lastModified,
// written for people ("20 November 2026"), or "".
func (r *Resume) Updated() string {
	if r.Meta == nil {
		return ""
	}
	lm := strings.TrimSpace(r.Meta.LastModified)
	if len(lm) > 10 && lm[10] == 'T' {
		lm = lm[:10] // an ISO 8601 time: the day is enough
	}
	return FormatDate(lm)
}

// OneLine is s on one line, as a title, a label or a date column shows
// it: every run of white space (newlines and tabs included) becomes one
// space, and white space at the ends is dropped. The renderers write every
// one-line field through it, so that a field's line breaks cannot break
// their layout.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
