package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestTanhFitMatchesTheToolkit(t *testing.T) {
	xs, ys := waveData(30)
	for _, h := range []int{1, 3, 8} {
		net := nn.New([]int{1, h, 1}, []nn.Activation{nn.Tanh, nn.Linear})
		obj := nn.NewObjective(net, nn.Square, nn.Data{X: mat.NewDense(30, 1, slices.Clone(xs)), Y: mat.NewDense(30, 1, slices.Clone(ys))})
		want := &nn.Decayed{Objective: obj, Lambda: 0.01}
		f := newTanhFit(h, xs, ys, 0.01)
		rng := rand.New(rand.NewPCG(uint64(h), 5))
		for range 3 {
			theta := nn.RandomDirection(rng, net.NumParams())
			g, gw := make([]float64, len(theta)), make([]float64, len(theta))
			l, lw := f.Grad(theta, g), want.Grad(theta, gw)
			if math.Abs(l-lw) > 1e-12*math.Max(1, lw) {
				t.Errorf("h = %d: loss %.17g, toolkit %.17g", h, l, lw)
			}
			for i := range g {
				if math.Abs(g[i]-gw[i]) > 1e-12*math.Max(1, math.Abs(gw[i])) {
					t.Errorf("h = %d: gradient entry %d is %g, toolkit %g", h, i, g[i], gw[i])
				}
			}
			num := fd.Gradient(nil, want.Loss, theta, &fd.Settings{Formula: fd.Central})
			for i := range g {
				if math.Abs(g[i]-num[i]) > 1e-6*math.Max(1, math.Abs(num[i])) {
					t.Errorf("h = %d: gradient entry %d is %g, finite differences %g", h, i, g[i], num[i])
				}
			}
			if m := f.mse(theta); math.Abs(m-obj.Loss(theta)) > 1e-12*math.Max(1, m) {
				t.Errorf("h = %d: mse %g, toolkit %g", h, m, obj.Loss(theta))
			}
		}
	}
}

func TestTanhFitCacheFollowsTheta(t *testing.T) {
	// The cache must never answer for a different θ, even one that
	// differs in the last entry only.
	xs, ys := waveData(20)
	f := newTanhFit(2, xs, ys, 0)
	a := []float64{1, -1, 0.5, 0.2, 1, -0.5, 0}
	b := slices.Clone(a)
	b[6] = 0.3
	la, lb := f.Loss(a), f.Loss(b)
	if la == lb {
		t.Fatalf("moving the output bias left the loss at %g", la)
	}
	g := make([]float64, len(a))
	if l := f.Grad(a, g); l != la {
		t.Errorf("loss at a after evaluating b: %g, want %g", l, la)
	}
	a[0] = 2 // the caller's slice changed: the cache must notice
	if l := f.Loss(a); l == la {
		t.Errorf("loss unchanged after the caller edited θ in place")
	}
}

func TestWaveData(t *testing.T) {
	xs, ys := waveData(60)
	if len(xs) != 60 || xs[0] != -math.Pi || xs[59] != math.Pi {
		t.Fatalf("x runs from %g to %g in %d points", xs[0], xs[len(xs)-1], len(xs))
	}
	for i := range xs {
		if math.Abs(ys[i]-math.Sin(2.5*xs[i])) > 0 || math.Abs(xs[i]+xs[59-i]) > 1e-15 {
			t.Fatalf("point %d: (%g, %g)", i, xs[i], ys[i])
		}
	}
}

func TestWidthAlignUndoesRelabellingAndSigns(t *testing.T) {
	net := nn.New([]int{1, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	theta := nn.RandomDirection(rand.New(rand.NewPCG(8, 8)), net.NumParams())
	// Flip unit 2 (w, b, v together) and relabel: the same function.
	other := slices.Clone(theta)
	other[1], other[4], other[7] = -other[1], -other[4], -other[7]
	other = net.Permute(other, 0, []int{2, 0, 1})
	xs, _ := waveData(10)
	for _, x := range xs {
		if d := net.Forward(theta, []float64{x})[0] - net.Forward(other, []float64{x})[0]; math.Abs(d) > 1e-14 {
			t.Fatalf("the relabelled copy differs by %g at x = %g", d, x)
		}
	}
	ref := widthCanonical(3, theta)
	if d := floats.Distance(ref, widthAlign(net, ref, other), 2); d > 1e-15 {
		t.Errorf("aligned copy is %g away, want 0", d)
	}
}

func TestWidthSweepDefaults(t *testing.T) {
	out := mustDraw(t, widthSweep, nil)
	for name, want := range map[string]float64{"stuck-8": 0, "stuck-16": 0, "trainings": 96} {
		if got := valueOf(t, out, name); got != want {
			t.Errorf("%s = %g, want %g", name, got, want)
		}
	}
	if valueOf(t, out, "levels-narrow") < 2 {
		t.Errorf("the narrowest runs ended at fewer than two distinct losses")
	}
}

func TestWidthSweepExtremes(t *testing.T) {
	for _, given := range []map[string]string{
		{"runs": "4", "points": "30", "iterations": "200", "decay": "0.01", "margin": "0.2"},
		{"runs": "6", "points": "90", "decay": "1e-05", "margin": "0.01"},
	} {
		if _, _, err := execute(widthSweep.MustParse(given)); err != nil {
			t.Errorf("%v: %v", given, err)
		}
	}
}

func TestWidthMirror(t *testing.T) {
	xs, ys := waveData(24)
	f := newTanhFit(3, xs, ys, 0.01)
	net := nn.New([]int{1, 3, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	theta := nn.RandomDirection(rand.New(rand.NewPCG(2, 2)), net.NumParams())
	m := widthMirror(3, theta)
	for _, x := range []float64{-2, -0.3, 0, 1.7} {
		if d := net.Forward(m, []float64{x})[0] + net.Forward(theta, []float64{-x})[0]; math.Abs(d) > 1e-14 {
			t.Errorf("mirror at x = %g is off by %g", x, d)
		}
	}
	// The data are odd, so the mirror image fits them exactly as well.
	if a, b := f.Loss(theta), f.Loss(m); math.Abs(a-b) > 1e-14*a {
		t.Errorf("loss %g, mirrored %g", a, b)
	}
}
