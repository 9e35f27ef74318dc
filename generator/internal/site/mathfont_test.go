package site

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"codeberg.org/go-fonts/latin-modern/lmmath"
	"github.com/nonconvex/explainer/generator/internal/font"
	"github.com/nonconvex/explainer/generator/internal/markup"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// fontOf returns the name and content of the math font of a built site,
// and the stylesheet that names it.
func fontOf(t *testing.T, files map[string]string) (name, woff2, css string) {
	t.Helper()
	for p, data := range files {
		switch {
		case strings.HasPrefix(p, "assets/") && strings.HasSuffix(p, ".woff2"):
			if name != "" {
				t.Fatalf("two fonts: %s and %s", name, p)
			}
			name, woff2 = p, data
		case strings.HasPrefix(p, "assets/style.") && strings.HasSuffix(p, ".css"):
			css = data
		}
	}
	return name, woff2, css
}

var mathElement = regexp.MustCompile(`(?s)<math\b.*?</math>`)

// missingChars returns the characters the math of the site's pages draws
// that its math font lacks, though Latin Modern Math has them.
func missingChars(t *testing.T, files map[string]string, woff2 string) string {
	t.Helper()
	full, err := font.Chars(lmmath.TTF)
	if err != nil {
		t.Fatal(err)
	}
	have := map[rune]bool{}
	if woff2 != "" {
		if have, err = font.Chars([]byte(woff2)); err != nil {
			t.Fatal(err)
		}
	}
	missing := map[rune]bool{}
	for p, page := range files {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		for _, m := range mathElement.FindAllString(page, -1) {
			markup.MathChars(m, func(r rune) {
				if full[r] && !have[r] {
					missing[r] = true
				}
			})
		}
	}
	var s []rune
	for r := range missing {
		s = append(s, r)
	}
	slices.Sort(s)
	return string(s)
}

// TestMathFontFollowsTheContent builds a site, adds a symbol to an
// article and builds again: the font gains it under a new name, which the
// stylesheet follows, and a cold build of the same content writes the same
// font.
func TestMathFontFollowsTheContent(t *testing.T) {
	cfg := testConfig(t, sitetest.Site, sitetest.NewFakes())
	b := NewBuilder(cfg)
	mustBuild(t, b)
	files := sitetest.Tree(t, cfg.Out)
	name, woff2, css := fontOf(t, files)
	if name == "" {
		t.Fatal("a site with math has no math font")
	}
	if !strings.Contains(css, `url("`+strings.TrimPrefix(name, "assets/")+`") format("woff2")`) {
		t.Errorf("the stylesheet does not load %s", name)
	}
	if m := missingChars(t, files, woff2); m != "" {
		t.Errorf("the font lacks %q", m)
	}
	chars, _ := font.Chars([]byte(woff2))
	if chars['∮'] {
		t.Fatal("the font has ∮ before any page shows it")
	}

	first := filepath.Join(cfg.Content, "first.md")
	src, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(first, append(src, "\nA contour integral, $\\oint_C f$.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, b)
	files = sitetest.Tree(t, cfg.Out)
	name2, woff2, css := fontOf(t, files)
	if name2 == name {
		t.Fatalf("the font kept its name %s with a new symbol", name)
	}
	if !strings.Contains(css, strings.TrimPrefix(name2, "assets/")) {
		t.Errorf("the stylesheet does not load %s", name2)
	}
	chars, _ = font.Chars([]byte(woff2))
	if !chars['∮'] || !chars[0x1D436] { // ∮ and the italic C
		t.Error("the font lacks the new symbol")
	}
	if m := missingChars(t, files, woff2); m != "" {
		t.Errorf("the font lacks %q", m)
	}

	cold := cfg
	cold.Out = filepath.Join(t.TempDir(), "public")
	cold.Cache = "-"
	mustBuild(t, NewBuilder(cold))
	if _, again, _ := fontOf(t, sitetest.Tree(t, cold.Out)); again != woff2 {
		t.Error("a cold build wrote another font")
	}
}

// TestNoMathNoFont builds a site without math: it has no font, and its
// stylesheet names none.
func TestNoMathNoFont(t *testing.T) {
	site := strings.Replace(sitetest.Site, "A line of slope $2$.", "A line of slope two.", 1)
	cfg := testConfig(t, site, sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	name, _, css := fontOf(t, sitetest.Tree(t, cfg.Out))
	if name != "" {
		t.Errorf("a site without math has the font %s", name)
	}
	if strings.Contains(css, "@font-face") || strings.Contains(css, "{{math-font}}") {
		t.Error("the stylesheet of a site without math names a font")
	}
}

// TestMathFontIsCached checks that a second Builder with the same cache
// reuses the font the first made.
func TestMathFontIsCached(t *testing.T) {
	cache := t.TempDir()
	made := func() *mathFont {
		f, err := NewBuilder(Config{Cache: cache}).mathFont("x+y")
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a := made()
	blobs, _ := filepath.Glob(filepath.Join(cache, "*", "*.bin"))
	if len(blobs) != 1 {
		t.Fatalf("the cache holds %v, want one font", blobs)
	}
	// A font in the cache is used as it is: mark it, and see the mark.
	marked := append([]byte(nil), a.woff2...)
	marked[len(marked)-1] ^= 0xFF
	key := filepath.Base(filepath.Dir(blobs[0])) + strings.TrimSuffix(filepath.Base(blobs[0]), ".bin")
	if err := NewBuilder(Config{Cache: cache}).cache.PutBlob(key, marked); err != nil {
		t.Fatal(err)
	}
	if b := made(); string(b.woff2) != string(marked) {
		t.Error("the font was made again rather than taken from the cache")
	}
}
