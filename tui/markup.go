package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/laphets/resume/content"
)

// Inline markup (content.Markup) and the fields the schema does not
// define (content.Detail), drawn for the pane.

// rich wraps one line of spans to width and styles each piece of each
// line on its own (bold, italic, code, an OSC 8 link), so that a line can
// be shown without the lines around it.
func (b *builder) rich(line []content.Span, width int) []string {
	var plain strings.Builder
	var owner []int // the span of each rune of plain
	styledAny := false
	for i, sp := range line {
		plain.WriteString(sp.Text)
		for range sp.Text {
			owner = append(owner, i)
		}
		styledAny = styledAny || sp.Strong || sp.Emph || sp.Code || sp.URL != ""
	}
	wrapped := wrap(plain.String(), width)
	if !styledAny {
		return wrapped
	}
	runes := []rune(plain.String())
	at := 0
	for i, l := range wrapped {
		var out, cur strings.Builder
		curOwner := -1
		flush := func() {
			if cur.Len() > 0 {
				if curOwner >= 0 {
					out.WriteString(b.spanStyle(line[curOwner]).Render(cur.String()))
				} else {
					out.WriteString(cur.String())
				}
				cur.Reset()
			}
		}
		for _, r := range l {
			// wrap only drops spaces: find this rune in the text.
			for at < len(runes) && runes[at] != r {
				at++
			}
			o := -1
			if at < len(runes) {
				o = owner[at]
				at++
			}
			if o != curOwner {
				flush()
				curOwner = o
			}
			cur.WriteRune(r)
		}
		flush()
		wrapped[i] = out.String()
	}
	return wrapped
}

func (b *builder) spanStyle(sp content.Span) lipgloss.Style {
	st := lipgloss.NewStyle()
	switch {
	case sp.URL != "":
		st = b.st.Link.Hyperlink(linkURI(sp.URL))
	case sp.Code:
		st = b.st.Tag
	}
	if sp.Strong {
		st = st.Bold(true)
	}
	if sp.Emph {
		st = st.Italic(true)
	}
	return st
}

// richText wraps text with inline markup to width, line breaks kept.
func (b *builder) richText(s string, width int) []string {
	lines := content.Lines(content.Markup(s))
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		out = append(out, b.rich(line, width)...)
	}
	return out
}

// details draws the fields the schema does not define: "Label: text" on
// one line when it fits, else the label over its text or items.
func (b *builder) details(ds []content.Detail, w int) {
	st := b.st
	for _, d := range ds {
		label := d.Label + ":"
		if d.Text != "" {
			plain := content.PlainText(d.Text)
			if !strings.Contains(plain, "\n") && cellWidth(label)+1+cellWidth(plain) <= w {
				b.add(st.Muted.Render(label) + " " + strings.Join(b.richText(d.Text, w), ""))
				continue
			}
			b.add(styled(label, w, st.Muted)...)
			b.add(indent(b.richText(d.Text, w-2), "  ", "  ")...)
			continue
		}
		b.add(styled(label, w, st.Muted)...)
		bullet := st.Bullet.Render("– ")
		for _, it := range d.Items {
			b.add(indent(b.richText(it, w-4), "  "+bullet, "    ")...)
		}
	}
}
