package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

func TestProductSurface(t *testing.T) {
	out := mustExecute(t, productSurface, map[string]string{"function": "xy"})
	if got := valueOf(t, out, "eig-min"); math.Abs(got+1) > 1e-6 {
		t.Errorf("smallest eigenvalue of xy's Hessian = %g, want −1", got)
	}
	out = mustExecute(t, productSurface, map[string]string{"function": "x2y2"})
	if got := valueOf(t, out, "midpoint"); got != 1.0/16 {
		t.Errorf("x²y² at (½, ½) = %g, want 1/16", got)
	}
	if len(out.Checks) != 3 {
		t.Errorf("x2y2 records %d checks, want 3", len(out.Checks))
	}
}

func TestFDHessianAgainstClosedForm(t *testing.T) {
	for _, tc := range []struct {
		name     string
		x, y     float64
		h11, h12 float64 // closed-form entries; h22 follows by symmetry of the cases
		h22      float64
	}{
		{"xy", 0, 0, 0, 1, 0},
		{"xy", 0.7, -2, 0, 1, 0},
		{"x2y2", 0.5, 0.5, 0.5, 1, 0.5}, // 2y², 4xy, 2x²
		{"x2y2", 1, -0.5, 0.5, -2, 2},   // 2y², 4xy, 2x²
		{"x2y2", 0, 0, 0, 0, 0},         // flat at the origin
		{"x2y2", -1.5, 0.25, 0.125, -1.5, 4.5},
	} {
		h, eig := hessianByDifferences(productFunc(tc.name), tc.x, tc.y)
		for _, e := range []struct{ got, want float64 }{{h.At(0, 0), tc.h11}, {h.At(0, 1), tc.h12}, {h.At(1, 1), tc.h22}} {
			if math.Abs(e.got-e.want) > 1e-5 {
				t.Errorf("%s at (%g, %g): Hessian entry %g, want %g", tc.name, tc.x, tc.y, e.got, e.want)
			}
		}
		// Eigenvalues of [[a, b], [b, c]]: (a+c)/2 ± sqrt(((a−c)/2)² + b²).
		m, r := (tc.h11+tc.h22)/2, math.Hypot((tc.h11-tc.h22)/2, tc.h12)
		if math.Abs(eig[0]-(m-r)) > 1e-5 || math.Abs(eig[1]-(m+r)) > 1e-5 {
			t.Errorf("%s at (%g, %g): eigenvalues %v, want %g and %g", tc.name, tc.x, tc.y, eig, m-r, m+r)
		}
	}
}

func TestLinearTwoLayer(t *testing.T) {
	out := mustExecute(t, linearTwoLayer, nil)
	for name, want := range map[string]float64{"eig-min": -2, "eig-max": 2, "h12": -2, "h11": 0, "midpoint": 1, "barrier": 1} {
		if got := valueOf(t, out, name); math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %.15g, want %g", name, got, want)
		}
	}
}

func TestLinearChainIsTheProductLoss(t *testing.T) {
	for depth := 2; depth <= 4; depth++ {
		obj := linearChain(depth)
		for _, w := range [][]float64{{0.3, -1.2, 2, 0.5}, {1, 1, 1, 1}, {-0.7, 0.1, 3, -2}} {
			w = w[:depth]
			prod := 1.0
			for _, x := range w {
				prod *= x
			}
			want := (prod - 1) * (prod - 1)
			if got := obj.Loss(w); math.Abs(got-want) > 1e-13 {
				t.Errorf("depth %d at %v: loss %g, want (∏w − 1)² = %g", depth, w, got, want)
			}
			// The gradient against finite differences.
			grad := make([]float64, depth)
			obj.Grad(w, grad)
			fdg := fd.Gradient(nil, obj.Loss, w, &fd.Settings{Formula: fd.Central})
			for i := range grad {
				if math.Abs(grad[i]-fdg[i]) > 1e-6*math.Max(1, math.Abs(fdg[i])) {
					t.Errorf("depth %d at %v: ∂L/∂w%d = %g, finite differences %g", depth, w, i+1, grad[i], fdg[i])
				}
			}
		}
	}
}

func TestThirdDerivative(t *testing.T) {
	for _, tc := range []struct {
		f    func(float64) float64
		want float64
	}{
		{func(s float64) float64 { c := s*s*s - 1; return c * c }, -12},
		{func(s float64) float64 { return s * s * s * s }, 0},
		{func(s float64) float64 { return 5*s*s*s - s }, 30},
	} {
		if got := thirdDerivativeAtZero(tc.f, 1e-2); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("third derivative %g, want %g", got, tc.want)
		}
	}
}

func TestLinearThreeLayer(t *testing.T) {
	out := mustExecute(t, linearThreeLayer, nil)
	if got := valueOf(t, out, "third-derivative"); math.Abs(got+12) > 1e-6 {
		t.Errorf("third derivative along (s, s, s) = %g, want −12", got)
	}
	if got, want := valueOf(t, out, "after"), math.Pow(0.1*0.1*0.1-1, 2); math.Abs(got-want) > 1e-15 {
		t.Errorf("L(0.1, 0.1, 0.1) = %g, want %g", got, want)
	}
}
