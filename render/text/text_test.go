package text_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/text"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func mustParse(t *testing.T, name, src string) *content.Resume {
	t.Helper()
	r, err := content.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return r
}

func loadSample(t *testing.T) *content.Resume {
	t.Helper()
	r, err := content.Load(testutil.SamplePath())
	if err != nil {
		t.Fatalf("sample does not load: %v", err)
	}
	return r
}

func TestDefaultHasEverySeedFact(t *testing.T) {
	r := content.Default()
	for _, width := range []int{80, 40} {
		got := testutil.Squash(text.Render(r, width))
		for _, fact := range testutil.SeedFacts {
			if !strings.Contains(got, testutil.Squash(fact)) {
				t.Errorf("text %d: missing %q", width, fact)
			}
		}
	}
}

func TestGolden(t *testing.T) {
	for _, width := range []int{80, 40} {
		path := filepath.Join("testdata", map[int]string{80: "default-text-80.golden", 40: "default-text-40.golden"}[width])
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := text.Render(content.Default(), width)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./render/text -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Render(%d) differs from %s (run go test ./render/text -update after checking the change):\n%s", width, path, got)
			}
		})
	}
}

func TestFitsEveryWidth(t *testing.T) {
	sample := loadSample(t)
	wide := mustParse(t, "wide.json", `{"basics": {"name": "罗文庆 Luo", "label": "工程师 👩‍💻",
		"summary": "中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要",
		"profiles": [{"network": "VeryLongNetworkNameForTesting", "username": "a-very-long-user-name-with-no-spaces-at-all", "url": "https://example.com/a/very/long/path/that/does/not/break/nicely/anywhere"}]},
		"work": [{"name": "一家名字很长很长很长很长很长很长很长的公司", "position": "高级工程师", "startDate": "2020-01",
		"highlights": ["Supercalifragilisticexpialidociousandthensomemorelettersthatneverend", "表情符号 🇨🇳👍🏽 混合 text"]}],
		"skills": [{"name": "Languages", "keywords": ["Go", "C"], "ranking": "Go > C"}]}`)
	for name, r := range map[string]*content.Resume{"default": content.Default(), "sample": sample, "wide": wide} {
		for width := text.MinWidth; width <= 130; width++ {
			out := text.Render(r, width)
			for i, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > width {
					t.Fatalf("%s at width %d: line %d is %d wide: %q", name, width, i+1, w, line)
				}
			}
			if strings.ContainsRune(out, '\x1b') {
				t.Fatalf("%s at width %d: escape code in text output", name, width)
			}
		}
	}
}

func TestWidthClamped(t *testing.T) {
	r := content.Default()
	if text.Render(r, 0) != text.Render(r, text.DefaultWidth) {
		t.Error("Render(0) is not Render(DefaultWidth)")
	}
	if text.Render(r, 5) != text.Render(r, text.MinWidth) {
		t.Error("Render(5) is not Render(MinWidth)")
	}
	if text.Render(r, 1<<20) != text.Render(r, text.MaxWidth) {
		t.Error("a huge width is not clamped to MaxWidth")
	}
}

func TestCacheConcurrent(t *testing.T) {
	r := mustParse(t, "x.json", string(content.DefaultJSON()))
	want := text.Render(r, 77)
	c := text.NewCache(r)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for w := 0; w < 200; w++ {
				if got := c.Render(w % 90); w%90 == 77 && got != want {
					t.Error("cached rendering differs from a fresh one")
				}
			}
		})
	}
	wg.Wait()
	if c.Render(0) != text.Render(r, 0) || c.Render(5) != text.Render(r, text.MinWidth) {
		t.Error("the cache does not clamp widths as Render does")
	}
}

func TestSampleLosesNoValue(t *testing.T) {
	r := loadSample(t)
	vals, _ := testutil.SampleLeaves(t)
	out := testutil.Squash(text.Render(r, 80))
	for _, kv := range vals {
		want := kv[1]
		if testutil.DateKeys[kv[0]] {
			want = content.FormatDate(want)
		}
		if !strings.Contains(out, testutil.Squash(want)) {
			t.Errorf("text output lacks %s %q", kv[0], want)
		}
	}
}

func TestHostileStringsComeOutInert(t *testing.T) {
	for name, bad := range testutil.Hostile {
		t.Run(name, func(t *testing.T) {
			src := testutil.HostileDoc(t, bad)
			testutil.CheckInert(t, "text", text.Render(mustParse(t, "hostile.json", string(src)), 60))
		})
	}
}

// FuzzText renders whatever the loader accepts: never a panic, no line
// wider than the width, nothing that could drive a terminal.
func FuzzText(f *testing.F) {
	f.Add(true, content.DefaultJSON())
	f.Add(false, []byte(`{"basics": {"name": "A\u001b]0;t\u0007", "x": [1, {"y": null}]}}`))
	f.Fuzz(func(t *testing.T, yaml bool, data []byte) {
		name := "fuzz.json"
		if yaml {
			name = "fuzz.yaml"
		}
		r, err := content.Parse(name, data)
		if err != nil {
			return
		}
		out := text.Render(r, 40)
		for _, line := range strings.Split(out, "\n") {
			if ansi.StringWidth(line) > 40 {
				t.Fatalf("line wider than 40: %q", line)
			}
		}
		testutil.CheckInert(t, "text", out)
	})
}

func BenchmarkRender(b *testing.B) {
	r := content.Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = text.Render(r, 80)
	}
}

func BenchmarkCached(b *testing.B) {
	c := text.NewCache(content.Default())
	_ = c.Render(80)
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Render(80)
	}
}
