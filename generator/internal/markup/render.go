package markup

import (
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

var (
	kindSecNum   = ast.NewNodeKind("SecNum")
	kindFigLabel = ast.NewNodeKind("FigLabel")
)

// secNumNode is a section's number, written before its title.
type secNumNode struct {
	ast.BaseInline
	number string
}

// figLabelNode is "Figure 3.", written before a caption.
type figLabelNode struct {
	ast.BaseInline
	number int
}

func (n *secNumNode) Kind() ast.NodeKind           { return kindSecNum }
func (n *figLabelNode) Kind() ast.NodeKind         { return kindFigLabel }
func (n *secNumNode) Dump(src []byte, level int)   { ast.DumpHelper(n, src, level, nil, nil) }
func (n *figLabelNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// renderState is what the node renderers need while an article is
// parsed and rendered. It is kept on the document node, where the shared
// renderers can reach it.
type renderState struct {
	links  map[ast.Node]*Link // the node of each of the article's Links
	tables map[ast.Node]int   // the number of each table, from 1
	math   *mathSession
	// render writes a node and what it holds, for sidenotes, which show
	// a footnote's text where it is referred to.
	render func(w util.BufWriter, n ast.Node) error
	noted  map[string]bool // the keys cited so far, whose note is written
	inNote bool            // writing a sidenote, which holds no other
}

const stateKey = "markup-render"

// stateOf returns the state of the render under way, or nil if the tree
// is rendered by goldmark alone, as the conformance test does.
func stateOf(n ast.Node) *renderState {
	v, _ := n.OwnerDocument().AttributeString(stateKey)
	st, _ := v.(*renderState)
	return st
}

// nodeRenderer renders the project's nodes, and links and images. It
// takes goldmark's HTML options, such as XHTML, as goldmark's own renderer
// does.
type nodeRenderer struct{ html.Config }

func nodeRenderers() renderer.Option {
	return renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{Config: html.NewConfig()}, 100))
}

func (nr *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, renderFigure)
	reg.Register(kindDirective, renderDirective)
	reg.Register(kindRef, renderRef)
	reg.Register(kindCite, renderCite)
	reg.Register(kindMath, renderMath)
	reg.Register(kindMathBlock, renderMathBlock)
	reg.Register(extast.KindTable, newTableRenderer().render)
	reg.Register(kindSecNum, renderSecNum)
	reg.Register(kindVerdict, renderVerdict)
	reg.Register(extast.KindFootnoteLink, renderFootnoteLink)
	reg.Register(kindFigLabel, renderFigLabel)
	reg.Register(ast.KindLink, nr.renderLink)
	reg.Register(ast.KindImage, nr.renderImage)
	reg.Register(kindTooDeep, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkSkipChildren, nil
	})
}

func renderFigure(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*figureNode)
	rec := holes(w)
	switch {
	case n.fig == nil || rec == nil:
		return ast.WalkSkipChildren, nil
	case n.fig.Run:
		if entering {
			rec.hole(runHole{n.fig})
		}
		return ast.WalkSkipChildren, nil
	case entering:
		rec.hole(figureOpen{n.fig})
	default:
		rec.hole(figureClose{})
	}
	return ast.WalkContinue, nil
}

func renderDirective(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if rec := holes(w); rec != nil && entering {
		rec.hole(inlineHole{node.(*directiveNode).d})
	}
	return ast.WalkSkipChildren, nil
}

func renderRef(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if rec := holes(w); rec != nil && entering {
		rec.hole(refHole{node.(*refNode).r})
	}
	return ast.WalkSkipChildren, nil
}

func renderCite(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if rec := holes(w); rec != nil && entering {
		n := node.(*citeNode)
		rec.hole(citeHole{n.cites, citeNotes(n, stateOf(node))})
	}
	return ast.WalkSkipChildren, nil
}

func renderMath(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if st := stateOf(node); st != nil && entering {
		w.WriteString(st.math.inline(node.(*mathNode)))
	}
	return ast.WalkSkipChildren, nil
}

func renderMathBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	st := stateOf(node)
	if st == nil || !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*mathBlock)
	mathml := st.math.display(n)
	// The math scrolls inside its own box when it is wider than the
	// column, so the number stays in view beside it. The box takes the
	// keyboard's focus, so that the arrow keys scroll it, and tells a
	// screen reader which equation it is.
	if n.number == 0 {
		fmt.Fprintf(w, "<div class=\"equation\"><div class=\"eq-body\" tabindex=\"0\" role=\"region\" aria-label=\"Unnumbered equation %d\">%s</div></div>\n", n.unnumbered, mathml)
		return ast.WalkSkipChildren, nil
	}
	fmt.Fprintf(w, "<div class=\"equation\" id=\"%s\"><div class=\"eq-body\" tabindex=\"0\" role=\"region\" aria-label=\"Equation %d\">%s</div><span class=\"eqno\">(%d)</span></div>\n", n.id, n.number, mathml, n.number)
	return ast.WalkSkipChildren, nil
}

// tableRenderer renders tables as goldmark's table extension does, inside
// a box that scrolls when the table is wider than the column. Like an
// equation's, the box takes the keyboard's focus and is named.
type tableRenderer struct {
	table renderer.NodeRendererFunc // the extension's
}

func newTableRenderer() *tableRenderer {
	r := &tableRenderer{}
	var capture funcCapture
	extension.NewTableHTMLRenderer(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)).RegisterFuncs(&capture)
	r.table = capture[extast.KindTable]
	return r
}

func (r *tableRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	st := stateOf(node)
	if st == nil {
		return r.table(w, src, node, entering)
	}
	if entering {
		fmt.Fprintf(w, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table %d\">\n", st.tables[node])
	}
	status, err := r.table(w, src, node, entering)
	if !entering {
		w.WriteString("</div>\n")
	}
	return status, err
}

// funcCapture records the functions a node renderer registers.
type funcCapture map[ast.NodeKind]renderer.NodeRendererFunc

func (c *funcCapture) Register(k ast.NodeKind, f renderer.NodeRendererFunc) {
	if *c == nil {
		*c = make(funcCapture)
	}
	(*c)[k] = f
}

func renderSecNum(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		fmt.Fprintf(w, `<span class="secnum">%s</span> `, node.(*secNumNode).number)
	}
	return ast.WalkSkipChildren, nil
}

func renderFigLabel(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		fmt.Fprintf(w, `<span class="figlabel">Figure %d.</span> `, node.(*figLabelNode).number)
	}
	return ast.WalkSkipChildren, nil
}
