package load

import (
	"strings"
	"testing"
)

func TestScreen(t *testing.T) {
	tests := []struct {
		name string
		in   []string // written in pieces, to split sequences
		want []string // rows, trailing blanks trimmed
	}{
		{"plain", []string{"ab\r\ncd"}, []string{"ab", "cd", ""}},
		{"cursor position", []string{"\x1b[2;3Hx"}, []string{"", "  x", ""}},
		{"split sequence", []string{"\x1b[", "2;", "3Hx"}, []string{"", "  x", ""}},
		{"split utf-8", []string{"\xc3", "\xa9"}, []string{"é", "", ""}},
		{"cursor forward inside a word", []string{"Ab\x1b[CCd"}, []string{"Ab Cd", "", ""}},
		{"repeat", []string{"a\x1b[3b"}, []string{"aaaa", "", ""}},
		{"erase line", []string{"abcdef\x1b[3G\x1b[K"}, []string{"ab", "", ""}},
		{"erase characters", []string{"abcdef\x1b[2G\x1b[2X"}, []string{"a  def", "", ""}},
		{"erase display", []string{"ab\r\ncd\x1b[2J"}, []string{"", "", ""}},
		{"erase below", []string{"ab\r\ncd\x1b[1;2H\x1b[J"}, []string{"a", "", ""}},
		{"wrap", []string{"abcdefghijkl"}, []string{"abcdefghij", "kl", ""}},
		{"no wrap", []string{"\x1b[?7labcdefghijkl"}, []string{"abcdefghil", "", ""}},
		{"scroll", []string{"1\r\n2\r\n3\r\n4"}, []string{"2", "3", "4"}},
		{"insert and delete characters", []string{"abcd\x1b[2G\x1b[@\x1b[4G\x1b[P"}, []string{"a bd", "", ""}},
		{"insert line", []string{"1\r\n2\r\n3\x1b[2;1H\x1b[L"}, []string{"1", "", "2"}},
		{"delete line", []string{"1\r\n2\r\n3\x1b[1;1H\x1b[M"}, []string{"2", "3", ""}},
		{"wide characters", []string{"中文x"}, []string{"中文x", "", ""}},
		{"alternate screen clears", []string{"old\x1b[?1049h"}, []string{"", "", ""}},
		{"attributes and links ignored", []string{"\x1b[1;38;2;1;2;3mA\x1b[m\x1b]8;;http://x\x1b\\B\x1b]8;;\x1b\\"}, []string{"AB", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScreen(10, 3)
			for _, p := range tt.in {
				_, _ = s.Write([]byte(p))
			}
			if got := s.Rows(); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("rows = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScreenReplies(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"\x1b[c", "\x1b[?62;22c"},
		{"ab\x1b[6n", "\x1b[1;3R"},
		{"\x1b]11;?\x07", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
		{"\x1b]10;?\x1b\\", "\x1b]10;rgb:c0c0/c0c0/c0c0\x1b\\"},
		{"\x1b]11;rgb:1/2/3\x07", ""}, // setting a colour is no query
		{"\x1b[?2026$p", ""},          // unknown queries stay unanswered
	}
	for _, tt := range tests {
		s := NewScreen(10, 3)
		_, _ = s.Write([]byte(tt.in))
		if got := string(s.Replies()); got != tt.want {
			t.Errorf("%q: reply %q, want %q", tt.in, got, tt.want)
		}
		if got := s.Replies(); got != nil {
			t.Errorf("%q: replies not forgotten: %q", tt.in, got)
		}
	}
}

func TestScreenContains(t *testing.T) {
	s := NewScreen(20, 2)
	if s.Contains("Wenging Luo") {
		t.Fatal("blank screen contains the name")
	}
	_, _ = s.Write([]byte("\x1b[2;5HWenging"))
	if s.Contains("Wenging Luo") {
		t.Fatal("half the name counts as on screen")
	}
	_, _ = s.Write([]byte(" Luo"))
	if !s.Contains("Wenging Luo") {
		t.Fatalf("name not found on\n%s", s)
	}
	// Garbage must not panic or move outside the screen.
	_, _ = s.Write([]byte("\x1b[999;999H\x1b[999@\x1b[999P\x1b[999L\x1b[999M\x1b[0;0r\x1b[5;2r\x1b[99999b\b\b\b\t\t\t\t\t\x1bM\x1bM\x1bM"))
}

func TestScreenSeenScrolledAway(t *testing.T) {
	s := NewScreen(20, 2)
	s.Watch("Wenging Luo")
	if s.Seen() {
		t.Fatal("seen on a blank screen")
	}
	_, _ = s.Write([]byte("Wenging Luo\r\nlabel\r\nsummary\r\nmore"))
	if s.Contains("Wenging Luo") {
		t.Fatal("the name should have scrolled away")
	}
	if !s.Seen() {
		t.Fatal("a name that scrolled away was on screen")
	}
}
