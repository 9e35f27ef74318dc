package figures

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestConvexReformulation(t *testing.T) {
	out := mustDraw(t, convexReformulation, nil)
	if got, want := valueOf(t, out, "patterns"), 2*12-1.0; got != want {
		t.Errorf("%g patterns, want 2n − 1 = %g", got, want)
	}
	if got, want := valueOf(t, out, "variables"), 4*(2*12-1.0); got != want {
		t.Errorf("%g variables, want 4(2n − 1) = %g", got, want)
	}
}

func TestConvexReformulationExtremes(t *testing.T) {
	for _, params := range []map[string]string{
		{"points": "4", "decay": "0.05"},
		{"points": "4", "decay": "1", "runs": "4"},
		{"points": "16", "decay": "0.05", "runs": "40"},
		{"points": "16", "decay": "1"},
		{"decay": "0.1", "seed": "2"},
		{"seed": "5"},
	} {
		mustDraw(t, convexReformulation, params)
	}
}

func TestReformData(t *testing.T) {
	x, y := reformData(rand.New(rand.NewPCG(1, 2)), 12)
	for i := range x {
		// Each input stays in its slot of [−1, 1], so the inputs are
		// distinct and sorted.
		lo, hi := -1+2*float64(i)/12, -1+2*float64(i+1)/12
		if !(lo < x[i] && x[i] < hi) {
			t.Errorf("x[%d] = %g outside its slot (%g, %g)", i, x[i], lo, hi)
		}
		if d := math.Abs(y[i] - math.Sin(3*x[i])); d > 0.5 {
			t.Errorf("y[%d] is %g from sin(3x)", i, d)
		}
	}
}
