package healthcheck

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
)

func TestLocalAddr(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: ":23234", want: "127.0.0.1:23234"},
		{in: "0.0.0.0:22", want: "127.0.0.1:22"},
		{in: "[::]:22", want: "[::1]:22"},
		{in: "[0:0::0]:22", want: "[::1]:22"},
		{in: "127.0.0.2:2222", want: "127.0.0.2:2222"},
		{in: "[::1]:2222", want: "[::1]:2222"},
		{in: "localhost:23234", want: "localhost:23234"},
		{in: "23234", bad: true},
		{in: "", bad: true},
		{in: ":0", bad: true},
		{in: "127.0.0.1:", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := LocalAddr(tc.in)
			if tc.bad {
				if !errors.Is(err, ErrBadAddr) {
					t.Fatalf("LocalAddr(%q) = %q, %v; want ErrBadAddr", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("LocalAddr(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// sshServer serves the SSH handshake on 127.0.0.1:0 with cfg until the test
// ends, and returns its address.
func sshServer(t *testing.T, cfg *gossh.ServerConfig) string {
	t.Helper()
	signer := testutil.NewSigner(t)
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				sc, chans, reqs, err := gossh.NewServerConn(conn, cfg)
				if err != nil {
					return
				}
				go gossh.DiscardRequests(reqs)
				for ch := range chans {
					_ = ch.Reject(gossh.Prohibited, "no")
				}
				_ = sc.Wait()
			})
		}
	})
	return ln.Addr().String()
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestSSHHealthy(t *testing.T) {
	for name, cfg := range map[string]func() *gossh.ServerConfig{
		"none auth": func() *gossh.ServerConfig { return &gossh.ServerConfig{NoClientAuth: true} },
		"keyboard-interactive without questions": func() *gossh.ServerConfig {
			return &gossh.ServerConfig{
				KeyboardInteractiveCallback: func(_ gossh.ConnMetadata, ask gossh.KeyboardInteractiveChallenge) (*gossh.Permissions, error) {
					_, err := ask("", "", nil, nil)
					return nil, err
				},
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			addr := sshServer(t, cfg())
			fp, err := SSH(ctxTimeout(t, 5*time.Second), addr)
			if err != nil {
				t.Fatalf("SSH(%s): %v", addr, err)
			}
			if !strings.HasPrefix(fp, "SHA256:") {
				t.Fatalf("fingerprint %q is not SHA256:...", fp)
			}
		})
	}
}

func TestSSHUnhealthy(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	// silent accepts connections and never says a word, like a server
	// whose accept loop is alive but whose handshakes are stuck.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		silent.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})

	// hangup accepts and closes at once.
	hangup, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := hangup.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { hangup.Close() })

	password := sshServer(t, &gossh.ServerConfig{
		PasswordCallback: func(gossh.ConnMetadata, []byte) (*gossh.Permissions, error) {
			return nil, errors.New("no")
		},
	})

	for _, tc := range []struct{ name, addr string }{
		{"connection refused", closedAddr},
		{"silent server", silent.Addr().String()},
		{"hang-up", hangup.Addr().String()},
		{"authentication refused", password},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const limit = 300 * time.Millisecond
			start := time.Now()
			_, err := SSH(ctxTimeout(t, limit), tc.addr)
			if err == nil {
				t.Fatal("SSH reported a healthy server")
			}
			// Generous bound: the point is that the check does not hang.
			if took := time.Since(start); took > limit+2*time.Second {
				t.Fatalf("check took %v with a %v timeout", took, limit)
			}
		})
	}
}

func TestHTTP(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	ok := httptest.NewServer(mux)
	t.Cleanup(ok.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)
	redirect := httptest.NewServer(http.RedirectHandler(ok.URL+"/healthz", http.StatusFound))
	t.Cleanup(redirect.Close)

	addr := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }
	if err := HTTP(ctxTimeout(t, 5*time.Second), addr(ok)); err != nil {
		t.Fatalf("healthy server: %v", err)
	}
	for name, a := range map[string]string{"503": addr(failing), "redirect": addr(redirect)} {
		t.Run(name, func(t *testing.T) {
			if err := HTTP(ctxTimeout(t, 5*time.Second), a); !errors.Is(err, ErrUnhealthy) {
				t.Fatalf("err = %v, want ErrUnhealthy", err)
			}
		})
	}
	if err := HTTP(ctxTimeout(t, 5*time.Second), "bad host/x"); err == nil {
		t.Fatal("bad address accepted")
	}
}
