package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

func TestHealthcheckFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(closed)

	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "no server", args: []string{"--addr", closed}, want: "ssh " + closed},
		{name: "no server, address from the environment", env: map[string]string{"RESUME_ADDR": ":" + port}, want: "ssh 127.0.0.1:" + port},
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
