package figures

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestMAInnovationsMatchesDenseCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for _, n := range []int{1, 2, 12, 200} {
		x := maSimulate(rng, []float64{1, 0.4}, n)
		for _, theta := range []float64{0.1, 0.5, -0.7, 0.99, 1, 1.01, 2, -3, 10} {
			ld, q := maInnovations(x, theta)
			ldD, qD, err := maDense(x, []float64{1, theta})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(ld-ldD) > 1e-10*math.Max(1, math.Abs(ldD)) || math.Abs(q-qD) > 1e-10*math.Max(1, qD) {
				t.Errorf("n = %d, θ = %g: innovations (%g, %g), Cholesky (%g, %g)", n, theta, ld, q, ldD, qD)
			}
		}
	}
}

func TestMAInnovationsSmallClosedForm(t *testing.T) {
	// n = 2: R = [[1+θ², θ], [θ, 1+θ²]], det = (1+θ²)² − θ² = 1 + θ² + θ⁴.
	theta, x := 0.6, []float64{1.5, -0.5}
	ld, q := maInnovations(x, theta)
	a, b := 1+theta*theta, theta
	det := a*a - b*b
	wantQ := (a*x[0]*x[0] - 2*b*x[0]*x[1] + a*x[1]*x[1]) / det
	if math.Abs(ld-math.Log(det)) > 1e-15 || math.Abs(q-wantQ) > 1e-15 {
		t.Errorf("log det %g (want %g), quadratic form %g (want %g)", ld, math.Log(det), q, wantQ)
	}
}

func TestMAProfileNLLIsSymmetric(t *testing.T) {
	x := maSimulate(rand.New(rand.NewPCG(2, 2)), []float64{1, 0.3}, 50)
	for _, theta := range []float64{0.05, 0.3, 0.9, -0.5} {
		a, s2a := maNLL(x, theta)
		b, s2b := maNLL(x, 1/theta)
		if math.Abs(a-b) > 1e-11*math.Abs(a) {
			t.Errorf("NLL(%g) = %.15g, NLL(1/θ) = %.15g", theta, a, b)
		}
		if math.Abs(s2b-theta*theta*s2a) > 1e-12*s2b {
			t.Errorf("σ̂²(1/θ) = %g, θ² σ̂²(θ) = %g", s2b, theta*theta*s2a)
		}
	}
}

func TestMAAutocovAndPoly(t *testing.T) {
	g := maAutocov([]float64{1, 0.5})
	if g[0] != 1.25 || g[1] != 0.5 {
		t.Errorf("MA(1) autocovariances %v, want [1.25 0.5]", g)
	}
	psi := maPoly([]float64{0.5, -0.7})
	want := []float64{1, -0.2, -0.35}
	for i := range want {
		if math.Abs(psi[i]-want[i]) > 1e-15 {
			t.Errorf("(1 + 0.5z)(1 − 0.7z) = %v, want %v", psi, want)
		}
	}
}

func TestMAMinimize(t *testing.T) {
	f := func(t float64) float64 { u := math.Log(t / 0.3); return u * u }
	if got := maMinimize(f, 0.01, 1); math.Abs(got-0.3) > 1e-6 {
		t.Errorf("minimiser %g, want 0.3", got)
	}
}

func TestMATicks(t *testing.T) {
	var labels []string
	for _, tk := range (maTicks{}).Ticks(0.1, 10) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	want := []string{"0.1", "0.2", "0.5", "1", "2", "5", "10"}
	if len(labels) != len(want) {
		t.Fatalf("labels %v, want %v", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Errorf("labels %v, want %v", labels, want)
		}
	}
}

func TestMA1LikelihoodDefaults(t *testing.T) {
	out := mustExecute(t, ma1Likelihood, nil)
	lo, _ := out.Value("theta-lo")
	if math.Abs(lo.Number-0.5) > 0.25 {
		t.Errorf("estimate %g is far from the simulated 0.5", lo.Number)
	}
}

func TestMARootFlipsAllOrders(t *testing.T) {
	for q := 1; q <= 4; q++ {
		out := mustExecute(t, maRootFlips, map[string]string{"q": strconv.Itoa(q), "n": "60"})
		if v, _ := out.Value("points"); v.Number != float64(int(1)<<q) {
			t.Errorf("q = %d: %v points, want 2^q", q, v.Number)
		}
	}
}
