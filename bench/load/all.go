// Package load is the load benchmark behind go run ./bench/cmd/load: it
// starts each server under test, drives SSH visitors against it and
// reports first frame, key to frame, memory per session, idle CPU and
// sessions per second.
package load

import (
	"context"
	"fmt"
	"slices"
	"syscall"
	"time"
)

// SmokeOptions is a run of a few sessions per server, to show in seconds
// that the tool still works.
func SmokeOptions() Options {
	return Options{
		Sizes:       []Size{{80, 24}},
		FirstFrames: 3,
		Keys:        2,
		Key:         "\t",
		Concurrency: 2,
		RateFor:     200 * time.Millisecond,
		RateMax:     20,
		Hold:        5,
		HoldConc:    5,
		IdleFor:     200 * time.Millisecond,
		MaxHold:     0,
		MaxHoldSize: Size{80, 24},
		Timeout:     10 * time.Second,
	}
}

// RunAll builds the named servers from the module at root, measures each
// at every size, and returns the report with its ratios and targets.
func RunAll(ctx context.Context, root, tmp string, names []string, o Options) (*Report, error) {
	start := time.Now()
	rep := &Report{
		Machine: ThisMachine(),
		Started: start.UTC().Truncate(time.Second),
		Options: ReportOptions{
			FirstFrames: o.FirstFrames, Keys: o.Keys, Concurrency: o.Concurrency,
			RateForSec: o.RateFor.Seconds(), Hold: o.Hold, IdleForSec: o.IdleFor.Seconds(), MaxHold: o.MaxHold,
			TargetSize: o.MaxHoldSize.String(),
		},
		Skipped: map[string]string{},
	}
	o.logf("building %v", names)
	bins, errs := Build(ctx, root, tmp, names)
	for name, err := range errs {
		rep.Skipped[name] = err.Error()
		o.logf("skipping %s: %v", name, err)
	}
	if len(bins) == 0 {
		return nil, fmt.Errorf("nothing to measure: %v", errs)
	}
	for _, size := range o.Sizes {
		for _, name := range AllServers {
			if _, ok := bins[name]; !ok || !slices.Contains(names, name) {
				continue
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("run stopped: %w", ctx.Err())
			}
			o.logf("%s at %s", name, size)
			rep.Runs = append(rep.Runs, Measure(ctx, bins, name, tmp, size, o))
		}
	}
	target := Size{100, 30}
	if !slices.Contains(o.Sizes, target) {
		target = o.Sizes[0]
	}
	rep.Finish(o.Sizes, target, o)
	rep.Seconds = time.Since(start).Round(time.Second).Seconds()
	return rep, nil
}

// Servers lists the servers that were measured, in report order.
func (rep *Report) Servers() []string {
	var out []string
	for _, name := range AllServers {
		for _, r := range rep.Runs {
			if r.Server == name {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// RaiseFileLimit lifts the soft limit on open files to at least n, and the
// hard limit too where allowed. Servers started afterwards inherit it.
func RaiseFileLimit(n uint64) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("file limit: %w", err)
	}
	if l.Max < n {
		raised := syscall.Rlimit{Cur: n, Max: n}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			return nil
		}
	}
	l.Cur = max(l.Cur, min(n, l.Max))
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("file limit: %w", err)
	}
	if l.Cur < n {
		return fmt.Errorf("open files limited to %d, fewer than the %d wanted", l.Cur, n)
	}
	return nil
}
