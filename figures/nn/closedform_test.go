package nn_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// counterexample is the brief's smallest witness of non-convexity: 1 input,
// 2 ReLU units, 1 linear output, data (1, 1) and (-1, -1), mean square loss.
func counterexample() (*nn.Net, *nn.Objective, []float64, []float64) {
	net := nn.New([]int{1, 2, 1}, []nn.Activation{nn.ReLU, nn.Linear})
	obj := nn.NewObjective(net, nn.Square, nn.Data{
		X: mat.NewDense(2, 1, []float64{1, -1}),
		Y: mat.NewDense(2, 1, []float64{1, -1}),
	})
	// Layout: W1 (2x1), b1 (2), W2 (1x2), b2 (1).
	theta1 := []float64{1, -1, 0, 0, 1, -1, 0}
	theta2 := []float64{-1, 1, 0, 0, -1, 1, 0}
	return net, obj, theta1, theta2
}

func TestCounterexampleEndpoints(t *testing.T) {
	net, obj, theta1, theta2 := counterexample()
	for _, th := range [][]float64{theta1, theta2} {
		if l := obj.Loss(th); l != 0 {
			t.Errorf("loss at %v = %g, want 0", th, l)
		}
		for _, x := range []float64{-2.5, -1, 0.3, 1, 4} {
			closeTo(t, "f(x)-x", net.Forward(th, []float64{x})[0], x, 1e-15)
		}
	}
	if got := net.Permute(theta1, 0, []int{1, 0}); !vecEqual(got, theta2) {
		t.Errorf("swapping the hidden units of theta1 gives %v, want theta2 = %v", got, theta2)
	}
	w, b := net.W(theta1, 0), net.B(theta1, 0)
	if !mat.Equal(w, mat.NewDense(2, 1, []float64{1, -1})) || b[0] != 0 || b[1] != 0 {
		t.Errorf("layer 0 views: W = %v, b = %v", mat.Formatted(w), b)
	}
}

func TestCounterexampleAlongSegment(t *testing.T) {
	_, obj, theta1, theta2 := counterexample()
	v := make([]float64, len(theta1))
	for i := range v {
		v[i] = theta2[i] - theta1[i]
	}
	hv := make([]float64, len(v))
	th := make([]float64, len(v))
	for k := 0; k <= 64; k++ {
		tt := float64(k) / 64
		nn.InterpolateTo(th, theta1, theta2, tt)
		want := 16 * tt * tt * (1 - tt) * (1 - tt)
		closeTo(t, "L(t)", obj.Loss(th), want, 1e-12)
		if k == 32 {
			continue // theta(1/2) = 0 sits on every ReLU kink; see below.
		}
		// d²L/dt² = v^T H v, exactly, off the kink.
		obj.HessianVec(th, v, hv)
		closeTo(t, "v^T H v", dot(v, hv), 16*(2-12*tt+12*tt*tt), 1e-12)
	}

	nn.InterpolateTo(th, theta1, theta2, 0.5)
	closeTo(t, "L(1/2)", obj.Loss(th), 1, 0)

	// L is a quartic in t, so its central second difference is exactly
	// L'' + h² L''''/12 = -16 + 32 h²: the curvature at the midpoint is -16.
	const h = 1.0 / 1024
	l := func(tt float64) float64 { return obj.Loss(nn.Interpolate(theta1, theta2, tt)) }
	second := (l(0.5+h) + l(0.5-h) - 2*l(0.5)) / (h * h)
	closeTo(t, "second difference at 1/2", second, -16+32*h*h, 1e-9)

	// The Hessian's one-sided limits at the kink are -16 ...
	for _, tt := range []float64{0.5 - 1e-9, 0.5 + 1e-9} {
		obj.HessianVec(nn.Interpolate(theta1, theta2, tt), v, hv)
		closeTo(t, "v^T H v next to the kink", dot(v, hv), -16, 1e-6)
	}
	// ... while exactly on it relu'(0) = relu''(0) = 0 switches every
	// hidden unit off, as documented.
	obj.HessianVec(th, v, hv)
	closeTo(t, "v^T H v on the kink", dot(v, hv), 0, 0)
}

func TestDeepLinearScalar(t *testing.T) {
	// y = w2 w1 x with x = 1, target 1: L = (w1 w2 - 1)^2.
	net := nn.NewBiasFree([]int{1, 1, 1}, []nn.Activation{nn.Linear, nn.Linear})
	obj := nn.NewObjective(net, nn.Square, nn.Data{X: mat.NewDense(1, 1, []float64{1}), Y: mat.NewDense(1, 1, []float64{1})})
	if net.NumParams() != 2 || net.WeightIndex(0, 0, 0) != 0 || net.WeightIndex(1, 0, 0) != 1 {
		t.Fatalf("bias-free 1-1-1 layout: %d params", net.NumParams())
	}
	for _, w := range [][2]float64{{0, 0}, {0.5, -3}, {2, 0.25}, {-1.5, 1.25}} {
		theta := w[:]
		want := (w[0]*w[1] - 1) * (w[0]*w[1] - 1)
		closeTo(t, "L(w1, w2)", obj.Loss(theta), want, 1e-12)
	}
	h := obj.Hessian([]float64{0, 0})
	if !mat.Equal(h, mat.NewSymDense(2, []float64{0, -2, -2, 0})) {
		t.Errorf("Hessian at the origin = %v, want [[0 -2] [-2 0]]", mat.Formatted(h))
	}
	vals, vecs, err := nn.Eigen(h)
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "smallest eigenvalue", vals[0], -2, 1e-12)
	closeTo(t, "largest eigenvalue", vals[1], 2, 1e-12)
	// The saddle's escape direction is w1 = w2, where w1 w2 grows towards 1.
	closeTo(t, "eigenvector (1,1)/√2", vecs.At(0, 0)*vecs.At(1, 0), 0.5, 1e-12)

	// With biases the (w1, w2) block of the Hessian is unchanged.
	nb := nn.New([]int{1, 1, 1}, []nn.Activation{nn.Linear, nn.Linear})
	ob := nn.NewObjective(nb, nn.Square, nn.Data{X: mat.NewDense(1, 1, []float64{1}), Y: mat.NewDense(1, 1, []float64{1})})
	hb := ob.Hessian(make([]float64, nb.NumParams()))
	i, j := nb.WeightIndex(0, 0, 0), nb.WeightIndex(1, 0, 0)
	if hb.At(i, i) != 0 || hb.At(j, j) != 0 || hb.At(i, j) != -2 {
		t.Errorf("(w1, w2) block with biases = [[%g %g] [%g %g]]", hb.At(i, i), hb.At(i, j), hb.At(j, i), hb.At(j, j))
	}
}

func TestLogisticCurvatureInLogit(t *testing.T) {
	// One linear layer 1 -> 1: the logit is z = w x + b, so the Hessian
	// entry for b is the loss curvature in z.
	net := nn.New([]int{1, 1}, []nn.Activation{nn.Linear})
	bi := net.BiasIndex(0, 0)
	for _, y := range []float64{0, 1} {
		obj := nn.NewObjective(net, nn.Logistic, nn.Data{X: mat.NewDense(1, 1, []float64{0.7}), Y: mat.NewDense(1, 1, []float64{y})})
		for _, z := range []float64{-30, -5, -1, 0, 0.3, 2, 10, 30} {
			theta := []float64{0.5, z - 0.35}
			h := obj.Hessian(theta)
			s := 1 / (1 + math.Exp(-z))
			// e/(1+e)^2 with e = exp(-|z|) avoids the cancellation in 1-s.
			e := math.Exp(-math.Abs(z))
			want := e / ((1 + e) * (1 + e))
			// theta reproduces z only to rounding, which moves the
			// curvature by up to |z| ulps relatively.
			closeTo(t, "d²l/dz²", h.At(bi, bi), want, 1e-13*want)
			if got := h.At(bi, bi); !(got > 0 && got <= 0.25) {
				t.Errorf("curvature %g at z = %g outside (0, 1/4]", got, z)
			}
			g := make([]float64, 2)
			obj.Grad(theta, g)
			closeTo(t, "dl/dz", g[bi], s-y, 1e-15)
		}
		h := obj.Hessian([]float64{1, -0.7})
		closeTo(t, "curvature at z = 0", h.At(bi, bi), 0.25, 0)
	}
}

func TestSoftmaxCurvatureInLogits(t *testing.T) {
	// One linear layer 2 -> 3; the Hessian block of the biases is the loss
	// curvature in the logits, diag(p) - p p^T, whatever the label.
	net := nn.New([]int{2, 3}, []nn.Activation{nn.Linear})
	theta := []float64{0.3, -1.2, 0.8, 0.5, -0.4, 1.1, 0.2, -0.6, 1.5}
	x := []float64{0.9, -0.3}
	z := net.Forward(theta, x)
	m := max(z[0], z[1], z[2])
	p := make([]float64, 3)
	var sum float64
	for k := range p {
		p[k] = math.Exp(z[k] - m)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	for c := range 3 {
		obj := nn.NewObjective(net, nn.SoftmaxCE, nn.Data{X: mat.NewDense(1, 2, x), Y: mat.NewDense(1, 1, []float64{float64(c)})})
		h := obj.Hessian(theta)
		for i := range 3 {
			for j := range 3 {
				want := -p[i] * p[j]
				if i == j {
					want += p[i]
				}
				closeTo(t, "d²l/dz_i dz_j", h.At(net.BiasIndex(0, i), net.BiasIndex(0, j)), want, 1e-15)
			}
		}
		closeTo(t, "softmax CE", obj.Loss(theta), m+math.Log(sum)-z[c], 1e-15)
	}
}

func TestLossValues(t *testing.T) {
	cases := []struct {
		loss nn.Loss
		f, y []float64
		want float64
	}{
		{nn.Square, []float64{1, -2}, []float64{0.5, 1}, 0.25 + 9},
		{nn.Logistic, []float64{0}, []float64{1}, math.Ln2},
		{nn.Logistic, []float64{800}, []float64{1}, 0},
		{nn.Logistic, []float64{800}, []float64{0}, 800},
		{nn.Logistic, []float64{-800}, []float64{1}, 800},
		{nn.Logistic, []float64{-40}, []float64{0}, math.Exp(-40)},
		{nn.Logistic, []float64{2}, []float64{0.25}, math.Log1p(math.Exp(2)) - 0.5},
		{nn.SoftmaxCE, []float64{0, 0, 0}, []float64{2}, math.Log(3)},
		{nn.SoftmaxCE, []float64{1000, 0, -1000}, []float64{0}, math.Exp(-1000)},
		{nn.SoftmaxCE, []float64{1000, 0}, []float64{1}, 1000},
	}
	for _, c := range cases {
		got := c.loss.Value(c.f, c.y)
		if math.Abs(got-c.want) > 1e-15*max(1, c.want) {
			t.Errorf("%v.Value(%v, %v) = %.17g, want %.17g", c.loss, c.f, c.y, got, c.want)
		}
	}
}

// TestLogisticKeepsSmallLossesAccurate: for a well-classified example the
// logistic loss and its gradient are tiny, and they must be accurate
// relative to their own size, not to 1; the Hessians of a trained network,
// whose scale they set, depend on it.
func TestLogisticKeepsSmallLossesAccurate(t *testing.T) {
	net := nn.New([]int{1, 1}, []nn.Activation{nn.Linear})
	for _, c := range []struct{ z, y float64 }{{40, 1}, {-40, 0}, {25, 1}, {-30, 0}, {35, 0.5}} {
		// One input x = 1, weight 0 and bias z: the logit is z.
		obj := nn.NewObjective(net, nn.Logistic, nn.Data{X: mat.NewDense(1, 1, []float64{1}), Y: mat.NewDense(1, 1, []float64{c.y})})
		theta := []float64{0, c.z}
		grad := make([]float64, 2)
		loss := obj.Grad(theta, grad)
		// softplus(z) − yz = (1 − y) softplus(z) + y softplus(−z), and its
		// derivative σ(z) − y = (1 − y) σ(z) − y σ(−z), in closed form.
		sp := func(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }
		sg := func(x float64) float64 { return math.Exp(-sp(-x)) }
		wantLoss := (1-c.y)*sp(c.z) + c.y*sp(-c.z)
		wantGrad := (1-c.y)*sg(c.z) - c.y*sg(-c.z)
		if math.Abs(loss-wantLoss) > 1e-14*math.Abs(wantLoss) {
			t.Errorf("z = %g, y = %g: loss %.17g, want %.17g", c.z, c.y, loss, wantLoss)
		}
		if math.Abs(grad[1]-wantGrad) > 1e-14*math.Abs(wantGrad) {
			t.Errorf("z = %g, y = %g: gradient %.17g, want %.17g", c.z, c.y, grad[1], wantGrad)
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
