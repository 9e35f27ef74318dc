package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nonconvex/explainer/generator/internal/serve"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// serve builds the site, serves it and rebuilds it while the author
// edits, until interrupted. Everything it reports goes to stderr.
func (c *cli) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	cfg := serve.Config{Site: site.Config{Registry: c.registry}}
	verbose := siteFlags(fs, &cfg.Site)
	// The server builds into a folder of its own, so that public/ holds
	// only what build wrote.
	out := fs.Lookup("out")
	out.DefValue, out.Usage, cfg.Site.Out = "", "the `folder` to build the preview in (default: a temporary folder, removed when the server stops)", ""
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "the `address` to serve on; one other machines can reach, such as 0.0.0.0:8080, prints a warning")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// No -out is the server's own folder; the other flags are build's.
	checked := cfg.Site
	checked.Out = cmp.Or(checked.Out, "(the server's own)")
	if err := checkSiteFlags(fs, checked); err != nil {
		return err
	}
	cfg.Log = c.stderr
	if *verbose {
		cfg.Site.Log = c.stderr
	}
	// Go code is watched when the server runs inside the module, as make
	// serve and go run do; a restart rebuilds it with the same arguments.
	if dir, err := moduleRoot(); err == nil {
		cfg.Program = &serve.Program{Dir: dir, Args: os.Args[1:]}
	} else if *verbose {
		fmt.Fprintf(c.stderr, "serve: %v; Go code is not watched\n", err)
	}
	s, err := serve.New(cfg)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

// moduleRoot returns the folder of the go.mod above the current folder
// that holds the generator's source.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		_, errMod := os.Stat(filepath.Join(dir, "go.mod"))
		_, errGen := os.Stat(filepath.Join(dir, "generator", "main.go"))
		if errMod == nil && errGen == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no module with the generator's source above the current folder")
		}
		dir = parent
	}
}
