package figures

import "testing"

// TestPartOneExtremes runs the experiments of Part I's articles at the
// extremes of their parameters: each must finish within its budget.
func TestPartOneExtremes(t *testing.T) {
	for _, e := range []string{
		"chord-segment", "double-well", "hessian-along-training", "hessian-spectrum", "line-curvature",
		"linear-three-layer", "linear-two-layer", "logistic-curvature", "ma-root-flips", "ma1-likelihood",
		"one-variable-tests", "orbit-average", "permutation-barrier", "product-surface", "quasiconvex-bump",
		"random-chords", "relu-sum", "sigmoid-curvature", "smallest-counterexample", "softmax-hessian",
		"weight-matching",
	} {
		t.Run(e, func(t *testing.T) {
			exp, ok := Default().Lookup(e)
			if !ok {
				t.Fatalf("no experiment %s", e)
			}
			finishesAtExtremes(t, exp)
		})
	}
}
