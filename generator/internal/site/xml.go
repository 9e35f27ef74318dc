package site

import (
	"encoding/xml"
	"io"
	"strings"
	"unicode/utf8"
)

// The feed carries the HTML of every article escaped as XML text, which
// makes escaping a good part of a large site's build: xmlText escapes
// as encoding/xml's EscapeText does, byte for byte, but writes the runs
// of characters that need no escape whole rather than a character at a
// time.

// xmlText writes what it is given as escaped XML text. What it is given
// may end in the middle of a character, which it keeps for the next write.
type xmlText struct {
	w     io.StringWriter
	carry []byte
	err   error
}

func (x *xmlText) Write(p []byte) (int, error) { return x.WriteString(string(p)) }

func (x *xmlText) WriteString(s string) (int, error) {
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
	x.escape(s[:cut])
	return n, x.err
}

// xmlEscapes are the escapes of the ASCII characters that need one.
var xmlEscapes = func() (t [utf8.RuneSelf]string) {
	for c := range byte(0x20) {
		t[c] = "\uFFFD" // not allowed in XML
	}
	t['"'], t['\''], t['&'], t['<'], t['>'] = "&#34;", "&#39;", "&amp;", "&lt;", "&gt;"
	t['\t'], t['\n'], t['\r'] = "&#x9;", "&#xA;", "&#xD;"
	return t
}()

// escape writes s, whole characters, escaped.
func (x *xmlText) escape(s string) {
	last := 0
	for i := 0; i < len(s); {
		esc, width := "", 1
		if c := s[i]; c < utf8.RuneSelf {
			esc = xmlEscapes[c]
		} else {
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && width == 1 || !xmlChar(r) {
				esc = "\uFFFD"
			}
		}
		if esc == "" {
			i += width
			continue
		}
		x.write(s[last:i])
		x.write(esc)
		i += width
		last = i
	}
	x.write(s[last:])
}

func (x *xmlText) write(s string) {
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
