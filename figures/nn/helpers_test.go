package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// randData returns n random examples for net: inputs N(0, 1), targets to
// suit the loss.
func randData(rng *rand.Rand, net *nn.Net, loss nn.Loss, n int) nn.Data {
	X := mat.NewDense(n, net.In(), nil)
	for i := range n {
		for j := range net.In() {
			X.Set(i, j, rng.NormFloat64())
		}
	}
	var Y *mat.Dense
	switch loss {
	case nn.Square:
		Y = mat.NewDense(n, net.Out(), nil)
		for i := range n {
			for j := range net.Out() {
				Y.Set(i, j, rng.NormFloat64())
			}
		}
	case nn.Logistic:
		Y = mat.NewDense(n, 1, nil)
		for i := range n {
			Y.Set(i, 0, float64(rng.IntN(2)))
		}
	case nn.SoftmaxCE:
		Y = mat.NewDense(n, 1, nil)
		for i := range n {
			Y.Set(i, 0, float64(rng.IntN(net.Out())))
		}
	}
	return nn.Data{X: X, Y: Y}
}

// randTheta returns a parameter vector with every entry, biases included,
// random, so that no derivative term is zero by accident.
func randTheta(rng *rand.Rand, net *nn.Net) []float64 {
	theta := nn.RandomDirection(rng, net.NumParams())
	for i := range theta {
		theta[i] *= 0.8
	}
	return theta
}

// maxRelDiff returns max_i |got_i - want_i| / max(1, max_i |want_i|).
func maxRelDiff(got, want []float64) float64 {
	if len(got) != len(want) {
		panic(fmt.Sprintf("lengths %d and %d", len(got), len(want)))
	}
	scale, d := 1.0, 0.0
	for i := range want {
		scale = max(scale, math.Abs(want[i]))
		d = max(d, math.Abs(got[i]-want[i]))
	}
	return d / scale
}

func closeTo(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.17g, want %.17g (tolerance %g)", what, got, want, tol)
	}
}

func vecEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// archCase is one architecture/loss pair under test.
type archCase struct {
	name string
	net  *nn.Net
	loss nn.Loss
}

// archCases covers every activation with every loss it can feed, on several
// shapes, with and without biases.
func archCases() []archCase {
	var cs []archCase
	for _, act := range []nn.Activation{nn.Linear, nn.Tanh, nn.ReLU, nn.Sigmoid} {
		nets := []struct {
			net    *nn.Net
			losses []nn.Loss
		}{
			{nn.New([]int{1, 2, 1}, []nn.Activation{act, nn.Linear}), []nn.Loss{nn.Square, nn.Logistic}},
			{nn.New([]int{2, 5, 3, 1}, []nn.Activation{act, act, nn.Linear}), []nn.Loss{nn.Square, nn.Logistic}},
			{nn.New([]int{3, 4, 4, 3}, []nn.Activation{act, act, nn.Linear}), []nn.Loss{nn.Square, nn.SoftmaxCE}},
			{nn.NewBiasFree([]int{2, 4, 3}, []nn.Activation{act, nn.Linear}), []nn.Loss{nn.Square, nn.SoftmaxCE}},
			// A nonlinear output layer exercises a'' at the top.
			{nn.New([]int{2, 3, 2}, []nn.Activation{nn.Tanh, act}), []nn.Loss{nn.Square, nn.SoftmaxCE}},
		}
		for _, n := range nets {
			for _, l := range n.losses {
				cs = append(cs, archCase{fmt.Sprintf("%v/%v", n.net, l), n.net, l})
			}
		}
	}
	return cs
}
