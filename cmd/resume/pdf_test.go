package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/gomono"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
)

// TestRenderPDF: resume render --format pdf writes Render's bytes, the
// same the server sends for ssh host pdf (see server's TestPDFOverSSH).
func TestRenderPDF(t *testing.T) {
	file := writeFile(t, "me.yaml", "basics:\n  name: Ada Lovelace\nwork:\n  - name: Engines\n    startDate: \"1843\"\n")
	me, err := content.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	font := filepath.Join(t.TempDir(), "mono.ttf")
	if err := os.WriteFile(font, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	mono, err := pdf.LoadFont(font)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		r    *content.Resume
		o    pdf.Options
	}{
		{[]string{"render", "--format", "pdf"}, content.Default(), pdf.Options{}},
		{[]string{"render", "-f", "pdf", "--paper", "letter"}, content.Default(), pdf.Options{Paper: pdf.Letter}},
		{[]string{"render", "--format=pdf", "--paper=A4", file}, me, pdf.Options{}},
		{[]string{"render", "--format", "pdf", "--pdf-font", font, file}, me, pdf.Options{Font: mono}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			want, err := pdf.Render(tt.r, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := execute(t, tt.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if stdout != string(want) {
				t.Errorf("%d bytes, not Render's %d", len(stdout), len(want))
			}
		})
	}
}

func TestRenderPDFErrors(t *testing.T) {
	georgian := writeFile(t, "ka.json", `{"basics": {"name": "ნინო ბერიძე"}}`)
	notFont := writeFile(t, "font.ttf", "not a font at all")
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"render", "--format", "pdf", "--paper", "legal"}, []string{`--paper: paper "legal" is not a page size (want a4 or letter)`}},
		{[]string{"render", "--format", "pdf", "--pdf-font", "/nonexistent.ttf"}, []string{"--pdf-font", "/nonexistent.ttf"}},
		{[]string{"render", "--format", "pdf", "--pdf-font", notFont}, []string{notFont, "not a TrueType font"}},
		{[]string{"render", "--format", "pdf", georgian}, []string{"the Go fonts cannot draw", "basics.name: ნ", "--pdf-font"}},
	} {
		code, stdout, stderr := execute(t, tt.args...)
		if code != 1 || stdout != "" {
			t.Errorf("%v: exit %d, %d bytes on stdout; want 1 and none", tt.args, code, len(stdout))
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr %q lacks %q", tt.args, stderr, w)
			}
		}
	}
}
