package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

func TestDeepLinearPlateau(t *testing.T) {
	out := mustDraw(t, deepLinearPlateau, nil)
	if a, b := valueOf(t, out, "chain-2"), valueOf(t, out, "chain-max"); b < 10*a {
		t.Errorf("depth 5 escapes in %g steps against %g at depth 2; want a plateau at least ten times longer", b, a)
	}
	if got := valueOf(t, out, "eig2-min"); math.Abs(got+2) > 1e-12 {
		t.Errorf("smallest eigenvalue at the depth-2 origin %g, want −2 (twice the largest singular value of mean y xᵀ = diag(1, ½))", got)
	}
}

func TestDeepLinearPlateauExtremes(t *testing.T) {
	for _, given := range []map[string]string{
		{"depth": "5", "init": "0.1", "step": "0.01", "runs": "25"},
		{"depth": "3", "init": "0.3", "step": "0.05", "runs": "5"},
		{"depth": "5", "init": "0.3", "step": "0.01", "runs": "5"},
		{"depth": "3", "init": "0.1", "step": "0.05", "runs": "25"},
	} {
		mustDraw(t, deepLinearPlateau, given)
	}
}

// TestDeepFlowTime checks the quadrature against the closed form at depth 2,
// T = ¼ ln[s*²(1 − s₀²) / ((1 − s*²) s₀²)], and against Runge–Kutta
// integration of ds/dt = 2(1 − s^d) s^(d−1) at every depth.
func TestDeepFlowTime(t *testing.T) {
	for _, s0 := range []float64{0.1, 0.2, 0.3} {
		ss := 1 - math.Sqrt(0.5) // s*² for d = 2
		want := 0.25 * math.Log(ss*(1-s0*s0)/((1-ss)*s0*s0))
		if got := deepFlowTime(2, s0, 0.5); math.Abs(got-want) > 1e-10*want {
			t.Errorf("depth 2, s₀ = %g: T = %.12g, closed form %.12g", s0, got, want)
		}
		for d := 2; d <= 5; d++ {
			field := func(s []float64) []float64 {
				return []float64{2 * (1 - math.Pow(s[0], float64(d))) * math.Pow(s[0], float64(d-1))}
			}
			sStar := math.Pow(1-math.Sqrt(0.5), 1/float64(d))
			const dt = 1e-3
			tm := flowTime(field, []float64{s0}, dt, func(s []float64) bool { return s[0] >= sStar })
			if got := deepFlowTime(d, s0, 0.5); math.Abs(got-tm) > 2*dt {
				t.Errorf("depth %d, s₀ = %g: quadrature %.6f, Runge–Kutta %.4f", d, s0, got, tm)
			}
		}
	}
}

// TestDeepOriginHessianAgainstDifferences compares the network's Hessian at
// the origin with finite differences of its loss, independently of the
// closed form the experiment uses.
func TestDeepOriginHessianAgainstDifferences(t *testing.T) {
	x, y := deepWideData()
	for depth := 2; depth <= 4; depth++ {
		obj := deepWide(depth)
		n := obj.Dim()
		want := mat.NewSymDense(n, nil)
		fd.Hessian(want, obj.Loss, make([]float64, n), &fd.Settings{Formula: fd.Central, Step: 1e-4})
		h := obj.Hessian(make([]float64, n))
		for i := range n {
			for j := range n {
				if math.Abs(h.At(i, j)-want.At(i, j)) > 1e-6 {
					t.Errorf("depth %d: H[%d][%d] = %g, finite differences %g", depth, i, j, h.At(i, j), want.At(i, j))
				}
			}
		}
		if e, _, err := deepOriginHessian(obj, x, y); err != nil || e > 1e-12 {
			t.Errorf("depth %d: closed form off by %g (%v)", depth, e, err)
		}
	}
}
