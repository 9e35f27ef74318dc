package markup

import (
	"fmt"
	"html"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/gohugoio/hugo-goldmark-extensions/passthrough"
	"github.com/wyatt915/treeblood"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

var (
	kindMath      = ast.NewNodeKind("Math")
	kindMathBlock = ast.NewNodeKind("MathBlock")
)

// mathNode is inline math. Its MathML is made as the article's HTML is,
// and not kept.
type mathNode struct {
	ast.BaseInline
	// start and stop are where the TeX is in the source. Math that runs
	// over several lines has stop -1 and its lines in the parse's
	// mathLines at start; so the node of the common case stays small,
	// which counts in an article of many formulas.
	start, stop int
}

// mathLines keeps in the parser context the lines of math that runs over
// several lines, as a *[][]text.Segment.
var mathLines = parser.NewContextKey()

// tex returns where the TeX of inline math is in the source.
func (s *mathSession) tex(n *mathNode) []text.Segment {
	if n.stop >= 0 {
		return []text.Segment{text.NewSegment(n.start, n.stop)}
	}
	return (*s.pc.Get(mathLines).(*[][]text.Segment))[n.start]
}

// mathBlock is display math; a labelled one has an id and a number.
type mathBlock struct {
	ast.BaseBlock
	texStart, texStop int // the TeX, as byte offsets in the source
	closed            bool
	id                string
	offset            int // of the label
	number            int // of a labelled equation
	unnumbered        int // of an equation without a label, counting those
}

func (n *mathNode) Kind() ast.NodeKind          { return kindMath }
func (n *mathBlock) Kind() ast.NodeKind         { return kindMathBlock }
func (n *mathNode) Dump(src []byte, level int)  { ast.DumpHelper(n, src, level, nil, nil) }
func (n *mathBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// mathDelimiters configure the passthrough extension, which keeps the TeX
// of display math in a paragraph away from the Markdown parser, so that _
// and * inside it mean TeX; [dollarParser] does the same for inline math.
var mathDelimiters = passthrough.Config{
	BlockDelimiters: []passthrough.Delimiters{{Open: "$$", Close: "$$"}},
}

// displayInParagraphs turns the passthrough extension's display math in a
// paragraph into display math blocks, never labelled.
func displayInParagraphs(doc ast.Node) {
	var blocks []*passthrough.PassthroughBlock
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*passthrough.PassthroughBlock); ok && entering {
			blocks = append(blocks, b)
		}
		return ast.WalkContinue, nil
	})
	for _, b := range blocks {
		seg := b.Lines().At(0)
		m := &mathBlock{texStart: seg.Start + len(b.Delimiters.Open), texStop: seg.Stop - len(b.Delimiters.Close), closed: true}
		b.Parent().ReplaceChild(b.Parent(), b, m)
	}
}

// A mathSession renders the math of one article as its HTML is made,
// reporting problems at their place. TreeBlood's document is not safe to
// share between goroutines, and articles are parsed concurrently, so each
// parse has its own; the cache is the parser's.
type mathSession struct {
	cache *mathCache
	tb    *treeblood.Pitziil // made when first needed
	pc    parser.Context
	src   []byte
	drawn mathText // the characters its math draws
}

// mathText holds once each character math draws, in the order first drawn.
type mathText struct {
	strings.Builder
	seen map[rune]bool
}

func (t *mathText) add(r rune) {
	if t.seen == nil {
		t.seen = make(map[rune]bool)
	}
	if !t.seen[r] {
		t.seen[r] = true
		t.WriteRune(r)
	}
}

// inline returns the MathML of inline math. (That of a heading is made
// twice, for its title in the table of contents and for the heading: the
// second time comes from the cache, and a problem reported twice is
// reported once.)
func (s *mathSession) inline(n *mathNode) string {
	return s.render(join(s.src, s.tex(n)), false)
}

// display returns the MathML of display math.
func (s *mathSession) display(n *mathBlock) string {
	return s.render(join(s.src, []text.Segment{text.NewSegment(n.texStart, n.texStop)}), true)
}

func (s *mathSession) render(tex joined, display bool) string {
	key := texKey{tex.text, display}
	r, ok := s.cache.get(key)
	if !ok {
		if s.tb == nil {
			s.tb = treeblood.NewDocument(nil, false)
			s.tb.PrintOneLine = true
		}
		r.mathml, r.offset, r.problem = renderTeX(s.tb, tex.text, display)
		s.cache.put(key, r)
	}
	if r.problem != "" {
		addError(s.pc, tex.offset(r.offset), "math: %s", r.problem)
	}
	MathChars(r.mathml, s.drawn.add)
	return r.mathml
}

type texKey struct {
	tex     string
	display bool
}

type texResult struct {
	mathml, problem string
	offset          int
}

// mathCacheBudget bounds the bytes of TeX and MathML a parser keeps.
const mathCacheBudget = 4 << 20

// A mathCache keeps the MathML of the formulas rendered lately.
type mathCache = memo[texKey, texResult]

func newMathCache() *mathCache {
	return newMemo(mathCacheBudget, func(k texKey, r texResult) int { return len(k.tex) + len(r.mathml) + len(r.problem) })
}

// renderTeX converts TeX to deterministic MathML. A problem is returned as
// a message with its byte offset in tex.
func renderTeX(tb *treeblood.Pitziil, tex string, display bool) (mathml string, off int, problem string) {
	if off, msg := checkBraces(tex); msg != "" {
		return "", off, msg
	}
	if off, msg := checkEnvironments(tex); msg != "" {
		return "", off, msg
	}
	var err error
	if display {
		mathml, err = tb.DisplayStyle(tex)
	} else {
		mathml, err = tb.TextStyle(tex)
	}
	if err != nil {
		msg, _, _ := strings.Cut(err.Error(), "<pre>")
		return "", 0, msg
	}
	if m := merror.FindStringSubmatch(mathml); m != nil {
		cmd := html.UnescapeString(m[2])
		off := max(strings.Index(tex, `\`+cmd), 0)
		if m[1] != "" {
			return "", off, fmt.Sprintf(`\%s: %s`, cmd, html.UnescapeString(m[1]))
		}
		return "", off, fmt.Sprintf(`unknown command \%s`, cmd)
	}
	return tidyMathML(strings.TrimSpace(mathml)), 0, ""
}

var merror = regexp.MustCompile(`<merror(?: title="([^"]*)")?>([^<]*)</merror>`)

// checkBraces finds the first unbalanced brace in tex, ignoring \{ and \}.
func checkBraces(tex string) (int, string) {
	var open []int
	for i := 0; i < len(tex); i++ {
		switch tex[i] {
		case '\\':
			i++
		case '{':
			open = append(open, i)
		case '}':
			if len(open) == 0 {
				return i, "unbalanced braces: this } closes nothing"
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return open[len(open)-1], "unbalanced braces: this { is never closed"
	}
	return 0, ""
}

// environments are the LaTeX environments TreeBlood renders. It renders
// the body of any other as if the \begin and \end were not there, which
// would publish something the author did not write.
var environments = map[string]bool{
	"align": true, "align*": true, "aligned": true, "array": true, "cases": true, "subarray": true,
	"matrix": true, "pmatrix": true, "bmatrix": true, "Bmatrix": true, "vmatrix": true, "Vmatrix": true,
}

// checkEnvironments finds the first \begin{name} of an environment
// TreeBlood does not know.
func checkEnvironments(tex string) (int, string) {
	for i := 0; i < len(tex); i++ {
		if tex[i] != '\\' {
			continue
		}
		rest, ok := strings.CutPrefix(tex[i+1:], "begin")
		if !ok {
			i++ // skip the escaped character, so that \\begin is a line break and text
			continue
		}
		rest = strings.TrimLeft(rest, " \t\n")
		if !strings.HasPrefix(rest, "{") {
			continue
		}
		name, _, _ := strings.Cut(rest[1:], "}")
		if !environments[name] {
			return i, fmt.Sprintf("unknown environment %s (known: %s)", name, strings.Join(slices.Sorted(maps.Keys(environments)), ", "))
		}
	}
	return 0, ""
}
