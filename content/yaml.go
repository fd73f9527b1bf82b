package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/laphets/resume/internal/safetext"
)

// decodeYAML reads one YAML document into the same shape encoding/json
// gives (maps, slices, strings, json.Number, bools, nil), with positions.
func decodeYAML(name string, data []byte) (v any, pos positions, problems []Problem) {
	if at, ok := tooDeep(data); !ok {
		return nil, nil, []Problem{{File: name, Line: at.line, Col: at.col, Message: errTooDeep.Error()}}
	}
	defer func() {
		// The YAML parser is third-party code reading untrusted input: a
		// crash in it must be a bad file, not a dead server.
		if r := recover(); r != nil {
			v, pos = nil, nil
			problems = []Problem{{
				File: name, Line: 1, Col: 1,
				Message: fmt.Sprintf("YAML parser failed: %v (want a simpler document)", r),
			}}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		p := Problem{File: name, Line: 1, Col: 1, Message: "syntax error: " + err.Error()}
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			p.Message = "syntax error: " + yerr.GetMessage() + " (want YAML: check the indentation and quotes)"
			if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
				p.Line, p.Col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
			}
		}
		p.Message = safetext.Line(p.Message)
		return nil, nil, []Problem{p}
	}
	var bodies []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			if _, comment := d.Body.(*ast.CommentGroupNode); !comment {
				bodies = append(bodies, d.Body)
			}
		}
	}
	switch len(bodies) {
	case 0:
		return nil, nil, []Problem{{
			File: name, Line: 1, Col: 1,
			Message: "file is empty (want a JSON Resume document: an object with at least basics.name)",
		}}
	case 1:
	default:
		at := nodePos(bodies[1])
		return nil, nil, []Problem{{
			File: name, Line: at.line, Col: at.col,
			Message: "a second YAML document (want one document; remove the ---)",
		}}
	}
	w := &yamlWalker{name: name, pos: positions{}, anchors: map[string]anchor{}}
	v = w.value(bodies[0], "", 0)
	if len(w.problems) > 0 {
		return nil, nil, w.problems
	}
	return v, w.pos, nil
}

// tooDeep reports where flow brackets nest deeper than maxDepth, which
// would make the recursive YAML parser use a lot of stack. It ignores
// quoting, so it errs on the side of refusing.
func tooDeep(data []byte) (pos, bool) {
	depth := 0
	line, col := 1, 0
	for _, c := range string(data) {
		col++
		switch c {
		case '\n':
			line, col = line+1, 0
		case '[', '{':
			if depth++; depth > maxDepth*4 {
				return pos{line, col}, false
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return pos{}, true
}

type anchor struct {
	value any
	count int // values it holds, counted again at every alias
}

type yamlWalker struct {
	name     string
	pos      positions
	anchors  map[string]anchor
	values   int
	problems []Problem
}

func nodePos(n ast.Node) pos {
	if n == nil {
		return pos{1, 1}
	}
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 {
		n = m.Values[0].Key
	}
	if mv, ok := n.(*ast.MappingValueNode); ok {
		n = mv.Key
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return pos{1, 1}
	}
	return pos{max(tk.Position.Line, 1), max(tk.Position.Column, 1)}
}

func (w *yamlWalker) fail(n ast.Node, format string, args ...any) any {
	at := nodePos(n)
	w.problems = append(w.problems, Problem{
		File: w.name, Line: at.line, Col: at.col,
		Message: safetext.Line(fmt.Sprintf(format, args...)),
	})
	return nil
}

func (w *yamlWalker) value(n ast.Node, loc string, depth int) any {
	if len(w.problems) > 0 {
		return nil
	}
	if depth > maxDepth {
		return w.fail(n, "%s", errTooDeep)
	}
	if w.values++; w.values > maxValues {
		return w.fail(n, "%s", errTooMany)
	}
	if _, ok := w.pos[loc]; !ok {
		w.pos[loc] = nodePos(n)
	}
	switch n := n.(type) {
	case nil, *ast.NullNode, *ast.CommentGroupNode:
		return nil
	case *ast.StringNode:
		return n.Value
	case *ast.LiteralNode:
		return n.Value.Value
	case *ast.IntegerNode:
		return json.Number(fmt.Sprint(n.Value))
	case *ast.FloatNode:
		return json.Number(strconv.FormatFloat(n.Value, 'g', -1, 64))
	case *ast.BoolNode:
		return n.Value
	case *ast.InfinityNode, *ast.NanNode:
		return w.fail(n, "%s is not a number JSON can hold (want a finite number, or quote it for text)", n.GetToken().Value)
	case *ast.TagNode:
		if n.Start != nil && token.ReservedTagKeyword(n.Start.Value) == token.StringTag {
			if s, ok := n.Value.(ast.ScalarNode); ok {
				return fmt.Sprint(s.GetValue())
			}
		}
		return w.value(n.Value, loc, depth)
	case *ast.AnchorNode:
		before := w.values
		v := w.value(n.Value, loc, depth)
		w.anchors[n.Name.GetToken().Value] = anchor{v, w.values - before}
		return v
	case *ast.AliasNode:
		a, ok := w.anchors[n.Value.GetToken().Value]
		if !ok {
			return w.fail(n, "alias *%s has no anchor before it (want &%[1]s earlier in the file)", n.Value.GetToken().Value)
		}
		if w.values += a.count; w.values > maxValues {
			return w.fail(n, "%s", errTooMany)
		}
		return a.value
	case *ast.MappingValueNode:
		m := map[string]any{}
		w.pair(m, n, loc, depth)
		return m
	case *ast.MappingNode:
		m := map[string]any{}
		for _, mv := range n.Values {
			w.pair(m, mv, loc, depth)
		}
		return m
	case *ast.SequenceNode:
		a := make([]any, 0, len(n.Values))
		for i, item := range n.Values {
			a = append(a, w.value(item, child(loc, strconv.Itoa(i)), depth+1))
		}
		return a
	}
	return w.fail(n, "unsupported YAML (%s) (want plain mappings, sequences and scalars)", n.Type())
}

// pair adds one key and value to m; a merge key (<<) adds the keys of the
// mapping it names that m does not have yet.
func (w *yamlWalker) pair(m map[string]any, mv *ast.MappingValueNode, loc string, depth int) {
	var key ast.Node = mv.Key
	if k, ok := key.(*ast.MappingKeyNode); ok {
		key = k.Value
	}
	if _, ok := key.(*ast.MergeKeyNode); ok {
		v := w.value(mv.Value, loc+pathSep+"<<", depth+1)
		src, ok := v.(map[string]any)
		if !ok && len(w.problems) == 0 {
			w.fail(mv.Value, "<< merges a mapping (want an alias of a mapping)")
			return
		}
		for k, x := range src {
			if _, dup := m[k]; !dup {
				m[k] = x
			}
		}
		return
	}
	s, ok := key.(ast.ScalarNode)
	if !ok || s.GetValue() == nil {
		w.fail(key, "a key must be text (want name: value)")
		return
	}
	k := safetext.Line(fmt.Sprint(s.GetValue()))
	m[k] = w.value(mv.Value, child(loc, k), depth+1)
}
