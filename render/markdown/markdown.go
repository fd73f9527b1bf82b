// Package markdown renders a résumé as CommonMark.
package markdown

import (
	"strconv"
	"strings"

	"github.com/laphets/resume/content"
)

// Render renders r as CommonMark: the name as the title, a
// second-level heading per section and a third-level one per entry. Text
// from the file is escaped, so it cannot add markup or links of its own.
func Render(r *content.Resume) string {
	var b strings.Builder
	secs := r.Sections()
	over := secs[0].Entries[0]
	if over.Title != "" {
		b.WriteString("# " + mdInline(over.Title) + "\n\n")
	}
	if over.Subtitle != "" {
		b.WriteString("**" + mdInline(over.Subtitle) + "**\n\n")
	}
	if cs := r.Contacts(); len(cs) > 0 {
		for _, c := range cs {
			b.WriteString("- " + mdInline(c.Label) + ": " + mdLink(c.Value, c.URL) + "\n")
		}
		b.WriteString("\n")
	}
	if over.Summary != "" {
		b.WriteString(mdBlock(over.Summary) + "\n")
	}
	mdDetails(&b, over.Details)
	for _, sec := range secs[1:] {
		b.WriteString("## " + mdInline(sec.Title) + "\n\n")
		for _, e := range sec.Entries {
			mdEntry(&b, e)
		}
	}
	if m := r.MetaLine(); m != "" {
		b.WriteString("---\n\n" + mdInline(m) + "\n")
	}
	return b.String()
}

func mdEntry(b *strings.Builder, e content.Entry) {
	title := e.Title
	if title == "" {
		title = e.Subtitle
	}
	b.WriteString("### " + mdInline(title) + "\n\n")
	var facts []string
	if e.Subtitle != "" && e.Title != "" {
		facts = append(facts, "*"+mdInline(e.Subtitle)+"*")
	}
	for _, f := range []string{e.Where, e.When} {
		if f != "" {
			facts = append(facts, mdInline(f))
		}
	}
	if len(facts) > 0 {
		b.WriteString(strings.Join(facts, " · ") + "\n\n")
	}
	if e.URL != "" {
		b.WriteString(mdLink(e.URL, e.URL) + "\n\n")
	}
	ranked := map[string]bool{}
	for i, tier := range e.Tiers {
		for _, t := range tier {
			ranked[t] = true
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + mdJoin(tier) + "\n")
	}
	if len(e.Tiers) > 0 {
		b.WriteString("\n")
	}
	var tags []string
	for _, t := range e.Tags {
		if !ranked[t] {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		b.WriteString(mdJoin(tags) + "\n\n")
	}
	if e.Summary != "" {
		b.WriteString(mdBlock(e.Summary) + "\n")
	}
	for _, h := range e.Bullets {
		b.WriteString("- " + mdMarkup(h) + "\n")
	}
	if len(e.Bullets) > 0 {
		b.WriteString("\n")
	}
	mdDetails(b, e.Details)
}

// mdDetails writes the fields the schema does not define as a list:
// "**Label:** text", or the label over a nested list of its items.
func mdDetails(b *strings.Builder, ds []content.Detail) {
	for _, d := range ds {
		b.WriteString("- **" + mdInline(d.Label) + ":**")
		if d.Text != "" {
			b.WriteString(" " + mdMarkup(d.Text) + "\n")
			continue
		}
		b.WriteString("\n")
		for _, it := range d.Items {
			b.WriteString("  - " + mdMarkup(it) + "\n")
		}
	}
	if len(ds) > 0 {
		b.WriteString("\n")
	}
}

func mdJoin(items []string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = mdInline(it)
	}
	return strings.Join(out, " · ")
}

// mdBlock writes paragraphs, one per line of text, keeping their inline
// markup (see mdMarkup).
func mdBlock(s string) string {
	var b strings.Builder
	for _, para := range content.Paragraphs(content.Markup(s)) {
		b.WriteString(mdSpans(para) + "\n\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// mdMarkup writes text with inline markup (Markdown or HTML, see
// content.Markup) as CommonMark on one line: emphasis, code and links kept,
// everything else escaped.
func mdMarkup(s string) string {
	paras := content.Paragraphs(content.Markup(s))
	parts := make([]string, len(paras))
	for i, line := range paras {
		parts[i] = mdSpans(line)
	}
	return strings.Join(parts, " ")
}

func mdSpans(spans []content.Span) string {
	var b strings.Builder
	for _, sp := range spans {
		text := sp.Text
		if b.Len() == 0 {
			text = strings.TrimLeft(text, " \t")
		}
		core := strings.TrimSpace(text)
		if core == "" {
			b.WriteString(content.OneLine(text) + strings.Repeat(" ", min(len(text), 1)))
			continue
		}
		lead := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
		trail := text[len(strings.TrimRight(text, " \t")):]
		var m string
		if sp.Code {
			m = mdCode(content.OneLine(core))
		} else {
			m = mdEscaper.Replace(content.OneLine(core))
		}
		if sp.Emph {
			m = "*" + m + "*"
		}
		if sp.Strong {
			m = "**" + m + "**"
		}
		if sp.URL != "" && linkable(sp.URL) {
			m = "[" + m + "](" + mdURL.Replace(content.OneLine(sp.URL)) + ")"
		}
		if lead != "" {
			b.WriteByte(' ')
		}
		b.WriteString(m)
		if trail != "" {
			b.WriteByte(' ')
		}
	}
	return mdLineStart(content.OneLine(b.String()))
}

// mdCode writes a code span, with enough backticks around it.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`, "~", `\~`, "!", `\!`,
)

// mdInline escapes text so that it reads as itself on one line: markup
// characters get a backslash, and a line that would start a list or a
// heading does not.
func mdInline(s string) string {
	return mdLineStart(mdEscaper.Replace(content.OneLine(s)))
}

// mdLineStart escapes what would start a list or a heading at the start of
// a line.
func mdLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+', '=':
		return `\` + s
	}
	// "1. " or "1) " would start an ordered list.
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// mdLink writes a link with text as its words; the target is escaped so
// that spaces, brackets and parentheses cannot end it early.
func mdLink(text, url string) string {
	if !linkable(url) {
		return mdInline(text)
	}
	return "[" + mdInline(text) + "](" + mdURL.Replace(content.OneLine(url)) + ")"
}

// linkable reports whether url may become a link: only the schemes a
// résumé needs, so that a file cannot plant a javascript: or data: link.
func linkable(url string) bool {
	u := strings.ToLower(url)
	for _, scheme := range []string{"https://", "http://", "mailto:", "tel:"} {
		if strings.HasPrefix(u, scheme) {
			return true
		}
	}
	return false
}

var mdURL = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E",
	"[", "%5B", "]", "%5D", `\`, "%5C", "`", "%60")
