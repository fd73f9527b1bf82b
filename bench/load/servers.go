package load

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
)

// The servers the load tool knows.
const (
	Ours    = "ours"     // resume serve
	StockV2 = "stock-v2" // bench/stockv2: Wish v2 + Bubble Tea v2
	StockV1 = "stock-v1" // bench/stockv1: Wish v1 + Bubble Tea v1, its own module
	OpenSSH = "openssh"  // sshd with ForceCommand printing the text résumé
)

// AllServers lists every server in report order.
var AllServers = []string{Ours, StockV2, StockV1, OpenSSH}

// Binaries are the built servers, by name; a missing name could not be built.
type Binaries map[string]string

// Build compiles the Go servers of the module rooted at root into dir and
// finds sshd. It returns what it built and, per server, why it could not.
func Build(ctx context.Context, root, dir string, names []string) (Binaries, map[string]error) {
	bins, errs := Binaries{}, map[string]error{}
	for _, name := range names {
		var cmd *exec.Cmd
		out := filepath.Join(dir, name)
		switch name {
		case Ours:
			cmd = exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/resume")
		case StockV2:
			cmd = exec.CommandContext(ctx, "go", "build", "-o", out, "./bench/stockv2")
		case StockV1:
			cmd = exec.CommandContext(ctx, "go", "build", "-C", filepath.Join(root, "bench", "stockv1"), "-o", out, ".")
		case OpenSSH:
			p, err := exec.LookPath("sshd")
			if err != nil {
				p = "/usr/sbin/sshd"
			}
			if _, err := os.Stat(p); err != nil {
				errs[name] = errors.New("sshd is not installed (apt-get install openssh-server)")
				continue
			}
			bins[name] = p
			continue
		default:
			errs[name] = fmt.Errorf("unknown server %q (valid: %s)", name, strings.Join(AllServers, ", "))
			continue
		}
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			errs[name] = fmt.Errorf("build: %w: %s", err, bytes.TrimSpace(b))
			continue
		}
		bins[name] = out
	}
	if p, ok := bins[Ours]; ok {
		// Until `resume serve` exists there is nothing of ours to measure.
		if err := exec.CommandContext(ctx, p, "serve", "--help").Run(); err != nil {
			delete(bins, Ours)
			errs[Ours] = fmt.Errorf("%s has no serve command yet: %w", p, err)
		}
	}
	return bins, errs
}

// Server is one running server process.
type Server struct {
	Name   string
	Addr   string
	User   string     // login name to use
	Signer ssh.Signer // client key it accepts, if it needs one
	Keys   bool       // whether a keypress has a visible effect

	metrics string // our metrics listener, when profiling
	cmd     *exec.Cmd
	wrap    []string // runs the server: wrap[0] wrap[1:]... server args...
	dir     string
	out     *capBuffer
	exited  chan struct{}
}

// Start runs the named server on a fresh loopback address with its state in
// a new directory under tmp, for a window of w columns (OpenSSH prints the
// text résumé at that width), and waits until it accepts connections.
//
// With pprof set, our server also serves its profiles on a loopback
// metrics address (see Server.Profile).
// env is added to our server's environment (GOGC=50, say), not the
// baselines'.
func Start(ctx context.Context, bins Binaries, name, tmp string, w int, pprof bool, env []string) (*Server, error) {
	bin, ok := bins[name]
	if !ok {
		return nil, fmt.Errorf("%s: not built", name)
	}
	dir, err := os.MkdirTemp(tmp, name+"-")
	if err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{Name: name, Addr: addr, User: "visitor", Keys: true, dir: dir, out: &capBuffer{max: 64 << 10}, exited: make(chan struct{})}
	var args []string
	switch name {
	case Ours:
		args, err = oursArgs(ctx, bin, addr, dir)
		if err == nil && pprof {
			if s.metrics, err = freeAddr(); err == nil {
				args = append(args, "--metrics-addr", s.metrics, "--pprof")
			}
		}
	case StockV2, StockV1:
		args = []string{"-addr", addr, "-host-key", filepath.Join(dir, "host_ed25519")}
	case OpenSSH:
		s.Keys = false // it waits for one key, then ends
		args, err = s.setupSSHD(ctx, bins, addr, dir, w)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(s.wrap) > 0 {
		s.cmd = exec.Command(s.wrap[0], append(s.wrap[1:], args...)...)
	} else {
		s.cmd = exec.Command(bin, args...)
	}
	s.cmd.Dir = dir
	if name == Ours && len(env) > 0 {
		s.cmd.Env = append(os.Environ(), env...)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start: %w", name, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	if err := s.waitListening(ctx, 15*time.Second); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%s: %w; output:\n%s", name, err, s.out.String())
	}
	return s, nil
}

// Profile saves the server's pprof profile kind (heap, allocs,
// profile?seconds=N, ...) to path. It fails unless the server was started
// with pprof.
func (s *Server) Profile(ctx context.Context, kind, path string) error {
	if s.metrics == "" {
		return errors.New("no profiles: start with pprof")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.metrics+"/debug/pprof/"+kind, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("profile %s: %w", kind, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile %s: %s", kind, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return fmt.Errorf("profile %s: %w", kind, err)
	}
	return f.Close()
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Output returns what the server printed (the last 64 KiB).
func (s *Server) Output() string { return s.out.String() }

func (s *Server) waitListening(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for delay := time.Millisecond; ; delay = min(delay*2, 100*time.Millisecond) {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			_ = c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening on %s after %v", s.Addr, timeout)
		}
		select {
		case <-s.exited:
			return fmt.Errorf("exited: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// Stop ends the server and every process it started, by their ids, and
// removes its state directory.
func (s *Server) Stop() {
	defer func() { _ = os.RemoveAll(s.dir) }()
	pids, _ := descendants(s.PID())
	for _, p := range pids {
		_ = syscall.Kill(p, syscall.SIGTERM)
	}
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		for _, p := range pids {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		<-s.exited
	}
}

// oursWants are the limits `resume serve` must have raised for a load test,
// by flag; a flag the binary does not list is left out.
var oursWants = [][2]string{
	{"--max-sessions", "100000"},
	{"--max-sessions-per-ip", "100000"},
	{"--rate-per-ip", "1000000"},
	{"--burst-per-ip", "1000000"},
	{"--reload-interval", "0"},
	{"--shutdown-grace", "1s"},
	{"--log-level", "error"},
	{"--http-addr", ""},
}

func oursArgs(ctx context.Context, bin, addr, dir string) ([]string, error) {
	help, err := exec.CommandContext(ctx, bin, "serve", "--help").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("serve --help: %w", err)
	}
	args := []string{"serve", "--addr", addr, "--data-dir", dir}
	for _, f := range oursWants {
		if bytes.Contains(help, []byte(f[0]+" ")) {
			args = append(args, f[0], f[1])
		}
	}
	return args, nil
}

// setupSSHD writes an sshd configuration, host key, client key and the
// ForceCommand script into dir. sshd runs as the invoking user on its own
// loopback port; when that user is root it keeps OpenSSH's usual privilege
// separation, as a sysadmin's sshd would.
func (s *Server) setupSSHD(ctx context.Context, bins Binaries, addr, dir string, w int) ([]string, error) {
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("current user: %w", err)
	}
	s.User = u.Username
	_, hostKey, _ := ed25519.GenerateKey(rand.Reader)
	pemBlock, err := ssh.MarshalPrivateKey(hostKey, "")
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "host_ed25519"), pem.EncodeToMemory(pemBlock), 0o600); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	_, clientKey, _ := ed25519.GenerateKey(rand.Reader)
	if s.Signer, err = ssh.NewSignerFromKey(clientKey); err != nil {
		return nil, fmt.Errorf("client key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), ssh.MarshalAuthorizedKey(s.Signer.PublicKey()), 0o600); err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	text, err := resumeText(ctx, bins, w)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "resume.txt"), text, 0o644); err != nil {
		return nil, fmt.Errorf("résumé text: %w", err)
	}
	// Print the résumé, then wait for one key in raw mode.
	show := "cat " + filepath.Join(dir, "resume.txt") + "\nstty -icanon -echo min 1 time 0 2>/dev/null\ndd bs=1 count=1 of=/dev/null 2>/dev/null\n"
	if err := os.WriteFile(filepath.Join(dir, "show.sh"), []byte(show), 0o755); err != nil {
		return nil, fmt.Errorf("show script: %w", err)
	}
	host, port, _ := net.SplitHostPort(addr)
	cfg := fmt.Sprintf(`ListenAddress %s
Port %s
HostKey %s
PidFile %s
AuthorizedKeysFile %s
ForceCommand /bin/sh %s
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
MaxStartups 100000
MaxSessions 10
LoginGraceTime 30
LogLevel ERROR
`, host, port, filepath.Join(dir, "host_ed25519"), filepath.Join(dir, "sshd.pid"),
		filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "show.sh"))
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(cfg), 0o600); err != nil {
		return nil, fmt.Errorf("sshd config: %w", err)
	}
	args := []string{"-D", "-e", "-f", filepath.Join(dir, "sshd_config")}
	if os.Geteuid() != 0 {
		return args, nil
	}
	// Privilege separation needs its empty chroot directory, which the
	// package's service would create at boot.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		return nil, fmt.Errorf("privilege separation dir: %w", err)
	}
	// sshd runs the ForceCommand through the account's shell, and Debian's
	// bash reads ~/.bashrc when started by sshd: whatever root's shell
	// start-up does on this machine would be timed as OpenSSH. A sysadmin
	// gives such an account a plain shell; do the same for root, in a
	// private mount namespace so nothing outside changes.
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return nil, fmt.Errorf("read passwd: %w", err)
	}
	lines := strings.Split(string(passwd), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "root:") {
			lines[i] = "root:x:0:0:root:" + dir + ":/bin/sh"
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		return nil, fmt.Errorf("write passwd: %w", err)
	}
	s.wrap = []string{
		"unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		`mount --bind "$0" /etc/passwd && exec "$@"`, filepath.Join(dir, "passwd"), bins[OpenSSH],
	}
	return args, nil
}

// resumeText is the résumé as plain text at width w: what `resume render`
// prints, or, before that command exists, the basics from the content
// package.
func resumeText(ctx context.Context, bins Binaries, w int) ([]byte, error) {
	if p, ok := bins[Ours]; ok {
		out, err := exec.CommandContext(ctx, p, "render", "--format", "text", "--width", fmt.Sprint(w)).Output()
		if err == nil && bytes.Contains(out, []byte(Name)) {
			return out, nil
		}
	}
	r := content.Default()
	if r.Basics.Name == "" {
		return nil, errors.New("the default résumé has no name")
	}
	return []byte(r.Basics.Name + "\n" + r.Basics.Label + "\n\n" + r.Basics.Summary + "\n"), nil
}

// freeAddr returns a free TCP address on a random loopback address, so runs
// by several engineers on one machine do not collide.
func freeAddr() (string, error) {
	var ip [3]byte
	for i := range ip {
		n, err := rand.Int(rand.Reader, big.NewInt(254))
		if err != nil {
			return "", fmt.Errorf("random address: %w", err)
		}
		ip[i] = byte(n.Int64() + 1)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.%d.%d.%d:0", ip[0], ip[1], ip[2]))
	if err != nil {
		return "", fmt.Errorf("free address: %w", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr, nil
}

// capBuffer keeps the last max bytes written to it.
type capBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b = append(c.b, p...)
	if len(c.b) > c.max {
		c.b = append(c.b[:0], c.b[len(c.b)-c.max:]...)
	}
	return len(p), nil
}

func (c *capBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.b)
}
