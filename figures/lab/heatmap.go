package lab

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A HeatMap draws a function sampled on a [Grid] as colour varying
// smoothly from the palette's first colour at Min to its last at Max.
// The panel it is drawn in shows its colour bar on the right: the colours
// with their values, and the contour levels, so that a reader can tell
// what each colour and each contour line means.
//
// The colours come from the palette's colours blended evenly (in CIELAB),
// not in steps; the values between grid points are interpolated, and the
// result drawn as an image about twice as fine as the grid, which the
// browser smooths further. A reader who prefers a dark scheme sees the
// colours with their lightness compressed towards the dark page's, in the
// same order, so that the map does not glare and a caption that calls a
// region lightest or darkest stays true.
type HeatMap struct {
	Grid     *Grid
	Palette  palette.Palette
	Min, Max float64
	// Scale maps values to colours; nil is linear. PowerScale(0.5) shows
	// small values apart from zero.
	Scale plot.Normalizer
	// Levels are the contour levels drawn over the map, marked on the
	// colour bar.
	Levels []float64
	// Label names the quantity beside the colour bar, such as "loss".
	Label string
	// Ticks marks values on the colour bar; nil marks the levels, or
	// evenly spaced values if there are none.
	Ticks plot.Ticker

	luts *luts // the palette blended, kept for the next drawing
}

type luts struct {
	palette     []color.Color
	light, dark []color.NRGBA
}

// PowerScale maps a value x in [min, max] to ((x−min)/(max−min))^p: a p
// below 1 spreads the colours of small values apart.
type PowerScale float64

// Normalize implements plot.Normalizer.
func (p PowerScale) Normalize(min, max, x float64) float64 {
	t := (x - min) / (max - min)
	if t <= 0 {
		return 0
	}
	return math.Pow(t, float64(p))
}

// norm returns where x falls on the colour scale, clamped to [0, 1].
func (h *HeatMap) norm(x float64) float64 {
	var t float64
	if h.Scale != nil {
		t = h.Scale.Normalize(h.Min, h.Max, x)
	} else {
		t = (x - h.Min) / (h.Max - h.Min)
	}
	return math.Min(1, math.Max(0, t))
}

// lutSize is the number of colours a heat map blends its palette into:
// with a transparent one for missing values, a PNG palette's 256.
const lutSize = 255

// lut returns the palette blended into lutSize colours, and their dark
// scheme variants.
func (h *HeatMap) lut() (light, dark []color.NRGBA) {
	cs := h.Palette.Colors()
	if h.luts != nil && slices.Equal(h.luts.palette, cs) {
		return h.luts.light, h.luts.dark
	}
	light, dark = make([]color.NRGBA, lutSize), make([]color.NRGBA, lutSize)
	defer func() { h.luts = &luts{slices.Clone(cs), light, dark} }()
	for i := range lutSize {
		s := float64(i) / (lutSize - 1) * float64(len(cs)-1)
		k := min(int(s), len(cs)-2)
		light[i] = mix(cs[k], cs[k+1], s-float64(k))
		dark[i] = darkVariant(light[i])
	}
	return light, dark
}

// darkVariant maps the lightness of a colour from [0, 100] to [12, 76],
// keeping its hue: white becomes a mid grey, black the dark paper.
func darkVariant(c color.Color) color.NRGBA {
	l := toLab(c)
	return lab{L: 12 + 0.64*l.L, A: l.A, B: l.B}.sRGB()
}

// DataRange implements plot.DataRanger.
func (h *HeatMap) DataRange() (xmin, xmax, ymin, ymax float64) {
	g := h.Grid
	return g.Xs[0], g.Xs[len(g.Xs)-1], g.Ys[0], g.Ys[len(g.Ys)-1]
}

// Plot implements plot.Plotter.
func (h *HeatMap) Plot(c draw.Canvas, p *plot.Plot) {
	rec, recording := canvasOf(c.Canvas).(*recorder)
	if recording {
		rec.scales = append(rec.scales, h)
	}
	x0, x1, y0, y1 := h.DataRange()
	x0, x1 = math.Max(x0, p.X.Min), math.Min(x1, p.X.Max)
	y0, y1 = math.Max(y0, p.Y.Min), math.Min(y1, p.Y.Max)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	trX, trY := p.Transforms(&c)
	rect := vg.Rectangle{Min: vg.Point{X: trX(x0), Y: trY(y0)}, Max: vg.Point{X: trX(x1), Y: trY(y1)}}
	if recording {
		rec.DrawImage(rect, nil) // where the image goes is all the layout needs
		return
	}
	// About two pixels per grid cell, which the browser smooths, and at
	// most a pixel per point of the data area.
	nx := fineness(h.Grid.Xs, x0, x1, rect.Size().X)
	ny := fineness(h.Grid.Ys, y0, y1, rect.Size().Y)
	li, di := h.images(nx, ny, func(col, row int) int {
		y := y1 - (float64(row)+0.5)/float64(ny)*(y1-y0)
		x := x0 + (float64(col)+0.5)/float64(nx)*(x1-x0)
		z := h.Grid.At(x, y)
		if math.IsNaN(z) {
			return -1
		}
		return int(math.Round(h.norm(z) * (lutSize - 1)))
	})
	drawImages(c.Canvas, rect, li, di)
	// What is drawn over the map keeps its colours in both schemes, as
	// the map keeps the order of its lightness.
	if s, ok := canvasOf(c.Canvas).(*svgCanvas); ok {
		s.onMap = true
	}
}

// images returns a w × h image whose pixel (col, row) has the colour
// index(col, row) of the blended palette (−1 for none), and its dark
// variant. The two share their pixels and differ in their palettes: a PNG
// stores such an image at a byte a pixel, which a smooth map compresses
// well.
func (h *HeatMap) images(w, ht int, index func(col, row int) int) (light, dark *image.Paletted) {
	lc, dc := h.lut()
	lp, dp := make(color.Palette, lutSize+1), make(color.Palette, lutSize+1)
	for i := range lutSize {
		lp[i], dp[i] = lc[i], dc[i]
	}
	lp[lutSize], dp[lutSize] = color.Transparent, color.Transparent
	light = image.NewPaletted(image.Rect(0, 0, w, ht), lp)
	for row := range ht {
		for col := range w {
			k := index(col, row)
			if k < 0 {
				k = lutSize
			}
			light.Pix[row*light.Stride+col] = uint8(k)
		}
	}
	dark = &image.Paletted{Pix: light.Pix, Stride: light.Stride, Rect: light.Rect, Palette: dp}
	return light, dark
}

// fineness returns the number of pixels an image needs across the part
// [lo, hi] of a grid with coordinates vs, drawn size points wide.
func fineness(vs []float64, lo, hi float64, size vg.Length) int {
	cells := float64(len(vs)-1) * (hi - lo) / (vs[len(vs)-1] - vs[0])
	return max(2, min(int(math.Ceil(2*cells)), int(math.Ceil(size.Points()))))
}

// drawImages draws light on c, and dark for the dark scheme if c is the
// house SVG canvas, which can show each to its readers.
func drawImages(c vg.Canvas, rect vg.Rectangle, light, dark image.Image) {
	if s, ok := canvasOf(c).(*svgCanvas); ok {
		s.images(rect, light, dark)
		return
	}
	c.DrawImage(rect, light)
}

// At returns the grid's function at (x, y), interpolated bilinearly
// between the grid points around it; outside the grid it is NaN.
func (g *Grid) At(x, y float64) float64 {
	c, s, ok := cell(g.Xs, x)
	r, t, ok2 := cell(g.Ys, y)
	if !ok || !ok2 {
		return math.NaN()
	}
	z00, z01 := g.Zs[r][c], g.Zs[r][c+1]
	z10, z11 := g.Zs[r+1][c], g.Zs[r+1][c+1]
	return (1-t)*((1-s)*z00+s*z01) + t*((1-s)*z10+s*z11)
}

// cell returns the index i of the interval [vs[i], vs[i+1]] holding v and
// v's fraction of the way across it.
func cell(vs []float64, v float64) (int, float64, bool) {
	n := len(vs)
	if n < 2 || v < vs[0] || v > vs[n-1] {
		return 0, 0, false
	}
	i := sort.SearchFloat64s(vs, v) - 1
	i = max(0, min(i, n-2))
	return i, (v - vs[i]) / (vs[i+1] - vs[i]), true
}

// GlyphBoxes implements plot.GlyphBoxer. gonum's contour plotter keeps a
// margin of 2.5 points round every grid point, which would part a heat
// map from its axes, and costs a box per grid point at every layout.
func (Contour) GlyphBoxes(*plot.Plot) []plot.GlyphBox { return nil }
