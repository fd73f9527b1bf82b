package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
)

// rightEdge is the column after the last non-blank cell of line.
func rightEdge(line string) int { return cellWidth(strings.TrimRight(line, " ")) }

// A section that fits the pane has no scrollbar, and its right-aligned
// dates end where the rules and the footer do.
func TestDatesLineUpWithTheRulesWhenThePaneFits(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		m := newModel(t, content.SectionAwards, sz[0], sz[1])
		if len(m.pager.pane.lines) > m.lay.paneH {
			t.Fatalf("%dx%d: awards should fit the pane", sz[0], sz[1])
		}
		lines := strings.Split(plainView(m), "\n")
		var rule, date, footer int
		for _, l := range lines {
			switch {
			case strings.Contains(l, "──────") && rule == 0:
				rule = rightEdge(l)
			case strings.Contains(l, "2019-20") && date == 0:
				date = rightEdge(l)
			case strings.Contains(l, "quit"):
				footer = rightEdge(l)
			}
		}
		if date != rule || footer != rule {
			t.Errorf("%dx%d: the date ends at %d, the rule at %d, the footer at %d:\n%s", sz[0], sz[1], date, rule, footer, plainView(m))
		}
	}
	// A section that scrolls keeps the room for its scrollbar.
	m := newModel(t, content.SectionExperience, 80, 24)
	if len(m.pager.pane.lines) <= m.lay.paneH || !strings.Contains(m.View().Content, m.chrome.thumb) {
		t.Error("experience at 80x24 should scroll, with a scrollbar")
	}
}

func TestFooterOffersScrollingOnlyWhenThePaneScrolls(t *testing.T) {
	m := newModel(t, content.SectionAwards, 120, 40)
	if footer := lastLine(plainView(m)); strings.Contains(footer, "scroll") {
		t.Errorf("awards fit, yet the footer offers scrolling: %q", footer)
	}
	m = newModel(t, content.SectionExperience, 120, 40)
	if footer := lastLine(plainView(m)); !strings.Contains(footer, "↑↓ scroll") {
		t.Errorf("experience scrolls, yet the footer does not say so: %q", footer)
	}
}

func lastLine(s string) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return ls[len(ls)-1]
}

// A wide window gives the pane a readable measure: never narrower than
// at 80 columns, so what fits on one line there fits here.
func TestWideWindowsUseTheRoom(t *testing.T) {
	base := newModel(t, content.SectionSkills, 80, 24).lay.paneW
	for _, sz := range [][2]int{{120, 40}, {160, 50}, {200, 60}, {300, 80}} {
		m := newModel(t, content.SectionSkills, sz[0], sz[1])
		if m.lay.paneW < base || m.lay.paneW > maxPane {
			t.Errorf("%dx%d: pane %d wide; want %d to %d", sz[0], sz[1], m.lay.paneW, base, maxPane)
		}
		if !strings.Contains(plainView(m), "Cloud & Micro Service(RPC, Docker Swarm, Kubernetes)") {
			t.Errorf("%dx%d: a skill that fits at 80x24 is wrapped:\n%s", sz[0], sz[1], plainView(m))
		}
		checkFits(t, m, sz[0], sz[1], "wide")
	}
}

// A confirmation is said for the window it was made in: a resize clears
// it, and a narrow footer gets a shorter one rather than a cut one.
func TestFlashFitsAndGoesOnResize(t *testing.T) {
	m := newModel(t, "", 80, 24)
	keys(t, m, "c")
	if f := lastLine(plainView(m)); !strings.Contains(f, "Sent to your clipboard: wenging4@illinois.edu") {
		t.Fatalf("no confirmation at 80x24: %q", f)
	}
	send(m, tea.WindowSizeMsg{Width: 40, Height: 12})
	if f := lastLine(plainView(m)); strings.Contains(f, "clipboard") || strings.Contains(f, "Copied") {
		t.Errorf("the confirmation outlived the resize: %q", f)
	}
	keys(t, m, "c")
	f := lastLine(plainView(m))
	if !strings.Contains(f, "copied") || strings.Contains(f, "…") {
		t.Errorf("the confirmation at 40x12 is cut rather than shortened: %q", f)
	}
	// The same size again (a repeated report) keeps it.
	send(m, tea.WindowSizeMsg{Width: 40, Height: 12})
	if f := lastLine(plainView(m)); !strings.Contains(f, "copied") {
		t.Errorf("a repeated size report cleared the confirmation: %q", f)
	}
}

func TestLightFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env       []string
		light, ok bool
	}{
		{nil, false, false},
		{[]string{"COLORFGBG=0;15"}, true, true},
		{[]string{"COLORFGBG=0;7"}, true, true},
		{[]string{"COLORFGBG=15;0"}, false, true},
		{[]string{"COLORFGBG=15;8"}, false, true},
		{[]string{"COLORFGBG=0;default;15"}, true, true},
		{[]string{"COLORFGBG=15;default"}, false, false},
		{[]string{"COLORFGBG=junk"}, false, false},
		{[]string{"COLORFGBG=0;99"}, false, false},
		{[]string{"COLORFGBG=15;0", "TERM=xterm", "COLORFGBG=0;15"}, true, true},
	} {
		light, ok := LightFromEnv(tt.env)
		if light != tt.light || ok != tt.ok {
			t.Errorf("LightFromEnv(%q) = %v, %v; want %v, %v", tt.env, light, ok, tt.light, tt.ok)
		}
	}
}

// The timeline is drawn in its own colour, stronger than the rules.
func TestTimelineHasItsOwnColour(t *testing.T) {
	for _, k := range []themeKey{themeFullDark, themeFullLight} {
		p := palettes[k]
		if p.line == nil || p.line == p.rule {
			t.Errorf("theme %d: the timeline is drawn like the rules", k)
		}
	}
}

func TestGoodbyeLeavesTheNameAndEmail(t *testing.T) {
	r := content.Default()
	got := Goodbye(r, 80)
	want := "Wenging Luo · wenging4@illinois.edu · github.com/Laphets · linkedin.com/in/WengingLuo\n"
	if cellWidth(strings.TrimSuffix(want, "\n")) > 80 {
		want = "Wenging Luo · wenging4@illinois.edu · github.com/Laphets\nlinkedin.com/in/WengingLuo\n"
	}
	if got != want+"Thanks for visiting.\n" {
		t.Errorf("Goodbye(80) = %q", got)
	}
	for _, w := range []int{20, 30, 40, 60, 200} {
		g := Goodbye(r, w)
		for _, l := range strings.Split(strings.TrimSuffix(g, "\n"), "\n") {
			if cellWidth(l) > w {
				t.Errorf("Goodbye(%d): line %q is too wide", w, l)
			}
		}
		flat := strings.Join(strings.Fields(g), "")
		for _, fact := range []string{"WengingLuo", "wenging4@illinois.edu", "github.com/Laphets", "linkedin.com/in/WengingLuo"} {
			if !strings.Contains(flat, fact) {
				t.Errorf("Goodbye(%d) lacks %q: %q", w, fact, g)
			}
		}
	}
}

// The overview leads with who the person is, not with the contacts the
// header already shows; a résumé's meta.lastModified is said there too.
func TestOverviewLeadsWithWhoAndWhen(t *testing.T) {
	m := newModel(t, "", 80, 24)
	page := m.doc.pages[0].plain
	first := ""
	for _, l := range page {
		if strings.TrimSpace(l) != "" {
			first = strings.TrimSpace(l)
			break
		}
	}
	if first != "M.S. in Computer Science · University of Illinois at Urbana–Champaign" {
		t.Errorf("the overview starts with %q", first)
	}
	if strings.Contains(strings.Join(page, "\n"), "Last updated") {
		t.Error("the default résumé has no meta.lastModified, yet says when it was updated")
	}
	r, err := content.Parse("x.json", []byte(`{"basics": {"name": "Ada Example", "label": "Engineer", "email": "ada@example.com"},
		"meta": {"lastModified": "2026-11-20T08:00:00Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	m = New(r, Options{Width: 80, Height: 24})
	page = m.doc.pages[0].plain
	if strings.TrimSpace(page[0]) != "Engineer" {
		t.Errorf("the overview starts with %q, not the label", page[0])
	}
	if !strings.Contains(strings.Join(page, "\n"), "Last updated 20 November 2026") {
		t.Errorf("no last update:\n%s", strings.Join(page, "\n"))
	}
}

// The window-too-small screen always shows the whole plain-text command,
// saying less around it as the window gets shorter.
func TestTooSmallShowsTheWholeCommand(t *testing.T) {
	cmd := "ssh -p 23234 <host> text"
	for w := 20; w < MinWidth; w++ {
		for h := 3; h < MinHeight; h++ {
			m := New(content.Default(), Options{Width: w, Height: h, SSHCommand: "ssh -p 23234 <host>"})
			got := strings.Join(strings.Fields(plainView(m)), " ")
			if !strings.Contains(got, cmd) {
				t.Errorf("%dx%d: the command is not whole on screen: %q", w, h, got)
			}
			checkFits(t, m, w, h, "too small")
		}
	}
}

// In a narrow window the links list shortens addresses (no scheme, no
// www.) before it cuts them, and the footer shows whole key hints.
func TestNarrowLinksListShortensRatherThanCuts(t *testing.T) {
	m := newModel(t, "", 40, 12)
	keys(t, m, "L")
	view := plainView(m)
	for _, want := range []string{"github.com/Laphets", "linkedin.com/in/WengingLuo", "Links · enter copies"} {
		if !strings.Contains(view, want) {
			t.Errorf("the links list at 40x12 lacks %q:\n%s", want, view)
		}
	}
	footer := lastLine(view)
	if !strings.Contains(footer, "enter copy") || strings.Contains(footer, "esc clos ") || strings.HasSuffix(strings.Fields(footer)[0], "…") {
		t.Errorf("footer %q", footer)
	}
	for _, w := range strings.Fields(strings.Split(footer, "   ")[0]) {
		if !map[string]bool{"enter": true, "copy": true, "·": true, "esc": true, "close": true}[w] {
			t.Errorf("the footer's key help has a cut word %q: %q", w, footer)
		}
	}
}
