// Package labtest checks that a figure drawn by package lab follows the
// house style, reading the SVG a page shows, not the layout that made it:
//
//   - every character of every text lies inside the canvas, measured with
//     the outlines of the fonts gonum lays text out with (so an accent or
//     a tick label at the edge is caught, not only a box);
//   - text is at least [MinTextPixels] tall when the figure is shown
//     [PhoneWidth] CSS pixels wide, and carries no combining accent, which
//     the house fonts cannot place over a Greek letter;
//   - no legend hides data: nothing drawn in a data area, bar the grid,
//     reaches under a legend;
//   - heat maps come with a colour bar, and every image is PNG data
//     labelled image/png that stretches to its box;
//   - the figure has a style sheet for the dark scheme.
//
// Experiments' tests call [Check] on their output; package figures checks
// every registered experiment at its defaults.
package labtest

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
)

// A figure is shown as wide as the page's column: on a 375-pixel phone,
// PhoneWidth CSS pixels. Its text must then be at least MinTextPixels.
const (
	PhoneWidth    = 335
	MinTextPixels = 11
)

// A box is an axis-aligned rectangle in the SVG's coordinates (y down).
type box struct{ x0, y0, x1, y1 float64 }

func (b box) overlaps(c box) bool {
	return b.x0 < c.x1 && c.x0 < b.x1 && b.y0 < c.y1 && c.y0 < b.y1
}

func (b box) union(c box) box {
	return box{math.Min(b.x0, c.x0), math.Min(b.y0, c.y0), math.Max(b.x1, c.x1), math.Max(b.y1, c.y1)}
}

func (b box) String() string {
	return fmt.Sprintf("[%.1f, %.1f]×[%.1f, %.1f]", b.x0, b.x1, b.y0, b.y1)
}

// A mark is something drawn: its box, and for a stroke its segments.
type mark struct {
	what string // for messages
	box  box
	segs [][4]float64
	half float64 // half the stroke's width
}

// figure is what Check reads from an SVG.
type figure struct {
	w, h     float64 // the viewBox
	styled   bool    // has the dark scheme's style sheet
	texts    []mark
	legends  []box
	data     [][]mark // the marks of each data area
	heatMaps int      // images for the light scheme, one per heat map
	bars     int      // colour bars
	problems []string
}

// Check returns every way the SVG figure departs from the house style,
// each a sentence naming what is wrong and where; none if it follows it.
func Check(svg []byte) []string {
	f, err := parse(svg)
	if err != nil {
		return []string{err.Error()}
	}
	ps := f.problems
	if !f.styled {
		ps = append(ps, "no style sheet for the dark scheme")
	}
	for _, t := range f.texts {
		if t.box.x0 < 0 || t.box.y0 < 0 || t.box.x1 > f.w || t.box.y1 > f.h {
			ps = append(ps, fmt.Sprintf("text %s reaches %s, outside the canvas [0, %g]×[0, %g]", t.what, t.box, f.w, f.h))
		}
	}
	for _, l := range f.legends {
		for _, marks := range f.data {
			for _, m := range marks {
				if m.hits(l) {
					ps = append(ps, fmt.Sprintf("the legend at %s hides data: %s", l, m.what))
					break
				}
			}
		}
	}
	if f.heatMaps > 0 && f.bars == 0 {
		ps = append(ps, fmt.Sprintf("%d heat maps and no colour bar", f.heatMaps))
	}
	return ps
}

// hits reports whether m puts ink strictly inside b.
func (m mark) hits(b box) bool {
	if !m.box.overlaps(b) {
		return false
	}
	if m.segs == nil {
		return true
	}
	wide := box{b.x0 - m.half, b.y0 - m.half, b.x1 + m.half, b.y1 + m.half}
	for _, s := range m.segs {
		if segmentMeets(s, wide) {
			return true
		}
	}
	return false
}

// segmentMeets reports whether a segment passes through the inside of b
// (Liang–Barsky clipping, strict so that touching an edge does not count).
func segmentMeets(s [4]float64, b box) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := s[2]-s[0], s[3]-s[1]
	for _, c := range [][2]float64{{-dx, s[0] - b.x0}, {dx, b.x1 - s[0]}, {-dy, s[1] - b.y0}, {dy, b.y1 - s[1]}} {
		p, q := c[0], c[1]
		if p == 0 {
			if q <= 0 {
				return false
			}
			continue
		}
		t := q / p
		if p > 0 {
			t1 = math.Min(t1, t)
		} else {
			t0 = math.Max(t0, t)
		}
	}
	return t0 < t1
}

// parse reads the figure's marks, texts, legends and images.
func parse(svg []byte) (*figure, error) {
	f := &figure{}
	d := xml.NewDecoder(bytes.NewReader(svg))
	type group struct {
		class string
		size  float64
		start int // the first mark of a legend, in legendMarks
	}
	var stack []group
	var legendMarks []box
	size := func() float64 { return stack[len(stack)-1].size }
	in := func(class string) bool {
		for _, g := range stack {
			if g.class == class {
				return true
			}
		}
		return false
	}
	add := func(m mark) {
		if in("legend") {
			legendMarks = append(legendMarks, m.box)
		}
		if in("data") && len(f.data) > 0 {
			f.data[len(f.data)-1] = append(f.data[len(f.data)-1], m)
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the SVG does not parse: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			a := attrs(t)
			g := group{class: a["class"]}
			if len(stack) > 0 {
				g.size = size()
			}
			if s, ok := a["font-size"]; ok {
				g.size, _ = strconv.ParseFloat(s, 64)
			}
			switch t.Name.Local {
			case "svg":
				vb := strings.Fields(a["viewBox"])
				if len(vb) != 4 {
					return nil, fmt.Errorf("the SVG has no viewBox")
				}
				f.w, _ = strconv.ParseFloat(vb[2], 64)
				f.h, _ = strconv.ParseFloat(vb[3], 64)
			case "g":
				if g.class == "data" {
					f.data = append(f.data, nil)
				}
				if g.class == "legend" {
					g.start = len(legendMarks)
				}
				if g.class == "colorbar" {
					f.bars++
				}
			case "style":
				var css string
				d.DecodeElement(&css, &t)
				f.styled = strings.Contains(css, "prefers-color-scheme:dark")
				continue
			case "text":
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return nil, err
				}
				m, err := f.text(a, s, g.size)
				if err != nil {
					return nil, err
				}
				f.texts = append(f.texts, m)
				add(m)
				continue
			case "path":
				m, err := pathMark(a)
				if err != nil {
					return nil, err
				}
				if a["class"] != "s-grid" && m.box.x1 >= m.box.x0 {
					add(m)
				}
			case "image":
				m := f.image(a, in("colorbar"))
				add(m)
			}
			stack = append(stack, g)
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if g.class == "legend" && len(legendMarks) > g.start {
				b := legendMarks[g.start]
				for _, m := range legendMarks[g.start+1:] {
					b = b.union(m)
				}
				f.legends = append(f.legends, b)
			}
		}
	}
	return f, nil
}

func attrs(t xml.StartElement) map[string]string {
	a := make(map[string]string)
	for _, at := range t.Attr {
		a[at.Name.Local] = at.Value
	}
	return a
}

func num(a map[string]string, k string) float64 {
	v, _ := strconv.ParseFloat(a[k], 64)
	return v
}

// text measures a text element with the outlines of the font gonum laid
// it out with, turned as its transform turns it.
func (f *figure) text(a map[string]string, s string, size float64) (mark, error) {
	x, y := num(a, "x"), num(a, "y")
	q := fmt.Sprintf("%q", s)
	if size*PhoneWidth/f.w < MinTextPixels {
		f.problems = append(f.problems, fmt.Sprintf("text %s is %.1f points, %.1f px on a phone, under %d px",
			q, size, size*PhoneWidth/f.w, MinTextPixels))
	}
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			f.problems = append(f.problems, fmt.Sprintf("text %s has a combining mark (U+%04X), which the house fonts place wrongly", q, r))
		}
	}
	fnt := lab.Font(size)
	switch fam := a["font-family"]; {
	case strings.Contains(fam, "Serif"):
		fnt.Variant = "Serif"
	case strings.Contains(fam, "Mono"):
		fnt.Variant = "Mono"
	}
	face := font.DefaultCache.Lookup(fnt, vg.Length(size))
	ink, _ := lab.TextInk(face, s)
	// The ink box with y up from the baseline, in the SVG's y-down space.
	corners := [][2]float64{
		{float64(ink.Min.X), -float64(ink.Min.Y)}, {float64(ink.Max.X), -float64(ink.Min.Y)},
		{float64(ink.Max.X), -float64(ink.Max.Y)}, {float64(ink.Min.X), -float64(ink.Max.Y)},
	}
	angle := 0.0
	if tr := a["transform"]; tr != "" {
		var cx, cy float64
		if _, err := fmt.Sscanf(tr, "rotate(%g %g %g)", &angle, &cx, &cy); err != nil || cx != x || cy != y {
			return mark{}, fmt.Errorf("text %s has a transform the check does not know: %s", q, tr)
		}
	}
	sin, cos := math.Sincos(angle * math.Pi / 180)
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, c := range corners {
		px, py := x+c[0]*cos-c[1]*sin, y+c[0]*sin+c[1]*cos
		b = b.union(box{px, py, px, py})
	}
	return mark{what: q, box: b}, nil
}

// image checks an image's encoding and returns its box.
func (f *figure) image(a map[string]string, bar bool) mark {
	href := a["href"]
	data, ok := strings.CutPrefix(href, "data:image/png;base64,")
	raw, err := base64.StdEncoding.DecodeString(data)
	if !ok || err != nil || !bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		f.problems = append(f.problems, "an image is not PNG data labelled image/png")
	}
	if a["preserveAspectRatio"] != "none" {
		f.problems = append(f.problems, "an image keeps its aspect ratio instead of filling its box")
	}
	if a["class"] == "light" && !bar {
		f.heatMaps++
	}
	x, y := num(a, "x"), num(a, "y")
	return mark{what: "an image", box: box{x, y, x + num(a, "width"), y + num(a, "height")}}
}

// pathMark reads a path: its segments if it is stroked, its box if it is
// filled. Arcs and curves count by their end and control points, which
// is enough for the glyphs and lines the house draws.
func pathMark(a map[string]string) (mark, error) {
	var pts [][2]float64
	var segs [][4]float64
	var start, cur [2]float64
	d := a["d"]
	for len(d) > 0 {
		cmd := d[0]
		end := strings.IndexAny(d[1:], "MLAQCZ") + 1
		if end == 0 {
			end = len(d)
		}
		var args []float64
		for _, s := range strings.Fields(strings.ReplaceAll(d[1:end], ",", " ")) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return mark{}, fmt.Errorf("path data %q: %v", a["d"], err)
			}
			args = append(args, v)
		}
		d = d[end:]
		var next [][2]float64
		switch cmd {
		case 'M':
			if len(args) >= 2 {
				cur, start = [2]float64{args[0], args[1]}, [2]float64{args[0], args[1]}
				pts = append(pts, cur)
			}
			continue
		case 'L':
			next = [][2]float64{{args[0], args[1]}}
		case 'A':
			// An arc of radius r ends at its last two numbers: its box is
			// within r of both ends.
			r, e := args[0], [2]float64{args[5], args[6]}
			for _, p := range [][2]float64{cur, e} {
				pts = append(pts, [2]float64{p[0] - r, p[1] - r}, [2]float64{p[0] + r, p[1] + r})
			}
			next = [][2]float64{e}
		case 'Q', 'C':
			for i := 0; i+1 < len(args); i += 2 {
				next = append(next, [2]float64{args[i], args[i+1]})
			}
		case 'Z':
			next = [][2]float64{start}
		default:
			return mark{}, fmt.Errorf("path data %q: command %c", a["d"], cmd)
		}
		for _, p := range next {
			segs = append(segs, [4]float64{cur[0], cur[1], p[0], p[1]})
			pts = append(pts, p)
			cur = p
		}
	}
	if len(pts) == 0 {
		return mark{box: box{1, 1, 0, 0}}, nil
	}
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range pts {
		b = b.union(box{p[0], p[1], p[0], p[1]})
	}
	m := mark{what: "a path " + truncate(a["d"]), box: b}
	if a["fill"] == "none" {
		w, _ := strconv.ParseFloat(a["stroke-width"], 64)
		m.segs, m.half = segs, w/2
		if len(segs) == 0 {
			m.segs = [][4]float64{{b.x0, b.y0, b.x0, b.y0}}
		}
		m.box = box{b.x0 - m.half, b.y0 - m.half, b.x1 + m.half, b.y1 + m.half}
	}
	return m, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
