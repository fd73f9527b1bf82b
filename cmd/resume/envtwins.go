package main

import "github.com/spf13/pflag"

// envTwins marks the named flags of fs as having serve's environment twins
// (--addr is RESUME_ADDR) and returns a set of just them for applyEnv: a
// command that reads the server's settings, run inside the server's
// container, finds them without being told.
func envTwins(fs *pflag.FlagSet, names ...string) *pflag.FlagSet {
	twins := pflag.NewFlagSet(fs.Name(), pflag.ContinueOnError)
	for _, n := range names {
		f := fs.Lookup(n)
		f.Usage += " (env " + envName(n) + ")"
		twins.AddFlag(f)
	}
	return twins
}
