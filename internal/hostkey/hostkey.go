// Package hostkey creates, loads and describes the server's SSH host key.
// The key is generated at run time and never shipped in the repository.
package hostkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// FileName is the host key's name inside the data directory.
const FileName = "ssh_host_ed25519_key"

// LoadOrCreate reads the private key at path, or, when there is none, makes
// a new ed25519 key and writes it there in OpenSSH format with mode 0600.
// created reports whether a new key was made.
func LoadOrCreate(path string) (signer gossh.Signer, created bool, err error) {
	signer, err = Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return signer, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("host key: generate: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "resume host key")
	if err != nil {
		return nil, false, fmt.Errorf("host key: encode: %w", err)
	}
	// Write a temporary file, then link it into place: the link fails if a
	// key appeared meanwhile, so two servers starting at once on one data
	// directory agree on one key, and neither can read a half-written file.
	if err := writeNew(path, pem.EncodeToMemory(block)); errors.Is(err, fs.ErrExist) {
		signer, err = Load(path)
		return signer, false, err
	} else if err != nil {
		return nil, false, fmt.Errorf("host key: write %s: %w", path, err)
	}
	signer, err = gossh.NewSignerFromKey(priv)
	return signer, true, err
}

// Load reads a private key in OpenSSH or PEM format.
func Load(path string) (gossh.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key: %s: %w", path, err)
	}
	return signer, nil
}

// Fingerprint is the key's SHA256 fingerprint as OpenSSH prints it.
func Fingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }

// Describe is the key's line in the format of `ssh-keygen -l`: size in bits,
// SHA256 fingerprint, comment and type, as in
// "256 SHA256:abc... /data/ssh_host_ed25519_key (ED25519)".
func Describe(key gossh.PublicKey, comment string) string {
	bits, name := 0, strings.ToUpper(strings.TrimPrefix(key.Type(), "ssh-"))
	if ck, ok := key.(gossh.CryptoPublicKey); ok {
		switch k := ck.CryptoPublicKey().(type) {
		case ed25519.PublicKey:
			bits, name = 256, "ED25519"
		case *ecdsa.PublicKey:
			bits, name = k.Curve.Params().BitSize, "ECDSA"
		case *rsa.PublicKey:
			bits, name = k.N.BitLen(), "RSA"
		}
	}
	return fmt.Sprintf("%d %s %s (%s)", bits, Fingerprint(key), comment, name)
}

// SSHFP returns the SSHFP DNS records for key, owner being the host name
// (for example "resume.example.com."). Only the SHA-256 type (2) is given:
// SHA-1 (type 1) is deprecated.
func SSHFP(owner string, key gossh.PublicKey) ([]string, error) {
	var alg int
	switch key.Type() {
	case gossh.KeyAlgoRSA:
		alg = 1
	case gossh.KeyAlgoECDSA256, gossh.KeyAlgoECDSA384, gossh.KeyAlgoECDSA521:
		alg = 3
	case gossh.KeyAlgoED25519:
		alg = 4
	default:
		return nil, fmt.Errorf("host key: no SSHFP algorithm for %s", key.Type())
	}
	sum := sha256.Sum256(key.Marshal())
	return []string{fmt.Sprintf("%s IN SSHFP %d 2 %s", owner, alg, strings.ToLower(fmt.Sprintf("%x", sum[:])))}, nil
}

// writeNew creates path with data and mode 0600, atomically, failing with
// fs.ErrExist when path already exists.
func writeNew(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }() // the link, if made, stays
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(f.Name(), path)
}
