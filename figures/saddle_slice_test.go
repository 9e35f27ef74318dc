package figures

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestSaddleSliceDefaults(t *testing.T) {
	out := mustDraw(t, saddleSlice, nil)
	if gap := valueOf(t, out, "twin-gap"); gap != 0 {
		t.Errorf("training separated the twin units by %g; the loss treats them alike, so it must not", gap)
	}
}

func TestSSRestrictedMatchesFiniteDifferencesOfTheSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 0))
	net := nn.New([]int{3, 4, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	obj := nn.NewObjective(net, nn.Square, ssData(rng, 3, 20))
	theta := net.Init(rng)
	d1, d2 := nn.RandomDirection(rng, len(theta)), nn.RandomDirection(rng, len(theta))
	h, lo, hi := ssRestricted(obj, theta, d1, d2)
	// The slice's exact gradient, (d1·∇L, d2·∇L), differentiated by
	// central differences.
	grad := func(g, x []float64) {
		p, full := make([]float64, len(theta)), make([]float64, len(theta))
		for i := range p {
			p[i] = theta[i] + x[0]*d1[i] + x[1]*d2[i]
		}
		obj.Grad(p, full)
		g[0], g[1] = floats.Dot(full, d1), floats.Dot(full, d2)
	}
	jac := mat.NewDense(2, 2, nil)
	fd.Jacobian(jac, grad, []float64{0, 0}, &fd.JacobianSettings{Formula: fd.Central})
	want := mat.NewSymDense(2, []float64{jac.At(0, 0), jac.At(0, 1), jac.At(0, 1), jac.At(1, 1)})
	for i := range 2 {
		for j := range 2 {
			if d := math.Abs(h[i][j] - jac.At(i, j)); d > 1e-7*math.Max(1, math.Abs(jac.At(i, j))) {
				t.Errorf("restricted Hessian (%d, %d) = %g, finite differences %g", i, j, h[i][j], jac.At(i, j))
			}
		}
	}
	var eig mat.EigenSym
	eig.Factorize(want, false)
	if v := eig.Values(nil); math.Abs(v[0]-lo) > 1e-7*math.Abs(v[1]) || math.Abs(v[1]-hi) > 1e-7*math.Abs(v[1]) {
		t.Errorf("eigenvalues %g, %g; of the finite-difference Hessian %v", lo, hi, v)
	}
}

func TestSSInPlane(t *testing.T) {
	q1, q2 := ssBasis([]float64{2, 0, 0, 0}, []float64{1, 3, 0, 0})
	if floats.Dot(q1, q2) != 0 || floats.Norm(q1, 2) != 1 || floats.Norm(q2, 2) != 1 {
		t.Fatalf("basis %v, %v is not orthonormal", q1, q2)
	}
	for _, c := range []struct {
		v    []float64
		want float64
	}{
		{[]float64{0, 1, 0, 0}, 1},
		{[]float64{0, 0, 1, 0}, 0},
		{[]float64{0.6, 0, 0.8, 0}, 0.6},
		{[]float64{0, 0.5, 0.5, math.Sqrt(0.5)}, 0.5},
	} {
		if got := ssInPlane(c.v, q1, q2); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("projection of %v: %g, want %g", c.v, got, c.want)
		}
	}
}

func TestSSChordViolations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	bowl := func(a, b float64) float64 { return a*a + 3*b*b + a*b }
	if n := ssChordViolations(rng, bowl, 1, 1e-12, 300); n != 0 {
		t.Errorf("a convex bowl has %d chord violations", n)
	}
	saddle := func(a, b float64) float64 { return a*a - b*b }
	if n := ssChordViolations(rng, saddle, 1, 1e-12, 300); n < 50 {
		t.Errorf("a saddle has only %d chord violations in 300", n)
	}
}

func TestSSTwinStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 0))
	net := nn.New([]int{3, 4, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	theta := net.Init(rng)
	for i := range theta {
		theta[i] += rng.NormFloat64()
	}
	if ssTwinGap(net, theta) == 0 {
		t.Fatal("random units 0 and 1 are equal")
	}
	ssTwinStart(net, theta)
	if gap := ssTwinGap(net, theta); gap != 0 {
		t.Errorf("twin start leaves a gap of %g", gap)
	}
	// Twins are a fixed point of the swap, and so is their gradient.
	obj := nn.NewObjective(net, nn.Square, ssData(rng, 3, 10))
	g := make([]float64, len(theta))
	obj.Grad(theta, g)
	if gap := ssTwinGap(net, g); gap != 0 {
		t.Errorf("the gradient of twin units differs by %g", gap)
	}
}
