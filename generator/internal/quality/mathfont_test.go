package quality

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"codeberg.org/go-fonts/latin-modern/lmmath"
	"github.com/nonconvex/explainer/generator/internal/font"
	"github.com/nonconvex/explainer/generator/internal/markup"
)

var (
	mathElement = regexp.MustCompile(`(?s)<math\b.*?</math>`)
	// fontSource is the source of the math font in the stylesheet: a font
	// installed on the reader's machine, else the site's.
	fontSource = regexp.MustCompile(`src: [^;]*url\("(latinmodern-math\.[0-9a-f]+\.woff2)"\) format\("woff2"\);`)
)

// siteFont returns the math font of the site in dir, as its stylesheet
// names it.
func siteFont(t *testing.T, dir string) []byte {
	t.Helper()
	css, _ := filepath.Glob(filepath.Join(dir, "assets", "style.*.css"))
	if len(css) != 1 {
		t.Fatalf("stylesheets %v, want one", css)
	}
	data, err := os.ReadFile(css[0])
	if err != nil {
		t.Fatal(err)
	}
	m := fontSource.FindSubmatch(data)
	if m == nil {
		t.Fatal("the stylesheet names no math font")
	}
	woff2, err := os.ReadFile(filepath.Join(dir, "assets", string(m[1])))
	if err != nil {
		t.Fatal(err)
	}
	return woff2
}

// mathPages returns the pages of the site in dir that show math, with
// the characters their math draws.
func mathPages(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for _, page := range pages(t, dir) {
		file := page
		if strings.HasSuffix(file, "/") {
			file += "index.html"
		}
		html, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		var chars []rune
		for _, m := range mathElement.FindAll(html, -1) {
			markup.MathChars(string(m), func(r rune) {
				if !slices.Contains(chars, r) {
					chars = append(chars, r)
				}
			})
		}
		if len(chars) > 0 {
			out[page] = string(chars)
		}
	}
	return out
}

// TestMathFontCoversTheMath checks that the math font the site serves has
// every character its pages' math draws, as MathML Core draws it, so that
// none falls back to another font.
func TestMathFontCoversTheMath(t *testing.T) {
	dir := explainer(t)
	have, err := font.Chars(siteFont(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	full, err := font.Chars(lmmath.TTF)
	if err != nil {
		t.Fatal(err)
	}
	math := mathPages(t, dir)
	if len(math) < 5 {
		t.Fatalf("only %d pages show math", len(math))
	}
	for page, chars := range math {
		for _, r := range chars {
			switch {
			case unicode.Is(unicode.Variation_Selector, r):
				// Chooses a form of the character before it, in fonts that
				// have one; drawn as nothing.
			case !full[r]:
				t.Errorf("%s: Latin Modern Math has no %q (%U): it is drawn with another font", page, r, r)
			case !have[r]:
				t.Errorf("%s: the math font lacks %q (%U)", page, r, r)
			}
		}
	}
	t.Logf("the math font has %d characters, %d bytes", len(have), len(siteFont(t, dir)))
}
