package nn_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestActivationDerivatives(t *testing.T) {
	for _, a := range []nn.Activation{nn.Linear, nn.Tanh, nn.ReLU, nn.Sigmoid} {
		for _, x := range []float64{-3.1, -1, -0.2, 0.15, 0.9, 2.4} {
			d1 := fd.Derivative(a.Eval, x, &fd.Settings{Formula: fd.Central})
			d2 := fd.Derivative(a.Deriv, x, &fd.Settings{Formula: fd.Central})
			closeTo(t, a.String()+"'", a.Deriv(x), d1, 1e-9)
			closeTo(t, a.String()+"''", a.Deriv2(x), d2, 1e-9)
		}
	}
	// Conventions at the ReLU kink.
	if nn.ReLU.Eval(0) != 0 || nn.ReLU.Deriv(0) != 0 || nn.ReLU.Deriv2(0) != 0 {
		t.Errorf("relu at 0: %g %g %g, want 0 0 0", nn.ReLU.Eval(0), nn.ReLU.Deriv(0), nn.ReLU.Deriv2(0))
	}
	// Sigmoid derivatives stay accurate deep in both tails.
	for _, x := range []float64{-40, 40} {
		want := math.Exp(-40) / ((1 + math.Exp(-40)) * (1 + math.Exp(-40)))
		if got := nn.Sigmoid.Deriv(x); math.Abs(got-want) > 1e-14*want {
			t.Errorf("sigmoid'(%g) = %g, want %g", x, got, want)
		}
	}
	if nn.Sigmoid.Eval(-800) != 0 || nn.Sigmoid.Eval(800) != 1 {
		t.Errorf("sigmoid overflows: %g %g", nn.Sigmoid.Eval(-800), nn.Sigmoid.Eval(800))
	}
}

func TestSigmoidSecondDerivativeExtremes(t *testing.T) {
	// s'' = s(1-s)(1-2s) is extreme where s = (3 ± √3)/6, i.e. at
	// x = ∓ln(2+√3), with values ±√3/18.
	xStar := math.Log(2 + math.Sqrt(3))
	peak := math.Sqrt(3) / 18
	closeTo(t, "x*", xStar, 1.3170, 1e-4)
	closeTo(t, "peak", peak, 0.0962, 1e-4)
	closeTo(t, "sigmoid''(-x*)", nn.Sigmoid.Deriv2(-xStar), peak, 1e-15)
	closeTo(t, "sigmoid''(x*)", nn.Sigmoid.Deriv2(xStar), -peak, 1e-15)
	for _, x := range []float64{-5, -1.8, -1.3, -0.5, 0, 0.7, 1.31, 3} {
		closeTo(t, "s(1-s)(1-2s)", nn.Sigmoid.Deriv2(x), func() float64 {
			s := 1 / (1 + math.Exp(-x))
			return s * (1 - s) * (1 - 2*s)
		}(), 1e-15)
	}
	var hi, lo, argHi, argLo float64
	for k := -8000; k <= 8000; k++ {
		x := float64(k) / 1000
		d := nn.Sigmoid.Deriv2(x)
		if d > hi {
			hi, argHi = d, x
		}
		if d < lo {
			lo, argLo = d, x
		}
	}
	if hi > peak+1e-16 || lo < -peak-1e-16 {
		t.Errorf("grid extremes %g, %g exceed ±%g", lo, hi, peak)
	}
	closeTo(t, "argmax", argHi, -xStar, 1e-3)
	closeTo(t, "argmin", argLo, xStar, 1e-3)
}
