package text_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/text"
)

func TestWrapURL(t *testing.T) {
	for _, tt := range []struct {
		u     string
		width int
		want  []string
	}{
		{"linkedin.com/in/WengingLuo", 40, []string{"linkedin.com/in/WengingLuo"}},
		{"linkedin.com/in/WengingLuo", 20, []string{"linkedin.com/in/", "WengingLuo"}},
		{"example.com/a/very/long/path", 16, []string{"example.com/a/", "very/long/path"}},
		{"example.com/abcdefghijklmnopqrstuvwxyz", 16, []string{"example.com/", "abcdefghijklmnop", "qrstuvwxyz"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
	} {
		got := text.WrapURL(tt.u, tt.width)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("WrapURL(%q, %d) = %q, want %q", tt.u, tt.width, got, tt.want)
		}
		if strings.Join(got, "") != tt.u {
			t.Errorf("WrapURL(%q, %d) lost characters: %q", tt.u, tt.width, got)
		}
	}
}

// lines returns the lines from the one starting with from up to the next
// blank line.
func block(out, from string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case len(got) == 0 && strings.HasPrefix(l, from):
			got = append(got, l)
		case len(got) > 0 && l == "":
			return got
		case len(got) > 0:
			got = append(got, l)
		}
	}
	return got
}

// A contact's link stays under its value at every width: shortened
// before it is broken, broken at a slash, never moved left of the column.
func TestContactLinksKeepTheirIndent(t *testing.T) {
	r := content.Default()
	for w := text.MinWidth; w <= 120; w++ {
		out := text.Render(r, w)
		contacts := block(out, "  Email")
		if len(contacts) == 0 {
			contacts = block(out, "Email")
		}
		var linkedin []string
		for i, l := range contacts {
			if strings.Contains(l, "LinkedIn") {
				linkedin = contacts[i:]
				break
			}
		}
		if len(linkedin) == 0 {
			t.Fatalf("width %d: no LinkedIn contact:\n%s", w, strings.Join(contacts, "\n"))
		}
		col := strings.Index(linkedin[0], "WengingLuo")
		for _, l := range linkedin[1:] {
			if ind := len(l) - len(strings.TrimLeft(l, " ")); ind != col {
				t.Errorf("width %d: link line %q starts at %d, not under the value (%d)", w, l, ind, col)
			}
		}
		if joined := strings.Join(strings.Fields(strings.Join(linkedin, " ")), ""); !strings.Contains(joined, "linkedin.com/in/WengingLuo") {
			t.Errorf("width %d: the LinkedIn address is lost: %q", w, linkedin)
		}
		if w >= 40 && len(linkedin) > 2 {
			t.Errorf("width %d: the link is broken though its short form fits:\n%s", w, strings.Join(linkedin, "\n"))
		}
	}
}

// Keywords wrap between keywords: one that fits on a line is never
// broken, at any width.
func TestKeywordsWrapBetweenKeywords(t *testing.T) {
	r := content.Default()
	var keywords []string
	for _, sec := range r.Sections() {
		for _, e := range sec.Entries {
			keywords = append(keywords, e.Tags...)
		}
	}
	for w := text.MinWidth; w <= 120; w++ {
		out := text.Render(r, w)
		for _, k := range keywords {
			if ansi.StringWidth(k)+6 > w {
				continue // wider than a line: the only kind that may break
			}
			if !strings.Contains(out, k) {
				t.Errorf("width %d: keyword %q is broken across lines", w, k)
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("width %d: line %d is %d wide: %q", w, i+1, lw, l)
			}
			if t2 := strings.TrimSpace(l); strings.HasPrefix(t2, "·") || strings.HasSuffix(t2, "·") {
				t.Errorf("width %d: line %d starts or ends with a separator: %q", w, i+1, l)
			}
		}
	}
}
