package markup

import (
	"slices"
	"strings"
)

// tidyMathML rewrites TreeBlood's MathML, in one pass over its tags, into
// deterministic MathML Core that browsers lay out as TeX would and that
// the Nu HTML Checker accepts:
//
//   - attributes are sorted (TreeBlood writes them in map order), and its
//     inline style is dropped in favour of the stylesheet's;
//   - attributes MathML Core does not use are dropped: mtable's
//     columnalign and rowalign, columnlines, rowspacing... A column's
//     alignment becomes a class of its cells (col-left, col-right), which
//     the stylesheet aligns, as Core does with CSS;
//   - TreeBlood's misspelt strechy is stretchy;
//   - \big( and its kin, which TreeBlood writes as a glyph scaled up by a
//     negative scriptlevel, become operators stretched to TeX's sizes
//     (1.2, 1.8, 2.4 and 3 em), drawn with the font's larger variants;
//   - \max, \lim and the like with limits, which TreeBlood writes as an mi
//     with movablelimits (which only mo has), become an mo, so that their
//     limits go under them in display and beside them in text;
//   - displaystyle and scriptlevel on an element that the checker's
//     MathML 3 schema does not allow them on, such as \tfrac's mfrac,
//     move to an mstyle around it: the same in MathML Core, and valid in
//     both;
//   - a sign that follows an operator other than a closing fence, or opens
//     a row, is marked as a prefix operator: TreeBlood writes every minus
//     as a binary operator, which browsers space as in a − b, so (−1, −1)
//     would read ( − 1, − 1);
//   - an operator name such as log or tanh, which TreeBlood spaces with
//     lspace (which only mo has), gets TeX's thin spaces.
func tidyMathML(mathml string) string {
	t := &tidier{}
	t.b.Grow(len(mathml) + 64)
	for i := 0; i < len(mathml); {
		lt := strings.IndexByte(mathml[i:], '<')
		if lt < 0 {
			t.b.WriteString(mathml[i:])
			break
		}
		t.b.WriteString(mathml[i : i+lt])
		i += lt
		gt := strings.IndexByte(mathml[i:], '>')
		if gt < 0 {
			t.b.WriteString(mathml[i:])
			break
		}
		tag := mathml[i : i+gt+1]
		i += gt + 1
		if strings.HasPrefix(tag, "</") {
			t.close(tag)
			continue
		}
		name, attrs, selfClosing, ok := parseTag(tag)
		if !ok {
			// Not the form TreeBlood writes: leave it.
			t.b.WriteString(tag)
			t.lastTag, t.prevOp = tag, false
			continue
		}
		if tokenElements[name] && !selfClosing {
			closeTag := "</" + name + ">"
			if end := strings.Index(mathml[i:], closeTag); end >= 0 && !strings.Contains(mathml[i:i+end], "<") {
				text := mathml[i : i+end]
				i += end + len(closeTag)
				t.token(name, attrs, text, mathml[i:])
				continue
			}
		}
		t.open(name, attrs, selfClosing)
	}
	return t.b.String()
}

// A tidier is the state of one pass of tidyMathML.
type tidier struct {
	b strings.Builder
	// prevOp is whether the last thing written was an operator after
	// which a sign is a prefix sign, or the opening of a row.
	prevOp  bool
	lastTag string // the last tag written, without its attributes
	stack   []openElement
}

// An openElement is an element whose end tag is still to come.
type openElement struct {
	name    string
	wrapped bool     // in an mstyle that closes after it
	columns []string // an mtable's column alignments
	column  int      // an mtable's next column in the current row
}

// tokenElements hold text.
var tokenElements = map[string]bool{"mi": true, "mn": true, "mo": true, "mtext": true, "ms": true}

type attr struct{ key, value string }

// parseTag splits a start tag of the form TreeBlood writes, with every
// value double-quoted.
func parseTag(tag string) (name string, attrs []attr, selfClosing, ok bool) {
	body := strings.TrimSuffix(strings.TrimPrefix(tag, "<"), ">")
	if body2, found := strings.CutSuffix(body, "/"); found {
		body, selfClosing = body2, true
	}
	name, rest, _ := strings.Cut(strings.TrimSpace(body), " ")
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		key, after, found := strings.Cut(rest, `="`)
		if !found || strings.ContainsAny(key, " \"") {
			return "", nil, false, false
		}
		value, after, found := strings.Cut(after, `"`)
		if !found {
			return "", nil, false, false
		}
		attrs = append(attrs, attr{key, value})
		rest = after
	}
	return name, attrs, selfClosing, name != ""
}

func formatTag(name string, attrs []attr, selfClosing bool) string {
	slices.SortFunc(attrs, func(a, b attr) int { return strings.Compare(a.key, b.key) })
	var b strings.Builder
	b.WriteString("<" + name)
	for _, a := range attrs {
		b.WriteString(" " + a.key + `="` + a.value + `"`)
	}
	if selfClosing {
		b.WriteString("/")
	}
	b.WriteString(">")
	return b.String()
}

func get(attrs []attr, key string) (string, bool) {
	for _, a := range attrs {
		if a.key == key {
			return a.value, true
		}
	}
	return "", false
}

// withClass adds a class to the element's.
func withClass(attrs []attr, class string) []attr {
	for i, a := range attrs {
		if a.key == "class" {
			attrs[i].value += " " + class
			return attrs
		}
	}
	return append(attrs, attr{"class", class})
}

func without(attrs []attr, keys ...string) []attr {
	return slices.DeleteFunc(attrs, func(a attr) bool { return slices.Contains(keys, a.key) })
}

// coreAttributes are the attributes MathML Core gives each element, besides
// the global ones.
var coreAttributes = map[string][]string{
	"math":       {"display", "alttext", "xmlns"},
	"mi":         {"mathvariant"},
	"mo":         {"form", "fence", "separator", "lspace", "rspace", "stretchy", "symmetric", "maxsize", "minsize", "largeop", "movablelimits"},
	"mfrac":      {"linethickness"},
	"mpadded":    {"width", "height", "depth", "lspace", "voffset"},
	"mspace":     {"width", "height", "depth"},
	"mover":      {"accent"},
	"munder":     {"accentunder"},
	"munderover": {"accent", "accentunder"},
	"mtd":        {"columnspan", "rowspan"},
	"annotation": {"encoding"},
}

var globalAttributes = []string{"class", "dir", "displaystyle", "id", "mathbackground", "mathcolor", "mathsize", "scriptlevel", "tabindex"}

// schemaStyle says where the checker's MathML 3 schema allows displaystyle
// and scriptlevel; elsewhere they move to an mstyle.
var schemaStyle = map[string][]string{"math": {"displaystyle"}, "mtable": {"displaystyle"}, "mstyle": {"displaystyle", "scriptlevel"}}

// core returns the attributes MathML Core uses, TreeBlood's misspelling
// corrected and its inline style dropped, and those to move to an mstyle
// around the element.
func core(name string, attrs []attr) (kept, wrap []attr) {
	for _, a := range attrs {
		if a.key == "strechy" {
			a.key = "stretchy"
		}
		switch {
		case (a.key == "displaystyle" || a.key == "scriptlevel") && !slices.Contains(schemaStyle[name], a.key):
			wrap = append(wrap, a)
		case slices.Contains(globalAttributes, a.key), slices.Contains(coreAttributes[name], a.key):
			kept = append(kept, a)
		}
	}
	return kept, wrap
}

// delimiterSizes are the heights of \big, \Big, \bigg and \Bigg, which
// TreeBlood marks with scriptlevel -1 to -4.
var delimiterSizes = map[string]string{"-1": "1.2em", "-2": "1.8em", "-3": "2.4em", "-4": "3em"}

// token writes a token element and its text; rest is the MathML after it.
func (t *tidier) token(name string, attrs []attr, text, rest string) {
	row := false
	if level, ok := get(attrs, "scriptlevel"); ok && delimiterSizes[level] != "" && (name == "mo" || name == "mi") {
		// \big( and its kin: a delimiter of a fixed size. As the base of
		// a script (\big)^2) Chromium sets it below the baseline unless
		// an mrow holds it.
		size := delimiterSizes[level]
		row = isScriptStart(t.lastTag)
		attrs = append(without(attrs, "scriptlevel", "stretchy"),
			attr{"stretchy", "true"}, attr{"symmetric", "true"}, attr{"minsize", size}, attr{"maxsize", size})
		if name == "mi" {
			// As an mi, \Big| had no space around it; it keeps none.
			name, attrs = "mo", append(attrs, attr{"lspace", "0em"}, attr{"rspace", "0em"})
		}
	}
	if limits, ok := get(attrs, "movablelimits"); ok && name == "mi" {
		attrs = without(attrs, "movablelimits")
		if t.lastTag == "<munder>" || t.lastTag == "<mover>" || t.lastTag == "<munderover>" {
			attrs = without(attrs, "lspace")
			// \max_x: an operator whose limits move to the side in
			// text. Like TeX's operators, it has a thin space after it,
			// unless a bracket or the end of the row follows.
			space := thinSpaceWidth
			if next := afterScripts(rest, t.lastTag); next == "" || strings.HasPrefix(next, "</") || opensFence(next) {
				space = "0em"
			}
			name = "mo"
			attrs = append(attrs, attr{"movablelimits", limits}, attr{"lspace", "0em"}, attr{"rspace", space})
		}
	}
	operatorName := false
	if name == "mi" {
		if _, ok := get(attrs, "lspace"); ok {
			operatorName = true
			attrs = without(attrs, "lspace")
		}
	}
	attrs, wrap := core(name, attrs)
	if row {
		t.b.WriteString("<mrow>")
	}
	if len(wrap) > 0 {
		t.b.WriteString(formatTag("mstyle", wrap, false))
	}
	switch {
	case operatorName:
		// An operator name such as log or tanh: a thin space on each side,
		// as TeX spaces it, except after an operator, before an opening
		// bracket, and inside a script, where it is the base.
		base := isScriptStart(t.lastTag)
		if !base && !t.prevOp && t.b.Len() > 0 && t.lastTag != "<mrow>" {
			t.b.WriteString(thinSpace)
		}
		t.b.WriteString(formatTag(name, attrs, false) + text + "</mi>")
		if !base && !opensFence(rest) {
			t.b.WriteString(thinSpace)
		}
		t.prevOp = false
	case name == "mo":
		if len(attrs) == 0 && t.prevOp && isSign(text) {
			attrs = []attr{{"form", "prefix"}}
		}
		form, _ := get(attrs, "form")
		t.b.WriteString(formatTag(name, attrs, false) + text + "</mo>")
		t.prevOp = form != "postfix" && !isClosingFence(text)
	default:
		t.b.WriteString(formatTag(name, attrs, false) + text + "</" + name + ">")
		t.prevOp = false
	}
	if len(wrap) > 0 {
		t.b.WriteString("</mstyle>")
	}
	if row {
		t.b.WriteString("</mrow>")
	}
	t.lastTag = "</" + name + ">"
}

// open writes a start tag of an element that is not a token.
func (t *tidier) open(name string, attrs []attr, selfClosing bool) {
	e := openElement{name: name}
	switch name {
	case "mtable":
		if cols, ok := get(attrs, "columnalign"); ok {
			e.columns = strings.Fields(cols)
		}
	case "mtr":
		if table := t.innermost("mtable"); table != nil {
			table.column = 0
		}
	case "mtd":
		align, ok := get(attrs, "columnalign")
		if table := t.innermost("mtable"); table != nil {
			if !ok && len(table.columns) > 0 {
				// The last alignment holds for the columns after it.
				align = table.columns[min(table.column, len(table.columns)-1)]
			}
			table.column++
		}
		if align == "left" || align == "right" {
			attrs = withClass(attrs, "col-"+align)
		}
	}
	attrs, wrap := core(name, attrs)
	if len(wrap) > 0 {
		t.b.WriteString(formatTag("mstyle", wrap, false))
		e.wrapped = true
	}
	t.b.WriteString(formatTag(name, attrs, selfClosing))
	switch {
	case selfClosing && e.wrapped:
		t.b.WriteString("</mstyle>")
	case !selfClosing:
		t.stack = append(t.stack, e)
	}
	t.lastTag = "<" + name + ">"
	t.prevOp = name == "mrow"
}

// close writes an end tag, and ends the mstyle around its element.
func (t *tidier) close(tag string) {
	t.b.WriteString(tag)
	name := strings.TrimSuffix(strings.TrimPrefix(tag, "</"), ">")
	if n := len(t.stack); n > 0 && t.stack[n-1].name == name {
		if t.stack[n-1].wrapped {
			t.b.WriteString("</mstyle>")
		}
		t.stack = t.stack[:n-1]
	}
	t.lastTag, t.prevOp = tag, false
}

func (t *tidier) innermost(name string) *openElement {
	for i := len(t.stack) - 1; i >= 0; i-- {
		if t.stack[i].name == name {
			return &t.stack[i]
		}
	}
	return nil
}

// afterScripts returns the MathML after the end of the script element
// (munder, mover or munderover, given as its start tag) that rest is
// inside, and after the rows that close with it.
func afterScripts(rest, start string) string {
	name := strings.Trim(start, "<>")
	depth := 1
	for i := 0; i < len(rest); {
		lt := strings.IndexByte(rest[i:], '<')
		if lt < 0 {
			return ""
		}
		i += lt
		gt := strings.IndexByte(rest[i:], '>')
		if gt < 0 {
			return ""
		}
		tag := rest[i : i+gt+1]
		i += gt + 1
		switch {
		case tag == "</"+name+">":
			depth--
		case strings.HasPrefix(tag, "<"+name+">"), strings.HasPrefix(tag, "<"+name+" "):
			depth++
		}
		if depth == 0 {
			rest = rest[i:]
			for strings.HasPrefix(rest, "</mrow>") {
				rest = rest[len("</mrow>"):]
			}
			return rest
		}
	}
	return ""
}

const (
	thinSpaceWidth = "0.1667em"
	thinSpace      = `<mspace width="` + thinSpaceWidth + `"></mspace>`
)

func isScriptStart(tag string) bool {
	switch tag {
	case "<msub>", "<msup>", "<msubsup>", "<munder>", "<mover>", "<munderover>":
		return true
	}
	return false
}

// opensFence reports whether the MathML starts with an opening bracket.
func opensFence(rest string) bool {
	if !strings.HasPrefix(rest, "<mo") {
		return false
	}
	gt := strings.IndexByte(rest, '>')
	return gt > 0 && strings.ContainsAny(rest[gt+1:min(gt+2, len(rest))], "([{")
}

func isSign(s string) bool         { return s == "−" || s == "+" || s == "±" || s == "∓" }
func isClosingFence(s string) bool { return strings.ContainsAny(s, ")]}|‖⟩") }
