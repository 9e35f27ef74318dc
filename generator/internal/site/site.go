// Package site performs one build of the explainer: it reads the content
// folder, runs every experiment the articles ask for, renders the pages and
// writes the site.
//
// # Builds
//
// [Build] parses all articles, collects every figure and run directive,
// runs each distinct (experiment, parameters) pair once in a worker pool,
// checks every directive against what the runs produced and every link
// into the site against the files and ids the build writes, renders the pages
// and writes the site into a fresh folder that replaces the output folder
// only if everything succeeded. Each page goes to disk as it is rendered,
// so a build holds a page per worker, not the site's pages. It reports all
// errors at once, sorted by file and position, as a [diag.List].
//
// A [Builder] keeps what one build learnt for the next: parsed articles by
// content and experiment outputs by key, in memory, besides the on-disk
// cache. The dev server rebuilds with one Builder, so a prose edit re-parses
// one article and reruns nothing.
//
// # Content
//
// The content folder holds site.yaml (the site's settings), index.md (the
// home page), one Markdown file per article (its slug is its path without
// .md; a folder's index.md takes the folder's name), references.bib (the
// bibliography) and any other files, which are copied as they are. Hidden
// files and editors' temporary files are left out ([Ignored]).
//
// A slug is an address, so every folder and file name of an article's
// path may use only lowercase letters, digits and hyphens; any other name,
// or an extension other than .md (Why.MD, notes.markdown), is an error
// that names the path to use instead. Files copied as they are may have
// any name.
//
// The build reads only regular files inside the content folder. The
// folder itself may be a link. Inside it, a link is followed only to a
// regular file inside the folder; a link to a folder, a link that leads
// out of the folder or nowhere, a named pipe, a socket or a device is an
// error at its path. Nothing is opened that could block the build.
//
// # Output
//
//	index.html              the home page
//	<slug>/index.html       an article, with its figures beside it:
//	<slug>/<fig-id>.svg     the figure
//	<slug>/<fig-id>.csv     the data behind it
//	<slug>/<fig-id>.<key>-<value>.svg, .csv
//	                        the other settings of a figure with vary= (see vary.go)
//	experiments/index.html  every experiment and its parameters
//	assets/                 CSS, the icon and fonts, named by content hash
//	404.html sitemap.xml robots.txt
//	favicon.ico apple-touch-icon.png  the icon, where browsers ask for it by name
//	card.png                the picture of social media cards: the home page's first figure
//	feed.xml                an Atom feed of the articles, each with its whole text
//	                        (up to a megabyte of HTML; a longer one by its summary)
//	_headers                caching and types for Netlify and Cloudflare Pages
//
// Every output file has exactly one owner: a content file copied as it
// is, an article's page, a figure's plot or data, or one of the files
// above that the build writes itself. The build claims each file with its
// owner before rendering anything (see plan.go), and two owners of one
// path are an error at the one the author can rename, naming both:
// dup.md beside dup/index.md, experiments.md, a robots.txt or
// fig-line.svg in the content folder. So are a file where a page needs a
// folder, and paths that differ only in case. The build's own files are
// not meant to be replaced: a content file in their place is an error.
//
// Every internal address starts with the base path, so the site works at a
// domain's root (base "/") or below it (base "/explainer/"); the base may
// hold only characters an address needs no escaping for, and every address
// built from a path is percent-encoded. Absolute addresses (the feed's,
// the sitemap's, canonical links) start with the url of site.yaml,
// whatever the base of the build. Pages carry no JavaScript.
//
// Each build replaces the output folder whole, so the output folder may
// not be the content folder, the cache or the current folder, nor hold
// them or lie inside the content folder. A cancelled build (a signal to
// the command) stops at once, even in the middle of an experiment, and
// leaves the output folder as it was.
package site

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/nonconvex/explainer/figures"
	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/bib"
	"github.com/nonconvex/explainer/generator/internal/cache"
	"github.com/nonconvex/explainer/generator/internal/markup"
)

// Config describes a build. The zero value builds ./content into ./public
// for a site at a domain's root, caching in ./.cache, with one worker per
// processor.
type Config struct {
	Content string // the content folder; "content" if empty
	Out     string // the output folder; "public" if empty
	Base    string // the URL path the site is served under; "/" if empty
	Cache   string // the cache folder; ".cache" if empty, "-" for none
	// CacheLimit bounds the cache folder's size in bytes;
	// cache.DefaultLimit if zero, no bound if negative.
	CacheLimit int64
	Jobs       int // experiments run at once; GOMAXPROCS if zero
	// Budget is the time one experiment may take; lab.DefaultBudget
	// if zero.
	Budget time.Duration
	// Registry holds the experiments; figures.Default() if nil.
	Registry *lab.Registry
	// Drafts includes articles whose front matter says draft: true.
	Drafts bool
	// Log, if set, receives a line per experiment run and a summary.
	Log io.Writer
}

func (c Config) withDefaults() Config {
	if c.Content == "" {
		c.Content = "content"
	}
	if c.Out == "" {
		c.Out = "public"
	}
	if c.Base == "" {
		c.Base = "/"
	}
	if c.Cache == "" {
		c.Cache = ".cache"
	}
	if c.Cache == "-" {
		c.Cache = ""
	}
	if c.Jobs <= 0 {
		c.Jobs = runtime.GOMAXPROCS(0)
	}
	if c.Registry == nil {
		c.Registry = figures.Default()
	}
	return c
}

// A Report says what a build did.
type Report struct {
	Pages   int // HTML pages written
	Figures int // figure and run directives
	Runs    int // experiments run (not found in a cache)
	Cached  int // experiment outputs found in a cache
	// Changed lists the output files, by slash-separated path, whose
	// content differs from the previous build of the same Builder (every
	// file, on its first build).
	Changed  []string
	Duration time.Duration
}

// Build builds the site described by cfg once.
func Build(ctx context.Context, cfg Config) (*Report, error) {
	return NewBuilder(cfg).Build(ctx)
}

// A Builder builds a site repeatedly, reusing what has not changed. It is
// not safe for concurrent use.
type Builder struct {
	cfg    Config
	parser *markup.Parser
	cache  cache.Cache

	logMu sync.Mutex

	mu      sync.Mutex
	parsed  map[string]parsed      // by content path, valid for its source
	outputs map[string]*lab.Output // by job key
	cards   map[string][]byte      // the social cards' picture, by job key
	written map[string][32]byte    // output path to content hash, last build
	bib     *parsedBib             // the last bibliography parsed
	out     *output                // where builds are published; made by the first build

	fontMu sync.Mutex
	font   *mathFont // the last build's
	assets struct {
		of    *mathFont
		files map[string][]byte
		urls  func(base string) assetURLs
	}
}

// parsed is an article parsed earlier, kept with the source it came from.
type parsed struct {
	sum [sha256.Size]byte // of the source: an article may be large
	doc *markup.Doc
	err error
}

// parsedBib is a bibliography parsed earlier, kept with its source: most
// rebuilds find references.bib as it was.
type parsedBib struct {
	path string
	data []byte
	bib  *bib.Bibliography
	err  error
}

// NewBuilder returns a Builder for cfg.
func NewBuilder(cfg Config) *Builder {
	cfg = cfg.withDefaults()
	return &Builder{
		cfg:     cfg,
		parser:  markup.NewParser(),
		cache:   cache.Cache{Dir: cfg.Cache, Limit: cfg.CacheLimit},
		parsed:  make(map[string]parsed),
		outputs: make(map[string]*lab.Output),
	}
}

// Config returns the builder's configuration, defaults filled in.
func (b *Builder) Config() Config { return b.cfg }

// logf writes a line to the log; workers call it concurrently.
func (b *Builder) logf(format string, args ...any) {
	if b.cfg.Log == nil {
		return
	}
	b.logMu.Lock()
	defer b.logMu.Unlock()
	fmt.Fprintf(b.cfg.Log, format+"\n", args...)
}
