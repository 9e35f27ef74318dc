package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/nonconvex/explainer/generator/internal/cache"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// siteFlags declares the flags shared by build and serve.
func siteFlags(fs *flag.FlagSet, cfg *site.Config) *bool {
	fs.StringVar(&cfg.Out, "out", "public", "the output `folder`")
	fs.StringVar(&cfg.Base, "base", "/", "the URL `path` the site is served under, such as /explainer/")
	fs.BoolVar(&cfg.Drafts, "drafts", false, "include articles marked draft: true")
	return buildFlags(fs, cfg)
}

// buildFlags declares the flags of every command that builds the site:
// build, serve and publish.
func buildFlags(fs *flag.FlagSet, cfg *site.Config) *bool {
	fs.StringVar(&cfg.Content, "content", "content", "the content `folder`")
	fs.StringVar(&cfg.Cache, "cache", ".cache", "the experiment cache `folder`, or - for none")
	fs.Var(cacheLimit{&cfg.CacheLimit}, "cache-max", "the cache folder's bound, a `size` such as 500MB or 2GB, or 0 for none; past it, the entries used least recently go")
	fs.IntVar(&cfg.Jobs, "j", 0, "experiments run at `once` (default: the number of processors)")
	fs.DurationVar(&cfg.Budget, "budget", 0, "the time one experiment may take (default 20s)")
	return fs.Bool("v", false, "report each experiment run and the build's timing")
}

// checkSiteFlags reports the values of the shared flags that no build can
// use, as parseFlags reports usage errors.
func checkSiteFlags(fs *flag.FlagSet, cfg site.Config) error {
	var problem string
	switch {
	case cfg.Content == "" || cfg.Out == "" || cfg.Cache == "":
		problem = "-content, -out and -cache need a folder (-cache - for none)"
	case cfg.Jobs < 0:
		problem = fmt.Sprintf("-j must be a number of experiments, or 0 for one per processor; got %d", cfg.Jobs)
	case cfg.Budget < 0:
		problem = fmt.Sprintf("-budget must be a duration such as 20s, or 0 for the default; got %v", cfg.Budget)
	default:
		return nil
	}
	fmt.Fprintf(fs.Output(), "generator %s: %s\n", fs.Name(), problem)
	return errUsage
}

// build builds the site once.
func (c *cli) build(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	cfg := site.Config{Registry: c.registry}
	verbose := siteFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkSiteFlags(fs, cfg); err != nil {
		return err
	}
	if *verbose {
		cfg.Log = c.stderr
	}
	r, err := site.Build(ctx, cfg)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("build stopped (%v): %s is as it was", context.Cause(ctx), cfg.Out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "built %d pages with %d figures into %s in %v (%d experiments run, %d cached)\n",
		r.Pages, r.Figures, cfg.Out, r.Duration.Round(time.Millisecond), r.Runs, r.Cached)
	return nil
}

// cacheLimit is the -cache-max flag: a size, 0 meaning no bound.
type cacheLimit struct{ limit *int64 }

func (f cacheLimit) String() string {
	switch {
	case f.limit == nil:
		return ""
	case *f.limit == 0:
		return strconv.Itoa(cache.DefaultLimit>>20) + "MB"
	case *f.limit < 0:
		return "0"
	}
	return strconv.FormatInt(*f.limit, 10)
}

func (f cacheLimit) Set(s string) error {
	n, err := cache.ParseSize(s)
	if err != nil {
		return err
	}
	if n == 0 {
		n = -1
	}
	*f.limit = n
	return nil
}
