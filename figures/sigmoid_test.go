package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestSigmoidCurvature(t *testing.T) {
	out := mustExecute(t, sigmoidCurvature, nil)
	for name, want := range map[string]float64{
		"x-max": -math.Log(2 + math.Sqrt(3)), "x-min": math.Log(2 + math.Sqrt(3)),
		"max": math.Sqrt(3) / 18, "min": -math.Sqrt(3) / 18,
	} {
		if got := valueOf(t, out, name); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %.12f, want %.12f", name, got, want)
		}
	}
	// A smaller run must reach the same conclusions.
	mustExecute(t, sigmoidCurvature, map[string]string{"xmax": "3", "points": "21"})
}

func TestSigmoidThirdDerivative(t *testing.T) {
	for _, x := range []float64{-8, -2.5, -1.3169578969248166, -0.4, 0, 0.7, 1.3169578969248166, 3, 9} {
		want := fd.Derivative(nn.Sigmoid.Deriv2, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		if got := sigmoid3(x); math.Abs(got-want) > 1e-9 {
			t.Errorf("σ‴(%g) = %.12g, finite differences %.12g", x, got, want)
		}
	}
	// Closed form at 0: σ‴(0) = d(1 − 6d) with d = 1/4.
	if got := sigmoid3(0); got != -0.125 {
		t.Errorf("σ‴(0) = %g, want −1/8", got)
	}
}

func TestBisect(t *testing.T) {
	for _, tc := range []struct {
		f          func(float64) float64
		a, b, want float64
	}{
		{func(x float64) float64 { return x*x - 2 }, 0, 2, math.Sqrt2},
		{func(x float64) float64 { return math.Cos(x) }, 0, 3, math.Pi / 2},
		{func(x float64) float64 { return -x - 0.25 }, -1, 1, -0.25},
	} {
		if got := bisectRoot(tc.f, tc.a, tc.b); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("root %.17g, want %.17g", got, tc.want)
		}
	}
}
