package tui

import (
	"fmt"
	"testing"

	"github.com/laphets/resume/content"
)

// BenchmarkView is the cost of drawing one frame, the work a keypress
// costs the server on top of Bubble Tea's own.
func BenchmarkView(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {200, 60}, {1000, 1000}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			m := newModel(b, content.SectionExperience, sz[0], sz[1])
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkKeypress is a scroll key answered with a new frame.
func BenchmarkKeypress(b *testing.B) {
	m := newModel(b, content.SectionExperience, 100, 30)
	j, k := press(b, "j"), press(b, "k")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			m.Update(j)
		} else {
			m.Update(k)
		}
		_ = m.View()
	}
}

// BenchmarkNew is what a new session costs before its first frame, with
// the résumé already rendered at its width by an earlier session.
func BenchmarkNew(b *testing.B) {
	r := content.Default()
	c := NewCache(r)
	New(r, Options{Width: 100, Height: 30, Cache: c})
	b.ReportAllocs()
	for b.Loop() {
		m := New(r, Options{Width: 100, Height: 30, Cache: c})
		_ = m.View()
	}
}

// BenchmarkRenderDocument is rendering every section for one width, done
// once per width and theme and then shared.
func BenchmarkRenderDocument(b *testing.B) {
	info := newResumeInfo(content.Default(), 0)
	st := stylesFor(Theme{Dark: true})
	b.ReportAllocs()
	for b.Loop() {
		renderDocument(info, 76, st)
	}
}

// BenchmarkSearch is one query over every section, run on each key typed
// into the search: a phrase across a line break, and a word found often.
func BenchmarkSearch(b *testing.B) {
	m := newModel(b, "", 80, 24)
	for _, q := range []string{"kernel bypass", "golang"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				findMatches(m.doc, q)
			}
		})
	}
}
