package pdf_test

import (
	"testing"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
)

// The PDF's benchmarks: go test ./render/pdf -run '^$' -bench . -benchmem
// (figures in docs/performance.md).

// BenchmarkRender is one rendering of the default résumé: layout, font
// subsetting and compression; the server pays it once per content load.
func BenchmarkRender(b *testing.B) {
	r := content.Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pdf.Render(r, pdf.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderSample is the JSON Resume sample, which uses every section.
func BenchmarkRenderSample(b *testing.B) {
	r, err := content.Load("../../content/testdata/sample.resume.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pdf.Render(r, pdf.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCached is every request after the first.
func BenchmarkCached(b *testing.B) {
	c := pdf.NewCache(content.Default(), nil)
	if _, err := c.Render(pdf.A4); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Render(pdf.A4); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewCache is what a content load pays for the PDF: nothing is
// rendered until someone asks.
func BenchmarkNewCache(b *testing.B) {
	r := content.Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = pdf.NewCache(r, nil)
	}
}
