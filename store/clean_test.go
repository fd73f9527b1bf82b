package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseFrom(t *testing.T) {
	for _, tc := range []struct {
		in, name, contact, err string
	}{
		{in: "Jane Roe <jane@example.com>", name: "Jane Roe", contact: "jane@example.com"},
		{in: `"Roe, Jane" <jane@example.com>`, name: "Roe, Jane", contact: "jane@example.com"},
		{in: "Jane Roe <+1 555 0100>", name: "Jane Roe", contact: "+1 555 0100"},
		{in: "Jane Roe <https://example.com/jane>", name: "Jane Roe", contact: "https://example.com/jane"},
		{in: "jane@example.com", name: "jane@example.com", contact: "jane@example.com"},
		{in: "", err: "want"},
		{in: "Jane Roe", err: "want"},
		{in: "<jane@example.com>", err: "no name"},
		{in: "Jane <not a contact>", err: "e-mail address, a phone number or an http(s) URL"},
		{in: "Jane <jane@example.com", err: "want"},
		{in: "Jane \xff <jane@example.com>", err: "UTF-8"},
		{in: "\x1b]0;t\x07 <x>", err: "e-mail"},
	} {
		name, contact, err := ParseFrom(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseFrom(%q) = %v, want an error saying %q", tc.in, err, tc.err)
			}
			if err != nil && strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("ParseFrom(%q): the error carries an ESC: %q", tc.in, err)
			}
		case err != nil || name != tc.name || contact != tc.contact:
			t.Errorf("ParseFrom(%q) = %q, %q, %v; want %q, %q", tc.in, name, contact, err, tc.name, tc.contact)
		}
	}
}

func TestRateLimitMessage(t *testing.T) {
	at := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		e    RateLimitError
		want string
	}{
		{RateLimitError{"address", at, 30 * time.Minute}, "too many messages from your address; try again in 30 minutes (after 11:00 UTC)"},
		{RateLimitError{"key", at, 5 * time.Second}, "from your key; try again in 5 seconds"},
		{RateLimitError{"global", at, 5 * time.Hour}, "today; the inbox is full until tomorrow; try again in 5 hours"},
	} {
		if got := tc.e.Error(); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want it to contain %q", tc.e, got, tc.want)
		}
	}
}

// TestAddressBucket pins the stored form of the per-address rate buckets:
// counters already in a database must keep counting after an upgrade.
func TestAddressBucket(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":                 "addr:192.0.2.1",
		"::ffff:192.0.2.1":          "addr:192.0.2.1",
		"2001:db8:1:2:3:4:5:6":      "addr:2001:db8:1:2::/64",
		"2001:db8:1:2::9":           "addr:2001:db8:1:2::/64",
		"fe80::1%eth0":              "addr:fe80::/64",
		"not an address":            "addr:not an address",
		"2001:db8:1:3:ffff::ffff:1": "addr:2001:db8:1:3::/64",
	} {
		if got := addressBucket(in); got != want {
			t.Errorf("addressBucket(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanKeepsText(t *testing.T) {
	s, err := Clean(Submission{Name: "  罗文庆 👩‍💻 ", Contact: "jane@example.com", Body: "\n\nLine one\r\n\tLine two  \n\n"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "罗文庆 👩‍💻" || s.Body != "Line one\n Line two" {
		t.Errorf("Clean = %q / %q", s.Name, s.Body)
	}
	_, err = Clean(Submission{Name: "x", Contact: "jane@example.com", Body: strings.Repeat("a", MaxBodyBytes+1)})
	var inv *InvalidError
	if !errors.As(err, &inv) || inv.Field != "message" {
		t.Errorf("an oversized body: %v", err)
	}
}
