//go:build race

package main

// raceEnabled builds the binary under test with -race too, so that it
// shares the test's build cache.
const raceEnabled = true
