package load

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a whole run: every server at every size, and ours as ratios of
// the baselines.
type Report struct {
	Machine  Machine                                  `json:"machine"`
	Started  time.Time                                `json:"started"`
	Seconds  float64                                  `json:"seconds"`
	Options  ReportOptions                            `json:"options"`
	Skipped  map[string]string                        `json:"skipped,omitempty"`
	Runs     []Run                                    `json:"runs"`
	Ratios   map[string]map[string]map[string]float64 `json:"ratios"` // size → baseline → metric → ours/baseline
	Targets  []Target                                 `json:"targets"`
	Warnings []string                                 `json:"warnings,omitempty"`
}

// ReportOptions records the run's settings.
type ReportOptions struct {
	FirstFrames int     `json:"first_frames"`
	Keys        int     `json:"keys"`
	Concurrency int     `json:"concurrency"`
	RateForSec  float64 `json:"rate_for_sec"`
	Hold        int     `json:"hold"`
	IdleForSec  float64 `json:"idle_for_sec"`
	MaxHold     int     `json:"max_hold"`
	TargetSize  string  `json:"target_size"` // where the most sessions and a closed channel are tried
}

// Machine describes where the run happened.
type Machine struct {
	CPUs   int    `json:"cpus"`
	Model  string `json:"cpu_model"`
	Kernel string `json:"kernel"`
	Go     string `json:"go"`
	MemKB  int64  `json:"mem_kib"`
}

// Target is one of the targets, checked at the target size.
type Target struct {
	Name  string  `json:"name"`
	Want  string  `json:"want"`
	Got   float64 `json:"got"`
	Met   bool    `json:"met"`
	Skip  string  `json:"skipped,omitempty"`
	Ratio bool    `json:"is_ratio"`
}

// ThisMachine describes the machine the tool runs on.
func ThisMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				m.Model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.MemKB, _ = field("/proc/meminfo", "MemTotal:")
	return m
}

// metric is one row of the table.
type metric struct {
	key, label string
	get        func(Run) float64
	format     string
	higher     bool // higher is better
}

var metrics = []metric{
	{"first_frame_p50", "first frame p50 (ms)", func(r Run) float64 { return r.FirstFrameP50 }, "%.2f", false},
	{"first_frame_p95", "first frame p95 (ms)", func(r Run) float64 { return r.FirstFrameP95 }, "%.2f", false},
	{"key_p50", "key to frame p50 (ms)", func(r Run) float64 { return r.KeyP50 }, "%.2f", false},
	{"key_p95", "key to frame p95 (ms)", func(r Run) float64 { return r.KeyP95 }, "%.2f", false},
	{"sessions_per_sec", "sessions/s", func(r Run) float64 { return r.SessionsPerSec }, "%.0f", true},
	{"mem_per_session", "memory/session (KiB)", func(r Run) float64 { return r.MemPerSessionKB }, "%.0f", false},
	{"idle_cpu", "idle CPU (cores)", func(r Run) float64 { return r.IdleCPUCores }, "%.3f", false},
	{"first_screen_bytes", "bytes of first screen", func(r Run) float64 { return float64(r.FirstScreenBytes) }, "%.0f", false},
	{"first_frame_wire", "wire bytes to first frame", func(r Run) float64 { return r.FirstFrameWire }, "%.0f", false},
	{"key_bytes", "bytes per keypress", func(r Run) float64 { return r.KeyBytes }, "%.0f", false},
	{"max_held", "most sessions held", func(r Run) float64 { return float64(r.MaxHeld) }, "%.0f", true},
	{"closed_channel_cpu", "CPU, channel closed (cores)", func(r Run) float64 { return r.ClosedChanCPU }, "%.3f", false},
}

// find returns the run of server at size.
func (rep *Report) find(server, size string) (Run, bool) {
	for _, r := range rep.Runs {
		if r.Server == server && r.Size == size {
			return r, r.Err == ""
		}
	}
	return Run{}, false
}

// Finish computes the ratios and checks the targets at target size.
func (rep *Report) Finish(sizes []Size, target Size, o Options) {
	rep.Ratios = map[string]map[string]map[string]float64{}
	for _, sz := range sizes {
		ours, ok := rep.find(Ours, sz.String())
		if !ok {
			continue
		}
		bySize := map[string]map[string]float64{}
		for _, base := range []string{StockV2, StockV1, OpenSSH} {
			b, ok := rep.find(base, sz.String())
			if !ok {
				continue
			}
			m := map[string]float64{}
			for _, mt := range metrics {
				if v, ok := ratio(mt.get(ours), mt.get(b)); ok {
					m[mt.key] = v
				}
			}
			bySize[base] = m
		}
		rep.Ratios[sz.String()] = bySize
	}
	rep.Targets = rep.targets(sizes, target, o)
}

func ratio(a, b float64) (float64, bool) {
	if b == 0 {
		return 0, false
	}
	return math.Round(a/b*1000) / 1000, true
}

func (rep *Report) targets(sizes []Size, target Size, o Options) []Target {
	sz := target.String()
	ours, okOurs := rep.find(Ours, sz)
	v2, okV2 := rep.find(StockV2, sz)
	ssh, okSSH := rep.find(OpenSSH, sz)
	// Idle CPU is counted in ticks: one tick over the interval is the
	// resolution, and a ratio of two figures under it means nothing.
	tick := 1.0 / userHZ / o.IdleFor.Seconds()
	var ts []Target
	cmp := func(name string, have bool, base Run, get func(Run) float64, k float64, higher bool, slack float64) {
		want := fmt.Sprintf("≤ %.2fx", k)
		if higher {
			want = fmt.Sprintf("≥ %.2fx", k)
		}
		t := Target{Name: name, Want: want, Ratio: true}
		switch {
		case !okOurs:
			t.Skip = "ours not measured"
		case !have:
			t.Skip = "baseline not measured"
		default:
			a, b := get(ours), get(base)
			t.Got, _ = ratio(a, b)
			if higher {
				t.Met = a >= k*b
			} else {
				t.Met = a <= k*b+slack
			}
		}
		ts = append(ts, t)
	}
	ff := func(r Run) float64 { return r.FirstFrameP50 }
	mem := func(r Run) float64 { return r.MemPerSessionKB }
	cpu := func(r Run) float64 { return r.IdleCPUCores }
	cmp("first frame p50 vs stock v2", okV2, v2, ff, 1.0, false, 0)
	cmp("first frame p50 vs stock v2 (stretch)", okV2, v2, ff, 0.5, false, 0)
	cmp("memory/session vs stock v2", okV2, v2, mem, 0.5, false, 0)
	for _, s := range sizes {
		o, ok1 := rep.find(Ours, s.String())
		b, ok2 := rep.find(StockV1, s.String())
		t := Target{Name: "memory/session vs stock v1 at " + s.String() + " (stretch)", Want: "≤ 1.00x", Ratio: true}
		if ok1 && ok2 {
			t.Got, _ = ratio(o.MemPerSessionKB, b.MemPerSessionKB)
			t.Met = o.MemPerSessionKB <= b.MemPerSessionKB
		} else {
			t.Skip = "not measured"
		}
		ts = append(ts, t)
	}
	cmp("idle CPU vs stock v2", okV2, v2, cpu, 1.0, false, tick)
	cmp("idle CPU vs stock v2 (stretch)", okV2, v2, cpu, 0.25, false, tick)
	cmp("sessions/s vs stock v2", okV2, v2, func(r Run) float64 { return r.SessionsPerSec }, 0.9, true, 0)
	cmp("first frame p50 vs OpenSSH", okSSH, ssh, ff, 0.25, false, 0)
	cmp("memory/session vs OpenSSH", okSSH, ssh, mem, 0.1, false, 0)
	abs := func(name, want string, got float64, met bool) {
		t := Target{Name: name, Want: want, Got: got, Met: met}
		if !okOurs {
			t.Skip = "ours not measured"
		}
		ts = append(ts, t)
	}
	abs("key to frame p95 (ms)", "≤ 20", ours.KeyP95, ours.KeyP95 > 0 && ours.KeyP95 <= 20)
	abs("CPU after a session channel closes (cores)", fmt.Sprintf("≤ %.3f", 2*tick), ours.ClosedChanCPU, ours.ClosedChanCPU <= 2*tick)
	if o.MaxHold > 0 {
		abs("most sessions held", fmt.Sprintf("≥ %d", min(o.MaxHold, 5000)), float64(ours.MaxHeld), ours.MaxHeld >= min(o.MaxHold, 5000))
	}
	return ts
}

// WriteTable prints the report as one table per size, then the targets.
func (rep *Report) WriteTable(w io.Writer, sizes []Size, servers []string) {
	fmt.Fprintf(w, "machine: %d CPUs (%s), %s, Linux %s; %.0f s\n", rep.Machine.CPUs, rep.Machine.Model, rep.Machine.Go, rep.Machine.Kernel, rep.Seconds)
	for name, why := range rep.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", name, firstLine(why))
	}
	bases := []string{}
	for _, s := range servers {
		if s != Ours {
			bases = append(bases, s)
		}
	}
	for _, sz := range sizes {
		fmt.Fprintf(w, "\n%s\n", sz)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "\t")
		for _, s := range servers {
			fmt.Fprintf(tw, "%s\t", s)
		}
		for _, b := range bases {
			fmt.Fprintf(tw, "ours/%s\t", strings.TrimPrefix(b, "stock-"))
		}
		fmt.Fprintln(tw)
		for _, mt := range metrics {
			fmt.Fprintf(tw, "%s\t", mt.label)
			for _, s := range servers {
				r, ok := rep.find(s, sz.String())
				v := mt.get(r)
				switch {
				case !ok:
					fmt.Fprint(tw, "-\t")
				case v == 0 && (mt.key == "key_p50" || mt.key == "key_p95" || mt.key == "key_bytes" || mt.key == "max_held") ||
					mt.key == "closed_channel_cpu" && sz.String() != rep.Options.TargetSize:
					fmt.Fprint(tw, "n/a\t")
				default:
					fmt.Fprintf(tw, mt.format+"\t", v)
				}
			}
			for _, b := range bases {
				if v, ok := rep.Ratios[sz.String()][b][mt.key]; ok {
					fmt.Fprintf(tw, "%.2fx\t", v)
				} else {
					fmt.Fprint(tw, "-\t")
				}
			}
			fmt.Fprintln(tw)
		}
		_ = tw.Flush()
		for _, s := range servers {
			if r, found := rep.findAny(s, sz.String()); found && r.Err != "" {
				fmt.Fprintf(w, "%s failed: %s\n", s, firstLine(r.Err))
			}
			if r, found := rep.findAny(s, sz.String()); found && r.MaxHeldFailure != "" {
				fmt.Fprintf(w, "%s held %d of %d: %s\n", s, r.MaxHeld, r.MaxHeldTried, r.MaxHeldFailure)
			}
		}
	}
	if len(rep.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets (ours):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, t := range rep.Targets {
			got := fmt.Sprintf("%.2f", t.Got)
			if t.Ratio {
				got += "x"
			}
			verdict := "met"
			switch {
			case t.Skip != "":
				verdict, got = "skipped: "+t.Skip, "-"
			case !t.Met:
				verdict = "NOT MET"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Name, t.Want, got, verdict)
		}
		_ = tw.Flush()
	}
	for _, wn := range rep.Warnings {
		fmt.Fprintln(w, "warning:", wn)
	}
}

func (rep *Report) findAny(server, size string) (Run, bool) {
	for _, r := range rep.Runs {
		if r.Server == server && r.Size == size {
			return r, true
		}
	}
	return Run{}, false
}
