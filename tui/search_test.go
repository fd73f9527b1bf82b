package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
)

// searchSizes are windows whose panes wrap the default résumé's prose at
// different words, with tabs and with the sidebar.
var searchSizes = [][2]int{{40, 12}, {50, 16}, {60, 20}, {72, 24}, {80, 24}, {100, 30}, {120, 40}, {200, 60}}

// matchedText is what a match covers, its pieces joined as the query reads.
func matchedText(m *Model, mt match) string {
	var parts []string
	for _, h := range mt.hits() {
		parts = append(parts, cutCells(m.doc.pages[mt.sec].plain[h.line], h.start, h.end))
	}
	return strings.Join(parts, " ")
}

func TestSearchFindsPhrasesBrokenByWrapping(t *testing.T) {
	queries := []string{
		"kernel bypass", "user-level", "kernel bypass strategy and user-level TCP stack",
		"Tianyin Xu", "ZJU-UIUC Institute",
	}
	for _, sz := range searchSizes {
		for _, q := range queries {
			t.Run(fmt.Sprintf("%dx%d/%s", sz[0], sz[1], q), func(t *testing.T) {
				m := newModel(t, "", sz[0], sz[1])
				keys(t, m, "/")
				send(m, tea.PasteMsg{Content: q})
				s := m.search
				if len(s.matches) == 0 {
					t.Fatalf("%q not found at %dx%d", q, sz[0], sz[1])
				}
				for _, mt := range s.matches {
					got := strings.Join(strings.Fields(matchedText(m, mt)), " ")
					// A word broken at a hyphen joins without a space.
					if !strings.EqualFold(got, q) && !strings.EqualFold(strings.ReplaceAll(got, "- ", "-"), q) {
						t.Errorf("match %+v covers %q, want %q", mt, got, q)
					}
				}
				// Every line of the current match is highlighted.
				cur := s.matches[s.cur]
				view := m.View().Content
				for _, h := range cur.hits() {
					piece := cutCells(m.doc.pages[cur.sec].plain[h.line], h.start, h.end)
					if !strings.Contains(view, m.st.MatchCurrent.Render(piece)) {
						t.Errorf("the piece %q of the current match is not highlighted:\n%s", piece, plainView(m))
					}
				}
				checkFits(t, m, sz[0], sz[1], q)
			})
		}
	}
}

// Every bullet of the résumé is found, as its first words, at every
// width: whatever the wrapping, search reads the content's text.
func TestSearchFindsEveryBulletAtEveryWidth(t *testing.T) {
	var phrases []string
	for _, sec := range content.Default().Sections() {
		for _, e := range sec.Entries {
			for _, b := range e.Bullets {
				r := []rune(b)
				phrases = append(phrases, strings.TrimSpace(string(r[:min(len(r), maxQuery)])))
			}
		}
	}
	if len(phrases) < 10 {
		t.Fatalf("only %d bullets in the default résumé", len(phrases))
	}
	for _, sz := range searchSizes {
		m := newModel(t, "", sz[0], sz[1])
		for _, q := range phrases {
			if got := findMatches(m.doc, q); len(got) == 0 {
				t.Errorf("%dx%d: %q not found", sz[0], sz[1], q)
			}
		}
	}
}

func TestSearchDoesNotCrossParagraphs(t *testing.T) {
	plain := []string{"● alpha", "│", "│ beta gamma", "│ delta"}
	d := &document{pages: []page{{plain: plain, spans: textSpans(plain)}}}
	if got := findMatches(d, "alpha beta"); len(got) != 0 {
		t.Errorf("alpha beta matched across a blank line: %+v", got)
	}
	got := findMatches(d, "gamma delta")
	if len(got) != 1 || got[0].line != 2 || len(got[0].more) != 1 || got[0].more[0] != (hit{line: 3, start: 2, end: 7}) {
		t.Errorf("gamma delta: %+v", got)
	}
	if got := findMatches(d, "  GAMMA   "); len(got) != 1 || got[0].start != 7 || got[0].end != 12 {
		t.Errorf("a padded query: %+v", got)
	}
}
