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
		b.WriteString("- " + mdInline(h) + "\n")
	}
	if len(e.Bullets) > 0 {
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

// mdBlock writes paragraphs, one per line of text.
func mdBlock(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(s, "\n") {
		if para = oneLine(para); para != "" {
			b.WriteString(mdInline(para) + "\n\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`, "~", `\~`, "!", `\!`,
)

// mdInline escapes text so that it reads as itself on one line: markup
// characters get a backslash, and a line that would start a list or a
// heading does not.
func mdInline(s string) string {
	s = mdEscaper.Replace(oneLine(s))
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
	return "[" + mdInline(text) + "](" + mdURL.Replace(oneLine(url)) + ")"
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

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
