package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestValidateBadFiles(t *testing.T) {
	tests := []struct {
		name, file, body string
		line             int    // 0: the problem has no position
		want             string // in the message
	}{
		{
			"bad date", "r.json", "{\"basics\": {\"name\": \"A\"},\n \"work\": [{\"startDate\": \"2021-13\"}]}", 2,
			`work[0].startDate: "2021-13" is not a date (want YYYY, YYYY-MM or YYYY-MM-DD`,
		},
		{
			"bad URL", "r.yaml", "basics:\n  name: A\n  url: example.com\n", 3,
			`basics.url: "example.com" is not a URL (want an absolute URL such as https://example.com/)`,
		},
		{
			"bad e-mail", "r.yaml", "basics:\n  name: A\n  email: a.example.com\n", 3,
			`basics.email: "a.example.com" is not an e-mail address (want one such as name@example.com)`,
		},
		{
			"wrong type", "r.json", "{\"basics\": {\"name\": \"A\"},\n\n \"skills\": {\"name\": \"Go\"}}", 3,
			`skills: is an object (want an array)`,
		},
		{
			"JSON syntax error", "r.json", "{\n  \"basics\": {\"name\": \"A\",}\n}", 2,
			`syntax error: invalid character '}' looking for beginning of object key string`,
		},
		{
			"YAML syntax error", "r.yaml", "basics:\n  name: A\n  summary: [unclosed\n", 3,
			`syntax error:`,
		},
		{"empty file", "r.json", "", 1, `file is empty (want a JSON Resume document`},
		{"no name", "r.yaml", "basics:\n  label: Engineer\n", 2, `basics.name: is missing (want the person's name)`},
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
			if !strings.HasPrefix(stderr, prefix) || !strings.Contains(stderr, tt.want) {
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

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestValidateListsEveryProblemOfEveryFile(t *testing.T) {
	a := writeFile(t, "a.yaml", "basics:\n  name: A\n  url: nope\nwork:\n  - startDate: 2021-13\n")
	b := writeFile(t, "b.json", `{"basics": {}}`)
	good := writeFile(t, "good.yaml", "basics:\n  name: Good\n")
	code, stdout, stderr := execute(t, "validate", a, good, b)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{a + ":3:8: basics.url:", a + ":5:16: work[0].startDate:", b + ":1:12: basics.name: is missing"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if stdout != good+": valid\n" {
		t.Errorf("stdout = %q", stdout)
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
