// Package version reports what build of resume is running.
package version

import (
	"runtime/debug"
	"sync"
)

// Version is stamped at build time with
// -ldflags "-X github.com/laphets/resume/internal/version.Version=v1.2.3".
var Version = ""

// Commit is the VCS revision, stamped like Version.
var Commit = ""

var info = sync.OnceValues(func() (string, string) {
	v, c := Version, Commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	return v, c
})

// String is the version, with the commit when it is known: "v1.2.3 (abc1234)".
func String() string {
	v, c := info()
	if len(c) > 7 {
		c = c[:7]
	}
	if c == "" {
		return v
	}
	return v + " (" + c + ")"
}
