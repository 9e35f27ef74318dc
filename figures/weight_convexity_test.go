package figures

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestRandomChords(t *testing.T) {
	counts := make(map[string]float64)
	for _, set := range []string{"main", "no-hidden", "layers", "rbf"} {
		out := mustDraw(t, randomChords, map[string]string{"models": set})
		for _, key := range chordModelSets[set] {
			n := valueOf(t, out, "violations-"+key)
			convex := key == "linear" || key == "logistic" || key == "softmax" || key == "features" || key == "rbf-output"
			if convex && n != 0 || !convex && n < 50 {
				t.Errorf("%s: %s has %g violations", set, key, n)
			}
			// A model meets the same chords in every set it belongs to.
			if c, ok := counts[key]; ok && c != n {
				t.Errorf("%s: %s has %g violations, %g in another set", set, key, n, c)
			}
			counts[key] = n
		}
	}
	// Other sizes and scales keep the verdicts.
	for _, params := range []map[string]string{
		{"hidden": "3", "scale": "3", "seed": "7", "chords": "300"},
		{"hidden": "16", "scale": "0.5", "points": "120", "chords": "200"},
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

func TestChordOfConvexFunctionNeverViolated(t *testing.T) {
	// The chord test on logistic regression with huge weights, where the
	// loss is nearly piecewise linear: still no violations.
	rng := rand.New(rand.NewPCG(2, 3))
	d := moonsData(rng, 40, moonsNoise)
	m := newChordModel("logistic", d, 1, 10, rng)
	res, err := runChords(context.Background(), m, 2000, 10, rng)
	if err != nil {
		t.Fatal(err)
	}
	if res.violations != 0 {
		t.Errorf("%d violations, worst ratio %.17g", res.violations, res.worst.ratio())
	}
}

func TestRBFObjectiveIsLeastSquaresInItsOutputLayer(t *testing.T) {
	// With the centres fixed, the loss is ‖Φv + b − y‖²/n for the design
	// matrix Φᵢⱼ = exp(−‖xᵢ − cⱼ‖²/(2s²)): compare with that closed form.
	rng := rand.New(rand.NewPCG(4, 4))
	d := moonsData(rng, 25, moonsNoise)
	const k = 3
	obj := rbfObjective{k: k, data: d}
	theta := make([]float64, 3*k+1)
	for i := range theta {
		theta[i] = rng.NormFloat64()
	}
	phi := mat.NewDense(25, k, nil)
	for i := range 25 {
		for j := range k {
			dx, dy := d.X.At(i, 0)-theta[2*j], d.X.At(i, 1)-theta[2*j+1]
			phi.Set(i, j, math.Exp(-(dx*dx+dy*dy)/(2*rbfWidth*rbfWidth)))
		}
	}
	var f mat.VecDense
	f.MulVec(phi, mat.NewVecDense(k, theta[2*k:3*k]))
	want := 0.0
	for i := range 25 {
		e := f.AtVec(i) + theta[3*k] - d.Y.At(i, 0)
		want += e * e / 25
	}
	if got := obj.Loss(theta); math.Abs(got-want) > 1e-14*want {
		t.Errorf("loss %.17g, closed form %.17g", got, want)
	}
}
