package markup

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

var (
	kindDirective = ast.NewNodeKind("Directive")
	kindRef       = ast.NewNodeKind("Ref")
	kindCite      = ast.NewNodeKind("Cite")
)

// directiveNode is an inline :val[...] or :check[...].
type directiveNode struct {
	ast.BaseInline
	d      *Directive
	offset int
}

// refNode is an @ reference.
type refNode struct {
	ast.BaseInline
	r      *Ref
	offset int
}

// citeNode is a citation of one or more keys, [@a; @b, p. 3].
type citeNode struct {
	ast.BaseInline
	cites   []*Cite
	offsets []int
}

func (n *directiveNode) Kind() ast.NodeKind { return kindDirective }
func (n *refNode) Kind() ast.NodeKind       { return kindRef }
func (n *citeNode) Kind() ast.NodeKind      { return kindCite }
func (n *directiveNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"name": n.d.Name, "target": n.d.Target, "key": n.d.Key}, nil)
}
func (n *refNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"target": n.r.Target}, nil)
}
func (n *citeNode) Dump(src []byte, level int) {
	var keys []string
	for _, c := range n.cites {
		keys = append(keys, c.Key)
	}
	ast.DumpHelper(n, src, level, map[string]string{"keys": strings.Join(keys, ";")}, nil)
}

// inlineDirectives are the inline directive names.
var inlineDirectives = map[string]bool{"val": true, "check": true}

// precededByWord reports whether the byte before the reader's position is
// part of a word, in which case ':' or '@' starts no directive or reference
// ("ratio 1:2", "someone@example.org").
func precededByWord(block text.Reader) bool {
	r := block.PrecendingCharacter()
	return r == '_' || r == '\\' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// directiveInlineParser parses :name[target.key].
type directiveInlineParser struct{}

func (directiveInlineParser) Trigger() []byte { return []byte{':'} }

func (directiveInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if precededByWord(block) {
		return nil
	}
	i := 1
	for i < len(line) && isKeyByte(line[i]) {
		i++
	}
	name := string(line[1:i])
	if name == "" || i >= len(line) || line[i] != '[' {
		return nil
	}
	if !inlineDirectives[name] {
		addError(pc, seg.Start, "unknown directive :%s (want :val[...] or :check[...])", name)
		return nil
	}
	end := bytes.IndexByte(line[i:], ']')
	if end < 0 {
		addError(pc, seg.Start, "directive :%s is not closed (want ])", name)
		return nil
	}
	body := string(line[i+1 : i+end])
	target, key, ok := strings.Cut(body, ".")
	block.Advance(i + end + 1)
	if !ok || !validTarget(target, "") || !validID(key, "") {
		addError(pc, seg.Start, "directive :%s[%s]: want :%s[figure-id.name]", name, body, name)
		return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+i+end+1)) // not looked up as well
	}
	return &directiveNode{d: &Directive{Name: name, Target: target, Key: key}, offset: seg.Start}
}

// refInlineParser parses @fig-x, @eq-x, @sec-x and @slug/fig-x.
type refInlineParser struct{}

// refKinds are the prefixes a reference may carry and what each names.
var refKinds = map[string]string{"fig-": "Figure", "eq-": "Equation", "sec-": "Section"}

func (refInlineParser) Trigger() []byte { return []byte{'@'} }

func (refInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if precededByWord(block) {
		return nil
	}
	i := 1
	for i < len(line) && (isKeyByte(line[i]) || line[i] == '/' || line[i] == '.') {
		i++
	}
	for i > 1 && strings.ContainsRune("-/.", rune(line[i-1])) {
		i-- // a full stop, hyphen or slash ending a sentence is not part of the id
	}
	target := string(line[1:i])
	_, id, _ := CutSlug(target)
	if refKind(id) == "" {
		return nil // an @ that is not a reference, such as a handle
	}
	block.Advance(i)
	if !validTarget(target, "") {
		addError(pc, seg.Start, "malformed reference @%s (ids use lower-case letters, digits and hyphens)", target)
		return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+i)) // not looked up as well
	}
	return &refNode{r: &Ref{Target: target}, offset: seg.Start}
}

// refKind returns what an id names, or "".
func refKind(id string) string {
	for prefix, kind := range refKinds {
		if strings.HasPrefix(id, prefix) {
			return kind
		}
	}
	return ""
}

// CutSlug splits a target "slug/id" at its last slash; found is false for
// a bare id. A slug may itself hold slashes ("part-1/why").
func CutSlug(target string) (slug, id string, found bool) {
	i := strings.LastIndexByte(target, '/')
	if i < 0 {
		return "", target, false
	}
	return target[:i], target[i+1:], true
}

// validTarget reports whether target is an id, optionally after "slug/".
func validTarget(target, prefix string) bool {
	slug, id, found := CutSlug(target)
	if !found {
		return validID(id, prefix)
	}
	for _, part := range strings.Split(slug, "/") {
		if !validID(part, "") {
			return false
		}
	}
	return validID(id, prefix)
}

// citeInlineParser parses [@key], [@key, locator] and [@a; @b].
type citeInlineParser struct{}

func (citeInlineParser) Trigger() []byte { return []byte{'['} }

func (citeInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) < 3 || line[1] != '@' {
		return nil
	}
	end := bytes.IndexByte(line, ']')
	if end < 0 || bytes.IndexByte(line[1:end], '[') >= 0 {
		return nil
	}
	if end+1 < len(line) && (line[end+1] == '(' || line[end+1] == '[') {
		return nil // a link whose text starts with @
	}
	n := &citeNode{}
	pos := 1
	for _, part := range strings.Split(string(line[1:end]), ";") {
		off := seg.Start + pos + (len(part) - len(strings.TrimLeft(part, " ")))
		pos += len(part) + 1
		part = strings.TrimSpace(part)
		key, locator, _ := strings.Cut(part, ",")
		key = strings.TrimPrefix(key, "@")
		if !strings.HasPrefix(part, "@") || !validKey(key) {
			addError(pc, off, "malformed citation %q (want [@key] or [@key, locator])", part)
			continue
		}
		n.cites = append(n.cites, &Cite{Key: key, Locator: strings.TrimSpace(locator)})
		n.offsets = append(n.offsets, off)
	}
	block.Advance(end + 1)
	return n
}

// validKey reports whether s is a BibTeX key.
func validKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isKeyByte(s[i]) && !strings.ContainsRune(":.+", rune(s[i])) {
			return false
		}
	}
	return true
}

// describe names a directive for error messages.
func (d *Directive) describe() string { return fmt.Sprintf(":%s[%s.%s]", d.Name, d.Target, d.Key) }
