package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

var idShape = regexp.MustCompile(`^[a-z2-7]{16}\n$`)

// messageServer is a test server with a message store of engine e and,
// when owner is set, that key as the owner's.
func messageServer(t *testing.T, e storetest.Engine, cfg Config, owner gossh.PublicKey) (*testServer, store.Store) {
	t.Helper()
	o := e.Fresh(t)
	o.Limits = store.Limits{PerAddressPerHour: cfg.MessagesPerIP, PerKeyPerHour: cfg.MessagesPerKey, PerDay: cfg.MessagesPerDay}
	st := storetest.Open(t, o)
	if owner != nil {
		cfg.OwnerKeysFile = filepath.Join(t.TempDir(), "owner_keys")
		line := "# the owner\n" + string(gossh.MarshalAuthorizedKey(owner))
		if err := os.WriteFile(cfg.OwnerKeysFile, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logs := &testutil.Buffer{}
	s, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), WithStore(st))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return (&testServer{Server: s, logs: logs}).serve(t), st
}

// impostor offers one key and signs with another: it has the owner's
// public key, which is public, but not the private key.
type impostor struct {
	pub  gossh.PublicKey
	sign gossh.Signer
}

func (i impostor) PublicKey() gossh.PublicKey { return i.pub }
func (i impostor) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return i.sign.Sign(r, data)
}

// dialAs connects with the given auth methods; keyboard-interactive with
// no questions comes last, as a keyless visitor's OpenSSH does.
func (ts *testServer) dialAs(t *testing.T, signers ...gossh.Signer) *gossh.Client {
	t.Helper()
	cfg := ts.clientConfig("visitor")
	if len(signers) > 0 {
		cfg.Auth = append(cfg.Auth, gossh.PublicKeys(signers...))
	}
	cfg.Auth = append(cfg.Auth, gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
		return nil, nil
	}))
	c, err := gossh.Dial("tcp", ts.addr, cfg)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestMessageCommand(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			ts, st := messageServer(t, e, testConfig(t), nil)
			c := ts.dial(t)
			r := runInput(t, c, `message --from "Jane Roe <jane@example.com>"`, strings.NewReader("Hello!\nLet's talk.\n"))
			if r.exit != 0 || !idShape.MatchString(r.stdout) || r.stderr != "" {
				t.Fatalf("message: exit %d, stdout %q, stderr %q; want 0 and an id", r.exit, r.stdout, r.stderr)
			}
			m, err := st.Get(context.Background(), strings.TrimSpace(r.stdout))
			if err != nil {
				t.Fatalf("the acknowledged message is not in the store: %v", err)
			}
			if m.Name != "Jane Roe" || m.Contact != "jane@example.com" || m.Body != "Hello!\nLet's talk." ||
				m.Meta.Via != "ssh" || m.Meta.RemoteAddr != "127.0.0.1" || !strings.HasPrefix(m.Meta.ClientVersion, "SSH-2.0-Go") {
				t.Errorf("stored %+v", m)
			}
			for _, tc := range []struct {
				name, cmd, stdin, want string
			}{
				{"empty", `message --from "Jane <jane@example.com>"`, " \n\n", "message is empty"},
				{"200 KB", `message --from "Jane <jane@example.com>"`, strings.Repeat("a", 200<<10), "too long"},
				{"4001 characters", `message --from "Jane <jane@example.com>"`, strings.Repeat("é", 4001), "too long (4001 characters; at most 4000)"},
				{"not UTF-8", `message --from "Jane <jane@example.com>"`, "caf\xe9\n", "not valid UTF-8"},
				{"no --from", `message`, "hi", "message takes --from"},
				{"malformed --from", `message --from "Jane Roe"`, "hi", `want "Name <e-mail, phone or URL>"`},
				{"bad contact", `message --from "Jane <not reachable>"`, "hi", "e-mail address, a phone number or an http(s) URL"},
				{"escape in --from", "message --from \"\x1b]0;x\x07 <jane@example.com>\"", "hi", "name is empty"},
			} {
				r := runInput(t, c, tc.cmd, strings.NewReader(tc.stdin))
				lines := strings.Count(r.stderr, "\n")
				if r.exit != 1 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) || lines != 1 || strings.ContainsRune(r.stderr, 0x1b) {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and one line saying %q", tc.name, r.exit, r.stdout, r.stderr, tc.want)
				}
			}
			if l, _ := st.List(context.Background(), 0); len(l) != 1 {
				t.Errorf("%d messages stored, want only the good one", len(l))
			}
			p := startPTY(t, c, `message --from "Jane <jane@example.com>"`, 80, 24)
			if code := p.waitExit(t, 10*time.Second); code != 1 || !strings.Contains(p.out.String(), "without -t") {
				t.Errorf("message with a PTY: exit %d, %q", code, p.out.String())
			}
		})
	}
}

func TestMessageRateLimit(t *testing.T) {
	cfg := testConfig(t)
	cfg.MessagesPerIP = 3
	ts, st := messageServer(t, storetest.SQLite, cfg, nil)
	c := ts.dial(t)
	send := func() result {
		return runInput(t, c, `message --from jane@example.com`, strings.NewReader("hello"))
	}
	for i := range 3 {
		if r := send(); r.exit != 0 {
			t.Fatalf("message %d: %+v", i+1, r)
		}
	}
	r := send()
	if r.exit != 1 || !strings.Contains(r.stderr, "too many messages from your address; try again in") {
		t.Errorf("4th message in an hour: %+v", r)
	}
	// Another address is not limited by the first.
	c2, err := ts.dialFrom("127.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if r := runInput(t, c2, `message --from jane@example.com`, strings.NewReader("hi")); r.exit != 0 {
		t.Errorf("a second address: %+v", r)
	}
	if l, _ := st.List(context.Background(), 0); len(l) != 4 {
		t.Errorf("%d stored, want 4", len(l))
	}
	if !strings.Contains(ts.logs.String(), "reason=rate_address") {
		t.Error("the refusal is not logged")
	}
}

func TestMessageWithoutStore(t *testing.T) {
	ts := startServer(t, testConfig(t))
	r := runInput(t, ts.dial(t), `message --from jane@example.com`, strings.NewReader("hello"))
	if r.exit != 1 || !strings.Contains(r.stderr, "does not take messages") {
		t.Errorf("no store: %+v", r)
	}
}

func TestInboxOwnerOnly(t *testing.T) {
	owner, stranger := testutil.NewSigner(t), testutil.NewSigner(t)
	ts, st := messageServer(t, storetest.SQLite, testConfig(t), owner.PublicKey())
	const refusal = "resume: inbox: not allowed: only the owner's SSH key may read the inbox\n"
	// The same refusal with an empty inbox and a full one.
	for _, full := range []bool{false, true} {
		if full {
			if _, err := st.Submit(context.Background(), storetest.Sample("192.0.2.1")); err != nil {
				t.Fatal(err)
			}
		}
		for name, c := range map[string]*gossh.Client{
			"keyless":  ts.dialAs(t),
			"stranger": ts.dialAs(t, stranger),
		} {
			for _, cmd := range []string{"inbox", "inbox --json", "inbox read x", "inbox delete x", "inbox bogus"} {
				if r := run(t, c, cmd); r.exit != 1 || r.stderr != refusal || r.stdout != "" {
					t.Errorf("%s, full=%v, %s: %+v", name, full, cmd, r)
				}
			}
		}
	}
	// Offering the owner's public key without its private key: the
	// signature does not verify and the server drops the connection.
	icfg := ts.clientConfig("visitor")
	icfg.Auth = []gossh.AuthMethod{gossh.PublicKeys(impostor{pub: owner.PublicKey(), sign: stranger})}
	if c, err := gossh.Dial("tcp", ts.addr, icfg); err == nil {
		r := run(t, c, "inbox")
		_ = c.Close()
		if r.exit == 0 || r.stderr != refusal {
			t.Errorf("an impostor with the owner's public key read the inbox: %+v", r)
		}
	}
	testutil.Eventually(t, 5*time.Second, "the impostor's bad signature to be what stopped it", func() bool {
		return strings.Contains(ts.logs.String(), "signature did not verify")
	})
	oc := ts.dialAs(t, owner)
	r := run(t, oc, "inbox")
	if r.exit != 0 || !strings.Contains(r.stdout, "1 message, 1 unread") || !strings.Contains(r.stdout, "Jane Roe <jane@example.com>") {
		t.Fatalf("owner's inbox: %+v", r)
	}
	id := regexp.MustCompile(`\* ([a-z2-7]{16})`).FindStringSubmatch(r.stdout)
	if id == nil {
		t.Fatalf("no id with an unread mark in %q", r.stdout)
	}
	r = run(t, oc, "inbox read "+id[1])
	if r.exit != 0 || !strings.Contains(r.stdout, "From:     Jane Roe <jane@example.com>") || !strings.Contains(r.stdout, storetest.Sample("").Body) {
		t.Errorf("inbox read: %+v", r)
	}
	if r := run(t, oc, "inbox --json"); r.exit != 0 || !strings.Contains(r.stdout, `"read": true`) {
		t.Errorf("inbox --json after reading: %+v", r)
	}
	if r := run(t, oc, "inbox read nosuchid"); r.exit != 1 || !strings.Contains(r.stderr, `no message "nosuchid"`) {
		t.Errorf("read of a missing id: %+v", r)
	}
	if r := run(t, oc, "inbox delete "+id[1]); r.exit != 0 || !strings.Contains(r.stdout, "Deleted") {
		t.Errorf("delete: %+v", r)
	}
	if r := run(t, oc, "inbox"); r.stdout != "No messages.\n" {
		t.Errorf("after delete: %+v", r)
	}
	if r := run(t, oc, "inbox bogus"); r.exit != 1 || !strings.Contains(r.stderr, "usage: inbox") {
		t.Errorf("owner's bad usage: %+v", r)
	}
}

func TestOwnerKeysFile(t *testing.T) {
	cfg := testConfig(t)
	cfg.OwnerKeysFile = filepath.Join(t.TempDir(), "keys")
	for content, want := range map[string]string{
		"# a comment\nssh-ed25519 AAAAnotbase64\n": ":2: not a public key",
		"not a key at all\n":                       ":1: not a public key",
	} {
		_ = os.WriteFile(cfg.OwnerKeysFile, []byte(content), 0o600)
		if _, err := New(cfg, discardLogger()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("owner keys %q: %v, want %q", content, err, want)
		}
	}
	// Comments only: no owner, and the log says so.
	_ = os.WriteFile(cfg.OwnerKeysFile, []byte("# add the owner's key here\n"), 0o600)
	logs := &testutil.Buffer{}
	if _, err := New(cfg, slog.New(slog.NewTextHandler(logs, nil))); err != nil || !strings.Contains(logs.String(), "nobody can read the inbox") {
		t.Errorf("an owner keys file of comments: %v, log %q", err, logs.String())
	}
	cfg.OwnerKeysFile = filepath.Join(t.TempDir(), "missing")
	if _, err := New(cfg, discardLogger()); err == nil || !strings.Contains(err.Error(), "--owner-keys") {
		t.Errorf("missing owner keys file: %v", err)
	}
}

// TestInboxHostile sends the escape-sequence table as name, contact and
// message, then shows the owner's inbox through a terminal emulator: no
// title change, no clipboard write, and no row but the output's touched.
func TestInboxHostile(t *testing.T) {
	owner := testutil.NewSigner(t)
	cfg := testConfig(t)
	cfg.MessagesPerIP, cfg.MessagesPerDay = 0, 0
	ts, st := messageServer(t, storetest.SQLite, cfg, owner.PublicKey())
	c := ts.dialAs(t)
	var ids []string
	for _, h := range storetest.Hostile {
		name := "Eve" + h.Text
		r := runInput(t, c, `message --from '`+strings.ReplaceAll(name, "'", "")+` <eve@example.com>'`,
			strings.NewReader("before"+h.Text+"after\nline two"+h.Text))
		if r.exit != 0 {
			t.Fatalf("%s: %+v", h.Name, r)
		}
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	// A contact is cleaned before it is checked: the sequence goes and
	// the address is stored, or what is left is refused.
	for _, h := range storetest.Hostile {
		id, err := st.Submit(context.Background(), store.Submission{
			Name: "Eve", Contact: "eve@example.com" + h.Text, Body: "x",
			Meta: store.Meta{RemoteAddr: "192.0.2.1"},
		})
		if err == nil {
			ids = append(ids, id)
		}
	}
	oc := ts.dialAs(t, owner)
	outputs := []string{run(t, oc, "inbox").stdout, run(t, oc, "inbox --json").stdout}
	for _, id := range ids {
		outputs = append(outputs, run(t, oc, "inbox read "+id).stdout)
	}
	for i, out := range outputs {
		if strings.ContainsAny(out, "\x1b\r\b\x07\x7f\u009b\u009d\u202e\u200b") {
			t.Errorf("output %d carries a control or invisible character: %q", i, out)
		}
		checkOnScreen(t, out)
	}
}

// checkOnScreen writes out below ten sentinel rows of an emulator and
// checks that only the rows below them changed, and that nothing set the
// title, rang the bell or switched screens.
func checkOnScreen(t *testing.T, out string) {
	t.Helper()
	const width, height, sentinels = 120, 2000, 10
	// Nothing read from the emulator: the output is checked to hold no
	// queries it would answer (no ESC at all).
	em := vt.NewEmulator(width, height)
	var events []string
	em.SetCallbacks(vt.Callbacks{
		Title:     func(s string) { events = append(events, "title "+s) },
		IconName:  func(s string) { events = append(events, "icon "+s) },
		Bell:      func() { events = append(events, "bell") },
		AltScreen: func(bool) { events = append(events, "alt screen") },
		WorkingDirectory: func(s string) {
			events = append(events, "cwd "+s)
		},
	})
	for i := range sentinels {
		_, _ = em.WriteString("SENTINEL ROW " + string(rune('A'+i)) + "\r\n")
	}
	// A terminal's line discipline turns \n into \r\n (onlcr).
	_, _ = em.WriteString(strings.ReplaceAll(out, "\n", "\r\n"))
	lines := strings.Split(em.String(), "\n")
	for i := range sentinels {
		want := "SENTINEL ROW " + string(rune('A'+i))
		if strings.TrimRight(lines[i], " ") != want {
			t.Errorf("row %d is %q, want %q untouched", i, lines[i], want)
		}
	}
	if len(events) > 0 {
		t.Errorf("the output acted on the terminal: %v", events)
	}
	screen := strings.Join(lines[sentinels:], "\n")
	for _, payload := range []string{"PWNED-TITLE", "cm0gLXJmIH4K", "evil.example", "2J"} {
		if strings.Contains(screen, payload) {
			t.Errorf("the payload %q of a sequence reached the screen:\n%s", payload, screen)
		}
	}
	if !strings.Contains(screen, "beforeafter") && !strings.Contains(screen, "Eve") && !strings.Contains(screen, "No messages") {
		t.Errorf("the output is not on the screen:\n%s", screen)
	}
}

// TestTUIContactForm sends a message through the Contact form over a real
// SSH session with a PTY, as a visitor's terminal would type it.
func TestTUIContactForm(t *testing.T) {
	ts, st := messageServer(t, storetest.SQLite, testConfig(t), nil)
	p := openPTY(t, ts.dial(t), "", 80, 24)
	p.waitFor(t, "Wenging Luo", 10*time.Second)
	if _, err := io.WriteString(p.in, "w"); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "Your name", 5*time.Second)
	// Tab between the fields, enter for a new line in the message, ctrl+s
	// to send.
	if _, err := io.WriteString(p.in, "Jane Roe\tjane@example.com\tHello from the form\rSecond line\x13"); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "Message id: ", 10*time.Second)
	id := regexp.MustCompile(`Message id: (?:\x1b\[[0-9;]*m)*([a-z2-7]{16})`).FindStringSubmatch(p.out.String())
	if id == nil {
		t.Fatalf("no id on screen: %q", p.out.String())
	}
	m, err := st.Get(context.Background(), id[1])
	if err != nil {
		t.Fatalf("the confirmed message is not stored: %v", err)
	}
	if m.Name != "Jane Roe" || m.Contact != "jane@example.com" || m.Body != "Hello from the form\nSecond line" || m.Meta.Via != "tui" {
		t.Errorf("stored %+v", m)
	}
}

// TestTUIInboxHostile shows the escape-sequence table in the owner's TUI
// inbox, through a terminal emulator: no title, no bell, none of the
// sequences' payloads on screen, the header rows intact.
func TestTUIInboxHostile(t *testing.T) {
	owner := testutil.NewSigner(t)
	cfg := testConfig(t)
	ts, st := messageServer(t, storetest.SQLite, cfg, owner.PublicKey())
	for _, h := range storetest.Hostile {
		if _, err := st.Submit(context.Background(), store.Submission{
			Name: "Eve" + h.Text, Contact: "eve@example.com",
			Body: "before" + h.Text + "after", Meta: store.Meta{Via: "ssh"},
		}); err != nil {
			t.Fatalf("%s: %v", h.Name, err)
		}
	}
	// A stranger's TUI has no Inbox section.
	sp := openPTY(t, ts.dialAs(t, testutil.NewSigner(t)), "", 120, 40)
	sp.waitFor(t, "Contact", 10*time.Second)
	if strings.Contains(sp.out.String(), "Inbox") {
		t.Error("a stranger's TUI shows an Inbox section")
	}
	p := openPTY(t, ts.dialAs(t, owner), "", 120, 40)
	p.waitFor(t, "Inbox", 10*time.Second)
	if _, err := io.WriteString(p.in, "\x1b[Z"); err != nil { // shift+tab: the last section
		t.Fatal(err)
	}
	p.waitFor(t, "unread", 5*time.Second)
	if _, err := io.WriteString(p.in, "\r"); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "Received:", 5*time.Second)
	out := p.out.String()
	for _, payload := range []string{"PWNED-TITLE", "cm0gLXJmIH4K", "evil.example", "\x1b]0;", "\x1b]2;", "\x1b]52", "\u009b", "\u202e", "\u200b"} {
		if strings.Contains(out, payload) {
			t.Errorf("the TUI's output carries %q", payload)
		}
	}
	em := vt.NewEmulator(120, 40)
	// The TUI asks the terminal questions (its background colour); the
	// emulator answers on its input side, which must be read. The reader
	// stays blocked when the test ends: vt's Close races with Read.
	go func() { _, _ = io.Copy(io.Discard, em) }()
	var events []string
	em.SetCallbacks(vt.Callbacks{
		Title:    func(s string) { events = append(events, "title "+s) },
		IconName: func(s string) { events = append(events, "icon "+s) },
		Bell:     func() { events = append(events, "bell") },
	})
	_, _ = em.WriteString(out)
	if len(events) > 0 {
		t.Errorf("the inbox acted on the terminal: %v", events)
	}
	screen := em.String()
	rows := strings.Split(screen, "\n")
	if !strings.Contains(strings.Join(rows[:4], "\n"), "Wenging Luo") || !strings.Contains(screen, "From:") ||
		!strings.Contains(screen, "beforeafter") && !strings.Contains(screen, "before") {
		t.Errorf("the screen is not the inbox as drawn:\n%s", screen)
	}
}

// TestMessageOutcomesCounted: each message command's result (store.Outcome)
// is counted under its label, and a store that fails is the visitor's
// "could not be saved", never the database's own words.
func TestMessageOutcomesCounted(t *testing.T) {
	cfg := testConfig(t)
	cfg.MessagesPerIP = 1
	ts, st := messageServer(t, storetest.SQLite, cfg, nil)
	c := ts.dial(t)
	send := func(body string) result {
		return runInput(t, c, `message --from jane@example.com`, strings.NewReader(body))
	}
	if r := send("hello"); r.exit != 0 {
		t.Fatalf("first message: %+v", r)
	}
	if r := send(" \n"); r.exit != 1 || !strings.Contains(r.stderr, "message is empty") {
		t.Errorf("an empty message: %+v", r)
	}
	if r := send("again"); r.exit != 1 || !strings.Contains(r.stderr, "too many messages") {
		t.Errorf("over the limit: %+v", r)
	}
	_ = st.Close()
	if r := send("hello"); r.exit != 1 || !strings.Contains(r.stderr, "could not be saved") || strings.Contains(r.stderr, "sql") {
		t.Errorf("a closed store: %+v", r)
	}
	rec := httptest.NewRecorder()
	ts.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, label := range []string{store.ResultAccepted, store.ResultInvalid, store.ResultRateLimited, store.ResultError} {
		if want := `resume_messages_total{result="` + label + `"} 1` + "\n"; !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
