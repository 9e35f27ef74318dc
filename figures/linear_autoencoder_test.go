package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLinearAutoencoder(t *testing.T) {
	for _, given := range []map[string]string{
		nil,
		{"rotate": "false", "mix": "false"},
		{"rotate": "true", "mix": "false"},
		{"rotate": "false", "mix": "true", "seed": "7"},
	} {
		out := mustDraw(t, linearAutoencoder, given)
		for name, want := range map[string]float64{"params": 16, "critical": 11, "full-rank": 6, "zeros": 4, "saddles": 10, "origin-index": 8} {
			if got := valueOf(t, out, name); got != want {
				t.Errorf("%v: %s = %g, want %g", given, name, got, want)
			}
		}
		if got := valueOf(t, out, "min-loss"); math.Abs(got-3) > 1e-12 {
			t.Errorf("%v: smallest loss %.17g, want 3", given, got)
		}
		if v, _ := out.Value("indices"); v.Text != "0, 1, 2, 2, 3, 4" {
			t.Errorf("%v: indices %q", given, v.Text)
		}
	}
}

func TestAESubsets(t *testing.T) {
	got := aeSubsets(4, 2)
	want := [][]int{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("aeSubsets(4, 2) = %v, want %v", got, want)
	}
	for _, tc := range []struct{ n, k, count int }{{4, 0, 1}, {4, 1, 4}, {4, 4, 1}, {5, 3, 10}} {
		if got := len(aeSubsets(tc.n, tc.k)); got != tc.count {
			t.Errorf("aeSubsets(%d, %d) has %d subsets, want %d", tc.n, tc.k, got, tc.count)
		}
	}
}

// TestAEHessianClosedForm checks the network's exact Hessian against the
// second-order term of L(A, B) = tr((I − AB) Σ (I − AB)ᵀ): with
// M = dA B + A dB and E = I − AB,
// vᵀHv = 2 tr(M Σ Mᵀ) − 4 tr(dA dB Σ Eᵀ), at arbitrary points.
func TestAEHessianClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	prob := newAEProblem(aeOrthonormal(rng, 4))
	var sigma mat.Dense
	sigma.Mul(prob.x.T(), prob.x)
	sigma.Scale(0.25, &sigma)
	n := prob.net.NumParams()
	for range 5 {
		theta, v := make([]float64, n), make([]float64, n)
		for i := range theta {
			theta[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		a, b := prob.net.W(theta, 1), prob.net.W(theta, 0)
		da, db := prob.net.W(v, 1), prob.net.W(v, 0)
		var m, t1, e, dadb, q1, q2 mat.Dense
		m.Mul(da, b)
		t1.Mul(a, db)
		m.Add(&m, &t1)
		e.Mul(a, b)
		e.Scale(-1, &e)
		for i := range 4 {
			e.Set(i, i, e.At(i, i)+1)
		}
		dadb.Mul(da, db)
		q1.Product(&m, &sigma, m.T())
		q2.Product(&dadb, &sigma, e.T())
		want := 2*mat.Trace(&q1) - 4*mat.Trace(&q2)
		var hv mat.VecDense
		hv.MulVec(prob.obj.Hessian(theta), mat.NewVecDense(n, v))
		got := mat.Dot(&hv, mat.NewVecDense(n, v))
		if math.Abs(got-want) > 1e-10*math.Max(1, math.Abs(want)) {
			t.Errorf("vᵀHv = %.15g, closed form %.15g", got, want)
		}
	}
}
