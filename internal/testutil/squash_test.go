package testutil

import (
	"regexp"
	"testing"
)

// Squash drops exactly what the regexp \s+ it replaces dropped: the
// vertical tab, NBSP and the other Unicode spaces stay.
func TestSquashIsTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`\s+`)
	for _, s := range []string{
		"", " ", "a b", " \t\n\f\r a\r\nb  c ", "\va\u00a0b\u2003c\u0085d", "李 山田\n야마다", "x\x00 y\xff",
	} {
		if got, want := Squash(s), re.ReplaceAllString(s, ""); got != want {
			t.Errorf("Squash(%q) = %q, want %q", s, got, want)
		}
	}
}
