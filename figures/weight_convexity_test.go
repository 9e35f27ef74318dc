package figures

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestRandomChords(t *testing.T) {
	for _, set := range []string{"main", "no-hidden", "layers"} {
		out := mustDraw(t, randomChords, map[string]string{"models": set})
		for _, key := range chordModelSets[set] {
			n := valueOf(t, out, "violations-"+key)
			convex := key == "linear" || key == "logistic" || key == "softmax" || key == "features"
			if convex && n != 0 || !convex && n < 100 {
				t.Errorf("%s: %s has %g violations", set, key, n)
			}
		}
	}
	// Other sizes and scales keep the verdicts.
	for _, params := range []map[string]string{
		{"hidden": "3", "scale": "3", "seed": "7", "chords": "300"},
		{"hidden": "32", "scale": "0.5", "points": "200", "chords": "200"},
	} {
		mustDraw(t, randomChords, params)
	}
}

func TestChordSegment(t *testing.T) {
	chords := mustDraw(t, randomChords, nil)
	for _, model := range []string{"tanh", "relu"} {
		out := mustDraw(t, chordSegment, map[string]string{"model": model})
		// The worst chord is the one random-chords reports.
		if got, want := valueOf(t, out, "ratio"), valueOf(t, chords, "max-ratio-"+model); got != want {
			t.Errorf("%s: worst ratio %g, random-chords says %g", model, got, want)
		}
	}
}

func TestLineCurvature(t *testing.T) {
	for _, model := range []string{"tanh", "logistic"} {
		mustDraw(t, lineCurvature, map[string]string{"model": model})
	}
	for seed := range 5 {
		mustDraw(t, lineCurvature, map[string]string{"seed": strconv.Itoa(seed + 2), "hidden": "16"})
	}
}

func TestLogitAlongLineAgainstFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := []float64{0.7, -1.3}
	for _, net := range []*nn.Net{
		nn.New([]int{2, 1}, []nn.Activation{nn.Linear}),
		nn.New([]int{2, 5, 1}, []nn.Activation{nn.Tanh, nn.Linear}),
		nn.New([]int{2, 5, 1}, []nn.Activation{nn.Sigmoid, nn.Linear}),
	} {
		theta := nn.RandomDirection(rng, net.NumParams())
		dir := nn.RandomDirection(rng, net.NumParams())
		f := func(s float64) float64 {
			th := make([]float64, len(theta))
			for k := range th {
				th[k] = theta[k] + s*dir[k]
			}
			return net.Forward(th, x)[0]
		}
		z, dz, d2z := logitAlongLine(net, theta, dir, x)
		if want := f(0); math.Abs(z-want) > 1e-13 {
			t.Errorf("%v: z = %g, want %g", net, z, want)
		}
		if want := fd.Derivative(f, 0, &fd.Settings{Formula: fd.Central}); math.Abs(dz-want) > 1e-6 {
			t.Errorf("%v: dz/ds = %g, finite differences %g", net, dz, want)
		}
		if want := fd.Derivative(f, 0, &fd.Settings{Formula: fd.Central2nd, Step: 1e-3}); math.Abs(d2z-want) > 1e-5 {
			t.Errorf("%v: d²z/ds² = %g, finite differences %g", net, d2z, want)
		}
	}
}

func TestLineTermsAgainstToolkit(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	d := moonsData(rng, 30, moonsNoise)
	net := nn.New([]int{2, 6, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	obj := nn.NewObjective(net, nn.Logistic, d)
	for range 5 {
		theta := nn.RandomDirection(rng, net.NumParams())
		dir := nn.RandomDirection(rng, net.NumParams())
		loss, teacher, rest := lineTerms(net, d, theta, dir)
		if want := obj.Loss(theta); math.Abs(loss-want) > 1e-13 {
			t.Errorf("loss %g, toolkit %g", loss, want)
		}
		hv := make([]float64, len(dir))
		obj.HessianVec(theta, dir, hv)
		want := 0.0
		for i := range hv {
			want += dir[i] * hv[i]
		}
		if math.Abs(teacher+rest-want) > 1e-12*max(1, math.Abs(want)) {
			t.Errorf("curvature %g + %g, toolkit %g", teacher, rest, want)
		}
	}
}

func TestMoonsData(t *testing.T) {
	d := moonsData(rand.New(rand.NewPCG(1, 1)), 10, 0)
	for i := range 10 {
		x, y := d.X.At(i, 0), d.X.At(i, 1)
		// Without noise, class 0 lies on the unit upper half-circle and
		// class 1 on the lower half-circle centred at (1, 0.5).
		if c := d.Y.At(i, 0); c != float64(i%2) {
			t.Errorf("label %d = %g", i, c)
		} else if c == 0 && math.Abs(math.Hypot(x, y)-1) > 1e-15 || c == 1 && math.Abs(math.Hypot(x-1, y-0.5)-1) > 1e-15 {
			t.Errorf("point %d (%g, %g) of class %g is off its moon", i, x, y, c)
		}
	}
}

func TestChordOfConvexFunctionNeverViolated(t *testing.T) {
	// The chord test on logistic regression with huge weights, where the
	// loss is nearly piecewise linear: still no violations.
	rng := rand.New(rand.NewPCG(2, 3))
	d := moonsData(rng, 40, moonsNoise)
	m := newChordModel("logistic", d, 1, 10, rng)
	res, err := runChords(context.Background(), m, 2000, 10, rng, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.violations != 0 {
		t.Errorf("%d violations, worst ratio %.17g", res.violations, res.worst.ratio())
	}
}
