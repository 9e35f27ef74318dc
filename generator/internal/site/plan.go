package site

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/diag"
)

// Every file of the site has exactly one owner: a file of the content
// folder copied as it is, an article's page, a figure's plot or data, or
// a file the build writes itself (the sitemap, the feed, the experiments
// catalogue, the stylesheet...). Before rendering anything, the build
// plans the site: it claims each file with its owner and the function
// that makes it, and a second claim on a path is an error naming both
// owners. Whatever file the build learns to write is claimed the same
// way, so no list of reserved names has to be kept up to date.

// ownerKind orders owners by how readily the author can change them: a
// collision is reported at the owner the author is likeliest to rename.
type ownerKind int

const (
	byBuild   ownerKind = iota // a file the build writes itself
	byFigure                   // a figure's plot or its data
	byArticle                  // an article's page
	byCopy                     // a content file copied as it is
)

// An owner is what puts a file into the site.
type owner struct {
	kind ownerKind
	pos  diag.Pos // where the author can act; zero for the build's files
	// how is how the file comes to be, for messages: "as the page of
	// content/why.md", "by the build (the sitemap)".
	how string
}

// A product is a file of the site to be made.
type product struct {
	owner owner
	make  maker
	same  any // see file.same
}

// errNoFile is what a product's make returns, having written nothing, for
// a file that turns out not to exist: the data of a figure whose
// experiment wrote none.
var errNoFile = errors.New("no file")

// A plan is every file of the site, by slash-separated path.
type plan struct {
	files  map[string]*product
	dirs   map[string]string // every folder the files need, to a file in it
	folded map[string]string // lower-cased path to the path claimed
	errs   diag.List
}

func newPlan() *plan {
	return &plan{files: make(map[string]*product), dirs: make(map[string]string), folded: make(map[string]string)}
}

// claim plans the file name, made by make, for o, unless something else
// has it: the same path, the path as a folder, one of its folders as a
// file, or a path that differs only in case, which a disk that ignores
// case (as macOS's and Windows' do by default) cannot keep apart.
func (p *plan) claim(name string, o owner, make maker) *product {
	if prev, ok := p.files[name]; ok {
		p.collide(o, prev.owner, fmt.Sprintf("%s would be written twice: %s and %s", name, o.how, prev.owner.how))
		return nil
	}
	if file, ok := p.dirs[name]; ok {
		prev := p.files[file].owner
		p.collide(o, prev, fmt.Sprintf("%s would be both a file, written %s, and the folder of %s, written %s", name, o.how, file, prev.how))
		return nil
	}
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		if prev, ok := p.files[d]; ok {
			p.collide(o, prev.owner, fmt.Sprintf("%s would be both a file, written %s, and the folder of %s, written %s", d, prev.owner.how, name, o.how))
			return nil
		}
	}
	if other, ok := p.folded[strings.ToLower(name)]; ok {
		prev := p.files[other].owner
		p.collide(o, prev, fmt.Sprintf("%s, written %s, and %s, written %s, differ only in case, which a disk that ignores case cannot keep apart", name, o.how, other, prev.how))
		return nil
	}
	pr := &product{owner: o, make: make}
	p.files[name] = pr
	p.folded[strings.ToLower(name)] = name
	for d := path.Dir(name); d != "." && p.dirs[d] == ""; d = path.Dir(d) {
		p.dirs[d] = name
	}
	return pr
}

// claimFixed is claim for a file whose content is known already and
// stays the same for as long as same, a comparable value that holds on
// to the content, is: see file.same.
func (p *plan) claimFixed(name string, o owner, same any, make maker) {
	if pr := p.claim(name, o, make); pr != nil {
		pr.same = same
	}
}

// bytesID is the identity of a slice of bytes that nobody changes: where
// it starts and its length. It holds on to the bytes, so no other slice
// can start there while it is kept.
type bytesID struct {
	start *byte
	n     int
}

func idOfBytes(data []byte) any {
	if len(data) == 0 {
		return nil // nothing to save
	}
	return bytesID{&data[0], len(data)}
}

// figureFile is the identity of a figure's plot or data: its experiment's
// output, which a rebuild reuses while the figure's code and parameters
// stay the same.
type figureFile struct {
	out *lab.Output
	csv bool
}

// collide reports two owners of one path at the one the author is
// likelier to change.
func (p *plan) collide(a, b owner, msg string) {
	if rankOwner(b, a) > 0 {
		a, b = b, a
	}
	fix := "rename or remove one of them"
	switch {
	case b.kind == byBuild && a.kind == byFigure:
		fix = "give the figure another id"
	case b.kind == byBuild:
		fix = "rename or remove " + a.pos.File
	}
	p.errs.Add(a.pos, "%s; %s", msg, fix)
}

// rankOwner orders owners by kind, then by position: the greater is where
// a collision is reported.
func rankOwner(a, b owner) int {
	return cmp.Or(cmp.Compare(a.kind, b.kind),
		cmp.Compare(b.pos.File, a.pos.File), cmp.Compare(b.pos.Line, a.pos.Line), cmp.Compare(b.pos.Col, a.pos.Col))
}

// ownedBy returns the owner of a file of the content folder: an article's
// page or a copy.
func ownedBy(kind ownerKind, file string) owner {
	how := "as a copy of " + file
	if kind == byArticle {
		how = "as the page of " + file
	}
	return owner{kind: kind, pos: diag.Pos{File: file, Line: 1, Col: 1}, how: how}
}

// builtAs returns the owner of a file the build writes itself.
func builtAs(what string) owner {
	return owner{kind: byBuild, how: "by the build (" + what + ")"}
}

// constant makes a file of fixed content.
func constant(data []byte) maker {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// whole makes a file that is made whole, in memory, by f.
func whole(f func() ([]byte, error)) maker {
	return func(w io.Writer) error {
		data, err := f()
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
}

// order returns the files of the plan in the order to make them: first
// those the build writes itself, such as the feed and the sitemap, which
// list every page and take longest, so that none is left to one worker at
// the end; then the others by path.
func (p *plan) order() []file {
	names := slices.SortedFunc(maps.Keys(p.files), func(a, b string) int {
		return cmp.Or(cmp.Compare(p.files[a].owner.kind, p.files[b].owner.kind), cmp.Compare(a, b))
	})
	files := make([]file, len(names))
	for i, name := range names {
		pr := p.files[name]
		files[i] = file{name, pr.make, pr.same}
	}
	return files
}

// plan claims every file of the site.
func (r *renderer) plan(uses []*use) *plan {
	p := newPlan()
	assets := r.assetFiles
	for _, name := range slices.Sorted(maps.Keys(assets)) {
		what := "a font"
		switch {
		case strings.HasPrefix(name, "assets/code."):
			what = "the stylesheet for highlighted code"
		case path.Ext(name) == ".css":
			what = "the stylesheet"
		case path.Ext(name) == ".svg":
			what = "the site's icon"
		}
		p.claimFixed(name, builtAs(what), idOfBytes(assets[name]), constant(assets[name]))
	}
	p.claim("sitemap.xml", builtAs("the sitemap"), r.sitemap)
	p.claim("feed.xml", builtAs("the feed"), r.feed)
	p.claim("robots.txt", builtAs("robots.txt, which points crawlers at the sitemap"), r.robots)
	p.claim("_headers", builtAs("the headers Netlify and Cloudflare Pages send"), func(w io.Writer) error { return r.headers(w, uses) })
	if u := r.cardFig; u != nil {
		p.claim(cardFile, builtAs("the picture of the site's pages on social media"), whole(func() ([]byte, error) { return r.b.cardPNG(r.ctx, u) }))
	}
	// Browsers and crawlers ask for these two by name, at the root.
	ico, touch := favicon(), touchIcon()
	p.claimFixed("favicon.ico", builtAs("the site's icon for browsers that ask for it by name"), idOfBytes(ico), constant(ico))
	p.claimFixed("apple-touch-icon.png", builtAs("the site's icon for iOS"), idOfBytes(touch), constant(touch))
	p.claim("404.html", builtAs("the page for addresses that do not exist"), r.notFound)
	p.claim("experiments/index.html", builtAs("the experiments catalogue"), func(w io.Writer) error { return r.experiments(w, uses) })
	c := r.ix.content
	for i, a := range c.all() {
		number := i
		if c.home == nil {
			number++
		}
		p.claim(path.Join(a.slug, "index.html"), ownedBy(byArticle, a.path), func(w io.Writer) error { return r.article(w, a, number) })
	}
	for _, u := range uses {
		if u.fig.Run {
			continue
		}
		for _, s := range u.settings {
			at := fmt.Sprintf("figure %s (%s)", u.fig.ID, u.fig.Pos)
			if s.at != "" {
				at = fmt.Sprintf("figure %s %s (%s)", u.fig.ID, s.at, s.pos)
			}
			p.claimFixed(u.svgPath(s), owner{byFigure, s.pos, "as the plot of " + at}, figureFile{s.job.out, false},
				func(w io.Writer) error {
					_, err := io.WriteString(w, s.job.out.SVG)
					return err
				})
			p.claimFixed(u.csvPath(s), owner{byFigure, s.pos, "as the data of " + at}, figureFile{s.job.out, true},
				func(w io.Writer) error {
					if s.job.out.CSV == "" {
						return errNoFile
					}
					_, err := io.WriteString(w, s.job.out.CSV)
					return err
				})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.static)) {
		file := filepath.Join(r.b.cfg.Content, filepath.FromSlash(name))
		p.claimFixed(name, ownedBy(byCopy, file), idOfBytes(c.static[name]), constant(c.static[name]))
	}
	return p
}
