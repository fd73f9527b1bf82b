package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/gomono"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
)

func TestParseRoutePDF(t *testing.T) {
	secs := content.Default().Sections()
	for raw, want := range map[string]pdf.Paper{
		"pdf": pdf.A4, "pdf --paper a4": pdf.A4, "pdf --paper letter": pdf.Letter,
		"pdf --paper=Letter": pdf.Letter, "pdf -p letter": pdf.Letter, "PDF": pdf.A4, "pd": pdf.A4,
	} {
		got := parseRoute(raw, false, secs)
		if got != (route{kind: kindCommand, command: "pdf", paper: want}) {
			t.Errorf("parseRoute(%q) = %+v, want pdf on %s", raw, got, want)
		}
	}
	for _, raw := range []string{"pdf --paper legal", "pdf --paper", "pdf now", "pdf --paper=", "pdf --paper a4 extra"} {
		got := parseRoute(raw, false, secs)
		if got.err == "" || !strings.Contains(got.err, "pdf takes --paper a4 or --paper letter") {
			t.Errorf("parseRoute(%q) = %+v, want a refusal naming the papers", raw, got)
		}
	}
}

// TestPDFOverSSH: ssh host pdf writes exactly Render's bytes, binary-safe,
// with nothing on stderr; --paper letter gives the Letter PDF.
func TestPDFOverSSH(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	for cmd, paper := range map[string]pdf.Paper{"pdf": pdf.A4, "pdf --paper letter": pdf.Letter} {
		want, err := pdf.Render(content.Default(), pdf.Options{Paper: paper})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second from the cache
			got := run(t, c, cmd)
			if got.exit != 0 || got.stderr != "" {
				t.Fatalf("%s: exit %d, stderr %q", cmd, got.exit, got.stderr)
			}
			if got.stdout != string(want) {
				t.Fatalf("%s: %d bytes that differ from Render's %d", cmd, len(got.stdout), len(want))
			}
		}
	}
	if got := run(t, c, "pdf --paper legal"); got.exit != 1 || !strings.Contains(got.stderr, "a4 or --paper letter") || got.stdout != "" {
		t.Errorf("pdf --paper legal: exit %d, stdout %d bytes, stderr %q", got.exit, len(got.stdout), got.stderr)
	}
	if got := run(t, c, "help"); !strings.Contains(got.stdout, "pdf > resume.pdf") {
		t.Errorf("help does not list pdf:\n%s", got.stdout)
	}
}

// TestPDFOpenSSH: the real ssh client saves the same bytes.
func TestPDFOpenSSH(t *testing.T) {
	sshBin := needBinary(t, "ssh")
	ts := startServer(t, testConfig(t))
	want, err := pdf.Render(content.Default(), pdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := runClient(t, strings.NewReader(""), sshBin, append(openSSHArgs(t, ts), "pdf")...)
	if got.exit != 0 || got.stdout != string(want) {
		t.Fatalf("ssh host pdf: exit %d, %d bytes (want %d, identical); stderr %q", got.exit, len(got.stdout), len(want), got.stderr)
	}
}

// TestPDFRefusedOnTerminal: with a PTY the PDF would be garbage on the
// screen and "\n" would become "\r\n" in it: refused, saying how to save it.
func TestPDFRefusedOnTerminal(t *testing.T) {
	ts := startServer(t, testConfig(t))
	p := openPTY(t, ts.dial(t), "pdf", 80, 24)
	if code := p.waitExit(t, 10*time.Second); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	out := p.out.String()
	if !strings.Contains(out, "binary") || !strings.Contains(out, "pdf > resume.pdf") || strings.Contains(out, "%PDF") {
		t.Errorf("screen %q, want the refusal and no PDF", out)
	}
}

// TestPDFFollowsReload: the PDF is made from the résumé a session got, and
// a reload makes a new one.
func TestPDFFollowsReload(t *testing.T) {
	cfg := testConfig(t)
	cfg.ContentFile = filepath.Join(t.TempDir(), "resume.json")
	cfg.ReloadInterval = 0
	writeResume(t, cfg.ContentFile, "Ada Lovelace")
	ts := startServer(t, cfg)
	c := ts.dial(t)
	first := run(t, c, "pdf")
	if want, _ := pdf.Render(ts.Resume(), pdf.Options{}); first.exit != 0 || first.stdout != string(want) {
		t.Fatalf("first PDF: exit %d, stderr %q, not Render's", first.exit, first.stderr)
	}
	writeResume(t, cfg.ContentFile, "Grace Hopper")
	if err := ts.Reload(); err != nil {
		t.Fatal(err)
	}
	got := run(t, c, "pdf")
	want, err := pdf.Render(ts.Resume(), pdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ts.Resume().Basics.Name != "Grace Hopper" || got.stdout != string(want) || got.stdout == first.stdout {
		t.Errorf("after the reload the PDF is not the new résumé's")
	}
}

// TestPDFCacheForTheWeb: the web side gets the cache of the résumé being
// served, holding the bytes ssh host pdf wrote, and nothing for a
// résumé a reload replaced.
func TestPDFCacheForTheWeb(t *testing.T) {
	cfg := testConfig(t)
	cfg.ContentFile = filepath.Join(t.TempDir(), "resume.json")
	cfg.ReloadInterval = 0
	writeResume(t, cfg.ContentFile, "Ada Lovelace")
	ts := startServer(t, cfg)
	old := ts.Resume()
	cache := ts.PDFCache(old)
	if cache == nil {
		t.Fatal("no PDF cache for the résumé being served")
	}
	sent := run(t, ts.dial(t), "pdf")
	b, err := cache.Render(pdf.A4)
	if err != nil || sent.stdout != string(b) {
		t.Fatalf("the cache's PDF is not what ssh host pdf wrote: %v", err)
	}
	writeResume(t, cfg.ContentFile, "Grace Hopper")
	if err := ts.Reload(); err != nil {
		t.Fatal(err)
	}
	if ts.PDFCache(old) != nil {
		t.Error("a cache for the résumé the reload replaced")
	}
	if c := ts.PDFCache(ts.Resume()); c == nil || c == cache {
		t.Error("no new cache for the reloaded résumé")
	}
}

// TestPDFFont: --pdf-font sets the PDF in that font; a file that is not a
// TrueType font stops the start naming it.
func TestPDFFont(t *testing.T) {
	cfg := testConfig(t)
	cfg.PDFFont = filepath.Join(t.TempDir(), "mono.ttf")
	if err := os.WriteFile(cfg.PDFFont, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, cfg)
	got := run(t, ts.dial(t), "pdf")
	if got.exit != 0 || !strings.Contains(got.stdout, "+GoMono") || strings.Contains(got.stdout, "+GoRegular") {
		t.Errorf("PDF with --pdf-font: exit %d, stderr %q; want it set in GoMono only", got.exit, got.stderr)
	}

	bad := testConfig(t)
	bad.PDFFont = filepath.Join(t.TempDir(), "font.otf")
	if err := os.WriteFile(bad.PDFFont, []byte("OTTO not really a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(bad, discardLogger()); err == nil || !strings.Contains(err.Error(), bad.PDFFont) || !strings.Contains(err.Error(), "TrueType") {
		t.Errorf("New with an OpenType font: %v, want an error naming the file and TrueType", err)
	}
}

// TestPDFUncoveredText: a résumé the font cannot draw gets a clear refusal;
// the log names the field.
func TestPDFUncoveredText(t *testing.T) {
	cfg := testConfig(t)
	cfg.ContentFile = filepath.Join(t.TempDir(), "resume.json")
	if err := os.WriteFile(cfg.ContentFile, []byte(`{"basics": {"name": "ნინო ბერიძე"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, cfg)
	got := run(t, ts.dial(t), "pdf")
	if got.exit != 1 || got.stdout != "" || !strings.Contains(got.stderr, "the PDF could not be made") {
		t.Errorf("exit %d, stdout %d bytes, stderr %q", got.exit, len(got.stdout), got.stderr)
	}
	if logs := ts.logs.String(); !strings.Contains(logs, "basics.name") || !strings.Contains(logs, "--pdf-font") {
		t.Errorf("the log does not name the field:\n%s", logs)
	}
}
