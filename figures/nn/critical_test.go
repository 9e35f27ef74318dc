package nn_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// doubleWell is f(x, y) = (x² − 1)² + y², with minima at (±1, 0) and a
// saddle at the origin (Hessian diag(−4, 2)): a function whose critical
// points are all known.
type doubleWell struct{}

func (doubleWell) Dim() int { return 2 }

func (doubleWell) Loss(p []float64) float64 {
	u := p[0]*p[0] - 1
	return u*u + p[1]*p[1]
}

func (d doubleWell) Grad(p, g []float64) float64 {
	g[0] = 4 * p[0] * (p[0]*p[0] - 1)
	g[1] = 2 * p[1]
	return d.Loss(p)
}

func (doubleWell) Hessian(p []float64) *mat.SymDense {
	return mat.NewSymDense(2, []float64{12*p[0]*p[0] - 4, 0, 0, 2})
}

func TestFindCriticalConvergesToSaddlesAndMinima(t *testing.T) {
	for _, tc := range []struct {
		start []float64
		want  []float64
	}{
		{[]float64{0.2, 0.3}, []float64{0, 0}}, // the saddle, which gradient descent would leave
		{[]float64{-0.3, -1}, []float64{0, 0}},
		{[]float64{0.9, 0.5}, []float64{1, 0}},
		{[]float64{-1.4, 2}, []float64{-1, 0}},
	} {
		c, err := nn.FindCritical(context.Background(), doubleWell{}, tc.start, nn.CriticalConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if c.GradNorm > 1e-12 || math.Hypot(c.Theta[0]-tc.want[0], c.Theta[1]-tc.want[1]) > 1e-12 {
			t.Errorf("from %v: ended at %v with ‖∇f‖ = %g after %d iterations, want %v", tc.start, c.Theta, c.GradNorm, c.Iters, tc.want)
		}
		if c.Loss != (doubleWell{}).Loss(c.Theta) {
			t.Errorf("from %v: reported loss %g, not the loss at the reported point", tc.start, c.Loss)
		}
	}
}

func TestFindCriticalOnNetworkLoss(t *testing.T) {
	// Every search on a small tanh network with weight decay must end at a
	// genuine critical point or report that it did not: GradNorm is the
	// true gradient norm at Theta.
	rng := rand.New(rand.NewPCG(3, 4))
	net := nn.New([]int{1, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	f := &nn.Decayed{Objective: nn.NewObjective(net, nn.Square, randData(rng, net, nn.Square, 10)), Lambda: 0.01}
	found := 0
	for range 10 {
		c, err := nn.FindCritical(context.Background(), f, randTheta(rng, net), nn.CriticalConfig{MaxIters: 80})
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, len(c.Theta))
		f.Grad(c.Theta, g)
		if got := math.Sqrt(dot(g, g)); math.Abs(got-c.GradNorm) > 1e-12*got {
			t.Errorf("reported ‖∇f‖ = %g, recomputed %g", c.GradNorm, got)
		}
		if c.GradNorm <= 1e-12 {
			found++
		}
	}
	if found < 5 {
		t.Errorf("only %d of 10 searches reached a critical point", found)
	}
}

func TestFindCriticalStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := nn.FindCritical(ctx, doubleWell{}, []float64{0.5, 0.5}, nn.CriticalConfig{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want one wrapping context.Canceled", err)
	}
}

func TestDecayedMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	net := nn.New([]int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	obj := nn.NewObjective(net, nn.Logistic, randData(rng, net, nn.Logistic, 8))
	f := &nn.Decayed{Objective: obj, Lambda: 0.3}
	theta := randTheta(rng, net)
	n := len(theta)
	if want := obj.Loss(theta) + 0.15*dot(theta, theta); math.Abs(f.Loss(theta)-want) > 1e-14 {
		t.Errorf("loss %g, want f + (λ/2)‖θ‖² = %g", f.Loss(theta), want)
	}
	grad := make([]float64, n)
	if l := f.Grad(theta, grad); l != f.Loss(theta) {
		t.Errorf("Grad returned loss %g, Loss says %g", l, f.Loss(theta))
	}
	if d := maxRelDiff(grad, fd.Gradient(nil, f.Loss, theta, &fd.Settings{Formula: fd.Central})); d > 1e-7 {
		t.Errorf("gradient differs from finite differences by %g", d)
	}
	jac := mat.NewDense(n, n, nil)
	fd.Jacobian(jac, func(g, x []float64) { f.Grad(x, g) }, theta, &fd.JacobianSettings{Formula: fd.Central})
	h := f.Hessian(theta)
	for i := range n {
		if d := maxRelDiff(mat.Row(nil, i, h), mat.Row(nil, i, jac)); d > 1e-6 {
			t.Errorf("Hessian row %d differs from finite differences by %g", i, d)
		}
	}
}

func TestInertia(t *testing.T) {
	for _, tc := range []struct {
		eig            []float64
		neg, zero, pos int
	}{
		{[]float64{-2, 0, 3}, 1, 1, 1},
		{[]float64{-1e-12, 1e-12, 1}, 0, 2, 1}, // rounding-sized values count as zero
		{[]float64{-1e-6, 1e-6, 1}, 1, 0, 2},   // above the tolerance they count
		{[]float64{-4, -3, -2, -1}, 4, 0, 0},
		{[]float64{0, 0}, 0, 2, 0}, // all zero: no scale, no sign
	} {
		neg, zero, pos := nn.Inertia(tc.eig, 1e-9)
		if neg != tc.neg || zero != tc.zero || pos != tc.pos {
			t.Errorf("Inertia(%v) = %d, %d, %d; want %d, %d, %d", tc.eig, neg, zero, pos, tc.neg, tc.zero, tc.pos)
		}
	}
}

// wrongHessian is doubleWell with its Hessian off by a constant.
type wrongHessian struct{ doubleWell }

func (w wrongHessian) Hessian(p []float64) *mat.SymDense {
	h := w.doubleWell.Hessian(p)
	h.SetSym(0, 1, 0.5)
	return h
}

func TestHessianError(t *testing.T) {
	p := []float64{0.7, -0.3}
	if e := nn.HessianError(doubleWell{}, p); e > 1e-8 {
		t.Errorf("exact Hessian: error %g, want rounding-sized", e)
	}
	if e := nn.HessianError(wrongHessian{}, p); e < 0.1 {
		t.Errorf("wrong Hessian: error %g, want it caught", e)
	}
}
