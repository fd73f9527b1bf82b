package safetext

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hello, world", "Hello, world"},
		{"newline kept", "a\nb", "a\nb"},
		{"CRLF", "a\r\nb", "a\nb"},
		{"tab", "a\tb", "a b"},
		{"CJK accents emoji", "罗文庆 Café 👩‍💻 🇨🇳 👍🏽", "罗文庆 Café 👩‍💻 🇨🇳 👍🏽"},
		{"family emoji", "👨‍👩‍👧", "👨‍👩‍👧"},
		{"rainbow flag", "🏳️‍🌈", "🏳️‍🌈"},
		{"subdivision flag", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"},
		{"stray tag", "a\U000E0041b", "ab"},
		{"ZWJ between letters", "a\u200db", "ab"},
		{"OSC title BEL", "a\x1b]0;pwned\x07b", "ab"},
		{"OSC title ST", "a\x1b]2;pwned\x1b\\b", "ab"},
		{"OSC 52 clipboard", "x\x1b]52;c;cm0gLXJmIH4K\x07y", "xy"},
		{"OSC 8 hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"CSI clear screen", "\x1b[2J\x1b[Hhi", "hi"},
		{"CSI colour", "\x1b[1;31mred\x1b[0m", "red"},
		{"CSI private", "\x1b[?1049h\x1b[?25l", ""},
		{"C1 CSI", "a\u009b2Jb", "ab"},
		{"C1 OSC", "a\u009d0;t\u009cb", "ab"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"APC PM SOS", "a\x1b_x\x1b\\b\x1b^y\x1b\\c\x1bXz\x1b\\d", "abcd"},
		{"charset escape", "a\x1b(Bb", "ab"},
		{"two-char escape", "a\x1bcb", "ab"},
		{"unterminated OSC", "a\x1b]0;never ends", "a"},
		{"CAN cancels CSI", "a\x1b[1\x18b", "ab"},
		{"ESC then unicode", "a\x1bé", "aé"},
		{"CR overwrite", "safe\rEVIL", "safeEVIL"},
		{"backspace overwrite", "safe\b\b\b\bEVIL", "safeEVIL"},
		{"DEL", "a\x7fb", "ab"},
		{"bell", "a\x07b", "ab"},
		{"NUL", "a\x00b", "ab"},
		{"C1 NEL", "a\u0085b", "ab"},
		{"RLO", "abc\u202edcba", "abcdcba"},
		{"bidi isolates and marks", "\u2066a\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d", "a"},
		{"zero width", "a\u200bb\u2060c\ufeffd\u200ce\u00adf", "abcdef"},
		{"line separator", "a\u2028b", "a\nb"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
		{"raw 8-bit CSI byte", "a\x9b2Jb", "a\ufffd2Jb"},
		{"Arabic number sign kept", "\u0600١٢", "\u0600١٢"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			if got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			assertInert(t, got, false)
			if again := Clean(got); again != got {
				t.Errorf("Clean is not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"a\nb":            "a b",
		"a\r\nb":          "a b",
		"a\u2029b":        "a b",
		"user\x1b[2Jname": "username",
		"plain":           "plain",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
		assertInert(t, Line(in), true)
	}
}

// assertInert fails if s still holds anything that could drive a terminal.
func assertInert(t *testing.T, s string, oneLine bool) {
	t.Helper()
	for _, r := range s {
		switch {
		case r == '\n' && !oneLine:
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			t.Errorf("%q holds control %U", s, r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200b, r == 0x200e, r == 0x200f, r == 0xfeff:
			t.Errorf("%q holds invisible or bidi %U", s, r)
		}
	}
}

func TestCleanPlainDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("plain text, 罗文庆, café ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Clean(s) }); n != 0 {
		t.Errorf("Clean allocated %v times on clean text", n)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"a\x1b]0;t\x07b", "\x1b[2J", "\u009b31m", "👩‍💻", "a\u202eb", "\x1bP\x1b\\", "\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		assertInert(t, c, false)
		if Clean(c) != c {
			t.Errorf("Clean not idempotent on %q", s)
		}
		l := Line(s)
		assertInert(t, l, true)
	})
}

func TestShort(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x1b]0;title\x07b", "ab"},
		{"héllo wörld", "héllo…"},             // cut at a character boundary
		{strings.Repeat("x", 100), "xxxxxx…"}, // long input: bounded
	}
	for _, c := range cases {
		if got := Short(c.in, 6); got != c.want {
			t.Errorf("Short(%q, 6) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer line", 5, "a lo…"},
		{"日本語のテキスト", 4, "日本語…"},
		{"", 3, ""},
		{"ab", 1, "…"},
		{"ab", 0, "…"},
	} {
		if got := Clip(tt.in, tt.n); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestAllow(t *testing.T) {
	tests := []struct {
		name, in, want string
		multiline      bool
	}{
		{"plain", "Jane Roe", "Jane Roe", false},
		{"newline kept in a body", "a\nb", "a\nb", true},
		{"newline in a line", "a\nb", "a b", false},
		{"emoji sequences", "👩‍💻 🏳️‍🌈 👍🏽", "👩‍💻 🏳️‍🌈 👍🏽", false},
		{"OSC title", "a\x1b]0;pwned\x07b", "ab", true},
		{"OSC 52", "x\x1b]52;c;cm0gLXJmIH4K\x07y", "xy", true},
		{"OSC 8", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click", true},
		{"CSI clear", "\x1b[2J\x1b[Hhi", "hi", true},
		{"CR and BS", "safe\rEVIL\b\b", "safeEVIL", true},
		{"C1 CSI", "a\u009b2Jb", "ab", true},
		{"RLO and ZWSP", "a\u202eb\u200bc", "abc", true},
		{"private use", "a\ue000b", "ab", true},
		{"unassigned", "a\U000E01F0b\U0010FFFEc", "abc", true},
		{"invalid UTF-8", "a\xffb", "ab", true},
		{"noncharacter", "a\ufdd0b", "ab", true},
		{"CJK", "罗文庆", "罗文庆", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Allow(tt.in, tt.multiline)
			if got != tt.want {
				t.Errorf("Allow(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Allow(got, tt.multiline); again != got {
				t.Errorf("Allow is not idempotent: %q -> %q", got, again)
			}
			assertInert(t, got, !tt.multiline)
		})
	}
}
