package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestQcHessianMatchesFiniteDifferencesAndClosedForm(t *testing.T) {
	for _, p := range [][2]float64{{1, 0}, {0, 0}, {0.3, -0.5}, {-1.2, 0.7}, {0.5, 0.5}} {
		h := qcHessian(p[0], p[1])
		want := mat.NewSymDense(2, nil)
		fd.Hessian(want, func(q []float64) float64 { return qcBump(q[0], q[1]) }, p[:], &fd.Settings{Formula: fd.Central, Step: 1e-4})
		for i := range 2 {
			for j := range 2 {
				if math.Abs(h.At(i, j)-want.At(i, j)) > 1e-6 {
					t.Errorf("at %v: H[%d][%d] = %g, finite differences %g", p, i, j, h.At(i, j), want.At(i, j))
				}
			}
		}
		eig, err := nn.Eigenvalues(h)
		if err != nil {
			t.Fatal(err)
		}
		radial, tangential := qcEigen(math.Hypot(p[0], p[1]))
		lo, hi := math.Min(radial, tangential), math.Max(radial, tangential)
		if math.Abs(eig[0]-lo) > 1e-12 || math.Abs(eig[1]-hi) > 1e-12 {
			t.Errorf("at %v: eigenvalues %v, closed forms %g and %g", p, eig, lo, hi)
		}
	}
	if r, s := qcEigen(1); math.Abs(r+2/math.E) > 1e-15 || math.Abs(s-2/math.E) > 1e-15 {
		t.Errorf("eigenvalues at r = 1: %g and %g, want ∓2/e", r, s)
	}
	if r, _ := qcEigen(1 / math.Sqrt2); math.Abs(r) > 1e-15 {
		t.Errorf("radial eigenvalue at r = 1/√2 is %g, want 0", r)
	}
}

func TestQcRadialMonotoneDetectsADip(t *testing.T) {
	if ok, _ := qcRadialMonotone(36, 100, 3); !ok {
		t.Error("the bump is not radially increasing")
	}
}

func TestQuasiconvexBumpDefaults(t *testing.T) {
	out := mustExecute(t, quasiconvexBump, nil)
	if _, ok := out.Check("plus-minus-two-over-e"); !ok {
		t.Error("the ±2/e check is missing at x0 = 1")
	}
	// Inside the circle r = 1/√2 both eigenvalues are positive.
	out = mustExecute(t, quasiconvexBump, map[string]string{"x0": "0.5", "grid": "41"})
	if v, _ := out.Value("eig-min"); v.Number <= 0 {
		t.Errorf("smallest eigenvalue at (0.5, 0) is %g, want positive", v.Number)
	}
}
