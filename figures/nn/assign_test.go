package nn_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// bruteForce returns the least total cost over all n! assignments.
func bruteForce(c *mat.Dense) float64 {
	n, _ := c.Dims()
	best := math.Inf(1)
	for p := range nn.Permutations(n) {
		s := 0.0
		for i, j := range p {
			s += c.At(i, j)
		}
		best = min(best, s)
	}
	return best
}

func isPerm(p []int) bool {
	s := slices.Clone(p)
	slices.Sort(s)
	for i, v := range s {
		if v != i {
			return false
		}
	}
	return true
}

func TestAssignMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 0))
	gens := []struct {
		name string
		draw func() float64
	}{
		{"normal", rng.NormFloat64},
		{"ties", func() float64 { return float64(rng.IntN(3)) }},              // many optimal assignments
		{"scaled", func() float64 { return 1e6 * (rng.Float64() - 0.5) }},     // large and negative
		{"spread", func() float64 { return math.Exp(8 * rng.NormFloat64()) }}, // magnitudes differ wildly
	}
	for _, g := range gens {
		for n := 1; n <= 7; n++ {
			for range 20 {
				c := mat.NewDense(n, n, nil)
				for i := range n {
					for j := range n {
						c.Set(i, j, g.draw())
					}
				}
				perm, total := nn.Assign(c)
				if !isPerm(perm) {
					t.Fatalf("%s n=%d: %v is not a permutation", g.name, n, perm)
				}
				sum := 0.0
				for i, j := range perm {
					sum += c.At(i, j)
				}
				if sum != total {
					t.Errorf("%s n=%d: reported total %g, permutation costs %g", g.name, n, total, sum)
				}
				want := bruteForce(c)
				if math.Abs(total-want) > 1e-12*max(1, math.Abs(want)) {
					t.Errorf("%s n=%d: Hungarian total %.17g, brute force %.17g\n%v", g.name, n, total, want, mat.Formatted(c))
				}
			}
		}
	}
}

func TestAssignRecoversPlantedPermutation(t *testing.T) {
	// Cost 0 on a planted permutation and 1 elsewhere has that permutation
	// as its unique optimum.
	rng := rand.New(rand.NewPCG(9, 0))
	for _, n := range []int{1, 2, 5, 30, 100} {
		want := rng.Perm(n)
		c := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				if j != want[i] {
					c.Set(i, j, 1+rng.Float64())
				}
			}
		}
		if got, total := nn.Assign(c); !slices.Equal(got, want) || total != 0 {
			t.Errorf("n=%d: got %v (total %g), want %v", n, got, total, want)
		}
	}
}
