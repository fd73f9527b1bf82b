package server

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/version"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/text"
)

func TestParseRoute(t *testing.T) {
	secs := content.Default().Sections()
	tests := []struct {
		name string
		raw  string
		pty  bool
		want route
		err  string // substring of the refusal, when refused
	}{
		{name: "shell with pty", raw: "", pty: true, want: route{kind: kindTUI}},
		{name: "shell without pty", raw: "", want: route{kind: kindPlain}},
		{name: "blank command", raw: "   ", want: route{kind: kindPlain}},
		{name: "text", raw: "text", want: route{kind: kindCommand, command: "text"}},
		{name: "text width", raw: "text --width 40", want: route{kind: kindCommand, command: "text", width: 40}},
		{name: "text width=", raw: "text --width=60", want: route{kind: kindCommand, command: "text", width: 60}},
		{name: "text -w", raw: "text -w 100", want: route{kind: kindCommand, command: "text", width: 100}},
		{name: "text width too small", raw: "text --width 5", err: "text takes --width N"},
		{name: "text width not a number", raw: "text --width wide", err: "text takes --width N"},
		{name: "text stray argument", raw: "text now", err: "text takes --width N"},
		{name: "json", raw: "json", want: route{kind: kindCommand, command: "json"}},
		{name: "markdown", raw: "markdown", want: route{kind: kindCommand, command: "markdown"}},
		{name: "help", raw: "help", want: route{kind: kindCommand, command: "help"}},
		{name: "version", raw: "version", want: route{kind: kindCommand, command: "version"}},
		{name: "json with argument", raw: "json pretty", err: "json takes no arguments"},
		{name: "section with pty", raw: "experience", pty: true, want: route{kind: kindTUI, section: "experience"}},
		{name: "section by another name", raw: "Exp", pty: true, want: route{kind: kindTUI, section: "experience"}},
		{name: "section by title in capitals", raw: "EXPERIENCE", pty: true, want: route{kind: kindTUI, section: "experience"}},
		{name: "command in capitals", raw: "TEXT", want: route{kind: kindCommand, command: "text"}},
		{name: "command in mixed case", raw: "Json", want: route{kind: kindCommand, command: "json"}},
		{name: "command by prefix", raw: "mark", want: route{kind: kindCommand, command: "markdown"}},
		{name: "prefix of two sections", raw: "e", pty: true, err: `"e" could mean education or experience`},
		{name: "prefix of a command and a section", raw: "te", err: `"te" could mean text or teaching`},
		{name: "typo of a command", raw: "txet", err: `unknown command "txet"; valid commands`},
		{name: "typo of a command suggests it", raw: "txet", err: `(see help). Did you mean text?`},
		{name: "typo of a section", raw: "expereince", pty: true, err: `Did you mean experience?`},
		{name: "section without pty", raw: "experience", err: "needs a terminal"},
		{name: "unknown", raw: "rm -rf /", err: `unknown command "rm"`},
		{name: "unbalanced quote", raw: `text "`, err: "cannot read the command"},
		{name: "too long", raw: strings.Repeat("x", maxCommandBytes+1), err: "too long"},
		{name: "escape in command", raw: "\x1b[2Jevil", err: `unknown command "evil"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseRoute(tt.raw, tt.pty, secs)
			if tt.err != "" {
				if got.kind != kindCommand || !strings.Contains(got.err, tt.err) {
					t.Fatalf("parseRoute(%q) = %+v, want a refusal containing %q", tt.raw, got, tt.err)
				}
				if !strings.Contains(got.err, commandList) || strings.ContainsAny(got.err, "\n\x1b") {
					t.Errorf("refusal is not one clean line naming the commands: %q", got.err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("parseRoute(%q, pty=%v) = %+v, want %+v", tt.raw, tt.pty, got, tt.want)
			}
		})
	}
}

// TestRoutingOverSSH runs every route end to end and checks output and
// exit status; without a PTY no output may hold an escape byte.
func TestRoutingOverSSH(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	r := content.Default()
	tests := []struct {
		cmd        string
		wantExit   int
		wantStdout string // exact, when set
		contains   string
		wantStderr string // substring
	}{
		{cmd: "", wantStdout: text.Render(r, 80)},
		{cmd: "text", wantStdout: text.Render(r, 80)},
		{cmd: "text --width 40", wantStdout: text.Render(r, 40)},
		{cmd: "text --width=120", wantStdout: text.Render(r, 120)},
		{cmd: "markdown", wantStdout: markdown.Render(r)},
		{cmd: "help", contains: " <host> json"},
		{cmd: "version", wantStdout: "resume " + version.String() + "\n"},
		{cmd: "json", contains: `"name": "Wenging Luo"`},
		{cmd: "text --width 3", wantExit: 1, wantStderr: "text takes --width N"},
		{cmd: "experience", wantExit: 1, wantStderr: "needs a terminal (ssh -t)"},
		{cmd: "nope", wantExit: 1, wantStderr: `unknown command "nope"`},
	}
	for _, tt := range tests {
		t.Run("cmd="+tt.cmd, func(t *testing.T) {
			got := run(t, c, tt.cmd)
			if got.exit != tt.wantExit {
				t.Errorf("exit = %d, want %d (stderr %q)", got.exit, tt.wantExit, got.stderr)
			}
			if tt.wantStdout != "" && got.stdout != tt.wantStdout {
				t.Errorf("stdout = %q..., want %q...", head(got.stdout), head(tt.wantStdout))
			}
			if !strings.Contains(got.stdout, tt.contains) {
				t.Errorf("stdout does not contain %q: %q", tt.contains, head(got.stdout))
			}
			if tt.wantStderr == "" && got.stderr != "" {
				t.Errorf("unexpected stderr %q", got.stderr)
			}
			if tt.wantStderr != "" {
				if !strings.Contains(got.stderr, tt.wantStderr) || !strings.Contains(got.stderr, commandList) {
					t.Errorf("stderr = %q, want %q and the command list", got.stderr, tt.wantStderr)
				}
				if strings.Count(got.stderr, "\n") != 1 || got.stdout != "" {
					t.Errorf("a refusal must be one line on stderr only; stdout %q stderr %q", got.stdout, got.stderr)
				}
			}
			if i := strings.IndexByte(got.stdout+got.stderr, 0x1b); i >= 0 {
				t.Errorf("escape byte in output without a PTY at %d", i)
			}
			if strings.Contains(got.stdout, "\r") {
				t.Errorf("carriage return in output without a PTY")
			}
		})
	}
}

func head(s string) string {
	if len(s) > 120 {
		return s[:120]
	}
	return s
}

// TestJSONMatchesSchema validates `ssh host json` against the JSON Resume
// schema.
func TestJSONMatchesSchema(t *testing.T) {
	ts := startServer(t, testConfig(t))
	got := run(t, ts.dial(t), "json")
	if got.exit != 0 {
		t.Fatalf("exit %d: %s", got.exit, got.stderr)
	}
	schema, err := content.Schemas(false)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader([]byte(got.stdout)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("json output does not parse: %v", err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("json output is not a valid JSON Resume document: %v", err)
	}
}

// TestTUIRoutes opens the TUI with and without a section, and checks that
// commands still print plainly with a PTY.
func TestTUIRoutes(t *testing.T) {
	ts := startServer(t, testConfig(t))
	c := ts.dial(t)
	r := content.Default()

	t.Run("shell", func(t *testing.T) {
		p := openPTY(t, c, "", 80, 24)
		p.waitFor(t, "Wenging Luo", 5*time.Second)
		p.waitFor(t, "Overview", 5*time.Second)
		if _, err := p.in.Write([]byte("q")); err != nil {
			t.Fatal(err)
		}
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Errorf("exit %d after q, want 0", code)
		}
		// After the alternate screen, the name and e-mail stay on the
		// visitor's own screen.
		out := p.out.String()
		after := out[strings.LastIndex(out, "\x1b[?1049l")+1:]
		if !strings.Contains(after, "Wenging Luo · wenging4@illinois.edu") || !strings.Contains(after, "Thanks for visiting.\r\n") {
			t.Errorf("no goodbye with the name and e-mail after leaving the alternate screen: %q", after)
		}
	})
	t.Run("section", func(t *testing.T) {
		p := openPTY(t, c, "experience", 100, 30)
		p.waitFor(t, "Experience", 5*time.Second)
		if _, err := p.in.Write([]byte("q")); err != nil {
			t.Fatal(err)
		}
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Errorf("exit %d after q, want 0", code)
		}
	})
	t.Run("command with pty", func(t *testing.T) {
		p := openPTY(t, c, "version", 80, 24)
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Errorf("exit %d, want 0", code)
		}
		if got, want := p.out.String(), "resume "+version.String()+"\r\n"; got != want {
			t.Errorf("output %q, want %q (newlines mapped for the terminal)", got, want)
		}
	})
	t.Run("too small a window names the port and a host to fill in", func(t *testing.T) {
		_, port, _ := net.SplitHostPort(ts.addr)
		p := openPTY(t, c, "", 30, 10)
		p.waitFor(t, "ssh -p "+port+" <host> text", 5*time.Second)
		if strings.Contains(p.out.String(), "HOST") {
			t.Errorf("the too-small screen still says HOST: %q", p.out.String())
		}
	})
	t.Run("text in a wide window keeps a readable measure", func(t *testing.T) {
		p := openPTY(t, c, "text", 200, 50)
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Errorf("exit %d, want 0", code)
		}
		if got, want := p.out.String(), strings.ReplaceAll(text.Render(r, text.ReadableWidth), "\n", "\r\n"); got != want {
			t.Errorf("text in a 200-column window is not the %d-column text:\n%s", text.ReadableWidth, head(got))
		}
	})
	t.Run("text --width goes past the measure", func(t *testing.T) {
		p := openPTY(t, c, "text --width 160", 200, 50)
		p.waitExit(t, 5*time.Second)
		if got, want := p.out.String(), strings.ReplaceAll(text.Render(r, 160), "\n", "\r\n"); got != want {
			t.Errorf("text --width 160 is not 160 columns wide:\n%s", head(got))
		}
	})
	t.Run("help fits a narrow window", func(t *testing.T) {
		p := openPTY(t, c, "help", 40, 24)
		p.waitExit(t, 5*time.Second)
		for _, line := range strings.Split(p.out.String(), "\r\n") {
			if w := ansi.StringWidth(line); w > 40 {
				t.Fatalf("help line %d columns wide in a 40-column window: %q", w, line)
			}
		}
	})
	t.Run("text takes the window width", func(t *testing.T) {
		p := openPTY(t, c, "text", 60, 24)
		if code := p.waitExit(t, 5*time.Second); code != 0 {
			t.Errorf("exit %d, want 0", code)
		}
		for _, line := range strings.Split(p.out.String(), "\r\n") {
			if w := ansi.StringWidth(line); w > 60 {
				t.Fatalf("line %d columns wide in a 60-column window: %q", w, line)
			}
		}
	})
}
