package site

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the golden pages in testdata/golden")

// pagesSite is the test site with what the templates show besides the
// text: parts, a repository, a footnote, a claim with a verdict, and code
// on one page only.
var pagesSite = strings.NewReplacer(
	"author: Tester\n", "author: Tester\nrepository: https://git.example.org/explainer/blob/main\nparts:\n  - title: \"Part I: Lines\"\n    from: 1\n  - title: \"Part II: Waves\"\n    from: 2\n",
	"@sec-start and @second/fig-wave [@boyd2004].", "@sec-start and @second/fig-wave [@boyd2004].[^why]\n\n[^why]: Because $x$ grows.\n\n### “Lines rise.” {#sec-claim verdict=partly}\n\nWhen their slope is positive.\n",
	"So :check[run-sum.formula].", "So :check[run-sum.formula].\n\n```go\nfmt.Println(\"sum\")\n```\n",
).Replace(sitetest.Site)

// TestGoldenPages compares the pages of a small site with
// testdata/golden: the page around the text (head, header, byline, parts,
// contents, references, footer), which no other test shows whole. Rerun
// with -update when a change is intended, and read the diff.
func TestGoldenPages(t *testing.T) {
	cfg := testConfig(t, pagesSite, sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)
	hash := regexp.MustCompile(`\.[0-9a-f]{10}\.`)
	for _, page := range []string{"index.html", "first/index.html", "second/index.html", "experiments/index.html", "404.html"} {
		got := hash.ReplaceAllString(files[page], ".HASH.")
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(page, "/", "-"))
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to write it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (rerun with -update if the change is intended):\n%s", page, golden, firstDifference(got, string(want)))
		}
	}
}

// firstDifference shows the lines around the first line that differs.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(int64(i+1)) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// TestWhatThePageSaysAroundTheText checks, one by one, the parts of the
// pages that the golden files show whole.
func TestWhatThePageSaysAroundTheText(t *testing.T) {
	cfg := testConfig(t, pagesSite, sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)
	for _, c := range []struct{ file, want string }{
		// The byline: the site's author and the article's date.
		{"first/index.html", `<p class="byline"><span class="author">Tester</span><span class="sep" aria-hidden="true"> · </span><time datetime="2026-01-02">2 January 2026</time></p>`},
		// The part, above the title, links to its list on the home page.
		{"first/index.html", `<p class="kicker"><a href="/#part-1">Part I: Lines</a></p>`},
		{"second/index.html", `<p class="kicker"><a href="/#part-2">Part II: Waves</a></p>`},
		// The home page lists the articles by part, numbered throughout.
		{"index.html", "<section class=\"part\" id=\"part-2\" aria-labelledby=\"part-2-title\">\n<h3 id=\"part-2-title\">Part II: Waves</h3>\n<ol class=\"article-list\" start=\"2\">"},
		// Social cards and icons.
		{"first/index.html", `<meta property="og:type" content="article">`},
		{"first/index.html", `<meta property="og:url" content="https://example.org/first/">`},
		{"first/index.html", `<meta property="article:published_time" content="2026-01-02">`},
		{"index.html", `<meta property="og:type" content="website">`},
		{"first/index.html", `<link rel="icon" href="/favicon.ico" sizes="32x32">`},
		{"first/index.html", `<link rel="apple-touch-icon" href="/apple-touch-icon.png">`},
		// A verdict's badge, in the heading and in the contents.
		{"first/index.html", `<h3 id="sec-claim" class="claim claim-partly"><span class="secnum">1.1</span> <span class="verdict verdict-partly">`},
		{"first/index.html", `<li><a href="#sec-claim"><span class="secnum">1.1</span> <span><span class="verdict verdict-partly"><span class="verdict-mark" aria-hidden="true">◐</span> Partly true</span> “Lines rise.”</span></a></li>`},
		// The experiments page links each source file through the repository.
		{"experiments/index.html", `<dt>Source</dt><dd><a href="https://git.example.org/explainer/blob/main/sitetest/sitetest.go"><code>sitetest/sitetest.go</code></a></dd>`},
		{"experiments/index.html", `<li><a href="#line"><code>line</code></a></li>`},
	} {
		if !strings.Contains(files[c.file], c.want) {
			t.Errorf("%s lacks %s", c.file, c.want)
		}
	}
	// Only the page with code loads the colours of code.
	for page, want := range map[string]bool{"first/index.html": false, "second/index.html": true, "index.html": false} {
		if got := strings.Contains(files[page], `href="/assets/code.`); got != want {
			t.Errorf("%s links the code stylesheet: %v, want %v", page, got, want)
		}
	}
	if strings.Contains(files["index.html"], `class="byline"`) {
		t.Error("the home page, which has no date, has a byline")
	}
}

func TestIconFiles(t *testing.T) {
	cfg := testConfig(t, sitetest.Site, sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)

	touch, err := png.Decode(strings.NewReader(files["apple-touch-icon.png"]))
	if err != nil || touch.Bounds().Dx() != 180 || touch.Bounds().Dy() != 180 {
		t.Errorf("apple-touch-icon.png: %v, %v; want a 180 × 180 PNG", err, touch)
	}
	// An .ico is a directory of images, here PNGs of 16, 32 and 48 pixels.
	ico := []byte(files["favicon.ico"])
	le := binary.LittleEndian
	if len(ico) < 6 || le.Uint16(ico[2:]) != 1 || le.Uint16(ico[4:]) != 3 {
		t.Fatalf("favicon.ico has no icon directory of three images")
	}
	for i, size := range []int{16, 32, 48} {
		entry := ico[6+16*i:]
		n, off := le.Uint32(entry[8:]), le.Uint32(entry[12:])
		img, err := png.Decode(bytes.NewReader(ico[off : off+n]))
		if err != nil || int(entry[0]) != size || img.Bounds().Dx() != size {
			t.Errorf("favicon.ico image %d: %v, want a PNG of %d pixels", i, err, size)
		}
		// The icon fills its square: its corner is clear, its middle not.
		if _, _, _, a := img.At(size/2, size-size/4).RGBA(); a == 0 {
			t.Errorf("favicon.ico image %d is empty", i)
		}
	}
	var svg string
	for name, data := range files {
		if strings.HasPrefix(name, "assets/icon.") {
			svg = data
		}
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil || !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">`) {
		t.Errorf("the SVG icon is not an SVG document: %v\n%s", err, svg)
	}
}

// TestArticlesBeforeTheFirstPart: an article whose order comes before
// every part, as in a corpus written without orders, is listed first on
// the home page under no part's title, and its page names no part.
func TestArticlesBeforeTheFirstPart(t *testing.T) {
	content := strings.Replace(sitetest.Site, "author: Tester\n", "author: Tester\nparts:\n  - title: \"Part I: Waves\"\n    from: 2\n", 1)
	cfg := testConfig(t, content, sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)
	home := files["index.html"]
	first, part := strings.Index(home, `href="/first/"`), strings.Index(home, `id="part-1"`)
	if first < 0 || part < 0 || first > part {
		t.Errorf("the home page lists first at %d and part 1 at %d; want first listed before the part", first, part)
	}
	if second := strings.Index(home, `href="/second/"`); second < part {
		t.Errorf("second, of order 2, is listed at %d, before its part at %d", second, part)
	}
	if strings.Contains(files["first/index.html"], `class="kicker"`) {
		t.Error("first, in no part, names a part above its title")
	}
}

func TestPartsAndRepositoryErrors(t *testing.T) {
	for _, c := range []struct{ name, settings, article, want string }{
		{"a part without a title", "parts:\n  - from: 1\n", "",
			"site.yaml:6: part 1 has no title: give it one, such as title: \"Part I: The question\""},
		{"parts out of order", "parts:\n  - title: A\n    from: 5\n  - title: B\n    from: 2\n", "",
			"site.yaml:8: part 2 starts from order 2, not after part 1 (from: 5): list the parts in reading order"},
		{"an unknown key in a part", "parts:\n  - title: A\n    start: 1\n", "",
			"site.yaml:7: unknown field start (known fields: title, from)"},
		{"a repository that is no address", "repository: github.com/you/explainer\n", "",
			"site.yaml:5: repository must be the address of the source files, such as https://github.com/you/explainer/blob/main, got \"github.com/you/explainer\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			content := strings.Replace(sitetest.Site, "author: Tester\n", "author: Tester\n"+c.settings, 1)
			cfg := testConfig(t, content, sitetest.NewFakes())
			_, err := NewBuilder(cfg).Build(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %s", err, c.want)
			}
		})
	}
}

// TestSocialCardShowsTheHomeFigure gives the home page a figure: every
// page's card then shows it, drawn as a PNG of the size social networks
// want, once for a builder however often it builds.
func TestSocialCardShowsTheHomeFigure(t *testing.T) {
	fakes := sitetest.NewFakes()
	content := strings.Replace(sitetest.Site, "Welcome.", ":::figure{#fig-hero experiment=line slope=3 alt=\"A steep line.\"}\nA steep line.\n:::\n\nWelcome.", 1)
	cfg := testConfig(t, content, fakes)
	b := NewBuilder(cfg)
	mustBuild(t, b)
	files := sitetest.Tree(t, cfg.Out)
	img, err := png.Decode(strings.NewReader(files["card.png"]))
	if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
		t.Fatalf("card.png: %v; want a 1200 × 630 PNG", err)
	}
	for _, page := range []string{"index.html", "first/index.html"} {
		for _, want := range []string{
			`<meta property="og:image" content="https://example.org/card.png">`,
			`<meta property="og:image:alt" content="A steep line.">`,
			`<meta name="twitter:card" content="summary_large_image">`,
		} {
			if !strings.Contains(files[page], want) {
				t.Errorf("%s lacks %s", page, want)
			}
		}
	}
	runs := fakes.Runs("line")
	mustBuild(t, b)
	if fakes.Runs("line") != runs {
		t.Error("a second build drew the card again")
	}
}

// TestValOfAParameter: :val of a parameter the experiment does not report
// prints the figure's setting of it, default or given, so that the prose
// never types the number; a name that is neither stays an error.
func TestValOfAParameter(t *testing.T) {
	for _, c := range []struct{ figure, want string }{
		{`:::figure{#fig-line experiment=line slope=2 alt="A rising line."}`, ">11</span> points"},
		{`:::figure{#fig-line experiment=line slope=2 points=25 alt="A rising line."}`, ">25</span> points"},
	} {
		content := strings.Replace(sitetest.Site, `:::figure{#fig-line experiment=line slope=2 alt="A rising line."}`, c.figure, 1)
		content = strings.Replace(content, "The slope is :val[fig-line.slope] and", "The slope is :val[fig-line.slope], at :val[fig-line.points] points, and", 1)
		cfg := testConfig(t, content, sitetest.NewFakes())
		mustBuild(t, NewBuilder(cfg))
		if page := sitetest.Tree(t, cfg.Out)["first/index.html"]; !strings.Contains(page, c.want) {
			t.Errorf("%s: the page lacks %q", c.figure, c.want)
		}
	}
	content := strings.Replace(sitetest.Site, "The slope is :val[fig-line.slope] and", "The slope is :val[fig-line.steepness] and", 1)
	_, err := NewBuilder(testConfig(t, content, sitetest.NewFakes())).Build(context.Background())
	if err == nil || !strings.Contains(err.Error(), "experiment line computes no value steepness") {
		t.Errorf("a name that is neither a value nor a parameter: %v", err)
	}
}
