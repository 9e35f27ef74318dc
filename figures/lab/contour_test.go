package lab

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// wavy has dozens of separate contour lines at each level, so the order a
// map happens to give them is all but certain to differ between drawings.
func wavy() *Grid {
	return SampleGrid(func(x, y float64) float64 { return math.Sin(3*x) * math.Sin(3*y) }, -math.Pi, math.Pi, -math.Pi, math.Pi, 61)
}

func drawSurface(t *testing.T, lines plot.Plotter) string {
	t.Helper()
	p := NewPlot("", "x", "y")
	p.Add(lines)
	svg, err := (&Result{Plots: []*plot.Plot{p}}).SVG()
	if err != nil {
		t.Fatal(err)
	}
	return string(svg)
}

func TestContourDrawsTheSameSVGEveryTime(t *testing.T) {
	levels := []float64{-0.5, -0.2, 0.2, 0.5}
	_, lines := Surface(wavy(), Sequential(), -1, 1, levels)
	first := drawSurface(t, lines)
	for range 10 {
		if drawSurface(t, lines) != first {
			t.Fatal("two drawings of the same contours differ")
		}
	}
	// The canonical drawing has exactly upstream's lines, reordered.
	upstream := drawSurface(t, plotter.NewContour(wavy(), levels, nil))
	if got, want := strings.Count(first, "<path"), strings.Count(upstream, "<path"); got != want || want < 50 {
		t.Errorf("the canonical drawing has %d paths, upstream %d; want equal and at least 50", got, want)
	}
}

func TestCanonicalPathIgnoresStartAndDirection(t *testing.T) {
	pts := []vg.Point{{X: 3, Y: 1}, {X: 1, Y: 2}, {X: 2, Y: 5}, {X: 4, Y: 4}}
	line := func(closed bool, order ...int) vg.Path {
		var p vg.Path
		p.Move(pts[order[0]])
		for _, i := range order[1:] {
			p.Line(pts[i])
		}
		if closed {
			p.Line(pts[order[0]])
			p.Close()
		}
		return p
	}
	for _, c := range []struct {
		name   string
		closed bool
		a, b   []int
	}{
		{"open, reversed", false, []int{0, 1, 2, 3}, []int{3, 2, 1, 0}},
		{"closed, rotated", true, []int{0, 1, 2, 3}, []int{2, 3, 0, 1}},
		{"closed, reversed", true, []int{0, 1, 2, 3}, []int{3, 2, 1, 0}},
	} {
		a, b := canonicalPath(line(c.closed, c.a...)), canonicalPath(line(c.closed, c.b...))
		if comparePaths(a, b) != 0 || len(a) != len(b) {
			t.Errorf("%s: canonical forms differ: %v and %v", c.name, a, b)
		}
		if a[0].Pos != pts[1] && c.closed {
			t.Errorf("%s: the loop starts at %v, not at its smallest point %v", c.name, a[0].Pos, pts[1])
		}
	}
	open := canonicalPath(line(false, 3, 2, 1, 0))
	if !slices.Equal([]vg.Point{open[0].Pos, open[3].Pos}, []vg.Point{pts[0], pts[3]}) {
		t.Errorf("the open line runs %v to %v; want it from its smaller end %v", open[0].Pos, open[3].Pos, pts[0])
	}
}
