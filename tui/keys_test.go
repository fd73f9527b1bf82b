package tui

import (
	"fmt"
	"image/color"
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/laphets/resume/content"
)

func TestKeyMap(t *testing.T) {
	const w, h = 80, 24
	probe := newModel(t, content.SectionExperience, w, h)
	page := probe.pager.vp.Height()
	bottom := probe.pager.vp.TotalLineCount() - page
	if bottom <= page {
		t.Fatalf("experience should be several pages long at %dx%d (pane %d, %d lines)", w, h, page, probe.pager.vp.TotalLineCount())
	}

	tests := []struct {
		name    string
		start   string
		keys    []string
		section string // "" means the start section
		offset  int    // -1 means do not check
		overlay overlay
		quit    bool
		clip    string
	}{
		{name: "tab opens the next section", keys: []string{"tab"}, section: content.SectionEducation, offset: -1},
		{name: "right opens the next section", keys: []string{"right"}, section: content.SectionEducation, offset: -1},
		{name: "l opens the next section", keys: []string{"l"}, section: content.SectionEducation, offset: -1},
		{name: "shift+tab opens the previous section", start: content.SectionEducation, keys: []string{"shift+tab"}, section: content.SectionOverview, offset: -1},
		{name: "left opens the previous section", start: content.SectionEducation, keys: []string{"left"}, section: content.SectionOverview, offset: -1},
		{name: "h opens the previous section", start: content.SectionEducation, keys: []string{"h"}, section: content.SectionOverview, offset: -1},
		{name: "shift+tab wraps to the last section", keys: []string{"shift+tab"}, section: content.SectionSkills, offset: -1},
		{name: "tab wraps to the first section", start: content.SectionSkills, keys: []string{"tab"}, section: content.SectionOverview, offset: -1},
		{name: "3 opens the third section", keys: []string{"3"}, section: content.SectionExperience, offset: -1},
		{name: "1 opens the overview", start: content.SectionSkills, keys: []string{"1"}, section: content.SectionOverview, offset: -1},
		{name: "9 past the last section does nothing", keys: []string{"9"}, section: content.SectionOverview, offset: -1},
		{name: "j scrolls down", start: content.SectionExperience, keys: []string{"j"}, offset: 1},
		{name: "down scrolls down", start: content.SectionExperience, keys: []string{"down"}, offset: 1},
		{name: "k scrolls up", start: content.SectionExperience, keys: []string{"j", "j", "k"}, offset: 1},
		{name: "up scrolls up", start: content.SectionExperience, keys: []string{"j", "j", "up"}, offset: 1},
		{name: "up at the top stays", start: content.SectionExperience, keys: []string{"up"}, offset: 0},
		{name: "pgdown pages down", start: content.SectionExperience, keys: []string{"pgdown"}, offset: page},
		{name: "space pages down", start: content.SectionExperience, keys: []string{"space"}, offset: page},
		{name: "pgup pages up", start: content.SectionExperience, keys: []string{"pgdown", "pgdown", "pgup"}, offset: page},
		{name: "b pages up", start: content.SectionExperience, keys: []string{"pgdown", "b"}, offset: 0},
		{name: "ctrl+d goes half a page down", start: content.SectionExperience, keys: []string{"ctrl+d"}, offset: page / 2},
		{name: "ctrl+u goes half a page up", start: content.SectionExperience, keys: []string{"ctrl+d", "ctrl+d", "ctrl+u"}, offset: page / 2},
		{name: "G goes to the bottom", start: content.SectionExperience, keys: []string{"G"}, offset: bottom},
		{name: "end goes to the bottom", start: content.SectionExperience, keys: []string{"end"}, offset: bottom},
		{name: "g goes to the top", start: content.SectionExperience, keys: []string{"G", "g"}, offset: 0},
		{name: "home goes to the top", start: content.SectionExperience, keys: []string{"G", "home"}, offset: 0},
		{name: "a section keeps its scroll position", start: content.SectionExperience, keys: []string{"j", "j", "tab", "shift+tab"}, offset: 2},
		{name: "? opens the help", keys: []string{"?"}, overlay: overlayHelp, offset: -1},
		{name: "? closes the help", keys: []string{"?", "?"}, offset: -1},
		{name: "esc closes the help", keys: []string{"?", "esc"}, offset: -1},
		{name: "a section key leaves the help and opens the section", keys: []string{"?", "2"}, section: content.SectionEducation, offset: -1},
		{name: "L opens the links", keys: []string{"L"}, overlay: overlayLinks, offset: -1},
		{name: "esc closes the links", keys: []string{"L", "esc"}, offset: -1},
		{name: "enter copies the selected link", keys: []string{"L", "j", "enter"}, overlay: overlayLinks, offset: -1, clip: "https://github.com/Laphets"},
		{name: "a number copies that link", keys: []string{"L", "3"}, overlay: overlayLinks, offset: -1, clip: "https://www.linkedin.com/in/WengingLuo"},
		{name: "c copies the e-mail", keys: []string{"c"}, offset: -1, clip: "wenging4@illinois.edu"},
		{name: "q quits", keys: []string{"q"}, offset: -1, quit: true},
		{name: "ctrl+c quits", keys: []string{"ctrl+c"}, offset: -1, quit: true},
		{name: "q quits from the help", keys: []string{"?", "q"}, overlay: overlayHelp, offset: -1, quit: true},
		{name: "ctrl+c quits while typing a search", keys: []string{"/", "g", "ctrl+c"}, offset: -1, quit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := tt.start
			if start == "" {
				start = content.SectionOverview
			}
			m := newModel(t, start, w, h)
			cmd := keys(t, m, tt.keys...)
			want := tt.section
			if want == "" {
				want = start
			}
			if got := m.info.sections[m.active].ID; got != want {
				t.Errorf("section = %s, want %s", got, want)
			}
			if tt.offset >= 0 && m.pager.vp.YOffset() != tt.offset {
				t.Errorf("scroll offset = %d, want %d", m.pager.vp.YOffset(), tt.offset)
			}
			if m.overlay != tt.overlay {
				t.Errorf("overlay = %d, want %d", m.overlay, tt.overlay)
			}
			if q := isQuit(cmd); q != tt.quit {
				t.Errorf("quit = %v, want %v", q, tt.quit)
			}
			if !tt.quit {
				got, ok := clipboardText(cmd)
				if tt.clip != "" && (!ok || got != tt.clip) {
					t.Errorf("clipboard = %q (%v), want %q", got, ok, tt.clip)
				}
				if tt.clip == "" && ok {
					t.Errorf("unexpected clipboard write %q", got)
				}
			}
			checkFits(t, m, w, h, tt.name)
		})
	}
}

func TestMouseKeyTogglesCaptureAndFooterSaysSo(t *testing.T) {
	m := newModel(t, "", 80, 24)
	if m.View().MouseMode == 0 {
		t.Fatal("mouse should be captured at start so the wheel scrolls")
	}
	if !containsLast(plainView(m), "mouse on") {
		t.Errorf("footer does not say the mouse is on:\n%s", plainView(m))
	}
	keys(t, m, "m")
	if mm := m.View().MouseMode; mm != 0 {
		t.Errorf("m should release the mouse, mode = %v", mm)
	}
	keys(t, m, "j") // clears the one-off message
	if !containsLast(plainView(m), "mouse off") {
		t.Errorf("footer does not say the mouse is off:\n%s", plainView(m))
	}
	keys(t, m, "m")
	if m.View().MouseMode == 0 {
		t.Error("m again should capture the mouse")
	}
}

func TestThemeKeyTogglesLightAndDark(t *testing.T) {
	m := newModel(t, "", 80, 24)
	dark := m.View().Content
	keys(t, m, "t")
	if m.theme.Dark || m.View().Content == dark {
		t.Fatal("t should switch to the light theme and change the colours")
	}
	// A later report of the background must not undo the visitor's choice.
	send(m, bgMsg(true))
	if m.theme.Dark {
		t.Error("the background report overrode the theme the visitor chose")
	}
}

// containsLast reports whether the last row of view holds s.
func containsLast(view, s string) bool {
	rows := strings.Split(view, "\n")
	return strings.Contains(rows[len(rows)-1], s)
}

func bgMsg(dark bool) tea.BackgroundColorMsg {
	if dark {
		return tea.BackgroundColorMsg{Color: color.RGBA{0x1e, 0x1e, 0x2e, 0xff}}
	}
	return tea.BackgroundColorMsg{Color: color.RGBA{0xef, 0xf1, 0xf5, 0xff}}
}

func TestTypingASearchTakesLettersAsText(t *testing.T) {
	m := newModel(t, "", 80, 24)
	cmd := keys(t, m, "/", "q", "n", "?", "j")
	if isQuit(cmd) || m.search == nil || m.search.query != "qn?j" || m.overlay != overlayNone {
		t.Fatalf("typing after / should edit the query, got query %+v quit=%v overlay=%d", m.search, isQuit(cmd), m.overlay)
	}
	keys(t, m, "backspace", "backspace", "backspace")
	if m.search.query != "q" {
		t.Errorf("backspace should edit the query, got %q", m.search.query)
	}
}

// TestHelpCoversEveryBinding: every key of every binding in the key map is
// on the help screen, under a label made from that binding's keys, and
// the section keys name only the sections there are. A binding added to
// the key map but not to the help fails here.
func TestHelpCoversEveryBinding(t *testing.T) {
	k := DefaultKeyMap()
	for _, n := range []int{3, 7, 9} {
		inHelp := map[string]string{} // key → the label it is shown under
		for _, col := range k.fullHelp(n, true) {
			for _, b := range col {
				for _, key := range b.Keys() {
					inHelp[key] = b.Help().Key
				}
			}
		}
		v := reflect.ValueOf(*k)
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			b, ok := v.Field(i).Interface().(key.Binding)
			if !ok {
				t.Fatalf("KeyMap.%s is not a key.Binding", name)
			}
			for j, key := range b.Keys() {
				if name == "Jump" && j >= n {
					if _, shown := inHelp[key]; shown {
						t.Errorf("%d sections: the help offers %q", n, key)
					}
					continue
				}
				label, shown := inHelp[key]
				switch {
				case !shown:
					t.Errorf("%d sections: %s's key %q is not in the help", n, name, key)
				case name != "Jump" && !strings.Contains(" "+label+" ", " "+keyName(key)+" "):
					t.Errorf("%s's key %q is shown as %q", name, key, label)
				}
			}
		}
		if want := fmt.Sprintf("1–%d", n); inHelp["1"] != want {
			t.Errorf("%d sections: the section keys are shown as %q, want %q", n, inHelp["1"], want)
		}
	}
}

// TestHelpScreenMatchesSections: the help a model shows names the keys of
// its own résumé's sections (the default has 7).
func TestHelpScreenMatchesSections(t *testing.T) {
	m := newModel(t, "", 80, 24)
	keys(t, m, "?")
	view := plainView(m)
	if n := len(m.info.sections); !strings.Contains(view, fmt.Sprintf("1–%d ", n)) || strings.Contains(view, "1–9") {
		t.Errorf("the help does not say 1–%d:\n%s", n, view)
	}
	for _, want := range []string{"tab → l", "⇧tab ← h", "pgdn space f", "pgup b", "g home", "G end"} {
		if !strings.Contains(view, want) {
			t.Errorf("the help lacks %q:\n%s", want, view)
		}
	}
}
