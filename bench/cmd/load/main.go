// Command load is the load benchmark: it builds our server and the
// baselines (stock Wish v2, stock Wish v1, OpenSSH's sshd where installed),
// drives real SSH sessions at each on loopback, and prints a table of
// latencies, throughput, memory and idle CPU with our figures as ratios of
// the baselines, and writes the same as JSON.
//
//	go run ./bench/cmd/load            # the full run, a few minutes
//	go run ./bench/cmd/load -smoke     # a few sessions each, seconds
//
// Every loop is bounded in count and time, and every target is in
// 127.0.0.0/8.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/laphets/resume/bench/load"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run() error {
	o := load.DefaultOptions()
	servers := flag.String("servers", strings.Join(load.AllServers, ","), "servers to measure: "+strings.Join(load.AllServers, ", "))
	sizes := flag.String("sizes", "80x24,100x30,200x60", "window sizes, WxH")
	smoke := flag.Bool("smoke", false, "a few sessions per server at 80x24, to check the tool works")
	jsonOut := flag.String("json", "bench/results.json", "write the report as JSON here (empty: don't)")
	total := flag.Duration("total-timeout", 15*time.Minute, "stop the whole run after this long")
	flag.IntVar(&o.FirstFrames, "first-frames", o.FirstFrames, "sessions timed to their first frame, one at a time")
	flag.IntVar(&o.Keys, "keys", o.Keys, "keypresses timed to their frame")
	flag.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "clients opening sessions at once for sessions/s")
	flag.DurationVar(&o.RateFor, "rate-for", o.RateFor, "how long to measure sessions/s")
	flag.IntVar(&o.Hold, "hold", o.Hold, "sessions held for memory and idle CPU")
	flag.DurationVar(&o.IdleFor, "idle-for", o.IdleFor, "interval over which idle CPU is measured")
	flag.IntVar(&o.MaxHold, "max-hold", o.MaxHold, "the most sessions to hold at once (0: skip)")
	maxHoldOn := flag.String("max-hold-on", strings.Join(o.MaxHoldOn, ","), "servers to try the most sessions on")
	flag.DurationVar(&o.Timeout, "timeout", o.Timeout, "per session, to connect and to draw the first frame")
	flag.StringVar(&o.PprofDir, "pprof", "", "save our server's CPU profile (opening sessions) and heap profile (sessions held) in this directory")
	oursEnv := flag.String("ours-env", "", "comma-separated KEY=VALUE added to our server's environment only (e.g. GOGC=50), to try runtime settings")
	quiet := flag.Bool("q", false, "no progress on stderr")
	flag.Parse()

	var err error
	if o.Sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	o.MaxHoldOn = strings.Split(*maxHoldOn, ",")
	if *smoke {
		pp, env := o.PprofDir, o.OursEnv
		o = load.SmokeOptions()
		o.PprofDir, o.OursEnv = pp, env
		if !isSet("sizes") {
			o.Sizes = []load.Size{{W: 80, H: 24}}
		}
	}
	if !*quiet {
		o.Log = os.Stderr
	}
	names := strings.Split(*servers, ",")
	if *oursEnv != "" {
		o.OursEnv = strings.Split(*oursEnv, ",")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *total)
	defer cancel()

	if err := load.RaiseFileLimit(uint64(2*max(o.MaxHold, o.Hold) + 1024)); err != nil {
		fmt.Fprintln(os.Stderr, "load: warning:", err)
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "resume-load-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	rep, err := load.RunAll(ctx, root, tmp, names, o)
	if err != nil {
		return err
	}
	rep.WriteTable(os.Stdout, o.Sizes, rep.Servers())
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Println("\nJSON:", *jsonOut)
	}
	return nil
}

func isSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func parseSizes(s string) ([]load.Size, error) {
	var out []load.Size
	for _, p := range strings.Split(s, ",") {
		w, h, ok := strings.Cut(strings.TrimSpace(p), "x")
		wi, err1 := strconv.Atoi(w)
		hi, err2 := strconv.Atoi(h)
		if !ok || err1 != nil || err2 != nil || wi < 20 || hi < 5 || wi > 1000 || hi > 1000 {
			return nil, fmt.Errorf("-sizes: %q is not WxH with W in 20..1000 and H in 5..1000", p)
		}
		out = append(out, load.Size{W: wi, H: hi})
	}
	return out, nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run from inside the resume module")
	}
	return filepath.Dir(mod), nil
}
