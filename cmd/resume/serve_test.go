package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/server"
	"github.com/laphets/resume/web"
)

func TestApplyEnv(t *testing.T) {
	cfg := server.DefaultConfig()
	var proxies string
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	serveFlags(fs, &cfg, &proxies)
	webCfg := web.DefaultConfig()
	var webProxies string
	webFlags(fs, &webCfg, &webProxies)
	envHelp(fs)
	t.Setenv("RESUME_HTTP_ADDR", "")
	t.Setenv("RESUME_PUBLIC_URL", "https://resume.example.com")
	t.Setenv("RESUME_ADDR", "127.0.0.1:2222")
	t.Setenv("RESUME_IDLE_TIMEOUT", "90s")
	t.Setenv("RESUME_MAX_SESSIONS_PER_IP", "3")
	t.Setenv("RESUME_PROXY_PROTOCOL", "10.0.0.0/8")
	t.Setenv("RESUME_PPROF", "true")
	t.Setenv("RESUME_LOG_LEVEL", "debug") // the flag wins
	if err := fs.Parse([]string{"--log-level", "warn"}); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(fs); err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:2222" || cfg.IdleTimeout != 90*time.Second || cfg.MaxSessionsPerIP != 3 ||
		proxies != "10.0.0.0/8" || !cfg.Pprof || cfg.LogLevel != "warn" ||
		webCfg.Addr != "" || webCfg.PublicURL != "https://resume.example.com" {
		t.Errorf("config after env: %+v proxies %q", cfg, proxies)
	}
	var missing []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(f.Usage, "(env "+envName(f.Name)+")") {
			missing = append(missing, f.Name)
		}
	})
	if len(missing) > 0 {
		t.Errorf("flags whose help does not name their env variable: %v", missing)
	}
	t.Setenv("RESUME_MAX_SESSION", "forever")
	if err := applyEnv(fs); err == nil || !strings.Contains(err.Error(), "RESUME_MAX_SESSION") {
		t.Errorf("bad env value: %v", err)
	}
}

// built is the binary buildBinary made, once per test process: on a busy
// machine each `go build -race` (a link of the whole server) takes tens of
// seconds, and every test here runs the same binary.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildBinary builds cmd/resume, the first time it is called, into a
// temporary directory, and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "resume-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "resume")
		// go test puts its own toolchain first on the test's PATH.
		args := []string{"build", "-o", built.bin}
		if raceEnabled {
			args = append(args, "-race")
		}
		if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// TestServeSIGTERM starts the real binary (with no subcommand, settings
// from the environment), holds a TUI session and an idle connection, and
// on the web side an idle keep-alive connection; sends SIGTERM and
// expects exit status 0 within the grace, the TUI visitor told, the web
// connection closed.
func TestServeSIGTERM(t *testing.T) {
	p := startProc(t, buildBinary(t), t.TempDir(), "RESUME_SHUTDOWN_GRACE=5s")
	addr, exited := p.addr, p.exited
	// On the web side: a keep-alive connection, idle after a request.
	// (One halfway through its headers is waited for until the header
	// timeout or the grace, as net/http and nginx do:
	// web.TestShutdownClosesWhatIsLeft.)
	webIdle, err := net.Dial("tcp", p.http)
	if err != nil {
		t.Fatal(err)
	}
	defer webIdle.Close()
	if _, err := io.WriteString(webIdle, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(webIdle), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	cfg := &gossh.ClientConfig{User: "visitor", HostKeyCallback: gossh.FixedHostKey(p.host), Timeout: 10 * time.Second}
	idle, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out := &testutil.Buffer{}
	s.Stdout = out
	stdin, err := s.StdinPipe() // open: end of input would end the TUI
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, "the TUI draws", func() bool { return strings.Contains(out.String(), "Wenging Luo") })

	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after SIGTERM, grace 5s")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s, more than the grace", d)
	}
	_ = s.Wait()
	_ = webIdle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := webIdle.Read(make([]byte, 1)); n > 0 || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the idle web connection is still open: %v", err)
	}
	if !strings.Contains(out.String(), "restarting") {
		t.Errorf("the TUI visitor was not told: %q", out.String())
	}
}

// TestServeRefusesInvalidContent: content that cannot be shown stops the
// start, with the error listed and exit status 1.
func TestServeRefusesInvalidContent(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(file, []byte("{\"basics\": {\"name\": \"A\"},\n \"work\": [{\"startDate\": soon}]}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"serve", "--addr", "127.0.0.1:0", "--http-addr", "", "--data-dir", t.TempDir(), "--content", file}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	msg := stderr.String()
	if !strings.Contains(msg, "bad.json:2:") || !strings.Contains(msg, "syntax error") {
		t.Errorf("the error is not listed with file and line:\n%s", msg)
	}
}

// TestServeRefusesBadFlags names the flag and what is valid.
func TestServeRefusesBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"--max-sessions", "0", "--log-format", "xml", "--data-dir", t.TempDir()}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "--max-sessions") || !strings.Contains(stderr.String(), "text or json") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
