package lab

import (
	"errors"
	"image"
	"image/color"
	"math"
	"unicode"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A recorder is a canvas that draws nothing and remembers where ink would
// go: the box of every stroke, fill, image and text. The layout draws a
// panel on one first, to learn how far its ink reaches (so that no label
// is cut at the edge of the figure) and which parts of the data area are
// empty (so that a legend can sit there). Heat maps drawn on it announce
// themselves, so the panel can give them a colour bar.
type recorder struct {
	w, h   vg.Length
	stack  []recState
	marks  []mark
	scales []*HeatMap
	// data is the data area of the plot drawn on the recorder, which the
	// house grid notes when it is drawn.
	data    vg.Rectangle
	hasData bool
}

type recState struct {
	m     affine
	width vg.Length
}

// A mark is the ink of one drawing operation, in the canvas's coordinates.
type mark struct {
	box  vg.Rectangle
	segs [][2]vg.Point // a stroke's segments, each widened by half the width
	half vg.Length
	text string
}

// canvasOf returns the canvas under any draw.Canvas wrapping c: gonum
// hands a plotter its canvas wrapped once per crop.
func canvasOf(c vg.Canvas) vg.Canvas {
	for {
		switch d := c.(type) {
		case draw.Canvas:
			c = d.Canvas
		case *draw.Canvas:
			c = d.Canvas
		default:
			return c
		}
	}
}

func newRecorder(w, h vg.Length) *recorder {
	return &recorder{w: w, h: h, stack: []recState{{m: identity, width: 1}}}
}

func (r *recorder) state() *recState { return &r.stack[len(r.stack)-1] }

func (r *recorder) Size() (w, h vg.Length)             { return r.w, r.h }
func (r *recorder) SetLineWidth(w vg.Length)           { r.state().width = w }
func (r *recorder) SetLineDash([]vg.Length, vg.Length) {}
func (r *recorder) SetColor(color.Color)               {}
func (r *recorder) Rotate(a float64)                   { r.state().m = r.state().m.mul(rotation(a)) }
func (r *recorder) Translate(p vg.Point)               { r.state().m = r.state().m.mul(translation(p)) }
func (r *recorder) Scale(x, y float64)                 { r.state().m = r.state().m.mul(scaling(x, y)) }
func (r *recorder) Push()                              { r.stack = append(r.stack, *r.state()) }
func (r *recorder) Pop()                               { r.stack = r.stack[:len(r.stack)-1] }

func (r *recorder) point(p vg.Point) vg.Point {
	x, y := r.state().m.apply(p)
	return vg.Point{X: vg.Length(x), Y: vg.Length(y)}
}

// Stroke implements vg.Canvas.
func (r *recorder) Stroke(p vg.Path) {
	st := r.state()
	if st.width <= 0 {
		return
	}
	pts := r.flatten(p)
	if len(pts) == 0 {
		return
	}
	half := st.width * vg.Length(st.m.scale()) / 2
	m := mark{half: half, box: boxOf(pts...)}
	for i := 1; i < len(pts); i++ {
		m.segs = append(m.segs, [2]vg.Point{pts[i-1], pts[i]})
	}
	if len(pts) == 1 {
		m.segs = append(m.segs, [2]vg.Point{pts[0], pts[0]})
	}
	m.box = grow(m.box, half)
	r.marks = append(r.marks, m)
}

// Fill implements vg.Canvas.
func (r *recorder) Fill(p vg.Path) {
	if pts := r.flatten(p); len(pts) > 0 {
		r.marks = append(r.marks, mark{box: boxOf(pts...)})
	}
}

// FillString implements vg.Canvas.
func (r *recorder) FillString(f font.Face, pt vg.Point, s string) {
	ink, _ := TextInk(f, s)
	if ink.Size().X <= 0 && ink.Size().Y <= 0 {
		return
	}
	corners := []vg.Point{ink.Min, {X: ink.Max.X, Y: ink.Min.Y}, ink.Max, {X: ink.Min.X, Y: ink.Max.Y}}
	for i, c := range corners {
		corners[i] = r.point(c.Add(pt))
	}
	r.marks = append(r.marks, mark{box: boxOf(corners...), text: s})
}

// DrawImage implements vg.Canvas.
func (r *recorder) DrawImage(rect vg.Rectangle, _ image.Image) {
	r.marks = append(r.marks, mark{box: boxOf(r.point(rect.Min), r.point(rect.Max))})
}

// flatten returns the points of p in the canvas's coordinates, with arcs
// and curves as short chords.
func (r *recorder) flatten(p vg.Path) []vg.Point {
	var pts []vg.Point
	var cur vg.Point
	for _, c := range p {
		switch c.Type {
		case vg.MoveComp, vg.LineComp:
			pts = append(pts, r.point(c.Pos))
			cur = c.Pos
		case vg.ArcComp:
			// The square round the whole circle: enough for a glyph, and
			// on the safe side for an arc.
			for _, d := range [][2]vg.Length{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}} {
				pts = append(pts, r.point(vg.Point{X: c.Pos.X + d[0]*c.Radius, Y: c.Pos.Y + d[1]*c.Radius}))
			}
			cur = arcPoint(c, c.Start+c.Angle)
		case vg.CurveComp:
			ctl := append([]vg.Point{cur}, c.Control...)
			ctl = append(ctl, c.Pos)
			for i := 1; i <= 16; i++ {
				pts = append(pts, r.point(bezier(ctl, float64(i)/16)))
			}
			cur = c.Pos
		}
	}
	return pts
}

// bezier evaluates the Bézier curve with control points ctl at t.
func bezier(ctl []vg.Point, t float64) vg.Point {
	pts := append([]vg.Point(nil), ctl...)
	for n := len(pts) - 1; n > 0; n-- {
		for i := range n {
			pts[i] = pts[i].Add(pts[i+1].Sub(pts[i]).Scale(vg.Length(t)))
		}
	}
	return pts[0]
}

// ink returns the box holding every mark.
func (r *recorder) ink() (vg.Rectangle, bool) {
	if len(r.marks) == 0 {
		return vg.Rectangle{}, false
	}
	box := r.marks[0].box
	for _, m := range r.marks[1:] {
		box = union(box, m.box)
	}
	return box, true
}

// hits reports whether any mark puts ink inside rect.
func (r *recorder) hits(rect vg.Rectangle) bool {
	for _, m := range r.marks {
		if !overlaps(m.box, rect) {
			continue
		}
		if m.segs == nil {
			return true
		}
		wide := grow(rect, m.half)
		for _, s := range m.segs {
			if segmentMeetsRect(s[0], s[1], wide) {
				return true
			}
		}
	}
	return false
}

func boxOf(pts ...vg.Point) vg.Rectangle {
	b := vg.Rectangle{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		b.Min.X, b.Min.Y = min(b.Min.X, p.X), min(b.Min.Y, p.Y)
		b.Max.X, b.Max.Y = max(b.Max.X, p.X), max(b.Max.Y, p.Y)
	}
	return b
}

func grow(r vg.Rectangle, d vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: r.Min.X - d, Y: r.Min.Y - d}, Max: vg.Point{X: r.Max.X + d, Y: r.Max.Y + d}}
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X <= b.Max.X && b.Min.X <= a.Max.X && a.Min.Y <= b.Max.Y && b.Min.Y <= a.Max.Y
}

// segmentMeetsRect reports whether the segment from p to q passes through
// r, by clipping it to r's slabs (Liang–Barsky).
func segmentMeetsRect(p, q vg.Point, r vg.Rectangle) bool {
	t0, t1 := 0.0, 1.0
	d := q.Sub(p)
	clip := func(den, num float64) bool {
		if den == 0 {
			return num >= 0
		}
		t := num / den
		if den > 0 {
			t1 = math.Min(t1, t)
		} else {
			t0 = math.Max(t0, t)
		}
		return t0 <= t1
	}
	return clip(-float64(d.X), float64(p.X-r.Min.X)) && clip(float64(d.X), float64(r.Max.X-p.X)) &&
		clip(-float64(d.Y), float64(p.Y-r.Min.Y)) && clip(float64(d.Y), float64(r.Max.Y-p.Y))
}

// TextInk returns the box of the ink of s set in f with its baseline
// starting at the origin (y up), from the outlines of its glyphs rather
// than the font's ascent and descent, which accents can exceed. The pen
// advances as gonum's does; a combining mark is raised above a tall base
// letter as a browser places it. It also returns the characters the font
// lacks, which a browser would take from another font and a PNG would
// draw as empty boxes.
func TextInk(f font.Face, s string) (ink vg.Rectangle, missing []rune) {
	var (
		sf   = f.Face
		buf  sfnt.Buffer
		upem = fixed.Int26_6(sf.UnitsPerEm())
		// With ppem equal to the units per em, sfnt returns font units.
		unit    = f.Font.Size.Points() / float64(upem)
		pen     fixed.Int26_6
		prev    sfnt.GlyphIndex
		prevTop fixed.Int26_6
		started bool
	)
	xHeight := glyphTop(sf, &buf, 'x', upem)
	for i, r := range []rune(s) {
		idx, err := sf.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		if idx == 0 && !unicode.IsSpace(r) {
			// A browser draws it from another font, about as wide as an
			// em at most; gonum advances by the missing glyph's box.
			missing = append(missing, r)
			em := f.Font.Size.Points()
			g := vg.Rectangle{
				Min: vg.Point{X: vg.Length(float64(pen) * unit), Y: vg.Length(-0.25 * em)},
				Max: vg.Point{X: vg.Length(float64(pen)*unit + 0.85*em), Y: vg.Length(0.95 * em)},
			}
			if started {
				ink = union(ink, g)
			} else {
				ink, started = g, true
			}
		}
		if i > 0 {
			if k, err := sf.Kern(&buf, prev, idx, upem, xfont.HintingNone); err == nil {
				pen += k
			} else if !errors.Is(err, sfnt.ErrNotFound) {
				continue
			}
		}
		b, adv, err := sf.GlyphBounds(&buf, idx, upem, xfont.HintingNone)
		if err != nil {
			continue
		}
		top, bottom := -b.Min.Y, -b.Max.Y // sfnt's y grows downwards
		if unicode.Is(unicode.Mn, r) && i > 0 {
			lift := max(0, prevTop-xHeight)
			top, bottom = top+lift, bottom+lift
		} else {
			prevTop = top
		}
		if b.Max.X > b.Min.X {
			g := vg.Rectangle{
				Min: vg.Point{X: vg.Length(float64(pen+b.Min.X) * unit), Y: vg.Length(float64(bottom) * unit)},
				Max: vg.Point{X: vg.Length(float64(pen+b.Max.X) * unit), Y: vg.Length(float64(top) * unit)},
			}
			if started {
				ink = union(ink, g)
			} else {
				ink, started = g, true
			}
		}
		pen += adv
		prev = idx
	}
	return ink, missing
}

func glyphTop(sf *sfnt.Font, buf *sfnt.Buffer, r rune, upem fixed.Int26_6) fixed.Int26_6 {
	idx, err := sf.GlyphIndex(buf, r)
	if err != nil {
		return 0
	}
	b, _, err := sf.GlyphBounds(buf, idx, upem, xfont.HintingNone)
	if err != nil {
		return 0
	}
	return -b.Min.Y
}

func union(a, b vg.Rectangle) vg.Rectangle {
	return vg.Rectangle{
		Min: vg.Point{X: min(a.Min.X, b.Min.X), Y: min(a.Min.Y, b.Min.Y)},
		Max: vg.Point{X: max(a.Max.X, b.Max.X), Y: max(a.Max.Y, b.Max.Y)},
	}
}
