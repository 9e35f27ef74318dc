package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/nonconvex/explainer/generator/internal/publish"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// publish builds the site for the address in site.yaml and commits it to
// a branch of a git remote.
func (c *cli) publish(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	cfg := site.Config{Registry: c.registry}
	verbose := buildFlags(fs, &cfg)
	// The base path comes from the site's address; drafts are never published.
	fs.StringVar(&cfg.Out, "out", filepath.Join(".publish", "site"), "the `folder` the site is built into")
	var opts publish.Options
	fs.StringVar(&opts.Remote, "remote", "origin", "the git `remote` to publish to, a name or an address")
	fs.StringVar(&opts.Branch, "branch", "gh-pages", "the `branch` the site is committed to")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "build, and show what would change, but commit and push nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkSiteFlags(fs, cfg); err != nil {
		return err
	}
	if opts.Remote == "" || opts.Branch == "" {
		fmt.Fprintf(fs.Output(), "generator publish: -remote and -branch need a name\n")
		return errUsage
	}
	if *verbose {
		cfg.Log = c.stderr
	}

	settings, err := site.ReadSettings(cfg.Content)
	if err != nil {
		return err
	}
	cfg.Base = settings.Base()
	r, err := site.Build(ctx, cfg)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("publish stopped (%v): nothing was published", context.Cause(ctx))
	}
	if err != nil {
		return fmt.Errorf("%w\nthe site does not build: nothing was published", err)
	}
	fmt.Fprintf(c.stdout, "built %d pages with %d figures for %s into %s\n", r.Pages, r.Figures, settings.URL, cfg.Out)

	opts.Site = cfg.Out
	opts.URL = settings.URL
	opts.Domain = publish.Domain(settings.Host(), cfg.Base)
	opts.Progress = c.stderr
	p, err := publish.Publish(ctx, opts)
	if err != nil {
		return err
	}
	where := opts.Remote + " " + opts.Branch
	source := p.Source[:12]
	if p.Dirty {
		source += " (with changes not yet committed)"
	}
	switch {
	case len(p.Changes) == 0:
		fmt.Fprintf(c.stdout, "%s already holds this site: nothing to publish\n", where)
	case opts.DryRun:
		for _, ch := range p.Changes {
			fmt.Fprintf(c.stdout, "%c %s\n", ch.Op, ch.Path)
		}
		fmt.Fprintf(c.stdout, "would publish %s to %s: %s (dry run: nothing committed)\n", source, where, files(len(p.Changes)))
	default:
		fmt.Fprintf(c.stdout, "published %s to %s as commit %s: %s\n", source, where, p.Commit[:12], files(len(p.Changes)))
	}
	return nil
}

func files(n int) string {
	if n == 1 {
		return "1 file changed"
	}
	return fmt.Sprintf("%d files changed", n)
}
