package deploy

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// dockerImage is what the Dockerfile says, read with BuildKit's own parser
// and instruction decoder: the build stage and the final image's settings.
type dockerImage struct {
	build instructions.Stage
	final instructions.Stage

	// release is the build stage's RUN that builds the binary; releaseArgs
	// are the ARGs declared in the build stage before it, with defaults.
	release     *instructions.RunCommand
	releaseArgs map[string]string
	workdir     string

	// The final image's configuration, as the builder would record it.
	user       string
	env        map[string]string
	volumes    []string
	exposed    []string
	health     []string
	entrypoint []string
	cmd        []string
	copies     []*instructions.CopyCommand
	// others lists final-stage instructions that have no place in an image
	// built from nothing (RUN, ADD, ...).
	others []string
}

func parseDockerfile(t *testing.T) *dockerImage {
	t.Helper()
	src := readRepoFile(t, "Dockerfile")
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile: parser warning: %s", w.Short)
	}
	var lint []string
	lt := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		lint = append(lint, fmt.Sprintf("Dockerfile:%d: %s: %s", line, rule, msg))
	}})
	stages, _, err := instructions.Parse(res.AST, lt)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, l := range lint {
		t.Errorf("lint: %s", l)
	}
	if len(stages) != 2 {
		t.Fatalf("Dockerfile has %d stages, want 2 (build, final)", len(stages))
	}
	img := &dockerImage{build: stages[0], final: stages[1], env: map[string]string{}, releaseArgs: map[string]string{}}

	for _, c := range img.build.Commands {
		switch c := c.(type) {
		case *instructions.WorkdirCommand:
			img.workdir = c.Path
		case *instructions.ArgCommand:
			for _, a := range c.Args {
				v := ""
				if a.Value != nil {
					v = *a.Value
				}
				img.releaseArgs[a.Key] = v
			}
		case *instructions.RunCommand:
			if img.release == nil && strings.Contains(strings.Join(c.CmdLine, " "), "make release") {
				img.release = c
			}
		}
	}

	lex := shell.NewLex(res.EscapeToken)
	expand := func(word string) (string, error) {
		var env []string
		for k, v := range img.env {
			env = append(env, k+"="+v)
		}
		r, _, err := lex.ProcessWord(word, shell.EnvsFromSlice(env))
		return r, err
	}
	for _, c := range img.final.Commands {
		if e, ok := c.(instructions.SupportsSingleWordExpansion); ok {
			if err := e.Expand(expand); err != nil {
				t.Fatalf("Dockerfile: %s: %v", c.Name(), err)
			}
		}
		switch c := c.(type) {
		case *instructions.UserCommand:
			img.user = c.User
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				img.env[kv.Key] = kv.Value
			}
		case *instructions.VolumeCommand:
			img.volumes = append(img.volumes, c.Volumes...)
		case *instructions.ExposeCommand:
			for _, p := range c.Ports {
				if !strings.Contains(p, "/") {
					p += "/tcp"
				}
				img.exposed = append(img.exposed, p)
			}
		case *instructions.HealthCheckCommand:
			img.health = c.Health.Test
		case *instructions.EntrypointCommand:
			if c.PrependShell {
				t.Errorf("Dockerfile: ENTRYPOINT in shell form: there is no shell in the image")
			}
			img.entrypoint = c.CmdLine
		case *instructions.CmdCommand:
			if c.PrependShell {
				t.Errorf("Dockerfile: CMD in shell form: there is no shell in the image")
			}
			img.cmd = c.CmdLine
		case *instructions.CopyCommand:
			img.copies = append(img.copies, c)
		case *instructions.ArgCommand, *instructions.LabelCommand, *instructions.StopSignalCommand:
		default:
			img.others = append(img.others, c.Name())
		}
	}
	return img
}

// goVersion is the go directive of the main module's go.mod.
func goVersion(t *testing.T) string {
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(readRepoFile(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return string(m[1])
}

// port is the port of a listen address such as ":23234".
func port(t *testing.T, addr string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	return p
}

func TestDockerfileBuildStage(t *testing.T) {
	img := parseDockerfile(t)

	// The official Go image, pinned to the go.mod version.
	want := "golang:" + goVersion(t) + "-"
	if !strings.HasPrefix(img.build.BaseName, want) || strings.Contains(img.build.BaseName, "@") && !strings.Contains(img.build.BaseName, "@sha256:") {
		t.Errorf("build stage FROM %s, want %s<variant> (the Go of go.mod)", img.build.BaseName, want)
	}
	if img.build.Name != "build" {
		t.Errorf("build stage is named %q, want \"build\"", img.build.Name)
	}
	if img.build.Platform != "$BUILDPLATFORM" {
		t.Errorf("build stage platform %q, want $BUILDPLATFORM (cross-compile, no emulation)", img.build.Platform)
	}
	if img.release == nil {
		t.Fatal("build stage has no RUN with `make release`")
	}
	if img.workdir == "" || !filepath.IsAbs(img.workdir) {
		t.Fatalf("build stage WORKDIR %q, want an absolute path", img.workdir)
	}
	for _, arg := range []string{"VERSION", "COMMIT", "TARGETOS", "TARGETARCH"} {
		if _, ok := img.releaseArgs[arg]; !ok {
			t.Errorf("build stage does not declare ARG %s", arg)
		}
	}
	cmd := strings.Join(img.release.CmdLine, " ")
	for _, want := range []string{`VERSION="$VERSION"`, `COMMIT="$COMMIT"`, `GOOS="$TARGETOS"`, `GOARCH="$TARGETARCH"`} {
		if !strings.Contains(cmd, want) {
			t.Errorf("release RUN %q does not pass %s", cmd, want)
		}
	}

	// The flags themselves live in the Makefile's release target; ask make
	// what it would run.
	needTool(t, "make")
	out, err := exec.Command("make", "-C", repoRoot(t), "-n", "release", "VERSION=v9.8.7", "COMMIT=c0ffee", "OUT=x/resume").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n release: %v\n%s", err, out)
	}
	recipe := string(out)
	for _, want := range []string{
		"CGO_ENABLED=0 ",
		" -trimpath ",
		" -ldflags ",
		"-X github.com/laphets/resume/internal/version.Version=v9.8.7",
		"-X github.com/laphets/resume/internal/version.Commit=c0ffee",
		"-o 'x/resume'",
		"./cmd/resume",
	} {
		if !strings.Contains(recipe, want) {
			t.Errorf("make release runs %q: missing %q", recipe, want)
		}
	}
}

func TestDockerfileFinalImage(t *testing.T) {
	img := parseDockerfile(t)

	if b := img.final.BaseName; b != "scratch" && !strings.HasPrefix(b, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s, want scratch or distroless static", b)
	}
	if len(img.others) > 0 {
		t.Errorf("final stage has %v; an image built from nothing takes only COPY and settings", img.others)
	}
	if img.user != "65532:65532" {
		t.Errorf("USER %q, want 65532:65532 (non-root)", img.user)
	}
	if img.env["RESUME_DATA_DIR"] != "/data" {
		t.Errorf("ENV RESUME_DATA_DIR=%q, want /data", img.env["RESUME_DATA_DIR"])
	}
	if !slices.Contains(img.volumes, "/data") {
		t.Errorf("VOLUME %v, want /data", img.volumes)
	}
	sshPort := port(t, img.env["RESUME_ADDR"])
	if sshPort != "23234" {
		t.Errorf("ENV RESUME_ADDR=%q, want port 23234", img.env["RESUME_ADDR"])
	}
	httpPort := port(t, img.env["RESUME_HTTP_ADDR"])
	if httpPort != "23280" {
		t.Errorf("ENV RESUME_HTTP_ADDR=%q, want port 23280", img.env["RESUME_HTTP_ADDR"])
	}
	if !slices.Contains(img.exposed, sshPort+"/tcp") || !slices.Contains(img.exposed, httpPort+"/tcp") || !slices.Contains(img.exposed, metricsPort+"/tcp") {
		t.Errorf("EXPOSE %v, want %s/tcp (SSH), %s/tcp (HTTP) and %s/tcp (metrics)", img.exposed, sshPort, httpPort, metricsPort)
	}
	if len(img.entrypoint) != 1 || !filepath.IsAbs(img.entrypoint[0]) {
		t.Fatalf("ENTRYPOINT %q, want the binary's absolute path alone", img.entrypoint)
	}
	bin := img.entrypoint[0]
	if !slices.Equal(img.cmd, []string{"serve"}) {
		t.Errorf("CMD %q, want [serve]", img.cmd)
	}
	if !slices.Equal(img.health, []string{"CMD", bin, "healthcheck"}) {
		t.Errorf("HEALTHCHECK %q, want exec form [CMD %s healthcheck]", img.health, bin)
	}

	// Two copies from the build stage: the binary to the ENTRYPOINT path,
	// and an empty /data owned by the user.
	binary, data := releaseCopy(t, img)
	if binary.DestPath != bin {
		t.Errorf("binary copied to %s, ENTRYPOINT runs %s", binary.DestPath, bin)
	}
	if data.Chown != img.user {
		t.Errorf("/data copied with owner %q, want %q (the server writes its host key there)", data.Chown, img.user)
	}
	if len(img.copies) != 2 {
		t.Errorf("final stage has %d COPY instructions, want 2 (the binary, /data)", len(img.copies))
	}
}

// releaseCopy finds the final stage's two COPY instructions: the binary's
// and the data directory's.
func releaseCopy(t *testing.T, img *dockerImage) (binary, data *instructions.CopyCommand) {
	t.Helper()
	for _, c := range img.copies {
		if c.From != img.build.Name {
			t.Errorf("COPY %v from %q: the final image takes files only from the build stage", c.SourcePaths, c.From)
			continue
		}
		switch strings.TrimSuffix(c.DestPath, "/") {
		case "/data":
			data = c
		default:
			binary = c
		}
	}
	if binary == nil || data == nil || len(binary.SourcePaths) != 1 {
		t.Fatal("final stage must COPY the binary and /data from the build stage")
	}
	return binary, data
}

// metricsPort is the port the deployment files give RESUME_METRICS_ADDR.
const metricsPort = "9234"

// hostKeyPaths are places an owner may leave a host key in the repository.
var hostKeyPaths = []string{
	"ssh_host_ed25519_key",
	"deploy/kubernetes/ssh_host_ed25519_key",
	"deploy/kubernetes/custom-content/ssh_host_ed25519_key",
	".data/ssh_host_ed25519_key",
	"content/ssh_host_rsa_key",
	"server/testdata/host.key",
	"keys/host.pem",
}

// TestImageHasNoHostKey: the host key is made at run time in /data. No
// instruction names one, and the build context (and so any layer) leaves
// keys out.
func TestImageHasNoHostKey(t *testing.T) {
	img := parseDockerfile(t)
	keyish := regexp.MustCompile(`(?i)ssh_host|_key\b|\.pem\b|\.key\b|private`)
	for i, st := range []instructions.Stage{img.build, img.final} {
		for _, c := range st.Commands {
			if s := fmt.Sprint(c); keyish.MatchString(s) {
				t.Errorf("stage %d: %s mentions a key", i+1, s)
			}
		}
	}
	pm := dockerignore(t)
	for _, p := range hostKeyPaths {
		if ok, err := pm.MatchesOrParentMatches(p); err != nil || !ok {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
}

// dockerignore reads .dockerignore with the same reader and matcher the
// Docker CLI and BuildKit use.
func dockerignore(t *testing.T) *patternmatcher.PatternMatcher {
	t.Helper()
	patterns, err := ignorefile.ReadAll(bytes.NewReader(readRepoFile(t, ".dockerignore")))
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	return pm
}

// buildContext copies the files `docker build .` would send (the
// repository less .dockerignore) into a new directory and returns it.
func buildContext(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	pm := dockerignore(t)
	dst := t.TempDir()
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ok, err := pm.MatchesOrParentMatches(rel); err != nil {
			return err
		} else if ok {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("build context: %v", err)
	}
	t.Logf("build context: %d files", n)
	return dst
}

func TestDockerignoreContextHasNoSecretsOrClutter(t *testing.T) {
	ctx := buildContext(t)
	for _, p := range []string{"go.mod", "go.sum", "Makefile", "cmd/resume/main.go"} {
		if _, err := os.Stat(filepath.Join(ctx, p)); err != nil {
			t.Errorf("build context lacks %s", p)
		}
	}
	for _, p := range []string{".git", "deploy", "dist", ".data", "docs"} {
		if _, err := os.Stat(filepath.Join(ctx, p)); err == nil {
			t.Errorf("build context has %s", p)
		}
	}
}
