package markup

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/gohugoio/hugo-goldmark-extensions/passthrough"
	"github.com/wyatt915/treeblood"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

var (
	kindMath      = ast.NewNodeKind("Math")
	kindMathBlock = ast.NewNodeKind("MathBlock")
)

// mathNode is inline math, rendered to MathML while parsing.
type mathNode struct {
	ast.BaseInline
	mathml string
}

// mathBlock is display math; a labelled one has an id and a number.
type mathBlock struct {
	ast.BaseBlock
	mathml string
	id     string
	offset int // of the label
	number int
}

func (n *mathNode) Kind() ast.NodeKind          { return kindMath }
func (n *mathBlock) Kind() ast.NodeKind         { return kindMathBlock }
func (n *mathNode) Dump(src []byte, level int)  { ast.DumpHelper(n, src, level, nil, nil) }
func (n *mathBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// mathDelimiters configure the passthrough extension, which keeps TeX away
// from the Markdown parser so that _ and * inside math mean TeX.
var mathDelimiters = passthrough.Config{
	InlineDelimiters: []passthrough.Delimiters{{Open: "$", Close: "$"}},
	BlockDelimiters:  []passthrough.Delimiters{{Open: "$$", Close: "$$"}},
}

// mathTransformer renders every passthrough node to MathML and attaches
// labels written {#eq-name} just after a display equation's closing $$.
type mathTransformer struct {
	cache *sync.Map // of texKey to texResult, shared by a Parser's parses
}

type texKey struct {
	tex     string
	display bool
}

type texResult struct {
	mathml, problem string
	offset          int
}

func (m mathTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	// One TreeBlood document per article, made when first needed: it is
	// not safe to share between goroutines, and parses run concurrently.
	var tb *treeblood.Pitziil
	render := func(tex string, display bool) texResult {
		key := texKey{tex, display}
		if r, ok := m.cache.Load(key); ok {
			return r.(texResult)
		}
		if tb == nil {
			tb = treeblood.NewDocument(nil, false)
			tb.PrintOneLine = true
		}
		var r texResult
		r.mathml, r.offset, r.problem = renderTeX(tb, tex, display)
		m.cache.Store(key, r)
		return r
	}
	var nodes []ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == passthrough.KindPassthroughInline || n.Kind() == passthrough.KindPassthroughBlock) {
			nodes = append(nodes, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range nodes {
		var seg text.Segment
		var open, close string
		switch n := n.(type) {
		case *passthrough.PassthroughInline:
			seg, open, close = n.Segment, n.Delimiters.Open, n.Delimiters.Close
		case *passthrough.PassthroughBlock:
			seg, open, close = n.Lines().At(0), n.Delimiters.Open, n.Delimiters.Close
		}
		texStart := seg.Start + len(open)
		tex := string(src[texStart : seg.Stop-len(close)])
		display := n.Kind() == passthrough.KindPassthroughBlock
		r := render(tex, display)
		mathml := r.mathml
		if r.problem != "" {
			addError(pc, texStart+r.offset, "math: %s", r.problem)
		}
		parent := n.Parent()
		if !display {
			m := &mathNode{mathml: mathml}
			parent.ReplaceChild(parent, n, m)
			continue
		}
		m := &mathBlock{mathml: mathml}
		m.Lines().Append(seg)
		parent.ReplaceChild(parent, n, m)
		takeLabel(m, src, pc)
	}
}

// takeLabel moves a label {#eq-name} that follows a display equation on its
// closing line from the next paragraph onto the equation.
func takeLabel(m *mathBlock, src []byte, pc parser.Context) {
	next := m.NextSibling()
	if next == nil || next.Kind() != ast.KindParagraph && next.Kind() != ast.KindTextBlock {
		return
	}
	t, ok := next.FirstChild().(*ast.Text)
	if !ok {
		return
	}
	closing := m.Lines().At(0).Stop
	start := t.Segment.Start
	if strings.TrimSpace(string(src[closing:start])) != "" || strings.Contains(string(src[closing:start]), "\n") {
		return // the text starts on a later line: not a label
	}
	for start < t.Segment.Stop && (src[start] == ' ' || src[start] == '\t') {
		start++
	}
	if start >= t.Segment.Stop || src[start] != '{' {
		return
	}
	eol := start
	for eol < len(src) && src[eol] != '\n' {
		eol++
	}
	attrs, size, aerr := parseAttrs(src[start:eol], start)
	switch {
	case aerr != nil:
		addError(pc, aerr.offset, "%s", aerr.msg)
		return
	case len(attrs.Attrs) > 0:
		addError(pc, attrs.Attrs[0].Offset, "an equation takes only an id, as in {#eq-name}")
	case !validID(attrs.ID, "eq-"):
		addError(pc, attrs.IDOffset, "equation id %q must start with eq- and use lower-case letters, digits and hyphens", attrs.ID)
	}
	m.id = attrs.ID
	m.offset = attrs.IDOffset
	// Drop the label's text, which inline parsing may have split.
	end := start + size
	for c := next.FirstChild(); c != nil; {
		t, ok := c.(*ast.Text)
		if !ok || t.Segment.Start >= end {
			break
		}
		following := c.NextSibling()
		if t.Segment.Stop <= end {
			next.RemoveChild(next, c)
		} else {
			t.Segment = t.Segment.WithStart(end)
		}
		c = following
	}
	if next.FirstChild() == nil {
		next.Parent().RemoveChild(next.Parent(), next)
	}
}

// renderTeX converts TeX to deterministic MathML. A problem is returned as
// a message with its byte offset in tex.
func renderTeX(tb *treeblood.Pitziil, tex string, display bool) (mathml string, off int, problem string) {
	if off, msg := checkBraces(tex); msg != "" {
		return "", off, msg
	}
	var err error
	if display {
		mathml, err = tb.DisplayStyle(tex)
	} else {
		mathml, err = tb.TextStyle(tex)
	}
	if err != nil {
		msg, _, _ := strings.Cut(err.Error(), "<pre>")
		return "", 0, msg
	}
	if m := merror.FindStringSubmatch(mathml); m != nil {
		cmd := html.UnescapeString(m[2])
		off := max(strings.Index(tex, `\`+cmd), 0)
		if m[1] != "" {
			return "", off, fmt.Sprintf(`\%s: %s`, cmd, html.UnescapeString(m[1]))
		}
		return "", off, fmt.Sprintf(`unknown command \%s`, cmd)
	}
	return tidyMathML(strings.TrimSpace(mathml)), 0, ""
}

// tidyMathML makes TreeBlood's MathML deterministic and better spaced, in
// one pass over its tags:
//
//   - attributes are sorted (TreeBlood writes them in map order), and its
//     inline style is dropped in favour of the stylesheet's;
//   - a sign that follows an operator other than a closing fence, or opens
//     a row, is marked as a prefix operator: TreeBlood writes every minus
//     as a binary operator, which browsers space as in a − b, so (−1, −1)
//     would read ( − 1, − 1).
func tidyMathML(mathml string) string {
	var b strings.Builder
	b.Grow(len(mathml) + 64)
	// prevOp is whether the last thing written was an operator after which
	// a sign is a prefix sign, or the opening of a row.
	prevOp := false
	for i := 0; i < len(mathml); {
		lt := strings.IndexByte(mathml[i:], '<')
		if lt < 0 {
			b.WriteString(mathml[i:])
			break
		}
		b.WriteString(mathml[i : i+lt])
		i += lt
		gt := strings.IndexByte(mathml[i:], '>')
		if gt < 0 {
			b.WriteString(mathml[i:])
			break
		}
		tag := mathml[i : i+gt+1]
		i += gt + 1
		if tag == "<mo>" {
			// A bare operator: is it a sign in prefix position?
			end := strings.Index(mathml[i:], "</mo>")
			if end >= 0 && prevOp && isSign(mathml[i:i+end]) {
				b.WriteString(`<mo form="prefix">`)
			} else {
				b.WriteString(tag)
			}
			if end >= 0 {
				text := mathml[i : i+end]
				b.WriteString(text + "</mo>")
				i += end + len("</mo>")
				prevOp = !isClosingFence(text)
			}
			continue
		}
		if strings.HasPrefix(tag, "<mo ") {
			end := strings.Index(mathml[i:], "</mo>")
			b.WriteString(sortTag(tag))
			if end >= 0 {
				text := mathml[i : i+end]
				b.WriteString(text + "</mo>")
				i += end + len("</mo>")
				prevOp = !strings.Contains(tag, `form="postfix"`) && !isClosingFence(text)
			}
			continue
		}
		b.WriteString(sortTag(tag))
		prevOp = tag == "<mrow>"
	}
	return b.String()
}

func isSign(s string) bool         { return s == "−" || s == "+" || s == "±" || s == "∓" }
func isClosingFence(s string) bool { return strings.ContainsAny(s, ")]}|‖⟩") }

// sortTag returns a start tag with its attributes sorted and without a
// style attribute.
func sortTag(tag string) string {
	sp := strings.IndexByte(tag, ' ')
	if sp < 0 || tag[1] == '/' {
		return tag
	}
	body := tag[sp : len(tag)-1]
	closing := ">"
	if strings.HasSuffix(body, "/") {
		body, closing = body[:len(body)-1], "/>"
	}
	var attrs []string
	for j := 0; j < len(body); {
		for j < len(body) && body[j] == ' ' {
			j++
		}
		eq := strings.Index(body[j:], `="`)
		if eq < 0 {
			return tag // not the form TreeBlood writes: leave it
		}
		q := strings.IndexByte(body[j+eq+2:], '"')
		if q < 0 {
			return tag
		}
		end := j + eq + 2 + q + 1
		if a := body[j:end]; !strings.HasPrefix(a, "style=") {
			attrs = append(attrs, a)
		}
		j = end
	}
	slices.Sort(attrs)
	var b strings.Builder
	b.WriteString(tag[:sp])
	for _, a := range attrs {
		b.WriteString(" " + a)
	}
	b.WriteString(closing)
	return b.String()
}

var merror = regexp.MustCompile(`<merror(?: title="([^"]*)")?>([^<]*)</merror>`)

// checkBraces finds the first unbalanced brace in tex, ignoring \{ and \}.
func checkBraces(tex string) (int, string) {
	var open []int
	for i := 0; i < len(tex); i++ {
		switch tex[i] {
		case '\\':
			i++
		case '{':
			open = append(open, i)
		case '}':
			if len(open) == 0 {
				return i, "unbalanced braces: this } closes nothing"
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return open[len(open)-1], "unbalanced braces: this { is never closed"
	}
	return 0, ""
}
