package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/markdown"
	"github.com/laphets/resume/render/text"
)

// execute runs the command line in-process and returns its exit status
// and output.
func execute(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name, file, body string
		line             int    // 0: the problem has no position
		want             string // in the message
	}{
		{
			"JSON syntax error", "r.json", "{\n  \"basics\": {\"name\": \"A\",}\n}", 2,
			`syntax error: invalid character '}' looking for beginning of object key string`,
		},
		{
			"YAML syntax error", "r.yaml", "basics:\n  name: A\n  summary: [unclosed\n", 3,
			`syntax error:`,
		},
		{"empty file", "r.json", "", 1, `file is empty (want a JSON Resume document`},
		{"not an object", "r.yaml", "- a\n- b\n", 1, `the document is an array (want an object`},
		{
			"oversize file", "r.json", `{"basics": {"name": "` + strings.Repeat("a", content.MaxSize) + `"}}`, 0,
			`file is 1048600 bytes, over the size limit (want at most 1048576 bytes, 1 MiB)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.body)
			code, stdout, stderr := execute(t, "validate", path)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			prefix := path + ": "
			if tt.line > 0 {
				prefix = path + ":" + itoa(tt.line) + ":"
			}
			if !strings.HasPrefix(stderr, prefix) || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "warning:") {
				t.Errorf("stderr = %q\nwant %q…%q", stderr, prefix, tt.want)
			}
			// render refuses the same file with the same message.
			code, _, rerr := execute(t, "render", path)
			if code != 1 || !strings.Contains(rerr, tt.want) {
				t.Errorf("render: exit %d, stderr %q", code, rerr)
			}
		})
	}
}

// TestValidateWarnings: what a strict validator refuses is a warning with
// its place: the file is shown, validate exits 0, and 1 with --strict.
func TestValidateWarnings(t *testing.T) {
	tests := []struct {
		name, file, body string
		line             int
		want             string
	}{
		{
			"bad date", "r.json", "{\"basics\": {\"name\": \"A\"},\n \"work\": [{\"startDate\": \"2021-13\"}]}", 2,
			`warning: work[0].startDate: "2021-13" is not a date (want YYYY, YYYY-MM or YYYY-MM-DD`,
		},
		{
			"present", "r.json", "{\"basics\": {\"name\": \"A\"},\n \"work\": [{\"startDate\": \"2021\", \"endDate\": \"Obecnie\"}]}", 2,
			`warning: work[0].endDate: "Obecnie" is not a date; shown as ongoing`,
		},
		{
			"bad URL", "r.yaml", "basics:\n  name: A\n  url: example.com\n", 3,
			`warning: basics.url: "example.com" is not a URL (want an absolute URL such as https://example.com/)`,
		},
		{
			"bad e-mail", "r.yaml", "basics:\n  name: A\n  email: a.example.com\n", 3,
			`warning: basics.email: "a.example.com" is not an e-mail address (want one such as name@example.com)`,
		},
		{
			"wrong type", "r.json", "{\"basics\": {\"name\": \"A\"},\n\n \"skills\": {\"Go\": [\"gRPC\"]}}", 3,
			`warning: skills: is an object (want an array)`,
		},
		{"no name", "r.yaml", "basics:\n  label: Engineer\n", 2, `warning: basics.name: is missing (want the person's name)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.body)
			code, stdout, stderr := execute(t, "validate", path)
			if code != 0 || !strings.HasPrefix(stdout, path+": shown as is, with 1 warning") {
				t.Errorf("exit status %d, stdout %q; want 0 and a summary", code, stdout)
			}
			if want := path + ":" + itoa(tt.line) + ":"; !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q\nwant %q…%q", stderr, want, tt.want)
			}
			if code, stdout, _ := execute(t, "validate", "--strict", path); code != 1 || !strings.Contains(stdout, "--strict: failed") {
				t.Errorf("--strict: exit %d, stdout %q; want 1", code, stdout)
			}
			code, out, rerr := execute(t, "render", path)
			if code != 0 || out == "" || !strings.Contains(rerr, "1 warning; resume validate") {
				t.Errorf("render: exit %d, stderr %q; want the résumé and a note", code, rerr)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestValidateListsEveryProblemOfEveryFile(t *testing.T) {
	a := writeFile(t, "a.yaml", "basics:\n  name: A\n  url: nope\nwork:\n  - startDate: 2021-13\n")
	b := writeFile(t, "b.json", `{"basics": {}}`)
	good := writeFile(t, "good.yaml", "basics:\n  name: Good\n")
	broken := writeFile(t, "broken.json", "{\"basics\": ")
	code, stdout, stderr := execute(t, "validate", a, good, b, broken)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{
		a + ":3:8: warning: basics.url:", a + ":5:16: warning: work[0].startDate:",
		b + ":1:12: warning: basics.name: is missing", broken + ":1:11: syntax error",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	want := a + ": shown as is, with 2 warnings (a strict JSON Resume validator would refuse the file)\n" +
		good + ": valid\n" + b + ": shown as is, with 1 warning (a strict JSON Resume validator would refuse the file)\n"
	if stdout != want {
		t.Errorf("stdout = %q\nwant %q", stdout, want)
	}
}

func TestValidateGood(t *testing.T) {
	sample := filepath.Join("..", "..", "content", "testdata", "sample.resume.json")
	code, stdout, stderr := execute(t, "validate", sample, filepath.Join("..", "..", "content", "default.resume.json"))
	if code != 0 || stderr != "" || strings.Count(stdout, ": valid\n") != 2 {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if code, _, stderr := execute(t, "validate"); code != 1 || !strings.Contains(stderr, "requires at least 1 arg") {
		t.Errorf("validate with no file: exit %d, %q", code, stderr)
	}
	if code, _, stderr := execute(t, "validate", "/nonexistent/r.json"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("validate missing file: exit %d, %q", code, stderr)
	}
}

func TestRender(t *testing.T) {
	def := content.Default()
	file := writeFile(t, "me.yaml", "basics:\n  name: Ada Lovelace\nwork:\n  - name: Engines\n    startDate: \"1843\"\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"render"}, text.Render(def, 80)},
		{[]string{"render", "--width", "40"}, text.Render(def, 40)},
		{[]string{"render", "-w", "60", "--format", "text"}, text.Render(def, 60)},
		{[]string{"render", "--format", "markdown"}, markdown.Render(def)},
		{[]string{"render", "--format=markdown", file}, "# Ada Lovelace\n"},
		{[]string{"render", file}, "Ada Lovelace\n════════════\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := execute(t, tt.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.HasPrefix(stdout, tt.want) {
				t.Errorf("stdout does not start with %q:\n%s", tt.want, stdout)
			}
		})
	}
	code, stdout, _ := execute(t, "render", "--format", "json")
	var doc map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &doc) != nil || doc["basics"] == nil {
		t.Errorf("render --format json: exit %d, %.200q", code, stdout)
	}
}

func TestBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"render", "--format", "html"}, `--format "html" is not a format (want one of text, markdown, json, pdf)`},
		{[]string{"render", "--width", "5"}, "--width 5 is out of range (want 20 to 1000)"},
		{[]string{"render", "--width", "wide"}, `invalid argument "wide" for "-w, --width"`},
		{[]string{"render", "a", "b"}, "accepts at most 1 arg"},
		{[]string{"render", "--colour"}, "unknown flag: --colour"},
		{[]string{"nonsense"}, `unknown command "nonsense"`},
	} {
		code, _, stderr := execute(t, tt.args...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want …%s…", tt.args, code, stderr, tt.want)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"render", "--help"}, {"validate", "--help"}, {"version", "--help"}} {
		code, stdout, _ := execute(t, args...)
		if code != 0 || !strings.Contains(stdout, "Usage:") {
			t.Errorf("%v: exit %d, %q", args, code, stdout)
		}
	}
	code, stdout, _ := execute(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "resume ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

// TestValidateGolden is what an owner reads for each file in the wild:
// the fixtures' warnings, with their places, and an error. Refresh with
// go test ./cmd/resume -run TestValidateGolden -update, and read the diff.
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "content", "testdata", "wild", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	broken := filepath.Join("testdata", "broken.yaml")
	for _, strict := range []bool{false, true} {
		name := "validate"
		args := []string{"validate"}
		if strict {
			name, args = "validate-strict", append(args, "--strict")
		}
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := execute(t, append(args, append(files, broken)...)...)
			if code != 1 {
				t.Errorf("exit status %d, want 1 (broken.yaml has an error)", code)
			}
			golden.RequireEqual(t, "exit "+itoa(code)+"\n--- stdout\n"+stdout+"--- stderr\n"+stderr)
		})
	}
	// Without the broken file, the warnings alone pass, and fail --strict.
	if code, _, _ := execute(t, append([]string{"validate"}, files...)...); code != 0 {
		t.Errorf("validate of files with only warnings: exit %d, want 0", code)
	}
	if code, _, _ := execute(t, append([]string{"validate", "--strict"}, files...)...); code != 1 {
		t.Errorf("validate --strict of files with warnings: exit %d, want 1", code)
	}
}
