package content

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedFacts is every fact of the seed résumé (shared/seed/000_…txt), as
// the renderers write it: dates such as "February. 2021" become
// "February 2021" and "3<sup>rd</sup>" becomes "3rd".
var seedFacts = []string{
	"Wenging Luo", "wenging4@illinois.edu", "GitHub", "Laphets", "LinkedIn", "WengingLuo",
	// Education
	"University of Illinois at Urbana–Champaign", "Illinois", "M.S. in Computer Science",
	"Tianyin Xu", "expected June 2023", "B.S. in Computer Engineering",
	"Zhejiang University", "Hangzhou, China", "2017 – 2021", "B.E. in Electrical & Computer Engineering",
	// Experience
	"Bytedance Inc.", "Shanghai, China", "February 2021 – Present", "Kernel", "DPDK", "Service Mesh",
	"Intern at Infrastructure - Virtualization Team",
	"Optimize service mesh performance in the cloud network through kernel bypass strategy and user-level TCP stack.",
	"Implement zerocopy for the TCP offload engine (TOE) to reduce the latency and also improve CPU utilization rate.",
	"Build a glue socket kernel module to allow user use socket API (but under a different protocol family) to access the TCP offload engine (TOE) without modifying their current code.",
	"Alibaba Group", "June 2020 – December 2020", "C++", "LLVM", "Tensorflow", "Machine Learning System",
	"Intern at Search and Recommendation Business Unit",
	"Built and optimized a large-scale distributed machine learning system in support of Alibaba's ecommerce websites, including Taobao (more than 300 million DAU), TMall, AliExpress, etc., with over 100K QPS.",
	"Build up an automated JIT compilation system for the online rank service, which uses Clang/LLVM based toolchain to rewrite dynamic part of the origin code and generate equivalent high performance static representation, and finally boosted more than 10% performance of entire real-time ML inference engine.",
	"Beijing, China", "April 2020 – June 2020", "Golang", "Thrift", "Protobuf", "Intern at Lark Core Services Team",
	"Building the core backend service for a collaboration suite. Refactor the user profile model and device control module. Improve overall performance by resolving SQL slow queries case by case.",
	"Tencent Inc.", "Shenzhen, China", "June 2019 – August 2019", "Kubernetes", "Python",
	"Intern at Cloud & Smart Industries Business Group (CSIG)",
	"Implement a distributed performance testing tool for an inner RPC framework by providing a JavaScript Runtime (ES6+) and realtime serialization, which popularized as an internal open-source project in Tencent.",
	"Build several medical diagnosis services with Golang as a built-in module for the social app WeChat covering more than 30 million target users, which take requests into batches and schedule&distribute them to machine learning engines by message queue.",
	"Build up a unified log collecting platform by logstash, Elasticsearch and Kibana, implement a Golang SDK.",
	"Adapt Protobuf+RPC pattern into message queue, and orchestrate auto-scalable ML engines on Kubernetes.",
	// Projects
	"WeirdOS", "October 2019 – December 2019", "Pure C", "Assemble(x86)", "Qemu", "Course Project",
	"WeirdOS is a Linux like operating system under x86-32 instruction set, which is derived from final project of ECE391@UIUC. The project won 2nd place in ECE391 final competition sponsored by Microsoft. The following features were implemented in the OS,",
	"Course required features: memory paging, read-only filesystem, context switch, Round-robin scheduler, interrupt handlers, system calls.",
	"Extra features: dynamic memory allocator, GUI and layer1-5 network stack (from NIC driver to HTTP).",
	"A Internet browser by combining GUI and network stack.",
	"Open-Source Contribution for VSCode and FireFox", "August 2018 – June 2019", "TypeScript", "Electron.js", "React.js",
	"Fixed several bugs as well as adding features",
	"Later 2018, I participated development of the open-source project – VSCode, help the team fix several bugs related to git module and search widget. This experience brought me a strong interest in contributing for open-source project. In 2019, I joined the Mozilla Developer community, making contribution for FireFox DevTools, which is challenging and also interesting.",
	"Recruit Open Platform", "May 2018 – September 2019", "Vue", "NodeJS", "Docker Swarm", "gRPC", "Prometheus", "Major Developer",
	"The project is aimed at providing a platform for student associations to manage their recruitment which supports form edit, interview and association management.",
	"Divide the large system into several micro-services by using gRPC and Traefik(service discovery + load balancing).",
	"Implement server side rendering for the form submit page (running Vue.js on server side).",
	"Manage the deployment on clusters by Docker Swarm, supporting realtime monitor and alert with Prometheus, Grafana.",
	// Teaching
	"Teaching Assistant", "ECE220 - Computer Systems Programming", "August 2020 – December 2020",
	"LC3", "Webassembly", "Instructor: Prof. Steve Lumetta",
	"Hold regular discussion sessions and office hour.",
	"Implement an autograder which supports symbolic execution of students' machine problems and give them real-time feedback.",
	"Compile C version of LC3 simulation tool into JavaScript through Webassembly, build a corresponding web interface for LC3 simulator which can be run in browser.",
	// Honors and awards
	"3rd Prize Scholarship", "2019-20", "ZJU-UIUC Institute", "2018-19, 2019-20", "Dean's List",
	"Interdisciplinary Contest in Modeling 2020", "Finalist Award", "Top 1% among 13,749 teams",
	// Skills
	"Programming Languages", "1. Golang · C/C++", "2. TypeScript · JavaScript · Python",
	"Platform", "MacOS", "*nix", "Development",
	"Web Application(Full Stack) (React, Vue, Electron.js, Node.js, Golang)",
	"Cloud & Micro Service(RPC, Docker Swarm, Kubernetes)", "Database(MySQL, MongoDB, ElasticSearch)",
	"Middleware(Redis, Nats)", "Unix Network Programming",
	"Relative Courses", "Algorithm and Data Structure", "Operating System", "Computer Security",
	"Computer Network", "Computer Organization and Design",
}

var (
	space    = regexp.MustCompile(`\s+`)
	mdEscape = regexp.MustCompile(`\\([[:punct:]])`)
)

// squash drops all white space, so that a fact is found however the text
// was wrapped and indented.
func squash(s string) string { return space.ReplaceAllString(s, "") }

// unmarkdown undoes Markdown's backslash escapes.
func unmarkdown(s string) string { return mdEscape.ReplaceAllString(s, "$1") }

func TestDefaultHasEverySeedFact(t *testing.T) {
	r := Default()
	outputs := map[string]string{
		"text 80":  r.Text(80),
		"text 40":  r.Text(40),
		"markdown": unmarkdown(r.Markdown()),
	}
	for name, out := range outputs {
		got := squash(out)
		for _, fact := range seedFacts {
			if !strings.Contains(got, squash(fact)) {
				t.Errorf("%s: missing %q", name, fact)
			}
		}
	}
}

func TestTextGolden(t *testing.T) {
	for _, width := range []int{80, 40} {
		t.Run(filepath.Base(goldenPath(width)), func(t *testing.T) {
			got := Default().Text(width)
			path := goldenPath(width)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./content -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Text(%d) differs from %s (run go test ./content -update after checking the change):\n%s", width, path, got)
			}
		})
	}
}

func goldenPath(width int) string {
	return filepath.Join("testdata", "default-text-"+map[int]string{80: "80", 40: "40"}[width]+".golden")
}

func TestTextFitsEveryWidth(t *testing.T) {
	sample := loadSample(t)
	wide := mustParse(t, "wide.json", `{"basics": {"name": "罗文庆 Luo", "label": "工程师 👩‍💻",
		"summary": "中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要中文摘要",
		"profiles": [{"network": "VeryLongNetworkNameForTesting", "username": "a-very-long-user-name-with-no-spaces-at-all", "url": "https://example.com/a/very/long/path/that/does/not/break/nicely/anywhere"}]},
		"work": [{"name": "一家名字很长很长很长很长很长很长很长的公司", "position": "高级工程师", "startDate": "2020-01",
		"highlights": ["Supercalifragilisticexpialidociousandthensomemorelettersthatneverend", "表情符号 🇨🇳👍🏽 混合 text"]}],
		"skills": [{"name": "Languages", "keywords": ["Go", "C"], "ranking": "Go > C"}]}`)
	for name, r := range map[string]*Resume{"default": Default(), "sample": sample, "wide": wide} {
		for width := MinWidth; width <= 130; width++ {
			out := r.Text(width)
			for i, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > width {
					t.Fatalf("%s at width %d: line %d is %d wide: %q", name, width, i+1, w, line)
				}
			}
			if strings.ContainsRune(out, '\x1b') {
				t.Fatalf("%s at width %d: escape code in text output", name, width)
			}
		}
	}
}

func TestTextWidthClamped(t *testing.T) {
	r := Default()
	if r.Text(0) != r.Text(DefaultWidth) {
		t.Error("Text(0) is not Text(DefaultWidth)")
	}
	if r.Text(5) != r.Text(MinWidth) {
		t.Error("Text(5) is not Text(MinWidth)")
	}
	if r.Text(1<<20) != r.Text(MaxWidth) {
		t.Error("a huge width is not clamped to MaxWidth")
	}
}

func TestTextConcurrent(t *testing.T) {
	r := mustParse(t, "x.json", string(DefaultJSON()))
	want := (&Resume{Basics: r.Basics, Education: r.Education, Work: r.Work, Projects: r.Projects,
		Teaching: r.Teaching, Awards: r.Awards, Skills: r.Skills}).Text(77) // uncached
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for w := 60; w < 90; w++ {
				if got := r.Text(w); w == 77 && got != want {
					t.Error("cached rendering differs from a fresh one")
				}
			}
		})
	}
	wg.Wait()
}

func loadSample(t *testing.T) *Resume {
	t.Helper()
	r, err := Load(filepath.Join("testdata", "sample.resume.json"))
	if err != nil {
		t.Fatalf("sample does not load: %v", err)
	}
	return r
}

func mustParse(t *testing.T, name, src string) *Resume {
	t.Helper()
	r, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return r
}

// dateKeys are the fields renderers show through FormatDate.
var dateKeys = map[string]bool{"startDate": true, "endDate": true, "date": true, "releaseDate": true}

// leaves lists the non-empty strings of a JSON document with their keys.
// "$schema" is left out: it names the schema, not a fact of the résumé
// (the JSON output keeps it).
func leaves(v any, key string, out *[][2]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k != "$schema" {
				leaves(x, k, out)
			}
		}
	case []any:
		for _, x := range v {
			leaves(x, key, out)
		}
	case string:
		if v != "" {
			*out = append(*out, [2]string{key, v})
		}
	}
}

func TestSampleLosesNoValue(t *testing.T) {
	r := loadSample(t)
	var doc any
	if err := json.Unmarshal(mustRead(t, "testdata/sample.resume.json"), &doc); err != nil {
		t.Fatal(err)
	}
	var vals [][2]string
	leaves(doc, "", &vals)
	outputs := map[string]string{
		"text":     squash(r.Text(80)),
		"markdown": squash(unmarkdown(r.Markdown())),
	}
	for name, out := range outputs {
		for _, kv := range vals {
			want := kv[1]
			if dateKeys[kv[0]] {
				want = FormatDate(want)
			}
			if !strings.Contains(out, squash(want)) {
				t.Errorf("%s output lacks %s %q", name, kv[0], want)
			}
		}
	}
}

func TestSampleJSONRoundTrip(t *testing.T) {
	r := loadSample(t)
	out, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var in, got any
	if err := json.Unmarshal(mustRead(t, "testdata/sample.resume.json"), &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("JSON output is not JSON: %v", err)
	}
	// An empty string says nothing; the model omits it ("image": "").
	if in = dropEmpty(in); !reflect.DeepEqual(in, got) {
		t.Errorf("JSON output is not equivalent to the input:\n%s", out)
	}
}

func TestUnknownKeysRoundTrip(t *testing.T) {
	src := `{"x-top": {"nested": [1, 2.5, true, null]}, "basics": {"name": "N", "x-pronouns": "they/them",
		"location": {"city": "C", "x-geo": [1, 2]}, "profiles": [{"network": "N", "x-id": 7}]},
		"work": [{"name": "W", "x-team": "T"}], "teaching": [{"name": "T", "x-course": "ECE220"}],
		"meta": {"theme": "elegant"}}`
	r := mustParse(t, "x.json", src)
	out, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var in, got any
	_ = json.Unmarshal([]byte(src), &in)
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, got) {
		t.Errorf("unknown keys lost:\n got %s", out)
	}
}

func dropEmpty(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if x == "" {
				delete(v, k)
			} else {
				v[k] = dropEmpty(x)
			}
		}
	case []any:
		for i := range v {
			v[i] = dropEmpty(v[i])
		}
	}
	return v
}

func TestJSONOutputValidatesAgainstSchema(t *testing.T) {
	schema, err := Schemas(false)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Resume{"default": Default(), "sample": loadSample(t)} {
		out, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschemaDoc(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: JSON output does not validate against schema.json: %v", name, err)
		}
		if _, err := Parse(name+".json", out); err != nil {
			t.Errorf("%s: JSON output does not parse back: %v", name, err)
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	r := mustParse(t, "x.json", `{"basics": {"name": "# Not *a* [link](http://x)",
		"summary": "1. not a list\n- nor this\n<script>alert(1)</script>",
		"profiles": [{"network": "Evil", "username": "click", "url": "javascript:alert(1)"}]},
		"skills": [{"name": "Platform", "keywords": ["*nix", "_under_", "back\\slash"]}]}`)
	md := r.Markdown()
	for _, bad := range []string{"[link](http", "<script>", "\n1. not", "\n- nor", " *nix", "_under_", "](javascript:"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown has unescaped %q:\n%s", bad, md)
		}
	}
	for _, want := range []string{`\*nix`, `\# Not \*a\* \[link\]`, `1\. not a list`, `\- nor this`, `back\\slash`} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonschemaDoc(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
