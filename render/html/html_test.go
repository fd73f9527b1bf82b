package html

import (
	"encoding/json"
	stdhtml "html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
)

var (
	tagRE    = regexp.MustCompile(`(?s)<style>.*?</style>|<script[^>]*>.*?</script>|<[^>]+>`)
	ldRE     = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	hrefRE   = regexp.MustCompile(`href="([^"]*)"`)
	site     = Site{PublicURL: "https://resume.example.com", SSHCommand: "ssh resume.example.com", Version: "test"}
	fixtures = map[string]func(t *testing.T) *content.Resume{
		"default": func(*testing.T) *content.Resume { return content.Default() },
		"sample": func(t *testing.T) *content.Resume {
			r, err := content.Load(testutil.SamplePath())
			if err != nil {
				t.Fatal(err)
			}
			return r
		},
	}
)

// visibleText is what a person reads: the page without its tags, style
// and scripts, entities decoded.
func visibleText(page []byte) string {
	return stdhtml.UnescapeString(tagRE.ReplaceAllString(string(page), " "))
}

// TestPageShowsEveryString: every string of the résumé is on the page, as
// text a visitor can read (dates as the renderers format them), and every
// URL is a link.
func TestPageShowsEveryString(t *testing.T) {
	for name, load := range fixtures {
		t.Run(name, func(t *testing.T) {
			r := load(t)
			page, err := Page(r, site)
			if err != nil {
				t.Fatal(err)
			}
			js, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(js, &doc); err != nil {
				t.Fatal(err)
			}
			var leaves [][2]string
			testutil.Leaves(doc, "", &leaves)
			text := testutil.Squash(visibleText(page))
			hrefs := map[string]bool{}
			for _, m := range hrefRE.FindAllStringSubmatch(string(page), -1) {
				u := stdhtml.UnescapeString(m[1])
				if dec, err := url.PathUnescape(u); err == nil {
					u = dec // html/template escapes ( and ) in URLs
				}
				hrefs[u] = true
			}
			for _, kv := range leaves {
				key, want := kv[0], kv[1]
				switch {
				case key == "image":
					continue // a picture's address, not text
				case key == "ranking":
					for _, name := range strings.FieldsFunc(want, func(r rune) bool { return r == '=' || r == '>' }) {
						if !strings.Contains(text, testutil.Squash(name)) {
							t.Errorf("page text lacks ranked %q", name)
						}
					}
					continue
				case testutil.DateKeys[key]:
					want = content.FormatDate(want)
				case key == "url" || key == "canonical":
					if !hrefs[want] {
						t.Errorf("%s %q is not a link on the page", key, want)
					}
					if key == "canonical" {
						continue // a link in the document line
					}
					want = content.DisplayURL(want) // shown short, linked in full
				}
				if !strings.Contains(text, testutil.Squash(want)) {
					t.Errorf("page text lacks %s %q", key, want)
				}
			}
			if name == "default" {
				for _, f := range testutil.SeedFacts {
					if !strings.Contains(text, testutil.Squash(f)) {
						t.Errorf("page lacks seed fact %q", f)
					}
				}
			}
		})
	}
}

// TestPageIsDiscoverable: title, description, canonical, Open Graph and
// JSON-LD describe the person from the résumé.
func TestPageIsDiscoverable(t *testing.T) {
	r := fixtures["sample"](t)
	page, err := Page(r, site)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		`<html lang="en">`,
		`<title>` + stdhtml.EscapeString(r.Basics.Name+" · "+r.Basics.Label) + `</title>`,
		`<link rel="canonical" href="https://resume.example.com/">`,
		`<meta property="og:type" content="profile">`,
		`<meta property="og:url" content="https://resume.example.com/">`,
		`<meta name="description" content="`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	m := ldRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld struct {
		Context string `json:"@context"`
		Type    string `json:"@type"`
		Main    struct {
			Type     string   `json:"@type"`
			Name     string   `json:"name"`
			JobTitle string   `json:"jobTitle"`
			SameAs   []string `json:"sameAs"`
			AlumniOf []struct {
				Name string `json:"name"`
			} `json:"alumniOf"`
		} `json:"mainEntity"`
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	if ld.Context != "https://schema.org" || ld.Type != "ProfilePage" || ld.Main.Type != "Person" ||
		ld.Main.Name != r.Basics.Name || ld.Main.JobTitle != r.Basics.Label ||
		len(ld.Main.SameAs) != len(r.Basics.Profiles) || len(ld.Main.AlumniOf) == 0 {
		t.Errorf("JSON-LD: %+v", ld)
	}
}

// TestHostileContentIsInert: markup and script in the résumé come out as
// text, in the page and in the JSON-LD (which cannot close its script).
func TestHostileContentIsInert(t *testing.T) {
	src := `{"basics": {"name": "Eve </script><script>alert(1)</script>",
	  "label": "<img src=x onerror=alert(1)>", "summary": "a & b \" ' <b>",
	  "url": "javascript:alert(1)",
	  "profiles": [{"network": "X", "username": "eve", "url": "javascript:alert(2)"}]},
	  "work": [{"name": "<i>Co</i>", "url": "javascript:alert(3)", "highlights": ["</article><h1>x"]}]}`
	r, err := content.Parse("hostile.json", []byte(src))
	if err != nil {
		t.Skipf("the loader refuses this file (%v); nothing to render", err)
	}
	page, err := Page(r, site)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, bad := range []string{"<script>alert", "<img", "<i>", "<b>", "</article><h1>", `href="javascript:`} {
		if strings.Contains(s, bad) {
			t.Errorf("page carries %q", bad)
		}
	}
	if n := strings.Count(s, "</script>"); n != 2 { // the JSON-LD's and the copy button's
		t.Errorf("%d </script> in the page, want 2", n)
	}
}

// TestPolicyMatchesInlineCode: the hashes in the CSP are those of the
// style and script the page inlines, byte for byte.
func TestPolicyMatchesInlineCode(t *testing.T) {
	page, err := Page(content.Default(), site)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	style := between(t, s, "<style>", "</style>")
	script := between(t, s, "<script>", "</script>")
	for _, src := range []string{hashSource(style), hashSource(script)} {
		if !strings.Contains(ContentSecurityPolicy, src) {
			t.Errorf("policy %q lacks %s", ContentSecurityPolicy, src)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe") {
		t.Errorf("policy allows unsafe sources: %s", ContentSecurityPolicy)
	}
	if strings.Contains(s, " style=") {
		t.Error("an inline style attribute, which the policy blocks")
	}
}

func between(t *testing.T, s, open, end string) string {
	t.Helper()
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		t.Fatalf("no %s", open)
	}
	in, _, ok := strings.Cut(rest, end)
	if !ok {
		t.Fatalf("no %s", end)
	}
	return in
}

func TestOtherPages(t *testing.T) {
	r := content.Default()
	info := SSHInfo{
		Command: "ssh -p 2222 resume.example.com", Fingerprint: "SHA256:abc",
		KnownHosts: "[resume.example.com]:2222 ssh-ed25519 AAAA", SSHFP: []string{"resume.example.com. IN SSHFP 4 2 ff"},
	}
	p, err := SSH(r, site, info)
	if err != nil {
		t.Fatal(err)
	}
	text := visibleText(p)
	for _, want := range []string{info.Command, info.Fingerprint, info.KnownHosts, info.SSHFP[0]} {
		if !strings.Contains(text, want) {
			t.Errorf("/ssh page lacks %q", want)
		}
	}
	nf, err := NotFound(r, site)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(nf), `<meta name="robots" content="noindex">`) || !strings.Contains(visibleText(nf), "Not found") {
		t.Errorf("not-found page:\n%s", nf)
	}
}

func TestDescription(t *testing.T) {
	long := strings.Repeat("word ", 60)
	cases := []struct {
		name string
		b    content.Basics
		work []content.Work
		want string
	}{
		{"summary", content.Basics{Name: "Ada", Summary: "Builds  engines.\nFast."}, nil, "Builds engines. Fast."},
		{"label", content.Basics{Name: "Ada", Label: "Analyst"}, nil, "Ada: Analyst."},
		{"current job", content.Basics{Name: "Ada"}, []content.Work{{Name: "Engines", Position: "Programmer"}}, "Ada: Programmer, Engines."},
		{"nothing", content.Basics{Name: "Ada"}, nil, "The résumé of Ada."},
		{"cut at a word", content.Basics{Name: "Ada", Summary: long}, nil, strings.Repeat("word ", 31) + "word…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := description(&content.Resume{Basics: c.b, Work: c.work})
			if got != c.want {
				t.Errorf("description = %q, want %q", got, c.want)
			}
		})
	}
}

// TestWritesScreenshotsDir is a guard: the embedded files are the ones on
// disk (go:embed cannot drift, but a stray edit to a copy could).
func TestEmbeddedFiles(t *testing.T) {
	b, err := os.ReadFile("static/page.js")
	if err != nil || string(b) != pageJS {
		t.Errorf("page.js: %v", err)
	}
}

// TestWildFixtures: the résumés people already have (issue 10's fixtures,
// several shapes, languages and scripts) show every string on the page,
// in one of the forms the outputs may give it: as written, as its plain
// text, a date for people, an address without its scheme, or a link's
// words with the address in its href.
func TestWildFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testutil.Root(), "content", "testdata", "wild", "*"))
	if err != nil || len(files) < 6 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r, err := content.Load(file)
			if err != nil {
				t.Fatalf("does not load: %v", err)
			}
			page, err := Page(r, site)
			if err != nil {
				t.Fatal(err)
			}
			js, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(js, &doc); err != nil {
				t.Fatal(err)
			}
			delete(doc, "meta") // may stay out, as in the other outputs
			var leaves [][2]string
			testutil.Leaves(doc, "", &leaves)
			text := testutil.Squash(visibleText(page))
			raw := stdhtml.UnescapeString(string(page))
			for _, kv := range leaves {
				if content.IsPicture(kv[1]) || strings.TrimSpace(kv[1]) == "" {
					continue
				}
				if !shown(kv[0], kv[1], text) {
					t.Errorf("page lacks %s %q", kv[0], kv[1])
				}
				for _, sp := range content.Markup(kv[1]) {
					if sp.URL != "" && !strings.Contains(raw, `href="`+sp.URL) && !strings.Contains(raw, `href="`+strings.ReplaceAll(sp.URL, "&", "&amp;")) {
						t.Errorf("page lacks the link to %s of %q", sp.URL, kv[1])
					}
				}
			}
		})
	}
}

func shown(key, v, text string) bool {
	var words strings.Builder
	for _, sp := range content.Markup(v) {
		words.WriteString(sp.Text)
	}
	forms := []string{v, content.PlainText(v), words.String(), content.DisplayURL(v)}
	if testutil.DateKeys[key] {
		forms = append(forms, content.FormatDate(v))
	}
	for _, f := range forms {
		if n := testutil.Squash(f); n != "" && strings.Contains(text, n) {
			return true
		}
	}
	return false
}
