package markup

import (
	"bytes"
	"strings"
	"testing"
)

// TestLongArticleRendersAsItsParts renders an article of some megabytes,
// whose HTML is kept compressed past its first megabyte, and checks it
// against the HTML of one of its parts, repeated: what the parser keeps of
// an article, plain or compressed, with holes for the resolver, makes the
// same HTML as the part alone.
func TestLongArticleRendersAsItsParts(t *testing.T) {
	// A part: many paragraphs of prose and math, and one of holes.
	part := strings.Repeat("The term $a_{1} + b^{2}$ is small, *and* it grows slowly.\n\n", 400) +
		"A value :val[fig-a.x], a reference @fig-a and [a link](/first/#sec-start) [@boyd2004].\n\n"
	p := NewParser()
	render := func(src string) (*Doc, string) {
		t.Helper()
		doc, err := p.Parse("x.md", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := p.Render(&b, doc, stubResolver{}); err != nil {
			t.Fatal(err)
		}
		if doc.Len() < b.Len() {
			t.Errorf("Len says %d bytes, the HTML has %d", doc.Len(), b.Len())
		}
		return doc, b.String()
	}
	_, one := render(front + part)
	n := 3*plainBytes/len(one) + 1
	doc, long := render(front + strings.Repeat(part, n))
	// Only the first citation of a work has a note of it in the margin.
	note := `<span class="sidenote cite-note" aria-hidden="true"><span class="sn-p">the work boyd2004</span></span>`
	if !strings.Contains(one, note) {
		t.Fatalf("the part has no note of its citation:\n%s", one)
	}
	if want := one + strings.Repeat(strings.Replace(one, note, "", 1), n-1); long != want {
		i := 0
		for i < len(long) && i < len(want) && long[i] == want[i] {
			i++
		}
		t.Fatalf("the long article differs from its parts at byte %d of %d: %q, want %q",
			i, len(want), long[i:min(i+80, len(long))], want[i:min(i+80, len(want))])
	}
	kept, zipped := 0, 0
	for _, pc := range doc.body {
		kept += len(pc.html)
		if pc.zipped {
			zipped++
		}
	}
	if zipped == 0 || kept > plainBytes+len(long)/10 {
		t.Errorf("the parser keeps %d bytes, %d pieces compressed, of %d bytes of HTML", kept, zipped, len(long))
	}
}
