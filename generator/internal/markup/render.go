package markup

import (
	"bytes"
	"fmt"
	stdhtml "html"
	"io"

	"github.com/yuin/goldmark/ast"
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

// renderState is what the node renderers need of the render under way. It
// is kept on the document node, where the shared renderers can reach it.
type renderState struct {
	doc *Doc
	r   Resolver
}

const stateKey = "markup-render"

// Render writes the article's body as HTML, asking r for what directives
// and links refer to. A Doc must not be rendered by two goroutines at
// once.
func (p *Parser) Render(w io.Writer, d *Doc, r Resolver) error {
	d.root.SetAttributeString(stateKey, &renderState{d, r})
	defer d.root.RemoveAttributes()
	return p.md.Renderer().Render(w, d.src, d.root)
}

// stateOf returns the state of the render under way, or nil if the tree
// is rendered by goldmark alone, as the conformance test does.
func stateOf(n ast.Node) *renderState {
	v, _ := n.OwnerDocument().AttributeString(stateKey)
	st, _ := v.(*renderState)
	return st
}

func resolverOf(n ast.Node) Resolver { return stateOf(n).r }

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
	reg.Register(kindSecNum, renderSecNum)
	reg.Register(kindFigLabel, renderFigLabel)
	reg.Register(ast.KindLink, nr.renderLink)
	reg.Register(ast.KindImage, nr.renderImage)
	reg.Register(kindTooDeep, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkSkipChildren, nil
	})
}

func renderFigure(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*figureNode)
	if n.fig == nil {
		return ast.WalkSkipChildren, nil
	}
	if n.fig.Run {
		// A run draws nothing, but what refers to it (a :check's numbers)
		// links to it: it says where its numbers come from.
		if entering {
			_, source := resolverOf(n).Figure(n.fig)
			fmt.Fprintf(w, "<p class=\"run\" id=\"%s\">%s</p>\n", n.fig.ID, source)
		}
		return ast.WalkSkipChildren, nil
	}
	if entering {
		var media string
		media, n.links = resolverOf(n).Figure(n.fig)
		fmt.Fprintf(w, "<figure class=\"figure\" id=\"%s\">\n%s\n<figcaption>\n", n.fig.ID, media)
		return ast.WalkContinue, nil
	}
	fmt.Fprintf(w, "%s</figcaption>\n</figure>\n", n.links)
	return ast.WalkContinue, nil
}

func renderDirective(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(resolverOf(node).Inline(node.(*directiveNode).d))
	}
	return ast.WalkSkipChildren, nil
}

func renderRef(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		text, href := resolverOf(node).Ref(node.(*refNode).r)
		fmt.Fprintf(w, `<a class="ref" href="%s">%s</a>`, stdhtml.EscapeString(href), stdhtml.EscapeString(text))
	}
	return ast.WalkSkipChildren, nil
}

func renderCite(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	r := resolverOf(node)
	var b bytes.Buffer
	b.WriteString(`<span class="cite">[`)
	for i, c := range node.(*citeNode).cites {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Cite(c))
		if c.Locator != "" {
			b.WriteString(", " + stdhtml.EscapeString(c.Locator))
		}
	}
	b.WriteString("]</span>")
	w.Write(b.Bytes())
	return ast.WalkSkipChildren, nil
}

func renderMath(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(node.(*mathNode).mathml)
	}
	return ast.WalkSkipChildren, nil
}

func renderMathBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*mathBlock)
	// The math scrolls inside its own box when it is wider than the
	// column, so the number stays in view beside it.
	if n.number == 0 {
		fmt.Fprintf(w, "<div class=\"equation\"><div class=\"eq-body\">%s</div></div>\n", n.mathml)
		return ast.WalkSkipChildren, nil
	}
	fmt.Fprintf(w, "<div class=\"equation\" id=\"%s\"><div class=\"eq-body\">%s</div><span class=\"eqno\">(%d)</span></div>\n", n.id, n.mathml, n.number)
	return ast.WalkSkipChildren, nil
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
