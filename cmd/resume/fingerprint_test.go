package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/hostkey"
)

// runCmd runs the command line with RESUME_DATA_DIR and RESUME_HOST_KEY
// from env only, and returns its exit status and output.
func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("RESUME_DATA_DIR", "")
	t.Setenv("RESUME_HOST_KEY", "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestKeygenThenFingerprint(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k", "ssh_host_ed25519_key")
	code, made, stderr := runCmd(t, nil, "keygen", key, "--host", "resume.example.com.")
	if code != 0 {
		t.Fatalf("keygen: exit %d: %s", code, stderr)
	}
	info, err := os.Stat(key)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, info.Mode())
	}
	signer, err := hostkey.Load(key)
	if err != nil {
		t.Fatal(err)
	}
	pub := signer.PublicKey()
	sshfp, err := hostkey.SSHFP("resume.example.com.", pub)
	if err != nil {
		t.Fatal(err)
	}
	want := hostkey.Describe(pub, key) + "\n" + string(gossh.MarshalAuthorizedKey(pub)) + sshfp[0] + "\n"
	if made != want {
		t.Fatalf("keygen printed\n%s\nwant\n%s", made, want)
	}

	// The key found every way serve finds it.
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"--host-key":      {args: []string{"--host-key", key}},
		"RESUME_HOST_KEY": {env: map[string]string{"RESUME_HOST_KEY": key}},
		"--data-dir":      {args: []string{"--data-dir", filepath.Dir(key)}},
		"RESUME_DATA_DIR": {env: map[string]string{"RESUME_DATA_DIR": filepath.Dir(key)}},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCmd(t, tc.env, append([]string{"fingerprint", "--host", "resume.example.com."}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := strings.SplitN(out, "\n", 2)[1]; got != strings.SplitN(want, "\n", 2)[1] {
				t.Fatalf("fingerprint printed\n%s\nwant\n%s", out, want)
			}
			if !strings.Contains(out, hostkey.Fingerprint(pub)) {
				t.Fatalf("no fingerprint in %q", out)
			}
		})
	}
}

func TestKeygenNeverReplacesAKey(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(key, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, nil, "keygen", key)
	if code != 1 || !strings.Contains(stderr, "never replaces") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(key); string(b) != "precious" {
		t.Fatal("keygen changed an existing file")
	}
	// The default place is the data directory's key, as for serve.
	dir := t.TempDir()
	if code, _, stderr := runCmd(t, map[string]string{"RESUME_DATA_DIR": dir}, "keygen"); code != 0 {
		t.Fatalf("keygen into RESUME_DATA_DIR: exit %d: %s", code, stderr)
	}
	if _, err := hostkey.Load(filepath.Join(dir, hostkey.FileName)); err != nil {
		t.Fatal(err)
	}
}

func TestFingerprintErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no key yet":  {args: []string{"--data-dir", filepath.Join(dir, "empty")}, want: "resume keygen"},
		"not a key":   {args: []string{"--host-key", garbage}, want: garbage},
		"stray words": {args: []string{"please"}, want: "unknown command"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCmd(t, nil, append([]string{"fingerprint"}, tc.args...)...)
			if code != 1 || out != "" || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out, stderr, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "empty")); !os.IsNotExist(err) {
		t.Error("fingerprint made a data directory; it must only read")
	}
}

// The records are OpenSSH's own, so that VerifyHostKeyDNS accepts them.
func TestFingerprintMatchesSSHKeygen(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	key := filepath.Join(t.TempDir(), "key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	code, out, stderr := runCmd(t, nil, "fingerprint", "--host-key", key, "--host", "resume.example.com.")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	l, err := exec.Command("ssh-keygen", "-l", "-f", key).Output()
	if err != nil {
		t.Fatal(err)
	}
	r, err := exec.Command("ssh-keygen", "-r", "resume.example.com.", "-f", key).Output()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("output %q, want 3 lines", out)
	}
	if lines[0] != strings.TrimSpace(string(l)) {
		t.Errorf("line 1 %q, ssh-keygen -l %q", lines[0], l)
	}
	if !strings.HasPrefix(string(pub), lines[1]+" ") {
		t.Errorf("line 2 %q, ssh-keygen's public key %q", lines[1], pub)
	}
	if !strings.Contains(string(r), lines[2]+"\n") {
		t.Errorf("line 3 %q not among ssh-keygen -r's records:\n%s", lines[2], r)
	}
}
