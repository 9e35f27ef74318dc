package markup

import (
	"strings"

	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// A Link is a link or image that points into the site: a path, relative
// to the page or from the site's root, with or without a #fragment, or a
// fragment alone. The site checks that what it points at exists.
type Link struct {
	Pos   diag.Pos
	Dest  string // as written, such as "../symmetry/#sec-orbit" or "#sec-why"
	Image bool
}

// schemes are the URL schemes a link may use. Anything else, such as
// javascript:, vbscript: or data:, could run script or smuggle content,
// and is an error.
var schemes = map[string]bool{"http": true, "https": true, "mailto": true}

// link checks the address of a link, image or autolink, and returns the
// [Link] to record if it points into the site.
func (b *builder) link(n ast.Node, dest string, image bool) *Link {
	offset := max(n.Pos(), 0)
	what := "link"
	if image {
		what = "image"
	}
	scheme, ok := urlScheme(dest)
	switch {
	case ok && !schemes[strings.ToLower(scheme)]:
		addError(b.pc, offset, "%s %s: the scheme %s: is not allowed (use http:, https: or mailto:, or a path in the site)", what, abbreviate(dest, 40), scheme)
	case ok && image && strings.EqualFold(scheme, "mailto"):
		addError(b.pc, offset, "image %s: an image needs an http: or https: address, or a path in the site", abbreviate(dest, 40))
	case ok:
	case strings.HasPrefix(dest, "//"):
		addError(b.pc, offset, "%s %s: write the scheme, as in https:%s", what, abbreviate(dest, 40), abbreviate(dest, 40))
	default:
		return &Link{Pos: b.pos(offset), Dest: dest, Image: image}
	}
	return nil
}

// dropTabsAndNewlines removes what browsers ignore anywhere in a URL. A
// replacer is costly to make and safe to share: made once.
var dropTabsAndNewlines = strings.NewReplacer("\t", "", "\n", "", "\r", "")

// urlScheme returns the scheme of a URL, as browsers read it: they drop
// leading spaces and control characters, and tabs and newlines anywhere.
func urlScheme(dest string) (string, bool) {
	dest = strings.TrimLeft(dest, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	dest = dropTabsAndNewlines.Replace(dest)
	colon := strings.IndexByte(dest, ':')
	if colon <= 0 || strings.ContainsAny(dest[:colon], "/?#") {
		return "", false
	}
	scheme := dest[:colon]
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		if !isLetter(c) && (i == 0 || !isDigit(c) && c != '+' && c != '-' && c != '.') {
			return "", false
		}
	}
	return scheme, true
}

// renderLink writes a link, asking the resolver for the address of one
// that points into the site.
func (nr *nodeRenderer) renderLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	w.WriteString(`<a href="`)
	writeHref(w, n, n.Destination)
	w.WriteByte('"')
	if n.Title != nil {
		w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		w.WriteByte('"')
	}
	w.WriteByte('>')
	return ast.WalkContinue, nil
}

// renderImage writes an image; its text alternative is the text of its
// description.
func (nr *nodeRenderer) renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	w.WriteString(`<img src="`)
	writeHref(w, n, n.Destination)
	w.WriteString(`" alt="`)
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		plainText(w, src, c)
	}
	w.WriteByte('"')
	if n.Title != nil {
		w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		w.WriteByte('"')
	}
	if nr.XHTML {
		w.WriteString(" />")
	} else {
		w.WriteByte('>')
	}
	return ast.WalkSkipChildren, nil
}

// plainText writes the text of a node and its children, escaped; math
// is written as its TeX.
func plainText(w util.BufWriter, src []byte, n ast.Node) {
	switch n := n.(type) {
	case *mathNode:
		if st := stateOf(n); st != nil {
			st.math.inline(n) // for its errors
			html.DefaultWriter.Write(w, []byte(join(src, st.math.tex(n)).text))
		}
		return
	case *ast.Text:
		html.DefaultWriter.Write(w, n.Segment.Value(src))
		if n.SoftLineBreak() {
			w.WriteByte(' ')
		}
		return
	case *ast.String:
		if n.IsCode() { // the typographer's entities
			w.Write(n.Value)
		} else {
			html.DefaultWriter.Write(w, n.Value)
		}
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		plainText(w, src, c)
	}
}

// writeHref writes the address of a link or image: the resolver's, for
// one into the site, or the destination as written.
func writeHref(w util.BufWriter, n ast.Node, dest []byte) {
	if st, rec := stateOf(n), holes(w); st != nil && st.links[n] != nil && rec != nil {
		rec.hole(hrefHole{st.links[n]})
		return
	}
	w.Write(util.EscapeHTML(util.URLEscape(dest, true)))
}
