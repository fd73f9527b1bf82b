// Package testutil holds what tests in several packages share: the facts of
// the embedded résumé, hostile strings and the checks that they come out
// inert, and the paths of the shared fixtures. Only tests import it.
package testutil

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// SeedFacts is every fact of the seed résumé (shared/seed/000_…txt), as
// the renderers write it: dates such as "February. 2021" become
// "February 2021" and "3<sup>rd</sup>" becomes "3rd".
var SeedFacts = []string{
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

// Squash drops all white space (what the regexp \s matches: space, \t,
// \n, \f and \r), so that a fact is found however the text was wrapped
// and indented. It is a byte loop, not a regexp: tests squash whole
// rendered screens (megabytes, under the race detector), and a regexp
// made that minutes on a busy machine.
func Squash(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// DateKeys are the fields renderers show through content.FormatDate.
var DateKeys = map[string]bool{"startDate": true, "endDate": true, "date": true, "releaseDate": true}

// Leaves lists the non-empty strings of a decoded JSON document with their
// keys. "$schema" is left out: it names the schema, not a fact of the
// résumé (the JSON output keeps it).
func Leaves(v any, key string, out *[][2]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k != "$schema" {
				Leaves(x, k, out)
			}
		}
	case []any:
		for _, x := range v {
			Leaves(x, key, out)
		}
	case string:
		if v != "" {
			*out = append(*out, [2]string{key, v})
		}
	}
}

// Root is the repository's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SamplePath is the JSON Resume project's sample résumé.
func SamplePath() string { return filepath.Join(Root(), "content", "testdata", "sample.resume.json") }

// Hostile are strings that try to drive a visitor's terminal.
var Hostile = map[string]string{
	"OSC title":    "\x1b]0;pwned\x07",
	"OSC title ST": "\x1b]2;pwned\x1b\\",
	"OSC 52":       "\x1b]52;c;cm0gLXJmIH4=\x07",
	"CSI clear":    "\x1b[2J\x1b[H",
	"CR overwrite": "\rEVIL",
	"backspaces":   "\b\b\b\bEVIL",
	"C1 CSI":       "\u009b2J",
	"RLO":          "\u202e",
	"ZWSP":         "\u200b",
	"DCS":          "\x1bPpayload\x1b\\",
	"unterminated": "\x1b]8;;",
	"BEL and DEL":  "\x07\x7f",
	"C1 OSC":       "\u009d0;t\u009c",
	"bidi isolate": "\u2067",
}

// Flatten joins every key and string of a decoded JSON value.
func Flatten(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				b.WriteString(k + "\n")
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			b.WriteString(v + "\n")
		}
	}
	walk(v)
	return b.String()
}

// CheckInert fails t when s holds a control character, a bidirectional or
// zero-width format character, or the payload of an escape sequence.
func CheckInert(t testing.TB, what, s string) {
	t.Helper()
	for _, r := range s {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200b, r == 0x200e, r == 0x200f, r == 0xfeff:
			t.Errorf("%s holds %U:\n%q", what, r, s)
			return
		}
	}
	for _, word := range []string{"pwned", "EVIL", "payload", "cm0gLXJmIH4"} {
		if word == "EVIL" {
			continue // CR and backspace are removed, the letters after them stay
		}
		if strings.Contains(s, word) {
			t.Errorf("%s holds the payload %q of an escape sequence", what, word)
		}
	}
}

// SampleLeaves is every non-empty string of the JSON Resume sample with its
// key (see Leaves), and the sample's bytes: what a renderer must not lose.
func SampleLeaves(t testing.TB) ([][2]string, []byte) {
	t.Helper()
	b := MustRead(t, SamplePath())
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var vals [][2]string
	Leaves(doc, "", &vals)
	return vals, b
}

// HostileDoc is a JSON Resume document with bad in every kind of place a
// renderer shows: the name, a summary, a profile, a job's highlights and
// keywords, a skill's ranking, extension fields and their keys.
func HostileDoc(t testing.TB, bad string) []byte {
	t.Helper()
	doc := map[string]any{
		"basics": map[string]any{
			"name": "Ada" + bad + " Lovelace", "summary": "line" + bad + "\nnext",
			"x-extra" + bad: "v" + bad, "profiles": []any{map[string]any{"network": "Git" + bad, "username": "u" + bad}},
		},
		"work":   []any{map[string]any{"name": "W" + bad, "highlights": []any{"h" + bad}, "keywords": []any{"k" + bad}}},
		"skills": []any{map[string]any{"name": "S", "ranking": "A" + bad + " > B"}},
		"x-top":  []any{"deep" + bad, map[string]any{"k" + bad: bad}},
	}
	src, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
