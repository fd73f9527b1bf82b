package content

import "testing"

// The renderers' allocation benchmarks: go test ./content -bench . -benchmem.
// Text is cached per width for a parsed résumé; the uncached rendering is
// what each new width costs.

func BenchmarkTextUncached(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = r.renderText(80)
	}
}

func BenchmarkTextCached(b *testing.B) {
	r := Default()
	_ = r.Text(80)
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Text(80)
	}
}

func BenchmarkMarkdown(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Markdown()
	}
}

func BenchmarkJSON(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.JSON(); err != nil {
			b.Fatal(err)
		}
	}
}
