package markup

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// maxNesting is how deep lists and block quotes may nest. Readers lose
// their way long before; the limit keeps hostile input from taking the
// parser's time, which grows with the cube of the depth (a list nested
// 2,000 deep took 40 s).
const maxNesting = 16

var kindTooDeep = ast.NewNodeKind("TooDeep")

// tooDeep is a line that would have nested a list or block quote deeper
// than maxNesting. It was reported, and holds nothing.
type tooDeep struct{ ast.BaseBlock }

func (n *tooDeep) Kind() ast.NodeKind         { return kindTooDeep }
func (n *tooDeep) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// reportedTooDeep records in the parser context that the article's first
// line nested too deep was reported: one error says enough.
var reportedTooDeep = parser.NewContextKey()

// nestingLimit runs before the list and block quote parsers. A line that
// would open a list or block quote nested deeper than maxNesting is
// reported and taken as a leaf, so that nothing nests deeper.
type nestingLimit struct{}

func (nestingLimit) Trigger() []byte { return []byte("-+*>0123456789") }

func (nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if parent.Kind() == ast.KindList {
		return nil, parser.NoChildren // another item of the same list
	}
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		if n.Kind() == ast.KindList || n.Kind() == ast.KindBlockquote {
			depth++
		}
	}
	if depth < maxNesting {
		return nil, parser.NoChildren
	}
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !opensContainer(line[pos:]) {
		return nil, parser.NoChildren
	}
	if pc.Get(reportedTooDeep) == nil {
		pc.Set(reportedTooDeep, true)
		addError(pc, seg.Start+pos, "lists and block quotes nest more than %d deep here: flatten them", maxNesting)
	}
	reader.AdvanceToEOL()
	return &tooDeep{}, parser.NoChildren
}

func (nestingLimit) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (nestingLimit) Close(ast.Node, text.Reader, parser.Context)                 {}
func (nestingLimit) CanInterruptParagraph() bool                                 { return true }
func (nestingLimit) CanAcceptIndentedLine() bool                                 { return false }

// opensContainer reports whether a line, from its first non-blank byte,
// starts a block quote or a list item.
func opensContainer(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	followedBySpace := func(i int) bool { return i >= len(line) || util.IsSpace(line[i]) }
	switch c := line[0]; {
	case c == '>':
		return true
	case c == '-' || c == '+' || c == '*':
		return followedBySpace(1)
	case isDigit(c):
		i := 0
		for i < len(line) && i < 10 && isDigit(line[i]) {
			i++
		}
		return i < 10 && i < len(line) && (line[i] == '.' || line[i] == ')') && followedBySpace(i+1)
	}
	return false
}
