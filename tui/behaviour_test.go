package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/laphets/resume/content"
)

func TestSearchFindsAcrossSectionsAndSteps(t *testing.T) {
	m := newModel(t, "", 80, 24)
	keys(t, m, "/", "g", "o", "l", "a", "n", "g")
	s := m.search
	if s == nil || !s.typing {
		t.Fatal("/ should open a search being typed")
	}
	secs := map[string]bool{}
	for _, mt := range s.matches {
		secs[m.info.sections[mt.sec].ID] = true
		line := m.doc.pages[mt.sec].plain[mt.line]
		if got := strings.ToLower(cutCells(line, mt.start, mt.end)); got != "golang" {
			t.Errorf("match at %+v covers %q", mt, got)
		}
	}
	for _, id := range []string{content.SectionExperience, content.SectionProjects, content.SectionSkills, content.SectionTeaching} {
		if !secs[id] {
			t.Errorf("no match for golang in %s (matches in %v)", id, secs)
		}
	}
	if !strings.Contains(plainView(m), "matches") {
		t.Errorf("the footer should count the matches while typing:\n%s", plainView(m))
	}
	// The first match is in Experience: the search moved there.
	if id := m.info.sections[m.active].ID; id != content.SectionExperience {
		t.Errorf("search opened %s, want the first match's section (experience)", id)
	}
	if !strings.Contains(m.View().Content, m.st.MatchCurrent.Render("Golang")) {
		t.Error("the current match is not highlighted")
	}

	keys(t, m, "enter")
	if s.typing || m.search == nil {
		t.Fatal("enter should keep the search and stop typing")
	}
	// n walks every match, through every section, and wraps.
	seen := map[int]bool{}
	for range s.matches {
		keys(t, m, "n")
		seen[s.cur] = true
		if cur := s.matches[s.cur]; cur.sec != m.active {
			t.Fatalf("match %d is in section %d but section %d is shown", s.cur, cur.sec, m.active)
		}
		checkFits(t, m, 80, 24, "stepping through matches")
	}
	if len(seen) != len(s.matches) {
		t.Errorf("n visited %d of %d matches", len(seen), len(s.matches))
	}
	before := s.cur
	keys(t, m, "N")
	if s.cur != (before-1+len(s.matches))%len(s.matches) {
		t.Errorf("N went from %d to %d", before, s.cur)
	}
	keys(t, m, "esc")
	if m.search != nil {
		t.Error("esc should clear the search")
	}
	if strings.Contains(m.View().Content, m.st.MatchCurrent.Render("Golang")) {
		t.Error("highlights remain after the search is cleared")
	}
}

func TestSearchIgnoresCaseAndCancelGoesBack(t *testing.T) {
	m := newModel(t, content.SectionEducation, 80, 24)
	keys(t, m, "/", "T", "E", "N", "C", "E", "N", "T")
	if len(m.search.matches) == 0 || m.info.sections[m.active].ID != content.SectionExperience {
		t.Fatalf("TENCENT should find Tencent in experience; matches %v, section %s", m.search.matches, m.info.sections[m.active].ID)
	}
	keys(t, m, "esc")
	if m.search != nil || m.info.sections[m.active].ID != content.SectionEducation {
		t.Errorf("esc while typing should cancel and go back to education, in %s", m.info.sections[m.active].ID)
	}
}

func TestSearchWithNoMatchSaysSo(t *testing.T) {
	m := newModel(t, "", 80, 24)
	keys(t, m, "/", "z", "q", "x")
	if !strings.Contains(plainView(m), "no matches") {
		t.Errorf("footer should say there are no matches:\n%s", plainView(m))
	}
	keys(t, m, "enter")
	if m.search != nil || !strings.Contains(plainView(m), "Not found: zqx") {
		t.Errorf("enter on no match should close the search and say so:\n%s", plainView(m))
	}
	// A long query is cut to 30 characters, the last an ellipsis
	// (safetext.Clip), so the flash fits the footer.
	long := strings.Repeat("zqx", 14)
	keys(t, m, "/")
	keys(t, m, strings.Split(long, "")...)
	keys(t, m, "enter")
	if v := plainView(m); !strings.Contains(v, "Not found: "+long[:29]+"…") || strings.Contains(v, long[:30]) {
		t.Errorf("a long query not found should be cut to 30 characters:\n%s", v)
	}
}

func TestSearchPasteIsTheVisitorsNotTheServers(t *testing.T) {
	m := newModel(t, "", 80, 24)
	keys(t, m, "/")
	// ctrl+v in a bubbles text input reads the clipboard of the machine the
	// program runs on, which here is the server. It must do nothing.
	if cmd := keys(t, m, "ctrl+v"); cmd != nil {
		t.Fatal("ctrl+v while searching returned a command; it must not read the server's clipboard")
	}
	// A paste from the visitor's terminal arrives as a PasteMsg and is text,
	// bounded in length.
	send(m, tea.PasteMsg{Content: strings.Repeat("golang ", 50)})
	if n := len([]rune(m.search.query)); n == 0 || n > maxQuery {
		t.Errorf("pasted query has %d runes, want 1..%d", n, maxQuery)
	}
	// Escape sequences in a paste never reach the screen.
	m = newModel(t, "", 80, 24)
	keys(t, m, "/")
	send(m, tea.PasteMsg{Content: "\x1b]52;c;aGk=\x07\x1b[2J\x9b31m"})
	if v := m.View().Content; strings.Contains(v, "\x1b]52;") || strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x9b") {
		t.Errorf("a pasted escape sequence reached the screen: %q", m.search.query)
	}
}

func TestDeepLinks(t *testing.T) {
	r := content.Default()
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"experience", content.SectionExperience, true},
		{"Experience", content.SectionExperience, true},
		{"  SKILLS ", content.SectionSkills, true},
		{"exp", content.SectionExperience, true},
		{"proj", content.SectionProjects, true},
		{"e", "", false}, // education and experience
		{"", "", false},
		{"nonsense", "", false},
		{"volunteer", "", false}, // empty sections are not shown
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := r.LookupSection(tt.name)
			if got != tt.want || ok != tt.ok {
				t.Errorf("LookupSection(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
			}
		})
	}
	m := newModel(t, "teaching", 80, 24)
	if m.info.sections[m.active].ID != content.SectionTeaching || !strings.Contains(plainView(m), "ECE220") {
		t.Errorf("Options.Section should open teaching:\n%s", plainView(m))
	}
	m = newModel(t, "nonsense", 80, 24)
	if m.active != 0 || !strings.Contains(plainView(m), "No section “nonsense”") {
		t.Errorf("an unknown section should open the overview and say so:\n%s", plainView(m))
	}
	m = newModel(t, "no-such-section-by-a-long-name", 80, 24)
	if v := plainView(m); !strings.Contains(v, "No section “no-such-section-by-…”") {
		t.Errorf("an unknown section's long name should be cut to 20 characters:\n%s", v)
	}
	m = newModel(t, "\x1b]52;c;aGk=\x07\x1b[2Jevil", 80, 24)
	if v := m.View().Content; strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x1b[2J") {
		t.Error("an unknown section name reached the screen with its escape sequences")
	}
	if ids := r.SectionIDs(); strings.Join(ids, ",") != "overview,education,experience,projects,teaching,awards,skills" {
		t.Errorf("SectionIDs = %v", ids)
	}
}

func TestMouse(t *testing.T) {
	m := newModel(t, content.SectionExperience, 80, 24)
	send(m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if m.pager.vp.YOffset() != 3 {
		t.Errorf("wheel down scrolled to %d, want 3", m.pager.vp.YOffset())
	}
	send(m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.pager.vp.YOffset() != 0 {
		t.Errorf("wheel up scrolled to %d, want 0", m.pager.vp.YOffset())
	}
	// Click each tab where the screen shows its title.
	for i, s := range m.info.sections {
		x, y := find(t, plainView(m), s.Title)
		send(m, tea.MouseClickMsg{Button: tea.MouseLeft, X: x + 1, Y: y})
		if m.active != i {
			t.Errorf("clicking %q at %d,%d opened %s", s.Title, x+1, y, m.info.sections[m.active].ID)
		}
	}
	// With the mouse released, the app ignores it.
	keys(t, m, "1", "m")
	x, y := find(t, plainView(m), "Skills")
	send(m, tea.MouseClickMsg{Button: tea.MouseLeft, X: x, Y: y}, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if m.active != 0 || m.pager.vp.YOffset() != 0 {
		t.Error("mouse events acted while the mouse was released")
	}
}

func TestSidebarClicks(t *testing.T) {
	m := newModel(t, "", 120, 40)
	if m.lay.sideW == 0 {
		t.Fatal("120x40 should have a sidebar")
	}
	x, y := find(t, plainView(m), "Awards")
	send(m, tea.MouseClickMsg{Button: tea.MouseLeft, X: x, Y: y})
	if m.info.sections[m.active].ID != content.SectionAwards {
		t.Errorf("clicking Awards in the sidebar opened %s", m.info.sections[m.active].ID)
	}
}

// find returns the cell column and row of the first occurrence of s.
func find(tb testing.TB, view, s string) (int, int) {
	tb.Helper()
	for y, row := range strings.Split(view, "\n") {
		if i := strings.Index(row, s); i >= 0 {
			return len([]rune(row[:i])), y
		}
	}
	tb.Fatalf("%q not on screen:\n%s", s, view)
	return 0, 0
}

func TestTooSmallScreen(t *testing.T) {
	m := New(content.Default(), Options{Width: 39, Height: 12, SSHCommand: "ssh -p 2222 cv.example.com"})
	v := plainView(m)
	for _, want := range []string{"Window too small", "39×12", "40×12", "ssh -p 2222 cv.example.com text"} {
		if !strings.Contains(strings.ReplaceAll(v, "\n", " "), want) {
			t.Errorf("too-small screen lacks %q:\n%s", want, v)
		}
	}
	send(m, tea.WindowSizeMsg{Width: 40, Height: 12})
	if !strings.Contains(plainView(m), "Wenging Luo") {
		t.Errorf("at the minimum size the résumé shows:\n%s", plainView(m))
	}
}

func TestInitStartsNoTimers(t *testing.T) {
	m := newModel(t, "", 80, 24)
	// Init only asks the terminal for its background; nothing ticks.
	if msg := cmdMsg(m.Init()); msg != cmdMsg(tea.RequestBackgroundColor) {
		t.Errorf("Init's command produced %T, want the background colour request", msg)
	}
}

func TestBackgroundReportPicksTheTheme(t *testing.T) {
	m := newModel(t, "", 80, 24)
	if !m.theme.Dark {
		t.Fatal("the default theme (no answer from the terminal) should be dark")
	}
	send(m, bgMsg(false))
	if m.theme.Dark {
		t.Error("a light background report should switch to the light theme")
	}
	send(m, tea.ColorProfileMsg{Profile: colorprofile.ASCII})
	if strings.Contains(m.View().Content, "38;2;") {
		t.Error("no-colour profile still renders colours")
	}
}

func TestSessionsShareRenderings(t *testing.T) {
	r := content.Default()
	c := NewCache(r)
	opts := Options{Width: 80, Height: 24, Profile: colorprofile.TrueColor, Cache: c}
	a, b := New(r, opts), New(r, opts)
	if a.doc != b.doc {
		t.Error("two sessions with the same size and theme should share one rendering")
	}
	send(b, bgMsg(false))
	if a.doc == b.doc {
		t.Error("sessions with different themes share a rendering")
	}
}

func TestCacheIsBounded(t *testing.T) {
	c := NewCache(content.Default())
	c.limit = 8
	info := c.info(0)
	for w := range 40 {
		d := c.doc(info, minPaneWidth+w, Theme{Dark: w%2 == 0})
		c.chrome(info, minPaneWidth+w, 0, Theme{Dark: w%2 == 0})
		c.help(helpKey{width: w}, DefaultKeyMap())
		if d == nil || len(d.pages) != len(info.sections) {
			t.Fatal("evicting broke a rendering")
		}
	}
	if len(c.docs) > c.limit || len(c.chromes) > c.limit || len(c.helps) > c.limit {
		t.Errorf("cache holds %d documents, %d chromes, %d helps; limit %d", len(c.docs), len(c.chromes), len(c.helps), c.limit)
	}
}

// A resize wraps the lines again; the current match must stay on screen
// rather than the old line number.
func TestSearchMatchStaysInViewAcrossResize(t *testing.T) {
	m := newModel(t, "", 200, 60)
	keys(t, m, "/", "g", "o", "l", "a", "n", "g", "enter")
	s := m.search
	if s == nil || len(s.matches) < 3 {
		t.Fatal("want several matches for golang")
	}
	// The last match of the section the search opened is far down once
	// the window is small.
	last := s.cur
	for i, mt := range s.matches {
		if mt.sec == m.active {
			last = i
		}
	}
	for s.cur != last {
		keys(t, m, "n")
	}
	for _, size := range [][2]int{{80, 24}, {40, 12}, {120, 40}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		mt := s.matches[s.cur]
		if mt.sec != m.active {
			t.Fatalf("%dx%d: the resize moved to section %d, away from the match in %d", size[0], size[1], m.active, mt.sec)
		}
		if off, h := m.pager.vp.YOffset(), m.pager.vp.Height(); mt.line < off || mt.line >= off+h {
			t.Errorf("%dx%d: match %d on line %d, pane shows lines %d-%d", size[0], size[1], s.cur, mt.line, off, off+h-1)
		}
		checkFits(t, m, size[0], size[1], "after a resize with a search")
	}
}

// TestCacheBelongsToItsResume: a model given the cache of another résumé
// (a reload swapped it) renders its own résumé, and models with no cache
// share nothing.
func TestCacheBelongsToItsResume(t *testing.T) {
	old := content.Default()
	cur, err := content.Parse("reloaded.json", content.DefaultJSON())
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(old)
	m := New(cur, Options{Width: 80, Height: 24, Cache: c})
	if m.cache == c || m.info.r != cur {
		t.Error("a model used the cache of another résumé")
	}
	if a, b := newModel(t, "", 80, 24), newModel(t, "", 80, 24); a.doc == b.doc {
		t.Error("models without a cache share renderings")
	}
}
