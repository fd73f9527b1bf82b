package content

import (
	_ "embed"
	"sync"
)

//go:embed default.resume.json
var defaultJSON []byte

var defaultResume = sync.OnceValue(func() *Resume {
	r, err := Parse("default.resume.json", defaultJSON)
	if err != nil {
		panic("content: embedded résumé is invalid: " + err.Error())
	}
	return r
})

// Default returns the embedded résumé (Wenging Luo's). The value is shared:
// callers must not modify it.
func Default() *Resume { return defaultResume() }

// DefaultJSON returns the embedded résumé's source document.
func DefaultJSON() []byte { return append([]byte(nil), defaultJSON...) }
