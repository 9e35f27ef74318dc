package markup

import (
	"fmt"
	"strings"
)

// An Attr is one attribute of a directive, as written.
type Attr struct {
	Key, Value  string
	Offset      int // byte offset of the key in the source
	ValueOffset int // byte offset of the value, inside its quotes if quoted
}

// attrList is a directive's attribute block {#id key=value key="a b"}.
type attrList struct {
	ID       string
	IDOffset int
	Attrs    []Attr // in source order, without the id
}

// get returns the value of key and whether it was given.
func (l *attrList) get(key string) (Attr, bool) {
	for _, a := range l.Attrs {
		if a.Key == key {
			return a, true
		}
	}
	return Attr{}, false
}

// An attrError is a syntax error at an offset inside an attribute block.
type attrError struct {
	offset int
	msg    string
}

// parseAttrs parses the attribute block that starts at src[0] == '{' and
// sits at byte offset base of the file. It returns the attributes and the
// length of the block including its braces.
func parseAttrs(src []byte, base int) (*attrList, int, *attrError) {
	fail := func(i int, format string, args ...any) (*attrList, int, *attrError) {
		return nil, 0, &attrError{base + i, fmt.Sprintf(format, args...)}
	}
	l := &attrList{}
	seen := make(map[string]bool)
	i := 1
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i >= len(src) || src[i] == '\n' || src[i] == '\r' {
			return fail(0, "attribute block is not closed (want })")
		}
		if src[i] == '}' {
			return l, i + 1, nil
		}
		start := i
		if src[i] == '#' {
			i++
			for i < len(src) && isIDByte(src[i]) {
				i++
			}
			if i == start+1 {
				return fail(start, "malformed attributes: want an id after #")
			}
			if l.ID != "" {
				return fail(start, "malformed attributes: a second id %s", src[start:i])
			}
			l.ID, l.IDOffset = string(src[start+1:i]), base+start
			continue
		}
		for i < len(src) && isKeyByte(src[i]) {
			i++
		}
		if i == start {
			return fail(start, "malformed attributes: unexpected %q", rune(src[i]))
		}
		key := string(src[start:i])
		if i >= len(src) || src[i] != '=' {
			return fail(i, "malformed attributes: want = after %s", key)
		}
		i++
		var value string
		valueStart := i
		switch {
		case i < len(src) && (src[i] == '"' || src[i] == '\''):
			q := src[i]
			end := strings.IndexByte(string(src[i+1:]), q)
			nl := strings.IndexByte(string(src[i+1:]), '\n')
			if end < 0 || nl >= 0 && nl < end {
				return fail(i, "malformed attributes: unclosed quote in %s", key)
			}
			value = string(src[i+1 : i+1+end])
			valueStart = i + 1
			i += end + 2
			if i < len(src) && !strings.ContainsRune(" \t}", rune(src[i])) {
				return fail(i, "malformed attributes: unexpected %q after the quoted value of %s (unbalanced quotes?)", rune(src[i]), key)
			}
		default:
			vstart := i
			for i < len(src) && !strings.ContainsRune(" \t\r\n}\"'", rune(src[i])) {
				i++
			}
			if i == vstart {
				return fail(vstart, "malformed attributes: want a value after %s=", key)
			}
			value = string(src[vstart:i])
		}
		if seen[key] {
			return fail(start, "duplicate attribute %s", key)
		}
		seen[key] = true
		l.Attrs = append(l.Attrs, Attr{Key: key, Value: value, Offset: base + start, ValueOffset: base + valueStart})
	}
}

func isKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}

// validID reports whether s is a well-formed id with the given prefix:
// lower-case letters and digits in hyphen-separated words.
func validID(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) || len(s) == len(prefix) {
		return false
	}
	for _, w := range strings.Split(s, "-") {
		if w == "" {
			return false
		}
		for i := 0; i < len(w); i++ {
			if !isIDByte(w[i]) {
				return false
			}
		}
	}
	return true
}
