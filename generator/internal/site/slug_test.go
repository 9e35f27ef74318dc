package site

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/markup"
)

func TestSuggestedSlugs(t *testing.T) {
	for _, c := range []struct{ rel, want string }{
		{"why.md", ""},
		{"notes/why-2.md", ""},
		{"what?.md", "rename it content/what.md"},
		{"my article.md", "rename it content/my-article.md"},
		{"100%.md", "rename it content/100.md"},
		{"Upper.MD", "rename it content/upper.md"},
		{"My Notes/Intro.md", "rename it content/my-notes/intro.md"},
		{"über--café .md", "rename it content/uber-cafe.md"},
		{"v1.2_final.md", "rename it content/v1-2-final.md"},
		{"why.markdown", "an article's file name ends in .md: rename it content/why.md"},
		{"日本.md", "hyphens: rename it"},
	} {
		got := checkArticlePath("content", c.rel)
		if c.want == "" && got != "" || !strings.HasSuffix(got, c.want) {
			t.Errorf("%s: %q, want it to end with %q", c.rel, got, c.want)
		}
	}
}

// Slugs need no escaping, but every address is escaped all the same: in
// links, the sitemap, the feed and the canonical link.
func TestAddressesAreEscaped(t *testing.T) {
	doc, err := markup.NewParser().Parse("content/x.md", []byte("---\ntitle: X\ndescription: D.\n---\nProse.\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := &article{path: "content/x.md", slug: "what?/my page 100%", doc: doc}
	c := &content{settings: Settings{Title: "T", URL: "https://example.org", Language: "en"}, articles: []*article{a}}
	ix := newIndex("/", "content", c, nil)
	r, err := newRenderer(context.Background(), NewBuilder(Config{}), ix, nil, &mathFont{})
	if err != nil {
		t.Fatal(err)
	}
	const want = "/what%3F/my%20page%20100%25/"
	if got := ix.pageURL(a); got != want {
		t.Errorf("address %q, want %q", got, want)
	}
	page := made(t, func(w io.Writer) error { return r.article(w, a, 1) })
	for name, data := range map[string]string{"sitemap": made(t, r.sitemap), "feed": made(t, r.feed), "page": page} {
		if !strings.Contains(data, "https://example.org"+want) || strings.Contains(data, "what?") {
			t.Errorf("the %s lacks the escaped address:\n%s", name, data)
		}
	}
}
