package deploy

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

const (
	testVersion = "v0.0.0-imagetest"
	testCommit  = "0123456789abcdef0123456789abcdef01234567"
)

// buildRelease runs the Dockerfile's own build command, as the build stage
// runs it: in a copy of the build context (the repository less
// .dockerignore) standing in for WORKDIR, with the build ARGs in the
// environment. It returns the built binary's path.
func buildRelease(t *testing.T, img *dockerImage) string {
	t.Helper()
	needTool(t, "make")
	if img.release == nil || !img.release.PrependShell || len(img.release.CmdLine) != 1 {
		t.Fatal("the release RUN is not one shell command")
	}
	binary, _ := releaseCopy(t, img)
	rel, ok := strings.CutPrefix(binary.SourcePaths[0], img.workdir+"/")
	if !ok {
		t.Fatalf("the final image copies %s, outside the build stage's WORKDIR %s", binary.SourcePaths[0], img.workdir)
	}
	ctx := buildContext(t)

	cmd := exec.Command("/bin/sh", "-c", img.release.CmdLine[0])
	cmd.Dir = ctx
	for _, e := range os.Environ() {
		// Make variables the Makefile takes from the environment: only the
		// build ARGs may set them, as in the build stage.
		if k, _, _ := strings.Cut(e, "="); k != "VERSION" && k != "COMMIT" && k != "OUT" && k != "CGO_ENABLED" && k != "GOOS" && k != "GOARCH" {
			cmd.Env = append(cmd.Env, e)
		}
	}
	args := map[string]string{"TARGETOS": runtime.GOOS, "TARGETARCH": runtime.GOARCH, "VERSION": testVersion, "COMMIT": testCommit}
	for k, v := range args {
		if _, declared := img.releaseArgs[k]; !declared {
			t.Fatalf("build stage does not declare ARG %s", k)
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", img.release.CmdLine[0], err, out)
	}
	t.Logf("release build: %v", time.Since(start).Round(time.Millisecond))
	return filepath.Join(ctx, filepath.FromSlash(rel))
}

// TestReleaseBinaryIsStatic: the binary the image ships needs nothing from
// a root file system.
func TestReleaseBinaryIsStatic(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image is Linux")
	}
	bin := buildRelease(t, parseDockerfile(t))
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary asks for a dynamic loader")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary links %v", libs)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("build settings %v, want CGO_ENABLED=0 and -trimpath", settings)
	}
}

// imageRoot is an empty root directory holding what the final stage
// copies: the binary and an empty /data owned by the image's user.
type imageRoot struct {
	img      *dockerImage
	dir      string
	uid, gid uint32
}

func newImageRoot(t *testing.T, img *dockerImage, bin string) *imageRoot {
	t.Helper()
	r := &imageRoot{img: img, dir: t.TempDir()}
	uid, gid, ok := strings.Cut(img.user, ":")
	u, err1 := strconv.ParseUint(uid, 10, 32)
	g, err2 := strconv.ParseUint(gid, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		t.Fatalf("USER %q is not UID:GID", img.user)
	}
	r.uid, r.gid = uint32(u), uint32(g)
	// A fresh root directory is world-readable, like an image's.
	if err := os.Chmod(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	binary, data := releaseCopy(t, img)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, binary.DestPath), b, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(r.dir, data.DestPath)
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if data.Chown != img.user {
		t.Fatalf("/data is copied with owner %q, not the image's user", data.Chown)
	}
	if err := os.Chown(dataDir, int(r.uid), int(r.gid)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("root holds %d entries, want the binary and /data", len(entries))
	}
	return r
}

// command is argv run as the container runs it: chrooted into the root,
// as the image's user with no other groups, with the image's environment
// (and the variables a container engine adds) and env over it.
func (r *imageRoot) command(argv []string, env ...string) *exec.Cmd {
	cmd := &exec.Cmd{Path: argv[0], Args: argv, Dir: "/"}
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", "HOSTNAME=resume-test"}
	for k, v := range r.img.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Chroot:     r.dir,
		Credential: &syscall.Credential{Uid: r.uid, Gid: r.gid, Groups: []uint32{}},
		Pdeathsig:  syscall.SIGKILL,
	}
	return cmd
}

// run runs argv in the image and returns its exit status and output.
func (r *imageRoot) run(t *testing.T, argv []string, env ...string) (int, string) {
	t.Helper()
	cmd := r.command(argv, env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return 0, string(out)
}

// server is the image's default command running in the root.
type server struct {
	cmd         *exec.Cmd
	addr        string
	fingerprint string
	exited      chan error
	logs        *syncBuffer
}

func (r *imageRoot) start(t *testing.T) *server {
	t.Helper()
	argv := append(append([]string{}, r.img.entrypoint...), r.img.cmd...)
	// Port 0: the kernel picks a free port and the server logs it.
	cmd := r.command(argv, "RESUME_ADDR=127.0.0.1:0", "RESUME_HTTP_ADDR=127.0.0.1:0", "RESUME_LOG_FORMAT=json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v in the image root: %v", argv, err)
	}
	s := &server{cmd: cmd, exited: make(chan error, 1), logs: &syncBuffer{}}
	listening := make(chan struct{ Addr, Fingerprint string }, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			_, _ = s.logs.Write(append(sc.Bytes(), '\n'))
			var line struct{ Msg, Addr, Fingerprint string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				listening <- struct{ Addr, Fingerprint string }{line.Addr, line.Fingerprint}
			}
		}
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	select {
	case l := <-listening:
		s.addr, s.fingerprint = l.Addr, l.Fingerprint
	case err := <-s.exited:
		t.Fatalf("server exited at start: %v\n%s", err, s.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not log its address\n%s", s.logs.String())
	}
	return s
}

// stop sends the image's stop signal and wants exit status 0 in time.
func (s *server) stop(t *testing.T, signal syscall.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(signal); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("exit after %v: %v\n%s", signal, err, s.logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15s after %v", signal)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// visit connects as a visitor with no terminal, runs command ("" for
// none), and returns what the server sent and the host key it showed.
func visit(t *testing.T, addr, command string) (string, string) {
	t.Helper()
	var shown string
	cfg := &gossh.ClientConfig{
		User: "visitor",
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			shown = gossh.FingerprintSHA256(key)
			return nil
		},
		Timeout: 10 * time.Second,
	}
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("ssh %s: %v", addr, err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	s.Stdout = &out
	s.Stderr = io.Discard
	if command == "" {
		err = s.Shell()
		if err == nil {
			err = s.Wait()
		}
	} else {
		err = s.Run(command)
	}
	if err != nil {
		t.Fatalf("ssh %s %q: %v", addr, command, err)
	}
	return out.String(), shown
}

// TestImageRootServesVisitors runs the release binary as the image would
// run it, in an empty root directory, and visits it.
func TestImageRootServesVisitors(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image is Linux")
	}
	if os.Geteuid() != 0 {
		t.Skip("chroot and a change of user need root")
	}
	img := parseDockerfile(t)
	root := newImageRoot(t, img, buildRelease(t, img))
	health := img.health[1:]

	if code, out := root.run(t, []string{img.entrypoint[0], "version"}); code != 0 || out != "resume "+testVersion+" ("+testCommit[:7]+")\n" {
		t.Fatalf("version: exit %d, %q; want the stamped version", code, out)
	}

	s := root.start(t)

	t.Run("plain text without a terminal", func(t *testing.T) {
		out, shown := visit(t, s.addr, "")
		if !strings.Contains(out, "Wenging Luo") {
			t.Fatalf("visitor saw:\n%s", out)
		}
		if shown != s.fingerprint {
			t.Fatalf("visitor was shown %s, the server logged %s", shown, s.fingerprint)
		}
	})
	t.Run("interactive résumé with a terminal", func(t *testing.T) {
		// No /dev in the image: the terminal must not need one.
		c, err := gossh.Dial("tcp", s.addr, &gossh.ClientConfig{
			User: "visitor", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		out := &syncBuffer{}
		sess.Stdout = out
		stdin, err := sess.StdinPipe() // held open: end of input ends the TUI
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		if err := sess.RequestPty("xterm-256color", 30, 100, nil); err != nil {
			t.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "Wenging Luo"); {
			if time.Now().After(deadline) {
				t.Fatalf("no résumé on the terminal within 10s; got %q", out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("json", func(t *testing.T) {
		out, _ := visit(t, s.addr, "json")
		var doc struct{ Basics struct{ Name string } }
		if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Basics.Name != "Wenging Luo" {
			t.Fatalf("ssh host json: %v\n%s", err, out)
		}
	})
	t.Run("OpenSSH client", func(t *testing.T) {
		ssh := needTool(t, "ssh")
		host, port, _ := net.SplitHostPort(s.addr)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, ssh, "-p", port, "-T", "-F", "/dev/null",
			"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "LogLevel=ERROR", "visitor@"+host, "text").Output()
		if err != nil || !strings.Contains(string(out), "Wenging Luo") {
			t.Fatalf("ssh: %v\n%s", err, out)
		}
	})
	t.Run("host key in the data volume", func(t *testing.T) {
		key := filepath.Join(root.dir, img.env["RESUME_DATA_DIR"], "ssh_host_ed25519_key")
		info, err := os.Stat(key)
		if err != nil {
			t.Fatal(err)
		}
		st := info.Sys().(*syscall.Stat_t)
		if info.Mode().Perm() != 0o600 || st.Uid != root.uid {
			t.Errorf("host key mode %o owner %d, want 0600 and %d", info.Mode().Perm(), st.Uid, root.uid)
		}
		code, out := root.run(t, []string{img.entrypoint[0], "fingerprint"})
		if code != 0 || !strings.Contains(out, " "+s.fingerprint+" /data/ssh_host_ed25519_key (ED25519)\n") {
			t.Errorf("fingerprint in the image: exit %d\n%s", code, out)
		}
	})
	t.Run("HEALTHCHECK passes", func(t *testing.T) {
		code, out := root.run(t, health, "RESUME_ADDR="+s.addr)
		if code != 0 || !strings.HasPrefix(out, "healthy: ssh "+s.addr) {
			t.Fatalf("%v: exit %d\n%s", health, code, out)
		}
	})

	s.stop(t, syscall.SIGTERM)

	if code, out := root.run(t, health, "RESUME_ADDR="+s.addr); code != 1 {
		t.Fatalf("%v with no server: exit %d, want 1 (unhealthy)\n%s", health, code, out)
	}

	// A new container on the same volume keeps the server's identity.
	again := root.start(t)
	if again.fingerprint != s.fingerprint {
		t.Errorf("host key changed across a restart: %s, then %s", s.fingerprint, again.fingerprint)
	}
	again.stop(t, syscall.SIGTERM)
}
