package lab

import (
	"cmp"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Contour draws the contour lines of a plotter.Contour in a canonical
// order. gonum's plotter collects each level's lines in a map and strokes
// them in its iteration order (gonum/plot#622), so two drawings of one grid
// list their SVG paths in different orders and the site would not be
// reproducible. Contour records the strokes instead, writes each line from
// a canonical start and in a canonical direction, and replays them sorted.
// The embedded plotter's fields (levels, styles, range) work as upstream.
type Contour struct{ *plotter.Contour }

// Plot implements plot.Plotter.
func (c Contour) Plot(dc draw.Canvas, p *plot.Plot) {
	rec := &strokes{Canvas: dc.Canvas}
	c.Contour.Plot(draw.Canvas{Canvas: rec, Rectangle: dc.Rectangle}, p)
	rec.replay(dc.Canvas)
}

// strokes is a canvas that holds back the lines stroked on it, each with
// the pen it was stroked with. A contour plotter only sets pens and strokes;
// anything else passes straight through to the embedded canvas.
type strokes struct {
	vg.Canvas
	pen   pen
	lines []stroke
}

// A pen is the state a stroke is drawn with.
type pen struct {
	color  color.Color
	width  vg.Length
	dashes []vg.Length
	offset vg.Length
}

type stroke struct {
	pen  pen
	path vg.Path
}

func (s *strokes) SetColor(c color.Color)   { s.pen.color = c }
func (s *strokes) SetLineWidth(w vg.Length) { s.pen.width = w }
func (s *strokes) SetLineDash(d []vg.Length, o vg.Length) {
	s.pen.dashes, s.pen.offset = slices.Clone(d), o
}
func (s *strokes) Stroke(p vg.Path) {
	s.lines = append(s.lines, stroke{s.pen, canonicalPath(slices.Clone(p))})
}

// replay strokes the held-back lines on c. Lines stroked one after another
// with the same pen (one level, or several drawn alike) are a set whose
// order only the map decided; each such run is sorted by its points.
func (s *strokes) replay(c vg.Canvas) {
	for len(s.lines) > 0 {
		n := 1
		for n < len(s.lines) && s.lines[n].pen.equal(s.lines[0].pen) {
			n++
		}
		run := s.lines[:n]
		s.lines = s.lines[n:]
		slices.SortStableFunc(run, func(a, b stroke) int { return comparePaths(a.path, b.path) })
		p := run[0].pen
		c.SetColor(p.color)
		c.SetLineWidth(p.width)
		c.SetLineDash(p.dashes, p.offset)
		for _, l := range run {
			c.Stroke(l.path)
		}
	}
}

func (p pen) equal(q pen) bool {
	return sameColor(p.color, q.color) && p.width == q.width && slices.Equal(p.dashes, q.dashes) && p.offset == q.offset
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// canonicalPath returns a polyline (a move followed by lines, closed or
// not) from a canonical start in a canonical direction: an open line
// starts at its smaller end, a closed one at its smallest point, heading
// to the smaller of that point's neighbours. Other paths are returned as
// they are.
func canonicalPath(p vg.Path) vg.Path {
	if len(p) < 2 || p[0].Type != vg.MoveComp {
		return p
	}
	closed := p[len(p)-1].Type == vg.CloseComp
	comps := p[1:]
	if closed {
		comps = comps[:len(comps)-1]
	}
	pts := []vg.Point{p[0].Pos}
	for _, c := range comps {
		if c.Type != vg.LineComp {
			return p
		}
		pts = append(pts, c.Pos)
	}
	if closed && len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1] // the loop's last point repeats its first
		least := slices.MinFunc(pts, comparePoints)
		var best []vg.Point
		for i, pt := range pts {
			if pt != least {
				continue
			}
			fwd := append(slices.Clone(pts[i:]), pts[:i]...)
			back := slices.Clone(fwd)
			slices.Reverse(back[1:])
			for _, cand := range [][]vg.Point{fwd, back} {
				if best == nil || slices.CompareFunc(cand, best, comparePoints) < 0 {
					best = cand
				}
			}
		}
		pts = append(best, best[0])
	} else if !closed {
		rev := slices.Clone(pts)
		slices.Reverse(rev)
		if slices.CompareFunc(rev, pts, comparePoints) < 0 {
			pts = rev
		}
	}
	var out vg.Path
	out.Move(pts[0])
	for _, pt := range pts[1:] {
		out.Line(pt)
	}
	if closed {
		out.Close()
	}
	return out
}

func comparePoints(a, b vg.Point) int {
	return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y))
}

// comparePaths orders paths by their points, then by length.
func comparePaths(a, b vg.Path) int {
	return slices.CompareFunc(a, b, func(x, y vg.PathComp) int {
		return cmp.Or(cmp.Compare(x.Type, y.Type), comparePoints(x.Pos, y.Pos))
	})
}
