package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"charm.land/ssh"

	"github.com/laphets/resume/server"
)

// startServer serves on 127.0.0.1:0 until the test ends, and returns the
// server with its SSH address.
func startServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.DataDir = t.TempDir()
	srv, err := server.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if err := <-done; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return srv, ln.Addr().String()
}

func TestHealthcheckHealthy(t *testing.T) {
	t.Setenv("RESUME_ADDR", "")
	t.Setenv("RESUME_METRICS_ADDR", "")
	srv, addr := startServer(t)
	metrics := httptest.NewServer(srv.MetricsHandler())
	t.Cleanup(metrics.Close)
	metricsAddr := strings.TrimPrefix(metrics.URL, "http://")
	_, port, _ := net.SplitHostPort(addr)

	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{name: "ssh", args: []string{"--addr", addr}, want: []string{"healthy: ssh " + addr, srv.Fingerprint()}},
		{name: "wildcard address from the environment", env: map[string]string{"RESUME_ADDR": ":" + port}, want: []string{"ssh 127.0.0.1:" + port}},
		{name: "ssh and /healthz", args: []string{"--addr", addr, "--metrics-addr", metricsAddr}, want: []string{"http " + metricsAddr + "/healthz"}},
		{name: "/healthz from the environment", args: []string{"--addr", addr}, env: map[string]string{"RESUME_METRICS_ADDR": metricsAddr}, want: []string{"http " + metricsAddr + "/healthz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"healthcheck"}, tc.args...), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d; stderr: %s", code, &stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout %q lacks %q", &stdout, w)
				}
			}
		})
	}
}

func TestHealthcheckFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(closed)
	_, healthy := startServer(t)

	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "no server", args: []string{"--addr", closed}, want: "ssh " + closed},
		{name: "no server, address from the environment", env: map[string]string{"RESUME_ADDR": ":" + port}, want: "ssh 127.0.0.1:" + port},
		{name: "ssh up, /healthz down", args: []string{"--addr", healthy, "--metrics-addr", closed}, want: "http " + closed + "/healthz"},
		{name: "bad address", args: []string{"--addr", "23234"}, want: "--addr: bad address"},
		{name: "bad timeout", args: []string{"--timeout", "0s"}, want: "--timeout 0s"},
		{name: "stray argument", args: []string{"now"}, want: "unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("RESUME_ADDR", "")
			t.Setenv("RESUME_METRICS_ADDR", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"healthcheck"}, tc.args...), &stdout, &stderr)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (Docker's \"unhealthy\"); stderr: %s", code, &stderr)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q does not mention %q", &stderr, tc.want)
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout %q on failure", &stdout)
			}
		})
	}
}
