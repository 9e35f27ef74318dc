package markup

import (
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// A varied figure, vary="a=0.5,1,2", is written as a figure holding a
// control and one figure per setting:
//
//	<figure class="figure explorable" id="fig-x">
//	<fieldset class="knob" hidden>
//	<legend><code>a</code></legend>
//	<span class="knob-values"><label><input type="radio" name="fig-x" value="0.5">0.5</label>...</span>
//	<output class="knob-now" aria-live="polite"><span>Figure 2 shows a = 0.5</span>...</output>
//	</fieldset>
//	<figure class="figure setting">
//	<img ...><figcaption><p class="setting-name">...</p> caption, links</figcaption>
//	</figure>
//	...
//	</figure>
//
// The stylesheet shows the control, and of the settings and the live
// labels only the one whose radio button is checked, by position. Without
// the stylesheet, the control is hidden and every setting is listed in
// order, each with its caption. The hidden images load lazily, so a page
// fetches only the setting the reader sees.

// maxSettings is the most values a figure may offer: the stylesheet has a
// rule for each position.
const maxSettings = 12

// vary reads a figure's vary="key=v1,v2,..." attribute, reporting what is
// malformed; the site checks each value against the parameter.
func (b *builder) vary(id string, at Attr) *Vary {
	key, list, ok := strings.Cut(at.Value, "=")
	lead := len(key) - len(strings.TrimLeft(key, " \t"))
	key = strings.TrimSpace(key)
	if !ok || key == "" || strings.IndexFunc(key, func(r rune) bool { return r > 127 || !isKeyByte(byte(r)) }) >= 0 {
		addError(b.pc, at.ValueOffset, "figure %s: vary=%q: want the parameter and the values offered, as in vary=\"hidden=2,4,8\"", id, at.Value)
		return nil
	}
	v := &Vary{Pos: b.pos(at.Offset), Key: key, KeyPos: b.pos(at.ValueOffset + lead)}
	offset := at.ValueOffset + len(at.Value) - len(list)
	bad := false
	for _, item := range strings.Split(list, ",") {
		text := strings.TrimSpace(item)
		start := offset + len(item) - len(strings.TrimLeft(item, " \t"))
		if text == "" {
			addError(b.pc, start, "figure %s: vary %s: an empty value (values are separated by commas)", id, key)
			bad = true
		}
		v.Values = append(v.Values, Param{Pos: b.pos(start), Key: key, Value: text})
		offset += len(item) + 1
	}
	switch {
	case bad:
		return nil
	case len(v.Values) < 2:
		addError(b.pc, at.ValueOffset, "figure %s: vary %s: offer at least two values, separated by commas (a figure with one setting needs no vary=)", id, key)
		return nil
	case len(v.Values) > maxSettings:
		addError(b.pc, at.ValueOffset, "figure %s: vary %s: at most %d values, got %d", id, key, maxSettings, len(v.Values))
		return nil
	}
	return v
}

// inVaried reports what a varied figure's caption cannot hold: the
// caption is written once for each setting, and what has an id would have
// it several times.
func (b *builder) inVaried(n ast.Node) {
	fig := b.varied
	what, offset := "", fig.offset
	switch n := n.(type) {
	case *ast.Heading:
		what = "a heading"
		if n.Lines().Len() > 0 {
			offset = lineStart(b.src, n.Lines().At(0).Start)
		}
	case *mathBlock:
		if n.id != "" {
			what, offset = "a labelled equation", n.offset
		}
	case *extast.FootnoteLink:
		what = "a footnote"
		if t, ok := n.PreviousSibling().(*ast.Text); ok {
			offset = t.Segment.Stop
		}
	case *figureNode:
		what, offset = "a figure or run", n.offset
	}
	if what != "" {
		addError(b.pc, offset, "figure %s: its caption is written once for each value of %s it offers, so it cannot hold %s", fig.fig.ID, fig.fig.Vary.Key, what)
	}
}

// varied writes a varied figure: its control, then each setting with the
// caption, the pieces between the figure's opening and closing.
func (f *filler) varied(fig *Figure, caption []piece) {
	v, r := fig.Vary, f.r
	shown := r.Shown(fig)
	key := html.EscapeString(v.Key)
	var b strings.Builder
	fmt.Fprintf(&b, "<figure class=\"figure explorable\" id=\"%s\">\n", fig.ID)
	fmt.Fprintf(&b, "<fieldset class=\"knob\" hidden>\n<legend><code>%s</code></legend>\n<span class=\"knob-values\">", key)
	for i, val := range v.Values {
		checked := ""
		if i == shown {
			checked = " checked"
		}
		value := html.EscapeString(val.Value)
		fmt.Fprintf(&b, `<label><input type="radio" name="%s" value="%s"%s>%s</label>`, fig.ID, value, checked, value)
	}
	b.WriteString("</span>\n<output class=\"knob-now\" aria-live=\"polite\">")
	for _, val := range v.Values {
		fmt.Fprintf(&b, "<span>Figure %d shows %s = %s</span>", fig.Number, key, html.EscapeString(val.Value))
	}
	b.WriteString("</output>\n</fieldset>\n")
	f.write(b.String())
	for i, val := range v.Values {
		media, links := r.Figure(fig, i)
		class := "figure setting"
		if i == shown {
			class += " initial"
		}
		f.write(fmt.Sprintf("<figure class=\"%s\">\n%s\n<figcaption>\n<p class=\"setting-name\"><code>%s</code> = %s</p>\n",
			class, media, key, html.EscapeString(val.Value)))
		f.in = Setting{Figure: fig, Index: i}
		f.fill(caption)
		f.in = Setting{}
		f.write(links + "</figcaption>\n</figure>\n")
	}
	f.write("</figure>\n")
}

// closing returns the index of the figureClose that ends the figure
// opened at body[open].
func closing(body []piece, open int) int {
	depth := 0
	for i := open; i < len(body); i++ {
		switch body[i].hole.(type) {
		case figureOpen:
			depth++
		case figureClose:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(body) // a figure is always closed; this is not reached
}
