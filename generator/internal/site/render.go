package site

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"

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
	Kind        string // the template: "home", "article", "experiments", "notfound"
	Card        *card  // the social-media card; nil for none
	Code        bool   // whether the page shows highlighted code

	Date        string        // YYYY-MM-DD, or ""
	DateText    string        // the date as a reader reads it: 22 November 2026
	Part        *link         // the part the article belongs to
	TOC         template.HTML // the table of contents as a nested list
	Body        template.HTML
	References  []reference
	Prev, Next  *link
	Articles    []link
	Parts       []partList
	Experiments []experimentDoc
}

type link struct {
	URL, Title, Description string
}

// A partList is a part of the site and its articles, for the home page.
type partList struct {
	ID, Title string
	Start     int // the reading-order number of its first article
	Articles  []link
}

type reference struct {
	Key  string
	HTML template.HTML
}

type experimentDoc struct {
	Name, Doc, File string
	Source          string // the address of its source file, or ""
	Params          []lab.Param
	UsedBy          []usedBy
}

type usedBy struct{ URL, Label string }

// newRenderer returns a renderer of the pages of a build whose math font
// is math.
func newRenderer(ctx context.Context, b *Builder, ix *index, uses []*use, math *mathFont) (*renderer, error) {
	files, urls := b.assetFiles(math)
	r := &renderer{b: b, ctx: ctx, ix: ix, assetFiles: files, assets: urls(b.cfg.Base)}
	r.cardFig = r.cardUse(uses)
	var err error
	r.chrome, err = newChrome(r.base("", "", ""))
	return r, err
}

// renderer renders the pages of one build.
type renderer struct {
	b          *Builder
	ctx        context.Context
	ix         *index
	assetFiles map[string][]byte // by output path
	assets     assetURLs
	chrome     chrome
	cardFig    *use // the figure every page's social card shows, or nil
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

// execute writes a page of the kind name.
func (r *renderer) execute(w io.Writer, name string, p page) error {
	p.Kind = name
	if err := pageTemplates[name].ExecuteTemplate(w, "layout", p); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	return nil
}

// bodyMark stands for an article's text in its page while the page around
// it is made: the text is then written straight to the page's file, not
// copied into the page first.
const bodyMark = "\x00body\x00"

// executeArticle writes the page of an article around its text.
func (r *renderer) executeArticle(w io.Writer, name string, p page, a *article, res *pageResolver) error {
	p.Body = bodyMark
	var around bytes.Buffer
	if err := r.execute(&around, name, p); err != nil {
		return err
	}
	before, after, ok := bytes.Cut(around.Bytes(), []byte(bodyMark))
	if !ok {
		return fmt.Errorf("template %s: no place for the text", name)
	}
	w.Write(before)
	if err := r.b.parser.Render(w, a.doc, res); err != nil {
		return fmt.Errorf("%s: rendering: %w", a.path, err)
	}
	_, err := w.Write(after)
	return err
}

func (r *renderer) links() []link {
	var ls []link
	for _, a := range r.ix.content.articles {
		ls = append(ls, link{URL: r.ix.pageURL(a), Title: a.doc.Meta.Title, Description: a.doc.Meta.Description})
	}
	return ls
}

// article writes the home page or an article.
func (r *renderer) article(w io.Writer, a *article, number int) error {
	res := r.ix.resolver(a)
	p := r.base(a.doc.Meta.Title, a.doc.Meta.Description, r.ix.pageURL(a))
	p.Code = a.doc.Code
	p.TOC = tocHTML(a.doc.TOC)
	p.Card = r.card(a)
	for _, key := range sortedByValue(res.cites) {
		e, _ := r.ix.content.bib.Lookup(key)
		p.References = append(p.References, reference{Key: key, HTML: template.HTML(e.HTML())})
	}
	if a.slug == "" {
		p.Parts = r.parts()
		return r.executeArticle(w, "home", p, a, res)
	}
	p.Date, p.DateText = a.doc.Meta.Date, readableDate(a.doc.Meta.Date)
	if i := r.ix.content.settings.part(a.doc.Meta.Order); i >= 0 {
		p.Part = &link{URL: r.ix.base + "#" + partID(i), Title: r.ix.content.settings.Parts[i].Title}
	}
	arts := r.ix.content.articles
	if i := number - 1; i > 0 {
		p.Prev = &link{URL: r.ix.pageURL(arts[i-1]), Title: arts[i-1].doc.Meta.Title}
	}
	if i := number - 1; i+1 < len(arts) {
		p.Next = &link{URL: r.ix.pageURL(arts[i+1]), Title: arts[i+1].doc.Meta.Title}
	}
	return r.executeArticle(w, "article", p, a, res)
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
			fmt.Fprintf(&b, "\n<li><a href=\"#%s\"><span class=\"secnum\">%s</span> <span>%s%s</span></a>", html.EscapeString(h.ID), h.Number, badge(h.Verdict), h.Title)
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

// badge is a claim's verdict badge followed by a space, or "".
func badge(v template.HTML) template.HTML {
	if v == "" {
		return ""
	}
	return v + " "
}

func sortedByValue(m map[string]int) []string {
	keys := slices.Sorted(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return m[a] - m[b] })
	return keys
}

func (r *renderer) notFound(w io.Writer) error {
	p := r.base("Page not found", r.ix.content.settings.Description, "")
	p.Canonical = ""
	p.Articles = r.links()
	return r.execute(w, "notfound", p)
}

// experiments writes the list of experiments with their parameters and
// the figures that use them.
func (r *renderer) experiments(w io.Writer, uses []*use) error {
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
		doc := experimentDoc{Name: e.Name, Doc: e.Doc, File: lab.SourceFile(e), Params: e.AllParams(), UsedBy: users[e.Name]}
		if repo := r.ix.content.settings.Repository; repo != "" {
			doc.Source = repo + "/" + (&url.URL{Path: doc.File}).EscapedPath()
		}
		p.Experiments = append(p.Experiments, doc)
	}
	return r.execute(w, "experiments", p)
}

// sitemap lists every page with its absolute address.
func (r *renderer) sitemap(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, a := range r.ix.content.all() {
		fmt.Fprintf(b, "<url><loc>%s</loc>", xmlEscape(r.ix.abs(r.ix.pageURL(a))))
		if a.doc.Meta.Date != "" {
			fmt.Fprintf(b, "<lastmod>%s</lastmod>", a.doc.Meta.Date)
		}
		b.WriteString("</url>\n")
	}
	fmt.Fprintf(b, "<url><loc>%s</loc></url>\n", xmlEscape(r.ix.abs(r.ix.base+"experiments/")))
	b.WriteString("</urlset>\n")
	return b.Flush()
}

// feed is an Atom feed of the articles, each with its whole text. Its
// dates come from the articles' front matter, never from the clock, so
// rebuilding does not change it. The links of a text start with the base
// path or are fragments; each entry's xml:base, the article's address,
// resolves them for a reader.
func (r *renderer) feed(w io.Writer) error {
	s := r.ix.content.settings
	updated := "2000-01-01"
	for _, a := range r.ix.content.all() {
		updated = max(updated, a.doc.Meta.Date)
	}
	b := bufio.NewWriter(w)
	b.WriteString(xml.Header)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	fmt.Fprintf(b, "<title>%s</title>\n", xmlEscape(s.Title))
	if s.Description != "" {
		fmt.Fprintf(b, "<subtitle>%s</subtitle>\n", xmlEscape(s.Description))
	}
	home := r.ix.abs(r.ix.base)
	fmt.Fprintf(b, "<id>%s</id>\n", xmlEscape(home))
	fmt.Fprintf(b, "<link href=\"%s\"/>\n", xmlEscape(home))
	fmt.Fprintf(b, "<link rel=\"self\" href=\"%s\"/>\n", xmlEscape(r.ix.abs(r.ix.base+"feed.xml")))
	fmt.Fprintf(b, "<updated>%sT00:00:00Z</updated>\n", updated)
	if s.Author != "" {
		fmt.Fprintf(b, "<author><name>%s</name></author>\n", xmlEscape(s.Author))
	}
	for _, a := range r.ix.content.articles {
		u := xmlEscape(r.ix.abs(r.ix.pageURL(a)))
		fmt.Fprintf(b, "<entry>\n<title>%s</title>\n<id>%s</id>\n<link href=\"%s\"/>\n", xmlEscape(a.doc.Meta.Title), u, u)
		if date := a.doc.Meta.Date; date != "" {
			fmt.Fprintf(b, "<published>%sT00:00:00Z</published>\n<updated>%sT00:00:00Z</updated>\n", date, date)
		} else {
			fmt.Fprintf(b, "<updated>%sT00:00:00Z</updated>\n", updated)
		}
		fmt.Fprintf(b, "<summary>%s</summary>\n", xmlEscape(a.doc.Meta.Description))
		if a.doc.Len() <= maxFeedText {
			fmt.Fprintf(b, "<content type=\"html\" xml:base=\"%s\">", u)
			text := &cdata{w: b}
			text.Start()
			// A text that fails to render fails its page, which says so.
			_ = r.b.parser.Render(text, a.doc, r.ix.resolver(a))
			text.End()
			b.WriteString("</content>\n")
		}
		b.WriteString("</entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Flush()
}

// robots points crawlers at the sitemap. Crawlers read robots.txt only at
// a host's root, so for a site under a base path it takes effect only
// where the host serves the folder at its root too.
func (r *renderer) robots(w io.Writer) error {
	_, err := fmt.Fprintf(w, "User-agent: *\nAllow: /\n\nSitemap: %s\n", r.ix.abs(r.ix.base+"sitemap.xml"))
	return err
}

// maxFeedText is the longest text, in bytes of HTML, the feed carries: a
// longer article is in the feed by its summary and address alone. Feed
// readers are not made for books, and the feed would otherwise double the
// memory a build of a long article takes.
const maxFeedText = 1 << 20
