package lab_test

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/lab/labtest"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files in testdata")

// figures are small results that exercise the house style: a legend that
// finds an empty corner, one that must go above the data, a heat map with
// its colour bar and marks over it, stacked panels whose axes line up, and
// labels that reach for the edges of the canvas.
var figures = map[string]func() *lab.Result{
	"corner": func() *lab.Result {
		p := lab.NewPlot("", "x", "y")
		square := ok(lab.Series(curve(0, 2, func(x float64) float64 { return x * x }), 0, false))
		line := ok(lab.Series(curve(0, 2, func(x float64) float64 { return x }), 1, true))
		p.Add(square, line)
		p.Legend.Add("x²", square)
		p.Legend.Add("x", line)
		return &lab.Result{Plots: []*plot.Plot{p}}
	},
	"crowded": func() *lab.Result {
		p := lab.NewPlot("", "x", "y")
		var xys plotter.XYs
		for i := range 11 {
			for j := range 11 {
				xys = append(xys, plotter.XY{X: float64(i), Y: float64(j)})
			}
		}
		dots := ok(lab.Points(xys, 2))
		p.Add(dots)
		p.Legend.Add("a point everywhere", dots)
		return &lab.Result{Plots: []*plot.Plot{p}}
	},
	"heatmap": func() *lab.Result {
		g := lab.SampleGrid(func(x, y float64) float64 { return x*x - y*y }, -1, 1, -1, 1, 21)
		heat, lines := lab.Surface(g, lab.Diverging(), -1, 1, []float64{-0.5, 0, 0.5})
		heat.Label = "x² − y²"
		p := lab.NewPlot("", "x", "y")
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, -1, 1
		dot := ok(lab.Points(plotter.XYs{{}}, 7))
		note := ok(lab.Labels(plotter.XYs{{}}, []string{"saddle"}))
		p.Add(heat, lines, dot, note)
		p.Legend.Add("the saddle", dot)
		return &lab.Result{Plots: []*plot.Plot{p}, Width: lab.PanelWidth, Height: lab.PanelWidth * 0.85}
	},
	"stacked": func() *lab.Result {
		top := lab.NewPlot("", "", "small")
		top.Add(ok(lab.Series(curve(0, 1, func(x float64) float64 { return x }), 0, false)))
		bottom := lab.NewPlot("", "step", "large")
		bottom.Add(ok(lab.Series(curve(0, 1, func(x float64) float64 { return 1e5 * x * x }), 1, false)))
		return &lab.Result{Plots: []*plot.Plot{top, bottom}, Height: lab.PanelHeight * 0.75}
	},
	"edges": func() *lab.Result {
		p := lab.NewPlot("Ångström ÂÊÎ", "Ŵ, the widest", "Ŷ (the tallest)")
		p.Add(ok(lab.Series(curve(0, 1e6, func(x float64) float64 { return -x }), 3, false)))
		p.X.Tick.Marker = lab.TicksAt(0, 5e5, 1e6)
		return &lab.Result{Plots: []*plot.Plot{p}}
	},
}

func TestHouseStyleGolden(t *testing.T) {
	for name, build := range figures {
		t.Run(name, func(t *testing.T) {
			svg, err := build().SVG()
			if err != nil {
				t.Fatal(err)
			}
			again, _ := build().SVG()
			if !bytes.Equal(svg, again) {
				t.Error("two drawings of the same figure differ")
			}
			for _, p := range labtest.Check(svg) {
				t.Error(p)
			}
			golden := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(golden, svg, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(svg, want) {
				t.Errorf("the SVG differs from %s; if the change is meant, rerun with -update and look at the files", golden)
			}
		})
	}
}

var viewBox = regexp.MustCompile(`viewBox="0 0 ([0-9.]+) ([0-9.]+)"`)

// size returns the figure's size in points.
func size(t *testing.T, svg []byte) (w, h string) {
	t.Helper()
	m := viewBox.FindSubmatch(svg)
	if m == nil {
		t.Fatalf("no viewBox in %.200s", svg)
	}
	return string(m[1]), string(m[2])
}

func TestLegendGoesWhereItHidesNoData(t *testing.T) {
	// With a corner free, the legend takes it and the figure keeps the
	// house size; with none, the legend goes above the data and the figure
	// grows by its height instead of the data area shrinking.
	corner, _ := figures["corner"]().SVG()
	if w, h := size(t, corner); w != "360" || h != "240" {
		t.Errorf("the figure with a free corner is %s × %s, want 360 × 240", w, h)
	}
	crowded, _ := figures["crowded"]().SVG()
	if _, h := size(t, crowded); h == "240" {
		t.Error("the figure without a free corner did not grow for its legend")
	}
	// labtest checks, from the SVG, that neither legend covers a mark.
	for _, svg := range [][]byte{corner, crowded} {
		if !bytes.Contains(svg, []byte(`<g class="legend">`)) {
			t.Error("no legend drawn")
		}
	}
}

func TestFiguresFollowTheReadersScheme(t *testing.T) {
	svg, err := figures["heatmap"]().SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, want := range []string{
		"@media screen and (prefers-color-scheme:dark){",
		".f-paper{fill:#1E1F23}",                    // the paper darkens
		"text:not([fill]){fill:#E6E6E3}",            // text lightens
		".s-ink{stroke:#E6E6E3}",                    // so do the axes
		".light{display:none}.dark{display:inline}", // the heat map's dark variant
		`class="dark"`,
		`<g class="colorbar">`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the heat map's SVG lacks %q", want)
		}
	}
	// Marks over the heat map keep their colour: the map keeps the order
	// of its lightness in the dark scheme.
	if !regexp.MustCompile(`<text [^>]*fill="#000000"[^>]*>saddle</text>`).MatchString(s) {
		t.Error("the label over the heat map is not held in its colour")
	}
}

func TestPNGDrawsTheFigure(t *testing.T) {
	r := figures["corner"]()
	for _, c := range []struct{ w, h, wantH int }{{600, 0, 400}, {1200, 630, 630}} {
		data, err := r.PNG(c.w, c.h)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.wantH {
			t.Errorf("PNG(%d, %d) is %d × %d, want %d × %d", c.w, c.h, b.Dx(), b.Dy(), c.w, c.wantH)
		}
		// The blue curve is drawn: some pixel is far from white and grey.
		blue := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if bl > 0x8000 && r < 0x3000 && g < 0x9000 {
					blue++
				}
			}
		}
		if blue < c.w/4 {
			t.Errorf("PNG(%d, %d): %d blue pixels, the curve is missing", c.w, c.h, blue)
		}
		again, _ := r.PNG(c.w, c.h)
		if !bytes.Equal(data, again) {
			t.Errorf("PNG(%d, %d) differs between two drawings", c.w, c.h)
		}
	}
	if _, err := (&lab.Result{}).PNG(600, 0); err == nil {
		t.Error("a result without plots drew a PNG")
	}
}

// ok returns v, for constructors that fail only on data these tests do
// not give them.
func ok[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func curve(lo, hi float64, f func(float64) float64) plotter.XYs {
	var xys plotter.XYs
	for i := range 101 {
		x := lo + (hi-lo)*float64(i)/100
		xys = append(xys, plotter.XY{X: x, Y: f(x)})
	}
	return xys
}

// BenchmarkSVG lays out and draws the test figures: the cost the house
// style adds to every experiment.
func BenchmarkSVG(b *testing.B) {
	for _, name := range []string{"corner", "crowded", "heatmap", "stacked"} {
		r := figures[name]()
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := r.SVG(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
