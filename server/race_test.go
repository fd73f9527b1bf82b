//go:build race

package server

// raceEnabled: the race detector slows the server several times over;
// tests that bound a latency allow for it.
const raceEnabled = true
