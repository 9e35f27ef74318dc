package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestSymDecayedGradientMatchesFiniteDifferences(t *testing.T) {
	prob := newSymProblem(3, 20, 0.01)
	rng := rand.New(rand.NewPCG(7, 7))
	theta := nn.RandomDirection(rng, prob.net.NumParams())
	grad := make([]float64, len(theta))
	prob.loss.Grad(theta, grad)
	want := fd.Gradient(nil, prob.loss.Loss, theta, &fd.Settings{Formula: fd.Central})
	for i := range grad {
		if math.Abs(grad[i]-want[i]) > 1e-7*math.Max(1, math.Abs(want[i])) {
			t.Errorf("gradient entry %d: %g, finite differences %g", i, grad[i], want[i])
		}
	}
}

func TestSymIsotonicMSE(t *testing.T) {
	for _, c := range []struct {
		ys   []float64
		want float64
	}{
		{[]float64{1, 2, 3}, 0},                 // already increasing
		{[]float64{3, 1}, 1},                    // pooled to 2, 2
		{[]float64{1, 3, 2, 4}, 0.125},          // 3, 2 pooled to 2.5
		{[]float64{4, 3, 2, 1}, 5.0 / 4},        // all pooled to 2.5
		{[]float64{0, 2, 1, 1, 3}, 2.0 / 3 / 5}, // 2, 1, 1 pooled to 4/3
	} {
		if got := symIsotonicMSE(c.ys); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("isotonic MSE of %v = %g, want %g", c.ys, got, c.want)
		}
	}
	if got := symMonotoneBound([]float64{4, 3, 2, 1}); got != 0 {
		t.Errorf("a decreasing sequence has monotone bound %g, want 0", got)
	}
}

func TestSymMonotoneBoundHoldsForSingleUnits(t *testing.T) {
	// Every single tanh unit is monotone, so none can beat the bound.
	prob := newSymProblem(1, 40, 0)
	bound := symMonotoneBound(prob.ys)
	rng := rand.New(rand.NewPCG(3, 3))
	for range 200 {
		theta := nn.RandomDirection(rng, 4)
		if l := prob.loss.Loss(theta); l < bound {
			t.Fatalf("single unit %v has loss %g below the monotone bound %g", theta, l, bound)
		}
	}
}

func TestSymOrbitMeanAveragesUnits(t *testing.T) {
	for h := 2; h <= 5; h++ {
		net := nn.New([]int{1, h, 1}, []nn.Activation{nn.Tanh, nn.Linear})
		theta := nn.RandomDirection(rand.New(rand.NewPCG(uint64(h), 1)), net.NumParams())
		mean, count := symOrbitMean(net, theta)
		if count != symFactorial(h) {
			t.Errorf("h = %d: %d permutations, want %d", h, count, symFactorial(h))
		}
		// Unit i of the mean is the plain average of all units.
		var w, b, v float64
		for i := range h {
			w += net.W(theta, 0).At(i, 0) / float64(h)
			b += net.B(theta, 0)[i] / float64(h)
			v += net.W(theta, 1).At(0, i) / float64(h)
		}
		for i := range h {
			if math.Abs(net.W(mean, 0).At(i, 0)-w) > 1e-13 || math.Abs(net.B(mean, 0)[i]-b) > 1e-13 || math.Abs(net.W(mean, 1).At(0, i)-v) > 1e-13 {
				t.Errorf("h = %d: unit %d of the orbit mean is not the average unit", h, i)
			}
		}
		if s := symUnitSpread(net, mean); s > 1e-13 {
			t.Errorf("h = %d: unit spread %g", h, s)
		}
	}
}

func TestSymDerangementAndInverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 2; n <= 8; n++ {
		p := symDerangement(rng, n)
		for i, v := range p {
			if i == v {
				t.Errorf("derangement %v fixes %d", p, i)
			}
		}
		q := symInverse(p)
		for i := range p {
			if q[p[i]] != i {
				t.Errorf("%v is not the inverse of %v", q, p)
			}
		}
	}
	if got := symPermText([]int{2, 0, 1}); got != "(3, 1, 2)" {
		t.Errorf("symPermText = %q", got)
	}
}

func TestSymCanonicalSignsKeepsTheFunction(t *testing.T) {
	prob := newSymProblem(5, 20, 0)
	theta := nn.RandomDirection(rand.New(rand.NewPCG(5, 5)), prob.net.NumParams())
	c := symCanonicalSigns(prob.net, theta)
	if d := symMaxOutputDiff(prob.net, theta, c, prob.xs); d > 1e-14 {
		t.Errorf("sign normalisation changed the outputs by %g", d)
	}
	for i := range 5 {
		if prob.net.W(c, 1).At(0, i) < 0 {
			t.Errorf("unit %d still has a negative outgoing weight", i)
		}
	}
}

func TestSymSegmentBarrier(t *testing.T) {
	// f(θ) = (θ² − 1)² has minima at ±1 and the value 1 between them.
	_, ls, barrier := symSegment(symWell{}, []float64{-1}, []float64{1}, 200)
	if math.Abs(barrier-1) > 1e-15 || ls[100] != 1 {
		t.Errorf("barrier of the double well %g, midpoint %g; want 1", barrier, ls[100])
	}
}

// symWell is (θ² − 1)², for segment tests.
type symWell struct{}

func (symWell) Dim() int { return 1 }
func (symWell) Loss(th []float64) float64 {
	return (th[0]*th[0] - 1) * (th[0]*th[0] - 1)
}
func (w symWell) Grad(th, g []float64) float64 {
	g[0] = 4 * th[0] * (th[0]*th[0] - 1)
	return w.Loss(th)
}

func TestPermutationBarrierDefaults(t *testing.T) {
	out := mustExecute(t, permutationBarrier, nil)
	if v, _ := out.Value("copies"); v.Number != 24 {
		t.Errorf("copies = %v, want 4! = 24", v.Number)
	}
	b, _ := out.Value("barrier")
	e, _ := out.Value("loss-end")
	if b.Number < 100*e.Number {
		t.Errorf("barrier %g is not far above the end loss %g", b.Number, e.Number)
	}
}

func TestWeightMatchingDefaults(t *testing.T) {
	out := mustExecute(t, weightMatching, nil)
	if v, _ := out.Value("distance-after"); v.Number != 0 {
		t.Errorf("the aligned copy is %g away from the original, want 0", v.Number)
	}
	out = mustExecute(t, weightMatching, map[string]string{"partner": "independent", "pairs": "4"})
	if v, _ := out.Value("pairs-same"); v.Number < 1 {
		t.Errorf("no further pair of runs reached the same minimum")
	}
}

func TestWeightMatchingRecoversEveryPermutation(t *testing.T) {
	prob := newSymProblem(4, 20, 1e-3)
	theta := nn.RandomDirection(rand.New(rand.NewPCG(9, 9)), prob.net.NumParams())
	for perm := range nn.Permutations(4) {
		b := prob.net.Permute(theta, 0, perm)
		if got := prob.net.Match(theta, b)[0]; !slices.Equal(got, symInverse(perm)) {
			t.Errorf("applied %v, matched %v, want %v", perm, got, symInverse(perm))
		}
	}
}

func TestOrbitAverageDefaults(t *testing.T) {
	out := mustExecute(t, orbitAverage, nil)
	if v, _ := out.Value("copies"); v.Number != 24 {
		t.Errorf("copies = %v, want 24", v.Number)
	}
	out = mustExecute(t, orbitAverage, map[string]string{"hidden": "3", "seed": "2"})
	if v, _ := out.Value("copies"); v.Number != 6 {
		t.Errorf("copies = %v, want 6", v.Number)
	}
}
