package nn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestBarrier(t *testing.T) {
	for _, c := range []struct {
		name   string
		ls     []float64
		height float64
		at     int
	}{
		{"convex", []float64{1, 0.25, 0, 0.25, 1}, 0, 0},
		{"flat", []float64{2, 2, 2}, 0, 0},
		{"bump", []float64{0, 1, 0}, 1, 1},
		{"tilted chord", []float64{0, 1.5, 3, 3, 4}, 1, 2},
		{"below a tilted chord", []float64{0, 0.5, 1, 2, 4}, 0, 0},
	} {
		ts := make([]float64, len(c.ls))
		for i := range ts {
			ts[i] = float64(i) / float64(len(ts)-1)
		}
		h, at := nn.Barrier(ts, c.ls)
		if math.Abs(h-c.height) > 1e-15 || at != c.at {
			t.Errorf("%s: barrier %g at %d, want %g at %d", c.name, h, at, c.height, c.at)
		}
	}
}

func TestAlongTheCounterexampleSegment(t *testing.T) {
	// Between the 2-ReLU counterexample and its hidden-unit swap the loss is
	// 16t²(1−t)², so the barrier is 1, in the middle.
	_, obj, a, b := counterexample()
	ts, ls := nn.Along(obj, 10, func(dst []float64, t float64) { nn.InterpolateTo(dst, a, b, t) })
	for i, l := range ls {
		closeTo(t, "L(t)", l, 16*ts[i]*ts[i]*(1-ts[i])*(1-ts[i]), 1e-14)
	}
	if h, at := nn.Barrier(ts, ls); h != 1 || ts[at] != 0.5 {
		t.Errorf("barrier %g at t = %g, want 1 at 0.5", h, ts[at])
	}
}

func TestBezierEndsAndMiddle(t *testing.T) {
	a, m, b := []float64{1, 2}, []float64{5, -3}, []float64{-1, 0}
	if got := nn.Bezier(a, m, b, 0); !vecEqual(got, a) {
		t.Errorf("φ(0) = %v, want %v", got, a)
	}
	if got := nn.Bezier(a, m, b, 1); !vecEqual(got, b) {
		t.Errorf("φ(1) = %v, want %v", got, b)
	}
	// Halfway between m and the segment's midpoint (0, 1).
	if got, want := nn.Bezier(a, m, b, 0.5), []float64{2.5, -1}; maxRelDiff(got, want) > 1e-15 {
		t.Errorf("φ(1/2) = %v, want %v", got, want)
	}
	// With m on the segment's midpoint the curve is the segment.
	mid := nn.Interpolate(a, b, 0.5)
	for _, s := range []float64{0.1, 0.3, 0.77} {
		if got, want := nn.Bezier(a, mid, b, s), nn.Interpolate(a, b, s); maxRelDiff(got, want) > 1e-15 {
			t.Errorf("φ(%g) = %v with a straight control point, want %v", s, got, want)
		}
	}
}

// quadratic is L(θ) = ½‖θ − c‖², whose curve loss has a closed-form minimiser.
type quadratic struct{ c []float64 }

func (q quadratic) Dim() int { return len(q.c) }
func (q quadratic) Loss(th []float64) float64 {
	s := 0.0
	for i := range th {
		s += (th[i] - q.c[i]) * (th[i] - q.c[i])
	}
	return s / 2
}
func (q quadratic) Grad(th, g []float64) float64 {
	for i := range th {
		g[i] = th[i] - q.c[i]
	}
	return q.Loss(th)
}

func TestCurveLossOfAQuadraticHasItsClosedFormMinimiser(t *testing.T) {
	// d/dm ∫ ½‖φ_m(t) − c‖² dt = 0 with ∫t²(1−t)² = 1/30, ∫t(1−t) = 1/6 and
	// ∫t(1−t)³ = ∫t³(1−t) = 1/20 gives m = 5c/2 − 3(a + b)/4. The integrand
	// of the gradient is a polynomial of degree 6 in t, which 4 nodes
	// integrate exactly.
	a, b, c := []float64{1, 0, -2}, []float64{-1, 3, 0}, []float64{0.5, 0.5, 4}
	curve := nn.NewCurveLoss(quadratic{c}, a, b, 4)
	res, err := nn.LBFGS(context.Background(), curve, nn.Interpolate(a, b, 0.5), nn.LBFGSConfig{})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 3)
	for i := range want {
		want[i] = 2.5*c[i] - 0.75*(a[i]+b[i])
	}
	if d := maxRelDiff(res.Theta, want); d > 1e-9 {
		t.Errorf("minimiser %v, want %v (difference %.2g)", res.Theta, want, d)
	}
}

func TestCurveLossGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	net := nn.New([]int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	obj := nn.NewObjective(net, nn.Square, randData(rng, net, nn.Square, 7))
	a, b, m := randTheta(rng, net), randTheta(rng, net), randTheta(rng, net)
	curve := nn.NewCurveLoss(obj, a, b, 12)
	got := make([]float64, len(m))
	value := curve.Grad(m, got)
	if l := curve.Loss(m); l != value {
		t.Errorf("Grad returned %g, Loss %g", value, l)
	}
	want := fd.Gradient(nil, curve.Loss, m, &fd.Settings{Formula: fd.Central})
	if d := maxRelDiff(got, want); d > 1e-7 {
		t.Errorf("gradient differs from central differences by %.2g", d)
	}
	// A rule of one node puts all weight at t = ½.
	one := nn.NewCurveLoss(obj, a, b, 1)
	if got, want := one.Loss(m), obj.Loss(nn.Bezier(a, m, b, 0.5)); math.Abs(got-want) > 1e-15 {
		t.Errorf("one-node curve loss %g, want L(φ(½)) = %g", got, want)
	}
}
