package sitetest

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A Fetched is one response of a crawl.
type Fetched struct {
	Status int
	Header http.Header
	Body   []byte
}

var (
	linkAttr = regexp.MustCompile(`(?:href|src)="([^"]+)"|url\("([^"]+)"\)`)
	idAttr   = regexp.MustCompile(`\sid="([^"]+)"`)
)

// Crawl fetches every page and asset reachable from base on the server
// at origin (such as http://127.0.0.1:8080), starting from the home page,
// the 404 page, the feed and the sitemap, and following every address in
// the pages and stylesheets. It fails the test for an internal address
// that does not answer 200 or that leaves base, and for a link whose
// fragment names no id on its page. It returns every response by path.
func Crawl(t testing.TB, origin, base string) map[string]*Fetched {
	t.Helper()
	got := make(map[string]*Fetched)
	type fragment struct{ from, page, id string }
	var fragments []fragment
	queue := []string{base, base + "404.html", base + "feed.xml", base + "sitemap.xml"}
	seen := make(map[string]bool)
	for _, u := range queue {
		seen[u] = true
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		resp, err := http.Get(origin + u)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		got[u] = &Fetched{Status: resp.StatusCode, Header: resp.Header, Body: body}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", u, resp.Status)
			continue
		}
		ct := resp.Header.Get("Content-Type")
		if !strings.Contains(ct, "html") && !strings.Contains(ct, "css") {
			continue
		}
		here := &url.URL{Path: u}
		for _, m := range linkAttr.FindAllStringSubmatch(string(body), -1) {
			ref, err := url.Parse(html.UnescapeString(m[1] + m[2]))
			if err != nil {
				t.Errorf("%s links to %q: %v", u, m[1]+m[2], err)
				continue
			}
			if ref.Scheme != "" || ref.Host != "" {
				continue // another site, or mail
			}
			target := here.ResolveReference(ref)
			link := target.EscapedPath()
			if !strings.HasPrefix(link, base) {
				t.Errorf("%s links to %s, outside %s", u, link, base)
				continue
			}
			if target.Fragment != "" {
				fragments = append(fragments, fragment{u, link, target.Fragment})
			}
			if !seen[link] {
				seen[link] = true
				queue = append(queue, link)
			}
		}
	}
	ids := make(map[string][]string) // by page
	for _, f := range fragments {
		if _, ok := ids[f.page]; ok {
			continue
		}
		if page := got[f.page]; page != nil && page.Status == http.StatusOK {
			for _, m := range idAttr.FindAllStringSubmatch(string(page.Body), -1) {
				ids[f.page] = append(ids[f.page], html.UnescapeString(m[1]))
			}
		}
		ids[f.page] = append(ids[f.page], "") // known, even without ids
	}
	for _, f := range fragments {
		if !slices.Contains(ids[f.page], f.id) {
			t.Errorf("%s links to %s#%s, which has no element with that id", f.from, f.page, f.id)
		}
	}
	return got
}
