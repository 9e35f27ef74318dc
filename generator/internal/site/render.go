package site

import (
	"bytes"
	"embed"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/markup"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the page kinds, each the layout around one "main".
var pageTemplates = func() map[string]*template.Template {
	ts := make(map[string]*template.Template)
	for _, name := range []string{"article", "home", "notfound", "experiments"} {
		ts[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return ts
}()

// chromeTemplates are the parts every page shares.
var chromeTemplates = template.Must(template.ParseFS(templateFS, "templates/chrome.html"))

// chrome is the HTML every page of a build shares, made once.
type chrome struct {
	Links, Header, Footer template.HTML
}

func newChrome(p page) (chrome, error) {
	var c chrome
	for _, part := range []struct {
		name string
		dst  *template.HTML
	}{{"links", &c.Links}, {"header", &c.Header}, {"footer", &c.Footer}} {
		var b strings.Builder
		if err := chromeTemplates.ExecuteTemplate(&b, part.name, p); err != nil {
			return c, fmt.Errorf("template %s: %w", part.name, err)
		}
		*part.dst = template.HTML(b.String())
	}
	return c, nil
}

// page is what every template sees.
type page struct {
	Site        Settings
	Base        string
	Assets      assetURLs
	Chrome      chrome
	Title       string
	Description string
	Canonical   string

	TOC         template.HTML // the table of contents as a nested list
	Body        template.HTML
	References  []reference
	Prev, Next  *link
	Articles    []link
	Experiments []experimentDoc
}

type link struct {
	URL, Title, Description string
}

type reference struct {
	Key  string
	HTML template.HTML
}

type experimentDoc struct {
	Name, Doc, File string
	Params          []lab.Param
	UsedBy          []usedBy
}

type usedBy struct{ URL, Label string }

// newRenderer returns a renderer of the pages of a build.
func newRenderer(b *Builder, ix *index) (*renderer, error) {
	_, urls := assetFiles()
	r := &renderer{b: b, ix: ix, assets: urls(b.cfg.Base), bodies: make(map[*article]*body)}
	for _, a := range ix.content.all() {
		r.bodies[a] = new(body)
	}
	var err error
	r.chrome, err = newChrome(r.base("", "", ""))
	return r, err
}

// renderer renders the pages of one build.
type renderer struct {
	b      *Builder
	ix     *index
	assets assetURLs
	chrome chrome
	bodies map[*article]*body // each rendered once, for its page and the feed
}

// A body is an article's text as HTML, without the page around it.
type body struct {
	once sync.Once
	html string
	res  *pageResolver // what it cites
	err  error
}

// body renders an article's text, once a build whoever asks first.
func (r *renderer) body(a *article) *body {
	b := r.bodies[a]
	b.once.Do(func() {
		var buf bytes.Buffer
		buf.Grow(3 * a.doc.Len()) // HTML runs to about three times its Markdown
		b.res = r.ix.resolver(a)
		if err := r.b.parser.Render(&buf, a.doc, b.res); err != nil {
			b.err = fmt.Errorf("%s: rendering: %w", a.path, err)
		}
		b.html = buf.String()
	})
	return b
}

func (r *renderer) base(title, description, canonicalPath string) page {
	p := page{
		Site:        r.ix.content.settings,
		Base:        r.ix.base,
		Assets:      r.assets,
		Chrome:      r.chrome,
		Title:       title,
		Description: description,
	}
	if canonicalPath != "" {
		p.Canonical = r.ix.abs(canonicalPath)
	}
	return p
}

func (r *renderer) execute(name string, p page) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(p.Body) + 8<<10) // the body and the page around it
	if err := pageTemplates[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func (r *renderer) links() []link {
	var ls []link
	for _, a := range r.ix.content.articles {
		ls = append(ls, link{URL: r.ix.pageURL(a), Title: a.doc.Meta.Title, Description: a.doc.Meta.Description})
	}
	return ls
}

// article renders the home page or an article.
func (r *renderer) article(a *article, number int) ([]byte, error) {
	body := r.body(a)
	if body.err != nil {
		return nil, body.err
	}
	res := body.res
	p := r.base(a.doc.Meta.Title, a.doc.Meta.Description, r.ix.pageURL(a))
	p.Body = template.HTML(body.html)
	p.TOC = tocHTML(a.doc.TOC)
	for _, key := range sortedByValue(res.cites) {
		e, _ := r.ix.content.bib.Lookup(key)
		p.References = append(p.References, reference{Key: key, HTML: template.HTML(e.HTML())})
	}
	if a.slug == "" {
		p.Articles = r.links()
		return r.execute("home", p)
	}
	arts := r.ix.content.articles
	if i := number - 1; i > 0 {
		p.Prev = &link{URL: r.ix.pageURL(arts[i-1]), Title: arts[i-1].doc.Meta.Title}
	}
	if i := number - 1; i+1 < len(arts) {
		p.Next = &link{URL: r.ix.pageURL(arts[i+1]), Title: arts[i+1].doc.Meta.Title}
	}
	return r.execute("article", p)
}

// tocHTML writes a table of contents as nested ordered lists. Building it
// here rather than in the template is several times faster, which counts
// on a site of many pages.
func tocHTML(hs []*markup.Heading) template.HTML {
	if len(hs) == 0 {
		return ""
	}
	var b strings.Builder
	var list func(hs []*markup.Heading)
	list = func(hs []*markup.Heading) {
		b.WriteString("<ol>")
		for _, h := range hs {
			fmt.Fprintf(&b, "\n<li><a href=\"#%s\"><span class=\"secnum\">%s</span> %s</a>", html.EscapeString(h.ID), h.Number, h.Title)
			if len(h.Sub) > 0 {
				b.WriteString("\n")
				list(h.Sub)
			}
			b.WriteString("</li>")
		}
		b.WriteString("\n</ol>")
	}
	list(hs)
	return template.HTML(b.String())
}

func sortedByValue(m map[string]int) []string {
	keys := slices.Sorted(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return m[a] - m[b] })
	return keys
}

func (r *renderer) notFound() ([]byte, error) {
	p := r.base("Page not found", r.ix.content.settings.Description, "")
	p.Canonical = ""
	p.Articles = r.links()
	return r.execute("notfound", p)
}

// experiments renders the list of experiments with their parameters and
// the figures that use them.
func (r *renderer) experiments(uses []*use) ([]byte, error) {
	p := r.base("Experiments", "Every experiment behind the figures, with its parameters.", r.ix.base+"experiments/")
	users := make(map[string][]usedBy)
	for _, u := range uses {
		if u.fig.Run {
			continue
		}
		label := fmt.Sprintf("%s, Figure %d", u.art.doc.Meta.Title, u.fig.Number)
		users[u.fig.Experiment] = append(users[u.fig.Experiment], usedBy{URL: r.ix.pageURL(u.art) + "#" + u.fig.ID, Label: label})
	}
	for _, e := range r.b.cfg.Registry.Experiments {
		p.Experiments = append(p.Experiments, experimentDoc{
			Name: e.Name, Doc: e.Doc, File: lab.SourceFile(e), Params: e.AllParams(), UsedBy: users[e.Name],
		})
	}
	return r.execute("experiments", p)
}

// sitemap lists every page with its absolute address.
func (r *renderer) sitemap() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, a := range r.ix.content.all() {
		fmt.Fprintf(&b, "<url><loc>%s</loc>", xmlEscape(r.ix.abs(r.ix.pageURL(a))))
		if a.doc.Meta.Date != "" {
			fmt.Fprintf(&b, "<lastmod>%s</lastmod>", a.doc.Meta.Date)
		}
		b.WriteString("</url>\n")
	}
	fmt.Fprintf(&b, "<url><loc>%s</loc></url>\n", xmlEscape(r.ix.abs(r.ix.base+"experiments/")))
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// feed is an Atom feed of the articles, each with its whole text. Its
// dates come from the articles' front matter, never from the clock, so
// rebuilding does not change it. The links of a text start with the base
// path or are fragments; each entry's xml:base, the article's address,
// resolves them for a reader.
func (r *renderer) feed() []byte {
	s := r.ix.content.settings
	updated := "2000-01-01"
	for _, a := range r.ix.content.all() {
		updated = max(updated, a.doc.Meta.Date)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", xmlEscape(s.Title))
	if s.Description != "" {
		fmt.Fprintf(&b, "<subtitle>%s</subtitle>\n", xmlEscape(s.Description))
	}
	home := r.ix.abs(r.ix.base)
	fmt.Fprintf(&b, "<id>%s</id>\n", xmlEscape(home))
	fmt.Fprintf(&b, "<link href=\"%s\"/>\n", xmlEscape(home))
	fmt.Fprintf(&b, "<link rel=\"self\" href=\"%s\"/>\n", xmlEscape(r.ix.abs(r.ix.base+"feed.xml")))
	fmt.Fprintf(&b, "<updated>%sT00:00:00Z</updated>\n", updated)
	if s.Author != "" {
		fmt.Fprintf(&b, "<author><name>%s</name></author>\n", xmlEscape(s.Author))
	}
	for _, a := range r.ix.content.articles {
		u := xmlEscape(r.ix.abs(r.ix.pageURL(a)))
		fmt.Fprintf(&b, "<entry>\n<title>%s</title>\n<id>%s</id>\n<link href=\"%s\"/>\n", xmlEscape(a.doc.Meta.Title), u, u)
		if date := a.doc.Meta.Date; date != "" {
			fmt.Fprintf(&b, "<published>%sT00:00:00Z</published>\n<updated>%sT00:00:00Z</updated>\n", date, date)
		} else {
			fmt.Fprintf(&b, "<updated>%sT00:00:00Z</updated>\n", updated)
		}
		fmt.Fprintf(&b, "<summary>%s</summary>\n", xmlEscape(a.doc.Meta.Description))
		// A text that failed to render fails its page, which reports it.
		fmt.Fprintf(&b, "<content type=\"html\" xml:base=\"%s\">%s</content>\n</entry>\n", u, xmlEscape(r.body(a).html))
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

// robots points crawlers at the sitemap. Crawlers read robots.txt only at
// a host's root, so for a site under a base path it takes effect only
// where the host serves the folder at its root too.
func (r *renderer) robots() []byte {
	return []byte(fmt.Sprintf("User-agent: *\nAllow: /\n\nSitemap: %s\n", r.ix.abs(r.ix.base+"sitemap.xml")))
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
