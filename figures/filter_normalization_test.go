package figures

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

func TestFilterNormalizationDefaults(t *testing.T) {
	out := mustDraw(t, filterNormalization, nil)
	if d := valueOf(t, out, "raw-diff"); d < 1 {
		t.Errorf("raw slices differ by %g of their range, want more than all of it", d)
	}
}

func TestFilterNormalizedSlicesIgnoreLayerScales(t *testing.T) {
	// In a net with two hidden layers, scale the first by 7 and the second
	// by 0.3 (each undone in the layer after it): the function is the same,
	// and filter normalisation, which rescales each unit's incoming weights
	// to their norm, draws the same slice.
	rng := rand.New(rand.NewPCG(7, 0))
	net := nn.New([]int{2, 4, 3, 1}, []nn.Activation{nn.ReLU, nn.ReLU, nn.Linear})
	obj := nn.NewObjective(net, nn.Square, landData())
	theta := net.Init(rng)
	for i := range theta {
		theta[i] += 0.1 * rng.NormFloat64() // nonzero biases too
	}
	scaled := net.Rescale(net.Rescale(theta, 0, 7), 1, 0.3)
	d1, d2 := nn.RandomDirection(rng, len(theta)), nn.RandomDirection(rng, len(theta))
	slice := func(center []float64) *lab.Grid {
		e1, e2 := slices.Clone(d1), slices.Clone(d2)
		net.FilterNormalize(e1, center)
		net.FilterNormalize(e2, center)
		return fnSlice(obj, center, e1, e2, 0.8, 9)
	}
	if diff, top := fnMaxDiff(slice(theta), slice(scaled)); diff > 1e-12*top {
		t.Errorf("filter-normalised slices differ by %g (largest loss %g)", diff, top)
	}
	if raw, top := fnMaxDiff(fnSlice(obj, theta, d1, d2, 0.8, 9), fnSlice(obj, scaled, d1, d2, 0.8, 9)); raw < 0.1*top {
		t.Errorf("raw slices differ by only %g (largest loss %g)", raw, top)
	}
}

func TestFilterNormalizationRawCheckCanFail(t *testing.T) {
	// With c = 1 the copy is the network itself, so the raw slices agree
	// and the claim that they differ must fail.
	out, err := lab.Execute(t.Context(), filterNormalization.MustParse(map[string]string{"scale": "1", "grid": "11"}), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := out.Check("raw-differ"); c.Passed {
		t.Errorf("raw-differ passed with scale 1: %s", c.Detail)
	}
}
