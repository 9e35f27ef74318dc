package site

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

func TestBuildsAreByteIdenticalWhateverTheWorkers(t *testing.T) {
	var trees []map[string]string
	for _, jobs := range []int{1, 8, 8} {
		cfg := testConfig(t, sitetest.Site, sitetest.NewFakes())
		cfg.Jobs = jobs
		mustBuild(t, NewBuilder(cfg))
		trees = append(trees, sitetest.Tree(t, cfg.Out))
	}
	for i := 1; i < len(trees); i++ {
		if !maps.Equal(trees[0], trees[i]) {
			for name := range trees[0] {
				if trees[0][name] != trees[i][name] {
					t.Errorf("build %d differs from build 0 in %s", i, name)
				}
			}
		}
	}
}

func edit(t *testing.T, cfg Config, name, old, new string) {
	t.Helper()
	p := filepath.Join(cfg.Content, name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestProseEditRerunsNothingAndChangesOnlyItsPage(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site, fakes)
	b := NewBuilder(cfg)
	mustBuild(t, b)
	edit(t, cfg, "first.md", "The slope is", "Its slope is")
	r := mustBuild(t, b)
	if r.Runs != 0 || fakes.Runs("line") != 1 {
		t.Errorf("a prose edit ran %d experiments (line ran %d times in all)", r.Runs, fakes.Runs("line"))
	}
	// The feed carries the article's text.
	if want := []string{"feed.xml", "first/index.html"}; !slices.Equal(r.Changed, want) {
		t.Errorf("a prose edit changed %v, want only %v", r.Changed, want)
	}

	// A new title shows wherever the article is listed or linked.
	edit(t, cfg, "first.md", "title: First article", "title: Opening article")
	r = mustBuild(t, b)
	want := []string{"404.html", "experiments/index.html", "feed.xml", "first/index.html", "index.html", "second/index.html"}
	if !slices.Equal(r.Changed, want) {
		t.Errorf("a title edit changed %v, want %v", r.Changed, want)
	}
}

func TestParameterEditRerunsOnlyThatFigure(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site, fakes)
	b := NewBuilder(cfg)
	mustBuild(t, b)
	edit(t, cfg, "first.md", "slope=2", "slope=3")
	r := mustBuild(t, b)
	if r.Runs != 1 || fakes.Runs("line") != 2 || fakes.Runs("wave") != 1 || fakes.Runs("numbers") != 1 {
		t.Errorf("runs: report %d; line %d, wave %d, numbers %d; want only line rerun",
			r.Runs, fakes.Runs("line"), fakes.Runs("wave"), fakes.Runs("numbers"))
	}
	// The home page quotes the slope.
	want := []string{"feed.xml", "first/fig-line.csv", "first/fig-line.svg", "first/index.html", "index.html"}
	if !slices.Equal(r.Changed, want) {
		t.Errorf("changed %v, want %v", r.Changed, want)
	}
}

func TestCodeEditRerunsExactlyItsExperiment(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site, fakes)
	mustBuild(t, NewBuilder(cfg))

	// A new process (a fresh Builder) finds everything in the disk cache.
	r := mustBuild(t, NewBuilder(cfg))
	if r.Runs != 0 || r.Cached != 3 {
		t.Errorf("a rebuild from the disk cache ran %d and found %d", r.Runs, r.Cached)
	}
	fakes.Edit("wave")
	r = mustBuild(t, NewBuilder(cfg))
	if r.Runs != 1 || fakes.Runs("wave") != 2 || fakes.Runs("line") != 1 || fakes.Runs("numbers") != 1 {
		t.Errorf("after editing wave's code: %d runs; line %d, wave %d, numbers %d",
			r.Runs, fakes.Runs("line"), fakes.Runs("wave"), fakes.Runs("numbers"))
	}
}

func TestCorruptCacheEntryIsRecomputed(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, sitetest.Site, fakes)
	mustBuild(t, NewBuilder(cfg))
	before := sitetest.Tree(t, cfg.Out)
	entries, _ := filepath.Glob(filepath.Join(cfg.Cache, "*", "*.json"))
	if len(entries) != 3 {
		t.Fatalf("%d cache entries, want 3", len(entries))
	}
	for i, e := range entries {
		data, _ := os.ReadFile(e)
		switch i {
		case 0:
			data[len(data)-5] ^= 1 // a flipped bit
		case 1:
			data = data[:len(data)/2] // a torn write
		case 2:
			data = []byte("not json at all")
		}
		os.WriteFile(e, data, 0o644)
	}
	var log strings.Builder
	cfg.Log = &log
	r := mustBuild(t, NewBuilder(cfg))
	if r.Runs != 3 {
		t.Errorf("%d of 3 corrupt entries recomputed", r.Runs)
	}
	if c := strings.Count(log.String(), "corrupt entry"); c != 3 {
		t.Errorf("the log names %d corrupt entries, want 3:\n%s", c, log.String())
	}
	if !maps.Equal(before, sitetest.Tree(t, cfg.Out)) {
		t.Error("the site built from recomputed entries differs")
	}
	if r := mustBuild(t, NewBuilder(cfg)); r.Runs != 0 {
		t.Errorf("the recomputed entries were not cached again: %d runs", r.Runs)
	}
}

func TestFailedBuildLeavesOutputUntouched(t *testing.T) {
	cfg := testConfig(t, sitetest.Site, sitetest.NewFakes())
	b := NewBuilder(cfg)
	mustBuild(t, b)
	before := sitetest.Tree(t, cfg.Out)
	edit(t, cfg, "first.md", "slope=2", "slope=-2")
	if _, err := b.Build(context.Background()); err == nil {
		t.Fatal("a failing check did not fail the build")
	}
	if !maps.Equal(before, sitetest.Tree(t, cfg.Out)) {
		t.Error("a failed build changed the output")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(cfg.Out), ".public.new-*"))
	if len(leftovers) > 0 {
		t.Errorf("a failed build left %v behind", leftovers)
	}
}

// TestEveryLinkResolves serves the built site from a real HTTP server, at a
// domain's root and below a path, and follows every internal address and
// fragment. The site has a run whose check links to it, and links of
// every kind an author writes.
func TestEveryLinkResolves(t *testing.T) {
	for _, base := range []string{"/", "/explainer/"} {
		t.Run(base, func(t *testing.T) {
			cfg := testConfig(t, sitetest.Site+`
-- third.md --
---
title: Third
description: With a run and links of every kind.
---
## Links {#sec-links}

::run{#run-steep experiment=line slope=5}

A steep line :check[run-steep.rises]. See [the first](../first/#sec-start),
[from the root](/second/#fig-wave), [its data](/first/fig-line.csv),
[this section](#sec-links) and [a note](#fn:1).[^1]

[^1]: A note.
`, sitetest.NewFakes())
			cfg.Base = base
			mustBuild(t, NewBuilder(cfg))
			mux := http.NewServeMux()
			mux.Handle(base, http.StripPrefix(strings.TrimSuffix(base, "/"), http.FileServer(http.Dir(cfg.Out))))
			srv := httptest.NewServer(mux)
			defer srv.Close()
			if got := sitetest.Crawl(t, srv.URL, base); len(got) < 10 {
				t.Errorf("the crawl reached only %d addresses", len(got))
			}
		})
	}
}

func TestCancelledBuildWritesNothing(t *testing.T) {
	cfg := testConfig(t, sitetest.Site, sitetest.NewFakes())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewBuilder(cfg).Build(ctx); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	if _, err := os.Stat(cfg.Out); !os.IsNotExist(err) {
		t.Errorf("a cancelled build wrote %s", cfg.Out)
	}
}
