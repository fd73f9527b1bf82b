package server

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/anmitsu/go-shlex"
	"github.com/charmbracelet/x/ansi"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/internal/names"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
	"github.com/laphets/resume/store/inbox"
)

// route is what a session does, decided once from its command and PTY.
type route struct {
	kind    string        // kindTUI, kindPlain or kindCommand
	command string        // with kindCommand: text, markdown, json, pdf, help, version; "" for a refusal
	width   int           // with text: the --width asked for, 0 for the default
	paper   pdf.Paper     // with pdf: the page size
	section string        // with kindTUI: the section to open, "" for the first
	err     string        // with a refusal: the one line for stderr
	from    string        // with message: the --from value
	inbox   inbox.Command // with inbox: what to do
	usage   string        // with inbox: the arguments' problem, told only to the owner
}

// commands are the names ssh host NAME runs, in the order help lists
// them; a new command goes here and in parseRoute's switch.
var commands = []string{cmdText, cmdMarkdown, cmdJSON, cmdPDF, cmdMessage, cmdInbox, cmdHelp, cmdVersion}

// The commands' names.
const (
	cmdText     = "text"
	cmdMarkdown = "markdown"
	cmdJSON     = "json"
	cmdPDF      = "pdf"
	cmdMessage  = "message"
	cmdInbox    = "inbox"
	cmdHelp     = "help"
	cmdVersion  = "version"
)

// commandList names the commands, for help and refusals.
const commandList = "text [--width N], markdown, json, pdf [--paper a4|letter], message --from \"NAME <CONTACT>\", inbox, help, version"

// parseRoute routes a session. raw is the exec command as sent ("" for a
// shell), pty whether the visitor has a terminal, secs the résumé's
// sections. Commands and sections are named alike (see names.Resolve):
// in any case, by an unambiguous prefix; an ambiguous one is refused
// naming every candidate, a near miss with a "did you mean".
func parseRoute(raw string, pty bool, secs []content.Section) route {
	if strings.TrimSpace(raw) == "" {
		if pty {
			return route{kind: kindTUI}
		}
		return route{kind: kindPlain}
	}
	if len(raw) > maxCommandBytes {
		return refusal("the command is too long")
	}
	args, err := shlex.Split(raw, true)
	if err != nil || len(args) == 0 {
		return refusal(fmt.Sprintf("cannot read the command %q", clientString(raw)))
	}
	typed, rest := args[0], args[1:]
	res := names.Resolve(typed, routeNames(secs))
	switch {
	case len(res.Ambiguous) > 0:
		return refusal(fmt.Sprintf("%q could mean %s", clientString(typed), names.Or(res.Ambiguous)))
	case !res.Found() && len(res.Suggest) > 0:
		r := refusal(fmt.Sprintf("unknown command %q", clientString(typed)))
		r.err += ". Did you mean " + names.Or(res.Suggest) + "?"
		return r
	case !res.Found():
		return refusal(fmt.Sprintf("unknown command %q", clientString(typed)))
	}
	switch name := res.Name; name {
	case cmdText:
		w, err := parseWidth(rest)
		if err != "" {
			return refusal(err)
		}
		return route{kind: kindCommand, command: name, width: w}
	case cmdPDF:
		p, err := parsePaper(rest)
		if err != "" {
			return refusal(err)
		}
		return route{kind: kindCommand, command: name, paper: p}
	case cmdMessage:
		from, usage := parseFromArgs(rest)
		switch {
		case usage != "":
			return route{kind: kindCommand, err: "resume: " + usage}
		case pty:
			return route{kind: kindCommand, err: "resume: message reads the message from standard input; run it without -t (ssh HOST message --from ... < note.txt), or press c in the interactive résumé"}
		}
		return route{kind: kindCommand, command: name, from: from}
	case cmdInbox:
		c, err := inbox.Parse(rest)
		rt := route{kind: kindCommand, command: name, inbox: c}
		if err != nil {
			rt.usage = err.Error()
		}
		return rt
	case cmdMarkdown, cmdJSON, cmdHelp, cmdVersion:
		if len(rest) > 0 {
			return refusal(fmt.Sprintf("%s takes no arguments", name))
		}
		return route{kind: kindCommand, command: name}
	}
	id := res.Name
	switch {
	case len(rest) > 0:
		return refusal(fmt.Sprintf("the section %s takes no arguments", id))
	case !pty:
		return refusal(fmt.Sprintf("the section %s opens the interactive résumé, which needs a terminal (ssh -t)", id))
	}
	return route{kind: kindTUI, section: id}
}

// routeNames is what ssh host NAME may name: the commands, then the
// sections (by ID and title). A command comes first, so it wins over a
// section spelled the same.
func routeNames(secs []content.Section) []names.Candidate {
	cands := make([]names.Candidate, 0, len(commands)+len(secs))
	for _, c := range commands {
		cands = append(cands, names.Candidate{Name: c})
	}
	return append(cands, content.SectionNames(secs)...)
}

// refusal is a command route that prints one line on stderr and exits 1.
func refusal(why string) route {
	return route{kind: kindCommand, err: "resume: " + why + "; valid commands: " + commandList +
		", or a section name with ssh -t (see help)"}
}

// parseWidth reads text's options: --width N, --width=N or -w N.
func parseWidth(args []string) (int, string) {
	const usage = "text takes --width N, N from 20 to 1000"
	var val string
	switch {
	case len(args) == 0:
		return 0, ""
	case len(args) == 2 && (args[0] == "--width" || args[0] == "-w"):
		val = args[1]
	case len(args) == 1 && strings.HasPrefix(args[0], "--width="):
		val = strings.TrimPrefix(args[0], "--width=")
	default:
		return 0, usage
	}
	w, err := strconv.Atoi(val)
	if err != nil || w < text.MinWidth || w > text.MaxWidth {
		return 0, usage
	}
	return w, ""
}

// parsePaper reads pdf's options: --paper P, --paper=P or -p P.
func parsePaper(args []string) (pdf.Paper, string) {
	const usage = "pdf takes --paper a4 or --paper letter"
	var val string
	switch {
	case len(args) == 0:
		return pdf.A4, ""
	case len(args) == 2 && (args[0] == "--paper" || args[0] == "-p"):
		val = args[1]
	case len(args) == 1 && strings.HasPrefix(args[0], "--paper="):
		val = strings.TrimPrefix(args[0], "--paper=")
	default:
		return "", usage
	}
	p, err := pdf.ParsePaper(val)
	if err != nil || val == "" {
		return "", usage
	}
	return p, ""
}

// helpText is the output of the help command, laid out for width columns:
// every line fits. ssh is how visitors reach the server (see
// Config.SSHCommand).
func helpText(r *content.Resume, sections []string, ssh string, width int) string {
	width = max(width, text.MinWidth)
	var b strings.Builder
	line := func(s string) { b.WriteString(strings.TrimRight(s, " ") + "\n") }
	para := func(s, first, rest string) {
		for i, l := range text.Wrap(s, width-max(len(first), len(rest))) {
			if i == 0 {
				line(first + l)
			} else {
				line(rest + l)
			}
		}
	}
	name := r.Basics.Name
	if name == "" {
		name = "This"
	} else {
		name += "'s"
	}
	para(name+" résumé over SSH.", "", "")
	line("")
	rows := [][2]string{
		{ssh, "the interactive résumé (plain text without a terminal)"},
		{withFlag(ssh, "-t") + " SECTION", "the interactive résumé, opened at SECTION"},
		{ssh + " text [--width N]", "plain text, N columns wide (default 80, or the window's width up to " +
			strconv.Itoa(text.ReadableWidth) + ")"},
		{ssh + " markdown", "Markdown"},
		{ssh + " json", "the JSON Resume document (jsonresume.org)"},
		{ssh + " pdf > resume.pdf", "the PDF, A4 (--paper letter: US Letter)"},
		{ssh + " message --from FROM", `leave the owner a message, read from standard input; FROM is "Name <e-mail, phone or URL>"`},
		{ssh + " inbox [read|delete ID]", "the owner's inbox, for the owner's SSH key only (--json for scripts)"},
		{ssh + " help", "this help"},
		{ssh + " version", "the server's version"},
	}
	col := 0
	for _, r := range rows {
		col = max(col, ansi.StringWidth(r[0]))
	}
	// Two columns when the descriptions keep a readable measure; else
	// each description goes under its command.
	const indent, gap, minDesc = 2, 3, 40
	twoCols := indent+col+gap+minDesc <= width
	for _, r := range rows {
		if twoCols {
			pad := strings.Repeat(" ", col-ansi.StringWidth(r[0])+gap)
			para(r[1], spaces(indent)+r[0]+pad, spaces(indent+col+gap))
			continue
		}
		para(r[0], spaces(indent), spaces(indent+4))
		para(r[1], spaces(indent+4), spaces(indent+4))
	}
	if strings.Contains(ssh, hostPlaceholder) {
		line("")
		para(hostPlaceholder+" is the name or address you reached this server by.", "", "")
	}
	line("")
	para(strings.Join(sections, ", "), "Sections: ", spaces(len("Sections: ")))
	para("Commands and sections can be shortened to any prefix that fits only one, in any case.", "", "")
	return b.String()
}

func spaces(n int) string { return strings.Repeat(" ", max(n, 0)) }

// withFlag puts an ssh option right after the command name: "ssh -t HOST".
func withFlag(ssh, flag string) string {
	rest, ok := strings.CutPrefix(ssh, "ssh ")
	if !ok {
		return ssh
	}
	return "ssh " + flag + " " + rest
}
