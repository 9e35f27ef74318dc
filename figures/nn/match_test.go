package nn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/nonconvex/explainer/figures/nn"
)

// similarity is the weight-matching objective of hidden layer 0 of a
// one-hidden-layer net: the sum of the inner products of each unit's
// incoming weights, bias and outgoing weights.
func similarity(net *nn.Net, a, b []float64) float64 {
	s := floats.Dot(net.W(a, 0).RawMatrix().Data, net.W(b, 0).RawMatrix().Data)
	s += floats.Dot(net.B(a, 0), net.B(b, 0))
	s += floats.Dot(net.W(a, 1).RawMatrix().Data, net.W(b, 1).RawMatrix().Data)
	return s
}

func TestMatchRecoversPermutation(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 0))
	for _, net := range []*nn.Net{
		nn.New([]int{3, 7, 2}, []nn.Activation{nn.Tanh, nn.Linear}),
		nn.New([]int{1, 2, 1}, []nn.Activation{nn.ReLU, nn.Linear}),
		nn.New([]int{4, 40, 3}, []nn.Activation{nn.ReLU, nn.Linear}),
		nn.New([]int{3, 6, 5, 8, 2}, []nn.Activation{nn.ReLU, nn.ReLU, nn.ReLU, nn.Linear}),
		nn.NewBiasFree([]int{2, 9, 9, 1}, []nn.Activation{nn.Tanh, nn.Tanh, nn.Linear}),
	} {
		for trial := range 5 {
			a := net.Init(rng)
			if net.HasBias() {
				for l := range net.Layers() {
					for i := range net.B(a, l) {
						net.B(a, l)[i] = 0.1 * rng.NormFloat64()
					}
				}
			}
			sizes := net.Sizes()
			perms := make([][]int, net.Layers()-1)
			for l := range perms {
				perms[l] = rng.Perm(sizes[l+1])
			}
			b := net.PermuteAll(a, perms)
			got := net.Match(a, b)
			if aligned := net.PermuteAll(b, got); !vecEqual(aligned, a) {
				t.Errorf("%v trial %d: matching did not undo %v, got %v", net, trial, perms, got)
			}
		}
	}
}

func TestMatchIsOptimalForOneHiddenLayer(t *testing.T) {
	// For independent networks there is no planted answer, so compare with
	// the best of all 6! orderings.
	rng := rand.New(rand.NewPCG(11, 0))
	net := nn.New([]int{2, 6, 3}, []nn.Activation{nn.ReLU, nn.Linear})
	for range 10 {
		a, b := randTheta(rng, net), randTheta(rng, net)
		got := similarity(net, a, net.PermuteAll(b, net.Match(a, b)))
		best := math.Inf(-1)
		for p := range nn.Permutations(6) {
			best = max(best, similarity(net, a, net.Permute(b, 0, p)))
		}
		if got < best-1e-12 {
			t.Errorf("matched similarity %g, best %g", got, best)
		}
	}
}

func TestMatchIdenticalIsIdentity(t *testing.T) {
	net := nn.New([]int{2, 5, 4, 1}, []nn.Activation{nn.Tanh, nn.Tanh, nn.Linear})
	a := randTheta(rand.New(rand.NewPCG(12, 0)), net)
	for l, p := range net.Match(a, a) {
		if !slices.Equal(p, []int{0, 1, 2, 3, 4}[:len(p)]) {
			t.Errorf("layer %d: matching a net to itself gave %v", l, p)
		}
	}
}

func TestMatchRecoversPermutationOfTrainedNet(t *testing.T) {
	obj, theta0 := sinProblem()
	res, err := nn.LBFGS(context.Background(), obj, theta0, nn.LBFGSConfig{MaxIters: 200})
	if err != nil {
		t.Fatal(err)
	}
	net, a := obj.Net(), res.Theta
	perm := rand.New(rand.NewPCG(16, 0)).Perm(8)
	b := net.Permute(a, 0, perm)
	if got := net.PermuteAll(b, net.Match(a, b)); !vecEqual(got, a) {
		t.Errorf("matching did not undo %v on a trained net", perm)
	}
}
