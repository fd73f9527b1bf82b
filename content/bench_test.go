package content

import "testing"

// The JSON renderer's allocation benchmark: go test ./content -bench . -benchmem
// (render/text and render/markdown have the others).

func BenchmarkJSON(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.JSON(); err != nil {
			b.Fatal(err)
		}
	}
}
