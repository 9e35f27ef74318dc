package markup

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// Sidenotes. A footnote's text is written twice: where it is referred
// to, in a <span class="sidenote" role="note"> that a wide screen floats
// into the margin beside the line, and in the list of notes at the end,
// which a narrow screen shows instead. The style sheet shows one or the
// other, so a reader, and a screen reader, meets each note once. A
// citation gets the same treatment the first time each work is cited: a
// short note in the margin (hidden from screen readers, who follow the
// link to the reference list like everyone on a phone).
//
// A sidenote sits inside a paragraph, where only phrasing content may go,
// so a footnote holds paragraphs only: the parser reports any other block.

// renderFootnoteLink writes a reference to a footnote as goldmark does,
// then, for the first reference to it, the note itself.
func renderFootnoteLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*extast.FootnoteLink)
	ref := "fnref"
	if n.RefIndex > 0 {
		ref += fmt.Sprint(n.RefIndex)
	}
	fmt.Fprintf(w, `<sup id="%s:%d"><a href="#fn:%d" class="footnote-ref" role="doc-noteref">%d</a></sup>`, ref, n.Index, n.Index, n.Index)
	st := stateOf(node)
	fn := footnoteOf(node.OwnerDocument(), n.Index)
	if st == nil || fn == nil || st.inNote {
		return ast.WalkContinue, nil
	}
	fmt.Fprintf(w, `<span class="sn-mark" aria-hidden="true">%d</span>`, n.Index)
	if n.RefIndex > 0 {
		return ast.WalkContinue, nil // the note is beside the first reference
	}
	fmt.Fprintf(w, `<span class="sidenote" role="note">`)
	st.inNote = true
	defer func() { st.inNote = false }()
	for p := fn.FirstChild(); p != nil; p = p.NextSibling() {
		w.WriteString(`<span class="sn-p">`)
		if p == fn.FirstChild() {
			fmt.Fprintf(w, `<span class="sn-num">%d</span> `, n.Index)
		}
		for c := p.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Kind() == extast.KindFootnoteBacklink {
				continue
			}
			if err := st.render(w, c); err != nil {
				return ast.WalkStop, err
			}
		}
		w.WriteString(`</span>`)
	}
	w.WriteString(`</span>`)
	return ast.WalkContinue, nil
}

// footnoteOf returns the footnote of the given index, from the list
// goldmark puts at the end of the document.
func footnoteOf(doc *ast.Document, index int) *extast.Footnote {
	list, ok := doc.LastChild().(*extast.FootnoteList)
	if !ok {
		return nil
	}
	for c := list.FirstChild(); c != nil; c = c.NextSibling() {
		if fn, ok := c.(*extast.Footnote); ok && fn.Index == index {
			return fn
		}
	}
	return nil
}

// citeNotes returns the works a citation is the first to cite, whose
// notes go in the margin beside it.
func citeNotes(n *citeNode, st *renderState) []*Cite {
	if st == nil || st.inNote {
		return nil
	}
	var notes []*Cite
	for _, c := range n.cites {
		if !st.noted[c.Key] {
			st.noted[c.Key] = true
			notes = append(notes, c)
		}
	}
	return notes
}

// checkFootnote reports a footnote that holds anything but paragraphs.
func (b *builder) checkFootnote(fn *extast.Footnote) {
	for c := fn.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.Paragraph); ok {
			continue
		}
		offset := fn.Pos()
		ast.Walk(c, func(d ast.Node, entering bool) (ast.WalkStatus, error) {
			if d.Type() == ast.TypeBlock && d.Lines().Len() > 0 {
				offset = lineStart(b.src, d.Lines().At(0).Start)
				return ast.WalkStop, nil
			}
			return ast.WalkContinue, nil
		})
		addError(b.pc, max(offset, 0), "footnote [^%s] holds %s: a footnote is shown in the margin, where only paragraphs fit; move it into the text", fn.Ref, blockName(c))
		return
	}
}

// blockName names a kind of block for messages.
func blockName(n ast.Node) string {
	switch n.Kind() {
	case ast.KindList:
		return "a list"
	case ast.KindFencedCodeBlock, ast.KindCodeBlock:
		return "a code block"
	case ast.KindBlockquote:
		return "a block quote"
	case kindMathBlock:
		return "displayed math"
	case extast.KindTable:
		return "a table"
	}
	return "a " + strings.ToLower(n.Kind().String())
}
