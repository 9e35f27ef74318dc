package nn_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// outputs returns the network's outputs on X, flattened.
func outputs(net *nn.Net, theta []float64, X *mat.Dense) []float64 {
	return net.Predict(theta, X).RawMatrix().Data
}

func TestPermutationKeepsFunction(t *testing.T) {
	for _, act := range []nn.Activation{nn.Linear, nn.Tanh, nn.ReLU, nn.Sigmoid} {
		for _, net := range []*nn.Net{
			nn.New([]int{3, 6, 5, 2}, []nn.Activation{act, act, nn.Linear}),
			nn.NewBiasFree([]int{2, 4, 4, 1}, []nn.Activation{act, act, act}),
		} {
			rng := rand.New(rand.NewPCG(3, uint64(act)))
			theta := randTheta(rng, net)
			X := randData(rng, net, nn.Square, 20).X.(*mat.Dense)
			want := outputs(net, theta, X)
			sizes := net.Sizes()
			perms := make([][]int, net.Layers()-1)
			for l := range perms {
				perms[l] = rng.Perm(sizes[l+1])
				p := net.Permute(theta, l, perms[l])
				if d := maxRelDiff(outputs(net, p, X), want); d > 1e-12 {
					t.Errorf("%v: permuting layer %d changed the outputs by %g", net, l, d)
				}
				// Undoing with the inverse permutation restores theta exactly.
				inv := make([]int, len(perms[l]))
				for i, pi := range perms[l] {
					inv[pi] = i
				}
				if back := net.Permute(p, l, inv); !vecEqual(back, theta) {
					t.Errorf("%v: inverse permutation of layer %d does not restore theta", net, l)
				}
			}
			all := net.PermuteAll(theta, perms)
			if d := maxRelDiff(outputs(net, all, X), want); d > 1e-12 {
				t.Errorf("%v: permuting all layers changed the outputs by %g", net, d)
			}
			if vecEqual(all, theta) {
				t.Errorf("%v: permutations left theta unchanged; test is vacuous", net)
			}
		}
	}
}

func TestRescalingKeepsReLUFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 0))
	for _, c := range []struct {
		net    *nn.Net
		anyC   bool // Linear layers allow negative factors too
		factor float64
	}{
		{nn.New([]int{2, 6, 4, 3}, []nn.Activation{nn.ReLU, nn.ReLU, nn.Linear}), false, 3.7},
		{nn.New([]int{2, 5, 1}, []nn.Activation{nn.Linear, nn.Tanh}), true, -0.3},
	} {
		theta := randTheta(rng, c.net)
		X := randData(rng, c.net, nn.Square, 30).X.(*mat.Dense)
		want := outputs(c.net, theta, X)
		for l := range c.net.Layers() - 1 {
			if d := maxRelDiff(outputs(c.net, c.net.Rescale(theta, l, c.factor), X), want); d > 1e-12 {
				t.Errorf("%v: rescaling layer %d by %g changed outputs by %g", c.net, l, c.factor, d)
			}
			fs := make([]float64, c.net.Sizes()[l+1])
			for i := range fs {
				fs[i] = math.Exp(2 * rng.NormFloat64())
				if c.anyC && i%2 == 1 {
					fs[i] = -fs[i]
				}
			}
			r := c.net.RescaleUnits(theta, l, fs)
			if d := maxRelDiff(outputs(c.net, r, X), want); d > 1e-12 {
				t.Errorf("%v: per-unit rescaling of layer %d changed outputs by %g", c.net, l, d)
			}
			if floats.EqualApprox(r, theta, 1e-3) {
				t.Errorf("%v: rescaling left theta unchanged; test is vacuous", c.net)
			}
		}
	}
	// A tanh network is not rescaling-invariant, which is why the brief
	// states the symmetry for ReLU.
	net := nn.New([]int{1, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	theta := randTheta(rng, net)
	x := []float64{0.8}
	if d := math.Abs(net.Forward(net.Rescale(theta, 0, 2), x)[0] - net.Forward(theta, x)[0]); d < 1e-3 {
		t.Errorf("rescaling a tanh layer changed the output by only %g", d)
	}
}

func TestInterpolate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	a, b := nn.RandomDirection(rng, 11), nn.RandomDirection(rng, 11)
	if !vecEqual(nn.Interpolate(a, b, 0), a) || !vecEqual(nn.Interpolate(a, b, 1), b) {
		t.Error("interpolation endpoints are not exactly a and b")
	}
	mid := nn.Interpolate(a, b, 0.5)
	for i := range mid {
		closeTo(t, "midpoint", mid[i], (a[i]+b[i])/2, 1e-15)
	}
	ext := nn.Interpolate(a, b, 2)
	for i := range ext {
		closeTo(t, "extrapolation", ext[i], 2*b[i]-a[i], 1e-14)
	}
}

func TestFilterNormalize(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 0))
	net := nn.New([]int{3, 5, 4, 2}, []nn.Activation{nn.ReLU, nn.ReLU, nn.Linear})
	theta := randTheta(rng, net)
	dir := nn.RandomDirection(rng, net.NumParams())
	// A zero row must stay zero rather than become NaN.
	zero := net.W(dir, 1).RawRowView(2)
	clear(zero)
	net.FilterNormalize(dir, theta)
	for l := range net.Layers() {
		wd, wt := net.W(dir, l), net.W(theta, l)
		r, _ := wd.Dims()
		for i := range r {
			want := floats.Norm(wt.RawRowView(i), 2)
			if l == 1 && i == 2 {
				want = 0
			}
			closeTo(t, "row norm", floats.Norm(wd.RawRowView(i), 2), want, 1e-12)
		}
		for i, b := range net.B(dir, l) {
			if b != 0 {
				t.Errorf("layer %d bias %d of the direction is %g, want 0", l, i, b)
			}
		}
	}
}

func TestInitDeterministicAndScaled(t *testing.T) {
	net := nn.New([]int{400, 300, 1}, []nn.Activation{nn.ReLU, nn.Tanh})
	a := net.Init(rand.New(rand.NewPCG(7, 7)))
	b := net.Init(rand.New(rand.NewPCG(7, 7)))
	if !vecEqual(a, b) {
		t.Fatal("Init is not deterministic given the seed")
	}
	for l, gain := range []float64{2, 1} {
		w := net.W(a, l).RawMatrix().Data
		sd := math.Sqrt(floats.Dot(w, w) / float64(len(w)))
		want := math.Sqrt(gain / float64(net.Sizes()[l]))
		if math.Abs(sd/want-1) > 0.05 {
			t.Errorf("layer %d weight sd %g, want about %g", l, sd, want)
		}
		for _, bias := range net.B(a, l) {
			if bias != 0 {
				t.Fatalf("layer %d has nonzero initial bias %g", l, bias)
			}
		}
	}
}

func TestLayoutAndViews(t *testing.T) {
	net := nn.New([]int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	if net.NumParams() != 2*3+3+3*1+1 {
		t.Fatalf("NumParams = %d", net.NumParams())
	}
	theta := make([]float64, net.NumParams())
	for i := range theta {
		theta[i] = float64(i)
	}
	// Row-major W then b, layer by layer.
	if net.WeightIndex(0, 1, 0) != 2 || net.BiasIndex(0, 0) != 6 || net.WeightIndex(1, 0, 2) != 11 || net.BiasIndex(1, 0) != 12 {
		t.Error("unexpected parameter positions")
	}
	if w := net.W(theta, 0); w.At(2, 1) != 5 {
		t.Errorf("W_0[2][1] = %g, want 5", w.At(2, 1))
	}
	net.W(theta, 1).Set(0, 1, -1)
	net.B(theta, 0)[2] = -2
	if theta[10] != -1 || theta[8] != -2 {
		t.Error("W and B are not views into theta")
	}
	if got := net.String(); got != "2-3-1 tanh,linear" {
		t.Errorf("String() = %q", got)
	}
	if nn.NewBiasFree([]int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear}).NumParams() != 9 {
		t.Error("bias-free layout")
	}
}

func TestPanicsOnMisuse(t *testing.T) {
	net := nn.New([]int{2, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	theta := make([]float64, net.NumParams())
	cases := []struct {
		name string
		f    func()
	}{
		{"activations", func() { nn.New([]int{2, 3}, []nn.Activation{nn.Tanh, nn.Tanh}) }},
		{"theta length", func() { net.Forward(theta[1:], []float64{1, 2}) }},
		{"not a permutation", func() { net.Permute(theta, 0, []int{0, 0, 1}) }},
		{"output layer", func() { net.Permute(theta, 1, []int{0}) }},
		{"zero factor", func() { net.Rescale(theta, 0, 0) }},
		{"logistic width", func() {
			nn.NewObjective(nn.New([]int{1, 2}, []nn.Activation{nn.Linear}), nn.Logistic, nn.Data{X: mat.NewDense(1, 1, nil), Y: mat.NewDense(1, 1, nil)})
		}},
		{"class label", func() {
			nn.NewObjective(nn.New([]int{1, 2}, []nn.Activation{nn.Linear}), nn.SoftmaxCE, nn.Data{X: mat.NewDense(1, 1, nil), Y: mat.NewDense(1, 1, []float64{2})})
		}},
		{"logistic label", func() {
			nn.NewObjective(net, nn.Logistic, nn.Data{X: mat.NewDense(1, 2, nil), Y: mat.NewDense(1, 1, []float64{1.5})})
		}},
		{"rows", func() {
			nn.NewObjective(net, nn.Square, nn.Data{X: mat.NewDense(2, 2, nil), Y: mat.NewDense(1, 1, nil)})
		}},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

func TestPermutationsAreAllDistinctInOrder(t *testing.T) {
	for n := range 6 {
		var seen [][]int
		for p := range nn.Permutations(n) {
			seen = append(seen, slices.Clone(p))
		}
		want := 1
		for k := 2; k <= n; k++ {
			want *= k
		}
		if len(seen) != want {
			t.Errorf("n = %d: %d permutations, want %d", n, len(seen), want)
		}
		for i := 1; i < len(seen); i++ {
			if slices.Compare(seen[i-1], seen[i]) >= 0 {
				t.Errorf("n = %d: %v does not follow %v in order", n, seen[i], seen[i-1])
			}
		}
	}
}
