package markup

import (
	"bytes"
	"strings"
	"sync/atomic"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Highlighting a block of code is the costliest thing an article's HTML
// asks for: chroma runs a lexer of regular expressions over it, and
// goldmark-highlighting makes a new HTML formatter for every block, which
// works out its style's CSS again each time although, with classes, the
// HTML does not depend on the style. So a block of code with a language
// chroma knows, and no {attributes} after it, is highlighted here, by one
// formatter, and its HTML is kept by (language, code): a block that comes
// again, in another article or in a rebuild after an edit, is not
// highlighted again. Every other block (no language, one chroma does not
// know, or attributes such as {linenos=true}) is left to
// goldmark-highlighting, as before.

// highlightOptions are chroma's HTML options: classes, never inline
// styles (the stylesheet has the colours).
var highlightOptions = []chromahtml.Option{chromahtml.WithClasses(true)}

// codeCacheBudget bounds the bytes of code and HTML a highlighter keeps.
const codeCacheBudget = 8 << 20

// A highlighter renders fenced code blocks. It is safe for concurrent use.
type highlighter struct {
	formatter *chromahtml.Formatter
	style     *chroma.Style
	// other is goldmark-highlighting's renderer, for the blocks it
	// renders; made by newHighlighter, configured with goldmark's options
	// through SetOption.
	other    renderer.NodeRenderer
	otherRun renderer.NodeRendererFunc

	done     *memo[codeKey, string] // the HTML of blocks highlighted lately
	computed atomic.Int64           // blocks highlighted, for tests
}

// codeKey is a block of code to highlight.
type codeKey struct{ lang, code string }

func newHighlighter() *highlighter {
	h := &highlighter{
		formatter: chromahtml.New(highlightOptions...),
		style:     styles.Get("github"), // goldmark-highlighting's; with classes, only a formality
		other:     highlighting.NewHTMLRenderer(highlighting.WithFormatOptions(highlightOptions...)),
		done:      newMemo(codeCacheBudget, func(k codeKey, html string) int { return len(k.lang) + len(k.code) + len(html) }),
	}
	h.other.RegisterFuncs(registerFunc(func(_ ast.NodeKind, f renderer.NodeRendererFunc) { h.otherRun = f }))
	return h
}

// registerFunc takes goldmark-highlighting's renderer function, to call
// it from the highlighter's own.
type registerFunc func(ast.NodeKind, renderer.NodeRendererFunc)

func (r registerFunc) Register(k ast.NodeKind, f renderer.NodeRendererFunc) { r(k, f) }

// RegisterFuncs takes over fenced code blocks from goldmark-highlighting.
func (h *highlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, h.render)
}

// SetOption passes goldmark's HTML options (XHTML, say) on to the
// renderer of the blocks left to goldmark-highlighting.
func (h *highlighter) SetOption(name renderer.OptionName, value any) {
	if s, ok := h.other.(renderer.SetOptioner); ok {
		s.SetOption(name, value)
	}
}

func (h *highlighter) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	var info []byte
	if n.Info != nil {
		info = n.Info.Segment.Value(src)
	}
	lang := n.Language(src)
	if lang == nil || n.Attributes() != nil || bytes.IndexByte(info, '{') >= 0 {
		return h.otherRun(w, src, node, entering)
	}
	var code strings.Builder
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		code.Write(line.Value(src))
	}
	html, ok := h.highlight(codeKey{string(lang), code.String()})
	if !ok {
		return h.otherRun(w, src, node, entering)
	}
	w.WriteString(html)
	return ast.WalkContinue, nil
}

// highlight returns the HTML of a block of code, or false if chroma has
// no lexer for its language or cannot lex it.
func (h *highlighter) highlight(k codeKey) (string, bool) {
	if html, ok := h.done.get(k); ok {
		return html, true
	}
	lexer := lexers.Get(k.lang)
	if lexer == nil {
		return "", false
	}
	tokens, err := tokenise(lexer, k.code)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	b.Grow(8 * len(k.code))
	if err := h.formatter.Format(&b, h.style, tokens); err != nil {
		return "", false
	}
	h.computed.Add(1)
	h.done.put(k, b.String())
	return b.String(), true
}

// tokenise lexes code with lexer, as chroma.Coalesce(lexer) does, but Go
// by lexGo where it can.
func tokenise(lexer chroma.Lexer, code string) (chroma.Iterator, error) {
	if lexer == lexers.Go {
		if tokens, ok := lexGo(code); ok {
			return chroma.Literator(tokens...), nil
		}
	}
	return chroma.Coalesce(lexer).Tokenise(nil, code)
}
