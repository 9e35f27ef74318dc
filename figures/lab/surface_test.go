package lab

import (
	"math"
	"testing"
)

func TestSampleGridSpansTheSquare(t *testing.T) {
	g := SampleGrid(func(x, y float64) float64 { return x * y }, -1, 1, -1, 1, 41)
	lo, hi := g.Range()
	if lo != -1 || hi != 1 {
		t.Fatalf("range of xy on the square = [%g, %g], want [-1, 1]", lo, hi)
	}
}

func TestGridAtInterpolatesBilinearly(t *testing.T) {
	// A bilinear function is reproduced exactly between grid points.
	f := func(x, y float64) float64 { return 1 + 2*x - 3*y + 0.5*x*y }
	g := SampleGrid(f, -2, 2, -1, 3, 5)
	for _, p := range [][2]float64{{-2, -1}, {0.3, 0.7}, {1.99, 2.5}, {2, 3}, {-1.25, 0}} {
		if got, want := g.At(p[0], p[1]), f(p[0], p[1]); math.Abs(got-want) > 1e-12 {
			t.Errorf("At(%g, %g) = %g, want %g", p[0], p[1], got, want)
		}
	}
	if z := g.At(2.1, 0); !math.IsNaN(z) {
		t.Errorf("At outside the grid = %g, want NaN", z)
	}
}

func TestPowerScaleSpreadsSmallValues(t *testing.T) {
	for _, c := range []struct{ p, x, want float64 }{
		{0.5, 0, 0}, {0.5, 0.25, 0.5}, {0.5, 1, 1}, {1, 0.3, 0.3}, {0.5, -1, 0},
	} {
		if got := PowerScale(c.p).Normalize(0, 1, c.x); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("PowerScale(%g).Normalize(0, 1, %g) = %g, want %g", c.p, c.x, got, c.want)
		}
	}
}

func TestLevelLabelsAreExactAndShort(t *testing.T) {
	for _, c := range []struct {
		levels []float64
		want   []string
	}{
		{[]float64{1.0 / 16, 0.25, 0.5, 1, 2}, []string{"0.0625", "0.25", "0.5", "1", "2"}},
		{[]float64{0.2128690285295237, 0.1064345142647618}, []string{"0.213", "0.106"}},
		{[]float64{1.0001, 1.0002}, []string{"1.0001", "1.0002"}},
		{[]float64{-2, -0.25, 100}, []string{"-2", "-0.25", "100"}},
	} {
		got := levelLabels(c.levels)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("levelLabels(%v) = %q, want %q", c.levels, got, c.want)
				break
			}
		}
	}
}
