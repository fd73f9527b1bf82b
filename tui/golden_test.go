package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
)

// The golden views are the screens exactly as the model draws them, escape
// sequences included (the files show them quoted). Refresh them with
//
//	go test ./tui -run TestGolden -update
//
// and read the diff: it is the change a visitor will see.

var goldenThemes = []struct {
	name  string
	light bool
	prof  colorprofile.Profile
}{
	{"dark", false, colorprofile.TrueColor},
	{"light", true, colorprofile.TrueColor},
	{"nocolour", false, colorprofile.ASCII},
}

var goldenSizes = [][2]int{{80, 24}, {40, 12}, {120, 40}}

func TestGolden(t *testing.T) {
	for _, sz := range goldenSizes {
		for _, th := range goldenThemes {
			for _, id := range content.Default().SectionIDs() {
				name := fmt.Sprintf("%dx%d/%s/%s", sz[0], sz[1], th.name, id)
				t.Run(name, func(t *testing.T) {
					m := New(content.Default(), Options{Section: id, Width: sz[0], Height: sz[1], Light: th.light, Profile: th.prof})
					checkFits(t, m, sz[0], sz[1], name)
					golden.RequireEqual(t, m.View().Content)
				})
			}
		}
	}
}

// TestGoldenStates covers what the sections alone do not: overlays, a
// search, the too-small screen and a 16-colour terminal.
func TestGoldenStates(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		prof colorprofile.Profile
		keys []string
	}{
		{"help", 80, 24, colorprofile.TrueColor, []string{"?"}},
		{"help-small", 40, 12, colorprofile.ASCII, []string{"?"}},
		{"links", 80, 24, colorprofile.TrueColor, []string{"L", "down"}},
		{"search-typing", 80, 24, colorprofile.TrueColor, []string{"/", "g", "o"}},
		{"search-found", 80, 24, colorprofile.ASCII, []string{"/", "g", "o", "l", "a", "n", "g", "enter", "n"}},
		{"search-sidebar", 120, 40, colorprofile.TrueColor, []string{"/", "c", "+", "+", "enter"}},
		{"copied", 80, 24, colorprofile.TrueColor, []string{"c"}},
		{"mouse-off", 80, 24, colorprofile.TrueColor, []string{"m", "j"}},
		{"ansi16", 80, 24, colorprofile.ANSI, []string{"3"}},
		{"too-small", 39, 11, colorprofile.TrueColor, nil},
		{"wide", 200, 60, colorprofile.TrueColor, []string{"3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(content.Default(), Options{Width: tt.w, Height: tt.h, Profile: tt.prof, SSHCommand: "ssh resume.example.com"})
			keys(t, m, tt.keys...)
			checkFits(t, m, tt.w, tt.h, tt.name)
			golden.RequireEqual(t, m.View().Content)
		})
	}
}

// TestGoldenWild shows résumés as found in the wild (content/testdata/wild):
// generic sections, details under an entry, and inline markup drawn as
// styles and OSC 8 links.
func TestGoldenWild(t *testing.T) {
	for _, tc := range []struct{ file, section string }{
		{"en-legacy.json", "experience"},
		{"en-legacy.json", "testimonials"},
		{"en-legacy.json", "tech-stack"},
		{"zh-html.json", "overview"},
		{"pl-dates.yaml", "experience"},
	} {
		name := strings.TrimSuffix(tc.file, filepath.Ext(tc.file)) + "-" + tc.section
		t.Run(name, func(t *testing.T) {
			r, err := content.Load(filepath.Join(testutil.Root(), "content", "testdata", "wild", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m := New(r, Options{Section: tc.section, Width: 80, Height: 24, Profile: colorprofile.TrueColor})
			checkFits(t, m, 80, 24, name)
			golden.RequireEqual(t, m.View().Content)
		})
	}
}
