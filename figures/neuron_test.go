package figures

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestNeuronData(t *testing.T) {
	xs, ys := neuronData(4, 100)
	if !slices.Equal(xs, []float64{1e6, 1e4, 100, 1}) || !slices.Equal(ys, []float64{1, 0, 1, 0}) {
		t.Errorf("examples %v, labels %v", xs, ys)
	}
}

func TestNeuronLossMatchesTheToolkit(t *testing.T) {
	// The toolkit's mean loss of a bias-free 1-1 net is the neuron's summed
	// loss divided by the number of examples; its exact Hessian is L″/n.
	xs, ys := neuronData(4, 10)
	X, Y := mat.NewDense(4, 1, slices.Clone(xs)), mat.NewDense(4, 1, slices.Clone(ys))
	for _, c := range []struct {
		l   neuronLoss
		obj *nn.Objective
	}{
		{neuronLoss{xs, ys, true}, nn.NewObjective(nn.NewBiasFree([]int{1, 1}, []nn.Activation{nn.Sigmoid}), nn.Square, nn.Data{X: X, Y: Y})},
		{neuronLoss{xs, ys, false}, nn.NewObjective(nn.NewBiasFree([]int{1, 1}, []nn.Activation{nn.Linear}), nn.Logistic, nn.Data{X: X, Y: Y})},
	} {
		for _, w := range []float64{-0.3, -1e-3, 0, 2e-3, 0.05, 0.7} {
			v, d1, d2 := c.l.at(w)
			g, hv := make([]float64, 1), make([]float64, 1)
			want := c.obj.Grad([]float64{w}, g)
			c.obj.HessianVec([]float64{w}, []float64{1}, hv)
			for _, p := range [][2]float64{{v / 4, want}, {d1 / 4, g[0]}, {d2 / 4, hv[0]}} {
				if math.Abs(p[0]-p[1]) > 1e-12*math.Max(1, math.Abs(p[1])) {
					t.Errorf("square=%v, w = %g: %g, toolkit %g", c.l.square, w, p[0], p[1])
				}
			}
			// And the derivatives against finite differences of the value.
			f := func(w float64) float64 { v, _, _ := c.l.at(w); return v }
			if num := fd.Derivative(f, w, &fd.Settings{Formula: fd.Central, Step: 1e-6}); math.Abs(num-d1) > 1e-5*math.Max(1, math.Abs(d1)) {
				t.Errorf("square=%v, w = %g: slope %g, finite differences %g", c.l.square, w, d1, num)
			}
		}
	}
}

func TestNeuronMinimaOfAKnownFunction(t *testing.T) {
	// One example (x = 1, y = 1) under cross-entropy has no minimum on any
	// finite grid (the loss falls for ever); with the label 0 added at
	// x = 1 as well, the minimum is at w = 0 exactly.
	ws := neuronGrid(-6, 2, 401)
	if got := neuronMinima(neuronLoss{[]float64{1}, []float64{1}, false}, ws); len(got) != 0 {
		t.Errorf("a falling loss has minima %v", got)
	}
	got := neuronMinima(neuronLoss{[]float64{1, 1}, []float64{1, 0}, false}, ws)
	if len(got) != 1 || math.Abs(got[0].w) > 1e-12 {
		t.Errorf("minima %v, want one at 0", got)
	}
}

func TestNeuronBend(t *testing.T) {
	if b := neuronBend(); math.Abs(b-math.Ln2) > 1e-14 {
		t.Errorf("bend at %.17g, want ln 2", b)
	}
	// The closed form of g″ for g = σ², against finite differences.
	g := func(z float64) float64 { s := nn.Sigmoid.Eval(z); return s * s }
	for _, z := range []float64{-2, 0, math.Ln2, 2} {
		s := nn.Sigmoid.Eval(z)
		want := 2 * s * s * (1 - s) * (2 - 3*s)
		if num := fd.Derivative(g, z, &fd.Settings{Formula: fd.Central2nd, Step: 1e-4}); math.Abs(num-want) > 1e-6 {
			t.Errorf("g″(%g) = %g, finite differences %g", z, want, num)
		}
	}
}

func TestSingleNeuronDefaults(t *testing.T) {
	out := mustDraw(t, singleNeuron, nil)
	if got := valueOf(t, out, "minima-square"); got != 3 {
		t.Errorf("%g square-loss minima, want 3", got)
	}
	if got := valueOf(t, out, "minima-ce"); got != 1 {
		t.Errorf("%g cross-entropy minima, want 1", got)
	}
}

func TestSingleNeuronExtremes(t *testing.T) {
	for _, given := range []map[string]string{
		{"examples": "3", "ratio": "30", "points": "201"},
		{"examples": "6", "ratio": "300", "points": "20001"},
	} {
		if _, _, err := execute(singleNeuron.MustParse(given)); err != nil {
			t.Errorf("%v: %v", given, err)
		}
	}
}

func TestNeuronDownhill(t *testing.T) {
	// Cross-entropy on (1, 1), (1, 0) has its one minimum at w = 0: from
	// either side, descent ends there.
	ws := neuronGrid(-6, 2, 401)
	l := neuronLoss{[]float64{1, 1}, []float64{1, 0}, false}
	for _, w0 := range []float64{-3, -1e-4, 2e-3, 7} {
		if end := neuronDownhill(l, ws, w0); math.Abs(end) > 1e-12 {
			t.Errorf("from %g: ended at %g, want 0", w0, end)
		}
	}
	// One example with label 1: the loss falls for ever as w grows.
	if end := neuronDownhill(neuronLoss{[]float64{1}, []float64{1}, false}, ws, 0.5); !math.IsInf(end, 1) {
		t.Errorf("a loss falling for ever: descent ended at %g", end)
	}
}
