package load

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: USER_HZ, 100 on
// every Linux the kernel ABI allows.
const userHZ = 100

// Usage is what a server's processes use at one moment.
type Usage struct {
	Procs  int   // processes in the tree
	RSSKB  int64 // VmRSS summed over the tree
	PSSKB  int64 // proportional set size summed over the tree
	CPUTck int64 // utime+stime summed over the tree, in USER_HZ ticks
}

// TreeUsage measures pid and all its descendants. A Go server is one
// process; OpenSSH forks several per session, and its shared pages are
// counted once through PSS.
func TreeUsage(pid int) (Usage, error) {
	pids, err := descendants(pid)
	if err != nil {
		return Usage{}, err
	}
	var u Usage
	for _, p := range pids {
		rss, pss, err := memKB(p)
		if err != nil {
			if p == pid {
				return Usage{}, err
			}
			continue // a child that just exited
		}
		ticks, _, err := stat(p)
		if err != nil {
			continue
		}
		u.Procs++
		u.RSSKB += rss
		u.PSSKB += pss
		u.CPUTck += ticks
	}
	return u, nil
}

// descendants returns pid and every process below it.
func descendants(pid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if _, ppid, err := stat(p); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out) && i < 1_000_000; i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// stat returns a process's utime+stime and its parent.
func stat(pid int) (ticks int64, ppid int, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read stat: %w", err)
	}
	// The command name may hold spaces and parentheses; fields start after
	// the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("pid %d: malformed stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("pid %d: short stat", pid)
	}
	ppid, _ = strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ut + st, ppid, nil
}

// memKB returns a process's VmRSS and Pss in KiB.
func memKB(pid int) (rss, pss int64, err error) {
	rss, err = field(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
	if err != nil {
		return 0, 0, err
	}
	pss, err = field(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:")
	if err != nil {
		pss = rss // no smaps_rollup (old kernel): count it all
	}
	return rss, pss, nil
}

func field(path, name string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			v := strings.Fields(rest)
			if len(v) == 0 {
				break
			}
			return strconv.ParseInt(v[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s", path, name)
}
