package figures

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDistinctLevels(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want []int
	}{
		{[]float64{0.1}, []int{0}},
		{[]float64{0.1, 0.1, 0.1 + 1e-9, 0.2, 0.3, 0.3}, []int{0, 3, 4}},
		{[]float64{0.28, 0.33, 0.39}, []int{0, 1, 2}},
	} {
		if got := distinctLevels(c.in, 1e-6); !slices.Equal(got, c.want) {
			t.Errorf("distinctLevels(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestMinimumTest(t *testing.T) {
	// f(x) = x₁² + 2x₂², at (0.1, −0.2): g = (0.2, −0.8), H = diag(2, 4),
	// decrement ½(0.04/2 + 0.64/4) = 0.09, which is f itself, as it must
	// be for a quadratic with minimum 0.
	h := mat.NewSymDense(2, []float64{2, 0, 0, 4})
	lo, hi, dec, err := minimumTest(h, []float64{0.2, -0.8})
	if err != nil || lo != 2 || hi != 4 || math.Abs(dec-0.09) > 1e-15 {
		t.Errorf("eigenvalues %g, %g, decrement %g, error %v", lo, hi, dec, err)
	}
	// A saddle: no decrement.
	h = mat.NewSymDense(2, []float64{2, 0, 0, -1})
	if lo, _, dec, _ := minimumTest(h, []float64{0, 0}); lo != -1 || !math.IsInf(dec, 1) {
		t.Errorf("saddle: smallest eigenvalue %g, decrement %g", lo, dec)
	}
}
