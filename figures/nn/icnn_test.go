package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// randICNN returns random weights for c; with signed set, the Wᶻ entries
// take both signs, otherwise they are non-negative.
func randICNN(rng *rand.Rand, c *nn.ICNN, signed bool) []float64 {
	theta := make([]float64, c.NumParams())
	for i, con := range c.Constrained() {
		theta[i] = rng.NormFloat64()
		if con && !signed {
			theta[i] = math.Abs(theta[i])
		}
	}
	return theta
}

func icnnData(rng *rand.Rand, n, in int) ([][]float64, []float64) {
	var X [][]float64
	var Y []float64
	for range n {
		x := make([]float64, in)
		for j := range x {
			x[j] = rng.NormFloat64()
		}
		X = append(X, x)
		Y = append(Y, rng.NormFloat64())
	}
	return X, Y
}

func TestICNNLayout(t *testing.T) {
	c := nn.NewICNN(2, []int{3, 4}, false)
	// Layer 0: Wʸ 3×2 + b 3; layer 1: Wᶻ 4×3 + Wʸ 4×2 + b 4; output:
	// Wᶻ 1×4 + Wʸ 1×2 + b 1.
	if got, want := c.NumParams(), 9+24+7; got != want {
		t.Fatalf("%d parameters, want %d", got, want)
	}
	constrained := 0
	for _, con := range c.Constrained() {
		if con {
			constrained++
		}
	}
	if constrained != 12+4 {
		t.Errorf("%d constrained weights, want 16", constrained)
	}
	// Every index is used exactly once.
	seen := map[int]bool{}
	mark := func(i int) {
		if seen[i] {
			t.Errorf("index %d used twice", i)
		}
		seen[i] = true
	}
	for l, w := range []int{3, 4, 1} {
		for i := range w {
			mark(c.B(l, i))
			for j := range 2 {
				mark(c.WY(l, i, j))
			}
			if l > 0 {
				for j := range []int{3, 4, 1}[l-1] {
					mark(c.WZ(l, i, j))
				}
			}
		}
	}
	if len(seen) != c.NumParams() {
		t.Errorf("%d indices used of %d", len(seen), c.NumParams())
	}
}

func TestICNNForwardByHand(t *testing.T) {
	// One hidden layer of one ReLU unit: f(x) = wz·relu(a·x + b) + wy·x + c.
	c := nn.NewICNN(1, []int{1}, false)
	theta := make([]float64, c.NumParams())
	theta[c.WY(0, 0, 0)], theta[c.B(0, 0)] = 2, -1
	theta[c.WZ(1, 0, 0)], theta[c.WY(1, 0, 0)], theta[c.B(1, 0)] = 3, -0.5, 0.25
	for _, x := range []float64{-2, 0.3, 0.5, 1.7} {
		want := 3*math.Max(2*x-1, 0) - 0.5*x + 0.25
		if got := c.Forward(theta, []float64{x}); math.Abs(got-want) > 1e-15 {
			t.Errorf("f(%g) = %g, want %g", x, got, want)
		}
	}
}

func TestICNNGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, softplus := range []bool{true, false} {
		c := nn.NewICNN(2, []int{4, 3}, softplus)
		X, Y := icnnData(rng, 7, 2)
		f := nn.NewICNNFit(c, X, Y)
		theta := randICNN(rng, c, true)
		grad := make([]float64, len(theta))
		loss := f.Grad(theta, grad)
		if want := f.Loss(theta); math.Abs(loss-want) > 1e-14*want {
			t.Errorf("softplus %v: Grad's loss %g, Loss %g", softplus, loss, want)
		}
		// Loss agrees with Forward.
		want := 0.0
		for i, x := range X {
			d := c.Forward(theta, x) - Y[i]
			want += d * d / float64(len(X))
		}
		if math.Abs(loss-want) > 1e-14*want {
			t.Errorf("softplus %v: loss %g, by Forward %g", softplus, loss, want)
		}
		num := fd.Gradient(nil, f.Loss, theta, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		if d := maxRelDiff(grad, num); d > 1e-6 {
			t.Errorf("softplus %v: gradient differs from central differences by %g", softplus, d)
		}
	}
}

func TestICNNIsConvexInItsInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := nn.NewICNN(2, []int{6, 6}, true)
	violated := func(theta []float64) bool {
		// The Hessian in x, by finite differences, at random inputs.
		for range 50 {
			x := []float64{2 * rng.NormFloat64(), 2 * rng.NormFloat64()}
			h := mat.NewSymDense(2, nil)
			fd.Hessian(h, func(x []float64) float64 { return c.Forward(theta, x) }, x, &fd.Settings{Step: 1e-3})
			var eig mat.EigenSym
			if !eig.Factorize(h, false) {
				t.Fatal("eigen decomposition failed")
			}
			if eig.Values(nil)[0] < -1e-5 {
				return true
			}
		}
		return false
	}
	for range 10 {
		if violated(randICNN(rng, c, false)) {
			t.Fatal("a softplus ICNN has an input Hessian with a negative eigenvalue")
		}
	}
	// With Wᶻ of both signs, the same architecture is not convex in x.
	found := false
	for range 10 {
		found = found || violated(randICNN(rng, c, true))
	}
	if !found {
		t.Error("no signed network out of 10 showed negative curvature in its input")
	}
}

func TestICNNPermuteUnitsKeepsTheFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c := nn.NewICNN(2, []int{5, 4}, false)
	theta := randICNN(rng, c, false)
	for _, swap := range [][3]int{{0, 1, 3}, {1, 0, 2}} {
		p := c.PermuteUnits(theta, swap[0], swap[1], swap[2])
		for range 20 {
			x := []float64{rng.NormFloat64(), rng.NormFloat64()}
			if d := math.Abs(c.Forward(p, x) - c.Forward(theta, x)); d > 1e-13 {
				t.Errorf("swap %v changes f by %g", swap, d)
			}
		}
		for i, con := range c.Constrained() {
			if con && p[i] < 0 {
				t.Errorf("swap %v made constrained weight %d negative", swap, i)
			}
		}
	}
}

func TestICNNProject(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := nn.NewICNN(3, []int{4}, true)
	theta := randICNN(rng, c, true)
	p := c.Project(append([]float64(nil), theta...))
	for i, con := range c.Constrained() {
		switch {
		case con && p[i] != math.Max(theta[i], 0):
			t.Errorf("constrained weight %d: %g projected to %g", i, theta[i], p[i])
		case !con && p[i] != theta[i]:
			t.Errorf("free weight %d changed from %g to %g", i, theta[i], p[i])
		}
	}
}
