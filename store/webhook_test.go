package store

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestPayloadText(t *testing.T) {
	m := Message{
		ID: "abc", Name: "Jane Roe", Contact: "jane@example.com", Body: "Hello there\nsecond line",
		Received: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Meta: Meta{Via: "web"},
	}
	p := Payload(m)
	if want := "New message from Jane Roe <jane@example.com>: Hello there"; p.Text != want {
		t.Errorf("Text = %q, want %q (the first line only)", p.Text, want)
	}
	if p.Message != m.Body || p.ID != "abc" || p.Via != "web" {
		t.Errorf("payload %+v lost the message", p)
	}
	// A long first line is cut to 120 characters, the last an ellipsis;
	// the message itself stays whole.
	m.Body = strings.Repeat("語", 300)
	p = Payload(m)
	first := strings.TrimPrefix(p.Text, "New message from Jane Roe <jane@example.com>: ")
	if n := utf8.RuneCountInString(first); n != 120 || !strings.HasSuffix(first, "…") {
		t.Errorf("first line %q: %d characters, want 120 ending in …", first, n)
	}
	if p.Message != m.Body {
		t.Error("the long message was cut")
	}
}
