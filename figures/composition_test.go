package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestReluSum(t *testing.T) {
	out := mustExecute(t, reluSum, nil)
	for name, want := range map[string]float64{
		"global-min": 0, "global-lo": 0, "global-hi": 1, "bump": 1, "bump-at": 2, "spurious": 0.5, "spurious-at": 2.5,
	} {
		if got := valueOf(t, out, name); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %.12g, want %g", name, got, want)
		}
	}
	if got := valueOf(t, out, "convex-violations"); got != 0 {
		t.Errorf("%g violations for the convex part, want 0", got)
	}
	// From a start between the bump and the spurious minimum, descent climbs to it.
	mustExecute(t, reluSum, map[string]string{"start": "2.2", "step": "0.1", "iters": "200", "chords": "100"})
}

func TestReluSumPieces(t *testing.T) {
	// h is piecewise linear: −w, 0, w − 1, 3 − w, w − 2 on the pieces split at 0, 1, 2, 2.5.
	for _, tc := range []struct{ w, h, grad float64 }{
		{-0.5, 0.5, -1}, {0.5, 0, 0}, {1.5, 0.5, 1}, {2.25, 0.75, -1}, {3, 1, 1},
	} {
		h, _ := reluSumAt(tc.w)
		g := []float64{0}
		reluSumObjective{}.Grad([]float64{tc.w}, g)
		if math.Abs(h-tc.h) > 1e-15 || g[0] != tc.grad {
			t.Errorf("h(%g) = %g, h′ = %g; want %g and %g", tc.w, h, g[0], tc.h, tc.grad)
		}
	}
}

func TestGridExtrema(t *testing.T) {
	xs := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8}
	zs := []float64{3, 1, 1, 1, 2, 0, 4, 4, 5}
	got := findGridExtrema(xs, zs, 0)
	want := []gridExtremum{{1, 3, 1, true}, {4, 4, 2, false}, {5, 5, 0, true}}
	if !slices.Equal(got, want) {
		t.Errorf("extrema %v, want %v", got, want)
	}
}

func TestGoldenMin(t *testing.T) {
	for _, tc := range []struct {
		f          func(float64) float64
		a, b, want float64
	}{
		{func(x float64) float64 { return (x - 0.3) * (x - 0.3) }, -1, 1, 0.3},
		{func(x float64) float64 { return math.Abs(x - 2.5) }, 2, 3, 2.5},
		{func(x float64) float64 { return math.Cosh(x + 1) }, -3, 2, -1},
	} {
		if got := GoldenMin(tc.f, tc.a, tc.b, 1e-12); math.Abs(got-tc.want) > 1e-7 {
			t.Errorf("minimiser %.12g, want %g", got, tc.want)
		}
	}
}

func TestChordViolations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	if n, _ := countChordViolations(rng, func(x float64) float64 { return x * x }, -2, 2, 1000, 1e-12); n != 0 {
		t.Errorf("x² has %d violating chords, want 0", n)
	}
	if n, _ := countChordViolations(rng, math.Sin, 0, math.Pi, 1000, 1e-12); n < 900 {
		t.Errorf("sin on [0, π] (concave) has only %d violating chords of 1000", n)
	}
}

func TestDoubleWell(t *testing.T) {
	out := mustExecute(t, doubleWell, nil)
	for name, want := range map[string]float64{"min-left": -1, "min-right": 1, "midpoint": 1, "chord": 0, "curvature": -4} {
		if got := valueOf(t, out, name); math.Abs(got-want) > 1e-6 {
			t.Errorf("%s = %.12g, want %g", name, got, want)
		}
	}
	mustExecute(t, doubleWell, map[string]string{"xmax": "3", "points": "21", "chords": "100"})
}

func TestReluSumNetworkComputesH(t *testing.T) {
	obj, theta0, dir := reluSumNetwork()
	theta := make([]float64, len(theta0))
	for _, s := range []float64{-1, 0, 0.5, 1, 2, 2.25, 2.5, 3.3} {
		for i := range theta {
			theta[i] = theta0[i] + s*dir[i]
		}
		h, _ := reluSumAt(s)
		if got := obj.Net().Forward(theta, []float64{1})[0]; math.Abs(got-h) > 1e-15 {
			t.Errorf("output at s = %g: %g, h = %g", s, got, h)
		}
	}
}
