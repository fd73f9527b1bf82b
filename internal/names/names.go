// Package names resolves what a visitor typed to one of a set of names:
// the commands and sections of ssh host NAME, a section to open. One
// resolver, so that every place a name is typed behaves the same: case
// does not matter, an unambiguous prefix is enough, an ambiguous one names
// every candidate, and a near miss gets a "did you mean".
package names

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Candidate is one thing a visitor may name: its canonical Name and other
// spellings that mean it (a section's title beside its ID).
type Candidate struct {
	Name    string
	Aliases []string
}

// Result is what a typed name resolved to. Exactly one of Name,
// Ambiguous and Unknown describes it.
type Result struct {
	// Name is the candidate meant, when the typed name fits only one.
	Name string
	// Ambiguous lists the candidates a prefix fits, when it fits several,
	// in the order given.
	Ambiguous []string
	// Suggest lists candidates close to a name that fits none (a typo),
	// nearest first; it may be empty.
	Suggest []string
}

// Found reports whether the typed name fits exactly one candidate.
func (r Result) Found() bool { return r.Name != "" }

// Resolve finds the candidate typed means: one whose name or alias equals
// it in any case; else the only one that a name or alias of starts with
// it; else none, with the candidates a prefix fits or those within a
// small edit distance.
func Resolve(typed string, cands []Candidate) Result {
	typed = strings.ToLower(strings.TrimSpace(typed))
	if typed == "" {
		return Result{}
	}
	for _, c := range cands {
		for _, s := range spellings(c) {
			if s == typed {
				return Result{Name: c.Name}
			}
		}
	}
	var prefixed []string
	for _, c := range cands {
		for _, s := range spellings(c) {
			if strings.HasPrefix(s, typed) {
				prefixed = append(prefixed, c.Name)
				break
			}
		}
	}
	switch len(prefixed) {
	case 1:
		return Result{Name: prefixed[0]}
	case 0:
	default:
		return Result{Ambiguous: prefixed}
	}
	// A typo: at most one edit in four letters, and at least one.
	limit := max(1, utf8.RuneCountInString(typed)/4)
	type near struct {
		name string
		d    int
	}
	var nearby []near
	for _, c := range cands {
		best := limit + 1
		for _, s := range spellings(c) {
			best = min(best, distance(typed, s))
		}
		if best <= limit {
			nearby = append(nearby, near{c.Name, best})
		}
	}
	slices.SortStableFunc(nearby, func(a, b near) int { return a.d - b.d })
	var out Result
	for _, n := range nearby {
		out.Suggest = append(out.Suggest, n.name)
	}
	return out
}

func spellings(c Candidate) []string {
	out := make([]string, 0, 1+len(c.Aliases))
	out = append(out, strings.ToLower(c.Name))
	for _, a := range c.Aliases {
		out = append(out, strings.ToLower(a))
	}
	return out
}

// distance is the optimal string alignment distance between a and b, in
// runes: insertions, deletions, substitutions and swaps of neighbours.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb)) // not a typo of a short name
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Or joins names for a sentence: "a", "a or b", "a, b or c".
func Or(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
