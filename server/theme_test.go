package server

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/internal/testutil"
)

// A client that says its background is light with COLORFGBG (sent with
// OpenSSH's SendEnv) gets the light theme from the first frame, before
// or without an answer to the background query. The name's background is
// the theme's accent: 256-colour index 27 in the light theme, 111 in the
// dark one.
func TestColorFGBGPicksTheLightTheme(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	for _, tt := range []struct {
		env, want, not string
	}{
		{"0;15", "48;5;27m", "48;5;111m"},
		{"15;default;0", "48;5;111m", "48;5;27m"},
		{"", "48;5;111m", "48;5;27m"},
	} {
		t.Run("COLORFGBG="+tt.env, func(t *testing.T) {
			s, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if tt.env != "" {
				if err := s.Setenv("COLORFGBG", tt.env); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
				t.Fatal(err)
			}
			out := &testutil.Buffer{}
			s.Stdout, s.Stderr = out, out
			if _, err := s.StdinPipe(); err != nil {
				t.Fatal(err)
			}
			if err := s.Shell(); err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, 5*time.Second, "the first frame", func() bool { return strings.Contains(out.String(), "Overview") })
			got := out.String()
			if !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
				t.Errorf("COLORFGBG=%q: first frame has %q: %v, %q: %v", tt.env, tt.want, strings.Contains(got, tt.want), tt.not, strings.Contains(got, tt.not))
			}
		})
	}
}
