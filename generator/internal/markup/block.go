package markup

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// kindFigure is the node of a :::figure container or a ::run leaf.
var kindFigure = ast.NewNodeKind("Figure")

// figureNode holds a block directive while the article is parsed; the
// figure transformer turns its attributes into a [Figure].
type figureNode struct {
	ast.BaseBlock
	name   string // "figure" or "run"
	offset int    // of the first colon
	attrs  *attrList
	fence  int  // the number of colons that open (and must close) it
	closed bool // whether its closing fence was seen
	// badAttrs records that its attributes did not parse, which was
	// reported; nothing more is said about it.
	badAttrs bool
	fig      *Figure
}

func (n *figureNode) Kind() ast.NodeKind { return kindFigure }
func (n *figureNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"name": n.name}, nil)
}

// leadingID reads the id of an attribute block that does not parse.
var leadingID = regexp.MustCompile(`^\{\s*#([a-z0-9]+(?:-[a-z0-9]+)*)[\s}]`)

// blockDirectives are the block directives and whether each contains Markdown.
var blockDirectives = map[string]bool{"figure": true, "run": false}

// directiveBlockParser parses :::name{attrs} ... ::: and ::name{attrs}.
type directiveBlockParser struct{}

func (directiveBlockParser) Trigger() []byte { return []byte{':'} }

func (directiveBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w > 3 {
		return nil, parser.NoChildren
	}
	start := pos
	for pos < len(line) && line[pos] == ':' {
		pos++
	}
	colons := pos - start
	nameStart := pos
	for pos < len(line) && isKeyByte(line[pos]) {
		pos++
	}
	name := string(line[nameStart:pos])
	if colons >= 3 && name == "" && util.IsBlank(line[pos:]) {
		addError(pc, seg.Start+start, "stray %s: no directive is open", line[start:pos])
		return nil, parser.NoChildren
	}
	if colons < 2 || name == "" {
		return nil, parser.NoChildren
	}
	n := &figureNode{name: name, offset: seg.Start + start, fence: colons}
	container, known := blockDirectives[name]
	switch {
	case !known:
		addError(pc, n.offset, "unknown directive %s%s (want :::figure or ::run)", bytes.Repeat([]byte{':'}, colons), name)
	case container && colons < 3:
		addError(pc, n.offset, "directive %s is a container: open it with :::%s", name, name)
	case !container && colons != 2:
		addError(pc, n.offset, "directive %s has no body: write ::%s{...}", name, name)
	}
	if pos < len(line) && line[pos] == '{' {
		attrs, size, err := parseAttrs(line[pos:], seg.Start+pos)
		if err != nil {
			addError(pc, err.offset, "%s", err.msg)
			n.badAttrs = true
			// Keep the id if it can be read, so that references to the
			// figure are not reported too.
			if m := leadingID.FindSubmatchIndex(line[pos:]); m != nil {
				attrs = &attrList{ID: string(line[pos+m[2] : pos+m[3]]), IDOffset: seg.Start + pos + m[2] - 1}
			}
			n.attrs = attrs
		} else {
			n.attrs = attrs
			if !util.IsBlank(line[pos+size:]) {
				addError(pc, seg.Start+pos+size, "directive %s: unexpected text after its attributes", name)
			}
		}
	} else {
		addError(pc, seg.Start+pos, "directive %s: want {attributes} after its name", name)
		n.badAttrs = true
	}
	if n.attrs == nil {
		n.attrs = &attrList{}
	}
	reader.AdvanceToEOL()
	if !container && known || !known && colons == 2 {
		n.closed = true // a leaf: Continue closes it on the next line
		return n, parser.NoChildren
	}
	return n, parser.HasChildren
}

func (directiveBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*figureNode)
	if !blockDirectives[n.name] && n.closed {
		return parser.Close
	}
	line, _ := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w <= 3 {
		i := pos
		for i < len(line) && line[i] == ':' {
			i++
		}
		if i-pos >= n.fence && util.IsBlank(line[i:]) {
			reader.AdvanceToEOL()
			n.closed = true
			return parser.Close
		}
	}
	return parser.Continue | parser.HasChildren
}

func (directiveBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	n := node.(*figureNode)
	if !n.closed {
		addError(pc, n.offset, "directive %s is not closed (want a line %s)", n.name, bytes.Repeat([]byte{':'}, n.fence))
	}
}

func (directiveBlockParser) CanInterruptParagraph() bool { return true }
func (directiveBlockParser) CanAcceptIndentedLine() bool { return false }
