package bib

import "strings"

// value reads a field value: braced text, quoted text, a number or an
// @string abbreviation, possibly joined by #. It returns the text with the
// outer delimiters removed and inner braces kept. what names the value in
// messages, e.g. "field title". It reports false when the entry had to be
// abandoned; an unknown abbreviation is not a reason to, since the rest of
// the entry can still be checked.
func (p *parser) value(ctx, what string) (string, bool) {
	var b strings.Builder
	for part := 0; ; part++ {
		start := p.off
		switch {
		case p.is('{'):
			end := p.braced(start)
			if end < 0 {
				p.errorf(start, "%s: unterminated value of %s, missing }", ctx, what)
				p.resync(start)
				return "", false
			}
			b.Write(p.src[start+1 : end])
			p.off = end + 1
		case p.is('"'):
			end, bad := p.quoted(start)
			if end < 0 {
				p.errorf(start, "%s: unterminated value of %s, missing %s", ctx, what, bad)
				p.resync(start)
				return "", false
			}
			if bad != "" {
				// A quoted value cannot close a brace it did not open.
				p.errorf(end, "%s: unbalanced } in value of %s", ctx, what)
				p.resync(end)
				return "", false
			}
			b.Write(p.src[start+1 : end])
			p.off = end + 1
		case !p.eof() && '0' <= p.src[p.off] && p.src[p.off] <= '9':
			tok := p.word()
			if strings.Trim(tok, "0123456789") != "" {
				p.errorf(start, "%s: value %s of %s must be in braces or quotes", ctx, tok, what)
			}
			b.WriteString(tok)
		case !p.eof() && isNameByte(p.src[p.off]):
			name := p.word()
			if text, ok := p.macros[strings.ToLower(name)]; ok {
				b.WriteString(text)
			} else {
				p.errorf(start, "%s: unknown @string abbreviation %s", ctx, name)
			}
		default:
			if part == 0 {
				p.errorf(start, "%s: missing value for %s", ctx, what)
			} else {
				p.errorf(start, "%s: missing value after # in %s", ctx, what)
			}
			p.resync(start)
			return "", false
		}
		p.skipSpace()
		if !p.is('#') {
			return b.String(), true
		}
		p.off++
		p.skipSpace()
	}
}

// braced returns the offset of the brace that closes the one at start, or
// -1. Like BibTeX it counts every brace, escaped or not: \{ must be
// balanced in a .bib file too.
func (p *parser) braced(start int) int {
	depth := 0
	for i := start; i < len(p.src); i++ {
		switch p.src[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// quoted returns the offset of the quote that closes the one at start. A
// quote inside braces does not close it. When the value is unterminated
// it returns -1 and the delimiter that is missing; when a brace closes
// below depth zero it returns that brace's offset and "}".
func (p *parser) quoted(start int) (int, string) {
	depth := 0
	for i := start + 1; i < len(p.src); i++ {
		switch p.src[i] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, "}"
			}
			depth--
		case '"':
			if depth == 0 {
				return i, ""
			}
		}
	}
	if depth > 0 {
		return -1, "}"
	}
	return -1, `"`
}
