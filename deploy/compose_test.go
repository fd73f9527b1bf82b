package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads deploy/compose.yaml with the Compose specification's
// own loader (the one `docker compose` uses), which validates it against
// the specification's JSON schema, with env as the only environment.
func loadCompose(t *testing.T, env ...string) (*types.Project, error) {
	t.Helper()
	return loadComposeFile(t, filepath.Join(repoRoot(t), "deploy", "compose.yaml"), env...)
}

// loadComposeFile loads file as if it were deploy/compose.yaml.
func loadComposeFile(t *testing.T, file string, env ...string) (*types.Project, error) {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "deploy")
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(dir),
		cli.WithEnv(env),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return opts.LoadProject(ctx)
}

func TestCompose(t *testing.T) {
	p, err := loadCompose(t)
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	img := parseDockerfile(t)
	s, err := p.GetService("resume")
	if err != nil {
		t.Fatal(err)
	}

	if s.Build == nil || s.Build.Context != repoRoot(t) {
		t.Errorf("build %+v: want the repository (where the Dockerfile is) as context", s.Build)
	} else if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
		t.Errorf("build: %v", err)
	}

	if len(s.Ports) != 2 {
		t.Fatalf("ports %+v: want SSH and HTTP published", s.Ports)
	}
	if got, want := strconv.Itoa(int(s.Ports[1].Target)), port(t, img.env["RESUME_HTTP_ADDR"]); got != want || s.Ports[1].Published != "8080" {
		t.Errorf("HTTP: container port %s published on %s, want the image's %s on 8080", got, s.Ports[1].Published, want)
	}
	if got, want := strconv.Itoa(int(s.Ports[0].Target)), port(t, img.env["RESUME_ADDR"]); got != want {
		t.Errorf("container port %s, the image listens on %s", got, want)
	}
	if s.Ports[0].Published != "2222" || s.Ports[0].Protocol != "tcp" {
		t.Errorf("published %s/%s, want 2222/tcp by default", s.Ports[0].Published, s.Ports[0].Protocol)
	}

	dataVolume := false
	for _, v := range s.Volumes {
		if v.Target == img.env["RESUME_DATA_DIR"] {
			_, declared := p.Volumes[v.Source]
			dataVolume = v.Type == types.VolumeTypeVolume && declared && !v.ReadOnly
		}
	}
	if !dataVolume {
		t.Errorf("volumes %+v: want a named, writable volume at %s (the host key)", s.Volumes, img.env["RESUME_DATA_DIR"])
	}

	if s.Restart != types.RestartPolicyUnlessStopped && s.Restart != types.RestartPolicyAlways {
		t.Errorf("restart %q, want unless-stopped or always", s.Restart)
	}
	if !s.ReadOnly {
		t.Error("root file system is writable")
	}
	if !slices.Equal(s.CapDrop, []string{"ALL"}) || len(s.CapAdd) != 0 {
		t.Errorf("cap_drop %v cap_add %v, want [ALL] and none", s.CapDrop, s.CapAdd)
	}
	if !slices.Contains(s.SecurityOpt, "no-new-privileges:true") {
		t.Errorf("security_opt %v, want no-new-privileges:true", s.SecurityOpt)
	}
	if s.User != img.user {
		t.Errorf("user %q, the image's %q", s.User, img.user)
	}
	if s.HealthCheck == nil || !slices.Equal([]string(s.HealthCheck.Test), img.health) {
		t.Errorf("healthcheck %+v, want the image's %q", s.HealthCheck, img.health)
	}
	if s.StopGracePeriod == nil || time.Duration(*s.StopGracePeriod) <= 10*time.Second {
		t.Error("stop_grace_period not longer than the server's 10s shutdown grace")
	}
	if s.Deploy == nil || s.Deploy.Resources.Limits == nil {
		t.Fatal("no resource limits")
	}
	if l := s.Deploy.Resources.Limits; l.NanoCPUs <= 0 || l.MemoryBytes <= 0 || l.Pids <= 0 {
		t.Errorf("limits %+v, want cpus, memory and pids", l)
	}
	if m := s.Environment["RESUME_METRICS_ADDR"]; m == nil || port(t, *m) != metricsPort {
		t.Errorf("RESUME_METRICS_ADDR %v, want port %s", m, metricsPort)
	}
}

func TestComposePort22(t *testing.T) {
	for _, tc := range []struct{ env, hostIP, published string }{
		{"RESUME_PORT=22", "", "22"},
		{"RESUME_PORT=203.0.113.7:22", "203.0.113.7", "22"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			p, err := loadCompose(t, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.GetService("resume")
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Ports[0]; got.HostIP != tc.hostIP || got.Published != tc.published {
				t.Errorf("published %s:%s, want %s:%s", got.HostIP, got.Published, tc.hostIP, tc.published)
			}
		})
	}
}

// TestComposeCustomContent follows the file's own instructions for a
// custom résumé: uncomment the content mount and RESUME_CONTENT.
func TestComposeCustomContent(t *testing.T) {
	src := string(readRepoFile(t, "deploy/compose.yaml"))
	n := 0
	var lines []string
	for _, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "# - ./content:") || strings.Contains(l, "# RESUME_CONTENT:") {
			l = strings.Replace(l, "# ", "", 1)
			n++
		}
		lines = append(lines, l)
	}
	if n != 2 {
		t.Fatalf("found %d of the 2 commented lines for a custom résumé", n)
	}
	file := filepath.Join(t.TempDir(), "compose.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := loadComposeFile(t, file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.GetService("resume")
	if err != nil {
		t.Fatal(err)
	}
	content := s.Environment["RESUME_CONTENT"]
	if content == nil {
		t.Fatal("RESUME_CONTENT not set")
	}
	mounted := false
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && v.ReadOnly && filepath.Dir(*content) == v.Target &&
			v.Source == filepath.Join(repoRoot(t), "deploy", "content") {
			mounted = true
		}
	}
	if !mounted {
		t.Errorf("RESUME_CONTENT=%s is not in a read-only directory mount of deploy/content: %+v", *content, s.Volumes)
	}
}

// The loader must catch mistakes, or the test above proves little.
func TestComposeLoaderRejectsInvalid(t *testing.T) {
	for name, svc := range map[string]string{
		"unknown key":   "    restrat: always\n",
		"not a boolean": "    read_only: yes please\n",
		"bad duration":  "    stop_grace_period: soon\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			bad := filepath.Join(dir, "compose.yaml")
			if err := os.WriteFile(bad, []byte("services:\n  resume:\n    image: x\n"+svc), 0o644); err != nil {
				t.Fatal(err)
			}
			opts, err := cli.NewProjectOptions([]string{bad}, cli.WithWorkingDirectory(dir), cli.WithName("bad"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := opts.LoadProject(context.Background()); err == nil {
				t.Fatalf("loader accepted %q", svc)
			} else {
				t.Log(err)
			}
		})
	}
}
