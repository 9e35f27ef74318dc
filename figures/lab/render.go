package lab

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// This file lays a result's plots out as one figure: panels stacked in a
// grid, each with its legend where it hides no data and its heat map's
// colour bar, and every mark, to the last accent, inside the canvas.

// margin is the empty band around every panel, in points: room for the
// anti-aliasing of the outermost ink, and air between stacked panels.
const margin = 4

// keyGap is the gap between a legend above the data area and the plot.
const keyGap = 6

// A figure is a result's plots laid out on a canvas of its size.
type figure struct {
	w, h   vg.Length
	panels []*panel
	cols   int
	// shared is the heat map whose colour bar, under the panels, serves
	// every panel: when panels stand side by side and all their heat maps
	// share a scale, one bar for all leaves them room.
	shared *HeatMap
	band   vg.Length // the height of the shared bar's band
}

// layout lays the result's plots out. Panels have the house size unless
// the result gives one, plus the height of a legend placed above the data
// area; the figure's height is rounded up to a whole multiple of three
// points, so that its size in CSS pixels (4/3 of a point) is whole too.
// The plots lend the figure their legends and backgrounds until it is
// drawn: call restore then.
func (r *Result) layout() (*figure, error) {
	cols := r.Cols
	if cols <= 0 || cols > len(r.Plots) {
		cols = 1
	}
	rows := (len(r.Plots) + cols - 1) / cols
	pw, ph := vg.Length(r.Width), vg.Length(r.Height)
	if pw == 0 {
		pw = PanelWidth
	}
	if ph == 0 {
		ph = PanelHeight
	}
	f := &figure{w: vg.Length(3 * math.Ceil(float64(pw)*float64(cols)/3)), cols: cols}
	for i, p := range r.Plots {
		if p == nil {
			f.restore()
			return nil, fmt.Errorf("plot %d is nil", i+1)
		}
		f.panels = append(f.panels, newPanel(p))
	}
	if cols > 1 {
		f.shared = f.panels[0].heat
		for _, pn := range f.panels {
			if pn.heat == nil || f.shared == nil || !sameScale(pn.heat, f.shared) {
				f.shared = nil
				break
			}
		}
		if f.shared != nil {
			for _, pn := range f.panels {
				pn.heat = nil
			}
			f.band = sharedBarHeight(f.shared)
		}
	}
	// Lay out at the nominal height, then again with each row as much
	// taller as its tallest legend above the data needs.
	extra := make([]vg.Length, rows)
	for range 2 {
		heights := make([]vg.Length, rows)
		var total vg.Length
		for row := range rows {
			heights[row] = ph + extra[row]
			total += heights[row]
		}
		f.h = vg.Length(3 * math.Ceil(float64(total+f.band)/3))
		top := f.h
		for row := range rows {
			for col := range cols {
				i := row*cols + col
				if i >= len(f.panels) {
					break
				}
				pn := f.panels[i]
				pn.tile = vg.Rectangle{
					Min: vg.Point{X: vg.Length(col)*pw + margin, Y: top - heights[row] + margin},
					Max: vg.Point{X: vg.Length(col+1)*pw - margin, Y: top - margin},
				}
				pn.inset = [4]vg.Length{}
			}
			top -= heights[row]
		}
		layOut(f.panels, cols)
		grew := false
		for i, pn := range f.panels {
			if need := pn.above(); need > extra[i/cols] {
				extra[i/cols] = need
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	return f, nil
}

// restore gives the plots back their legends and backgrounds.
func (f *figure) restore() {
	for _, pn := range f.panels {
		pn.restore()
	}
}

// draw draws the figure on c: paper, then each panel.
func (f *figure) draw(c vg.Canvas) {
	c.SetColor(white)
	c.Fill(vg.Rectangle{Max: vg.Point{X: f.w, Y: f.h}}.Path())
	for _, pn := range f.panels {
		pn.draw(c)
	}
	if f.shared != nil {
		// Across the data areas of the last row.
		x0, x1 := vg.Length(math.Inf(1)), vg.Length(math.Inf(-1))
		for _, pn := range f.panels[(len(f.panels)-1)/f.cols*f.cols:] {
			x0, x1 = min(x0, pn.data.Min.X), max(x1, pn.data.Max.X)
		}
		band := vg.Rectangle{Max: vg.Point{X: f.w, Y: f.panels[len(f.panels)-1].tile.Min.Y - margin}}
		group(c, "colorbar", func() { drawSharedBar(c, band, x0, x1, f.shared) })
	}
}

// SVG draws the result's plots as one SVG document, as Execute does; nil
// if there is no plot.
func (r *Result) SVG() ([]byte, error) {
	if len(r.Plots) == 0 {
		return nil, nil
	}
	f, err := r.layout()
	if err != nil {
		return nil, err
	}
	defer f.restore()
	c := newSVG(f.w, f.h)
	f.draw(c)
	return c.bytes(), nil
}

// PNG draws the result's plots as a PNG image width pixels wide, in
// the light scheme, for uses that cannot show an SVG (such as the image
// of a link shared on social media). With height 0 the image has the
// figure's own proportions; otherwise it is width × height pixels, the
// figure scaled to fit and centred on white.
func (r *Result) PNG(width, height int) ([]byte, error) {
	if len(r.Plots) == 0 {
		return nil, fmt.Errorf("the result has no plot to draw")
	}
	if width <= 0 || height < 0 {
		return nil, fmt.Errorf("image size %d × %d", width, height)
	}
	f, err := r.layout()
	if err != nil {
		return nil, err
	}
	defer f.restore()
	if height == 0 {
		height = int(math.Round(float64(width) * float64(f.h/f.w)))
	}
	// The figure keeps its size in points, so its text keeps its size
	// relative to the rest, at the whole resolution that fills the image
	// best; it is centred in what is left over.
	dpi := max(1, int(math.Min(float64(width)/float64(f.w/vg.Inch), float64(height)/float64(f.h/vg.Inch))))
	img := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, width, height))), vgimg.UseDPI(dpi))
	cw, ch := img.Size()
	img.Translate(vg.Point{X: (cw - f.w) / 2, Y: (ch - f.h) / 2})
	f.draw(pngText{img})
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encoding the PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// pngText draws text on an image with look-alikes for the few characters
// the figures use that the Liberation fonts lack: a browser takes those
// from another font, but an image has only the fonts gonum embeds.
type pngText struct{ vg.Canvas }

var lookAlikes = map[rune]rune{'⁻': '¯', '∅': 'Ø', '∓': '±'}

func (c pngText) FillString(f font.Face, pt vg.Point, s string) {
	var buf sfnt.Buffer
	rs := []rune(s)
	for i, r := range rs {
		if alt, ok := lookAlikes[r]; ok {
			if idx, err := f.Face.GlyphIndex(&buf, r); err == nil && idx == 0 {
				rs[i] = alt
			}
		}
	}
	c.Canvas.FillString(f, pt, string(rs))
}

// A panel is one plot of a figure with the layout the house gives it.
type panel struct {
	p        *plot.Plot
	legend   plot.Legend // the plot's own, drawn by the panel
	bg       color.Color // the plot's own background, restored after
	keyW     vg.Length   // the legend's size; zero if it has no entries
	keyH     vg.Length
	heat     *HeatMap     // the heat map whose colour bar the panel shows
	tile     vg.Rectangle // the panel's share of the figure, inside the margin
	inset    [4]vg.Length // room taken from the tile: left, bottom, right, top
	area     vg.Rectangle // where gonum draws the plot
	data     vg.Rectangle // the data area within it
	bar      vg.Rectangle // the band of the colour bar, right of area
	key      vg.Rectangle // where the legend goes
	keyInner bool         // whether the legend sits inside the data area
}

// newPanel takes p's legend and background away from it (gonum would draw
// them over the data and over the other panels), and finds its heat map.
func newPanel(p *plot.Plot) *panel {
	pn := &panel{p: p, legend: p.Legend, bg: p.BackgroundColor}
	tile := vg.Rectangle{Max: vg.Point{X: PanelWidth, Y: PanelHeight}}
	p.Legend = plot.NewLegend()
	p.BackgroundColor = nil
	if pn.legend.TextStyle.Handler != nil {
		size := pn.legend.Rectangle(draw.Canvas{Rectangle: tile}).Size()
		pn.keyW, pn.keyH = size.X, size.Y
	}
	rec := newRecorder(tile.Max.X, tile.Max.Y)
	p.Draw(draw.Canvas{Canvas: rec, Rectangle: tile})
	if len(rec.scales) > 0 {
		pn.heat = rec.scales[0]
	}
	return pn
}

func (pn *panel) restore() {
	pn.p.Legend = pn.legend
	pn.p.BackgroundColor = pn.bg
}

// layOut places every panel's parts, then lines up the data areas of the
// panels in each column and each row.
func layOut(panels []*panel, cols int) {
	for _, pn := range panels {
		pn.fit()
	}
	for range 3 {
		moved := false
		for _, axis := range []int{0, 1} {
			// A column lines up left and right edges, a row bottoms and tops.
			groups := make([][]*panel, cols)
			if axis == 1 {
				groups = make([][]*panel, (len(panels)+cols-1)/cols)
			}
			for i, pn := range panels {
				k := i % cols
				if axis == 1 {
					k = i / cols
				}
				groups[k] = append(groups[k], pn)
			}
			for _, g := range groups {
				if len(g) > 1 && align(g, axis) {
					moved = true
				}
			}
		}
		if !moved {
			return
		}
		for _, pn := range panels {
			pn.fit()
		}
	}
}

// align insets the panels of g so that their data areas start and end
// together along axis 0 (x) or 1 (y), and reports whether any moved.
func align(g []*panel, axis int) bool {
	lo, hi := vg.Length(math.Inf(-1)), vg.Length(math.Inf(1))
	data := make([]vg.Rectangle, len(g))
	for i, pn := range g {
		data[i] = pn.data
		lo = max(lo, coord(data[i].Min, axis))
		hi = min(hi, coord(data[i].Max, axis))
	}
	moved := false
	for i, pn := range g {
		if d := lo - coord(data[i].Min, axis); d > 0.01 {
			pn.inset[axis] += d
			moved = true
		}
		if d := coord(data[i].Max, axis) - hi; d > 0.01 {
			pn.inset[axis+2] += d
			moved = true
		}
	}
	return moved
}

func coord(p vg.Point, axis int) vg.Length {
	if axis == 0 {
		return p.X
	}
	return p.Y
}

// fit lays the panel out, then insets it by however far its ink reaches
// beyond its tile, until all of it is inside.
func (pn *panel) fit() {
	for range 4 {
		rec := pn.place()
		pn.drawExtras(rec)
		ink, ok := rec.ink()
		if !ok {
			return
		}
		over := [4]vg.Length{
			pn.tile.Min.X - ink.Min.X, pn.tile.Min.Y - ink.Min.Y,
			ink.Max.X - pn.tile.Max.X, ink.Max.Y - pn.tile.Max.Y,
		}
		done := true
		for i, o := range over {
			if o > 0.01 {
				pn.inset[i] += o
				done = false
			}
		}
		if done {
			return
		}
	}
}

// record draws the plot in its area on a recorder, and notes its data
// area.
func (pn *panel) record() *recorder {
	rec := newRecorder(pn.tile.Max.X, pn.tile.Max.Y)
	c := draw.Canvas{Canvas: rec, Rectangle: pn.area}
	pn.p.Draw(c)
	if !rec.hasData {
		// A plot without the house grid, which notes the data area as it
		// is drawn.
		rec.data, rec.hasData = pn.p.DataCanvas(c).Rectangle, true
	}
	pn.data = rec.data
	return rec
}

// place lays out the plot, the colour bar and the legend in the tile less
// the inset, and returns the plot as recorded in its place.
func (pn *panel) place() *recorder {
	pn.area = vg.Rectangle{
		Min: vg.Point{X: pn.tile.Min.X + pn.inset[0], Y: pn.tile.Min.Y + pn.inset[1]},
		Max: vg.Point{X: pn.tile.Max.X - pn.inset[2], Y: pn.tile.Max.Y - pn.inset[3]},
	}
	if pn.heat != nil {
		w := colorBarWidth(pn.heat)
		pn.bar = vg.Rectangle{Min: vg.Point{X: pn.area.Max.X - w, Y: pn.area.Min.Y}, Max: pn.area.Max}
		pn.area.Max.X -= w
	}
	rec := pn.record()
	if pn.keyW == 0 {
		return rec
	}
	// A corner of the data area that no data reaches, trying the one the
	// author asked for first.
	const inset, clearance = 4, 3
	data := pn.data
	for _, corner := range corners(pn.legend.Top, pn.legend.Left) {
		x := data.Min.X + inset
		if !corner.left {
			x = data.Max.X - inset - pn.keyW
		}
		y := data.Min.Y + inset
		if corner.top {
			y = data.Max.Y - inset - pn.keyH
		}
		key := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + pn.keyW, Y: y + pn.keyH}}
		if x < data.Min.X || y < data.Min.Y || rec.hits(grow(key, clearance)) {
			continue
		}
		pn.key, pn.keyInner = key, true
		return rec
	}
	// None is free: above the data area, from its left edge, or further
	// left if the legend is wider than the room to the right of it.
	pn.keyInner = false
	x := max(pn.tile.Min.X, min(data.Min.X, pn.tile.Max.X-pn.keyW))
	top := pn.area.Max.Y
	pn.key = vg.Rectangle{Min: vg.Point{X: x, Y: top - pn.keyH}, Max: vg.Point{X: x + pn.keyW, Y: top}}
	pn.area.Max.Y -= pn.keyH + keyGap
	if pn.heat != nil {
		pn.bar.Max.Y = pn.area.Max.Y
	}
	return pn.record()
}

// above returns the height the legend takes above the data area, if it
// is placed there.
func (pn *panel) above() vg.Length {
	if pn.keyW == 0 || pn.keyInner {
		return 0
	}
	return pn.keyH + keyGap
}

type corner struct{ top, left bool }

// corners lists the four corners, the one asked for first, then the one
// beside it, the one below or above it, and the one across.
func corners(top, left bool) []corner {
	return []corner{{top, left}, {top, !left}, {!top, left}, {!top, !left}}
}

// draw draws the laid-out panel on c.
func (pn *panel) draw(c vg.Canvas) {
	pn.p.Draw(draw.Canvas{Canvas: c, Rectangle: pn.area})
	if s, ok := canvasOf(c).(*svgCanvas); ok {
		s.onMap = false
		if s.inData {
			s.end()
			s.inData = false
		}
	}
	pn.drawExtras(c)
}

// drawExtras draws what the house adds to a plot: the colour bar and the
// legend.
func (pn *panel) drawExtras(c vg.Canvas) {
	if pn.heat != nil {
		group(c, "colorbar", func() { drawColorBar(c, pn.bar, pn.data, pn.heat) })
	}
	if pn.keyW == 0 {
		return
	}
	group(c, "legend", func() {
		if pn.keyInner {
			// Paper under the legend, so grid lines do not cross its text.
			c.SetColor(white)
			c.Fill(grow(pn.key, 2).Path())
		}
		l := pn.legend
		l.Top, l.Left, l.XOffs, l.YOffs = true, true, 0, 0
		l.Draw(draw.Canvas{Canvas: c, Rectangle: pn.key})
	})
}

// group draws what f draws in a group of the given class, when c is the
// house SVG canvas.
func group(c vg.Canvas, class string, f func()) {
	if s, ok := canvasOf(c).(*svgCanvas); ok {
		s.begin(class)
		defer s.end()
	}
	f()
}
