package markup

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/gohugoio/hugo-goldmark-extensions/passthrough"
	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	renderhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.abhg.dev/goldmark/anchor"
	"go.abhg.dev/goldmark/frontmatter"
)

// A Parser parses articles. It is safe for concurrent use.
type Parser struct {
	md   goldmark.Markdown
	math *mathCache
	code *highlighter
}

// NewParser returns a parser with the project's Markdown dialect.
func NewParser() *Parser {
	code := newHighlighter()
	return &Parser{md: newMarkdown(code), math: newMathCache(), code: code}
}

// newMarkdown configures goldmark with the project's extensions, code
// highlighted by code; options are added to the renderer last (the
// conformance test adds some).
func newMarkdown(code *highlighter, options ...renderer.Option) goldmark.Markdown {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			extension.Footnote,
			extension.DefinitionList,
			extension.Typographer,
			&frontmatter.Extender{Formats: []frontmatter.Format{strictYAML}},
			passthrough.New(mathDelimiters),
			&anchor.Extender{Texter: anchor.Text("#"), Position: anchor.After},
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithHeadingAttribute(),
			parser.WithBlockParsers(
				util.Prioritized(directiveBlockParser{}, 50),
				util.Prioritized(mathBlockParser{}, 50),
				util.Prioritized(nestingLimit{}, 250), // before lists and block quotes
			),
			parser.WithInlineParsers(
				util.Prioritized(footnoteRefParser{}, 102), // after goldmark's footnotes
				util.Prioritized(citeInlineParser{}, 199),  // before links
				util.Prioritized(dollarParser{}, 200),      // before the passthrough's $$
				util.Prioritized(directiveInlineParser{}, 600),
				util.Prioritized(refInlineParser{}, 600),
			),
			parser.WithASTTransformers(
				util.Prioritized(footnoteDefinitions{}, 998), // before goldmark drops unused ones
			),
		),
		// Raw HTML is written as it is: Parse reports any that is not in
		// the allowed set, and an article with errors is not rendered.
		goldmark.WithRendererOptions(renderhtml.WithUnsafe()),
	)
	md.Renderer().AddOptions(nodeRenderers(), renderer.WithNodeRenderers(util.Prioritized(code, 100)))
	md.Renderer().AddOptions(options...)
	return md
}

// errorsKey keeps the parse errors, as byte offsets, in the parser context.
var errorsKey = parser.NewContextKey()

type offsetError struct {
	offset int
	msg    string
}

func addError(pc parser.Context, offset int, format string, args ...any) {
	errs, _ := pc.Get(errorsKey).(*[]offsetError)
	if errs == nil {
		errs = new([]offsetError)
		pc.Set(errorsKey, errs)
	}
	*errs = append(*errs, offsetError{offset, fmt.Sprintf(format, args...)})
}

// Parse parses the article src; name is its path as errors should show
// it. It returns every problem found as a [diag.List].
func (p *Parser) Parse(name string, src []byte) (*Doc, error) {
	lines := newLineIndex(name, src)
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, diag.List{diag.Errorf(lines.pos(off), "invalid UTF-8 (the file must be UTF-8 text)")}
	}
	pc := parser.NewContext()
	root := p.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	d := &Doc{Name: name, Targets: make(map[string]*Target)}
	st := &renderState{links: make(map[ast.Node]*Link), tables: make(map[ast.Node]int), math: &mathSession{cache: p.math, pc: pc, src: src}, noted: make(map[string]bool)}
	st.render = func(w util.BufWriter, n ast.Node) error { return p.md.Renderer().Render(w, src, n) }
	root.SetAttributeString(stateKey, st)
	b := &builder{doc: d, st: st, src: src, root: root, pc: pc, lines: lines, ids: make(map[string]int)}
	b.meta(frontmatter.Get(pc))
	d.metaPos = b.metaPositions()
	displayInParagraphs(root)
	b.walk()
	rec := p.renderBody(root, src)
	d.body, d.size, d.holes = slices.Clip(rec.pieces), rec.size, rec.holes
	d.MathText = st.math.drawn.String()

	var errs diag.List
	if list, ok := pc.Get(errorsKey).(*[]offsetError); ok {
		for _, e := range *list {
			errs = append(errs, diag.Errorf(lines.pos(e.offset), "%s", e.msg))
		}
	}
	errs = append(errs, b.errs...)
	return d, errs.Err()
}

// renderBody renders the tree into the pieces of the article's HTML, one
// block at a time, letting go of each block once it is rendered.
func (p *Parser) renderBody(root ast.Node, src []byte) *recorder {
	buf := recordBufs.Get().(*[]byte)
	rec := &recorder{buf: (*buf)[:0]}
	for c := root.FirstChild(); c != nil; {
		next := c.NextSibling()
		// The node renderers write to the recorder, which cannot fail.
		_ = p.md.Renderer().Render(rec, src, c)
		root.RemoveChild(root, c)
		c = next
	}
	rec.cut()
	if cap(rec.buf) <= 4*recordChunk { // not one grown by a rare large block
		*buf = rec.buf
		recordBufs.Put(buf)
	}
	rec.buf = nil
	return rec
}

// recordBufs are the buffers of recorders, which a piece of HTML is
// copied out of as it is cut: one recorder's is the next one's, rather
// than each article growing its own to recordChunk again.
var recordBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, recordChunk+4<<10)
	return &b
}}

// builder collects a parsed article's directives, numbers its figures,
// equations and sections, and checks its ids.
type builder struct {
	doc   *Doc
	st    *renderState
	src   []byte
	root  ast.Node
	pc    parser.Context
	lines *lineIndex
	ids   map[string]int // id to the offset that defined it
	errs  diag.List
	html  htmlChecker
	// varied is the varied figure whose caption the walk is in, or nil.
	varied *figureNode

	figures, equations, h2, h3 int
	unnumbered, tables         int // equations without a label, tables
}

func (b *builder) walk() {
	src := b.src
	paragraph := 0 // the HTML elements open as the current paragraph started
	ast.Walk(b.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading, *extast.TableCell:
			if entering {
				paragraph = b.html.mark()
			} else {
				b.html.endParagraph(b.pc, paragraph)
			}
		}
		if fn, ok := n.(*figureNode); ok && !entering && fn == b.varied {
			b.varied = nil
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		if b.varied != nil {
			b.inVaried(n)
		}
		switch n := n.(type) {
		case *ast.Link:
			b.addLink(n, b.link(n, string(n.Destination), false))
		case *ast.Image:
			b.addLink(n, b.link(n, string(n.Destination), true))
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL {
				b.link(n, string(n.URL(src)), false)
			}
		case *ast.RawHTML:
			b.html.check(b.pc, join(src, n.Segments.Sliced(0, n.Segments.Len())))
		case *ast.HTMLBlock:
			segs := n.Lines().Sliced(0, n.Lines().Len())
			if n.HasClosure() {
				segs = append(segs, n.ClosureLine)
			}
			b.html.check(b.pc, join(src, segs))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			b.doc.Code = true
		case *ast.Heading:
			b.heading(n)
			if id, ok := n.AttributeString("id"); ok {
				b.doc.IDs = append(b.doc.IDs, string(id.([]byte)))
			}
		case *figureNode:
			b.figure(n)
			if n.fig != nil && n.fig.ID != "" {
				b.doc.IDs = append(b.doc.IDs, n.fig.ID)
			}
			if n.fig != nil && n.fig.Vary != nil && b.varied == nil {
				b.varied = n
			}
		case *mathBlock:
			if n.id != "" && b.define(n.id, n.offset) {
				b.equations++
				n.number = b.equations
				b.doc.Targets[n.id] = &Target{Kind: "Equation", Number: fmt.Sprint(n.number)}
				b.doc.IDs = append(b.doc.IDs, n.id)
			} else {
				b.unnumbered++
				n.unnumbered = b.unnumbered
			}
		case *extast.Table:
			b.tables++
			b.st.tables[n] = b.tables
		case *extast.FootnoteLink:
			// The ids goldmark's footnote renderer writes.
			ref := "fnref"
			if n.RefIndex > 0 {
				ref += strconv.Itoa(n.RefIndex)
			}
			b.doc.IDs = append(b.doc.IDs, fmt.Sprintf("%s:%d", ref, n.Index))
		case *extast.Footnote:
			b.doc.IDs = append(b.doc.IDs, fmt.Sprintf("fn:%d", n.Index))
			b.checkFootnote(n)
		case *ast.Text:
			if i := bytes.Index(n.Segment.Value(b.src), []byte("{#eq-")); i >= 0 {
				addError(b.pc, n.Segment.Start+i, "an equation label belongs right after display math that starts its own line: $$ ... $$ {#eq-name}")
			}
		case *directiveNode:
			n.d.Pos = b.pos(n.offset)
			b.doc.Inlines = append(b.doc.Inlines, n.d)
		case *refNode:
			n.r.Pos = b.pos(n.offset)
			b.doc.Refs = append(b.doc.Refs, n.r)
		case *citeNode:
			for i, c := range n.cites {
				c.Pos = b.pos(n.offsets[i])
				b.doc.Cites = append(b.doc.Cites, c)
			}
		}
		return ast.WalkContinue, nil
	})
	b.html.end(b.pc)
}

// addLink records a link into the site.
func (b *builder) addLink(n ast.Node, l *Link) {
	if l != nil {
		b.doc.Links = append(b.doc.Links, l)
		b.st.links[n] = l
	}
}

func (b *builder) pos(offset int) diag.Pos { return b.lines.pos(offset) }

// define records an id, reporting a duplicate.
func (b *builder) define(id string, offset int) bool {
	if first, dup := b.ids[id]; dup {
		addError(b.pc, offset, "duplicate id %s (first defined at line %d)", id, b.pos(first).Line)
		return false
	}
	b.ids[id] = offset
	return true
}

func (b *builder) figure(n *figureNode) {
	if n.name != "figure" && n.name != "run" {
		return // reported when parsed
	}
	f := &Figure{Pos: b.pos(n.offset), Run: n.name == "run"}
	prefix := "fig-"
	if f.Run {
		prefix = "run-"
	}
	a := n.attrs
	if n.badAttrs {
		// Reported when parsed; keep a readable id so that what refers to
		// the figure is not reported as well.
		if validID(a.ID, prefix) && b.define(a.ID, a.IDOffset) {
			f.ID = a.ID
			b.number(f)
			b.doc.Figures = append(b.doc.Figures, f)
		}
		return
	}
	n.fig = f
	switch {
	case a.ID == "":
		addError(b.pc, n.offset, "%s directive needs an id, as in {#%sname ...}", n.name, prefix)
	case !validID(a.ID, prefix):
		addError(b.pc, a.IDOffset, "%s id %q must start with %s and use lower-case letters, digits and hyphens", n.name, a.ID, prefix)
	default:
		if b.define(a.ID, a.IDOffset) {
			f.ID = a.ID
		}
	}
	for _, at := range a.Attrs {
		switch at.Key {
		case "experiment":
			f.Experiment = at.Value
			f.ExperimentPos = b.pos(at.Offset)
		case "alt":
			f.Alt = at.Value
		case "vary":
			if !f.Run {
				f.Vary = b.vary(a.ID, at)
			}
		default:
			f.Params = append(f.Params, Param{Pos: b.pos(at.Offset), Key: at.Key, Value: at.Value})
		}
	}
	if f.Experiment == "" {
		addError(b.pc, n.offset, "%s %s needs experiment=name", n.name, a.ID)
	}
	if f.Run {
		if f.Alt != "" {
			at, _ := a.get("alt")
			addError(b.pc, at.Offset, "run %s draws nothing, so it takes no alt=", a.ID)
		}
		if at, ok := a.get("vary"); ok {
			addError(b.pc, at.Offset, "run %s draws nothing, so it takes no vary= (a figure does)", a.ID)
		}
	} else {
		b.number(f)
		if first, ok := n.FirstChild().(*ast.Paragraph); ok {
			first.InsertBefore(first, first.FirstChild(), &figLabelNode{number: f.Number})
		} else if n.closed {
			addError(b.pc, n.offset, "figure %s needs a caption: a paragraph before its closing :::", a.ID)
		}
	}
	b.doc.Figures = append(b.doc.Figures, f)
}

// number gives a figure the next number and makes it a target.
func (b *builder) number(f *Figure) {
	if f.Run {
		return
	}
	b.figures++
	f.Number = b.figures
	if f.ID != "" {
		b.doc.Targets[f.ID] = &Target{Kind: "Figure", Number: fmt.Sprint(f.Number)}
	}
}

func lineStart(src []byte, offset int) int {
	for offset > 0 && src[offset-1] != '\n' {
		offset--
	}
	return offset
}

// lineIndex converts byte offsets to positions.
type lineIndex struct {
	file   string
	starts []int // offsets at which lines start
}

func newLineIndex(file string, src []byte) *lineIndex {
	l := &lineIndex{file: file, starts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

func (l *lineIndex) pos(offset int) diag.Pos {
	line := sort.SearchInts(l.starts, offset+1) - 1
	return diag.Pos{File: l.file, Line: line + 1, Col: offset - l.starts[line] + 1}
}
