package names

import (
	"reflect"
	"testing"
)

func TestResolve(t *testing.T) {
	cands := []Candidate{
		{Name: "text"},
		{Name: "markdown"},
		{Name: "json"},
		{Name: "help"},
		{Name: "version"},
		{Name: "overview", Aliases: []string{"Overview"}},
		{Name: "education", Aliases: []string{"Education"}},
		{Name: "experience", Aliases: []string{"Experience"}},
		{Name: "teaching", Aliases: []string{"Teaching"}},
		{Name: "skills", Aliases: []string{"Skills and tools"}},
	}
	tests := []struct {
		typed string
		want  Result
	}{
		{"text", Result{Name: "text"}},
		{"TEXT", Result{Name: "text"}},
		{"  Json ", Result{Name: "json"}},
		{"experience", Result{Name: "experience"}},
		{"EXPERIENCE", Result{Name: "experience"}},
		{"exp", Result{Name: "experience"}},
		{"skills and", Result{Name: "skills"}},
		{"e", Result{Ambiguous: []string{"education", "experience"}}},
		{"te", Result{Ambiguous: []string{"text", "teaching"}}},
		{"tex", Result{Name: "text"}},
		{"txet", Result{Suggest: []string{"text"}}},
		{"markdwon", Result{Suggest: []string{"markdown"}}},
		{"jsno", Result{Suggest: []string{"json"}}},
		{"expereince", Result{Suggest: []string{"experience"}}},
		{"hlep", Result{Suggest: []string{"help"}}},
		{"rm", Result{}},
		{"", Result{}},
		{"zzzzzzzz", Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			got := Resolve(tt.typed, cands)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Resolve(%q) = %+v, want %+v", tt.typed, got, tt.want)
			}
			if got.Found() != (tt.want.Name != "") {
				t.Errorf("Found() = %v", got.Found())
			}
		})
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0},
		{"a", "", 1},
		{"text", "text", 0},
		{"txet", "text", 1},
		{"tetx", "text", 1},
		{"kitten", "sitting", 3},
		{"réumé", "résumé", 1},
	} {
		if got := distance(tt.a, tt.b); got != tt.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

func TestOr(t *testing.T) {
	for n, want := range []string{"", "a", "a or b", "a, b or c"} {
		if got := Or([]string{"a", "b", "c"}[:n]); got != want {
			t.Errorf("Or(%d) = %q, want %q", n, got, want)
		}
	}
}
