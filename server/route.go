package server

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/anmitsu/go-shlex"

	"github.com/laphets/resume/content"
	"github.com/laphets/resume/render/pdf"
	"github.com/laphets/resume/render/text"
)

// route is what a session does, decided once from its command and PTY.
type route struct {
	kind    string    // kindTUI, kindPlain or kindCommand
	command string    // with kindCommand: text, markdown, json, help, version; "" for a refusal
	width   int       // with text: the --width asked for, 0 for the default
	paper   pdf.Paper // with pdf: the page size
	section string    // with kindTUI: the section to open, "" for the first
	err     string    // with a refusal: the one line for stderr
}

// commandList names the commands, for help and refusals.
const commandList = "text [--width N], markdown, json, pdf [--paper a4|letter], help, version"

// parseRoute routes a session. raw is the exec command as sent ("" for a
// shell), pty whether the visitor has a terminal; lookup finds the section
// a name means (tui.LookupSection: an ID or title in any case, or an
// unambiguous prefix).
func parseRoute(raw string, pty bool, lookup func(string) (string, bool)) route {
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
	name, rest := args[0], args[1:]
	switch name {
	case "text":
		w, err := parseWidth(rest)
		if err != "" {
			return refusal(err)
		}
		return route{kind: kindCommand, command: name, width: w}
	case "pdf":
		p, err := parsePaper(rest)
		if err != "" {
			return refusal(err)
		}
		return route{kind: kindCommand, command: name, paper: p}
	case "markdown", "json", "help", "version":
		if len(rest) > 0 {
			return refusal(fmt.Sprintf("%s takes no arguments", name))
		}
		return route{kind: kindCommand, command: name}
	}
	id, ok := lookup(name)
	switch {
	case !ok:
		return refusal(fmt.Sprintf("unknown command %q", clientString(name)))
	case len(rest) > 0:
		return refusal(fmt.Sprintf("the section %s takes no arguments", id))
	case !pty:
		return refusal(fmt.Sprintf("the section %s opens the interactive résumé, which needs a terminal (ssh -t)", id))
	}
	return route{kind: kindTUI, section: id}
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

// helpText is the output of the help command. ssh is how visitors reach
// the server ("ssh HOST" when the owner has not said, see PublicHost).
func helpText(r *content.Resume, sections []string, ssh string) string {
	var b strings.Builder
	name := r.Basics.Name
	if name == "" {
		name = "This"
	} else {
		name += "'s"
	}
	fmt.Fprintf(&b, "%s résumé over SSH.\n\n", name)
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	for _, l := range [][2]string{
		{ssh, "the interactive résumé (plain text without a terminal)"},
		{withFlag(ssh, "-t") + " SECTION", "the interactive résumé, opened at SECTION"},
		{ssh + " text [--width N]", "plain text, N columns wide (default 80)"},
		{ssh + " markdown", "Markdown"},
		{ssh + " json", "the JSON Resume document (jsonresume.org)"},
		{ssh + " pdf > resume.pdf", "the PDF, A4 (add --paper letter for US Letter)"},
		{ssh + " help", "this help"},
		{ssh + " version", "the server's version"},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", l[0], l[1])
	}
	_ = tw.Flush() // writes to a strings.Builder cannot fail
	b.WriteString("\nSections: " + strings.Join(sections, ", ") + "\n")
	return b.String()
}

// withFlag puts an ssh option right after the command name: "ssh -t HOST".
func withFlag(ssh, flag string) string {
	rest, ok := strings.CutPrefix(ssh, "ssh ")
	if !ok {
		return ssh
	}
	return "ssh " + flag + " " + rest
}
