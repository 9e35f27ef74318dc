package site

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

func TestSettingsAddress(t *testing.T) {
	for _, c := range []struct {
		url, base, host, err string
	}{
		{url: "https://example.org", base: "/", host: "example.org"},
		{url: "https://example.org/", base: "/", host: "example.org"},
		{url: "https://user.github.io/explainer", base: "/explainer/", host: "user.github.io"},
		{url: "http://127.0.0.1:8080/a/b/", base: "/a/b/", host: "127.0.0.1"},
		{url: "example.org", err: `url must be the site's address, such as https://example.org or https://user.github.io/explainer, got "example.org"`},
		{url: "ftp://example.org", err: `url must be the site's address, such as https://example.org or https://user.github.io/explainer, got "ftp://example.org"`},
		{url: "https://example.org/?page=1", err: `url must be the site's address, such as https://example.org or https://user.github.io/explainer, without a user, query or fragment; got "https://example.org/?page=1"`},
		{url: "https://me@example.org", err: `url must be the site's address, such as https://example.org or https://user.github.io/explainer, without a user, query or fragment; got "https://me@example.org"`},
		{url: "https://example.org/my%20site", err: `url's path must be folder names of letters, digits and - . _ ~, such as /explainer; got "https://example.org/my%20site"`},
		{url: "https://example.org/a//b", err: `url's path must be folder names of letters, digits and - . _ ~, such as /explainer; got "https://example.org/a//b"`},
	} {
		dir := t.TempDir()
		sitetest.Write(t, dir, "-- site.yaml --\ntitle: T\nurl: "+c.url+"\n")
		s, err := ReadSettings(dir)
		if c.err != "" {
			want := filepath.Join(dir, "site.yaml") + ":2: " + c.err
			if err == nil || err.Error() != want {
				t.Errorf("%s: error %v, want %s", c.url, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if s.Base() != c.base || s.Host() != c.host {
			t.Errorf("%s: base %q, host %q; want %q, %q", c.url, s.Base(), s.Host(), c.base, c.host)
		}
	}
}

// TestAbsoluteAddressesFollowTheSettings builds a site whose address has a
// path, for that path and for a preview at the root: either way its
// absolute addresses are those of the published site, and its internal
// links start with the base of the build.
func TestAbsoluteAddressesFollowTheSettings(t *testing.T) {
	for _, base := range []string{"/explainer/", "/"} {
		t.Run(base, func(t *testing.T) {
			content := strings.Replace(sitetest.Site, "url: https://example.org", "url: https://example.org/explainer/", 1)
			cfg := testConfig(t, content, sitetest.NewFakes())
			cfg.Base = base
			mustBuild(t, NewBuilder(cfg))
			files := sitetest.Tree(t, cfg.Out)
			for _, c := range []struct{ file, want string }{
				{"first/index.html", `<link rel="canonical" href="https://example.org/explainer/first/">`},
				{"first/index.html", `<a class="next" rel="next" href="` + base + `second/">`},
				{"index.html", `<link rel="canonical" href="https://example.org/explainer/">`},
				{"sitemap.xml", `<loc>https://example.org/explainer/first/</loc>`},
				{"sitemap.xml", `<loc>https://example.org/explainer/experiments/</loc>`},
				{"feed.xml", `<id>https://example.org/explainer/</id>`},
				{"feed.xml", `<link rel="self" href="https://example.org/explainer/feed.xml"/>`},
				{"feed.xml", `<content type="html" xml:base="https://example.org/explainer/second/">`},
				{"feed.xml", `<img src="` + base + `first/fig-line.svg"`},
				{"robots.txt", "Sitemap: https://example.org/explainer/sitemap.xml\n"},
			} {
				if !strings.Contains(files[c.file], c.want) {
					t.Errorf("%s lacks %s", c.file, c.want)
				}
			}
		})
	}
}

func TestHeadersFileStatesTheCachingAndTypes(t *testing.T) {
	cfg := testConfig(t, sitetest.Site+"-- data/raw values.csv --\na,b\n", sitetest.NewFakes())
	cfg.Base = "/explainer/"
	mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)
	got := regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(files["_headers"], ".HASH.")
	want := `# Response headers for Netlify and Cloudflare Pages, written by the generator.
# Pages, figures and data keep the host's default, "public, max-age=0,
# must-revalidate": a browser checks them on every visit. Assets are named
# by a hash of their content and never change under their name.
/explainer/assets/*
  Cache-Control: public, max-age=31536000, immutable
/explainer/feed.xml
  Content-Type: application/atom+xml; charset=utf-8
/explainer/assets/latinmodern-math.HASH.woff2
  Content-Type: font/woff2
/explainer/data/raw%20values.csv
  Content-Type: text/csv; charset=utf-8
/explainer/first/fig-line.csv
  Content-Type: text/csv; charset=utf-8
`
	if got != want {
		t.Errorf("_headers:\n%s\nwant:\n%s", got, want)
	}
}

func TestHeadersFileStaysWithinCloudflaresLimit(t *testing.T) {
	var data strings.Builder
	for i := range 99 {
		fmt.Fprintf(&data, "-- data/d%02d.csv --\na\n", i)
	}
	cfg := testConfig(t, sitetest.Site+data.String(), sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	headers := sitetest.Tree(t, cfg.Out)["_headers"]
	if n := strings.Count(headers, "\n/"); n != 2 || !strings.Contains(headers, "# 101 files want their type stated, more than the 100 rules Cloudflare Pages reads:") {
		t.Errorf("%d rules in _headers:\n%s", n, headers)
	}
}
