package figures

import (
	"context"
	"math"
	"slices"
	"testing"
)

func TestSaddleEscape(t *testing.T) {
	out := mustDraw(t, saddleEscape, nil)
	// Deep in the plateau a decade costs ln 10 / ln 1.02 ≈ 116.3 steps at η = 0.01.
	if got := valueOf(t, out, "per-decade"); math.Abs(got-116.3) > 1 {
		t.Errorf("steps per decade %g, want about 116.3", got)
	}
	if got := valueOf(t, out, "speedup"); got <= 1 {
		t.Errorf("noise made escape %gx faster, want more than 1", got)
	}
}

func TestSaddleEscapeExtremes(t *testing.T) {
	for _, given := range []map[string]string{
		{"step": "0.002", "decades": "12", "noise": "1e-5", "runs": "3"},
		{"step": "0.1", "decades": "6", "noise": "1e-3", "runs": "100"},
		{"step": "0.1", "decades": "12", "noise": "1e-5", "runs": "3"},
		{"step": "0.002", "decades": "6", "noise": "1e-3", "runs": "3"},
	} {
		mustDraw(t, saddleEscape, given)
	}
}

func TestEscWeights(t *testing.T) {
	obj := linearNet2()
	for _, uv := range [][2]float64{{0, 1}, {1e-3, 1}, {0.7, -0.2}, {2, 0}} {
		u, v := uv[0], uv[1]
		p := (u*u - v*v) / 2
		if got, want := obj.Loss(escWeights(u, v)), (p-1)*(p-1); math.Abs(got-want) > 1e-14 {
			t.Errorf("loss at (u, v) = (%g, %g) is %g, want ((u² − v²)/2 − 1)² = %g", u, v, got, want)
		}
	}
}

// flowTime integrates dx/dt = field(x) from x with classical Runge–Kutta
// steps of dt until done(x), and returns the time that took: the reference
// against which the closed-form escape times are tested.
func flowTime(field func(x []float64) []float64, x []float64, dt float64, done func(x []float64) bool) float64 {
	x = slices.Clone(x)
	at := func(k []float64, h float64) []float64 {
		y := slices.Clone(x)
		for i := range y {
			y[i] += h * k[i]
		}
		return y
	}
	tm := 0.0
	for !done(x) {
		k1 := field(x)
		k2 := field(at(k1, dt/2))
		k3 := field(at(k2, dt/2))
		k4 := field(at(k3, dt))
		for i := range x {
			x[i] += dt / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
		tm += dt
	}
	return tm
}

// TestEscFlowTime compares the closed-form time gradient flow on
// (w₁w₂ − 1)² takes to reach the loss ½ with Runge–Kutta integration.
func TestEscFlowTime(t *testing.T) {
	obj := linearNet2()
	descent := func(w []float64) []float64 {
		g := make([]float64, 2)
		obj.Grad(w, g)
		return []float64{-g[0], -g[1]}
	}
	escaped := func(w []float64) bool { return obj.Loss(w) < escTarget }
	const dt = 1e-3
	for _, eps := range []float64{0.3, 1e-2, 1e-5, 1e-9} {
		tm := flowTime(descent, escWeights(eps, escStart), dt, escaped)
		if want := escFlowTime(eps, escStart); math.Abs(tm-want) > 2*dt {
			t.Errorf("ε = %g: Runge–Kutta reaches the loss ½ at t = %.4f, closed form %.6f", eps, tm, want)
		}
	}
}

func TestEscRunStuckOnStableManifold(t *testing.T) {
	// Exactly on w₁ = −w₂ gradient descent keeps the symmetry in floating
	// point, so it never escapes.
	k, hist, err := escDescent{linearNet2(), 0.05, 0, nil}.run(context.Background(), escWeights(0, escStart), 2000, escTarget)
	if err != nil {
		t.Fatal(err)
	}
	if k != -1 || math.Abs(hist[len(hist)-1]-1) > 1e-12 {
		t.Errorf("escape step %d, final loss %.15g; want no escape and loss 1", k, hist[len(hist)-1])
	}
}
