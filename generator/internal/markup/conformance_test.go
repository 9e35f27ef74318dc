package markup

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"
)

// deviations are the CommonMark examples the project's dialect renders
// differently from plain goldmark on purpose, with the reason. The dialect
// also gives meaning to text no spec example contains: $...$ is math,
// @fig-x a reference, [@key] a citation, :val[...] and :check[...] values,
// and lines opening with :: or ::: directives.
var deviations = map[int]string{
	43:  "a document opening with --- starts YAML front matter, so the break is read as its start",
	96:  "a document opening with --- starts YAML front matter, so the setext underline is read as its start",
	98:  "a document opening with --- starts YAML front matter",
	100: "the front matter extension also takes a --- after a leading indented code block for front matter; articles always open with front matter, so this cannot arise",
	142: "fenced code with a language is highlighted with chroma's classes",
	143: "fenced code with a language is highlighted with chroma's classes",
	226: "the GFM autolink extension leaves the trailing spaces before a hard line break in the text; browsers collapse them, so the page looks the same",
	635: "the GFM autolink extension leaves the trailing spaces before a hard line break in the text; browsers collapse them, so the page looks the same",
	608: "GFM autolinks: a bare URL becomes a link",
	611: "GFM autolinks: a bare URL becomes a link",
	612: "GFM autolinks: a bare e-mail address becomes a link",
}

// TestCommonMarkConformance runs the CommonMark spec examples that ship
// with goldmark through the project's configured pipeline. Every example
// plain goldmark passes must still pass, apart from the listed deviations.
// The decorations the project adds on purpose (heading ids and anchors,
// typographic quotes and dashes) are normalised away before comparing.
func TestCommonMarkConformance(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/goldmark").Output()
	if err != nil {
		t.Skipf("cannot locate the goldmark module: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "_test", "spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct {
		Markdown, HTML, Section string
		Example                 int
	}
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	plain := goldmark.New(goldmark.WithRendererOptions(html.WithXHTML(), html.WithUnsafe()))
	ours := newMarkdown(newHighlighter(), html.WithXHTML(), html.WithUnsafe())
	var plainPasses, oursPasses int
	var broken []int
	for _, ex := range examples {
		var p, o bytes.Buffer
		if err := plain.Convert([]byte(ex.Markdown), &p); err != nil {
			t.Fatal(err)
		}
		if err := ours.Convert([]byte(ex.Markdown), &o); err != nil {
			t.Fatal(err)
		}
		if p.String() != ex.HTML {
			continue // plain goldmark does not pass it either
		}
		plainPasses++
		got := undecorate(o.String())
		if got == ex.HTML {
			oursPasses++
			if _, ok := deviations[ex.Example]; ok {
				t.Errorf("example %d is listed as a deviation but passes; remove it from the list", ex.Example)
			}
			continue
		}
		if _, ok := deviations[ex.Example]; !ok {
			broken = append(broken, ex.Example)
			t.Errorf("example %d (%s) broke:\n%q\ngives\n%q\nwant\n%q", ex.Example, ex.Section, ex.Markdown, got, ex.HTML)
		}
	}
	t.Logf("plain goldmark passes %d of %d examples; the project's pipeline passes %d of those, with %d listed deviations",
		plainPasses, len(examples), oursPasses, len(deviations))
	if len(broken) > 0 {
		slices.Sort(broken)
		t.Errorf("examples broken by the project's extensions: %v", broken)
	}
}

// TestDialectDeviations shows the dialect's own syntax next to what plain
// CommonMark would make of it.
func TestDialectDeviations(t *testing.T) {
	parser := NewParser()
	for _, c := range []struct{ in, plain, ours string }{
		{"$x_1 + x_2$", "<p>$x_1 + x_2$</p>", `<p><math class="math-textstyle"`},
		{"see @fig-a", "<p>see @fig-a</p>", `<p>see <a class="ref"`},
		{"[@boyd2004]", "<p>[@boyd2004]</p>", `<p><span class="cite">`},
	} {
		var p, o bytes.Buffer
		goldmark.New().Convert([]byte(c.in), &p)
		doc, err := parser.Parse("x.md", []byte(front+c.in))
		if err != nil {
			t.Fatal(err)
		}
		if err := parser.Render(&o, doc, stubResolver{}); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(p.String()) != c.plain || !strings.HasPrefix(o.String(), c.ours) {
			t.Errorf("%q: plain %q, ours %q", c.in, p.String(), o.String())
		}
	}
}

var (
	headingID  = regexp.MustCompile(`(<h[1-6]) id="[^"]*"`)
	anchorLink = regexp.MustCompile(` <a class="anchor" href="[^"]*">#</a>`)
	smart      = strings.NewReplacer("&ldquo;", "&quot;", "&rdquo;", "&quot;", "&lsquo;", "'", "&rsquo;", "'",
		"&ndash;", "--", "&mdash;", "---", "&hellip;", "...", "&laquo;", "<<", "&raquo;", ">>")
)

// undecorate removes what the project adds to plain Markdown on purpose.
func undecorate(s string) string {
	s = headingID.ReplaceAllString(s, "$1")
	s = anchorLink.ReplaceAllString(s, "")
	return smart.Replace(s)
}
