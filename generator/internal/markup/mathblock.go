package markup

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// mathBlockParser parses display math that starts a line:
//
//	$$
//	TeX, over any number of lines
//	$$ {#eq-name}
//
// or all on one line, $$ TeX $$ {#eq-name}. Its lines are TeX, not
// Markdown: a line starting "+ " is not a list item.
type mathBlockParser struct{}

func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

func (mathBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w > 3 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	m := &mathBlock{texStart: seg.Start + pos + 2}
	rest := line[pos+2:]
	if end := bytes.Index(rest, []byte("$$")); end >= 0 {
		m.texStop = m.texStart + end
		m.closed = true
		label(m, rest[end+2:], m.texStop+2, pc)
		reader.AdvanceToEOL()
		return m, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return m, parser.NoChildren
}

func (mathBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	m := node.(*mathBlock)
	if m.closed {
		return parser.Close
	}
	line, seg := reader.PeekLine()
	if line == nil {
		return parser.Close
	}
	if end := bytes.Index(line, []byte("$$")); end >= 0 {
		m.texStop = seg.Start + end
		m.closed = true
		label(m, line[end+2:], m.texStop+2, pc)
		reader.AdvanceToEOL()
		return parser.Close
	}
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (mathBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	m := node.(*mathBlock)
	if !m.closed {
		addError(pc, m.texStart-2, "display math is not closed (want a line with $$)")
		m.texStop = m.texStart
	}
}

func (mathBlockParser) CanInterruptParagraph() bool { return true }
func (mathBlockParser) CanAcceptIndentedLine() bool { return false }

// label reads what follows a closing $$: nothing, or a label {#eq-name}.
func label(m *mathBlock, rest []byte, offset int, pc parser.Context) {
	trimmed := bytes.TrimLeft(rest, " \t")
	offset += len(rest) - len(trimmed)
	if util.IsBlank(trimmed) {
		return
	}
	if trimmed[0] != '{' {
		addError(pc, offset, "unexpected text after display math (a label is written {#eq-name})")
		return
	}
	attrs, size, err := parseAttrs(trimmed, offset)
	switch {
	case err != nil:
		addError(pc, err.offset, "%s", err.msg)
		return
	case len(attrs.Attrs) > 0:
		addError(pc, attrs.Attrs[0].Offset, "an equation takes only an id, as in {#eq-name}")
	case !validID(attrs.ID, "eq-"):
		addError(pc, attrs.IDOffset, "equation id %q must start with eq- and use lower-case letters, digits and hyphens", attrs.ID)
		return
	case !util.IsBlank(trimmed[size:]):
		addError(pc, offset+size, "unexpected text after the equation's label")
	}
	m.id, m.offset = attrs.ID, attrs.IDOffset
}
