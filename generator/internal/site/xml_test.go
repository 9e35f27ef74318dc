package site

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestXMLTextEscapesAsEncodingXML checks the feed's escaping against
// encoding/xml's, on text of every kind of character (markup, controls,
// characters XML forbids, broken UTF-8) written in pieces that cut
// characters in two.
func TestXMLTextEscapesAsEncodingXML(t *testing.T) {
	alphabet := []string{"a", " ", "<", ">", "&", `"`, "'", "\t", "\n", "\r", "\x00", "\x1f", "\x7f",
		"é", "—", "\uFFFD", "\uFFFE", "\uD7FF", "\uE000", "😀", "\U0010FFFF", "\xff", "\xe2\x80", "\xed\xa0\x80"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var src strings.Builder
		for range rng.IntN(40) {
			src.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := src.String()
		var want bytes.Buffer
		xml.EscapeText(&want, []byte(s))
		var got strings.Builder
		x := &xmlText{w: &got}
		for rest := s; rest != ""; {
			n := min(len(rest), 1+rng.IntN(5))
			if rng.IntN(2) == 0 {
				x.Write([]byte(rest[:n]))
			} else {
				x.WriteString(rest[:n])
			}
			rest = rest[n:]
		}
		x.WriteString("") // what is carried stays until the next write
		if got.String()+escapeCarry(x) != want.String() {
			t.Fatalf("%q escaped as %q, want %q", s, got.String()+escapeCarry(x), want.String())
		}
	}
}

// escapeCarry returns the escape of what x carries at the end: a broken
// character, which encoding/xml replaces byte by byte.
func escapeCarry(x *xmlText) string {
	var b bytes.Buffer
	xml.EscapeText(&b, x.carry)
	return b.String()
}
