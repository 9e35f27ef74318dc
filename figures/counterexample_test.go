package figures

import (
	"math"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
)

func TestSegmentLossClosedForms(t *testing.T) {
	for _, c := range []struct {
		loss             string
		a, t, want, curv float64
	}{
		{"square", 1, 0.5, 1, -16},
		{"square", 1, 0.25, 16 * 0.0625 * 0.5625, -16},
		{"square", 1, 0, 0, -16},
		{"square", 2, 0, 9, -64},
		{"cross-entropy", 3, 0.5, math.Ln2, -36},
		{"cross-entropy", 1, 0, math.Log1p(math.Exp(-1)), -4},
	} {
		l, _, curv := segmentLoss(c.loss, c.a)
		if got := l(c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s a=%g: L(%g) = %.17g, want %.17g", c.loss, c.a, c.t, got, c.want)
		}
		if curv != c.curv {
			t.Errorf("%s a=%g: curvature %g, want %g", c.loss, c.a, curv, c.curv)
		}
	}
}

func TestSegmentLossCurvatureMatchesFiniteDifferences(t *testing.T) {
	for _, loss := range []string{"square", "cross-entropy"} {
		for _, a := range []float64{0.5, 1, 3} {
			l, _, curv := segmentLoss(loss, a)
			const h = 1e-4
			fd := (l(0.5+h) - 2*l(0.5) + l(0.5-h)) / (h * h)
			if math.Abs(fd-curv) > 1e-4*math.Abs(curv) {
				t.Errorf("%s a=%g: second difference %g, closed form %g", loss, a, fd, curv)
			}
		}
	}
}

func TestCounterexampleChecksPass(t *testing.T) {
	for _, given := range []map[string]string{
		{"loss": "square"},
		{"loss": "cross-entropy", "a": "3", "points": "51"},
		{"loss": "square", "a": "1.2", "points": "11"},
	} {
		out := mustExecute(t, counterexample, given)
		mid, _ := out.Value("midpoint")
		if given["loss"] == "square" && mid.Number != 1 {
			t.Errorf("%v: midpoint loss %v, want exactly 1", given, mid.Number)
		}
	}
}

func TestCounterexampleCheckFailsWhenTheClaimIsFalse(t *testing.T) {
	// With a² ≥ 2 the ends of the square-loss segment lie above the
	// midpoint's loss of 1, and the chord claim must fail rather than pass.
	out, err := lab.Execute(t.Context(), counterexample.MustParse(map[string]string{"a": "2", "points": "11"}), 0)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := out.Check("above-chord")
	if c.Passed {
		t.Errorf("above-chord passed with a = 2: %s", c.Detail)
	}
}

func TestRescaleSegment(t *testing.T) {
	// At the midpoint unit 1's contribution grows by (2 + c + 1/c)/4.
	if g := rescaleGain(4, 0.5); g != 1.5625 {
		t.Errorf("gain at c = 4: %g, want 1.5625", g)
	}
	if g0, g1 := rescaleGain(7, 0), rescaleGain(7, 1); g0 != 1 || math.Abs(g1-1) > 1e-15 {
		t.Errorf("gain at the ends %g and %g, want 1", g0, g1)
	}
	if l := rescaleLoss("square", 1, 4)(0.5); l != 0.5*0.5625*0.5625 {
		t.Errorf("square loss at the midpoint %.17g", l)
	}
	for _, given := range []map[string]string{
		{"move": "rescale"},
		{"move": "rescale", "c": "1.25"},
		{"move": "rescale", "c": "16", "points": "11"},
	} {
		out := mustDraw(t, counterexample, given)
		if v := valueOf(t, out, "midpoint"); v <= valueOf(t, out, "chord") {
			t.Errorf("%v: midpoint %g not above the chord", given, v)
		}
	}
	// Under cross-entropy a larger output only makes the network surer of
	// a right answer: the rescaled midpoint loses less, and the check says so.
	out, err := lab.Execute(t.Context(), counterexample.MustParse(map[string]string{"move": "rescale", "loss": "cross-entropy", "a": "3"}), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := out.Check("above-chord"); c.Passed {
		t.Errorf("above-chord passed for the rescaled cross-entropy segment: %s", c.Detail)
	}
}
