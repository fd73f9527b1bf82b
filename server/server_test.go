package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/internal/healthcheck"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/text"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	bad := DefaultConfig()
	bad.Addr = "nope"
	bad.IdleTimeout = 0
	bad.MaxSessions = 0
	bad.RatePerIP = -1
	bad.LogFormat = "xml"
	bad.LogLevel = "loud"
	err := bad.Validate()
	if err == nil {
		t.Fatal("a bad config validated")
	}
	for _, flag := range []string{"--addr", "--idle-timeout", "--max-sessions", "--rate-per-ip", "--log-format", "--log-level"} {
		if !strings.Contains(err.Error(), flag) {
			t.Errorf("error does not name %s: %v", flag, err)
		}
	}
}

func TestSSHCommand(t *testing.T) {
	for _, tt := range []struct {
		host, want string
		ok         bool
	}{
		{"", "ssh -p 23234 <host>", true},
		{"resume.example.com", "ssh resume.example.com", true},
		{"resume.example.com:22", "ssh resume.example.com", true},
		{"resume.example.com:2222", "ssh -p 2222 resume.example.com", true},
		{"[2001:db8::1]:2222", "ssh -p 2222 [2001:db8::1]", true},
		{"resume.example.com:0", "ssh -p 23234 <host>", false},
		{"resume.example.com:http", "ssh -p 23234 <host>", false},
		{"evil\x1b]0;x\x07.com", "ssh -p 23234 <host>", false},
		{"me@host", "ssh -p 23234 <host>", false},
		{"a b", "ssh -p 23234 <host>", false},
	} {
		t.Run(tt.host, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.PublicHost = tt.host
			if got := cfg.SSHCommand(nil); got != tt.want {
				t.Errorf("SSHCommand() = %q, want %q", got, tt.want)
			}
			err := cfg.Validate()
			if tt.ok != (err == nil) {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "--public-host") {
				t.Errorf("error does not name --public-host: %v", err)
			}
		})
	}
}

func TestHelpShowsPublicHost(t *testing.T) {
	r := content.Default()
	// Wide enough, descriptions go beside the commands; at 80 columns
	// they go under them, so that neither is squeezed.
	var got string
	for width, wants := range map[int][]string{
		160: {"  ssh -p 2222 cv.example.com   ", "  ssh -t -p 2222 cv.example.com SECTION   ", "  ssh -p 2222 cv.example.com json   "},
		80: {
			"  ssh -p 2222 cv.example.com\n      the interactive résumé", "  ssh -t -p 2222 cv.example.com SECTION\n",
			"  ssh -p 2222 cv.example.com json\n      the JSON Resume document",
		},
	} {
		got = helpText(r, []string{"overview"}, "ssh -p 2222 cv.example.com", width)
		for _, want := range append(wants, "Sections: overview\n") {
			if !strings.Contains(got, want) {
				t.Errorf("help at %d lacks %q:\n%s", width, want, got)
			}
		}
	}
	if strings.Contains(got, "<host>") {
		t.Errorf("help explains a placeholder it does not use:\n%s", got)
	}
}

// Without --public-host the hints name the port the visitor reached and
// say plainly that the host is theirs to fill in.
func TestSSHCommandWithoutPublicHost(t *testing.T) {
	cfg := DefaultConfig()
	for _, tt := range []struct {
		local net.Addr
		want  string
	}{
		{nil, "ssh -p 23234 <host>"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222}, "ssh -p 2222 <host>"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}, "ssh <host>"},
	} {
		if got := cfg.SSHCommand(tt.local); got != tt.want {
			t.Errorf("SSHCommand(%v) = %q, want %q", tt.local, got, tt.want)
		}
	}
	cfg.PublicHost = "cv.example.com"
	if got := cfg.SSHCommand(&net.TCPAddr{Port: 2222}); got != "ssh cv.example.com" {
		t.Errorf("with a public host: %q", got)
	}
	help := helpText(content.Default(), content.Default().SectionIDs(), "ssh -p 2222 <host>", 80)
	for _, want := range []string{"  ssh -p 2222 <host> text [--width N]", "<host> is the name or address"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "HOST") {
		t.Errorf("help still says HOST:\n%s", help)
	}
}

// Every line of help fits the width it was made for, and nothing is lost
// when it is narrow.
func TestHelpFitsItsWidth(t *testing.T) {
	r := content.Default()
	for _, ssh := range []string{"ssh -p 23234 <host>", "ssh -p 2222 a-rather-long-public-name.example.com"} {
		for w := text.MinWidth; w <= 200; w++ {
			got := helpText(r, r.SectionIDs(), ssh, w)
			for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("width %d, line %d is %d wide: %q", w, i+1, lw, l)
				}
			}
			flat := strings.Join(strings.Fields(got), " ")
			for _, want := range []string{"markdown", "Markdown", "this help", "the server's version", "skills"} {
				if !strings.Contains(flat, want) {
					t.Fatalf("width %d: help lost %q:\n%s", w, want, got)
				}
			}
		}
	}
}

func TestParseProxyNetworks(t *testing.T) {
	got, err := ParseProxyNetworks("10.0.0.0/8, 192.168.1.5,::1")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.5/32"), netip.MustParsePrefix("::1/128")}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	if _, err := ParseProxyNetworks("10.0.0.0/8,example.com"); err == nil {
		t.Error("a host name was taken for a network")
	}
}

func TestHostKeyPersists(t *testing.T) {
	cfg := testConfig(t)
	a := newTestServer(t, cfg)
	b := newTestServer(t, cfg)
	if a.Fingerprint() != b.Fingerprint() {
		t.Fatalf("host key changed across restarts: %s then %s", a.Fingerprint(), b.Fingerprint())
	}
	fi, err := os.Stat(cfg.HostKeyPath())
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("host key mode %v, want 0600", m)
	}
	// The same key over the wire, after a restart.
	ts := startServer(t, cfg)
	c := ts.dial(t) // FixedHostKey(ts.HostKey())
	_ = c.Close()
	if ts.Fingerprint() != a.Fingerprint() {
		t.Fatal("served key differs")
	}
}

func TestInvalidContentRefusesToStart(t *testing.T) {
	cfg := testConfig(t)
	cfg.ContentFile = filepath.Join(t.TempDir(), "resume.json")
	if err := os.WriteFile(cfg.ContentFile, []byte("{\"basics\": {\"name\": \"A\"},\n \"work\": [}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(cfg, discardLogger())
	var ve *content.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Line != 2 || ve.Problems[0].Warning {
		t.Fatalf("New with invalid content: %v, want a ValidationError with the syntax error on line 2", err)
	}
	if !strings.Contains(err.Error(), "resume.json") {
		t.Errorf("error does not name the file: %v", err)
	}
}

// warned is a résumé that a strict validator refuses but that is served:
// a relative URL, an end date in words, a date as people write it.
const warned = `{"basics": {"name": "Wanda Warned", "url": "wanda.example.com"},
 "work": [{"company": "Acme", "startDate": "May 2022", "endDate": "Present"}]}`

func TestContentWithWarningsStartsAndLogsThem(t *testing.T) {
	cfg := testConfig(t)
	cfg.ContentFile = filepath.Join(t.TempDir(), "resume.json")
	if err := os.WriteFile(cfg.ContentFile, []byte(warned), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, cfg)
	if got := run(t, ts.dial(t), "text"); !strings.HasPrefix(got.stdout, "Wanda Warned") ||
		!strings.Contains(got.stdout, "Acme") || !strings.Contains(got.stdout, "May 2022 – Present") {
		t.Fatalf("served text: %q", got.stdout)
	}
	logs := ts.logs.String()
	for _, want := range []string{
		"level=WARN", "resume.json:1:44: warning: basics.url", "resume.json:2:44: warning: work[0].startDate",
		"work[0].endDate",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("start-up log lacks %q:\n%s", want, logs)
		}
	}
	if n := strings.Count(logs, "content warning"); n != 3 {
		t.Errorf("%d warnings logged, want each of the 3 once:\n%s", n, logs)
	}
}

// writeResume writes a valid résumé named name to path.
func writeResume(t *testing.T, path, name string) {
	t.Helper()
	doc := `{"basics": {"name": "` + name + `", "label": "Engineer"}, "work": [{"name": "Acme", "position": "Builder", "startDate": "2020-01"}]}`
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // as editors and ConfigMaps do
		t.Fatal(err)
	}
}

func TestReload(t *testing.T) {
	cfg := testConfig(t)
	cfg.ContentFile = filepath.Join(t.TempDir(), "resume.json")
	writeResume(t, cfg.ContentFile, "Ada Lovelace")
	ts := startServer(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watched := make(chan struct{})
	go func() { defer close(watched); ts.watchContent(ctx, 20*time.Millisecond) }()
	defer func() { cancel(); <-watched }()

	c := ts.dial(t)
	if got := run(t, c, "text"); !strings.HasPrefix(got.stdout, "Ada Lovelace") {
		t.Fatalf("before reload: %q", head(got.stdout))
	}
	open := openPTY(t, c, "", 80, 24) // started before the change: keeps Ada
	open.waitFor(t, "Ada Lovelace", 5*time.Second)

	writeResume(t, cfg.ContentFile, "Grace Hopper")
	testutil.Eventually(t, 5*time.Second, "new sessions see the change", func() bool {
		return strings.HasPrefix(run(t, c, "text").stdout, "Grace Hopper")
	})
	if ts.Resume().Basics.Name != "Grace Hopper" {
		t.Fatal("Resume() not updated")
	}

	// A file with only warnings is served, and its warnings logged.
	if err := os.WriteFile(cfg.ContentFile, []byte(warned), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, "new sessions see the file with warnings", func() bool {
		return strings.HasPrefix(run(t, c, "text").stdout, "Wanda Warned")
	})
	if !strings.Contains(ts.logs.String(), "warning: work[0].endDate") {
		t.Errorf("the reload's warnings were not logged:\n%s", ts.logs.String())
	}
	writeResume(t, cfg.ContentFile, "Grace Hopper")
	testutil.Eventually(t, 5*time.Second, "new sessions see Grace again", func() bool {
		return strings.HasPrefix(run(t, c, "text").stdout, "Grace Hopper")
	})

	// A broken file changes nothing, and every problem is logged.
	broken := "{\"basics\": {\"name\": \"B\"},\n \"work\": [{\"startDate\": }]}"
	if err := os.WriteFile(cfg.ContentFile, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, "the invalid file is noticed", func() bool {
		return strings.Count(ts.logs.String(), "content invalid") >= 1
	})
	if got := run(t, c, "text"); !strings.HasPrefix(got.stdout, "Grace Hopper") {
		t.Fatalf("after a broken file: %q", head(got.stdout))
	}
	if err := ts.Reload(); err == nil { // SIGHUP's path
		t.Error("Reload of a broken file reported no error")
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "resume.json:2:24: syntax error") {
		t.Errorf("the syntax error was not logged with its place:\n%s", logs)
	}

	// The session opened before any change still shows its résumé.
	_, _ = open.in.Write([]byte("\t"))
	_, _ = open.in.Write([]byte("q"))
	open.waitExit(t, 5*time.Second)
	if s := open.out.String(); strings.Contains(s, "Grace Hopper") {
		t.Errorf("an open session changed résumé: %q", s)
	}
}

// TestShutdown ends a TUI session with a message, lets a command finish,
// and returns within the grace period.
func TestShutdown(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	idle := ts.dial(t) // a connection without a session
	p := openPTY(t, c, "", 80, 24)
	p.waitFor(t, "Wenging Luo", 5*time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Shutdown took %s with visitors that leave when told", d)
	}
	if code := p.waitExit(t, 5*time.Second); code != 0 {
		t.Errorf("TUI exit %d", code)
	}
	p.waitFor(t, endShutdown.goodbye(), time.Second)
	if err := idle.Wait(); err == nil {
		t.Log("idle connection closed")
	}
	select {
	case err := <-ts.done:
		if !errors.Is(err, ssh.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
		ts.done <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still running after Shutdown")
	}
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		t.Error("still accepting after Shutdown")
	}
}

// TestShutdownGraceExpires closes a visitor who does not leave.
func TestShutdownGraceExpires(t *testing.T) {
	ts := startServer(t, testConfig(t))
	// A raw TCP connection mid-handshake, and a session whose client never
	// reads: neither leaves on its own.
	raw, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	testutil.Eventually(t, 5*time.Second, "raw connection admitted", func() bool { return ts.gate.Open() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_ = ts.Shutdown(ctx)
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Shutdown took %s, grace was 300ms", d)
	}
	testutil.Eventually(t, 5*time.Second, "connections closed", func() bool { return ts.gate.Open() == 0 })
}

func TestMetricsAndHealth(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessionsPerIP = 1
	cfg.Pprof = true
	ts := startServer(t, cfg)
	h := httptest.NewServer(ts.MetricsHandler())
	defer h.Close()

	c := ts.dial(t)
	run(t, c, "json")
	run(t, c, "")
	if _, err := ts.dialFrom("127.0.0.1"); err == nil { // refused: per-address cap
		t.Fatal("second connection accepted")
	}
	p := openPTY(t, c, "", 80, 24)
	p.waitFor(t, "Wenging Luo", 5*time.Second)

	get := func(path string) (int, string) {
		resp, err := http.Get(h.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`resume_sessions_active{kind="tui"} 1`,
		`resume_sessions_total{kind="command"} 1`,
		`resume_sessions_total{kind="plain"} 1`,
		`resume_refusals_total{reason="ip_connections"} 1`,
		`resume_session_duration_seconds_count{kind="command"} 1`,
		`resume_handshake_failures_total`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, _ := get("/debug/pprof/"); code != 200 {
		t.Errorf("pprof on: %d", code)
	}
	_, _ = p.in.Write([]byte("q"))
	p.waitExit(t, 5*time.Second)

	ts.closing.Store(true)
	if code, _ := get("/healthz"); code != 503 {
		t.Errorf("/healthz while shutting down: %d, want 503", code)
	}

	off := newTestServer(t, testConfig(t))
	h2 := httptest.NewServer(off.MetricsHandler())
	defer h2.Close()
	resp, err := http.Get(h2.URL + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("pprof off by default: got %d", resp.StatusCode)
	}
}

// TestLogsAreSanitised: escape sequences in a user name and a command never
// reach the log raw.
func TestHealthCheckLogsQuietly(t *testing.T) {
	for _, tt := range []struct {
		ip, version string
		want        slog.Level
	}{
		{"127.0.0.1", healthcheck.ClientVersion, slog.LevelDebug},
		{"::1", healthcheck.ClientVersion, slog.LevelDebug},
		{"192.0.2.7", healthcheck.ClientVersion, slog.LevelInfo}, // outsiders cannot hide
		{"127.0.0.1", "SSH-2.0-OpenSSH_9.2p1", slog.LevelInfo},
	} {
		if got := connLogLevel(netip.MustParseAddr(tt.ip), tt.version); got != tt.want {
			t.Errorf("connLogLevel(%s, %s) = %v, want %v", tt.ip, tt.version, got, tt.want)
		}
	}

	ts := startServer(t, testConfig(t))
	if _, err := healthcheck.SSH(context.Background(), ts.addr); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, "disconnect logged", func() bool {
		return strings.Contains(ts.logs.String(), "msg=disconnect")
	})
	for _, line := range strings.Split(strings.TrimSpace(ts.logs.String()), "\n") {
		if strings.Contains(line, "resume-healthcheck") && !strings.Contains(line, "level=DEBUG") {
			t.Errorf("health check logged above debug: %s", line)
		}
	}
}

func TestLogsAreSanitised(t *testing.T) {
	ts := startServer(t, testConfig(t))
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := ts.clientConfig("\x1b]0;pwned\x07\x1b[31mred\u202eevil")
	cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := gossh.NewClient(cc, chans, reqs)
	defer c.Close()
	got := run(t, c, "\x1b[2J\x1b]52;c;aGk=\x07boom")
	if got.exit != 1 || strings.ContainsRune(got.stderr, 0x1b) {
		t.Errorf("refusal: exit %d stderr %q", got.exit, got.stderr)
	}
	_ = c.Close()
	testutil.Eventually(t, 5*time.Second, "disconnect logged", func() bool { return strings.Contains(ts.logs.String(), "msg=disconnect") })
	logs := ts.logs.String()
	for _, bad := range []string{"\x1b", "\x07", "\u202e", `\x1b`, `\u001b`} {
		if strings.Contains(logs, bad) {
			t.Errorf("log holds %q:\n%s", bad, logs)
		}
	}
	if !strings.Contains(logs, "redevil") || !strings.Contains(logs, "boom") {
		t.Errorf("the printable part of the client strings is not logged:\n%s", logs)
	}
}

// TestProxyProtocol: a trusted proxy's header names the visitor; a header
// from anyone else is refused and its address never used.
func TestProxyProtocol(t *testing.T) {
	dialWithHeader := func(t *testing.T, ts *testServer, header string) (*gossh.Client, error) {
		t.Helper()
		nc, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		if header != "" {
			if _, err := io.WriteString(nc, header); err != nil {
				t.Fatal(err)
			}
		}
		cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, ts.clientConfig("visitor"))
		if err != nil {
			nc.Close()
			return nil, err
		}
		return gossh.NewClient(cc, chans, reqs), nil
	}
	const header = "PROXY TCP4 203.0.113.7 127.0.0.1 5555 22\r\n"

	t.Run("trusted", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		cfg.MaxSessionsPerIP = 1
		cfg.HandshakeTimeout = time.Second
		ts := startServer(t, cfg)
		c, err := dialWithHeader(t, ts, header)
		if err != nil {
			t.Fatalf("through the proxy: %v", err)
		}
		defer c.Close()
		if got := run(t, c, "version"); got.exit != 0 {
			t.Fatal(got.exit)
		}
		if !strings.Contains(ts.logs.String(), "remote=203.0.113.7:5555") {
			t.Errorf("the visitor's address from the header is not used:\n%s", ts.logs)
		}
		// Limits apply to the visitor's address, not the proxy's.
		if _, err := dialWithHeader(t, ts, header); err == nil {
			t.Error("second connection for 203.0.113.7 accepted over its cap")
		}
		c2, err := dialWithHeader(t, ts, "PROXY TCP4 203.0.113.8 127.0.0.1 5556 22\r\n")
		if err != nil {
			t.Fatalf("another visitor through the same proxy: %v", err)
		}
		c2.Close()
		// A trusted proxy must send the header.
		if _, err := dialWithHeader(t, ts, ""); err == nil {
			t.Error("a connection from the proxy without a header was accepted")
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		ts := startServer(t, cfg)
		if _, err := dialWithHeader(t, ts, header); err == nil {
			t.Fatal("a PROXY header from an untrusted address was accepted")
		}
		v2 := "\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x07\x7f\x00\x00\x01\x15\xb3\x00\x16"
		if _, err := dialWithHeader(t, ts, v2); err == nil {
			t.Fatal("a PROXY v2 header from an untrusted address was accepted")
		}
		c, err := dialWithHeader(t, ts, "") // a plain visitor is fine
		if err != nil {
			t.Fatalf("plain connection: %v", err)
		}
		defer c.Close()
		if got := run(t, c, "version"); got.exit != 0 {
			t.Fatal(got.exit)
		}
		logs := ts.logs.String()
		if strings.Contains(logs, "203.0.113.7") {
			t.Errorf("the untrusted header's address was used:\n%s", logs)
		}
		if !strings.Contains(logs, "reason="+admission.ProxyHeader.String()) {
			t.Errorf("refusal not logged:\n%s", logs)
		}
	})
}
