package content

import (
	"bytes"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	gtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/laphets/resume/internal/safetext"
)

// Inline markup. Owners write summaries and highlights with inline
// Markdown (**bold**, *emphasis*, `code`, [text](url)) or HTML (<strong>,
// <a href>, <br>). Markup reads either into spans that each renderer draws
// its own way; nothing of the markup reaches a terminal or a page as is.

// Span is a run of text in one style, as Markup returns it. A link's URL
// is an absolute http, https or mailto address; a span whose Text is "\n"
// is a line break.
type Span struct {
	Text   string
	Strong bool
	Emph   bool
	Code   bool
	URL    string
}

// Markup reads the inline Markdown and HTML in s into spans. HTML tags
// become text: <br> and block tags a line break, <a href> a link,
// <strong>, <b>, <em>, <i> and <code> styles, every other tag is dropped
// (a tag this program does not know, such as the <T> of "Vec<T>", is
// text). Markdown is read as CommonMark inline syntax only: a line that
// starts with "-", "#" or "1." stays text. Newlines are kept. Every span
// is inert (see safetext).
func Markup(s string) []Span {
	if s == "" {
		return nil
	}
	var out spans
	if hasHTML(s) {
		out.html(s)
	} else {
		out.markdown(s, Span{})
	}
	return out.clean()
}

// PlainText is s with its markup reduced to text: a link is its words
// followed by the address in parentheses, unless the words already say it.
func PlainText(s string) string {
	var b strings.Builder
	for _, sp := range Markup(s) {
		b.WriteString(sp.Text)
		if sp.URL != "" && !strings.Contains(sp.Text, strings.TrimPrefix(strings.TrimPrefix(sp.URL, "mailto:"), "https://")) {
			b.WriteString(" (" + sp.URL + ")")
		}
	}
	return b.String()
}

// Lines splits spans at their line breaks (the spans whose Text is "\n")
// into lines, keeping every line: one that is empty or only white space
// too, where a renderer may show a gap.
func Lines(spans []Span) [][]Span {
	out := [][]Span{nil}
	for _, sp := range spans {
		if sp.Text == "\n" {
			out = append(out, nil)
			continue
		}
		out[len(out)-1] = append(out[len(out)-1], sp)
	}
	return out
}

// Paragraphs splits spans at their line breaks, as Lines does, and keeps
// only the lines with some text: the paragraphs of a summary, one per
// line that is not blank.
func Paragraphs(spans []Span) [][]Span {
	out := Lines(spans)
	return slices.DeleteFunc(out, func(line []Span) bool {
		for _, sp := range line {
			if strings.TrimSpace(sp.Text) != "" {
				return false
			}
		}
		return true
	})
}

type spans []Span

func (o *spans) add(sp Span) {
	if sp.Text == "" {
		return
	}
	if sp.Text != "\n" && strings.Contains(sp.Text, "\n") {
		for i, part := range strings.Split(sp.Text, "\n") {
			if i > 0 {
				o.add(Span{Text: "\n"})
			}
			p := sp
			p.Text = part
			o.add(p)
		}
		return
	}
	if n := len(*o); n > 0 {
		last := &(*o)[n-1]
		if last.Text != "\n" && sp.Text != "\n" && last.Strong == sp.Strong && last.Emph == sp.Emph &&
			last.Code == sp.Code && last.URL == sp.URL {
			last.Text += sp.Text
			return
		}
	}
	*o = append(*o, sp)
}

// clean makes every span inert and drops breaks at the ends.
func (o spans) clean() []Span {
	var out spans
	for _, sp := range o {
		if sp.Text != "\n" {
			sp.Text = safetext.Line(sp.Text)
		}
		sp.URL = safetext.Line(sp.URL)
		out.add(sp)
	}
	for len(out) > 0 && out[0].Text == "\n" {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1].Text == "\n" {
		out = out[:len(out)-1]
	}
	return out
}

// linkTarget is dest as a link, or "" when it may not be one.
func linkTarget(dest string) string {
	l := Link(dest, "")
	low := strings.ToLower(l)
	if strings.HasPrefix(low, "https://") || strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "mailto:") {
		return l
	}
	return ""
}

// The tags Markup reads as HTML; any other <word> is text.
var (
	breakTags = map[atom.Atom]bool{
		atom.Br: true, atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true,
		atom.Ol: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
		atom.Tr: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Section: true, atom.Article: true,
		atom.Table: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	}
	styleTags = map[atom.Atom]bool{
		atom.Strong: true, atom.B: true, atom.Em: true, atom.I: true, atom.Code: true,
		atom.A: true, atom.U: true, atom.Span: true, atom.Small: true, atom.Sup: true, atom.Sub: true, atom.Mark: true,
		atom.S: true, atom.Del: true, atom.Ins: true, atom.Font: true, atom.Abbr: true, atom.Cite: true, atom.Q: true,
		atom.Kbd: true, atom.Samp: true, atom.Tt: true, atom.Td: true, atom.Th: true, atom.Img: true,
	}
)

func knownTag(a atom.Atom) bool { return breakTags[a] || styleTags[a] }

// hasHTML reports whether s holds a tag Markup reads as HTML.
func hasHTML(s string) bool {
	if !strings.Contains(s, "<") {
		return false
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if knownTag(z.Token().DataAtom) {
				return true
			}
		default: // text, comments: read on
		}
	}
}

// html reads HTML: tags set styles and breaks, text between them is read
// as Markdown too.
func (o *spans) html(s string) {
	z := html.NewTokenizer(strings.NewReader(s))
	var strong, emph, code int
	var links []string
	style := func() Span {
		sp := Span{Strong: strong > 0, Emph: emph > 0, Code: code > 0}
		if len(links) > 0 {
			sp.URL = links[len(links)-1]
		}
		return sp
	}
	brk := func() {
		if n := len(*o); n > 0 && (*o)[n-1].Text != "\n" {
			o.add(Span{Text: "\n"})
		}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		raw := string(z.Raw())
		tok := z.Token()
		switch tt {
		case html.TextToken:
			o.markdown(tok.Data, style())
			continue
		case html.CommentToken, html.DoctypeToken:
			continue
		default: // a tag
		}
		a := tok.DataAtom
		if !knownTag(a) {
			sp := style()
			sp.Text = raw
			o.add(sp)
			continue
		}
		open := tt == html.StartTagToken
		step := 1
		if !open {
			step = -1
		}
		if tt == html.SelfClosingTagToken {
			step = 0
		}
		switch a {
		case atom.Br, atom.Hr:
			o.add(Span{Text: "\n"})
		case atom.Strong, atom.B:
			strong = max(strong+step, 0)
		case atom.Em, atom.I, atom.Cite:
			emph = max(emph+step, 0)
		case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
			code = max(code+step, 0)
		case atom.A:
			switch {
			case open:
				href := ""
				for _, at := range tok.Attr {
					if at.Key == "href" {
						href = linkTarget(at.Val)
					}
				}
				links = append(links, href)
			case step < 0 && len(links) > 0:
				links = links[:len(links)-1]
			}
		case atom.Img:
			for _, at := range tok.Attr {
				if at.Key == "alt" && strings.TrimSpace(at.Val) != "" {
					sp := style()
					sp.Text = at.Val
					o.add(sp)
				}
			}
		case atom.Td, atom.Th:
			if open {
				o.add(Span{Text: " "})
			}
		default:
			if breakTags[a] {
				brk()
				if a == atom.Li && open {
					o.add(Span{Text: "• "})
				}
			}
		}
	}
}

// inlineParser reads CommonMark inline syntax within paragraphs only.
var inlineParser = parser.NewParser(
	parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 100)),
	parser.WithInlineParsers(
		util.Prioritized(parser.NewCodeSpanParser(), 100),
		util.Prioritized(parser.NewLinkParser(), 200),
		util.Prioritized(parser.NewAutoLinkParser(), 300),
		util.Prioritized(parser.NewEmphasisParser(), 500),
	),
)

// markdown reads s as inline Markdown in the style base.
func (o *spans) markdown(s string, base Span) {
	if !strings.ContainsAny(s, "*_`[<\\&") {
		// Nothing to read: keep the text exactly (spacing and all).
		base.Text = s
		o.add(base)
		return
	}
	// Leading spaces of a line would be lost to the paragraph parser, and
	// blank lines would end its paragraphs: read line by line.
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			o.add(Span{Text: "\n"})
		}
		lead := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if lead != "" {
			sp := base
			sp.Text = lead
			o.add(sp)
		}
		rest := strings.TrimLeft(line, " \t")
		switch {
		case rest == "":
		case heavyMarkup(rest):
			sp := base
			sp.Text = rest
			o.add(sp)
		default:
			o.markdownLine(rest, base)
		}
	}
}

// heavyMarkup reports whether a line is too long, or holds too many
// brackets or underscores, for the Markdown parser: its time grows with
// the square of those (200,000 "[" take seconds). No résumé line is like
// that; such a line is shown as text.
func heavyMarkup(line string) bool {
	return len(line) > 16<<10 || strings.Count(line, "[") > 100 || strings.Count(line, "_") > 200 ||
		strings.Count(line, "*") > 400
}

func (o *spans) markdownLine(s string, base Span) {
	src := []byte(s)
	doc := inlineParser.Parse(gtext.NewReader(src))
	var walk func(n ast.Node, st Span)
	walk = func(n ast.Node, st Span) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				sp := st
				v := c.Value(src)
				if !st.Code {
					v = unescape(v)
				}
				sp.Text = string(v)
				o.add(sp)
				if c.SoftLineBreak() || c.HardLineBreak() {
					o.add(Span{Text: " "})
				}
			case *ast.String:
				sp := st
				sp.Text = string(c.Value)
				o.add(sp)
			case *ast.CodeSpan:
				cs := st
				cs.Code = true
				walk(c, cs)
			case *ast.Emphasis:
				es := st
				if c.Level >= 2 {
					es.Strong = true
				} else {
					es.Emph = true
				}
				walk(c, es)
			case *ast.Link:
				ls := st
				if u := linkTarget(string(unescape(c.Destination))); u != "" {
					ls.URL = u
				}
				walk(c, ls)
			case *ast.AutoLink:
				ls := st
				ls.URL = linkTarget(string(c.URL(src)))
				ls.Text = string(c.Label(src))
				o.add(ls)
			case *ast.Image:
				walk(c, st) // the alt text
			default:
				walk(c, st)
			}
		}
	}
	walk(doc, base)
}

func unescape(b []byte) []byte {
	b = util.UnescapePunctuations(b)
	b = util.ResolveNumericReferences(b)
	b = util.ResolveEntityNames(b)
	return bytes.Clone(b)
}
