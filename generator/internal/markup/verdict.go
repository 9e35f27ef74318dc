package markup

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// A verdict judges the claim a heading states: a page of claims, such as
// the explainer's verdict page, writes
//
//	### “The sigmoid is convex.” {#sec-sigmoid verdict=false}
//
// and the heading shows a badge that says "False" in words, with a mark
// and a colour, so that it reads at a glance and without colour alike.
type verdict string

// verdictBadges are the verdicts a claim may have, with the words and the
// mark of each one's badge.
var verdictBadges = []struct {
	name, words, mark string
}{
	{"true", "True", "✓"},
	{"false", "False", "✗"},
	{"partly", "Partly true", "◐"},
}

// badge returns the HTML of the verdict's badge, or "" if it is not a
// verdict.
func (v verdict) badge() template.HTML {
	for _, b := range verdictBadges {
		if b.name == string(v) {
			return template.HTML(fmt.Sprintf(`<span class="verdict verdict-%s"><span class="verdict-mark" aria-hidden="true">%s</span> %s</span>`, b.name, b.mark, b.words))
		}
	}
	return ""
}

// verdictNames lists the verdicts for error messages: "true, false or
// partly".
func verdictNames() string {
	var names []string
	for _, b := range verdictBadges {
		names = append(names, b.name)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

var kindVerdict = ast.NewNodeKind("Verdict")

// verdictNode is a claim's badge, written before its title.
type verdictNode struct {
	ast.BaseInline
	verdict verdict
}

func (n *verdictNode) Kind() ast.NodeKind { return kindVerdict }
func (n *verdictNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"verdict": string(n.verdict)}, nil)
}

func renderVerdict(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(string(node.(*verdictNode).verdict.badge()))
		w.WriteByte(' ')
	}
	return ast.WalkSkipChildren, nil
}
