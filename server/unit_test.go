package server

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/admission"
	"github.com/laphets/resume/internal/testutil"
)

// fakeMeta is the ConnMetadata of a visitor.
type fakeMeta struct{ user, client string }

func (m fakeMeta) User() string          { return m.user }
func (m fakeMeta) SessionID() []byte     { return nil }
func (m fakeMeta) ClientVersion() []byte { return []byte(m.client) }
func (m fakeMeta) ServerVersion() []byte { return []byte("SSH-2.0-resume") }
func (m fakeMeta) RemoteAddr() net.Addr  { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 5} }

func (m fakeMeta) LocalAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 22} }

// TestAuthMethods: none, any public key and keyboard-interactive without a
// question all succeed; a key's fingerprint is logged. (Real clients try
// "none" first, so end-to-end tests only ever see that one.)
func TestAuthMethods(t *testing.T) {
	ts := newTestServer(t, testConfig(t))
	c := &conn{s: ts.Server, tc: &admission.Conn{}, remote: "192.0.2.1:5"}
	cfg := c.serverConfig()
	meta := fakeMeta{"visitor", "SSH-2.0-OpenSSH_9.9"}

	if !cfg.NoClientAuth {
		t.Fatal("none is not accepted")
	}
	if _, err := cfg.NoClientAuthCallback(meta); err != nil {
		t.Fatalf("none: %v", err)
	}
	key := testutil.NewSigner(t).PublicKey()
	perms, err := cfg.PublicKeyCallback(meta, key)
	if err != nil {
		t.Fatalf("public key: %v", err)
	}
	if _, err := cfg.VerifiedPublicKeyCallback(meta, key, perms, gossh.KeyAlgoED25519); err != nil {
		t.Fatalf("verified public key: %v", err)
	}
	asked := false
	challenge := func(string, string, []string, []bool) ([]string, error) { asked = true; return nil, nil }
	if _, err := cfg.KeyboardInteractiveCallback(meta, challenge); err != nil || asked {
		t.Fatalf("keyboard-interactive: err %v, asked a question %v", err, asked)
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "key="+gossh.FingerprintSHA256(key)) || !strings.Contains(logs, "auth=publickey") {
		t.Errorf("key fingerprint not logged:\n%s", logs)
	}
	if cfg.PasswordCallback != nil {
		t.Error("password authentication offered: visitors would see a prompt")
	}
}

func TestAlgorithms(t *testing.T) {
	for _, list := range [][]string{kexAlgorithms, cipherAlgorithms, macAlgorithms} {
		for _, a := range list {
			for _, bad := range []string{"sha1", "nistp", "cbc", "diffie-hellman", "ctr"} {
				if strings.Contains(a, bad) {
					t.Errorf("%s offered", a)
				}
			}
		}
	}
}

// TestRefusalMessage decodes what a refused visitor receives: a text line,
// a version line and an SSH_MSG_DISCONNECT packet.
func TestRefusalMessage(t *testing.T) {
	msg := refusalMessage(admission.AddrRate)
	r := bufio.NewReader(bytes.NewReader(msg))
	line, _ := r.ReadString('\n')
	if line != "resume: "+admission.AddrRate.Message()+"\r\n" {
		t.Fatalf("first line %q", line)
	}
	if v, _ := r.ReadString('\n'); v != "SSH-2.0-resume\r\n" {
		t.Fatalf("version %q", v)
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		t.Fatal(err)
	}
	length, pad := binary.BigEndian.Uint32(hdr[:4]), int(hdr[4])
	if (length+4)%8 != 0 || pad < 4 {
		t.Fatalf("packet length %d padding %d", length, pad)
	}
	body := make([]byte, int(length)-1)
	if _, err := io.ReadFull(r, body); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Type     uint8
		Code     uint32
		Message  string
		Language string
	}
	if err := gossh.Unmarshal(body[:len(body)-pad], &d); err != nil {
		t.Fatal(err)
	}
	if d.Type != 1 || d.Code != disconnectTooManyConnection || d.Message != "resume: "+admission.AddrRate.Message() {
		t.Errorf("disconnect %+v", d)
	}
	if r.Buffered() != 0 {
		t.Errorf("%d bytes after the packet", r.Buffered())
	}
	if refusalMessage(admission.Request) != nil {
		t.Error("a message for a reason nobody is told")
	}
}

func TestCleanTerm(t *testing.T) {
	for in, want := range map[string]string{
		"xterm-256color": "xterm-256color", "screen.xterm": "screen.xterm", "": "xterm-256color",
		"\x1b[31m": "xterm-256color", strings.Repeat("x", 100): "xterm-256color",
	} {
		if got := cleanTerm(in); got != want {
			t.Errorf("cleanTerm(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientString(t *testing.T) {
	long := strings.Repeat("é", 1000)
	got := clientString(long)
	if !utf8.ValidString(got) || len(got) > maxLogString+len("…") {
		t.Errorf("clientString of a long string: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
	if got := clientString("a\x1b[2Jb\nc\u202ed"); got != "ab cd" {
		t.Errorf("clientString = %q", got)
	}
}

// FuzzParseRoute: any command routes without panicking, and a refusal is
// always one clean line.
func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{
		"", "text", "text --width 40", "text --width=1000", "json", "help",
		"experience", "\x1b[2J", `text "`, "text -w", "a b c", "\u202egnp.exe",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	r0 := content.Default()
	secs := r0.Sections()
	f.Fuzz(func(t *testing.T, raw string, pty bool) {
		r := parseRoute(raw, pty, secs)
		switch r.kind {
		case kindTUI:
			if !pty {
				t.Fatalf("TUI without a PTY for %q", raw)
			}
		case kindPlain, kindCommand:
		default:
			t.Fatalf("kind %q", r.kind)
		}
		if r.err != "" && (strings.ContainsAny(r.err, "\r\n\x1b\x07") || !utf8.ValidString(r.err)) {
			t.Fatalf("refusal %q is not one clean line", r.err)
		}
		if r.kind == kindCommand && r.err == "" && r.command == "" {
			t.Fatalf("command route with neither command nor refusal for %q", raw)
		}
	})
}
