package lab

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The house size of one panel, in points. A figure is shown as wide as
// the page's column, at most: on a phone, about 335 CSS pixels for the
// 360 points of a panel, which keeps the house text (12 points, and never
// less) above 11 pixels.
const (
	PanelWidth  = 360
	PanelHeight = 240
)

// houseTextSize is the size of the figures' text in points: tick labels,
// axis labels, legends, annotations. Nothing is smaller.
const houseTextSize = 12

// The font stacks of figure text. Figures are laid out with the metrics of
// the Liberation fonts, which the SVG names but does not embed; the stacks
// list the fonts with the same metrics first (Arimo, Arial and Helvetica
// for the sans-serif), so that text fits where it was measured, then the
// rest of the page's own stack. SansFamily is also the stack of the pages'
// captions, so that a figure and its caption share a typeface.
const (
	SansFamily  = `'Liberation Sans', Arimo, Arial, Helvetica, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif`
	serifFamily = `'Liberation Serif', Tinos, 'Times New Roman', Times, serif`
	monoFamily  = `'Liberation Mono', Cousine, 'Courier New', monospace`
)

// Palette is the Okabe–Ito palette, distinguishable with the common forms
// of colour blindness, with its lighter colours (purple, orange, sky blue,
// yellow) darkened just enough to stand out from white paper by the 3:1
// that WCAG asks of meaningful marks. Series take its colours in order; in
// the dark scheme each is replaced by a variant that stands out as well
// from dark paper.
var Palette = []color.Color{
	color.NRGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.NRGBA{0xD5, 0x5E, 0x00, 0xff}, // vermilion
	color.NRGBA{0x00, 0x9E, 0x73, 0xff}, // bluish green
	color.NRGBA{0xC8, 0x75, 0xA3, 0xff}, // reddish purple
	color.NRGBA{0xC0, 0x84, 0x00, 0xff}, // orange
	color.NRGBA{0x30, 0x98, 0xCB, 0xff}, // sky blue
	color.NRGBA{0x9A, 0x93, 0x00, 0xff}, // yellow
	color.NRGBA{0x00, 0x00, 0x00, 0xff}, // black
}

// Gray is for reference lines and other marks that should recede. It
// stands out from paper of either scheme by more than 3:1.
var Gray = color.NRGBA{0x88, 0x88, 0x88, 0xff}

// The colours of the dark scheme's paper and ink: the page's own.
var (
	white     = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	black     = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	darkPaper = color.NRGBA{0x1E, 0x1F, 0x23, 0xff}
	darkInk   = color.NRGBA{0xE6, 0xE6, 0xE3, 0xff}
	gridColor = color.NRGBA{0xE4, 0xE4, 0xE4, 0xff}
	// contourColor draws contour lines over heat maps, in both schemes:
	// the maps keep the order of their lightness in the dark scheme.
	contourColor = color.NRGBA{0x30, 0x30, 0x30, 0xff}
)

// A role is a house colour with its variant for the dark scheme.
type role struct {
	name        string
	light, dark color.NRGBA
}

var roles = []role{
	{"paper", white, darkPaper},
	{"ink", black, darkInk},
	{"grid", gridColor, color.NRGBA{0x34, 0x35, 0x3A, 0xff}},
	{"c0", Palette[0].(color.NRGBA), color.NRGBA{0x3A, 0x8B, 0xCE, 0xff}},
	{"c1", Palette[1].(color.NRGBA), color.NRGBA{0xDB, 0x63, 0x09, 0xff}},
	{"c2", Palette[2].(color.NRGBA), color.NRGBA{0x00, 0x9E, 0x73, 0xff}},
	{"c3", Palette[3].(color.NRGBA), color.NRGBA{0xCC, 0x79, 0xA7, 0xff}},
	{"c4", Palette[4].(color.NRGBA), color.NRGBA{0xE6, 0x9F, 0x00, 0xff}},
	{"c5", Palette[5].(color.NRGBA), color.NRGBA{0x56, 0xB4, 0xE9, 0xff}},
	{"c6", Palette[6].(color.NRGBA), color.NRGBA{0xF0, 0xE4, 0x42, 0xff}},
}

// roleOf returns the role of a house colour.
func roleOf(c color.NRGBA) (role, bool) {
	for _, r := range roles {
		if r.light == c {
			return r, true
		}
	}
	return role{}, false
}

// Font returns the house font at the given size in points.
func Font(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Length(size)}
}

// NewPlot returns a plot in the house style: sans-serif text of the house
// size, a light grid, axes labelled with the symbols used in the prose.
// Its legend, if entries are added, is placed when the figure is drawn
// where it hides no data: in a corner of the data area that is empty
// (Legend.Top and Legend.Left say which corner to try first), or else
// above the data area.
func NewPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = Font(houseTextSize + 1)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = Font(houseTextSize)
		ax.Tick.Label.Font = Font(houseTextSize)
		ax.Tick.Marker = Ticks{plot.DefaultTicks{}}
		ax.Padding = vg.Points(2)
	}
	p.Legend.TextStyle.Font = Font(houseTextSize)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(18)
	// gonum spaces legend entries by the text's ascent alone; this leaves
	// room for descenders and a little air.
	p.Legend.Padding = vg.Points(houseTextSize * 0.4)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	p.Add(grid{g})
	return p
}

// grid is the house grid: light lines at the major ticks. It is not data,
// so a legend may cover it.
type grid struct{ *plotter.Grid }

func (g grid) Plot(c draw.Canvas, p *plot.Plot) {
	switch cv := canvasOf(c.Canvas).(type) {
	case *recorder:
		cv.data, cv.hasData = c.Rectangle, true
		return
	case *svgCanvas:
		// The grid is the first plotter: what follows it is data, until
		// the panel closes the group.
		cv.begin("data")
		cv.inData = true
	}
	g.Grid.Plot(c, p)
}

// Ticks wraps a tick marker so that its labels are typeset like the
// prose's numbers: −1.5, not -1.5. Set an axis's Tick.Marker to
// Ticks{plot.ConstantTicks(...)} to choose the ticks.
type Ticks struct{ plot.Ticker }

// Ticks returns the wrapped marker's ticks with typeset labels.
func (t Ticks) Ticks(min, max float64) []plot.Tick {
	ticks := t.Ticker.Ticks(min, max)
	for i := range ticks {
		ticks[i].Label = Typeset(ticks[i].Label)
	}
	return ticks
}

// SquareHeight returns the height of a panel of the given width (points)
// whose data area is square, so that circles in the data look round.
func SquareHeight(p *plot.Plot, width float64) float64 {
	da := p.DataCanvas(draw.New(newRecorder(vg.Length(width), vg.Length(width))))
	w, h := da.Max.X-da.Min.X, da.Max.Y-da.Min.Y
	return width + float64(w-h)
}

// TicksAt marks the given values, labelled as the prose writes numbers:
// −0.5, not -0.5.
func TicksAt(values ...float64) plot.Ticker {
	ts := make(plot.ConstantTicks, len(values))
	for i, v := range values {
		ts[i] = plot.Tick{Value: v, Label: Typeset(strconv.FormatFloat(v, 'g', -1, 64))}
	}
	return ts
}

// IntTicks marks the whole numbers from lo to hi: −2, −1, 0, 1, 2.
func IntTicks(lo, hi float64) plot.Ticker {
	var vs []float64
	for v := math.Ceil(lo); v <= hi; v++ {
		vs = append(vs, v)
	}
	return TicksAt(vs...)
}

// Series returns a line through xys in the palette's i-th colour, dashed
// when dashed is set (so series differ by more than colour).
func Series(xys plotter.XYs, i int, dashed bool) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color = Palette[i%len(Palette)]
	l.Width = vg.Points(1.75)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	return l, nil
}

// Points returns markers at xys in the palette's i-th colour.
func Points(xys plotter.XYs, i int) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, err
	}
	s.Color = Palette[i%len(Palette)]
	s.Radius = vg.Points(3)
	s.Shape = draw.CircleGlyph{}
	return s, nil
}

// Outcomes draws runs of an experiment that came out two ways, each
// with a legend entry: those that went well as dots of the first colour,
// the others as slightly larger triangles of the second, so the two
// differ in shape as well as colour. An empty set is left out.
func Outcomes(p *plot.Plot, good plotter.XYs, goodName string, bad plotter.XYs, badName string) error {
	for i, set := range []struct {
		xys   plotter.XYs
		shape draw.GlyphDrawer
		name  string
	}{
		{good, draw.CircleGlyph{}, goodName},
		{bad, draw.PyramidGlyph{}, badName},
	} {
		if len(set.xys) == 0 {
			continue
		}
		s, err := Points(set.xys, i)
		if err != nil {
			return err
		}
		s.Shape, s.Radius = set.shape, vg.Points(2.6)
		if i == 1 {
			s.Radius = vg.Points(3)
		}
		p.Add(s)
		p.Legend.Add(set.name, s)
	}
	return nil
}

// Labels returns texts written at xys in the house font, each centred
// above its point (offset by a few points, to clear a marker there), in
// ink that follows the reader's scheme.
func Labels(xys plotter.XYs, texts []string) (*plotter.Labels, error) {
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = Font(houseTextSize)
		l.TextStyle[i].XAlign = draw.XCenter
	}
	l.Offset = vg.Point{Y: vg.Points(5)}
	return l, nil
}
