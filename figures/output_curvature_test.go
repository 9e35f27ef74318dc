package figures

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestLogisticCurvature(t *testing.T) {
	for _, params := range []map[string]string{{}, {"zmax": "30", "points": "11"}, {"zmax": "1", "points": "10001"}} {
		out := mustDraw(t, logisticCurvature, params)
		if got := valueOf(t, out, "max-curvature"); math.Abs(got-0.25) > 1e-15 {
			t.Errorf("%v: max curvature %.17g, want 1/4", params, got)
		}
		if got := valueOf(t, out, "argmax"); got != 0 {
			t.Errorf("%v: curvature peaks at z = %g, want 0", params, got)
		}
	}
	out := mustDraw(t, logisticCurvature, nil)
	s := logisticSigma(4)
	if got := valueOf(t, out, "curvature-at-4"); math.Abs(got-s*(1-s)) > 1e-15 {
		t.Errorf("curvature at 4 = %g, want %g", got, s*(1-s))
	}
	s = logisticSigma(6)
	if got := valueOf(t, out, "min-curvature"); math.Abs(got-s*(1-s)) > 1e-15 {
		t.Errorf("smallest curvature = %g, want σ(6)(1−σ(6)) = %g", got, s*(1-s))
	}
}

func TestLogitLossAgainstClosedForm(t *testing.T) {
	for _, tc := range []struct{ y, z, loss float64 }{
		{1, 0, math.Ln2},
		{0, 0, math.Ln2},
		{1, 3, math.Log1p(math.Exp(-3))},
		{0, 3, 3 + math.Log1p(math.Exp(-3))},
		{0.3, -2, math.Log1p(math.Exp(-2)) + 0.3*2},
		{1, -40, 40}, // softplus(40) − 40·0 + …: stable far from 0
	} {
		l := newLogitLoss(tc.y)
		got, curv := l.at(tc.z)
		if math.Abs(got-tc.loss) > 1e-12*max(1, tc.loss) {
			t.Errorf("ℓ(%g; y=%g) = %.15g, want %.15g", tc.z, tc.y, got, tc.loss)
		}
		s := logisticSigma(tc.z)
		if math.Abs(curv-s*(1-s)) > 1e-15 {
			t.Errorf("ℓ″(%g) = %g, want %g", tc.z, curv, s*(1-s))
		}
	}
}

func TestProbCurvature(t *testing.T) {
	for _, y := range []float64{0, 0.25, 1} {
		for _, p := range []float64{0.05, 0.3, 0.5, 0.9} {
			f := func(p float64) float64 { return -y*math.Log(p) - (1-y)*math.Log(1-p) }
			want := fd.Derivative(f, p, &fd.Settings{Formula: fd.Central2nd, Step: 1e-4})
			if got := probCurvature(p, y); math.Abs(got-want) > 1e-5*got {
				t.Errorf("y=%g p=%g: %g, finite differences %g", y, p, got, want)
			}
		}
	}
	if got := probCurvature(0.5, 0.5); got != 4 {
		t.Errorf("curvature at p = y = 1/2 is %g, want 4", got)
	}
}

func symEigen(t *testing.T, h mat.Symmetric) []float64 {
	t.Helper()
	eig, err := nn.Eigenvalues(h)
	if err != nil {
		t.Fatal(err)
	}
	return eig
}

func TestSoftmaxHessian(t *testing.T) {
	for _, params := range []map[string]string{{}, {"classes": "2", "draws": "50"}, {"classes": "10", "draws": "50", "scale": "10"}} {
		out := mustDraw(t, softmaxHessian, params)
		if len(params) == 0 {
		}
		if got := valueOf(t, out, "max-eigenvalue"); got <= 0 || got > 0.5 {
			t.Errorf("%v: largest eigenvalue %g outside (0, 1/2]", params, got)
		}
	}
}

func TestLogitHessianTwoClasses(t *testing.T) {
	// With two classes diag(p) − ppᵀ = p₁p₂ [[1, −1], [−1, 1]]: eigenvalues
	// 0 and 2p₁p₂, which is 1/2 for equal logits.
	obj := softmaxObjective(2)
	for _, z := range [][]float64{{0, 0}, {1, -1}, {30, 0}} {
		p := softmaxProbs(z)
		eig := symEigen(t, logitHessian(obj, z))
		if math.Abs(eig[0]) > 1e-15 || math.Abs(eig[1]-2*p[0]*p[1]) > 1e-15 {
			t.Errorf("z = %v: eigenvalues %v, want 0 and %g", z, eig, 2*p[0]*p[1])
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	z := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
	obj = softmaxObjective(3)
	h := logitHessian(obj, z)
	// Against finite differences of the loss logsumexp(z) − z₀.
	f := func(z []float64) float64 {
		m := max(z[0], z[1], z[2])
		return m + math.Log(math.Exp(z[0]-m)+math.Exp(z[1]-m)+math.Exp(z[2]-m)) - z[0]
	}
	want := mat.NewSymDense(3, nil)
	fd.Hessian(want, f, z, nil)
	for i := range 3 {
		for j := range 3 {
			if math.Abs(h.At(i, j)-want.At(i, j)) > 1e-4 {
				t.Errorf("H[%d][%d] = %g, finite differences %g", i, j, h.At(i, j), want.At(i, j))
			}
		}
	}
}
