package markup

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
)

// TestCodeIsHighlightedOncePerBlock parses articles that share blocks of
// code, twice, with one parser, as the dev server does after an edit: each
// distinct (language, code) is highlighted once, and every block's HTML is
// what goldmark-highlighting writes for it.
func TestCodeIsHighlightedOncePerBlock(t *testing.T) {
	const (
		goLoss   = "```go\nfunc loss(w float64) float64 { return w * w }\n```\n"
		pyLoss   = "```python\ndef loss(w):\n    return w * w\n```\n"
		goPyLoss = "```go\ndef loss(w):\n    return w * w\n```\n" // the same code in another language
		plain    = "```\nno language\n```\n"
		unknown  = "```klingon\nQapla'\n```\n"
		numbered = "```go {linenos=true}\nfunc f() {}\n```\n"
	)
	article := func(title string, blocks ...string) string {
		return "---\ntitle: " + title + "\ndescription: Code.\n---\n" + strings.Join(blocks, "\nSome prose.\n\n")
	}
	a := article("A", goLoss, pyLoss, goLoss, goPyLoss, plain, unknown, numbered)
	b := article("B", pyLoss, goLoss)
	want := map[string]bool{goLoss: true, pyLoss: true, goPyLoss: true} // the blocks highlighted here

	p := NewParser()
	for round := range 2 {
		for _, src := range []string{a, b, strings.Replace(a, "Some prose.", "Edited prose.", 1)} {
			doc, err := p.Parse("x.md", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := p.Render(&got, doc, stubResolver{}); err != nil {
				t.Fatal(err)
			}
			for _, block := range []string{goLoss, pyLoss, goPyLoss, plain, unknown, numbered} {
				if strings.Contains(src, block) && !strings.Contains(got.String(), highlighted(t, block)) {
					t.Errorf("round %d: the HTML of %q is not goldmark-highlighting's:\n%s", round, block, got.String())
				}
			}
		}
		if n := p.code.computed.Load(); n != int64(len(want)) {
			t.Errorf("round %d: %d blocks highlighted, want %d, one per distinct (language, code)", round, n, len(want))
		}
	}
}

// highlighted returns the HTML goldmark-highlighting writes for a block.
func highlighted(t *testing.T, block string) string {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(highlighting.NewHighlighting(highlighting.WithFormatOptions(highlightOptions...))))
	var b bytes.Buffer
	if err := md.Convert([]byte(block), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
