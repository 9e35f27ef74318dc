package markup

import (
	"maps"
	"slices"
	"strings"

	"github.com/yuin/goldmark/parser"
)

// allowedHTML are the HTML elements an article may write, for what
// Markdown has no syntax, each with the attributes it may carry. Any other
// raw HTML is an error: published as it is, it could break the page or
// run script; dropped, it would lose what the author wrote. HTML comments
// are allowed too, as notes that readers do not see.
var allowedHTML = map[string][]string{
	"abbr":    {"title"},
	"br":      nil,
	"details": {"open"},
	"kbd":     nil,
	"mark":    nil,
	"sub":     nil,
	"summary": nil,
	"sup":     nil,
}

// inlineHTML are the allowed elements that must close in the paragraph
// that opens them; details and summary may hold whole blocks.
var inlineHTML = map[string]bool{"abbr": true, "kbd": true, "mark": true, "sub": true, "sup": true}

// instead says what to write in place of an element that is not allowed.
var instead = map[string]string{
	"a": "write [text](address)", "b": "write **bold**", "strong": "write **bold**",
	"i": "write *italic*", "em": "write *emphasis*", "code": "write `code`",
	"pre": "write a fenced code block (```)", "img": "write ![text alternative](address)",
	"p": "leave a blank line between paragraphs", "hr": "write a line ---", "blockquote": "write > quoted text",
	"s": "write ~~struck~~", "del": "write ~~struck~~", "strike": "write ~~struck~~",
	"ul": "write a list (- item)", "ol": "write a list (1. item)", "li": "write a list item (- item)",
	"table": "write a table (| a | b |)", "h1": "write ## Heading", "h2": "write ## Heading",
	"h3": "write ### Heading", "h4": "write #### Heading", "h5": "write #### Heading", "h6": "write #### Heading",
	"script": "pages carry no JavaScript", "style": "the site has one stylesheet",
}

// allowedHTMLList names the allowed elements for messages.
var allowedHTMLList = func() string {
	var names []string
	for _, name := range slices.Sorted(maps.Keys(allowedHTML)) {
		if attrs := allowedHTML[name]; len(attrs) > 0 {
			name += " " + strings.Join(attrs, " ")
		}
		names = append(names, "<"+name+">")
	}
	return strings.Join(names, ", ")
}()

// htmlChecker checks an article's raw HTML, in document order, against
// the allowed elements, and that every element it opens is closed.
type htmlChecker struct {
	open     []openTag
	reported map[string]bool // elements not allowed, reported where they opened
}

type openTag struct {
	name   string
	offset int
}

// check checks one piece of raw HTML: an inline tag or comment, or an
// HTML block.
func (c *htmlChecker) check(pc parser.Context, j joined) {
	s := j.text
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			return
		}
		i += lt
		t, ok := scanTag(s[i:])
		switch {
		case !ok:
			addError(pc, j.offset(i), "< starts no HTML tag here: write &lt; for the character <")
			i++
			continue
		case t.comment:
		case t.other:
			addError(pc, j.offset(i), "raw HTML %s is not allowed", abbreviate(s[i:i+t.size], 20))
		default:
			c.tag(pc, t, i, j)
		}
		i += t.size
	}
}

// tag checks the tag at byte at of the joined text.
func (c *htmlChecker) tag(pc parser.Context, t htmlTag, at int, j joined) {
	offset := j.offset(at)
	attrs, ok := allowedHTML[t.name]
	if !ok {
		what := "<" + t.name + ">"
		if t.closing {
			if c.reported[t.name] {
				return // said at its opening tag
			}
			what = "</" + t.name + ">"
		}
		if c.reported == nil {
			c.reported = make(map[string]bool)
		}
		c.reported[t.name] = true
		if hint, ok := instead[t.name]; ok {
			addError(pc, offset, "raw HTML %s is not allowed: %s", what, hint)
		} else {
			addError(pc, offset, "raw HTML %s is not allowed: write Markdown (the HTML allowed is %s)", what, allowedHTMLList)
		}
		return
	}
	for _, a := range t.attrs {
		if !slices.Contains(attrs, a.name) {
			if len(attrs) == 0 {
				addError(pc, j.offset(at+a.offset), "raw HTML <%s> takes no attributes, got %s", t.name, a.name)
			} else {
				addError(pc, j.offset(at+a.offset), "raw HTML <%s> takes only %s, got %s", t.name, strings.Join(attrs, ", "), a.name)
			}
		}
	}
	switch {
	case t.name == "br":
	case !t.closing:
		c.open = append(c.open, openTag{t.name, offset})
	default:
		i := len(c.open) - 1
		for i >= 0 && c.open[i].name != t.name {
			i--
		}
		if i < 0 {
			addError(pc, offset, "</%s> closes no <%s>", t.name, t.name)
			return
		}
		c.unclosed(pc, i+1)
		c.open = c.open[:i]
	}
}

// unclosed reports the elements opened from open[from] on.
func (c *htmlChecker) unclosed(pc parser.Context, from int) {
	for _, o := range c.open[from:] {
		addError(pc, o.offset, "<%s> is never closed (want </%s>)", o.name, o.name)
	}
}

// mark returns where the open elements stand, as a paragraph starts.
func (c *htmlChecker) mark() int { return len(c.open) }

// endParagraph reports the inline elements opened since mark and not
// closed before the paragraph ended.
func (c *htmlChecker) endParagraph(pc parser.Context, mark int) {
	if mark > len(c.open) {
		return // closed what was opened before: reported
	}
	keep := c.open[:mark]
	for _, o := range c.open[mark:] {
		if inlineHTML[o.name] {
			addError(pc, o.offset, "<%s> is never closed in its paragraph (want </%s>)", o.name, o.name)
		} else {
			keep = append(keep, o)
		}
	}
	c.open = keep
}

// end reports what is still open at the end of the article.
func (c *htmlChecker) end(pc parser.Context) { c.unclosed(pc, 0) }

// htmlTag is a tag, as CommonMark defines raw HTML.
type htmlTag struct {
	name    string // in lower case
	closing bool
	attrs   []htmlAttr
	comment bool // <!-- ... -->
	other   bool // a declaration, processing instruction or CDATA
	size    int  // bytes, from < to >
}

type htmlAttr struct {
	name   string // in lower case
	offset int    // from the tag's <
}

// scanTag reads the tag at the start of s, which starts with '<'.
func scanTag(s string) (htmlTag, bool) {
	var t htmlTag
	switch {
	case strings.HasPrefix(s, "<!--"):
		end := strings.Index(s[2:], "-->") // <!--> and <!---> are comments too
		if end < 0 {
			return t, false
		}
		return htmlTag{comment: true, size: 2 + end + 3}, true
	case strings.HasPrefix(s, "<!"), strings.HasPrefix(s, "<?"):
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return t, false
		}
		return htmlTag{other: true, size: end + 1}, true
	}
	i := 1
	if i < len(s) && s[i] == '/' {
		t.closing = true
		i++
	}
	start := i
	for i < len(s) && (isLetter(s[i]) || i > start && (isDigit(s[i]) || s[i] == '-')) {
		i++
	}
	if i == start {
		return t, false
	}
	t.name = strings.ToLower(s[start:i])
	for {
		ws := i
		for i < len(s) && isHTMLSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return t, false
		}
		switch {
		case s[i] == '>':
			t.size = i + 1
			return t, true
		case s[i] == '/' && !t.closing && i+1 < len(s) && s[i+1] == '>':
			t.size = i + 2
			return t, true
		case t.closing || i == ws:
			return t, false // a closing tag has no attributes; attributes follow a space
		}
		start := i
		for i < len(s) && (isLetter(s[i]) || s[i] == '_' || s[i] == ':' || i > start && (isDigit(s[i]) || s[i] == '.' || s[i] == '-')) {
			i++
		}
		if i == start {
			return t, false
		}
		t.attrs = append(t.attrs, htmlAttr{strings.ToLower(s[start:i]), start})
		j := i
		for j < len(s) && isHTMLSpace(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != '=' {
			continue // an attribute without a value
		}
		j++
		for j < len(s) && isHTMLSpace(s[j]) {
			j++
		}
		if j >= len(s) {
			return t, false
		}
		switch q := s[j]; q {
		case '"', '\'':
			end := strings.IndexByte(s[j+1:], q)
			if end < 0 {
				return t, false
			}
			i = j + 1 + end + 1
		default:
			v := j
			for j < len(s) && !isHTMLSpace(s[j]) && !strings.ContainsRune("\"'=<>`", rune(s[j])) {
				j++
			}
			if j == v {
				return t, false
			}
			i = j
		}
	}
}

func isLetter(c byte) bool    { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func abbreviate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
