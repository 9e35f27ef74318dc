package site

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCDATAReadsAsEncodingXML checks the feed's CDATA sections against
// encoding/xml's escaping, on text of every kind of character (markup,
// the ends of sections, controls, characters XML forbids, broken UTF-8)
// written in pieces that cut characters and section ends in two: an XML
// parser reads the same text from both.
func TestCDATAReadsAsEncodingXML(t *testing.T) {
	alphabet := []string{"a", " ", "<", ">", "&", `"`, "'", "]", "]]", "]]>", "\t", "\n", "\r", "\x00", "\x1f", "\x7f",
		"é", "—", "\uFFFD", "\uFFFE", "\uD7FF", "\uE000", "😀", "\U0010FFFF", "\xff", "\xe2\x80", "\xed\xa0\x80"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var src strings.Builder
		for range rng.IntN(40) {
			src.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := src.String()
		var escaped bytes.Buffer
		xml.EscapeText(&escaped, []byte(s))
		var got strings.Builder
		x := &cdata{w: &got}
		x.Start()
		for rest := s; rest != ""; {
			n := min(len(rest), 1+rng.IntN(5))
			if rng.IntN(2) == 0 {
				x.Write([]byte(rest[:n]))
			} else {
				x.WriteString(rest[:n])
			}
			rest = rest[n:]
		}
		if err := x.End(); err != nil {
			t.Fatal(err)
		}
		if read, want := readXMLText(t, got.String()), readXMLText(t, escaped.String()); read != want {
			t.Fatalf("%q written as %q, which reads as %q, want %q", s, got.String(), read, want)
		}
	}
}

// readXMLText returns the text an XML parser reads from the content of
// an element.
func readXMLText(t *testing.T, content string) string {
	t.Helper()
	var text string
	if err := xml.Unmarshal([]byte("<a>"+content+"</a>"), &text); err != nil {
		t.Fatalf("%q is not the content of an element: %v", content, err)
	}
	return text
}
