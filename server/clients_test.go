package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/testutil"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/text"
)

// Tests with independent client implementations: OpenSSH's ssh and sftp,
// PuTTY's plink, and the ssh-audit scanner. Each is skipped where its
// binary is not installed (.ci/run installs them).

func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	return p
}

// openSSHArgs are the options that make ssh talk only to ts, checking its
// host key, with no user configuration.
func openSSHArgs(t *testing.T, ts *testServer) []string {
	t.Helper()
	host, port, _ := net.SplitHostPort(ts.addr)
	known := filepath.Join(t.TempDir(), "known_hosts")
	line := "[" + host + "]:" + port + " " + string(gossh.MarshalAuthorizedKey(ts.HostKey()))
	if err := os.WriteFile(known, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"-F", "/dev/null", "-p", port,
		"-o", "UserKnownHostsFile=" + known, "-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", host,
	}
}

// runClient runs a client binary to completion, with a deadline.
func runClient(t *testing.T, stdin io.Reader, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return result{out.String(), errOut.String(), code}
}

func TestOpenSSHClient(t *testing.T) {
	sshBin := needBinary(t, "ssh")
	ts := startServer(t, testConfig(t))
	args := openSSHArgs(t, ts)
	_, port, _ := net.SplitHostPort(ts.addr)
	r := content.Default()

	for _, tt := range []struct {
		name      string
		cmd       []string
		wantExit  int
		wantOut   string
		wantErr   string
		checkJSON bool
	}{
		{name: "no terminal", wantOut: text.Render(r, 80)},
		{name: "text", cmd: []string{"text", "--width", "50"}, wantOut: text.Render(r, 50)},
		{name: "markdown", cmd: []string{"markdown"}, wantOut: markdown.Render(r)},
		{name: "json", cmd: []string{"json"}, checkJSON: true},
		{name: "help", cmd: []string{"help"}, wantOut: helpText(r, r.SectionIDs(), "ssh -p "+port+" <host>", 80)},
		{name: "unknown", cmd: []string{"whoami"}, wantExit: 1, wantErr: `unknown command "whoami"`},
		{name: "section without terminal", cmd: []string{"experience"}, wantExit: 1, wantErr: "needs a terminal"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := runClient(t, strings.NewReader(""), sshBin, append(append([]string{"-T"}, args...), tt.cmd...)...)
			if got.exit != tt.wantExit {
				t.Fatalf("exit %d, want %d; stderr %q", got.exit, tt.wantExit, got.stderr)
			}
			if tt.wantOut != "" && got.stdout != tt.wantOut {
				t.Errorf("stdout %q..., want %q...", head(got.stdout), head(tt.wantOut))
			}
			if tt.checkJSON && !strings.Contains(got.stdout, `"basics"`) {
				t.Errorf("json: %q", head(got.stdout))
			}
			if !strings.Contains(got.stderr, tt.wantErr) {
				t.Errorf("stderr %q, want %q", got.stderr, tt.wantErr)
			}
			if bytes.IndexByte([]byte(got.stdout), 0x1b) >= 0 {
				t.Error("escape byte in output without a terminal")
			}
		})
	}

	t.Run("terminal", func(t *testing.T) {
		for _, tc := range []struct{ cmd, want string }{{"", "Overview"}, {"experience", "Experience"}} {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			a := append([]string{"-tt"}, args...)
			if tc.cmd != "" {
				a = append(a, tc.cmd)
			}
			cmd := exec.CommandContext(ctx, sshBin, a...)
			out := &testutil.Buffer{}
			cmd.Stdout, cmd.Stderr = out, out
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, 10*time.Second, "the TUI shows "+tc.want, func() bool { return strings.Contains(out.String(), tc.want) })
			_, _ = io.WriteString(in, "q")
			if err := cmd.Wait(); err != nil {
				t.Fatalf("ssh -tt %s: %v; output %q", tc.cmd, err, out.String())
			}
		}
	})

	t.Run("forwarding refused", func(t *testing.T) {
		got := runClient(t, nil, sshBin, append([]string{"-T", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"}, append(args, "version")...)...)
		if got.exit == 0 {
			t.Errorf("-R accepted: %q %q", got.stdout, got.stderr)
		}
		got = runClient(t, nil, sshBin, append([]string{"-T", "-o", "ExitOnForwardFailure=yes", "-L", "127.0.0.1:0:127.0.0.1:9", "-W", "127.0.0.1:9"}, args...)...)
		if got.exit == 0 {
			t.Errorf("-W (direct-tcpip) accepted: %q %q", got.stdout, got.stderr)
		}
	})

	t.Run("sftp refused", func(t *testing.T) {
		sftpBin := needBinary(t, "sftp")
		host, port, _ := net.SplitHostPort(ts.addr)
		sargs := append([]string{"-b", "-", "-P", port}, args[:len(args)-1]...)
		// drop ssh's -p PORT: sftp takes -P
		var clean []string
		for i := 0; i < len(sargs); i++ {
			if sargs[i] == "-p" {
				i++
				continue
			}
			clean = append(clean, sargs[i])
		}
		got := runClient(t, strings.NewReader("ls\n"), sftpBin, append(clean, host)...)
		if got.exit == 0 {
			t.Errorf("sftp succeeded: %q %q", got.stdout, got.stderr)
		}
	})

	t.Run("refusal reason shown", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.RatePerIP = 0.001
		cfg.BurstPerIP = 1
		ts := startServer(t, cfg)
		args := openSSHArgs(t, ts)
		if got := runClient(t, nil, sshBin, append([]string{"-T"}, append(args, "version")...)...); got.exit != 0 {
			t.Fatalf("first connection: %d %q", got.exit, got.stderr)
		}
		got := runClient(t, nil, sshBin, append([]string{"-T"}, append(args, "version")...)...)
		if got.exit == 0 || !strings.Contains(got.stderr, "too many new connections") {
			t.Errorf("over the rate: exit %d, stderr %q", got.exit, got.stderr)
		}
	})
}

func TestPuTTYPlink(t *testing.T) {
	plink := needBinary(t, "plink")
	ts := startServer(t, testConfig(t))
	host, port, _ := net.SplitHostPort(ts.addr)
	args := []string{"-ssh", "-batch", "-P", port, "-hostkey", ts.Fingerprint(), "-l", "visitor", host}
	got := runClient(t, nil, plink, append(args, "version")...)
	if got.exit != 0 || !strings.HasPrefix(got.stdout, "resume ") {
		t.Fatalf("plink version: exit %d %q %q", got.exit, got.stdout, got.stderr)
	}
	got = runClient(t, nil, plink, append(args, "json")...)
	if got.exit != 0 || !strings.Contains(got.stdout, `"basics"`) {
		t.Fatalf("plink json: exit %d %q", got.exit, got.stderr)
	}
	got = runClient(t, nil, plink, append(args, "nope")...)
	if got.exit != 1 || !strings.Contains(got.stderr, `unknown command "nope"`) {
		t.Fatalf("plink nope: exit %d %q", got.exit, got.stderr)
	}
}

// TestSSHAudit scans the server: no [fail] on any algorithm.
func TestSSHAudit(t *testing.T) {
	audit := needBinary(t, "ssh-audit")
	ts := startServer(t, testConfig(t))
	host, port, _ := net.SplitHostPort(ts.addr)
	got := runClient(t, nil, audit, "-n", "-p", port, host)
	if !strings.Contains(got.stdout, "curve25519-sha256") || !strings.Contains(got.stdout, "ssh-ed25519") {
		t.Fatalf("ssh-audit did not audit the server (exit %d):\n%s%s", got.exit, got.stdout, got.stderr)
	}
	if strings.Contains(got.stdout, "[fail]") {
		t.Errorf("ssh-audit reports a failure:\n%s", got.stdout)
	}
	t.Logf("ssh-audit exit %d:\n%s", got.exit, got.stdout)
}
