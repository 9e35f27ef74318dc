package markup

import (
	"compress/flate"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// An article's HTML is made once, as it is parsed: goldmark renders the
// syntax tree into pieces of finished HTML with holes where a directive,
// a reference, a citation or a link into the site needs the site's answer,
// and the tree is let go, block by block, as it is rendered. [Render] only
// fills the holes. So a parsed article takes about the memory of its page,
// not of a tree several times the size of the Markdown, and a rebuild does
// not render Markdown again.

// A piece is finished HTML, or a hole.
type piece struct {
	html   string
	zipped bool // html is compressed with flate
	hole   hole
}

// plainBytes is the HTML an article keeps as it is. Past it, the recorder
// compresses each full chunk: an article of ordinary length is written
// fast, and one of many megabytes (math makes HTML several times the size
// of its Markdown) does not hold all of its page a second time.
const plainBytes = 1 << 20

// A hole is where the resolver's answer goes.
type hole interface {
	fill(f *filler, r Resolver)
}

// Render writes the article's body as HTML, asking r for what directives
// and links refer to. A Doc does not change once parsed: it may be
// rendered by several goroutines at once, as its page and the feed are.
func (p *Parser) Render(w io.Writer, d *Doc, r Resolver) error {
	f := &filler{w: w, r: r}
	f.fill(d.body)
	return f.err
}

// fill writes pieces of a body.
func (f *filler) fill(body []piece) {
	for i := 0; i < len(body); i++ {
		pc := body[i]
		if open, ok := pc.hole.(figureOpen); ok && open.fig.Vary != nil {
			end := closing(body, i)
			f.varied(open.fig, body[i+1:end])
			i = end
			continue
		}
		switch {
		case pc.hole != nil:
			pc.hole.fill(f, f.r)
		case pc.zipped:
			f.unzip(pc.html)
		default:
			f.write(pc.html)
		}
	}
}

// A filler writes a body, filling its holes.
type filler struct {
	w     io.Writer
	r     Resolver
	zr    io.ReadCloser // made when first needed
	err   error
	links []string // those of the figures open, the innermost last
	in    Setting  // the setting whose caption is being written
}

func (f *filler) write(s string) {
	if f.err == nil {
		_, f.err = io.WriteString(f.w, s)
	}
}

func (f *filler) unzip(z string) {
	if f.err != nil {
		return
	}
	if f.zr == nil {
		f.zr = flate.NewReader(strings.NewReader(z))
	} else {
		f.zr.(flate.Resetter).Reset(strings.NewReader(z), nil)
	}
	_, f.err = io.Copy(f.w, f.zr)
}

type (
	figureOpen  struct{ fig *Figure }
	figureClose struct{}
	runHole     struct{ fig *Figure }
	inlineHole  struct{ d *Directive }
	refHole     struct{ ref *Ref }
	citeHole    struct{ cites, notes []*Cite }
	hrefHole    struct{ l *Link }
)

func (h figureOpen) fill(f *filler, r Resolver) {
	media, links := r.Figure(h.fig, 0)
	f.links = append(f.links, links)
	f.write(fmt.Sprintf("<figure class=\"figure\" id=\"%s\">\n%s\n<figcaption>\n", h.fig.ID, media))
}

func (figureClose) fill(f *filler, r Resolver) {
	links := f.links[len(f.links)-1]
	f.links = f.links[:len(f.links)-1]
	f.write(links + "</figcaption>\n</figure>\n")
}

// A run draws nothing, but what refers to it (a :check's numbers) links
// to it: it says where its numbers come from.
func (h runHole) fill(f *filler, r Resolver) {
	_, source := r.Figure(h.fig, 0)
	f.write(fmt.Sprintf("<p class=\"run\" id=\"%s\">%s</p>\n", h.fig.ID, source))
}

func (h inlineHole) fill(f *filler, r Resolver) { f.write(r.Inline(h.d, f.in)) }

func (h refHole) fill(f *filler, r Resolver) {
	text, href := r.Ref(h.ref)
	f.write(fmt.Sprintf(`<a class="ref" href="%s">%s</a>`, html.EscapeString(href), html.EscapeString(text)))
}

func (h citeHole) fill(f *filler, r Resolver) {
	f.write(`<span class="cite">[`)
	for i, c := range h.cites {
		if i > 0 {
			f.write("; ")
		}
		f.write(r.Cite(c))
		if c.Locator != "" {
			f.write(", " + html.EscapeString(c.Locator))
		}
	}
	f.write("]</span>")
	if len(h.notes) > 0 {
		f.write(`<span class="sidenote cite-note" aria-hidden="true">`)
		for _, c := range h.notes {
			f.write(`<span class="sn-p">` + r.CiteNote(c) + `</span>`)
		}
		f.write(`</span>`)
	}
}

func (h hrefHole) fill(f *filler, r Resolver) {
	f.write(string(util.EscapeHTML(util.URLEscape([]byte(r.Link(h.l)), true))))
}

// recordChunk is the most HTML a piece holds: the recorder never holds
// more than this beyond the pieces it made.
const recordChunk = 64 << 10

// A recorder takes goldmark's output and makes the pieces of a body. It
// is the writer goldmark renders into, so the node renderers can cut
// holes into it.
type recorder struct {
	buf    []byte
	pieces []piece
	size   int // of the HTML in the pieces, uncompressed
	holes  int
	zw     *flate.Writer // made when first needed
}

func (r *recorder) Write(p []byte) (int, error) {
	r.buf = append(r.buf, p...)
	r.spill()
	return len(p), nil
}

func (r *recorder) WriteString(s string) (int, error) {
	r.buf = append(r.buf, s...)
	r.spill()
	return len(s), nil
}

func (r *recorder) WriteByte(c byte) error {
	r.buf = append(r.buf, c)
	r.spill()
	return nil
}

func (r *recorder) WriteRune(c rune) (int, error) {
	n := len(r.buf)
	r.buf = utf8.AppendRune(r.buf, c)
	r.spill()
	return len(r.buf) - n, nil
}

func (r *recorder) Available() int { return cap(r.buf) - len(r.buf) }
func (r *recorder) Buffered() int  { return len(r.buf) }

// Flush does nothing: goldmark flushes after each block, and a piece per
// block would be wasteful. The pieces are cut at holes and every
// recordChunk bytes.
func (r *recorder) Flush() error { return nil }

func (r *recorder) spill() {
	if len(r.buf) >= recordChunk {
		r.cut()
	}
}

// cut ends the current piece of HTML.
func (r *recorder) cut() {
	if len(r.buf) == 0 {
		return
	}
	p := piece{html: string(r.buf)}
	if r.size >= plainBytes && len(r.buf) >= recordChunk {
		var z strings.Builder
		if r.zw == nil {
			r.zw, _ = flate.NewWriter(&z, flate.BestSpeed) // (only a bad level fails)
		} else {
			r.zw.Reset(&z)
		}
		r.zw.Write(r.buf) // (a strings.Builder does not fail)
		r.zw.Close()
		p = piece{html: z.String(), zipped: true}
	}
	r.pieces = append(r.pieces, p)
	r.size += len(r.buf)
	r.buf = r.buf[:0]
}

// hole cuts a hole for the resolver's answer.
func (r *recorder) hole(h hole) {
	r.cut()
	r.pieces = append(r.pieces, piece{hole: h})
	r.holes++
}

// holes returns the recorder goldmark writes into, or nil when goldmark
// renders on its own (as the conformance test has it do).
func holes(w util.BufWriter) *recorder {
	r, _ := w.(*recorder)
	return r
}
