package figures

import (
	"math"
	"testing"
)

func TestOneVariableTests(t *testing.T) {
	for _, given := range []map[string]string{
		nil,
		{"steps": "10", "step": "0.1", "chords": "100"},
		{"steps": "10000", "step": "4", "chords": "100000"},
	} {
		out := mustDraw(t, oneVariableTests, given)
		// Gradient descent on e^(−x) from 0 moves right forever.
		if x := valueOf(t, out, "exp-x-end"); x <= 0 {
			t.Errorf("%v: descent ends at x = %g", given, x)
		}
	}
}

func TestShelf(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{0, 0}, {0.5, 0.5}, {-1, 1}, {1.5, 1}, {-2, 1}, {2.5, 1.5}, {-3, 2},
	} {
		if got := shelf(c.x); got != c.want {
			t.Errorf("shelf(%g) = %g, want %g", c.x, got, c.want)
		}
	}
}

func TestSecondDifference(t *testing.T) {
	cube := func(x float64) float64 { return x * x * x }
	if got := secondDifference(cube, 2, 1e-3); math.Abs(got-12) > 1e-6 {
		t.Errorf("second difference of x³ at 2: %g, want 12", got)
	}
}
