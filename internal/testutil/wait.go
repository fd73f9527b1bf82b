package testutil

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// pollEvery is how often Poll looks again: often enough that a test waits
// no longer than it must, rarely enough not to load a busy machine.
const pollEvery = 5 * time.Millisecond

// Poll calls cond until it holds or within has passed, and reports whether
// it held. Tests wait with it instead of sleeping a guessed time.
func Poll(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
	return true
}

// Eventually fails t when cond does not hold within the time given; what
// names the condition in the failure.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Poll(within, cond) {
		t.Fatalf("%s: not within %s", what, within)
	}
}

// Buffer is a bytes.Buffer that one goroutine may write while another
// reads it: a server's log, a session's screen.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Cap is the bytes the buffer holds on the heap: a test that measures the
// server's heap takes off its own copy of the output.
func (b *Buffer) Cap() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Cap()
}

// MustRead returns the file at path, or fails t.
func MustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// NewSigner returns a fresh ed25519 key, for a test's client or server.
func NewSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
