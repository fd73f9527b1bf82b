package store

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestDollarPlaceholders(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT 1":                              "SELECT 1",
		"DELETE FROM t WHERE id = ?":            "DELETE FROM t WHERE id = $1",
		"UPDATE t SET a = ?, b = ? WHERE c = ?": "UPDATE t SET a = $1, b = $2 WHERE c = $3",
	} {
		if got := dollarPlaceholders(in); got != want {
			t.Errorf("dollarPlaceholders(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestStatementsRebound: every statement the store runs is rebound when it
// opens; none is left empty or with a ? for PostgreSQL to refuse.
func TestStatementsRebound(t *testing.T) {
	same := newStatements(func(q string) string { return q })
	pg := newStatements(dollarPlaceholders)
	v, raw := reflect.ValueOf(pg), reflect.ValueOf(same)
	for i := range v.NumField() {
		name, q := v.Type().Field(i).Name, v.Field(i).String()
		if q == "" {
			t.Errorf("%s: empty", name)
		}
		if strings.Contains(q, "?") {
			t.Errorf("%s: a ? left in %q", name, q)
		}
		if n := strings.Count(raw.Field(i).String(), "?"); !strings.Contains(q, "$"+strconv.Itoa(n)) || strings.Contains(q, "$"+strconv.Itoa(n+1)) {
			t.Errorf("%s: %d placeholders, rebound as %q", name, n, q)
		}
	}
}
