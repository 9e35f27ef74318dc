package bib

import (
	"strings"
	"unicode/utf8"
)

// verbatimFields hold identifiers rather than prose: "--" or "~" in a URL
// must stay as written.
var verbatimFields = map[string]bool{"url": true, "doi": true, "eprint": true, "arxiv": true}

// verbatim cleans an identifier field: it drops braces, command names such
// as \url and whitespace (long URLs are often broken across lines), and
// unescapes \_ and friends.
func verbatim(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '{' || c == '}' || isSpace(c):
		case c == '\\' && i+1 < len(raw) && isLetter(raw[i+1]):
			for i+1 < len(raw) && isLetter(raw[i+1]) {
				i++
			}
		case c == '\\' && i+1 < len(raw):
			i++
			b.WriteByte(raw[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// plain turns a raw BibTeX value into display text: braces go, the common
// LaTeX accents, symbols and dashes become Unicode, and whitespace runs
// become single spaces. Math between $ signs is kept as written for a
// later math renderer. Unknown commands such as \emph are dropped while
// their argument remains as text.
func plain(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '{' || c == '}':
			i++
		case c == '~':
			b.WriteString("\u00a0")
			i++
		case c == '$':
			end := mathEnd(raw, i+1)
			b.WriteString(raw[i:end])
			i = end
		case c == '-':
			n := 1
			for i+n < len(raw) && raw[i+n] == '-' {
				n++
			}
			switch n {
			case 2:
				b.WriteString("–")
			case 3:
				b.WriteString("—")
			default:
				b.WriteString(raw[i : i+n])
			}
			i += n
		case (c == '`' || c == '\'') && i+1 < len(raw) && raw[i+1] == c:
			if c == '`' {
				b.WriteString("“")
			} else {
				b.WriteString("”")
			}
			i += 2
		case c == '\\':
			i = command(&b, raw, i)
		default:
			_, size := utf8.DecodeRuneInString(raw[i:])
			b.WriteString(raw[i : i+size])
			i += size
		}
	}
	return collapse(b.String())
}

// mathEnd returns the offset just past the $ that closes math starting at
// i, or the end of s.
func mathEnd(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '$':
			return i + 1
		}
	}
	return len(s)
}

// collapse replaces runs of ASCII whitespace by one space and trims the
// ends. It leaves non-breaking spaces from "~" alone on purpose.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(s[i])
	}
	return b.String()
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// command converts the control sequence at s[i] and returns the offset
// after it.
func command(b *strings.Builder, s string, i int) int {
	if i+1 >= len(s) {
		return i + 1
	}
	c := s[i+1]
	if !isLetter(c) {
		if _, ok := accents[string(c)]; ok {
			return accent(b, s, i+2, string(c))
		}
		switch c {
		case ' ', '\t', '\n', '\r', '\\', ',', ';':
			b.WriteByte(' ')
		case '-', '/', '@':
			// hyphenation point, italic correction, spacing hint
		default:
			b.WriteByte(c) // \& \% \$ \# \_ \{ \}
		}
		return i + 2
	}
	j := i + 1
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	name := s[i+1 : j]
	// TeX swallows the spaces after a control word, so "\ss e" is "ße".
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if _, ok := accents[name]; ok {
		return accent(b, s, j, name)
	}
	b.WriteString(symbols[name])
	return j
}

// accent applies the accent command name to its argument at s[i], either
// a braced group or a single character, and returns the offset after it.
func accent(b *strings.Builder, s string, i int, name string) int {
	// TeX looks past spaces for an undelimited argument: \" a is ä.
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	var arg string
	switch {
	case i == len(s) || s[i] == '}':
		// nothing to accent, as in {\'}
	case s[i] == '{':
		depth, j := 0, i
		for ; j < len(s); j++ {
			if s[j] == '{' {
				depth++
			} else if s[j] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		arg = s[i+1 : min(j, len(s))]
		i = min(j+1, len(s))
	case s[i] == '\\':
		if i+1 < len(s) && (s[i+1] == 'i' || s[i+1] == 'j') && (i+2 == len(s) || !isLetter(s[i+2])) {
			arg = s[i : i+2]
			i += 2
		}
	default:
		_, size := utf8.DecodeRuneInString(s[i:])
		arg = s[i : i+size]
		i += size
	}
	// The dotless \i and \j carry accents in LaTeX; in Unicode the plain
	// letter does.
	switch strings.TrimSpace(arg) {
	case `\i`:
		arg = "i"
	case `\j`:
		arg = "j"
	}
	text := plain(arg)
	if text == "" {
		return i
	}
	r, size := utf8.DecodeRuneInString(text)
	b.WriteString(compose(name, r))
	b.WriteString(text[size:])
	return i
}

// compose returns base with the accent, precomposed when Unicode has such
// a letter and with a combining mark otherwise.
func compose(name string, base rune) string {
	a := accents[name]
	if k := strings.IndexRune(a.bases, base); k >= 0 {
		return string([]rune(a.composed)[k])
	}
	return string(base) + string(a.mark)
}

type accentTable struct {
	mark     rune   // combining character
	bases    string // ASCII letters with a precomposed form ...
	composed string // ... and those forms, rune for byte
}

var accents = map[string]accentTable{
	"'": {'\u0301', "aeiouyAEIOUYcCnNsSzZlLrRgG", "áéíóúýÁÉÍÓÚÝćĆńŃśŚźŹĺĹŕŔǵǴ"},
	"`": {'\u0300', "aeiouAEIOUnN", "àèìòùÀÈÌÒÙǹǸ"},
	"^": {'\u0302', "aeiouAEIOUcCgGhHjJsSwWyY", "âêîôûÂÊÎÔÛĉĈĝĜĥĤĵĴŝŜŵŴŷŶ"},
	`"`: {'\u0308', "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"},
	"~": {'\u0303', "anoiuANOIU", "ãñõĩũÃÑÕĨŨ"},
	"=": {'\u0304', "aeiouAEIOU", "āēīōūĀĒĪŌŪ"},
	".": {'\u0307', "zZcCeEgGI", "żŻċĊėĖġĠİ"},
	"u": {'\u0306', "aAgGuUeEoOiI", "ăĂğĞŭŬĕĔŏŎĭĬ"},
	"v": {'\u030C', "cCsSzZrRnNeEdDtTlL", "čČšŠžŽřŘňŇěĚďĎťŤľĽ"},
	"H": {'\u030B', "oOuU", "őŐűŰ"},
	"c": {'\u0327', "cCsStTgGkKlLnNrR", "çÇşŞţŢģĢķĶļĻņŅŗŖ"},
	"k": {'\u0328', "aAeEiIuU", "ąĄęĘįĮųŲ"},
	"r": {'\u030A', "aAuU", "åÅůŮ"},
	"d": {'\u0323', "", ""},
	"b": {'\u0331', "", ""},
	"t": {'\u0361', "", ""},
}

// symbols maps control words to text. Words not listed here, such as
// \emph or \textbf, produce nothing.
var symbols = map[string]string{
	"ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł",
	"ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
	"i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
	"ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
	"textendash": "–", "textemdash": "—", "textquoteleft": "‘",
	"textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
	"ldots": "…", "dots": "…", "textellipsis": "…",
	"S": "§", "P": "¶", "copyright": "©", "textregistered": "®",
	"texttrademark": "™", "pounds": "£", "euro": "€", "textdegree": "°",
	"textasciitilde": "~", "textbackslash": `\`, "textunderscore": "_",
	"textbar": "|", "textless": "<", "textgreater": ">",
	"TeX": "TeX", "LaTeX": "LaTeX", "BibTeX": "BibTeX", "relax": "",
}
