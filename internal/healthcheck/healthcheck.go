// Package healthcheck asks a running server whether it is serving: over SSH,
// as a visitor would, or over HTTP on the metrics listener's /healthz. It is
// the client side of `resume healthcheck`, which container engines and
// orchestrators run inside the server's own container.
package healthcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Errors a check can end with besides network and protocol errors.
var (
	ErrBadAddr   = errors.New("bad address")
	ErrUnhealthy = errors.New("unhealthy")
)

// ClientVersion is the SSH client version the check announces, so that the
// server can keep its own health checks out of the info log.
const ClientVersion = "SSH-2.0-resume-healthcheck"

// LocalAddr turns a listen address into one to dial on this machine: a
// wildcard host (":23234", "0.0.0.0:23234", "[::]:23234") becomes the
// loopback address of the same family, so the server's own RESUME_ADDR can
// be given to the check unchanged.
func LocalAddr(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("%w %q: %w (want HOST:PORT or :PORT)", ErrBadAddr, listen, err)
	}
	if port == "" || port == "0" {
		return "", fmt.Errorf("%w %q: a check needs the port the server listens on", ErrBadAddr, listen)
	}
	if host == "" {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsUnspecified() {
		if ip.Is4() {
			return net.JoinHostPort("127.0.0.1", port), nil
		}
		return net.JoinHostPort("::1", port), nil
	}
	return net.JoinHostPort(host, port), nil
}

// SSH connects to addr and completes the SSH handshake as a visitor does:
// key exchange, then authentication with no credentials (the server takes
// the "none" method, or keyboard-interactive with no questions). It returns
// the server's host key fingerprint. The check ends when ctx does.
func SSH(ctx context.Context, addr string) (fingerprint string, err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close() }()
	// The handshake reads with no deadline of its own; bound it by ctx, and
	// by an explicit close in case the deadline is not honoured.
	if dl, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(dl); err != nil {
			return "", err
		}
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	cfg := &gossh.ClientConfig{
		User:          "healthcheck",
		ClientVersion: ClientVersion,
		Auth: []gossh.AuthMethod{
			gossh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				return make([]string, len(questions)), nil
			}),
		},
		// The check asks whether the local server answers, not who it is:
		// any host key will do, and it is reported for the log.
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			fingerprint = gossh.FingerprintSHA256(key)
			return nil
		},
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("ssh handshake: %w", ctx.Err())
		}
		return "", fmt.Errorf("ssh handshake: %w", err)
	}
	client := gossh.NewClient(c, chans, reqs)
	if err := client.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fingerprint, fmt.Errorf("ssh close: %w", err)
	}
	return fingerprint, nil
}

// HTTP asks http://addr/healthz and wants 200 OK.
func HTTP(ctx context.Context, addr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("%w %q: %w", ErrBadAddr, addr, err)
	}
	client := &http.Client{
		// No proxy from the environment, no keep-alive: one request to the
		// local server and done.
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		// A redirect is not health.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: GET /healthz: %s", ErrUnhealthy, resp.Status)
	}
	return nil
}

// Timeout is the default time a whole check may take: well under the
// timeouts container engines and Kubernetes give a probe (Docker 30s,
// Kubernetes 1s by default; the manifests here set 5s).
const Timeout = 3 * time.Second
