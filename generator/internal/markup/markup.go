// Package markup turns one Markdown article with directives into HTML. It
// owns positions: everything it reports carries its file, line and column.
// It knows nothing of experiments; it reports what each directive asked for
// and renders what a [Resolver] answers.
//
// # Markdown
//
// CommonMark with the GFM tables, strikethrough, autolinks and task lists;
// footnotes, each written both as a sidenote beside its first reference and
// in the list at the end (see sidenote.go); definition lists; YAML front
// matter decoded into [Meta], unknown keys rejected; heading ids
// ({#sec-name} or generated) with anchors, numbered sections and a table of
// contents; a claim's verdict as a badge in its heading, {#sec-name
// verdict=false} (true, false or partly); code highlighted with chroma
// classes; $...$ and $$...$$ rendered to MathML, and $$...$$ {#eq-name}
// numbered and referable.
//
// # What is refused
//
// Parse reports, at its place, anything that would publish what the author
// did not mean, rather than drop it or change it: raw HTML other than a
// few elements Markdown has no syntax for (sub, sup, kbd, mark, abbr, br,
// details, summary), or not closed; links with a scheme other than http, https and mailto; footnote
// references without a definition and definitions without a reference, and
// footnotes holding anything but paragraphs (which cannot sit in the margin);
// heading attributes other than an id and a verdict; unknown TeX commands and
// environments; a $ that Pandoc's rule does not make math (a dollar sign is
// written \$); lists and block quotes nested deeper than 16. Links into the
// site are returned in [Doc.Links], for the site to check against the
// files and the ids ([Doc.IDs]) it writes.
//
// # Directives
//
//	:::figure{#fig-x experiment=name key=value alt="..."}
//	Caption in Markdown.
//	:::
//
//	::run{#run-x experiment=name key=value}
//
//	:::figure{#fig-x experiment=name key=value vary="key=v1,v2,v3"}
//	Caption in Markdown.
//	:::
//
// A figure or run asks for an experiment with parameters; :val[fig-x.name]
// and :check[fig-x.name] print a value the experiment computed and a claim
// it verified; @fig-x, @eq-x and @sec-x refer to a figure, equation or
// section, of this article or, as @slug/fig-x, of another; [@key] and
// [@key, locator] cite an entry of the bibliography, the first citation of
// each entry with a note of it for the margin.
//
// # Figures a reader can turn
//
// A figure with vary="key=v1,v2,..." offers the reader one of its
// parameters to turn: the site draws it at each value, and the page shows
// a row of radio buttons that switches between the drawings with HTML and
// CSS alone (see vary.go). The caption is written once for each setting,
// with that setting's :val and :check of the figure, so without CSS every
// setting is listed in order with its own caption.
package markup

import (
	"html/template"

	"github.com/nonconvex/explainer/generator/internal/diag"
)

// A Doc is one parsed article: its metadata, every directive it contains,
// and the syntax tree from which [Doc.Render] writes HTML.
type Doc struct {
	Name    string // the display path, as in errors
	Meta    Meta
	Figures []*Figure    // figures and runs, in source order
	Inlines []*Directive // :val and :check, in source order
	Refs    []*Ref       // @ references, in source order
	Cites   []*Cite      // citations, in source order
	Links   []*Link      // links and images into the site, in source order
	// Targets are the things a reference can point at, by id: figures,
	// labelled equations and sections.
	Targets map[string]*Target
	// TOC is the table of contents: the article's h2 and h3 headings.
	TOC []*Heading
	// IDs are the ids of the elements of the article's HTML, which links
	// may point at: headings, figures, runs, equations and footnotes.
	IDs []string
	// Code reports whether the article shows a block of code, which the
	// page then styles.
	Code bool
	// MathText holds once each character its math draws (see
	// [MathChars]), in order: what the site's math font must have.
	MathText string

	body    []piece // the HTML, with holes for the resolver's answers
	size    int     // bytes of HTML in body, without the holes
	holes   int
	metaPos map[string]diag.Pos
}

// A Figure is a :::figure or ::run directive.
type Figure struct {
	Pos        diag.Pos
	ID         string // fig-... or run-...
	Run        bool   // a ::run, which computes but draws nothing
	Experiment string
	// ExperimentPos is the position of the experiment= attribute.
	ExperimentPos diag.Pos
	// Params are the attributes other than experiment= and alt=, which
	// the experiment must declare.
	Params []Param
	Alt    string
	Number int // the figure's number in its article; 0 for runs
	// Vary is the parameter the reader turns, or nil for a figure drawn
	// once.
	Vary *Vary
}

// A Vary is a figure's vary="key=v1,v2,..." attribute: the parameter a
// reader turns and the values offered, each a [Param] with its position,
// in the order written, which is the order the control shows them.
type Vary struct {
	Pos    diag.Pos // of the attribute
	Key    string
	KeyPos diag.Pos
	Values []Param
}

// A Setting is one value of a varied figure, whose caption is being
// written: the :val and :check of that figure in it show that setting's
// numbers. The zero Setting is the rest of the article.
type Setting struct {
	Figure *Figure
	Index  int // into Figure.Vary.Values
}

// A Param is a parameter a directive sets.
type Param struct {
	Pos        diag.Pos
	Key, Value string
}

// A Directive is an inline :val[target.name] or :check[target.name].
type Directive struct {
	Pos    diag.Pos
	Name   string // "val" or "check"
	Target string // a figure or run id, with "slug/" if in another article
	Key    string // the value's or check's name
}

// A Ref is a reference such as @fig-x or @slug/eq-y.
type Ref struct {
	Pos    diag.Pos
	Target string // the id, with "slug/" if in another article
}

// A Cite is a citation [@key] or [@key, locator].
type Cite struct {
	Pos     diag.Pos
	Key     string
	Locator string // such as "§3.2.4", or ""
}

// A Target is something a reference can point at.
type Target struct {
	Kind   string        // "Figure", "Equation" or "Section"
	Number string        // "3", "2" or "2.1"
	Title  template.HTML // a section's title; empty for the others
}

// A Heading is an entry of the table of contents.
type Heading struct {
	ID     string
	Number string        // "2" or "2.1"
	Title  template.HTML // the title's text, math and code, without links
	// Verdict is the badge of a claim's verdict, {verdict=false}, or "".
	Verdict template.HTML
	Sub     []*Heading
}

// A Resolver gives the HTML for what the article's directives asked for.
// Every directive has been checked before rendering, so it cannot fail.
type Resolver interface {
	// Figure returns the HTML of the figure's image, placed before its
	// caption, and of its links, placed after it. A run has no image;
	// its links are a line of phrasing content that says where its
	// numbers come from, written where the run is. For a varied figure,
	// setting is the index of one of its values (otherwise 0), and the
	// image of any setting but the one shown first should load lazily:
	// it is hidden until the reader chooses it.
	Figure(f *Figure, setting int) (media, links string)
	// Shown returns the index of the setting a varied figure shows first.
	Shown(f *Figure) int
	// Inline returns the HTML of a :val or :check, written in the
	// caption of setting in, or elsewhere if in is the zero Setting.
	Inline(d *Directive, in Setting) string
	// Ref returns the link text and address of a reference.
	Ref(r *Ref) (text, href string)
	// Cite returns the HTML of a citation.
	Cite(c *Cite) string
	// CiteNote returns the HTML of a citation's note in the margin: the
	// work it cites, as phrasing content without links.
	CiteNote(c *Cite) string
	// Link returns the address to write for a link or image into the
	// site.
	Link(l *Link) string
}

// Len returns about the length of the article's HTML in bytes, with what
// the resolver adds, for a buffer to hold it.
func (d *Doc) Len() int { return d.size + 256*d.holes }
