package figures

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

func TestHessProblemGradientAndHessianMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	prob := newHessProblem(rng, 3, 16, 0.05)
	theta := nn.RandomDirection(rng, prob.net.NumParams())
	grad := make([]float64, len(theta))
	prob.Grad(theta, grad)
	want := fd.Gradient(nil, prob.Loss, theta, &fd.Settings{Formula: fd.Central})
	for i := range grad {
		if math.Abs(grad[i]-want[i]) > 1e-7*math.Max(1, math.Abs(want[i])) {
			t.Errorf("gradient entry %d: %g, finite differences %g", i, grad[i], want[i])
		}
	}
	if e := hessFDError(prob, theta); e > 1e-6 {
		t.Errorf("Hessian differs from finite differences of the gradient by %g", e)
	}
	// The decay adds exactly λ to the diagonal.
	h := prob.Hessian(theta)
	h0 := prob.obj.Hessian(theta)
	for i := range theta {
		if d := h.At(i, i) - h0.At(i, i); math.Abs(d-0.05) > 1e-15 {
			t.Errorf("diagonal %d gains %g, want λ = 0.05", i, d)
		}
	}
}

func TestHessSpectrumCountsSignsBeyondNoise(t *testing.T) {
	for _, c := range []struct {
		eig      []float64
		neg, pos int
	}{
		{[]float64{-1, 0, 2}, 1, 1},
		{[]float64{-1e-9, 1e-9, 1}, 0, 1},   // ±1e-9 are within 1e-8 × 1
		{[]float64{-3e-8, 1e-9, 1}, 1, 1},   // −3e-8 < −1e-8
		{[]float64{-5, -1, -1e-12}, 2, 0},   // scale is 5
		{[]float64{1e-3, 2e-3, 1e-1}, 0, 3}, // positive definite
	} {
		h := hessDiag(c.eig)
		s, err := hessSpectrumOf(h)
		if err != nil {
			t.Fatal(err)
		}
		if s.negative != c.neg || s.positive != c.pos {
			t.Errorf("eigenvalues %v: %d negative, %d positive; want %d and %d", c.eig, s.negative, s.positive, c.neg, c.pos)
		}
	}
}

func TestHessPeak(t *testing.T) {
	for _, c := range []struct {
		f    func(float64) float64
		want float64
	}{
		{func(t float64) float64 { return t * (1 - t) }, 0.5},
		{func(t float64) float64 { return t * (1 - t) * (1 - t) }, 1.0 / 3},
		{func(t float64) float64 { return math.Sin(math.Pi * t * t) }, math.Sqrt(0.5)},
	} {
		if got := hessPeak(c.f); math.Abs(got-c.want) > 1e-7 {
			t.Errorf("peak at %.10f, want %.10f", got, c.want)
		}
	}
}

func TestHessSymLogScale(t *testing.T) {
	s := hessSymLog{1e-4}
	if got := s.Normalize(-1, 1, 0); math.Abs(got-0.5) > 1e-15 {
		t.Errorf("zero normalises to %g on a symmetric axis, want 0.5", got)
	}
	prev := -1.0
	for _, x := range []float64{-1, -1e-2, -1e-5, 0, 1e-5, 1e-2, 1} {
		got := s.Normalize(-1, 1, x)
		if got <= prev {
			t.Errorf("normalised values are not increasing at %g", x)
		}
		prev = got
	}
	for _, c := range []struct {
		x    float64
		k    int
		want string
	}{{1e-2, -2, "10⁻²"}, {-1e-2, -2, "−10⁻²"}, {1, 0, "1"}, {-1, 0, "−1"}, {1e2, 2, "10²"}} {
		if got := hessPowerLabel(c.x, c.k); got != c.want {
			t.Errorf("label of %g = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestHessTrainCappedRunsFollowTheFullPath(t *testing.T) {
	// The along-training figure relies on a run capped at k iterations
	// ending at the k-th iterate of the uncapped run.
	rng := rand.New(rand.NewPCG(1, 1))
	prob := newHessProblem(rng, 4, 40, 1e-3)
	start := prob.net.Init(rng)
	full, err := hessTrain(context.Background(), prob, start, 30)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 5, 12, 30} {
		res, err := hessTrain(context.Background(), prob, start, k)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := prob.Loss(res.Theta), full.Loss[k]; math.Abs(got-want) > 1e-12*want {
			t.Errorf("capped at %d: loss %.15g, uncapped history %.15g", k, got, want)
		}
	}
}

func TestHessianSpectrumDefaults(t *testing.T) {
	out := mustExecute(t, hessianSpectrum, nil)
	if v, _ := out.Value("params"); v.Number != 17 {
		t.Errorf("a 2-4-1 net has %v parameters, want 17", v.Number)
	}
	if v, _ := out.Value("trained-min"); v.Number < 1e-3 {
		t.Errorf("smallest trained eigenvalue %g is below the decay λ = 1e-3", v.Number)
	}
}

func TestHessianAlongTrainingDefaults(t *testing.T) {
	out := mustExecute(t, hessianAlongTraining, nil)
	if n, it := valueOf(t, out, "converged-iters"), valueOf(t, out, "iters"); n != it {
		t.Errorf("the figure stops after %g iterations, training after %g", it, n)
	}
	// Cut short, the figure no longer reaches convergence, and says so.
	short, err := lab.Execute(context.Background(), hessianAlongTraining.MustParse(map[string]string{"iters": "30"}), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range short.Checks {
		if c.Name == "whole-run" && c.Passed {
			t.Errorf("30 iterations drawn, yet the check passes: %s", c.Detail)
		}
	}
	s, _ := out.Value("start-negative")
	spec := mustExecute(t, hessianSpectrum, nil)
	s2, _ := spec.Value("start-negative")
	if s.Number != s2.Number {
		t.Errorf("the two experiments disagree about the start: %v and %v negative eigenvalues", s.Number, s2.Number)
	}
}

// hessDiag returns the diagonal matrix with the given entries.
func hessDiag(d []float64) *mat.SymDense {
	h := mat.NewSymDense(len(d), nil)
	for i, v := range d {
		h.SetSym(i, i, v)
	}
	return h
}

// TestWithoutDecayThereIsNoMinimum shows why the decay parameter starts
// above zero. With λ = 0 the network separates the data, training runs off
// towards infinite weights, and where L-BFGS stalls the Hessian has a
// negative eigenvalue that is real, not rounding a looser tolerance should
// hide: finite differences of the gradient along its eigenvector agree
// with it. With the smallest documented λ the minimum is a minimum.
func TestWithoutDecayThereIsNoMinimum(t *testing.T) {
	for _, c := range []struct {
		decay    float64
		negative bool
	}{{0, true}, {1e-5, false}} {
		rng := rand.New(rand.NewPCG(1, 0x9e3779b97f4a7c15))
		prob := newHessProblem(rng, 2, 8, c.decay)
		res, err := hessTrain(context.Background(), prob, prob.net.Init(rng), 3000)
		if err != nil {
			t.Fatal(err)
		}
		theta := res.Theta
		vals, vecs, err := nn.Eigen(prob.Hessian(theta))
		if err != nil {
			t.Fatal(err)
		}
		v := mat.Col(nil, 0, vecs)
		// vᵀ(∇L(θ + hv) − ∇L(θ − hv))/2h, the curvature along v.
		const h = 1e-3
		gp, gm := make([]float64, len(theta)), make([]float64, len(theta))
		plus, minus := make([]float64, len(theta)), make([]float64, len(theta))
		for i := range theta {
			plus[i], minus[i] = theta[i]+h*v[i], theta[i]-h*v[i]
		}
		prob.Grad(plus, gp)
		prob.Grad(minus, gm)
		fdCurv := 0.0
		for i := range v {
			fdCurv += v[i] * (gp[i] - gm[i]) / (2 * h)
		}
		if math.Abs(fdCurv-vals[0]) > 1e-3*math.Abs(vals[0]) {
			t.Errorf("λ = %g: smallest eigenvalue %g, but finite differences give curvature %g along its eigenvector", c.decay, vals[0], fdCurv)
		}
		if got := vals[0] < 0; got != c.negative {
			t.Errorf("λ = %g: smallest eigenvalue %g where training stops (loss %.3g); negative = %v, want %v",
				c.decay, vals[0], prob.Loss(theta), got, c.negative)
		}
	}
}
