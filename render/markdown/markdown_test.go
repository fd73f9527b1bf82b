package markdown_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/markdown"
)

var mdEscape = regexp.MustCompile(`\\([[:punct:]])`)

// unmarkdown undoes Markdown's backslash escapes.
func unmarkdown(s string) string { return mdEscape.ReplaceAllString(s, "$1") }

func mustParse(t *testing.T, name, src string) *content.Resume {
	t.Helper()
	r, err := content.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return r
}

func TestDefaultHasEverySeedFact(t *testing.T) {
	got := testutil.Squash(unmarkdown(markdown.Render(content.Default())))
	for _, fact := range testutil.SeedFacts {
		if !strings.Contains(got, testutil.Squash(fact)) {
			t.Errorf("markdown: missing %q", fact)
		}
	}
}

func TestSampleLosesNoValue(t *testing.T) {
	vals, b := testutil.SampleLeaves(t)
	r := mustParse(t, "sample.resume.json", string(b))
	out := testutil.Squash(unmarkdown(markdown.Render(r)))
	for _, kv := range vals {
		want := kv[1]
		if testutil.DateKeys[kv[0]] {
			want = content.FormatDate(want)
		}
		if !strings.Contains(out, testutil.Squash(want)) {
			t.Errorf("markdown output lacks %s %q", kv[0], want)
		}
	}
}

func TestEscapes(t *testing.T) {
	r := mustParse(t, "x.json", `{"basics": {"name": "# Not *a* [link](http://x)",
		"summary": "1. not a list\n- nor this\n<script>alert(1)</script>",
		"profiles": [{"network": "Evil", "username": "click", "url": "javascript:alert(1)"}]},
		"skills": [{"name": "Platform", "keywords": ["*nix", "_under_", "back\\slash"]}]}`)
	md := markdown.Render(r)
	for _, bad := range []string{"[link](http", "<script>", "\n1. not", "\n- nor", " *nix", "_under_", "](javascript:"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown has unescaped %q:\n%s", bad, md)
		}
	}
	for _, want := range []string{`\*nix`, `\# Not \*a\* \[link\]`, `1\. not a list`, `\- nor this`, `back\\slash`} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestHostileStringsComeOutInert(t *testing.T) {
	for name, bad := range testutil.Hostile {
		t.Run(name, func(t *testing.T) {
			src := testutil.HostileDoc(t, bad)
			testutil.CheckInert(t, "markdown", markdown.Render(mustParse(t, "hostile.json", string(src))))
		})
	}
}

func BenchmarkRender(b *testing.B) {
	r := content.Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = markdown.Render(r)
	}
}
