package nn_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestGradMatchesFiniteDifferences(t *testing.T) {
	for i, c := range archCases() {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(i)))
			obj := nn.NewObjective(c.net, c.loss, randData(rng, c.net, c.loss, 7))
			for range 3 {
				theta := randTheta(rng, c.net)
				grad := make([]float64, len(theta))
				loss := obj.Grad(theta, grad)
				closeTo(t, "Grad's loss", loss, obj.Loss(theta), 1e-14*max(1, loss))
				want := fd.Gradient(nil, obj.Loss, theta, &fd.Settings{Formula: fd.Central})
				if d := maxRelDiff(grad, want); d > 1e-6 {
					t.Errorf("gradient differs from central differences by %g\n got %v\nwant %v", d, grad, want)
				}
			}
		})
	}
}

func TestHessianMatchesFiniteDifferencesOfGradient(t *testing.T) {
	for i, c := range archCases() {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, uint64(i)))
			obj := nn.NewObjective(c.net, c.loss, randData(rng, c.net, c.loss, 6))
			theta := randTheta(rng, c.net)
			n := len(theta)
			h := obj.Hessian(theta)
			jac := mat.NewDense(n, n, nil)
			fd.Jacobian(jac, func(g, x []float64) { obj.Grad(x, g) }, theta, &fd.JacobianSettings{Formula: fd.Central})
			var got, want []float64
			for r := range n {
				for s := range n {
					got = append(got, h.At(r, s))
					want = append(want, jac.At(r, s))
				}
			}
			if d := maxRelDiff(got, want); d > 1e-5 {
				t.Errorf("Hessian differs from the Jacobian of the gradient by %g", d)
			}

			// The unsymmetrised products must already be symmetric: the
			// R-operator is exact, so asymmetry could only be rounding.
			ei, ej := make([]float64, n), make([]float64, n)
			hi, hj := make([]float64, n), make([]float64, n)
			var asym, scale float64
			for r := range n {
				ei[r] = 1
				obj.HessianVec(theta, ei, hi)
				ei[r] = 0
				for s := r + 1; s < n; s++ {
					ej[s] = 1
					obj.HessianVec(theta, ej, hj)
					ej[s] = 0
					asym = max(asym, abs(hi[s]-hj[r]))
					scale = max(scale, abs(hi[s]))
				}
			}
			if asym > 1e-13*max(1, scale) {
				t.Errorf("unsymmetrised Hessian asymmetric by %g (scale %g)", asym, scale)
			}

			// H v from the R-operator equals the assembled H times v.
			v := nn.RandomDirection(rng, n)
			hv := make([]float64, n)
			loss := obj.HessianVec(theta, v, hv)
			closeTo(t, "HessianVec's loss", loss, obj.Loss(theta), 1e-14*max(1, loss))
			var want2 mat.VecDense
			want2.MulVec(h, mat.NewVecDense(n, v))
			if d := maxRelDiff(hv, want2.RawVector().Data); d > 1e-12 {
				t.Errorf("HessianVec differs from H v by %g", d)
			}
		})
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
