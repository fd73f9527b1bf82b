package load

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs the load tool for a few sessions against every server that
// builds here, so the tool cannot rot. Speed is not asserted: the figures
// belong to the full run (go run ./bench/cmd/load).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs servers")
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	// OpenSSH is left out: CI does not install sshd, and its runs are
	// slow; the full run measures it where it is installed.
	names := []string{Ours, StockV2, StockV1}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := SmokeOptions()
	o.Log = testWriter{t}
	rep, err := RunAll(ctx, root, t.TempDir(), names, o)
	if err != nil {
		t.Fatal(err)
	}
	for name, why := range rep.Skipped {
		if name == Ours && strings.Contains(why, "no serve command yet") {
			t.Logf("skipped %s: %s", name, why)
			continue
		}
		t.Errorf("%s did not build: %s", name, why)
	}
	for _, r := range rep.Runs {
		if r.Err != "" {
			t.Errorf("%s %s: %s", r.Server, r.Size, r.Err)
			continue
		}
		if r.FirstFrameP50 <= 0 || r.SessionsPerSec <= 0 || r.Held != o.Hold || r.MemHeldKB <= 0 {
			t.Errorf("%s %s: implausible figures %+v", r.Server, r.Size, r)
		}
		if r.Server != OpenSSH && (r.KeyP50 <= 0 || r.KeyBytes <= 0) {
			t.Errorf("%s %s: keypresses not measured: %+v", r.Server, r.Size, r)
		}
	}
	var b strings.Builder
	rep.WriteTable(&b, o.Sizes, rep.Servers())
	t.Log("\n" + b.String())
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
