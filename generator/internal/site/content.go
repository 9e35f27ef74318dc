package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/nonconvex/explainer/generator/internal/bib"
	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/markup"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// Settings are the site's settings, from site.yaml in the content folder.
type Settings struct {
	// Title is the site's name, shown on every page.
	Title string `yaml:"title"`
	// Description is the site's one-line summary.
	Description string `yaml:"description"`
	// URL is the address the site is published at, such as
	// https://example.org or https://user.github.io/explainer; the feed,
	// the sitemap and canonical links need absolute addresses, and
	// publishing builds for its path (see [Settings.Base]).
	URL string `yaml:"url"`
	// Author is named in the feed and the page footer.
	Author string `yaml:"author"`
	// Language is the pages' language code; "en" if empty.
	Language string `yaml:"language"`
	// Repository, if set, is the address at which the site's source files
	// can be read, such as https://github.com/you/explainer/blob/main: a
	// file's path appended to it is the file's address. The experiments
	// page links each experiment's source through it.
	Repository string `yaml:"repository"`
	// Parts group the articles, by their order, on the home page and in
	// each article's heading. Without parts the articles form one list;
	// articles whose order comes before the first part (or that have no
	// order) are listed first, under no part's title.
	Parts []Part `yaml:"parts"`
}

// A Part is a group of consecutive articles: those whose order is at
// least its From and below the next part's.
type Part struct {
	// Title names the part, such as "Part I: Why the loss is not convex".
	Title string `yaml:"title"`
	// From is the lowest order of the part's articles.
	From int `yaml:"from"`
}

// part returns the index of the part an article of the given order
// belongs to, or -1 if there are no parts or it comes before the first.
func (s Settings) part(order int) int {
	i := -1
	for j, p := range s.Parts {
		if order >= p.From {
			i = j
		}
	}
	return i
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
	static   map[string][]byte   // other files, by slash path
	drafts   map[string]*article // drafts left out of the build, by slug
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
	root := b.cfg.Content
	sources, errs, ok := walk(root)
	if !ok {
		return nil, errs
	}
	c := &content{static: make(map[string][]byte), drafts: make(map[string]*article)}
	var settings, bibliography *source
	var mdFiles []source
	for _, s := range sources {
		switch {
		case s.rel == "site.yaml":
			settings = &s
		case s.rel == "references.bib":
			bibliography = &s
		case isArticle(s.rel):
			if msg := checkArticlePath(root, s.rel); msg != "" {
				errs.Add(diag.Pos{File: s.path}, "%s", msg)
				continue
			}
			mdFiles = append(mdFiles, s)
		default:
			data, err := readRegular(s.file)
			if err != nil {
				errs.Add(diag.Pos{File: s.path}, "%v", err)
				continue
			}
			c.static[s.rel] = data
		}
	}
	c.settings, errs = readSettings(root, settings, errs)
	c.bib, errs = b.readBib(root, bibliography, errs)

	articles := make([]*article, len(mdFiles))
	var mu sync.Mutex
	// Twice as many parses as processors: while one waits for its file,
	// another can parse.
	forEach(len(mdFiles), 2*b.cfg.Jobs, func(i int) {
		a, err := b.parse(mdFiles[i])
		mu.Lock()
		defer mu.Unlock()
		errs.Merge(diag.Pos{File: mdFiles[i].path}, err)
		articles[i] = a
	})
	for _, a := range articles {
		switch {
		case a == nil || a.doc == nil:
		case a.doc.Meta.Draft && !b.cfg.Drafts && a.slug == "":
			errs.Add(a.doc.MetaPos("draft"), "the home page cannot be a draft: remove draft: true, or build with -drafts")
		case a.doc.Meta.Draft && !b.cfg.Drafts:
			c.drafts[a.slug] = a
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
func (b *Builder) parse(s source) (*article, error) {
	src, err := readRegular(s.file)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: s.path}, "%v", err)
	}
	// Some Windows editors start UTF-8 text with a byte order mark,
	// which would hide the front matter's opening line.
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	a := &article{path: s.path, slug: slugOf(s.rel)}
	sum := sha256.Sum256(src)
	b.mu.Lock()
	prev, ok := b.parsed[s.path]
	b.mu.Unlock()
	if ok && prev.sum == sum {
		a.doc = prev.doc
		return a, prev.err
	}
	doc, err := b.parser.Parse(s.path, src)
	b.mu.Lock()
	b.parsed[s.path] = parsed{sum, doc, err}
	b.mu.Unlock()
	a.doc = doc
	return a, err
}

// settingsFields are the keys site.yaml may hold.
var settingsFields = []string{"title", "description", "url", "author", "language", "repository", "parts"}

func readSettings(root string, src *source, errs diag.List) (Settings, diag.List) {
	var s Settings
	p := filepath.Join(root, "site.yaml")
	if src == nil && isFolder(p) {
		errs.Add(diag.Pos{File: p}, "a folder: the site's settings are a file")
		return s, errs
	}
	if src == nil {
		if !reported(errs, p) { // as a link gone wrong, say
			errs.Add(diag.Pos{File: p}, "missing: the site's settings (%s) go in site.yaml in the content folder", strings.Join(settingsFields, ", "))
		}
		return s, errs
	}
	data, err := readRegular(src.file)
	if err != nil {
		errs.Add(diag.Pos{File: p}, "%v", err)
		return s, errs
	}
	// A node first, for the lines of the values checked below.
	var doc yaml.Node
	err = yaml.Unmarshal(data, &doc)
	if err == nil && len(doc.Content) == 0 {
		errs.Add(diag.Pos{File: p}, "empty: the site's settings need a title: and a url:, and may have a description:, an author:, a language:, a repository: and parts:")
		return s, errs
	}
	if err == nil && doc.Content[0].Kind != yaml.MappingNode {
		errs.Add(diag.Pos{File: p, Line: doc.Content[0].Line}, "the settings are lines of the form key: value, with the keys %s", strings.Join(settingsFields, ", "))
		return s, errs
	}
	if err == nil {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err = dec.Decode(&s)
	}
	if err != nil {
		// A mistake inside parts: is about a part's keys.
		inParts := partLines(doc)
		partErrs := diag.YAML(err, partFields, 1)
		for i, e := range diag.YAML(err, settingsFields, 1) {
			if inParts(e.Line) {
				e = partErrs[i]
			}
			errs.Add(diag.Pos{File: p, Line: e.Line}, "%s", e.Msg)
		}
		return s, errs
	}
	at := func(key string) diag.Pos {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return diag.Pos{File: p, Line: m.Content[i].Line}
			}
		}
		return diag.Pos{File: p}
	}
	if strings.TrimSpace(s.Title) == "" {
		errs.Add(at("title"), "missing title: the site's name, shown on every page")
	}
	address, msg := checkURL(s.URL)
	if msg != "" {
		errs.Add(at("url"), "%s", msg)
	}
	s.URL = address
	if s.Repository != "" {
		if u, err := url.Parse(s.Repository); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs.Add(at("repository"), "repository must be the address of the source files, such as https://github.com/you/explainer/blob/main, got %q", s.Repository)
		}
		s.Repository = strings.TrimSuffix(s.Repository, "/")
	}
	errs = checkParts(s.Parts, item(doc.Content[0], "parts", p), errs)
	if s.Language == "" {
		s.Language = "en"
	} else if _, err := language.Parse(s.Language); err != nil {
		errs.Add(at("language"), "language must be a language tag such as en or en-GB, got %q", s.Language)
	}
	return s, errs
}

// partFields are the keys a part may hold.
var partFields = []string{"title", "from"}

// partLines returns a function that reports whether a line of site.yaml
// lies inside its parts: list.
func partLines(doc yaml.Node) func(line int) bool {
	first, last := 0, -1
	if len(doc.Content) > 0 {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "parts" {
				first, last = m.Content[i].Line, lastLine(m.Content[i+1])
			}
		}
	}
	return func(line int) bool { return first < line && line <= last }
}

// lastLine returns the last line a YAML node spans.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// checkParts checks the parts: each has a title, and they come in
// increasing order. at gives the position of the i-th.
func checkParts(parts []Part, at func(i int) diag.Pos, errs diag.List) diag.List {
	for i, p := range parts {
		if strings.TrimSpace(p.Title) == "" {
			errs.Add(at(i), "part %d has no title: give it one, such as title: \"Part I: The question\"", i+1)
		}
		if i > 0 && p.From <= parts[i-1].From {
			errs.Add(at(i), "part %d starts from order %d, not after part %d (from: %d): list the parts in reading order", i+1, p.From, i, parts[i-1].From)
		}
	}
	return errs
}

// item returns a function giving the position of the i-th item of the
// sequence under key in a YAML mapping.
func item(m *yaml.Node, key, file string) func(i int) diag.Pos {
	return func(i int) diag.Pos {
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == key && i < len(m.Content[j+1].Content) {
				return diag.Pos{File: file, Line: m.Content[j+1].Content[i].Line}
			}
		}
		return diag.Pos{File: file}
	}
}

// checkURL returns the address a site.yaml url names, without a trailing
// slash, or what is wrong with it. Its path, if any, is the base path the
// site is published under, so it must be one.
func checkURL(s string) (string, string) {
	const want = "url must be the site's address, such as https://example.org or https://user.github.io/explainer"
	if s == "" {
		return "", "missing url: the site's address, such as https://example.org, for the feed and the sitemap"
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.Opaque != "":
		return "", fmt.Sprintf("%s, got %q", want, s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.HasSuffix(s, "#"):
		return "", fmt.Sprintf("%s, without a user, query or fragment; got %q", want, s)
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if err := checkBase(path + "/"); err != nil {
		return "", fmt.Sprintf("url's path must be folder names of letters, digits and - . _ ~, such as /explainer; got %q", s)
	}
	return u.Scheme + "://" + u.Host + path, ""
}

// readBib reads and parses references.bib, or takes the last build's
// bibliography if the file is the same.
func (b *Builder) readBib(root string, src *source, errs diag.List) (*bib.Bibliography, diag.List) {
	p := filepath.Join(root, "references.bib")
	if src == nil && isFolder(p) {
		errs.Add(diag.Pos{File: p}, "a folder: the bibliography is a file")
	}
	if src == nil {
		return nil, errs
	}
	data, err := readRegular(src.file)
	if err != nil {
		errs.Add(diag.Pos{File: p}, "%v", err)
		return nil, errs
	}
	b.mu.Lock()
	last := b.bib
	b.mu.Unlock()
	if last == nil || last.path != p || !bytes.Equal(last.data, data) {
		bb, err := bib.Parse(p, data)
		last = &parsedBib{p, data, bb, err}
		b.mu.Lock()
		b.bib = last
		b.mu.Unlock()
	}
	err = last.err
	var list bib.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			errs.Add(diag.Pos{File: e.File, Line: e.Line, Col: e.Col}, "%s", e.Msg)
		}
	} else if err != nil {
		errs.Add(diag.Pos{File: p}, "%v", err)
	}
	return last.bib, errs
}

// isFolder reports whether p is a folder, where a file of the content
// folder's own belongs.
func isFolder(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// reported reports whether errs has an error about the file p.
func reported(errs diag.List, p string) bool {
	return slices.ContainsFunc(errs, func(e *diag.Error) bool { return e.Pos.File == p })
}

// unwrapPathError drops the path from an fs error: the position has it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errors.New(pe.Op + ": " + pe.Err.Error())
	}
	return err
}
