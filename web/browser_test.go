package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/laphets/resume/store"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium for a test (tabs are opened in it with
// newTab), or skips it when Chromium
// is not installed (and fails under CI, where it must be).
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is needed for the browser tests: %v (.ci/run installs it)", err)
		}
		t.Skipf("no %s (apt-get install chromium); the browser tests need it", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// tab is one browser tab with a record of what the page did.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	console  []string // console messages, exceptions, browser log entries
	requests []string // every URL the page asked for
}

func newTab(parent context.Context, t *testing.T) *tab {
	t.Helper()
	tb := &tab{}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	tb.ctx = ctx
	return tb
}

func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, string(a.Value)+a.Description)
		}
		tb.console = append(tb.console, string(ev.Type)+": "+strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.console = append(tb.console, "exception: "+msg)
	case *cdplog.EventEntryAdded:
		tb.console = append(tb.console, fmt.Sprintf("log %s %s: %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	}
}

func (tb *tab) record() (console, requests []string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.console...), append([]string(nil), tb.requests...)
}

func (tb *tab) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, tb *tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// media emulates a media type ("print", or "" for the screen) and a
// colour scheme preference.
func media(typ, scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Media:    typ,
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	}
}

func noScript() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	}
}

// screenshotDir is where the screenshots go for a person to look at:
// $RESUME_SCREENSHOTS, else a directory under the system's temp.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("RESUME_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "resume-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func save(t *testing.T, name string, b []byte) {
	t.Helper()
	p := filepath.Join(screenshotDir(t), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", p)
}

// checkClean fails on a console message (a CSP violation is one) or a
// request for anything not on the server itself; a message holding one of
// expected is allowed.
func checkClean(t *testing.T, tb *tab, origin string, expected ...string) {
	t.Helper()
	console, requests := tb.record()
next:
	for _, m := range console {
		for _, e := range expected {
			if strings.Contains(m, e) {
				continue next
			}
		}
		t.Errorf("console: %s", m)
	}
	if len(requests) == 0 {
		t.Error("no request seen: the listener is not working")
	}
	for _, r := range requests {
		u, err := url.Parse(r)
		if err != nil || u.Scheme+"://"+u.Host != origin {
			t.Errorf("a request left the server: %s", r)
		}
	}
}

const pageScript = `(() => {
	const de = document.documentElement;
	return {
		overflow: de.scrollWidth > de.clientWidth,
		scrollWidth: de.scrollWidth, clientWidth: de.clientWidth,
		bg: getComputedStyle(document.body).backgroundColor,
		fg: getComputedStyle(document.body).color,
		name: document.querySelector('h1').innerText,
		text: document.body.innerText,
		copyVisible: !!document.getElementById('copy') && getComputedStyle(document.getElementById('copy')).display !== 'none',
		tocVisible: getComputedStyle(document.querySelector('.toc')).display !== 'none',
		contactURL: (e => !!e && getComputedStyle(e).display !== 'none' && e.innerText)(document.querySelector('.contacts .cu')),
	};
})()`

type pageState struct {
	Overflow    bool   `json:"overflow"`
	ScrollWidth int    `json:"scrollWidth"`
	ClientWidth int    `json:"clientWidth"`
	BG          string `json:"bg"`
	FG          string `json:"fg"`
	Name        string `json:"name"`
	Text        string `json:"text"`
	CopyVisible bool   `json:"copyVisible"`
	TOCVisible  bool   `json:"tocVisible"`
	ContactURL  string `json:"contactURL"`
}

// TestBrowser loads the page in headless Chromium as visitors would see
// it: a phone, a laptop, dark and light, in print, and with JavaScript off.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	ts := start(t, testConfig())
	light, dark := "rgb(251, 250, 247)", "rgb(21, 23, 27)"
	views := []struct {
		name          string
		width, height int64
		media, scheme string
		bg            string
	}{
		{"phone-light", 320, 640, "", "light", light},
		{"phone-dark", 320, 640, "", "dark", dark},
		{"desktop-light", 1280, 800, "", "light", light},
		{"desktop-dark", 1280, 800, "", "dark", dark},
		{"print-dark-preference", 794, 1123, "print", "dark", "rgb(255, 255, 255)"},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			tb := newTab(ctx, t)
			tb.do(t,
				chromedp.EmulateViewport(v.width, v.height),
				media(v.media, v.scheme),
				chromedp.Navigate(ts.url+"/"),
				chromedp.WaitVisible(chromedp.CSS("h1")),
			)
			st := eval[pageState](t, tb, pageScript)
			if st.Overflow {
				t.Errorf("horizontal overflow: content %dpx wide in a %dpx viewport", st.ScrollWidth, st.ClientWidth)
			}
			if st.BG != v.bg {
				t.Errorf("background %s, want %s", st.BG, v.bg)
			}
			if st.Name != "Wenging Luo" {
				t.Errorf("h1 reads %q", st.Name)
			}
			for _, want := range []string{"EDUCATION", "Bytedance Inc.", "ssh -p 2222 resume.example.com"} {
				if !strings.Contains(strings.ToUpper(st.Text), strings.ToUpper(want)) {
					t.Errorf("page text lacks %q", want)
				}
			}
			if v.media == "print" {
				if st.FG != "rgb(0, 0, 0)" || st.TOCVisible || st.CopyVisible {
					t.Errorf("print: colour %s, contents shown %v, copy button shown %v", st.FG, st.TOCVisible, st.CopyVisible)
				}
				if st.ContactURL != "github.com/Laphets" {
					t.Errorf("print does not show the profile's address: %q", st.ContactURL)
				}
			} else if !st.CopyVisible {
				t.Error("the copy button is hidden with JavaScript on")
			}
			shot, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			save(t, v.name+".png", shot)
			checkClean(t, tb, ts.url)
		})
	}
	for _, path := range []string{"/ssh", "/nope"} {
		t.Run("page"+strings.ReplaceAll(path, "/", "-"), func(t *testing.T) {
			tb := newTab(ctx, t)
			tb.do(t, chromedp.EmulateViewport(320, 640), chromedp.Navigate(ts.url+path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if eval[bool](t, tb, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
				t.Error("horizontal overflow at 320px")
			}
			shot, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			save(t, "phone"+strings.ReplaceAll(path, "/", "-")+".png", shot)
			checkClean(t, tb, ts.url, "404 (Not Found) "+ts.url+"/nope") // the page's own status
		})
	}
	// The checks above can fail: a picture from elsewhere, added to the
	// page, is refused by the policy, and both the violation and the
	// attempt are seen.
	t.Run("violations are seen", func(t *testing.T) {
		tb := newTab(ctx, t)
		tb.do(t, chromedp.Navigate(ts.url+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
		eval[bool](t, tb, `document.body.insertAdjacentHTML('beforeend', '<img src="http://192.0.2.1/x.png" alt="">'); true`)
		deadline := time.Now().Add(10 * time.Second)
		for {
			console, _ := tb.record()
			if strings.Contains(strings.Join(console, "\n"), "Content Security Policy") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a CSP violation was not seen; console: %q", console)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("pdf", func(t *testing.T) {
		tb := newTab(ctx, t)
		tb.do(t, chromedp.Navigate(ts.url+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
		for name, paper := range map[string]chromedp.PaperSize{"a4": chromedp.PaperA4, "letter": chromedp.PaperLetter} {
			pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(paper)))
			if err != nil {
				t.Fatal(err)
			}
			if len(pdf) < 1000 || !strings.HasPrefix(string(pdf), "%PDF") {
				t.Errorf("%s: not a PDF", name)
			}
			save(t, "print-"+name+".pdf", pdf)
		}
		checkClean(t, tb, ts.url)
	})
}

// TestBrowserCopyButton: the button copies the ssh command.
func TestBrowserCopyButton(t *testing.T) {
	ctx := browser(t)
	ts := start(t, testConfig())
	tb := newTab(ctx, t)
	tb.do(t, chromedp.Navigate(ts.url+"/"), chromedp.WaitVisible(chromedp.CSS("#copy")))
	// Headless Chromium has no clipboard to read back: record what the
	// page writes to it.
	eval[bool](t, tb, `window.copied = null; navigator.clipboard.writeText = s => { window.copied = s; return Promise.resolve(); }; true`)
	tb.do(t, chromedp.Click(chromedp.CSS("#copy")))
	deadline := time.Now().Add(10 * time.Second)
	for eval[string](t, tb, `document.getElementById('copy').textContent`) != "Copied" {
		if time.Now().After(deadline) {
			t.Fatal("the button never said Copied")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := eval[string](t, tb, `window.copied`); got != "ssh -p 2222 resume.example.com" {
		t.Errorf("copied %q", got)
	}
	checkClean(t, tb, ts.url)
}

// TestBrowserWithoutJavaScript: with scripts off the page reads the same,
// and the copy button, which needs them, is not shown.
func TestBrowserWithoutJavaScript(t *testing.T) {
	ctx := browser(t)
	ts := start(t, testConfig())
	withJS := newTab(ctx, t)
	withJS.do(t, chromedp.Navigate(ts.url+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	want, err := chromedp.Run(withJS.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	tb := newTab(ctx, t)
	tb.do(t, noScript(), chromedp.Navigate(ts.url+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	got, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if got != want || !strings.Contains(got, "Bytedance Inc.") {
		t.Errorf("the page reads differently without JavaScript (%d vs %d characters)", len(got), len(want))
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("#ssh-cmd"))); err != nil {
		t.Errorf("the ssh command is not on the page: %v", err)
	}
	hidden, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.getElementById('copy').hidden`))
	if err == nil && !hidden {
		t.Error("the copy button shows without JavaScript")
	}
	shot, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	save(t, "no-javascript.png", shot)
}

// TestBrowserMessageWithoutJavaScript: with scripts off, a visitor types a
// message into the page's form, sends it, and reads its receipt.
func TestBrowserMessageWithoutJavaScript(t *testing.T) {
	ctx := browser(t)
	ts, st, _ := withStore(t, store.DefaultLimits)
	tb := newTab(ctx, t)
	tb.do(t, noScript(), chromedp.EmulateViewport(320, 640), chromedp.Navigate(ts.url+"/#message"),
		chromedp.WaitVisible(chromedp.CSS("#m-name")),
		chromedp.SendKeys(chromedp.CSS("#m-name"), "Jane Roe"),
		chromedp.SendKeys(chromedp.CSS("#m-contact"), "jane@example.com"),
		chromedp.SendKeys(chromedp.CSS("#m-body"), "Hello from a browser."),
	)
	shot, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	save(t, "message-form.png", shot)
	tb.do(t, chromedp.Click(chromedp.CSS(`form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("code.id")))
	id, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("code.id")))
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.Get(context.Background(), id)
	if err != nil || m.Body != "Hello from a browser." {
		t.Errorf("the receipt's id %q: %+v, %v", id, m, err)
	}
	checkClean(t, tb, ts.url)
}
