package bib

import (
	"strings"
	"unicode"
)

// person is one name of an author or editor list, split into BibTeX's
// four parts. Each part is a list of raw words, braces included.
type person struct {
	first, von, last, jr []string
}

// people splits a raw name list such as "Boyd, Stephen and Lieven
// Vandenberghe". others reports an "and others", which is printed as
// "et al.".
func people(raw string) (list []person, others bool) {
	var name []string
	flush := func() {
		if len(name) == 1 && strings.EqualFold(name[0], "others") {
			others = true
		} else if p := newPerson(name); len(p.last) > 0 {
			list = append(list, p)
		}
		name = nil
	}
	for _, w := range splitTop(raw, func(c byte) bool { return isSpace(c) || c == '~' }) {
		if strings.EqualFold(w, "and") {
			flush()
		} else {
			name = append(name, w)
		}
	}
	flush()
	return list, others
}

// splitTop splits s at the bytes for which sep is true, except inside
// braces, and drops empty pieces.
func splitTop(s string, sep func(byte) bool) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch c := s[i]; {
			case c == '{':
				depth++
				continue
			case c == '}':
				depth--
				continue
			case depth > 0 || !sep(c):
				continue
			}
		}
		if i > start {
			out = append(out, s[start:i])
		}
		start = i + 1
	}
	return out
}

// newPerson applies BibTeX's rules to the words of one name: "First von
// Last", "von Last, First" or "von Last, Jr, First".
func newPerson(words []string) person {
	// Commas split the name only outside braces, so "{Barnes, Inc.}"
	// stays whole.
	var parts [][]string
	for _, part := range splitTop(strings.Join(words, " "), func(c byte) bool { return c == ',' }) {
		if w := splitTop(part, isSpace); len(w) > 0 {
			parts = append(parts, w)
		}
	}
	var p person
	switch len(parts) {
	case 0:
		// only commas: nothing to show
	case 1:
		p.first, p.von, p.last = firstVonLast(parts[0])
	case 2:
		p.von, p.last = vonLast(parts[0])
		p.first = parts[1]
	default:
		p.von, p.last = vonLast(parts[0])
		p.jr = parts[1]
		for _, part := range parts[2:] {
			p.first = append(p.first, part...)
		}
	}
	return p
}

// firstVonLast splits the "First von Last" form: the von part runs from
// the first to the last lower case word, the last word always being Last.
func firstVonLast(words []string) (first, von, last []string) {
	n := len(words)
	if n == 0 {
		return nil, nil, nil
	}
	i := 0
	for i < n-1 && !lowerWord(words[i]) {
		i++
	}
	if i == n-1 {
		return words[:n-1], nil, words[n-1:]
	}
	j := n - 2
	for !lowerWord(words[j]) {
		j--
	}
	return words[:i], words[i : j+1], words[j+1:]
}

// vonLast splits the part before the first comma: leading lower case words
// up to the last one before the final word are the von part.
func vonLast(words []string) (von, last []string) {
	for j := len(words) - 2; j >= 0; j-- {
		if lowerWord(words[j]) {
			return words[:j+1], words[j+1:]
		}
	}
	return nil, words
}

// lowerWord reports whether a word starts with a lower case letter. As in
// BibTeX, a word starting with a brace counts as upper case unless the
// brace holds an accent command such as {\"o}.
func lowerWord(w string) bool {
	if strings.HasPrefix(w, "{") && !strings.HasPrefix(w, `{\`) {
		return false
	}
	for _, r := range plain(w) {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

// String formats the name as initials followed by the rest, e.g.
// "G. Ben Arous" or "L. van Beethoven".
func (p person) String() string {
	var out []string
	for _, w := range p.first {
		if in := initials(plain(w)); in != "" {
			out = append(out, in)
		}
	}
	out = append(out, p.surname())
	for _, w := range p.jr {
		out = append(out, plain(w))
	}
	return strings.Join(out, " ")
}

// surname is the von and Last parts, the part an author-year label uses.
func (p person) surname() string {
	var out []string
	for _, w := range append(p.von[:len(p.von):len(p.von)], p.last...) {
		if s := plain(w); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// initials abbreviates a first name: "Jean-Pierre" becomes "J.-P." and
// "D.E." stays as it is.
func initials(w string) string {
	var out []string
	for _, piece := range strings.Split(w, "-") {
		var b strings.Builder
		for _, seg := range strings.Split(piece, ".") {
			for _, r := range seg {
				if unicode.IsLetter(r) {
					b.WriteRune(r)
					b.WriteByte('.')
					break
				}
			}
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return strings.Join(out, "-")
}
