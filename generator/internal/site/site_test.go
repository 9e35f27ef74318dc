package site

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// testConfig returns a configuration building content into a temporary
// folder with the fake experiments.
func testConfig(t *testing.T, content string, fakes *sitetest.Fakes) Config {
	dir := t.TempDir()
	sitetest.Write(t, filepath.Join(dir, "content"), content)
	return Config{
		Content:  filepath.Join(dir, "content"),
		Out:      filepath.Join(dir, "public"),
		Cache:    filepath.Join(dir, "cache"),
		Registry: fakes.Registry,
	}
}

func mustBuild(t *testing.T, b *Builder) *Report {
	t.Helper()
	r, err := b.Build(context.Background())
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return r
}

func TestBuildWritesTheSite(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site, fakes)
	r := mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)

	var names []string
	for name := range files {
		names = append(names, regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(name, ".HASH."))
	}
	slices.Sort(names)
	want := []string{
		"404.html", "_headers", "apple-touch-icon.png", "assets/code.HASH.css", "assets/icon.HASH.svg",
		"assets/latinmodern-math.HASH.woff2", "assets/style.HASH.css", "experiments/index.html",
		"favicon.ico", "feed.xml", "first/fig-line.csv", "first/fig-line.svg", "first/index.html", "index.html",
		"robots.txt", "second/fig-wave.svg", "second/index.html", "sitemap.xml",
	}
	if !slices.Equal(names, want) {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if r.Pages != 5 || r.Figures != 3 || r.Runs != 3 || r.Cached != 0 {
		t.Errorf("report %+v, want 5 pages, 3 figures, 3 runs", r)
	}

	first := files["first/index.html"]
	for _, s := range []string{
		`<h1>First article</h1>`,
		`<figure class="figure" id="fig-line">`,
		`<img src="/first/fig-line.svg" alt="A rising line." width="480" height="320" decoding="async">`,
		`<span class="figlabel">Figure 1.</span> A line of slope <math`,
		`<a href="/first/fig-line.csv">Data (CSV)</a>`,
		`<a href="/experiments/#line">Experiment <code>line</code></a> with <code>points=11 seed=1 slope=2</code>`,
		`The slope is <span class="val" title="computed by experiment line">2.00</span>`,
		`<span class="check-claim">the line rises</span> <a class="check-detail" href="#fig-line">(slope 2)</a>`,
		"<a class=\"ref\" href=\"#fig-line\">Figure\u00a01</a>",
		"<a class=\"ref\" href=\"#sec-start\">Section\u00a01</a>",
		"<a class=\"ref\" href=\"/second/#fig-wave\">Figure\u00a01 of “Second article”</a>",
		`<span class="cite">[<a href="#ref-boyd2004" title="Boyd &amp; Vandenberghe 2004">1</a>]</span>`,
		`<li id="ref-boyd2004">S. Boyd, L. Vandenberghe. <cite>Convex Optimization</cite>`,
		`<a class="next" rel="next" href="/second/"><span>Next</span> Second article</a>`,
		`<link rel="stylesheet" href="/assets/style.`,
		`<link rel="canonical" href="https://example.org/first/">`,
	} {
		if !strings.Contains(first, s) {
			t.Errorf("first/index.html lacks %s", s)
		}
	}
	second := files["second/index.html"]
	for _, s := range []string{
		`alt="A sine wave."`,
		`The sum is <span class="val" title="computed by experiment numbers">10</span>`,
		`<a class="prev" rel="prev" href="/first/"><span>Previous</span> First article</a>`,
		`[<a href="#ref-boyd2004" title="Boyd &amp; Vandenberghe 2004">1</a>, §3.2]`,
		// A run has no element to link to.
		`<span class="check-claim">the sum is n(n+1)/2</span> <span class="check-detail">(n = 4)</span>`,
	} {
		if !strings.Contains(second, s) {
			t.Errorf("second/index.html lacks %s", s)
		}
	}
	// A run draws nothing, but says where its numbers come from, under
	// the id its checks' details link to.
	if run := `<p class="run" id="run-sum">Computed by <a href="/experiments/#numbers">experiment <code>numbers</code></a> with <code>n=4`; !strings.Contains(second, run) {
		t.Errorf("second/index.html lacks %s", run)
	}
	if !strings.Contains(files["index.html"], `<a href="/first/">First article</a><p>The first one.</p>`) {
		t.Error("the home page does not list the articles")
	}
	script := regexp.MustCompile(`<script|\son[a-z]+=|javascript:`)
	for name, content := range files {
		if strings.HasSuffix(name, ".html") && script.MatchString(content) {
			t.Errorf("%s carries JavaScript: %s", name, script.FindString(content))
		}
	}
	for _, s := range []string{`<loc>https://example.org/first/</loc><lastmod>2026-01-02</lastmod>`, `<loc>https://example.org/experiments/</loc>`} {
		if !strings.Contains(files["sitemap.xml"], s) {
			t.Errorf("sitemap.xml lacks %s", s)
		}
	}
	for _, s := range []string{
		`<updated>2026-01-03T00:00:00Z</updated>`,
		`<link href="https://example.org/second/"/>`,
		"<published>2026-01-02T00:00:00Z</published>\n<updated>2026-01-02T00:00:00Z</updated>\n<summary>The first one.</summary>",
		// The whole text, figures and all, its links resolved by xml:base.
		`<content type="html" xml:base="https://example.org/first/"><![CDATA[<h2 id="sec-start"`,
		`<img src="/first/fig-line.svg" alt="A rising line."`,
		`The slope is <span class="val"`,
	} {
		if !strings.Contains(files["feed.xml"], s) {
			t.Errorf("feed.xml lacks %s", s)
		}
	}
	var feed struct {
		Entries []struct {
			Content struct {
				Type string `xml:"type,attr"`
				Base string `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
				Text string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(files["feed.xml"]), &feed); err != nil {
		t.Fatalf("feed.xml: %v", err)
	}
	for i, e := range feed.Entries {
		page := []string{"first", "second"}[i]
		if e.Content.Base != "https://example.org/"+page+"/" || !strings.Contains(files[page+"/index.html"], e.Content.Text) {
			t.Errorf("entry %d: xml:base %q, or its content is not the text of %s", i, e.Content.Base, page)
		}
	}
	if files["robots.txt"] != "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n" {
		t.Errorf("robots.txt = %q", files["robots.txt"])
	}
	if !strings.Contains(files["experiments/index.html"], `<a href="/first/#fig-line">First article, Figure 1</a>`) {
		t.Error("the experiments page does not link the figures that use them")
	}
}

func TestAssetNamesFollowTheirContent(t *testing.T) {
	math, err := NewBuilder(Config{Cache: "-"}).mathFont("x∑")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := assetFiles(math)
	for name, data := range files {
		if want := hashedName(strings.SplitN(name, ".", 2)[0], filepath.Ext(name), data); name != want {
			t.Errorf("asset %s should be named %s", name, want)
		}
	}
	css := ""
	for name, data := range files {
		if strings.HasPrefix(name, "assets/style.") {
			css = string(data)
		}
	}
	fonts := 0
	for name := range files {
		if strings.HasSuffix(name, ".woff2") {
			fonts++
			if !strings.Contains(css, `url("`+strings.TrimPrefix(name, "assets/")+`") format("woff2")`) {
				t.Errorf("the stylesheet does not load %s relative to itself", name)
			}
		}
	}
	if fonts != 1 {
		t.Errorf("%d fonts, want 1", fonts)
	}
}

func TestDraftsAndStaticFiles(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site+`
-- draft.md --
---
title: Not yet
description: Unfinished.
draft: true
---
Unfinished, and with :val[fig-nothing.x] that need not resolve.
-- images/diagram.txt --
static file
-- .hidden.md --
not content
-- first.md~ --
an editor's backup
`, fakes)
	mustBuild(t, NewBuilder(cfg))
	files := sitetest.Tree(t, cfg.Out)
	if _, ok := files["draft/index.html"]; ok {
		t.Error("a draft was published")
	}
	if files["images/diagram.txt"] != "static file\n" {
		t.Error("a static file was not copied")
	}
	for name := range files {
		if strings.Contains(name, "hidden") || strings.Contains(name, "~") {
			t.Errorf("%s was published", name)
		}
	}
	cfg.Drafts = true
	if _, err := NewBuilder(cfg).Build(context.Background()); err == nil || !strings.Contains(err.Error(), "draft.md:6:") {
		t.Errorf("building drafts: %v, want the draft's dangling value reported", err)
	}
}

// TestRebuildReadsTheEditedBibliography edits references.bib between
// builds of one Builder, which keeps the last bibliography parsed: the
// pages follow each edit, a broken entry is an error, and mending it
// builds again.
func TestRebuildReadsTheEditedBibliography(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site, fakes)
	b := NewBuilder(cfg)
	bibPath := filepath.Join(cfg.Content, "references.bib")
	orig, err := os.ReadFile(bibPath)
	if err != nil {
		t.Fatal(err)
	}
	page := func() string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(cfg.Out, "first", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(bibPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustBuild(t, b)
	if !strings.Contains(page(), "Convex Optimization") || !strings.Contains(page(), `title="Boyd &amp; Vandenberghe 2004"`) {
		t.Fatal("the first build lacks the reference")
	}
	write(strings.NewReplacer("Convex Optimization", "Convex Analysis", "year = {2004}", "year = {2005}").Replace(string(orig)))
	mustBuild(t, b)
	if got := page(); !strings.Contains(got, "Convex Analysis") || !strings.Contains(got, `title="Boyd &amp; Vandenberghe 2005"`) {
		t.Error("the rebuild after editing references.bib shows the old entry")
	}
	write(strings.Replace(string(orig), "year = {2004},\n}", "year = {2004},\n", 1))
	if _, err := b.Build(context.Background()); err == nil || !strings.Contains(err.Error(), "references.bib:") {
		t.Errorf("a broken references.bib built, or the error does not say where: %v", err)
	}
	write(string(orig))
	mustBuild(t, b)
	if !strings.Contains(page(), "Convex Optimization") {
		t.Error("the rebuild after mending references.bib shows no reference")
	}
}
