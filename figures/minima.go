package figures

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// Helpers for experiments that train many times and classify where the
// runs end: which final losses count as the same, and whether an end is a
// local minimum.

// distinctLevels groups sorted losses into distinct values, counting
// consecutive losses closer than rel (relative) as one. It returns the
// index into sorted of the first loss of each group.
func distinctLevels(sorted []float64, rel float64) []int {
	var starts []int
	for i, l := range sorted {
		if i == 0 || l-sorted[i-1] > rel*math.Abs(l) {
			starts = append(starts, i)
		}
	}
	return starts
}

// minimumTest judges a point by the Hessian h and the gradient g there. It
// returns the smallest and largest eigenvalue of h and, when h is positive
// definite, the Newton decrement ½gᵀh⁻¹g: how much further the loss could
// fall if it were the quadratic its derivatives describe. A positive
// smallest eigenvalue and a tiny decrement say the point is a local
// minimum and the run has reached its bottom, whatever the scale of the
// gradient. The decrement is +Inf when h is not positive definite.
func minimumTest(h *mat.SymDense, g []float64) (lo, hi, decrement float64, err error) {
	ev, err := nn.Eigenvalues(h)
	if err != nil {
		return 0, 0, 0, err
	}
	lo, hi, decrement = ev[0], ev[len(ev)-1], math.Inf(1)
	var chol mat.Cholesky
	if lo > 0 && chol.Factorize(h) {
		gv := mat.NewVecDense(len(g), g)
		var step mat.VecDense
		if err := chol.SolveVecTo(&step, gv); err == nil {
			decrement = mat.Dot(gv, &step) / 2
		}
	}
	return lo, hi, decrement, nil
}
