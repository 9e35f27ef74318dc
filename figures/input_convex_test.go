package figures

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestInputConvex(t *testing.T) {
	mustDraw(t, inputConvex, nil)
	mustDraw(t, inputConvex, map[string]string{"activation": "softplus"})
}

func TestInputConvexExtremes(t *testing.T) {
	for _, params := range []map[string]string{
		{"hidden": "2", "pairs": "100", "points": "10", "steps": "500"},
		{"hidden": "16", "pairs": "10000", "points": "80", "steps": "4000", "activation": "softplus"},
		{"hidden": "3", "seed": "4"},
	} {
		mustDraw(t, inputConvex, params)
	}
}

func TestMidpointGaps(t *testing.T) {
	// A network with no hidden unit that counts: f(x) = relu(x₁) through
	// one unit, so the gap is (relu(a) + relu(b))/2 − relu((a + b)/2).
	c := nn.NewICNN(1, []int{1}, false)
	theta := make([]float64, c.NumParams())
	theta[c.WY(0, 0, 0)] = 1
	theta[c.WZ(1, 0, 0)] = 1
	pairs := [][2][]float64{{{-1}, {3}}, {{1}, {2}}, {{-2}, {-1}}}
	want := []float64{(0 + 3.0) / 2 / 1, 0, 0} // (f(a)+f(b))/2 − f(m), over the size
	// For the first pair: f = 0, 3 and f(1) = 1: gap 0.5, size 1.5 + 1.
	want[0] = 0.5 / 2.5
	got := midpointGaps(c, theta, pairs)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 && !(i == 2 && math.IsNaN(got[i])) {
			t.Errorf("pair %d: gap %g, want %g", i, got[i], want[i])
		}
	}
	if countViolations([]float64{0, -1e-10, -1e-8, 1}) != 1 {
		t.Error("only gaps below −10⁻⁹ are violations")
	}
}

func TestICNNTrainKeepsConstraints(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	c := nn.NewICNN(2, []int{4, 4}, false)
	var X [][]float64
	var Y []float64
	for range 20 {
		x := []float64{rng.NormFloat64(), rng.NormFloat64()}
		X, Y = append(X, x), append(Y, x[0]*x[0]+x[1]*x[1])
	}
	fit := nn.NewICNNFit(c, X, Y)
	start := icnnInit(rng, c)
	trained, err := icnnTrain(t.Context(), fit, start, 500)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := fit.Loss(start), fit.Loss(trained); !(b < a/4) {
		t.Errorf("training took the loss from %g only to %g", a, b)
	}
	for i, con := range c.Constrained() {
		if con && trained[i] < 0 {
			t.Errorf("weight %d is %g after projected training", i, trained[i])
		}
	}
}
