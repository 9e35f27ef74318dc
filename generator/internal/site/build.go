package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	site, r, err := b.compile(ctx)
	if err != nil {
		return nil, err
	}
	if b.out == nil {
		if b.out, err = newOutput(b.cfg.Out); err != nil {
			return nil, err
		}
	}
	sums, err := b.out.write(ctx, site.order(), b.cfg.Jobs)
	if err != nil {
		return nil, err
	}
	for name := range sums {
		if strings.HasSuffix(name, ".html") {
			r.Pages++
		}
	}
	r.Changed = b.changes(sums)
	r.Duration = time.Since(start)
	b.logf("built %d pages, %d figures (%d experiments run, %d cached) in %v",
		r.Pages, r.Figures, r.Runs, r.Cached, r.Duration.Round(time.Millisecond))
	return r, nil
}

// compile does everything a build does but make and write the files: it
// returns the plan of the site, every file of which can be made.
func (b *Builder) compile(ctx context.Context) (*plan, *Report, error) {
	if err := checkBase(b.cfg.Base); err != nil {
		return nil, nil, err
	}
	if err := checkOut(b.cfg); err != nil {
		return nil, nil, err
	}
	c, errs := b.read()
	if c == nil {
		return nil, nil, errs.Err()
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	uses, jobs, cerrs := b.collect(c)
	errs = append(errs, cerrs...)
	// The math font is made while the experiments run.
	type fontResult struct {
		f   *mathFont
		err error
	}
	fontDone := make(chan fontResult, 1)
	go func() {
		f, err := b.mathFont(mathChars(c))
		fontDone <- fontResult{f, err}
	}()
	b.run(ctx, jobs)
	font := <-fontDone
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if font.err != nil {
		return nil, nil, font.err
	}
	ix := newIndex(b.cfg.Base, b.cfg.Content, c, uses)
	r, err := newRenderer(ctx, b, ix, uses, font.f)
	if err != nil {
		return nil, nil, err
	}
	site := r.plan(uses)
	errs = append(errs, site.errs...)
	targets := b.targets(ix, site, uses)
	errs = append(errs, checkAll(c.all(), b.cfg.Jobs, func(a *article) diag.List {
		return append(ix.check(a), ix.checkLinks(a, targets)...)
	})...)
	if len(errs) > 0 {
		return nil, nil, errs.Err()
	}
	rep := &Report{Figures: len(uses)}
	for _, j := range jobs {
		if j.ran {
			rep.Runs++
		} else {
			rep.Cached++
		}
	}
	return site, rep, nil
}

// checkAll checks the articles, jobs at a time (a rebuild in the dev
// server checks every article, and checking one reads the site but
// changes nothing), and returns the errors in the order of the articles.
func checkAll(all []*article, jobs int, check func(*article) diag.List) diag.List {
	found := make([]diag.List, len(all))
	forEach(len(all), jobs, func(i int) { found[i] = check(all[i]) })
	var errs diag.List
	for _, l := range found {
		errs = append(errs, l...)
	}
	return errs
}

// forEach calls do for each i in [0, n), at most limit at a time, and
// returns when all are done.
func forEach(n, limit int, do func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, limit))
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			do(i)
		})
	}
	wg.Wait()
}

// checkBase checks the base path: it starts every address, as it is, so
// it must hold nothing an address would need to escape.
func checkBase(base string) error {
	if origin, path, ok := strings.Cut(base, "://"); ok {
		_, path, _ = strings.Cut(path, "/")
		return fmt.Errorf("base path is a path, such as /%s, got %q: the origin, %s://..., is the url in site.yaml", path, base, origin)
	}
	if !strings.HasPrefix(base, "/") || !strings.HasSuffix(base, "/") {
		return fmt.Errorf("base path must start and end with /, got %q", base)
	}
	for _, seg := range strings.Split(strings.Trim(base, "/"), "/") {
		if base != "/" && (seg == "" || seg == "." || seg == ".." || strings.Trim(seg, baseChars) != "") {
			return fmt.Errorf("base path must be folder names of letters, digits and - . _ ~ between slashes, such as /explainer/, got %q", base)
		}
	}
	return nil
}

// baseChars are the characters an address path holds unescaped.
const baseChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"

// checkOut makes sure that replacing the output folder whole, as every
// build does, loses nothing else: the content, the cache, or the folder
// the command runs in.
func checkOut(cfg Config) error {
	out, err := resolve(cfg.Out)
	if err != nil {
		return err
	}
	if info, err := os.Stat(out); err == nil && !info.IsDir() {
		return fmt.Errorf("output folder %s is a file: each build replaces the output folder whole; choose another with -out", cfg.Out)
	}
	others := []struct{ dir, what string }{{cfg.Content, "the content folder"}, {".", "the current folder"}}
	if cfg.Cache != "" {
		others = append(others, struct{ dir, what string }{cfg.Cache, "the cache"})
	}
	for _, o := range others {
		dir, err := resolve(o.dir)
		if err != nil {
			return err
		}
		const why = "each build replaces the output folder whole; choose another with -out"
		if dir == out {
			return fmt.Errorf("output folder %s is %s: %s", cfg.Out, o.what, why)
		}
		if _, ok := inside(out, dir); ok {
			return fmt.Errorf("output folder %s holds %s (%s): %s", cfg.Out, o.what, o.dir, why)
		}
		if _, ok := inside(dir, out); ok && o.dir == cfg.Content {
			return fmt.Errorf("output folder %s is inside the content folder %s, whose files are all published: choose another with -out", cfg.Out, cfg.Content)
		}
	}
	return nil
}

// resolve returns the absolute path of a file that may not exist yet,
// with the links of its folders followed.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return filepath.Join(append([]string{abs}, rest...)...), nil
		}
		rest = append([]string{filepath.Base(abs)}, rest...)
		abs = parent
	}
}
