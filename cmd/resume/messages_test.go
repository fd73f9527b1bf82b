package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/hostkey"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/store"
	"github.com/laphets/resume/store/storetest"
)

// proc is the real binary serving, started by startProc.
type proc struct {
	cmd    *exec.Cmd
	addr   string // SSH
	http   string // the HTTP listener's address
	host   gossh.PublicKey
	logs   *testutil.Buffer
	exited chan error
}

// startWithin is how long the binary may take to listen. It is seconds
// on an idle machine; with the race detector on a busy one, the start
// (the web side renders and compresses every representation before it
// listens) has taken more than 30. One that hangs still fails.
const startWithin = 3 * time.Minute

// startProc runs bin serving on 127.0.0.1:0 with the data directory dir
// and the extra environment (which wins over the defaults), and waits
// until it listens.
func startProc(t *testing.T, bin, dir string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), append([]string{
		"RESUME_ADDR=127.0.0.1:0", "RESUME_HTTP_ADDR=127.0.0.1:0", "RESUME_DATA_DIR=" + dir,
		"RESUME_LOG_FORMAT=json", "RESUME_SHUTDOWN_GRACE=2s",
	}, env...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: &testutil.Buffer{}, exited: make(chan error, 1)}
	addrc, httpc := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			_, _ = p.logs.Write(append(sc.Bytes(), '\n'))
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				switch line.Msg {
				case "listening":
					addrc <- line.Addr
				case "http listening":
					httpc <- line.Addr
				}
			}
		}
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", p.logs.String())
		}
	})
	for p.addr == "" || p.http == "" {
		select {
		case p.addr = <-addrc:
		case p.http = <-httpc:
		case err := <-p.exited:
			t.Fatalf("server exited at start: %v\n%s", err, p.logs.String())
		case <-time.After(startWithin):
			t.Fatalf("server did not start within %s", startWithin)
		}
	}
	signer, err := hostkey.Load(filepath.Join(dir, hostkey.FileName))
	if err != nil {
		t.Fatal(err)
	}
	p.host = signer.PublicKey()
	return p
}

// kill ends p with SIGKILL: no shutdown, no flush, no goodbye.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err == nil {
			t.Fatal("exit status 0 after SIGKILL")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after SIGKILL")
	}
}

// ssh runs cmd on p with stdin, as a visitor with signer's key (nil: a
// keyless visitor), and returns stdout, stderr and the exit status.
func (p *proc) ssh(t *testing.T, signer gossh.Signer, cmd, stdin string) (string, string, int) {
	t.Helper()
	c := p.dial(t, signer)
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr, s.Stdin = &out, &errOut, strings.NewReader(stdin)
	err = s.Run(cmd)
	code := 0
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitStatus()
	} else if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return out.String(), errOut.String(), code
}

// sendForm sends a message through the TUI's Contact form, as a visitor
// types it, and returns the id the form confirmed.
func (p *proc) sendForm(t *testing.T, name, contact, body string) string {
	t.Helper()
	c := p.dial(t, nil)
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := &testutil.Buffer{}
	s.Stdout = out
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, "the TUI draws", func() bool { return strings.Contains(out.String(), "Wenging Luo") })
	if _, err := io.WriteString(in, "w"); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, "the form opens", func() bool { return strings.Contains(out.String(), "Your name") })
	if _, err := io.WriteString(in, name+"\t"+contact+"\t"+body+"\x13"); err != nil { // ctrl+s sends
		t.Fatal(err)
	}
	idRe := regexp.MustCompile(`Message id: (?:\x1b\[[0-9;]*m)*([a-z2-7]{16})`)
	var id []string
	testutil.Eventually(t, 10*time.Second, "the form confirms", func() bool {
		id = idRe.FindStringSubmatch(out.String())
		return id != nil
	})
	return id[1]
}

// postForm sends a message through the web page's form, as a browser
// posts it, and returns the id on the receipt page.
func (p *proc) postForm(t *testing.T, name, contact, body string) string {
	t.Helper()
	form := url.Values{"name": {name}, "contact": {contact}, "message": {body}}
	req, err := http.NewRequest(http.MethodPost, "http://"+p.http+"/message", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<code class="id">([a-z2-7]{16})</code>`).FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("web form: %d, no id on the receipt:\n%.300s", resp.StatusCode, page)
	}
	return string(m[1])
}

// dial connects to p with signer's key (nil: none), falling back to
// keyboard-interactive with no questions, as OpenSSH does.
func (p *proc) dial(t *testing.T, signer gossh.Signer) *gossh.Client {
	t.Helper()
	cfg := &gossh.ClientConfig{User: "visitor", HostKeyCallback: gossh.FixedHostKey(p.host), Timeout: 10 * time.Second}
	if signer != nil {
		cfg.Auth = append(cfg.Auth, gossh.PublicKeys(signer))
	}
	cfg.Auth = append(cfg.Auth, gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil }))
	c, err := gossh.Dial("tcp", p.addr, cfg)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

// ownerKey writes a new key's public half to an authorized_keys file.
func ownerKey(t *testing.T) (gossh.Signer, string) {
	t.Helper()
	signer := testutil.NewSigner(t)
	file := filepath.Join(t.TempDir(), "owner_keys")
	if err := os.WriteFile(file, gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	return signer, file
}

// engineEnv is the environment that points the binary at o's database.
func engineEnv(o store.Options) []string {
	if o.DatabaseURL != "" {
		return []string{"RESUME_DATABASE_URL=" + o.DatabaseURL}
	}
	return nil
}

// TestMessageSurvivesSIGKILL: a message acknowledged over SSH, by the
// TUI's form or by the web page's receipt, the server SIGKILLed at once,
// is there after a restart, on both engines;
// read over SSH by the owner and by resume inbox on the host.
func TestMessageSurvivesSIGKILL(t *testing.T) {
	bin := buildBinary(t)
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			o := e.Fresh(t)
			dir := t.TempDir()
			owner, keys := ownerKey(t)
			env := append(engineEnv(o), "RESUME_OWNER_KEYS="+keys)
			p := startProc(t, bin, dir, env...)
			out, errOut, code := p.ssh(t, nil, `message --from "Jane Roe <jane@example.com>"`, "Survive this.\n")
			if code != 0 {
				t.Fatalf("message: exit %d, %q", code, errOut)
			}
			id := strings.TrimSpace(out)
			p.kill(t)

			// The Contact form: confirmed on screen, then SIGKILL.
			p1 := startProc(t, bin, dir, env...)
			formID := p1.sendForm(t, "Form Sender", "form@example.com", "Sent from the form")
			p1.kill(t)

			// The web page's form: the receipt shown, then SIGKILL.
			pw := startProc(t, bin, dir, env...)
			webID := pw.postForm(t, "Web Sender", "web@example.com", "Sent from the web page")
			pw.kill(t)

			p2 := startProc(t, bin, dir, env...)
			out, errOut, code = p2.ssh(t, owner, "inbox read "+id, "")
			if code != 0 || !strings.Contains(out, "Survive this.") || !strings.Contains(out, "Jane Roe <jane@example.com>") {
				t.Fatalf("after SIGKILL and restart, inbox read %s: exit %d, %q %q", id, code, out, errOut)
			}
			out, errOut, code = p2.ssh(t, owner, "inbox read "+formID, "")
			if code != 0 || !strings.Contains(out, "Sent from the form") || !strings.Contains(out, "via tui") {
				t.Fatalf("after SIGKILL and restart, the form's message %s: exit %d, %q %q", formID, code, out, errOut)
			}
			out, errOut, code = p2.ssh(t, owner, "inbox read "+webID, "")
			if code != 0 || !strings.Contains(out, "Sent from the web page") || !strings.Contains(out, "via web") {
				t.Fatalf("after SIGKILL and restart, the web form's message %s: exit %d, %q %q", webID, code, out, errOut)
			}
			p2.kill(t)

			// resume inbox on the host reads the same store.
			args := []string{"inbox", "--data-dir", dir}
			if o.DatabaseURL != "" {
				args = append(args, "--database-url", o.DatabaseURL)
			}
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), id) ||
				!strings.Contains(stdout.String(), "3 messages, 0 unread") {
				t.Errorf("resume inbox: exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
			stdout.Reset()
			if code := run(append(args, "--json"), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), `"message": "Survive this."`) {
				t.Errorf("resume inbox --json: exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
			for _, del := range []string{id, formID, webID} {
				stdout.Reset()
				if code := run(append([]string{"inbox", "delete", del}, args[1:]...), &stdout, &stderr); code != 0 {
					t.Errorf("resume inbox delete: exit %d %s", code, stderr.String())
				}
			}
			stdout.Reset()
			if code := run(args, &stdout, &stderr); code != 0 || stdout.String() != "No messages.\n" {
				t.Errorf("after delete: %q", stdout.String())
			}
		})
	}
}

// TestTwoServersOnePostgres: two processes on one PostgreSQL share the
// inbox and the per-address rate.
func TestTwoServersOnePostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	bin := buildBinary(t)
	owner, keys := ownerKey(t)
	env := []string{"RESUME_DATABASE_URL=" + url, "RESUME_OWNER_KEYS=" + keys, "RESUME_MESSAGES_PER_IP=2"}
	a := startProc(t, bin, t.TempDir(), env...)
	b := startProc(t, bin, t.TempDir(), env...)
	out, errOut, code := a.ssh(t, nil, "message --from jane@example.com", "Sent through A")
	if code != 0 {
		t.Fatalf("message through A: %d %q", code, errOut)
	}
	id := strings.TrimSpace(out)
	out, _, code = b.ssh(t, owner, "inbox read "+id, "")
	if code != 0 || !strings.Contains(out, "Sent through A") {
		t.Fatalf("read through B: %d %q", code, out)
	}
	if _, errOut, code := b.ssh(t, nil, "message --from jane@example.com", "Sent through B"); code != 0 {
		t.Fatalf("second message, through B: %d %q", code, errOut)
	}
	_, errOut, code = a.ssh(t, nil, "message --from jane@example.com", "third")
	if code != 1 || !strings.Contains(errOut, "too many messages from your address") {
		t.Errorf("third message from one address across two servers: exit %d, %q", code, errOut)
	}
	out, _, _ = a.ssh(t, owner, "inbox --json", "")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
		t.Errorf("inbox through A: %v, %d messages, want 2\n%s", err, len(list), out)
	}
}

// TestWebhookAcrossRestart: the webhook answers 500 three times, then
// 200; the server is killed after the first two failures, while the third
// request is in flight; the message arrives exactly once.
func TestWebhookAcrossRestart(t *testing.T) {
	bin := buildBinary(t)
	hook := storetest.NewFlakyHook(t, 3)
	// The third request waits for its answer until the server is dead:
	// the kill comes after two failures the server recorded and before any
	// success, however slowly this machine runs the test against the
	// server's retry clock (a kill after the success would be a second
	// delivery, or none after the restart).
	third := hook.Hold(3)
	dir := t.TempDir()
	env := []string{"RESUME_NOTIFY_URL=" + hook.URL, "RESUME_NOTIFY_RETRY=100ms"}
	p := startProc(t, bin, dir, env...)
	out, errOut, code := p.ssh(t, nil, `message --from "Jane Roe <jane@example.com>"`, "Ping me\nplease")
	if code != 0 {
		t.Fatalf("message: %d %q", code, errOut)
	}
	id := strings.TrimSpace(out)
	select {
	case <-third:
	case <-time.After(60 * time.Second):
		t.Fatalf("no third delivery; %d calls", hook.Calls())
	}
	p.kill(t)
	hook.Release() // the dead server's request gets its 500
	calls := hook.Calls()

	// The killed server's lease on the entry (the webhook client's timeout
	// plus 5s, store/webhook.go) has to run out before the restarted one
	// sends it again.
	p2 := startProc(t, bin, dir, env...)
	testutil.Eventually(t, 75*time.Second, "the delivery after the restart", func() bool { return len(hook.Accepted()) > 0 })
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p2.exited; err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	got := hook.Accepted()
	if len(got) != 1 || got[0].ID != id || got[0].Message != "Ping me\nplease" || got[0].From != "Jane Roe" ||
		!strings.Contains(got[0].Text, "Jane Roe") {
		t.Fatalf("webhook got %+v, want message %s exactly once", got, id)
	}
	if hook.Calls() <= calls || hook.Calls() < 4 {
		t.Errorf("%d calls (%d before the restart), want 3 failures then 1 success", hook.Calls(), calls)
	}
	st := storetest.Open(t, store.Options{SQLitePath: filepath.Join(dir, "messages.db")})
	if _, pending, err := st.NextDelivery(context.Background(), time.Now().Add(48*time.Hour), 0); err != nil || pending {
		t.Errorf("the outbox still holds the delivered message (%v)", err)
	}
}
