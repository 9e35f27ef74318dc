package bib

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bibliography is the set of entries read from one BibTeX file. Nothing
// changes it after Parse, so pages may be rendered from it concurrently.
type Bibliography struct {
	entries map[string]*Entry
}

// Entry is one reference, such as an @article.
type Entry struct {
	Key    string            // citation key as written, e.g. "choromanska2015"
	Type   string            // lower case entry type, e.g. "article"
	Fields map[string]string // lower case field names to plain Unicode text
	Line   int               // position of the entry's @, for messages
	Col    int               // about it; in bytes, 1-based

	// raw keeps the values with their braces, which HTML and Short need
	// to split author lists the way BibTeX does: a braced "and" or comma
	// belongs to the name. Entries built by hand leave it nil and fall
	// back to Fields.
	raw map[string]string
	// short is Short's label, made once as the entry is parsed: a page
	// asks for it at every citation.
	short string
}

// Lookup returns the entry with exactly this key.
func (b *Bibliography) Lookup(key string) (*Entry, bool) {
	if b == nil {
		return nil, false
	}
	e, ok := b.entries[key]
	return e, ok
}

// Keys returns every entry key in sorted order.
func (b *Bibliography) Keys() []string {
	if b == nil {
		return nil
	}
	keys := make([]string, 0, len(b.entries))
	for k := range b.entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Parse reads a BibTeX file. The name is the path shown in error messages.
//
// When the file has problems, the error is an ErrorList holding all of
// them, and the Bibliography still holds every entry that could be read,
// so that a caller may go on and report unresolved citations in the same
// run.
func Parse(name string, src []byte) (*Bibliography, error) {
	p := &parser{
		name:    name,
		src:     src,
		lines:   []int{0},
		macros:  make(map[string]string),
		entries: make(map[string]*Entry),
		folded:  make(map[string]*Entry),
	}
	for i, c := range src {
		if c == '\n' {
			p.lines = append(p.lines, i+1)
		}
	}
	for _, m := range months {
		p.macros[strings.ToLower(m[:3])] = m
	}
	p.checkUTF8()
	p.parse()
	for _, e := range p.entries {
		e.short = e.makeShort()
	}
	b := &Bibliography{entries: p.entries}
	if len(p.errs) == 0 {
		return b, nil
	}
	p.errs.Sort()
	return b, p.errs
}

// months are BibTeX's predefined abbreviations jan, feb, ..., dec.
var months = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

type parser struct {
	name    string
	src     []byte
	off     int
	lines   []int // offsets where lines start
	errs    ErrorList
	macros  map[string]string // @string abbreviations, lower case names
	entries map[string]*Entry
	folded  map[string]*Entry // by lower case key: BibTeX treats keys differing in case as the same
}

func (p *parser) pos(off int) (line, col int) {
	i := sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off }) - 1
	return i + 1, off - p.lines[i] + 1
}

func (p *parser) errorf(off int, format string, args ...any) {
	line, col := p.pos(off)
	p.errs = append(p.errs, &Error{File: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// checkUTF8 reports at most one invalid byte per line: a file in the wrong
// encoding would otherwise bury the other errors.
func (p *parser) checkUTF8() {
	if utf8.Valid(p.src) {
		return
	}
	last := 0
	for i := 0; i < len(p.src); {
		r, size := utf8.DecodeRune(p.src[i:])
		if r == utf8.RuneError && size == 1 {
			if line, _ := p.pos(i); line != last {
				p.errorf(i, "invalid UTF-8 encoding")
				last = line
			}
		}
		i += size
	}
}

func (p *parser) eof() bool      { return p.off >= len(p.src) }
func (p *parser) is(c byte) bool { return p.off < len(p.src) && p.src[p.off] == c }

func (p *parser) skipSpace() {
	for p.off < len(p.src) && isSpace(p.src[p.off]) {
		p.off++
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isNameByte reports whether c may appear in an entry type, field name or
// @string abbreviation. BibTeX allows more punctuation, but a narrow set
// turns a stray ";" into a clear error instead of a strange field name.
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("_-.:+/", c) >= 0
}

// isKeyByte reports whether c may appear in a citation key: anything that
// does not end the key or start a field.
func isKeyByte(c byte) bool {
	return c > ' ' && c != 0x7f && strings.IndexByte(`,{}()="#%@\`, c) < 0
}

// word reads an entry type, field name or abbreviation.
func (p *parser) word() string {
	start := p.off
	for p.off < len(p.src) && isNameByte(p.src[p.off]) {
		p.off++
	}
	return string(p.src[start:p.off])
}

// describe names the byte at the current offset for "unexpected" messages.
func (p *parser) describe() string {
	if p.eof() {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.src[p.off:])
	return strconv.Quote(string(r))
}

// resync moves to the next line that starts with @, where the next entry
// most likely begins, so that one mistake does not hide the errors in the
// entries after it.
func (p *parser) resync(from int) {
	for i := from; i < len(p.src); i++ {
		if p.src[i] != '\n' {
			continue
		}
		j := i + 1
		for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t' || p.src[j] == '\r') {
			j++
		}
		if j < len(p.src) && p.src[j] == '@' {
			p.off = j
			return
		}
	}
	p.off = len(p.src)
}

// parse reads the file. Outside entries everything is a comment, as in
// BibTeX; "%" additionally comments out the rest of its line so that an
// address like me@example.com in a comment does not start an entry.
func (p *parser) parse() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case '%':
			for p.off < len(p.src) && p.src[p.off] != '\n' {
				p.off++
			}
		case '@':
			p.entry()
		default:
			p.off++
		}
	}
}

// entry reads one @-construct. Each kind that fails leaves p.off where
// parse can carry on.
func (p *parser) entry() {
	at := p.off
	p.off++
	p.skipSpace()
	typ := strings.ToLower(p.word())
	if typ == "" {
		p.errorf(p.off, "expected entry type after @")
		return
	}
	p.skipSpace()
	if !p.is('{') && !p.is('(') {
		if typ == "comment" {
			return // BibTeX ignores the bare word too
		}
		p.errorf(p.off, "expected { or ( after @%s", typ)
		return
	}
	closer := byte('}')
	if p.is('(') {
		closer = ')'
	}
	p.off++
	switch typ {
	case "comment":
		p.comment(at, closer)
	case "preamble":
		p.skipSpace()
		if _, ok := p.value("@preamble", "@preamble"); ok {
			p.closeEntry(at, "@preamble", closer)
		}
	case "string":
		p.fields(at, "@string", "abbreviation", closer, func(name string, _ int, raw string, _ bool) {
			p.macros[name] = raw // a later definition wins, as in BibTeX
		})
	default:
		p.regular(at, typ, closer)
	}
}

// comment skips the body of an @comment, which need only balance braces.
func (p *parser) comment(at int, closer byte) {
	depth := 0
	for i := p.off; i < len(p.src); i++ {
		switch p.src[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth < 0 || depth == 0 && closer == ')' && p.src[i] == ')' {
			p.off = i + 1
			return
		}
	}
	p.errorf(at, "unterminated @comment, missing %c", closer)
	p.resync(at)
}

// closeEntry expects the closing delimiter of the entry that began at at.
func (p *parser) closeEntry(at int, ctx string, closer byte) bool {
	p.skipSpace()
	switch {
	case p.is(closer):
		p.off++
		return true
	case p.eof() || p.is('@'):
		// Most likely a forgotten closer: report it at the entry it
		// belongs to and let parse read the next entry normally.
		p.errorf(at, "%s: unterminated entry, missing %c", ctx, closer)
	default:
		p.errorf(p.off, "%s: unexpected %s, expected %c", ctx, p.describe(), closer)
		p.resync(p.off)
	}
	return false
}

// regular reads an entry with a key and fields, such as @article.
func (p *parser) regular(at int, typ string, closer byte) {
	p.skipSpace()
	keyOff := p.off
	for p.off < len(p.src) && isKeyByte(p.src[p.off]) {
		p.off++
	}
	key := string(p.src[keyOff:p.off])
	p.skipSpace()
	if key == "" || p.is('=') {
		// "@article{title = ..." reads the first field name as the key.
		p.errorf(keyOff, "@%s: missing key", typ)
		p.resync(keyOff)
		return
	}
	ctx := "entry " + key
	switch {
	case p.is(','):
		p.off++
	case p.is(closer), p.eof(), p.is('@'):
		// fields reports the closer or its absence
	default:
		p.errorf(p.off, "%s: missing comma after key", ctx)
		p.resync(p.off)
		return
	}
	line, col := p.pos(at)
	e := &Entry{Key: key, Type: typ, Fields: make(map[string]string), Line: line, Col: col,
		raw: make(map[string]string)}
	setAt := make(map[string]int)
	flawed := make(map[string]bool)
	ok := p.fields(at, ctx, "field", closer, func(name string, off int, raw string, bad bool) {
		if first, dup := setAt[name]; dup {
			l, _ := p.pos(first)
			p.errorf(off, "%s: duplicate field %s, first set on line %d", ctx, name, l)
			return
		}
		setAt[name] = off
		flawed[name] = bad
		raw = strings.ToValidUTF8(raw, "\uFFFD")
		e.raw[name] = raw
		if verbatimFields[name] {
			e.Fields[name] = verbatim(raw)
		} else {
			e.Fields[name] = plain(raw)
		}
	})
	if !ok {
		return
	}
	p.checkRequired(e, at, ctx, flawed)
	if first, dup := p.folded[strings.ToLower(key)]; dup {
		as := ""
		if first.Key != key {
			as = " as " + first.Key
		}
		p.errorf(keyOff, "%s: duplicate key, first defined%s on line %d", ctx, as, first.Line)
		return
	}
	p.folded[strings.ToLower(key)] = e
	p.entries[key] = e
}

// checkRequired reports the fields without which the formatted reference
// would be useless. A field that is present but empty counts as missing,
// unless its value already had an error.
func (p *parser) checkRequired(e *Entry, at int, ctx string, flawed map[string]bool) {
	var people, year bool
	switch e.Type {
	case "article", "inproceedings", "book":
		people, year = true, true
	case "misc":
	default:
		return
	}
	missing := func(name string) bool { return e.Fields[name] == "" && !flawed[name] }
	if people && missing("author") && missing("editor") {
		p.errorf(at, "%s: missing field author or editor", ctx)
	}
	if missing("title") {
		p.errorf(at, "%s: missing field title", ctx)
	}
	if year && e.year() == "" && !flawed["year"] && !flawed["date"] {
		p.errorf(at, "%s: missing field year", ctx)
	}
}

// fields reads "name = value" pairs up to the closer, calling set for each
// with the lower case name, the name's offset, the raw value and whether
// the value had errors. It reports false when the entry had to be
// abandoned.
func (p *parser) fields(at int, ctx, noun string, closer byte, set func(string, int, string, bool)) bool {
	swallow, swallowed := -1, "" // a value that seems to contain the next field
	for {
		p.skipSpace()
		if p.is(closer) {
			p.off++
			return true
		}
		if p.eof() || p.is('@') {
			p.unterminated(at, ctx, closer, swallow, swallowed)
			return false
		}
		nameOff := p.off
		name := strings.ToLower(p.word())
		if name == "" {
			p.errorf(p.off, "%s: unexpected %s, expected %s name", ctx, p.describe(), noun)
			p.resync(p.off)
			return false
		}
		p.skipSpace()
		if !p.is('=') {
			p.errorf(p.off, "%s: expected = after %s %s", ctx, noun, name)
			p.resync(p.off)
			return false
		}
		p.off++
		p.skipSpace()
		errs := len(p.errs)
		valueOff := p.off
		raw, ok := p.value(ctx, noun+" "+name)
		if !ok {
			return false
		}
		if swallow < 0 && fieldLine.MatchString(raw) {
			swallow, swallowed = valueOff, noun+" "+name
		}
		set(name, nameOff, raw, len(p.errs) > errs)
		p.skipSpace()
		switch {
		case p.is(','):
			p.off++
		case p.is(closer):
			p.off++
			return true
		case p.eof() || p.is('@'):
			p.unterminated(at, ctx, closer, swallow, swallowed)
			return false
		case isNameByte(p.src[p.off]):
			// Carry on as if the comma were there, to find later errors.
			next := p.off
			for next < len(p.src) && isNameByte(p.src[next]) {
				next++
			}
			p.errorf(p.off, "%s: missing comma before %s %s", ctx, noun, strings.ToLower(string(p.src[p.off:next])))
		default:
			p.errorf(p.off, "%s: unexpected %s after %s %s", ctx, p.describe(), noun, name)
			p.resync(p.off)
			return false
		}
	}
}

// fieldLine matches a line that starts like "year = 2015" inside a value.
var fieldLine = regexp.MustCompile(`\n[ \t]*[A-Za-z][A-Za-z0-9_-]*[ \t]*=`)

// unterminated reports an entry that lacks its closer. The usual cause is
// an unbalanced { in a value, which then runs on through the following
// fields and takes the entry's } for its own; when a value looks like
// that, the error points at it rather than at the entry.
func (p *parser) unterminated(at int, ctx string, closer byte, swallow int, what string) {
	if swallow >= 0 {
		p.errorf(swallow, "%s: unterminated entry, probably unbalanced braces in %s", ctx, what)
		return
	}
	p.errorf(at, "%s: unterminated entry, missing %c", ctx, closer)
}
