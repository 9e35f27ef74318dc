package markup

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// footnoteRefParser reports a footnote reference [^label] that no
// definition matches. Goldmark's footnote parser, which runs first, leaves
// such a reference in the text as it is, where a reader would see it.
type footnoteRefParser struct{}

func (footnoteRefParser) Trigger() []byte { return []byte{'['} }

func (footnoteRefParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) < 3 || line[1] != '^' {
		return nil
	}
	end := bytes.IndexAny(line[2:], "[]")
	if end <= 0 || line[2+end] != ']' {
		return nil
	}
	label := line[2 : 2+end]
	if next := 2 + end + 1; next < len(line) && (line[next] == '(' || line[next] == '[' || line[next] == ':') {
		return nil // a link whose text starts with ^, or a definition's label
	}
	addError(pc, seg.Start, "footnote [^%s] is not defined (define it on a line of its own: [^%s]: The note.)", label, label)
	return nil
}

// footnoteDefinitions reports footnote definitions that nothing refers
// to, which goldmark leaves out of the page, and duplicates, of which
// goldmark shows only the first. It runs before goldmark's footnote
// transformer removes the unused ones.
type footnoteDefinitions struct{}

func (footnoteDefinitions) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	lines := newLineIndex("", reader.Source())
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		list, ok := n.(*extast.FootnoteList)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		first := make(map[string]int)
		for c := list.FirstChild(); c != nil; c = c.NextSibling() {
			fn := c.(*extast.Footnote)
			label := string(fn.Ref)
			offset := lineStart(reader.Source(), max(fn.Pos(), 0))
			if at, dup := first[label]; dup {
				addError(pc, offset, "duplicate footnote [^%s] (first defined at line %d)", label, lines.pos(at).Line)
				continue
			}
			first[label] = offset
			if fn.Index < 0 {
				addError(pc, offset, "footnote [^%s] is defined but nothing refers to it (write [^%s] where it belongs, or delete it)", label, label)
			}
		}
		return ast.WalkSkipChildren, nil
	})
}
