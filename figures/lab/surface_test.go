package lab

import (
	"os"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

func TestSurfaceRendersRasterHeatMapThatStretches(t *testing.T) {
	g := SampleGrid(func(x, y float64) float64 { return x * y }, -1, 1, -1, 1, 41)
	lo, hi := g.Range()
	if lo != -1 || hi != 1 {
		t.Fatalf("range of xy on the square = [%g, %g], want [-1, 1]", lo, hi)
	}
	heat, lines := Surface(g, Diverging(), -1, 1, []float64{-0.5, 0, 0.5})
	p := NewPlot("xy", "x", "y")
	p.Add(heat, lines)
	r := &Result{Plots: []*plot.Plot{p}}
	svg, err := r.render()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("FIGURES_WRITE") != "" {
		os.WriteFile("/tmp/surface.svg", svg, 0o644)
	}
	if !strings.Contains(string(svg), `<image preserveAspectRatio="none" `) {
		t.Errorf("the rasterised heat map does not stretch to its cells")
	}
	if strings.Contains(string(svg), "font-family:Liberation Sans;") {
		t.Errorf("a font has no fallback")
	}
}
