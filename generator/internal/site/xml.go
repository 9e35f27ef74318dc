package site

import (
	"encoding/xml"
	"io"
	"strings"
	"unicode/utf8"
)

// The feed carries the HTML of every article as the text of an XML
// element. Escaped character by character, as encoding/xml escapes text,
// HTML needs an escape every few bytes (each tag's < and >, each
// attribute's quotes, each line's end), and escaping was most of the time
// a rebuild took to write the feed. So the feed writes each article's
// HTML as a CDATA section, which holds text as it is: only what a CDATA
// section cannot hold needs care, and that is rare in HTML.

// cdata writes what it is given as the text of one or more CDATA
// sections, which Start opens and End closes:
//   - "]]>", which would end the section, is split across two;
//   - a carriage return, which a parser would read as a line feed, is
//     written as a character reference between two sections;
//   - what XML does not allow, control characters and broken UTF-8, is
//     written as U+FFFD, as encoding/xml's EscapeText does.
//
// What it is given may end in the middle of a character, which it keeps
// for the next write.
type cdata struct {
	w        io.StringWriter
	carry    []byte
	brackets int // how many of the last characters written are ], up to 2
	err      error
}

const (
	cdataStart = "<![CDATA["
	cdataEnd   = "]]>"
)

// Start opens a section.
func (x *cdata) Start() {
	x.write(cdataStart)
	x.brackets = 0
}

// End writes what is carried, which can only be a broken character, and
// closes the section.
func (x *cdata) End() error {
	if len(x.carry) > 0 {
		x.write(strings.Repeat("\uFFFD", len(x.carry)))
		x.carry = x.carry[:0]
	}
	x.write(cdataEnd)
	return x.err
}

func (x *cdata) Write(p []byte) (int, error) { return x.WriteString(string(p)) }

func (x *cdata) WriteString(s string) (int, error) {
	n := len(s)
	if len(x.carry) > 0 {
		s = string(x.carry) + s
		x.carry = x.carry[:0]
	}
	cut := len(s)
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if !utf8.FullRuneInString(s[i:]) {
				cut = i
			}
			break
		}
	}
	x.carry = append(x.carry, s[cut:]...)
	x.text(s[:cut])
	return n, x.err
}

// cdataPlain marks the bytes a section holds as they are, whatever comes
// before them: not ] or >, which may end a section, not a control
// character other than tab and line feed, and not the start of a
// character beyond ASCII, which must be checked.
var cdataPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != ']' && c != '>'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// text writes s, whole characters.
func (x *cdata) text(s string) {
	last, brackets := 0, x.brackets
	for i := 0; i < len(s); {
		c := s[i]
		if cdataPlain[c] {
			brackets = 0
			i++
			continue
		}
		esc, width := "", 1
		switch {
		case c == ']':
			brackets = min(brackets+1, 2)
			i++
			continue
		case c == '>' && brackets == 2:
			esc = cdataEnd + cdataStart + ">"
		case c == '>':
		case c == '\r':
			esc = cdataEnd + "&#xD;" + cdataStart
		case c < utf8.RuneSelf:
			esc = "\uFFFD"
		default:
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && width == 1 || !xmlChar(r) {
				esc = "\uFFFD"
			}
		}
		brackets = 0
		if esc == "" {
			i += width
			continue
		}
		x.write(s[last:i])
		x.write(esc)
		i += width
		last = i
	}
	x.brackets = brackets
	x.write(s[last:])
}

func (x *cdata) write(s string) {
	if x.err == nil && s != "" {
		_, x.err = x.w.WriteString(s)
	}
}

// xmlChar reports whether XML allows the character r (beyond ASCII).
func xmlChar(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
