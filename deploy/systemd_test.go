package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// installedPath is where the unit expects the binary (the docs install it
// there).
const installedPath = "/usr/local/bin/resume"

// unitSettings reads the Key=Value lines of a unit file; a key set more than
// once keeps every value, in order.
func unitSettings(t *testing.T, b []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("unit line %q is not Key=Value", line)
		}
		out[k] = append(out[k], v)
	}
	return out
}

// stageUnit writes resume.service, with ExecStart pointing at an existing
// executable as verify requires, and any drop-ins into a new directory
// (systemd-analyze reads drop-ins from resume.service.d beside the unit).
func stageUnit(t *testing.T, dropIns ...string) string {
	t.Helper()
	unit := readRepoFile(t, "deploy/systemd/resume.service")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(unit, []byte("ExecStart="+installedPath+" ")) {
		t.Fatalf("resume.service does not start %s", installedPath)
	}
	unit = bytes.ReplaceAll(unit, []byte(installedPath), []byte(exe))
	dir := t.TempDir()
	path := filepath.Join(dir, "resume.service")
	if err := os.WriteFile(path, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range dropIns {
		dd := filepath.Join(dir, "resume.service.d")
		if err := os.MkdirAll(dd, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dd, d), readRepoFile(t, "deploy/systemd/"+d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// security runs systemd-analyze security on the staged unit: every check
// by name (true when the unit closes it), and the overall exposure (0 to
// 10, lower is safer).
func security(t *testing.T, unit string) (map[string]bool, float64) {
	t.Helper()
	js, err := exec.Command("systemd-analyze", "security", "--offline=true", "--json=short", unit).Output()
	if err != nil {
		t.Fatalf("systemd-analyze security --json: %v", err)
	}
	var checks []struct {
		Set  bool   `json:"set"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(js, &checks); err != nil {
		t.Fatalf("systemd-analyze security --json: %v", err)
	}
	set := map[string]bool{}
	for _, c := range checks {
		set[c.Name] = c.Set
	}
	text, err := exec.Command("systemd-analyze", "security", "--offline=true", "--no-pager", unit).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, text)
	}
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(text)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", text)
	}
	level, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return set, level
}

func TestSystemdVerify(t *testing.T) {
	needTool(t, "systemd-analyze")
	for name, dropIns := range map[string][]string{
		"resume.service":              nil,
		"resume.service+port-22.conf": {"port-22.conf"},
	} {
		t.Run(name, func(t *testing.T) {
			unit := stageUnit(t, dropIns...)
			out, err := exec.Command("systemd-analyze", "verify", unit).CombinedOutput()
			// verify exits 0 on unknown keys and other warnings; any output
			// is a finding.
			if err != nil || len(bytes.TrimSpace(out)) > 0 {
				t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
			}
		})
	}
}

func TestSystemdHardening(t *testing.T) {
	needTool(t, "systemd-analyze")
	unit := readRepoFile(t, "deploy/systemd/resume.service")
	s := unitSettings(t, unit)
	img := parseDockerfile(t)

	for key, want := range map[string]string{
		"DynamicUser":     "yes",
		"StateDirectory":  "resume",
		"ProtectSystem":   "strict",
		"NoNewPrivileges": "yes",
		"Restart":         "on-failure",
	} {
		if !slices.Equal(s[key], []string{want}) {
			t.Errorf("%s=%v, want %s", key, s[key], want)
		}
	}
	if !slices.Equal(s["CapabilityBoundingSet"], []string{""}) || !slices.Equal(s["AmbientCapabilities"], []string{""}) {
		t.Errorf("capabilities %v / %v: the service on port 23234 needs none", s["CapabilityBoundingSet"], s["AmbientCapabilities"])
	}
	if got := strings.Fields(s["ExecStart"][0])[1:]; !slices.Equal(got, img.cmd) {
		t.Errorf("ExecStart runs %v, the image %v", got, img.cmd)
	}
	env := map[string]string{}
	for _, e := range s["Environment"] {
		k, v, _ := strings.Cut(e, "=")
		env[k] = v
	}
	if port(t, env["RESUME_ADDR"]) != port(t, img.env["RESUME_ADDR"]) {
		t.Errorf("RESUME_ADDR=%s, the image listens on %s", env["RESUME_ADDR"], img.env["RESUME_ADDR"])
	}
	if env["RESUME_DATA_DIR"] != "%S/"+s["StateDirectory"][0] {
		t.Errorf("RESUME_DATA_DIR=%s is not the StateDirectory", env["RESUME_DATA_DIR"])
	}

	const netCaps = "CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)"
	base, level := security(t, stageUnit(t))
	t.Logf("exposure: %.1f", level)
	if level > 2.0 {
		t.Errorf("systemd-analyze security rates the unit %.1f, want 2.0 or less", level)
	}
	var caps []string
	for name, ok := range base {
		if strings.HasPrefix(name, "CapabilityBoundingSet=") {
			caps = append(caps, name)
			if !ok {
				t.Errorf("base unit keeps %s", name)
			}
		}
	}
	if len(caps) < 10 || !slices.Contains(caps, netCaps) {
		t.Fatalf("systemd-analyze reported only %d capability checks", len(caps))
	}

	// The port-22 drop-in opens the network capabilities' check and no
	// other.
	p22, level22 := security(t, stageUnit(t, "port-22.conf"))
	t.Logf("exposure with port-22.conf: %.1f", level22)
	if level22 > 2.5 {
		t.Errorf("with port-22.conf the unit rates %.1f, want 2.5 or less", level22)
	}
	for _, name := range caps {
		if want := name != netCaps; p22[name] != want {
			t.Errorf("with port-22.conf, %s closed=%v, want %v", name, p22[name], want)
		}
	}
	drop := unitSettings(t, readRepoFile(t, "deploy/systemd/port-22.conf"))
	if !slices.Equal(drop["CapabilityBoundingSet"], []string{"CAP_NET_BIND_SERVICE"}) || !slices.Equal(drop["AmbientCapabilities"], []string{"CAP_NET_BIND_SERVICE"}) {
		t.Errorf("port-22.conf grants %v / %v, want CAP_NET_BIND_SERVICE alone", drop["CapabilityBoundingSet"], drop["AmbientCapabilities"])
	}
	if !slices.Equal(drop["Environment"], []string{"RESUME_ADDR=:22"}) {
		t.Errorf("port-22.conf sets %v, want RESUME_ADDR=:22", drop["Environment"])
	}
}
