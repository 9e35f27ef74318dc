package site

import (
	"bytes"
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/nonconvex/explainer/generator/internal/bib"
	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/markup"
	"gopkg.in/yaml.v3"
)

// Settings are the site's settings, from site.yaml in the content folder.
type Settings struct {
	// Title is the site's name, shown on every page.
	Title string `yaml:"title"`
	// Description is the site's one-line summary.
	Description string `yaml:"description"`
	// URL is the origin the site is published at, such as
	// https://example.org; the feed and sitemap need absolute addresses.
	URL string `yaml:"url"`
	// Author is named in the feed and the page footer.
	Author string `yaml:"author"`
	// Language is the pages' language code; "en" if empty.
	Language string `yaml:"language"`
}

// An article is one Markdown file: the home page or an article.
type article struct {
	path string // display path, as in errors: "content/why.md"
	slug string // "" for the home page
	doc  *markup.Doc
}

// content is everything the content folder holds.
type content struct {
	settings Settings
	home     *article
	articles []*article // in reading order
	bib      *bib.Bibliography
	static   map[string][]byte // other files, by slash path
}

// Ignored reports whether a file name is an editor's temporary or backup
// file, or hidden, and so no part of the content.
func Ignored(name string) bool {
	base := path.Base(filepath.ToSlash(name))
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") ||
		strings.HasSuffix(base, "~") || base == "4913" ||
		strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		strings.HasSuffix(base, ".tmp") || strings.HasSuffix(base, ".bak") ||
		strings.Contains(base, "___jb_") || strings.HasSuffix(base, ".crswap") ||
		strings.HasSuffix(base, ".bck") // Helix's backup while saving
}

// read loads and parses the content folder, reusing articles whose source
// has not changed since the last build.
func (b *Builder) read() (*content, diag.List) {
	var errs diag.List
	root := b.cfg.Content
	c := &content{static: make(map[string][]byte)}
	var mdFiles []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs.Add(diag.Pos{File: p}, "%v", unwrapPathError(err))
			return nil
		}
		if p != root && Ignored(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".md"):
			mdFiles = append(mdFiles, p)
		case rel == "site.yaml" || rel == "references.bib":
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				errs.Add(diag.Pos{File: p}, "%v", unwrapPathError(err))
				return nil
			}
			c.static[rel] = data
		}
		return nil
	})
	if err != nil {
		errs.Add(diag.Pos{File: root}, "%v", unwrapPathError(err))
		return nil, errs
	}
	c.settings, errs = readSettings(root, errs)
	c.bib, errs = readBib(root, errs)

	articles := make([]*article, len(mdFiles))
	var wg sync.WaitGroup
	var mu sync.Mutex
	// Twice as many parses as processors: while one waits for its file,
	// another can parse.
	sem := make(chan struct{}, 2*b.cfg.Jobs)
	for i, p := range mdFiles {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			a, err := b.parse(root, p)
			mu.Lock()
			defer mu.Unlock()
			errs.Merge(diag.Pos{File: p}, err)
			articles[i] = a
		}()
	}
	wg.Wait()
	for _, a := range articles {
		switch {
		case a == nil || a.doc == nil:
		case a.doc.Meta.Draft && !b.cfg.Drafts:
		case a.slug == "":
			c.home = a
		default:
			c.articles = append(c.articles, a)
		}
	}
	if c.home == nil && len(errs) == 0 {
		errs.Add(diag.Pos{File: filepath.Join(root, "index.md")}, "missing: the home page must be index.md in the content folder")
	}
	slices.SortFunc(c.articles, func(x, y *article) int {
		return cmp.Or(cmp.Compare(x.doc.Meta.Order, y.doc.Meta.Order),
			cmp.Compare(x.doc.Meta.Title, y.doc.Meta.Title), cmp.Compare(x.slug, y.slug))
	})
	return c, errs
}

// parse parses one article, or returns the parse of its unchanged source.
func (b *Builder) parse(root, p string) (*article, error) {
	src, err := os.ReadFile(p)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: p}, "%v", unwrapPathError(err))
	}
	rel, _ := filepath.Rel(root, p)
	a := &article{path: p, slug: slugOf(filepath.ToSlash(rel))}
	b.mu.Lock()
	prev, ok := b.parsed[p]
	b.mu.Unlock()
	if ok && prev.src == string(src) {
		a.doc = prev.doc
		return a, prev.err
	}
	doc, err := b.parser.Parse(p, src)
	b.mu.Lock()
	b.parsed[p] = parsed{string(src), doc, err}
	b.mu.Unlock()
	a.doc = doc
	return a, err
}

// slugOf returns the slug of a Markdown file's path in the content folder.
func slugOf(rel string) string {
	rel = strings.TrimSuffix(rel, ".md")
	if rel == "index" {
		return ""
	}
	return strings.TrimSuffix(rel, "/index")
}

func readSettings(root string, errs diag.List) (Settings, diag.List) {
	var s Settings
	p := filepath.Join(root, "site.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		errs.Add(diag.Pos{File: p}, "%v (the site's settings: title, description, url, author)", unwrapPathError(err))
		return s, errs
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		for _, e := range diag.YAML(err, []string{"title", "description", "url", "author", "language"}) {
			errs.Add(diag.Pos{File: p, Line: e.Line}, "%s", e.Msg)
		}
		return s, errs
	}
	if s.Title == "" {
		errs.Add(diag.Pos{File: p}, "missing title")
	}
	if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
		errs.Add(diag.Pos{File: p}, "url must be the site's origin, such as https://example.org, got %q", s.URL)
	}
	s.URL = strings.TrimSuffix(s.URL, "/")
	if s.Language == "" {
		s.Language = "en"
	}
	return s, errs
}

func readBib(root string, errs diag.List) (*bib.Bibliography, diag.List) {
	p := filepath.Join(root, "references.bib")
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs
	}
	if err != nil {
		errs.Add(diag.Pos{File: p}, "%v", unwrapPathError(err))
		return nil, errs
	}
	b, err := bib.Parse(p, data)
	var list bib.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			errs.Add(diag.Pos{File: e.File, Line: e.Line, Col: e.Col}, "%s", e.Msg)
		}
	} else if err != nil {
		errs.Add(diag.Pos{File: p}, "%v", err)
	}
	return b, errs
}

// unwrapPathError drops the path from an fs error: the position has it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errors.New(pe.Op + ": " + pe.Err.Error())
	}
	return err
}
