package tui

import (
	"strings"

	"github.com/laphets/resume/content"
)

// Goodbye is what a visitor reads on their own screen after quitting,
// once the alternate screen is gone: the name and the ways to reach the
// person, as text they can copy after leaving, then a thank-you. Lines
// break between items to fit width (0: no limit); it ends with a newline.
func Goodbye(r *content.Resume, width int) string {
	items := []string{content.OneLine(r.Basics.Name)}
	for _, c := range r.Contacts() {
		if c.Label == "Location" {
			continue
		}
		items = append(items, shortURL(c))
	}
	if width <= 0 {
		width = 1 << 20
	}
	var lines []string
	cur, curW := "", 0
	for _, it := range items {
		w := cellWidth(it)
		switch {
		case it == "":
		case curW > 0 && curW+3+w <= width:
			cur, curW = cur+" · "+it, curW+3+w
		case w <= width:
			if curW > 0 {
				lines = append(lines, cur)
			}
			cur, curW = it, w
		default: // wider than the window: on lines of its own
			if curW > 0 {
				lines = append(lines, cur)
			}
			lines = append(lines, wrap(it, width)...)
			cur, curW = "", 0
		}
	}
	if curW > 0 {
		lines = append(lines, cur)
	}
	lines = append(lines, "Thanks for visiting.")
	return strings.Join(lines, "\n") + "\n"
}
