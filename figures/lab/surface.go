package lab

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// A Grid is a function sampled on a regular grid, ready to draw as a heat
// map with contour lines. It implements plotter.GridXYZ.
type Grid struct {
	Xs, Ys []float64
	Zs     [][]float64 // Zs[row][col] = f(Xs[col], Ys[row])
}

// SampleGrid samples f at n×n points spanning [x0, x1] × [y0, y1].
func SampleGrid(f func(x, y float64) float64, x0, x1, y0, y1 float64, n int) *Grid {
	g := &Grid{Xs: make([]float64, n), Ys: make([]float64, n), Zs: make([][]float64, n)}
	for i := range n {
		s := float64(i) / float64(n-1)
		g.Xs[i] = x0 + s*(x1-x0)
		g.Ys[i] = y0 + s*(y1-y0)
	}
	for r := range n {
		g.Zs[r] = make([]float64, n)
		for c := range n {
			g.Zs[r][c] = f(g.Xs[c], g.Ys[r])
		}
	}
	return g
}

// Dims returns the grid's columns and rows.
func (g *Grid) Dims() (c, r int) { return len(g.Xs), len(g.Ys) }

// Z returns the value at column c, row r.
func (g *Grid) Z(c, r int) float64 { return g.Zs[r][c] }

// X returns the x coordinate of column c.
func (g *Grid) X(c int) float64 { return g.Xs[c] }

// Y returns the y coordinate of row r.
func (g *Grid) Y(r int) float64 { return g.Ys[r] }

// Range returns the smallest and largest values.
func (g *Grid) Range() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range g.Zs {
		for _, z := range row {
			lo, hi = math.Min(lo, z), math.Max(hi, z)
		}
	}
	return lo, hi
}

// Table writes the grid in long form: one row x, y, z per point.
func (g *Grid) Table(xName, yName, zName string) Table {
	t := Table{Header: []string{xName, yName, zName}}
	for r, y := range g.Ys {
		for c, x := range g.Xs {
			t.Add(x, y, g.Zs[r][c])
		}
	}
	return t
}

// Sequential is a colour-blind-safe light-to-dark palette (ColorBrewer
// YlGnBu) for values that only grow, such as a loss.
func Sequential() palette.Palette { return mustBrewer(brewer.TypeSequential, "YlGnBu", 9) }

// Diverging is a colour-blind-safe palette (ColorBrewer RdBu, red for
// high values, blue for low) for values of both signs around a middle
// value.
func Diverging() palette.Palette { return Reversed(mustBrewer(brewer.TypeDiverging, "RdBu", 11)) }

// Reversed returns pal's colours in reverse order, as when a sequential
// palette should be darkest at the lowest value.
func Reversed(pal palette.Palette) palette.Palette {
	cs := pal.Colors()
	rev := make(colors, len(cs))
	for i, c := range cs {
		rev[len(cs)-1-i] = c
	}
	return rev
}

// colors is a palette of given colours.
type colors []color.Color

func (p colors) Colors() []color.Color { return p }

func mustBrewer(kind brewer.PaletteType, name string, n int) palette.Palette {
	p, err := brewer.GetPalette(kind, name, n)
	if err != nil {
		panic(fmt.Sprintf("lab: palette %s: %v", name, err))
	}
	return p
}

// Surface returns a heat map of g in the palette pal, spanning [lo, hi],
// and contour lines at the given levels, which the heat map's colour bar
// marks. The heat map is drawn as an image, which keeps the SVG small.
func Surface(g *Grid, pal palette.Palette, lo, hi float64, levels []float64) (*HeatMap, Contour) {
	heat := &HeatMap{Grid: g, Palette: pal, Min: lo, Max: hi, Levels: levels}
	lines := plotter.NewContour(g, levels, colors{contourColor})
	lines.Min, lines.Max = lo, hi
	lines.LineStyles[0].Width = vg.Points(0.75)
	return heat, Contour{lines}
}
