package site

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/nonconvex/explainer/generator/internal/diag"
)

// targets is every file a build writes, by slash-separated path, each
// page with the ids it has (a file that is not a page has none): what a
// link into the site may point at.
type targets map[string]map[string]bool

// targets lists what the build will write, from its plan, before any page
// is rendered, so that links are checked with every other error.
func (b *Builder) targets(ix *index, p *plan, uses []*use) targets {
	t := make(targets, len(p.files))
	for name := range p.files {
		t[name] = nil
	}
	for _, u := range uses {
		for _, s := range u.settings {
			if !u.fig.Run && s.job.out != nil && s.job.out.CSV == "" {
				delete(t, u.csvPath(s)) // planned, but the experiment wrote no data
			}
		}
	}
	t["404.html"] = map[string]bool{"main": true}
	experiments := map[string]bool{"main": true}
	for _, e := range b.cfg.Registry.Experiments {
		experiments[e.Name] = true
	}
	t["experiments/index.html"] = experiments
	for _, a := range ix.content.all() {
		t[path.Join(a.slug, "index.html")] = ix.pageIDs(a)
	}
	return t
}

// pageIDs returns the ids of an article's page: those of the article's
// own HTML, and those of the page around it (see templates/).
func (ix *index) pageIDs(a *article) map[string]bool {
	ids := map[string]bool{"main": true}
	for _, id := range a.doc.IDs {
		ids[id] = true
	}
	if len(a.doc.Cites) > 0 {
		ids["reference-list"] = true
		for _, c := range a.doc.Cites {
			ids["ref-"+c.Key] = true
		}
	}
	if a.slug == "" {
		ids["articles"], ids["articles-title"] = true, true
	}
	return ids
}

// checkLinks reports every link or image of an article that points into
// the site at nothing: a file the build does not write, or an id its page
// does not have.
func (ix *index) checkLinks(a *article, site targets) diag.List {
	var errs diag.List
	for _, l := range a.doc.Links {
		if msg := site.check(a, l.Dest); msg != "" {
			what := "link"
			if l.Image {
				what = "image"
			}
			errs.Add(l.Pos, "%s %s: %s", what, l.Dest, msg)
		}
	}
	return errs
}

// check returns what is wrong with a link from an article, or "".
func (m targets) check(from *article, dest string) string {
	u, err := url.Parse(dest)
	if err != nil {
		return "malformed address (write spaces as %20)"
	}
	own := path.Join(from.slug, "index.html")
	file := own
	if u.Path != "" {
		p, ok := resolveLink(from.slug, u.Path)
		if !ok {
			return "it leads above the site's root"
		}
		if file, ok = m.file(p); !ok {
			msg := fmt.Sprintf("no page or file /%s in the site", p)
			if slug, ok := strings.CutSuffix(p, ".md"); ok && m[path.Join(slug, "index.html")] != nil {
				msg += fmt.Sprintf(" (link to the article's page, /%s/)", slug)
			}
			return msg
		}
	}
	ids := m[file]
	if u.Fragment == "" || ids == nil {
		return "" // an SVG or other file's fragment is its own business
	}
	if !ids[u.Fragment] {
		where := "this page"
		if file != own {
			where = "/" + strings.TrimSuffix(file, "index.html")
		}
		return fmt.Sprintf("%s has no id %s", where, u.Fragment)
	}
	return ""
}

// file returns the file a site path leads to: a page's folder leads to
// its index.html, with or without the final slash (hosts redirect to it).
func (m targets) file(p string) (string, bool) {
	candidates := []string{p, p + "/index.html"}
	if p == "" || strings.HasSuffix(p, "/") {
		candidates = []string{p + "index.html"}
	}
	for _, c := range candidates {
		if _, ok := m[c]; ok {
			return c, true
		}
	}
	return "", false
}

// resolveLink returns the site path, without its leading slash, that a link
// path leads to from the page of slug; a path starting with a slash is
// from the site's root. It reports false for a path that climbs above the
// root, which a browser would quietly keep at the root of its host, not
// of the site.
func resolveLink(slug, p string) (string, bool) {
	var dir []string
	if !strings.HasPrefix(p, "/") && slug != "" {
		dir = strings.Split(slug, "/")
	}
	parts := strings.Split(p, "/")
	for _, part := range parts {
		switch part {
		case "", ".":
		case "..":
			if len(dir) == 0 {
				return "", false
			}
			dir = dir[:len(dir)-1]
		default:
			dir = append(dir, part)
		}
	}
	out := strings.Join(dir, "/")
	if last := parts[len(parts)-1]; out != "" && (last == "" || last == "." || last == "..") {
		out += "/"
	}
	return out, true
}
