package storetest

import (
	"fmt"
	"unicode"
)

// HostileCase is one attack on the owner's terminal, sent as a name,
// contact or message.
type HostileCase struct{ Name, Text string }

// Hostile is the escape-sequence table: each must reach the owner inert.
var Hostile = []HostileCase{
	{"OSC 0 title", "\x1b]0;PWNED-TITLE\x07"},
	{"OSC 2 title ST", "\x1b]2;PWNED-TITLE\x1b\\"},
	{"OSC 52 clipboard", "\x1b]52;c;cm0gLXJmIH4K\x07"},
	{"OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"},
	{"CSI clear screen", "\x1b[2J\x1b[H"},
	{"CSI cursor home and overwrite", "\x1b[1;1HOWNED"},
	{"CR overwrite", "\rOWNED"},
	{"backspace overwrite", "\b\b\b\bOWNED"},
	{"C1 CSI", "\u009b2J"},
	{"C1 OSC", "\u009d0;PWNED-TITLE\u009c"},
	{"RLO", "\u202edesrever"},
	{"zero width space", "in\u200bvisible"},
	{"DEL and NUL", "\x7f\x00"},
}

// Unsafe names what in s could act on a terminal, or "" if nothing can:
// an ESC, a C0 or C1 control other than newline, DEL, a bidirectional
// control or another invisible format character.
func Unsafe(s string) string {
	for _, r := range s {
		switch {
		case r == '\n':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return fmt.Sprintf("control %U", r)
		case r == '\u200d':
		case unicode.Is(unicode.Cf, r):
			return "format character"
		case !unicode.IsPrint(r):
			return "unprintable character"
		}
	}
	return ""
}
