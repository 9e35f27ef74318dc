package site

import (
	"fmt"
	"html"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/markup"
)

// index finds articles and the directives' outputs.
type index struct {
	base     string
	bibPath  string
	content  *content
	bySlug   map[string]*article
	uses     map[*markup.Figure]*use
	figureOf map[string]map[string]*use // slug, id
	// inlined holds inline's answers, by inlineKey: the check of the
	// site asks for every value and check in the prose, and the page and
	// the feed ask again for the same.
	inlined sync.Map
}

type inlineKey struct {
	from *article
	d    *markup.Directive
	in   markup.Setting
}

type inlined struct{ html, err string }

func newIndex(base, contentDir string, c *content, uses []*use) *index {
	ix := &index{
		base:     base,
		bibPath:  filepath.Join(contentDir, "references.bib"),
		content:  c,
		bySlug:   make(map[string]*article),
		uses:     make(map[*markup.Figure]*use),
		figureOf: make(map[string]map[string]*use),
	}
	for _, a := range c.all() {
		ix.bySlug[a.slug] = a
		ix.figureOf[a.slug] = make(map[string]*use)
	}
	for _, u := range uses {
		ix.uses[u.fig] = u
		ix.figureOf[u.art.slug][u.fig.ID] = u
	}
	return ix
}

// all returns the home page and the articles.
func (c *content) all() []*article {
	if c.home == nil {
		return c.articles
	}
	return append([]*article{c.home}, c.articles...)
}

// check reports every directive whose run failed, whose checks failed, or
// that refers to something that does not exist.
func (ix *index) check(a *article) diag.List {
	var errs diag.List
	for _, f := range a.doc.Figures {
		u := ix.uses[f]
		if u == nil {
			continue // its experiment or parameters were reported
		}
		what := directiveName(f)
		failed := false
		for _, s := range u.settings {
			// A varied figure's settings are named, and reported at
			// their value.
			what, pos := what, f.Pos
			if s.at != "" {
				what, pos = what+" "+s.at, s.pos
			}
			if s.job.err != nil {
				errs.Add(pos, "%s: experiment %s: %v", what, f.Experiment, s.job.err)
				failed = true
				continue
			}
			for _, c := range s.job.out.Checks {
				if !c.Passed {
					errs.Add(pos, "%s: check %s failed: %s: %s", what, c.Name, c.Claim, c.Detail)
				}
			}
		}
		if failed {
			continue
		}
		if !f.Run && f.Alt == "" && u.job.out.Alt == "" {
			errs.Add(f.Pos, "%s needs alt=\"...\", a text alternative (experiment %s has no description)", what, f.Experiment)
		}
		if !f.Run && u.job.out.SVG == "" {
			errs.Add(f.Pos, "%s: experiment %s draws nothing; use ::run for a computation without a figure", what, f.Experiment)
		}
	}
	for _, d := range a.doc.Inlines {
		if _, err := ix.inline(a, d, markup.Setting{}); err != "" {
			errs.Add(d.Pos, ":%s[%s.%s]: %s", d.Name, d.Target, d.Key, err)
		}
	}
	for _, r := range a.doc.Refs {
		if _, _, err := ix.ref(a, r); err != "" {
			errs.Add(r.Pos, "reference @%s: %s", r.Target, err)
		}
	}
	for _, c := range a.doc.Cites {
		if ix.content.bib == nil {
			errs.Add(c.Pos, "citation [@%s]: there is no %s", c.Key, ix.bibPath)
		} else if _, ok := ix.content.bib.Lookup(c.Key); !ok {
			errs.Add(c.Pos, "citation [@%s]: no entry %s in %s", c.Key, c.Key, ix.bibPath)
		}
	}
	return errs
}

// target finds the article a "slug/id" target points into.
func (ix *index) target(from *article, target string) (*article, string, string) {
	slug, id, found := markup.CutSlug(target)
	if !found {
		return from, id, ""
	}
	a := ix.bySlug[slug]
	if d := ix.content.drafts[slug]; a == nil && d != nil {
		return nil, id, fmt.Sprintf("%s is a draft, left out of this build: publish it (draft: false) or build with -drafts", d.path)
	}
	if a == nil {
		return nil, id, fmt.Sprintf("no article %s%s", slug, ix.nearestSlug(slug))
	}
	return a, id, ""
}

// nearestSlug suggests the article a mistyped slug may mean, or "".
func (ix *index) nearestSlug(slug string) string {
	s := suggest(slug, slices.Sorted(maps.Keys(ix.bySlug)))
	if !strings.HasPrefix(s, "did you mean") {
		return ""
	}
	return " (" + s + ")"
}

// inline returns the HTML of a :val or :check, written in the caption of
// the setting in, or what is wrong with it.
func (ix *index) inline(from *article, d *markup.Directive, in markup.Setting) (string, string) {
	k := inlineKey{from, d, in}
	if v, ok := ix.inlined.Load(k); ok {
		r := v.(inlined)
		return r.html, r.err
	}
	h, msg := ix.makeInline(from, d, in)
	ix.inlined.Store(k, inlined{h, msg})
	return h, msg
}

// makeInline is inline without its memory.
func (ix *index) makeInline(from *article, d *markup.Directive, in markup.Setting) (string, string) {
	a, id, err := ix.target(from, d.Target)
	if err != "" {
		return "", err
	}
	u := ix.figureOf[a.slug][id]
	if u == nil && declares(a, id) {
		return "", "" // the figure's experiment or parameters were reported
	}
	if u == nil {
		return "", fmt.Sprintf("no figure or run %s in %s", id, a.path)
	}
	j := u.job
	if in.Figure == u.fig {
		j = u.settings[in.Index].job
	}
	out := j.out
	if out == nil {
		return "", "" // the run failed, which is reported at the figure
	}
	switch d.Name {
	case "val":
		v, ok := out.Value(d.Key)
		if !ok {
			// A parameter reads as the figure set it, so the prose can
			// say how many points or runs without typing the number.
			if _, param := j.args.Experiment().Param(d.Key); param {
				v, ok = lab.Value{Name: d.Key, Text: lab.Typeset(j.args.String(d.Key))}, true
			}
		}
		if !ok {
			return "", fmt.Sprintf("experiment %s computes no value %s (it computes %s)", u.fig.Experiment, d.Key, valueNames(out))
		}
		return fmt.Sprintf(`<span class="val" title="computed by experiment %s">%s</span>`,
			html.EscapeString(u.fig.Experiment), html.EscapeString(v.Text)), ""
	default:
		c, ok := out.Check(d.Key)
		if !ok {
			return "", fmt.Sprintf("experiment %s makes no check %s (it makes %s)", u.fig.Experiment, d.Key, checkNames(out))
		}
		if !c.Passed {
			return "", fmt.Sprintf("the check failed: %s: %s", c.Claim, c.Detail)
		}
		// The numbers link to the figure that shows them; a run shows
		// nothing, so they stand alone.
		detail := fmt.Sprintf(`<a class="check-detail" href="%s">(%s)</a>`, html.EscapeString(ix.figureHref(from, u)), html.EscapeString(c.Detail))
		if u.fig.Run {
			detail = fmt.Sprintf(`<span class="check-detail">(%s)</span>`, html.EscapeString(c.Detail))
		}
		return fmt.Sprintf(`<span class="check"><span class="check-mark" aria-hidden="true">✓</span> <span class="check-claim">%s</span> %s</span>`,
			html.EscapeString(markup.SmartPunctuation(c.Claim)), detail), ""
	}
}

// declares reports whether an article has a figure or run with the id.
func declares(a *article, id string) bool {
	for _, f := range a.doc.Figures {
		if f.ID == id {
			return true
		}
	}
	return false
}

func valueNames(o *lab.Output) string {
	var names []string
	for _, v := range o.Values {
		names = append(names, v.Name)
	}
	return orNone(names)
}

func checkNames(o *lab.Output) string {
	var names []string
	for _, c := range o.Checks {
		names = append(names, c.Name)
	}
	return orNone(names)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// ref returns the text and address of a reference, or what is wrong.
func (ix *index) ref(from *article, r *markup.Ref) (string, string, string) {
	a, id, err := ix.target(from, r.Target)
	if err != "" {
		return "", "", err
	}
	t := a.doc.Targets[id]
	if t == nil {
		kind := strings.ToLower(kindOf(id))
		return "", "", fmt.Sprintf("no %s %s in %s", kind, id, a.path)
	}
	href := "#" + id
	if a != from {
		href = ix.pageURL(a) + "#" + id
	}
	text := t.Kind + "\u00a0" + t.Number
	if a != from {
		text += " of “" + a.doc.Meta.Title + "”"
	}
	return text, href, ""
}

// kindOf names what an id's prefix says it is.
func kindOf(id string) string {
	switch {
	case strings.HasPrefix(id, "fig-"):
		return "Figure"
	case strings.HasPrefix(id, "eq-"):
		return "Equation"
	}
	return "Section"
}

// pageURL returns the address of an article's page. Slugs need no
// escaping ([checkArticlePath]), but the address is escaped all the same:
// then it is right by construction, whatever the slugs allow one day.
func (ix *index) pageURL(a *article) string {
	if a.slug == "" {
		return ix.base
	}
	return ix.base + escapePath(a.slug) + "/"
}

// figureHref is the address of a figure as seen from a page.
func (ix *index) figureHref(from *article, u *use) string {
	if u.art == from {
		return "#" + u.fig.ID
	}
	return ix.pageURL(u.art) + "#" + u.fig.ID
}

// pageResolver renders one article's directives.
type pageResolver struct {
	ix    *index
	a     *article
	cites map[string]int // key to number, in order of first citation
	drawn int            // figures shown so far on the page, in order
}

func (ix *index) resolver(a *article) *pageResolver {
	r := &pageResolver{ix: ix, a: a, cites: make(map[string]int)}
	for _, c := range a.doc.Cites {
		if _, ok := r.cites[c.Key]; !ok {
			r.cites[c.Key] = len(r.cites) + 1
		}
	}
	return r
}

// svgSize finds a figure's size in its opening tag: in CSS pixels, as the
// house style writes it, or in points.
var svgSize = regexp.MustCompile(`<svg [^>]*?width="([0-9.]+)(pt|px)?" height="([0-9.]+)(pt|px)?"`)

// proseWidth is the width of the column of prose, in CSS pixels, at the
// default font size: --measure in the style sheet.
const proseWidth = 640

// imgSize returns the width and height attributes of the img that shows
// svg: whole CSS pixels, as HTML requires.
func imgSize(svg string) (w, h string) {
	m := svgSize.FindStringSubmatch(svg)
	if m == nil {
		return "480", "320"
	}
	px := func(v, unit string) string {
		f, _ := strconv.ParseFloat(v, 64)
		if unit == "pt" {
			f *= 4.0 / 3
		}
		return strconv.Itoa(int(math.Round(f)))
	}
	return px(m[1], m[2]), px(m[3], m[4])
}

func (r *pageResolver) Figure(f *markup.Figure, setting int) (media, links string) {
	u := r.ix.uses[f]
	s := u.settings[setting]
	out := s.job.out
	if f.Run {
		return "", fmt.Sprintf(`Computed by <a href="%sexperiments/#%s">experiment <code>%s</code></a> with <code>%s</code>.`,
			r.ix.base, f.Experiment, f.Experiment, html.EscapeString(u.job.args.Canonical()))
	}
	alt := f.Alt
	if alt == "" {
		alt = out.Alt
	}
	if f.Vary != nil {
		// The settings' descriptions may not tell them apart.
		alt += " Setting: " + f.Vary.Key + " = " + f.Vary.Values[setting].Value + "."
	}
	dir := r.ix.pageURL(r.a)
	w, h := imgSize(out.SVG)
	// A figure drawn wider than the column of prose takes the margin too,
	// on a screen wide enough to have one.
	wide := ""
	if n, _ := strconv.Atoi(w); n > proseWidth {
		wide = ` class="wide"`
	}
	// The page's first figure may be in the first screen, even its largest
	// picture, so it loads at once. A later one, and a setting hidden until
	// the reader chooses it, is fetched as it nears the screen, which
	// leaves the network to what the first screen needs. Every figure is
	// decoded off the main thread.
	lazy := ""
	if setting != u.shown || r.drawn > 0 {
		lazy = ` loading="lazy"`
	}
	if setting == u.shown {
		r.drawn++
	}
	file := dir + escapePath(s.file)
	media = fmt.Sprintf(`<img%s src="%s.svg" alt="%s" width="%s" height="%s"%s decoding="async">`,
		wide, file, html.EscapeString(alt), w, h, lazy)
	var b strings.Builder
	b.WriteString(`<p class="figure-links">`)
	if out.CSV != "" {
		fmt.Fprintf(&b, `<a href="%s.csv">Data (CSV)</a> · `, file)
	}
	fmt.Fprintf(&b, `<a href="%sexperiments/#%s">Experiment <code>%s</code></a> with <code>%s</code>`,
		r.ix.base, f.Experiment, f.Experiment, html.EscapeString(s.job.args.Canonical()))
	b.WriteString("</p>\n")
	return media, b.String()
}

// Shown returns the setting of a varied figure that the page shows first.
func (r *pageResolver) Shown(f *markup.Figure) int { return r.ix.uses[f].shown }

func (r *pageResolver) Inline(d *markup.Directive, in markup.Setting) string {
	s, _ := r.ix.inline(r.a, d, in)
	return s
}

func (r *pageResolver) Ref(ref *markup.Ref) (string, string) {
	text, href, _ := r.ix.ref(r.a, ref)
	return text, href
}

func (r *pageResolver) Cite(c *markup.Cite) string {
	e, _ := r.ix.content.bib.Lookup(c.Key)
	return fmt.Sprintf(`<a href="#ref-%s" title="%s">%d</a>`, html.EscapeString(c.Key), html.EscapeString(e.Short()), r.cites[c.Key])
}

// CiteNote returns the note of a citation for the margin: its number, the
// authors and year, and the title.
func (r *pageResolver) CiteNote(c *markup.Cite) string {
	e, _ := r.ix.content.bib.Lookup(c.Key)
	note := fmt.Sprintf(`<span class="sn-num">[%d]</span> %s.`, r.cites[c.Key], html.EscapeString(e.Short()))
	if t := e.Fields["title"]; t != "" {
		note += fmt.Sprintf(" <cite>%s</cite>", html.EscapeString(t))
		if !strings.ContainsAny(t[len(t)-1:], ".?!") {
			note += "."
		}
	}
	return note
}

// Link returns the address of a link into the site: one from the site's
// root, /symmetry/, is given the base path, so that it works wherever the
// site is published; any other is relative to its page, and stays as it is.
func (r *pageResolver) Link(l *markup.Link) string {
	if strings.HasPrefix(l.Dest, "/") {
		return r.ix.base + l.Dest[1:]
	}
	return l.Dest
}
