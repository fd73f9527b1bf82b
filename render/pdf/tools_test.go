package pdf_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The tests read the PDFs with independent tools: poppler-utils
// (pdftotext, pdffonts, pdfinfo) and qpdf. Without one the test skips,
// except under CI=true, where .ci/run has installed them.
func tool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI=true: .ci/run installs poppler-utils and qpdf)", name)
		}
		t.Skipf("%s is not installed (Debian: apt-get install poppler-utils qpdf)", name)
	}
	return path
}

// writePDF saves b in the test's temporary directory.
func writePDF(t testing.TB, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "resume.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs a tool and returns its stdout; a non-zero exit fails the test.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stderr.String(), out)
	}
	return string(out)
}

// pdftext is the text of pages first..last (0 for all) in the order of the
// content stream (-raw), which is the order the renderer meant it read.
func pdftext(t testing.TB, path string, first, last int, raw bool) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if raw {
		args = append(args, "-raw")
	}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	return run(t, "pdftotext", append(args, path, "-")...)
}

// info is pdfinfo's output as a map.
func info(t testing.TB, path string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(run(t, "pdfinfo", path), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// fontRow is a line of pdffonts.
type fontRow struct {
	name, typ        string
	embedded, subset bool
	unicode          bool
}

func fonts(t testing.TB, path string) []fontRow {
	t.Helper()
	var rows []fontRow
	lines := strings.Split(strings.TrimSpace(run(t, "pdffonts", path)), "\n")
	for _, l := range lines[2:] { // a header and a rule
		f := strings.Fields(l)
		// name type... encoding emb sub uni object ID
		if len(f) < 7 {
			t.Fatalf("pdffonts line %q", l)
		}
		n := len(f)
		rows = append(rows, fontRow{
			name: f[0], typ: strings.Join(f[1:n-6], " "),
			embedded: f[n-5] == "yes", subset: f[n-4] == "yes", unicode: f[n-3] == "yes",
		})
	}
	return rows
}

// annot is a link annotation: its page (from 1), rectangle (PDF
// coordinates, normalised) and URI.
type annot struct {
	page           int
	x0, y0, x1, y1 float64
	uri            string
}

// links reads every link annotation with qpdf --json.
func links(t testing.TB, path string) []annot {
	t.Helper()
	var doc struct {
		Pages []struct {
			Object string `json:"object"`
		} `json:"pages"`
		QPDF []json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal([]byte(run(t, "qpdf", "--json", path)), &doc); err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	if len(doc.QPDF) < 2 {
		t.Fatal("qpdf --json: no objects")
	}
	var objs map[string]struct {
		Value struct {
			Annots []struct {
				Subtype string    `json:"/Subtype"`
				Rect    []float64 `json:"/Rect"`
				A       struct {
					URI string `json:"/URI"`
				} `json:"/A"`
			} `json:"/Annots"`
		} `json:"value"`
	}
	if err := json.Unmarshal(doc.QPDF[1], &objs); err != nil {
		t.Fatalf("qpdf --json objects: %v", err)
	}
	var out []annot
	for i, p := range doc.Pages {
		for _, a := range objs["obj:"+p.Object].Value.Annots {
			if a.Subtype != "/Link" || len(a.Rect) != 4 {
				continue
			}
			out = append(out, annot{
				page: i + 1,
				x0:   min(a.Rect[0], a.Rect[2]), y0: min(a.Rect[1], a.Rect[3]),
				x1: max(a.Rect[0], a.Rect[2]), y1: max(a.Rect[1], a.Rect[3]),
				uri: strings.TrimPrefix(a.A.URI, "u:"),
			})
		}
	}
	return out
}

// word is a word pdftotext found, with its box (top-left origin).
type word struct {
	page                   int
	text                   string
	xMin, yMin, xMax, yMax float64
}

var (
	pageRe = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordRe = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// words lists every word with its box; heights are the pages' heights.
func words(t testing.TB, path string) (ws []word, heights []float64) {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
	for i, page := range strings.Split(out, "<page ")[1:] {
		m := pageRe.FindStringSubmatch("<page " + page)
		if m == nil {
			t.Fatalf("pdftotext -bbox: page %d has no size", i+1)
		}
		h, _ := strconv.ParseFloat(m[2], 64)
		heights = append(heights, h)
		for _, w := range wordRe.FindAllStringSubmatch(page, -1) {
			f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
			ws = append(ws, word{page: i + 1, text: html.UnescapeString(w[5]), xMin: f(w[1]), yMin: f(w[2]), xMax: f(w[3]), yMax: f(w[4])})
		}
	}
	return ws, heights
}

func (a annot) String() string {
	return fmt.Sprintf("page %d [%.1f %.1f %.1f %.1f] %s", a.page, a.x0, a.y0, a.x1, a.y1, a.uri)
}
