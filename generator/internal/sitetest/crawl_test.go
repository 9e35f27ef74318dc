package sitetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// recorder is a test that records its errors instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestCrawlFindsBrokenLinksAndFragments(t *testing.T) {
	site := fstest.MapFS{
		"base/index.html": {Data: []byte(`<a href="#top">top</a> <a href="a/#sec-1">A</a> <a href="/base/a/#sec-2">A</a>
<a href="/base/b/">B</a> <a href="/elsewhere/">out</a> <a href="https://example.org/#x">far</a>
<a href="a/#caf%C3%A9">café</a> <a href="#fig-x&amp;y">x&y</a> <h1 id="top">T</h1> <p id="fig-x&amp;y"></p>`)},
		"base/a/index.html": {Data: []byte(`<h2 id="sec-1">One</h2> <h2 id="café">Café</h2><link href="../style.css" rel="stylesheet">`)},
		"base/style.css":    {Data: []byte(`@font-face { src: url("font.otf") }`)},
		"base/404.html":     {Data: []byte(`<p id="main">Not found</p> <a href="/base/#main">home</a>`)},
		"base/feed.xml":     {Data: []byte(`<feed/>`)},
		"base/sitemap.xml":  {Data: []byte(`<urlset/>`)},
	}
	srv := httptest.NewServer(http.FileServerFS(site))
	defer srv.Close()
	r := &recorder{TB: t}
	got := Crawl(r, srv.URL, "/base/")
	want := []string{
		"GET /base/b/: 404 Not Found",
		"GET /base/font.otf: 404 Not Found",
		"/base/ links to /elsewhere/, outside /base/",
		"/base/ links to /base/a/#sec-2, which has no element with that id",
		"/base/404.html links to /base/#main, which has no element with that id",
	}
	slices.Sort(want)
	slices.Sort(r.errors)
	if !slices.Equal(r.errors, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(r.errors, "\n"), strings.Join(want, "\n"))
	}
	if got["/base/a/"] == nil || got["/base/a/"].Status != 200 || got["/base/font.otf"] == nil {
		t.Errorf("the crawl returned %v", got)
	}
}
