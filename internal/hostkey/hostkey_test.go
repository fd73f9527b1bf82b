package hostkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
)

func TestLoadOrCreateMakesPrivateKeyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", FileName)

	first, created, err := LoadOrCreate(path)
	if err != nil {
		t.Fatalf("first LoadOrCreate: %v", err)
	}
	if !created {
		t.Fatal("first LoadOrCreate reported an existing key")
	}
	if got := first.PublicKey().Type(); got != gossh.KeyAlgoED25519 {
		t.Fatalf("key type = %s, want %s", got, gossh.KeyAlgoED25519)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("key file mode = %o, want 600", mode)
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if mode := dir.Mode().Perm(); mode != 0o700 {
		t.Fatalf("created directory mode = %o, want 700", mode)
	}

	second, created, err := LoadOrCreate(path)
	if err != nil {
		t.Fatalf("second LoadOrCreate: %v", err)
	}
	if created {
		t.Fatal("second LoadOrCreate made a new key over the existing one")
	}
	if Fingerprint(first.PublicKey()) != Fingerprint(second.PublicKey()) {
		t.Fatal("the key changed between starts")
	}
}

// Two servers starting at once on an empty data directory (two replicas on
// one volume) must end up with one key between them.
func TestLoadOrCreateConcurrentStartsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	const n = 8
	prints := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, _, err := LoadOrCreate(path)
			if err != nil {
				errs[i] = err
				return
			}
			prints[i] = Fingerprint(s.PublicKey())
		})
	}
	wg.Wait()
	want, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("starter %d: %v", i, errs[i])
		}
		if prints[i] != Fingerprint(want.PublicKey()) {
			t.Fatalf("starter %d got %s, the file holds %s", i, prints[i], Fingerprint(want.PublicKey()))
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("missing", func(t *testing.T) {
		_, err := Load(filepath.Join(dir, "absent"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("garbage names the file", func(t *testing.T) {
		_, err := Load(garbage)
		if err == nil || !strings.Contains(err.Error(), garbage) {
			t.Fatalf("err = %v, want one naming %s", err, garbage)
		}
	})
	t.Run("LoadOrCreate keeps a broken key", func(t *testing.T) {
		// A broken key is the owner's to fix: replacing it would silently
		// change the server's identity.
		if _, _, err := LoadOrCreate(garbage); err == nil {
			t.Fatal("LoadOrCreate replaced an unreadable key")
		}
		got, err := os.ReadFile(garbage)
		if err != nil || string(got) != "not a key\n" {
			t.Fatalf("file now %q, %v", got, err)
		}
	})
}

func TestLoadReadsOpenSSHKey(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	path := filepath.Join(t.TempDir(), "key")
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	signer, err := Load(path)
	if err != nil {
		t.Fatalf("Load of an ssh-keygen key: %v", err)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	want, _, _, _, err := gossh.ParseAuthorizedKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(signer.PublicKey().Marshal(), want.Marshal()) {
		t.Fatal("Load returned a different public key than ssh-keygen wrote")
	}
}

func testKeys(t *testing.T) map[string]gossh.PublicKey {
	t.Helper()
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]gossh.PublicKey{}
	for name, k := range map[string]any{"ed25519": edPub, "ecdsa": &ec.PublicKey, "rsa": &rs.PublicKey} {
		pk, err := gossh.NewPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = pk
	}
	return keys
}

func TestSSHFP(t *testing.T) {
	keys := testKeys(t)
	for _, tc := range []struct {
		key  string
		algo string
	}{
		{key: "rsa", algo: "1"},
		{key: "ecdsa", algo: "3"},
		{key: "ed25519", algo: "4"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			recs, err := SSHFP("resume.example.com.", keys[tc.key])
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1 (SHA-256 only)", len(recs))
			}
			f := strings.Fields(recs[0])
			if len(f) != 6 || f[0] != "resume.example.com." || f[1] != "IN" || f[2] != "SSHFP" || f[3] != tc.algo || f[4] != "2" || len(f[5]) != 64 {
				t.Fatalf("record %q is not <owner> IN SSHFP %s 2 <64 hex digits>", recs[0], tc.algo)
			}
		})
	}
	t.Run("certificate refused", func(t *testing.T) {
		cert := &gossh.Certificate{Key: keys["ed25519"], CertType: gossh.HostCert}
		if _, err := SSHFP("h", cert); err == nil {
			t.Fatal("SSHFP accepted a certificate, which has no SSHFP algorithm")
		}
	})
}

// The records must be what OpenSSH's own tool publishes, byte for byte, so
// that `ssh -o VerifyHostKeyDNS=yes` accepts the key.
func TestSSHFPMatchesSSHKeygen(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	dir := t.TempDir()
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		t.Run(typ, func(t *testing.T) {
			path := filepath.Join(dir, typ)
			if out, err := exec.Command("ssh-keygen", "-q", "-t", typ, "-N", "", "-f", path).CombinedOutput(); err != nil {
				t.Fatalf("ssh-keygen -t %s: %v\n%s", typ, err, out)
			}
			signer, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("ssh-keygen", "-r", "resume.example.com.", "-f", path+".pub").Output()
			if err != nil {
				t.Fatalf("ssh-keygen -r: %v", err)
			}
			var want []string
			for line := range strings.Lines(string(out)) {
				// ssh-keygen also prints the deprecated SHA-1 (type 1) record.
				if f := strings.Fields(line); len(f) == 6 && f[4] == "2" {
					want = append(want, strings.Join(f, " "))
				}
			}
			got, err := SSHFP("resume.example.com.", signer.PublicKey())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("SSHFP = %q\nssh-keygen -r = %q", got, want)
			}

			// ssh-keygen -l prints the comment of the .pub file: the
			// default, user@host.
			fp, err := exec.Command("ssh-keygen", "-l", "-E", "sha256", "-f", path+".pub").Output()
			if err != nil {
				t.Fatalf("ssh-keygen -l: %v", err)
			}
			_, comment, _, _, err := gossh.ParseAuthorizedKey(testutil.MustRead(t, path+".pub"))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := Describe(signer.PublicKey(), comment), strings.TrimSpace(string(fp)); got != want {
				t.Fatalf("Describe = %q\nssh-keygen -l = %q", got, want)
			}
		})
	}
}
