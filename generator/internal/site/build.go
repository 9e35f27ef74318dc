package site

import (
	"context"
	"fmt"
	"maps"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/nonconvex/explainer/generator/internal/diag"
)

// Build builds the site once. It returns a [diag.List] of every content
// or experiment error, or another error if the output cannot be written;
// either way the output folder is left as it was.
func (b *Builder) Build(ctx context.Context) (*Report, error) {
	start := time.Now()
	files, r, err := b.compile(ctx)
	if err != nil {
		return nil, err
	}
	if b.out == nil {
		if b.out, err = newOutput(b.cfg.Out); err != nil {
			return nil, err
		}
	}
	sums := hashes(files)
	if err := b.out.write(files, sums); err != nil {
		return nil, err
	}
	r.Changed = b.changes(sums)
	r.Duration = time.Since(start)
	b.logf("built %d pages, %d figures (%d experiments run, %d cached) in %v",
		r.Pages, r.Figures, r.Runs, r.Cached, r.Duration.Round(time.Millisecond))
	return r, nil
}

// compile does everything a build does but write: it returns the site's
// files by slash-separated path.
func (b *Builder) compile(ctx context.Context) (map[string][]byte, *Report, error) {
	if !strings.HasPrefix(b.cfg.Base, "/") || !strings.HasSuffix(b.cfg.Base, "/") {
		return nil, nil, fmt.Errorf("base path must start and end with /, got %q", b.cfg.Base)
	}
	c, errs := b.read()
	if c == nil {
		return nil, nil, errs.Err()
	}
	uses, jobs, cerrs := b.collect(c)
	errs = append(errs, cerrs...)
	b.run(ctx, jobs)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	ix := newIndex(b.cfg.Base, b.cfg.Content, c, uses)
	for _, a := range c.all() {
		errs = append(errs, ix.check(a)...)
	}
	if len(errs) > 0 {
		return nil, nil, errs.Err()
	}
	files, err := b.render(ix, uses)
	if err != nil {
		return nil, nil, err
	}
	r := &Report{Figures: len(uses)}
	for name := range files {
		if strings.HasSuffix(name, ".html") {
			r.Pages++
		}
	}
	for _, j := range jobs {
		if j.ran {
			r.Runs++
		} else {
			r.Cached++
		}
	}
	return files, r, nil
}

// render produces every output file, by slash-separated path.
func (b *Builder) render(ix *index, uses []*use) (map[string][]byte, error) {
	assets, urls := assetFiles()
	r := &renderer{b: b, ix: ix, assets: urls(b.cfg.Base)}
	var err error
	if r.chrome, err = newChrome(r.base("", "", "")); err != nil {
		return nil, err
	}
	files := make(map[string][]byte)
	maps.Copy(files, assets)
	maps.Copy(files, ix.content.static)
	for _, u := range uses {
		if u.fig.Run {
			continue
		}
		dir := u.art.slug
		files[path.Join(dir, u.fig.ID+".svg")] = []byte(u.job.out.SVG)
		if u.job.out.CSV != "" {
			files[path.Join(dir, u.fig.ID+".csv")] = []byte(u.job.out.CSV)
		}
	}
	files["sitemap.xml"] = r.sitemap()
	files["feed.xml"] = r.feed()
	files["robots.txt"] = r.robots()

	// Pages render in parallel, each into its own slot, so the result
	// does not depend on scheduling.
	type page struct {
		name   string
		render func() ([]byte, error)
		html   []byte
		err    error
	}
	pages := []*page{
		{name: "404.html", render: r.notFound},
		{name: "experiments/index.html", render: func() ([]byte, error) { return r.experiments(uses) }},
	}
	for i, a := range ix.content.all() {
		number := i
		if ix.content.home == nil {
			number++
		}
		pages = append(pages, &page{name: path.Join(a.slug, "index.html"), render: func() ([]byte, error) { return r.article(a, number) }})
	}
	var wg sync.WaitGroup
	next := make(chan *page)
	for range min(b.cfg.Jobs, len(pages)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				p.html, p.err = p.render()
			}
		}()
	}
	for _, p := range pages {
		next <- p
	}
	close(next)
	wg.Wait()
	var errs diag.List
	for _, p := range pages {
		if p.err != nil {
			errs.Merge(diag.Pos{File: p.name}, p.err)
			continue
		}
		files[p.name] = p.html
	}
	return files, errs.Err()
}
