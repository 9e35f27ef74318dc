package figures

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// The toy data set of the experiments that compare models in weight space
// (random-chords, chord-segment, line-curvature). It lives in a file of its
// own, which no experiment owns, so that editing it reruns all of them.

// moonsData returns n points of two interleaved half-moons in the plane,
// labels alternating 0 and 1, with Gaussian noise of the given size. The
// moons interleave, so a straight line separates them at best roughly.
func moonsData(rng *rand.Rand, n int, noise float64) nn.Data {
	X := mat.NewDense(n, 2, nil)
	Y := mat.NewDense(n, 1, nil)
	for i := range n {
		c := i % 2
		a := math.Pi * rng.Float64()
		x, y := math.Cos(a), math.Sin(a)
		if c == 1 {
			x, y = 1-x, 0.5-y
		}
		X.Set(i, 0, x+noise*rng.NormFloat64())
		X.Set(i, 1, y+noise*rng.NormFloat64())
		Y.Set(i, 0, float64(c))
	}
	return nn.Data{X: X, Y: Y}
}

// moonsNoise is the noise of the toy data set.
const moonsNoise = 0.2
