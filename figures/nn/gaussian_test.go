package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestArcCosineClosedForms(t *testing.T) {
	u := []float64{3, -1, 2}
	v := []float64{0.5, 2, -1}
	uu := 3.0*3 + 1 + 2*2
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"kernel(u, u) = |u|²/2", nn.ArcCosine(u, u), uu / 2},
		{"kernel(u, −u) = 0", nn.ArcCosine(u, []float64{-3, 1, -2}), 0},
		{"orthogonal unit vectors: 1/(2π)", nn.ArcCosine([]float64{1, 0}, []float64{0, 1}), 1 / (2 * math.Pi)},
		{"kernel(2u, 3v) = 6 kernel(u, v)", nn.ArcCosine([]float64{6, -2, 4}, []float64{1.5, 6, -3}), 6 * nn.ArcCosine(u, v)},
		{"symmetric", nn.ArcCosine(v, u), nn.ArcCosine(u, v)},
		{"zero vector", nn.ArcCosine([]float64{0, 0, 0}, v), 0},
	} {
		if math.Abs(c.got-c.want) > 1e-14*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s: got %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
}

// monteCarlo returns the sample mean of f over n standard Gaussian
// vectors of length d, and its standard error.
func monteCarlo(rng *rand.Rand, d, n int, f func(x []float64) float64) (mean, se float64) {
	x := make([]float64, d)
	var s, s2 float64
	for range n {
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		y := f(x)
		s += y
		s2 += y * y
	}
	mean = s / float64(n)
	return mean, math.Sqrt((s2/float64(n) - mean*mean) / float64(n))
}

func TestArcCosineAgreesWithMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	u, v := []float64{1, 0.5, -0.3}, []float64{-0.2, 1, 0.7}
	dot := func(a, b []float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
	mean, se := monteCarlo(rng, 3, 200000, func(x []float64) float64 {
		return math.Max(dot(u, x), 0) * math.Max(dot(v, x), 0)
	})
	if got := nn.ArcCosine(u, v); math.Abs(got-mean) > 4*se {
		t.Errorf("closed form %.6f, Monte Carlo %.6f ± %.6f", got, mean, se)
	}
}

// teacherCase is a student of 3 units learning a non-orthogonal teacher of
// 2 units in R^4, at a random point.
func teacherCase(rng *rand.Rand) (*nn.GaussianTeacher, []float64) {
	teacher := [][]float64{{1, 0.2, 0, -0.5}, {0.3, -1, 0.8, 0}}
	g := nn.NewGaussianTeacher(3, teacher)
	theta := nn.RandomDirection(rng, g.Dim())
	for i := range theta {
		theta[i] *= 0.6
	}
	return g, theta
}

func TestGaussianTeacherAgreesWithMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	g, theta := teacherCase(rng)
	mean, se := monteCarlo(rng, 4, 200000, func(x []float64) float64 {
		e := g.Output(theta, x)
		return e * e / 2
	})
	if got := g.Loss(theta); math.Abs(got-mean) > 4*se {
		t.Errorf("closed form %.6f, Monte Carlo %.6f ± %.6f", got, mean, se)
	}
}

func TestGaussianTeacherGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for range 5 {
		g, theta := teacherCase(rng)
		grad := make([]float64, len(theta))
		loss := g.Grad(theta, grad)
		if l := g.Loss(theta); l != loss {
			t.Errorf("Grad returned %g, Loss %g", loss, l)
		}
		want := fd.Gradient(nil, g.Loss, theta, &fd.Settings{Formula: fd.Central})
		if d := maxRelDiff(grad, want); d > 1e-7 {
			t.Errorf("gradient differs from finite differences by %.1e", d)
		}
	}
}

func TestGaussianTeacherIsZeroAtTheTeacher(t *testing.T) {
	// An orthonormal teacher, learnt by a student holding its units in
	// another order: the loss and its gradient vanish.
	teacher := [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	g := nn.NewGaussianTeacher(3, teacher)
	theta := []float64{0, 0, 1, 1, 0, 0, 0, 1, 0}
	grad := make([]float64, 9)
	if l := g.Grad(theta, grad); math.Abs(l) > 1e-15 {
		t.Errorf("loss at the teacher %g, want 0", l)
	}
	for i, x := range grad {
		if math.Abs(x) > 1e-15 {
			t.Errorf("gradient entry %d at the teacher is %g", i, x)
		}
	}
	// A zero student leaves the whole teacher unexplained:
	// ½ (3 · ½ + 6 · 1/(2π)).
	if l, want := g.Loss(make([]float64, 9)), 0.75+1.5/math.Pi; math.Abs(l-want) > 1e-15 {
		t.Errorf("loss of the zero student %.17g, want %.17g", l, want)
	}
}

func TestGaussianTeacherCacheFollowsTheta(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	g, a := teacherCase(rng)
	b := append([]float64(nil), a...)
	b[len(b)-1] += 0.1
	la, lb := g.Loss(a), g.Loss(b)
	if la == lb {
		t.Fatalf("moving one weight left the loss at %g", la)
	}
	grad := make([]float64, len(a))
	if l := g.Grad(a, grad); l != la {
		t.Errorf("loss at a after evaluating b: %g, want %g", l, la)
	}
	a[0] += 0.1 // edited in place: the cache must notice
	if l := g.Loss(a); l == la {
		t.Errorf("loss unchanged after the caller edited theta in place")
	}
}
