package markup

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

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
type mathTransformer struct{}

func (mathTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	// One TreeBlood document per article: it is not safe to share between
	// goroutines, and parses run concurrently.
	tb := treeblood.NewDocument(nil, false)
	tb.PrintOneLine = true
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
		mathml, off, err := renderTeX(tb, tex, display)
		if err != "" {
			addError(pc, texStart+off, "math: %s", err)
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
	return markPrefixSigns(sortAttributes(strings.TrimSpace(mathml))), 0, ""
}

// signAfterOperator finds a sign that follows an operator or opens a row.
var signAfterOperator = regexp.MustCompile(`(<mo[^>]*>([^<]*)</mo>|<mrow>)<mo>([−+±∓])</mo>`)

// markPrefixSigns marks signs that follow an operator other than a closing
// fence, as in (−1, −1) or x = −y, as prefix operators. TreeBlood writes
// every minus as a binary operator, which browsers space as in a − b, so
// (−1, −1) would read ( − 1, − 1).
func markPrefixSigns(mathml string) string {
	for {
		changed := false
		mathml = signAfterOperator.ReplaceAllStringFunc(mathml, func(m string) string {
			sub := signAfterOperator.FindStringSubmatch(m)
			if strings.Contains(sub[1], `form="postfix"`) || strings.ContainsAny(sub[2], ")]}|‖⟩") {
				return m
			}
			changed = true
			return sub[1] + `<mo form="prefix">` + sub[3] + `</mo>`
		})
		if !changed {
			return mathml
		}
	}
}

var (
	merror   = regexp.MustCompile(`<merror(?: title="([^"]*)")?>([^<]*)</merror>`)
	startTag = regexp.MustCompile(`<[a-z]+((?: [a-z:-]+="[^"]*")+)(/?)>`)
	attr     = regexp.MustCompile(` [a-z:-]+="[^"]*"`)
)

// sortAttributes orders each tag's attributes, which TreeBlood writes in
// map order, and drops its inline style in favour of the stylesheet's.
func sortAttributes(mathml string) string {
	return startTag.ReplaceAllStringFunc(mathml, func(tag string) string {
		m := startTag.FindStringSubmatchIndex(tag)
		attrs := attr.FindAllString(tag[m[2]:m[3]], -1)
		attrs = slices.DeleteFunc(attrs, func(a string) bool { return strings.HasPrefix(a, " style=") })
		slices.Sort(attrs)
		return tag[:m[2]] + strings.Join(attrs, "") + tag[m[3]:]
	})
}

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
