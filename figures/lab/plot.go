package lab

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The house size of one panel, in points. At the page column's width the
// text is about body size, and it stays legible scaled down to a phone.
const (
	PanelWidth  = 360
	PanelHeight = 240
)

// Palette is the Okabe–Ito palette, distinguishable with the common forms
// of colour blindness. Series take its colours in order.
var Palette = []color.Color{
	color.NRGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.NRGBA{0xD5, 0x5E, 0x00, 0xff}, // vermilion
	color.NRGBA{0x00, 0x9E, 0x73, 0xff}, // bluish green
	color.NRGBA{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	color.NRGBA{0xE6, 0x9F, 0x00, 0xff}, // orange
	color.NRGBA{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	color.NRGBA{0xF0, 0xE4, 0x42, 0xff}, // yellow
	color.NRGBA{0x00, 0x00, 0x00, 0xff}, // black
}

// Gray is for reference lines and other marks that should recede.
var Gray = color.NRGBA{0x88, 0x88, 0x88, 0xff}

// Font returns the house font at the given size in points.
func Font(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Length(size)}
}

// NewPlot returns a plot in the house style: sans-serif labels sized for
// the page, a light grid, axes labelled with the symbols used in the prose.
func NewPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = Font(12)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = Font(12)
		ax.Tick.Label.Font = Font(11)
		ax.Tick.Marker = Ticks{plot.DefaultTicks{}}
		ax.Padding = vg.Points(2)
	}
	p.Legend.TextStyle.Font = Font(11)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(18)
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{0xe4}
	grid.Horizontal.Color = color.Gray{0xe4}
	p.Add(grid)
	return p
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
	c := draw.New(vgsvg.New(vg.Length(width), vg.Length(width)))
	da := p.DataCanvas(c)
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

// render draws the result's plots as one SVG document.
func (r *Result) render() ([]byte, error) {
	if len(r.Plots) == 0 {
		return nil, nil
	}
	cols := r.Cols
	if cols <= 0 || cols > len(r.Plots) {
		cols = len(r.Plots)
	}
	rows := (len(r.Plots) + cols - 1) / cols
	w, h := r.Width, r.Height
	if w == 0 {
		w = PanelWidth
	}
	if h == 0 {
		h = PanelHeight
	}
	c := vgsvg.New(vg.Length(w)*vg.Length(cols), vg.Length(h)*vg.Length(rows))
	dc := draw.New(c)
	if len(r.Plots) == 1 {
		r.Plots[0].Draw(dc)
	} else {
		grid := make([][]*plot.Plot, rows)
		for i := range grid {
			grid[i] = make([]*plot.Plot, cols)
		}
		for i, p := range r.Plots {
			grid[i/cols][i%cols] = p
		}
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(8), PadY: vg.Points(8)}
		for i, row := range plot.Align(grid, tiles, dc) {
			for j, canvas := range row {
				if grid[i][j] != nil {
					grid[i][j].Draw(canvas)
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("drawing the SVG: %w", err)
	}
	return tidySVG(buf.Bytes()), nil
}

var (
	svgComment = regexp.MustCompile(`<!--[^>]*-->\n`)
	svgFamily  = regexp.MustCompile(`font-family:Liberation (Sans|Serif|Mono)`)
	svgImage   = regexp.MustCompile(`<image `)
)

// fallbacks are metric-compatible stand-ins for the Liberation fonts,
// which the SVG names but, deliberately, does not embed.
var fallbacks = map[string]string{
	"Sans":  "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif",
	"Serif": "font-family:'Liberation Serif',Tinos,'Times New Roman',Times,serif",
	"Mono":  "font-family:'Liberation Mono',Cousine,'Courier New',monospace",
}

// tidySVG gives every font a fallback, lets rasterised heat maps stretch to
// their cells, and drops the generator's comment.
func tidySVG(svg []byte) []byte {
	svg = svgComment.ReplaceAll(svg, nil)
	svg = svgFamily.ReplaceAllFunc(svg, func(m []byte) []byte {
		return []byte(fallbacks[string(svgFamily.FindSubmatch(m)[1])])
	})
	return svgImage.ReplaceAll(svg, []byte(`<image preserveAspectRatio="none" `))
}
