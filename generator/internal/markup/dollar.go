package markup

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// dollarParser parses inline math, $...$, by Pandoc's rule: the opening $
// has a non-space right after it, and the closing $ a non-space right
// before it and no digit right after it. The first $ after an opening one
// decides: if it cannot close, there is no math. Where Pandoc would then
// print the dollar signs, the build reports them, since the author may
// have meant either: a dollar sign is written \$, math $x$.
//
// Display math in a paragraph, $$...$$, is the passthrough extension's;
// this parser checks only that it is closed.
type dollarParser struct{}

func (dollarParser) Trigger() []byte { return []byte{'$'} }

func (dollarParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, start := block.PeekLine()
	if bytes.HasPrefix(line, []byte("$$")) {
		if !closedDisplay(block) {
			addError(pc, start.Start, "ambiguous $$: no $$ closes it in this paragraph (write \\$ for a dollar sign)")
		}
		return nil
	}
	if len(line) < 2 || util.IsSpace(line[1]) {
		addError(pc, start.Start, "ambiguous $: a space follows it (write \\$ for a dollar sign, $x$ for math)")
		return nil
	}
	block.Advance(1)
	var segs []text.Segment
	prevSpace := false
	for {
		line, seg := block.PeekLine()
		if line == nil {
			break
		}
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == '\\':
				i++
				prevSpace = false
			case c == '$':
				switch {
				case prevSpace:
					addError(pc, start.Start, "ambiguous $: the $ that would close it has a space before it (write \\$ for a dollar sign, $x$ for math)")
					return nil
				case i+1 < len(line) && isDigit(line[i+1]):
					addError(pc, start.Start, "ambiguous $: the $ that would close it is followed by a digit (write \\$ for a dollar sign)")
					return nil
				}
				block.Advance(i + 1)
				if segs == nil {
					return &mathNode{start: seg.Start, stop: seg.Start + i}
				}
				lines, _ := pc.Get(mathLines).(*[][]text.Segment)
				if lines == nil {
					lines = new([][]text.Segment)
					pc.Set(mathLines, lines)
				}
				*lines = append(*lines, append(segs, seg.WithStop(seg.Start+i)))
				return &mathNode{start: len(*lines) - 1, stop: -1}
			default:
				prevSpace = util.IsSpace(c)
			}
		}
		segs = append(segs, seg)
		block.AdvanceLine()
	}
	addError(pc, start.Start, "ambiguous $: no $ closes it in this paragraph (write \\$ for a dollar sign)")
	return nil
}

// closedDisplay reports whether a $$ at the reader's position is closed
// by another $$ in the same paragraph. It leaves the reader where it was.
func closedDisplay(block text.Reader) bool {
	l, pos := block.Position()
	defer block.SetPosition(l, pos)
	block.Advance(2)
	for {
		line, _ := block.PeekLine()
		if line == nil {
			return false
		}
		if bytes.Contains(line, []byte("$$")) {
			return true
		}
		block.AdvanceLine()
	}
}
