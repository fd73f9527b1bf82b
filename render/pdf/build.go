package pdf

import (
	"strings"

	"github.com/laphets/resume/content"
)

// The design: a single column, so that the reading order is the order of
// the content for people and parsers alike. The name large, the label
// under it, the contacts in one line of links, the summary; then each
// section under a small-caps heading and a hairline. An entry is its title
// (bold) with the dates flush right, the position (italic) with the place
// flush right, keywords in grey, then prose and bullets with hanging
// indents. Sections of plain facts (skills, languages) are a two-column
// table of names and values.

// Type sizes and leadings, in points.
const (
	nameSize    = 24
	labelSize   = 12
	bodySize    = 9.5
	bodyLead    = 12.2
	smallSize   = 8.4
	smallLead   = 11
	titleSize   = 10
	headingSize = 12

	entryGap   = 6   // between entries
	sectionGap = 12  // above a heading
	bulletIn   = 13  // text indent of a bullet
	paraGap    = 2.5 // between paragraphs of a summary
	factsGap   = 3.5 // between rows of a facts table
	columnGap  = 12  // between a facts table's columns
)

var (
	stBody    = style{faceRegular, bodySize, ink}
	stTitle   = style{faceBold, titleSize, ink}
	stSub     = style{faceItalic, bodySize, ink}
	stWhen    = style{faceRegular, 9, muted}
	stWhere   = style{faceItalic, 9, muted}
	stTags    = style{faceRegular, smallSize, muted}
	stLink    = style{faceRegular, smallSize, accent}
	stBullet  = style{faceBold, bodySize, accent}
	stHeading = style{faceSmallCaps, headingSize, accent}
	stSep     = style{faceRegular, bodySize, muted}
)

func (d *doc) add(b *block) { d.blocks = append(d.blocks, b) }

// build lays out the whole résumé into blocks.
func (d *doc) build(r *content.Resume) {
	secs := r.Sections()
	// One name column for every table of facts, so that they align.
	for _, sec := range secs[1:] {
		if facts(sec) {
			for _, e := range sec.Entries {
				d.factCol = max(d.factCol, d.measure(stTitle, content.OneLine(e.Title)))
			}
		}
	}
	d.factCol = min(max(d.factCol, 80), d.width*0.3)
	d.header(secs[0].Entries[0], r.Contacts())
	for _, sec := range secs[1:] {
		d.section(sec)
	}
	if m := r.MetaLine(); m != "" {
		b := &block{spaceBefore: sectionGap}
		b.addLines(d.wrap([]run{{st: stTags, text: m, autolink: true}}, d.full(smallLead)))
		d.add(b)
	}
}

func (d *doc) full(lh float64) frame { return frame{0, d.width, 0, d.width, lh} }

// header is the name, the label, the contacts and the summary.
func (d *doc) header(over content.Entry, contacts []content.Contact) {
	b := &block{}
	if name := content.OneLine(over.Title); name != "" {
		b.addLines(d.wrap([]run{{st: style{faceBold, nameSize, ink}, text: name}}, d.full(nameSize*1.2)))
	}
	if label := content.OneLine(over.Subtitle); label != "" {
		b.addLines(d.wrap([]run{{st: style{faceRegular, labelSize, muted}, text: label}}, d.full(labelSize*1.4)))
	}
	if len(contacts) > 0 {
		b.space(4)
		var runs []run
		for i, c := range contacts {
			if i > 0 {
				runs = append(runs, run{st: style{faceRegular, smallSize + 0.7, hair}, text: "  |  "})
			}
			runs = append(runs, contactRuns(c)...)
		}
		b.addLines(d.wrap(runs, d.full(smallLead+1)))
	}
	d.add(b)
	if s := strings.TrimSpace(over.Summary); s != "" || len(over.Details) > 0 {
		sb := &block{spaceBefore: 9}
		d.paragraphs(sb, s, d.full(bodyLead))
		d.details(sb, over.Details)
		d.add(sb)
	}
}

// contactRuns shows a contact as the other renderers do, the network's
// name then the user name ("GitHub Laphets"), as a link; an address that
// says what it is (e-mail, phone, place, web site) stands alone.
func contactRuns(c content.Contact) []run {
	st := style{faceRegular, smallSize + 0.7, ink}
	if c.URL != "" {
		st.color = accent
	}
	value := content.OneLine(c.Value)
	switch c.Label {
	case "Email", "Phone", "Location":
		return []run{{st: st, text: value, link: c.URL}}
	case "Web":
		return []run{{st: st, text: content.DisplayURL(value), link: c.URL}}
	}
	label := style{faceRegular, smallSize + 0.7, muted}
	return []run{{st: label, text: content.OneLine(c.Label) + " "}, {st: st, text: value, link: c.URL}}
}

// section is a heading kept with the first entry, then the entries.
func (d *doc) section(sec content.Section) {
	h := &block{spaceBefore: sectionGap, keepWithNext: true, bookmark: sec.Title}
	h.addLines(d.wrap([]run{{st: stHeading, text: content.OneLine(sec.Title)}}, d.full(headingSize*1.25)))
	h.items = append(h.items, item{h: 3, rule: true})
	h.space(4)
	d.add(h)
	if facts(sec) {
		d.factsTable(sec)
		return
	}
	for i, e := range sec.Entries {
		b := &block{spaceBefore: entryGap}
		switch {
		case i == 0:
			b.spaceBefore = 0
		case brief(e) && brief(sec.Entries[i-1]): // a list of one-liners
			b.spaceBefore = factsGap
		}
		d.entry(b, e)
		d.add(b)
	}
}

// facts reports whether a section's entries are all name and value, with
// nothing that needs an entry's full layout.
func facts(sec content.Section) bool {
	for _, e := range sec.Entries {
		if e.When != "" || e.Where != "" || e.URL != "" || e.Summary != "" || len(e.Bullets) > 0 || e.Title == "" ||
			len(e.Details) > 0 {
			return false
		}
	}
	return true
}

// factsTable sets name and value side by side, the names in a column as
// wide as the widest (within bounds).
func (d *doc) factsTable(sec content.Section) {
	col := d.factCol
	for i, e := range sec.Entries {
		b := &block{spaceBefore: factsGap}
		if i == 0 {
			b.spaceBefore = 0
		}
		left := d.wrap([]run{{st: stTitle, text: e.Title}}, frame{0, col, 0, col, bodyLead})
		w := d.width - col - columnGap
		right := d.wrap(factRuns(e), frame{0, w, 0, w, bodyLead})
		b.addLines(beside(left, right, col+columnGap))
		d.add(b)
	}
}

// factRuns is the value of a fact: the level or fluency, then a skill's
// ranking ("A = B > C", strongest first) and the keywords not in it.
func factRuns(e content.Entry) []run {
	var runs []run
	sep := func(text string) {
		if len(runs) > 0 {
			runs = append(runs, run{st: stSep, text: text})
		}
	}
	if s := content.OneLine(e.Subtitle); s != "" {
		runs = append(runs, run{st: stSub, text: s})
	}
	if len(e.Tiers) > 0 {
		sep(" — ")
		for i, tier := range e.Tiers {
			if i > 0 {
				runs = append(runs, run{st: stSep, text: " > "})
			}
			for j, t := range tier {
				if j > 0 {
					runs = append(runs, run{st: stSep, text: " = "})
				}
				runs = append(runs, run{st: stBody, text: t})
			}
		}
	}
	// The other keywords follow the tiers as one more group (" · "), or
	// the facts as a list of their own (" — ").
	lead := " — "
	if len(e.Tiers) > 0 {
		lead = " · "
	}
	for i, t := range e.UnrankedTags() {
		if i == 0 {
			sep(lead)
		} else {
			runs = append(runs, run{st: stSep, text: " · "})
		}
		runs = append(runs, run{st: stBody, text: t})
	}
	return runs
}

// entry lays out a job, a degree, a project: the heading lines, keywords,
// link, prose and bullets.
func (d *doc) entry(b *block, e content.Entry) {
	title, sub := content.OneLine(e.Title), content.OneLine(e.Subtitle)
	if title == "" {
		title, sub = sub, ""
	}
	head := []run{{st: stTitle, text: title}}
	// Without a place for its second line, the subtitle joins the title.
	if sub != "" && e.Where == "" {
		head = append(head, run{st: stSep, text: " — "}, run{st: stSub, text: sub})
		sub = ""
	}
	summary := strings.TrimSpace(e.Summary)
	// A brief entry (an award and its year) is one line when it fits.
	if brief(e) {
		inline := append(append([]run(nil), head...), run{st: stSep, text: " · "})
		inline = append(inline, markupRuns(summary, stBody)...)
		if ls := d.pair(inline, run{st: stWhen, text: e.When}, d.width, bodyLead+0.4); len(ls) == 1 {
			b.addLines(ls)
			return
		}
	}
	b.addLines(d.pair(head, run{st: stWhen, text: e.When}, d.width, bodyLead+0.4))
	if sub != "" || e.Where != "" {
		b.addLines(d.pair([]run{{st: stSub, text: sub}}, run{st: stWhere, text: e.Where}, d.width, bodyLead))
	}
	var tags []run
	for _, t := range e.UnrankedTags() {
		if len(tags) > 0 {
			tags = append(tags, run{st: stTags, text: " · "})
		}
		tags = append(tags, run{st: stTags, text: t})
	}
	if len(tags) > 0 {
		b.addLines(d.wrap(tags, d.full(smallLead)))
	}
	if e.URL != "" {
		b.addLines(d.wrap([]run{{st: stLink, text: e.URL, link: e.URL}}, d.full(smallLead)))
	}
	if len(e.Tiers) > 0 {
		b.addLines(d.wrap(factRuns(content.Entry{Tiers: e.Tiers}), d.full(bodyLead)))
	}
	if summary != "" {
		b.space(1)
		d.paragraphs(b, summary, d.full(bodyLead))
	}
	if len(e.Bullets) > 0 {
		b.space(1)
	}
	for _, bl := range e.Bullets {
		ls := d.wrap(markupRuns(bl, stBody), frame{bulletIn, d.width - bulletIn, bulletIn, d.width - bulletIn, bodyLead})
		ls[0].frags = append([]placed{{x: 3, st: stBullet, text: "•", w: d.measure(stBullet, "•")}}, ls[0].frags...)
		b.addLines(ls)
	}
	d.details(b, e.Details)
}

// brief reports whether e is a heading and a one-line note, nothing more.
func brief(e content.Entry) bool {
	s := strings.TrimSpace(e.Summary)
	return s != "" && !strings.Contains(s, "\n") && e.Where == "" && e.URL == "" && len(e.Tags) == 0 &&
		len(e.Bullets) == 0 && len(e.Tiers) == 0 && len(e.Details) == 0 && e.Title != ""
}

// paragraphs adds the owner's text (inline markup read by
// content.Markup) as paragraphs, one per line of it; lead, when set, starts
// the first (a detail's label).
func (d *doc) paragraphs(b *block, text string, fr frame, lead ...run) {
	for i, p := range markupParagraphs(text, stBody) {
		if i > 0 {
			b.space(paraGap)
		} else {
			p = append(append([]run(nil), lead...), p...)
		}
		b.addLines(d.wrap(p, fr))
	}
}

// markupParagraphs reads s's inline markup into runs in base's size and
// colour, split into paragraphs at its line breaks; blank ones are dropped.
func markupParagraphs(s string, base style) [][]run {
	paras := content.Paragraphs(content.Markup(s))
	out := make([][]run, len(paras))
	for i, para := range paras {
		out[i] = make([]run, len(para))
		for j, sp := range para {
			out[i][j] = spanRun(sp, base)
		}
	}
	return out
}

// markupRuns reads s's inline markup (content.Markup) into runs, a line
// break a newline run.
func markupRuns(s string, base style) []run {
	var runs []run
	for _, sp := range content.Markup(s) {
		if sp.Text == "\n" {
			runs = append(runs, run{newline: true})
			continue
		}
		runs = append(runs, spanRun(sp, base))
	}
	return runs
}

// spanRun is a span of inline markup as a run in base's size and colour:
// strong is bold, emphasis italic, code the monospaced face, links
// clickable in the accent colour; bare web addresses in the text link to
// themselves.
func spanRun(sp content.Span, base style) run {
	st := base
	bold := sp.Strong || base.face == faceBold || base.face == faceBoldItalic
	italic := sp.Emph || base.face == faceItalic || base.face == faceBoldItalic
	switch {
	case sp.Code:
		st.face = faceMono
	case bold && italic:
		st.face = faceBoldItalic
	case bold:
		st.face = faceBold
	case italic:
		st.face = faceItalic
	}
	r := run{st: st, text: sp.Text, link: sp.URL, autolink: sp.URL == ""}
	if sp.URL != "" {
		r.st.color = accent
	}
	return r
}

// details adds an entry's fields that have no place of their own: "Label:
// text", or the label over its items.
func (d *doc) details(b *block, ds []content.Detail) {
	label := style{faceItalic, bodySize, muted}
	for _, dt := range ds {
		name := content.OneLine(dt.Label)
		if dt.Text != "" {
			b.space(1)
			d.paragraphs(b, dt.Text, d.full(bodyLead), run{st: label, text: name + ": "})
			continue
		}
		b.space(1)
		b.addLines(d.wrap([]run{{st: label, text: name + ":"}}, d.full(bodyLead)))
		for _, it := range dt.Items {
			ls := d.wrap(markupRuns(it, stBody), frame{bulletIn, d.width - bulletIn, bulletIn, d.width - bulletIn, bodyLead})
			if len(ls) == 0 {
				continue
			}
			ls[0].frags = append([]placed{{x: 3, st: stSep, text: "–", w: d.measure(stSep, "–")}}, ls[0].frags...)
			b.addLines(ls)
		}
	}
}
