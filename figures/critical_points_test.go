package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCriticalPoints(t *testing.T) {
	out := mustDraw(t, criticalPoints, nil)
	if got := valueOf(t, out, "distinct"); got < 8 {
		t.Errorf("%g distinct critical points, want at least 8 for a meaningful rank correlation", got)
	}
	if got, want := valueOf(t, out, "zero-loss"), critZeroLoss(); math.Abs(got-want) > 1e-3 {
		t.Errorf("loss of the zero network %g, want the mean square target %g", got, want)
	}
}

// critZeroLoss is the mean of y² over the data set, the loss of the network
// that outputs 0.
func critZeroLoss() float64 {
	s := 0.0
	for i := range critPoints {
		y := math.Sin(math.Pi * (-2 + 4*float64(i)/float64(critPoints-1)) / 2)
		s += y * y
	}
	return s / critPoints
}

func TestCriticalPointsExtremes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for _, given := range []map[string]string{
		{"hidden": "3", "decay": "0.01", "runs": "6"},
		{"hidden": "6", "decay": "0.03", "runs": "6"},
		{"hidden": "6", "decay": "0.01", "runs": "24"},
	} {
		mustDraw(t, criticalPoints, given)
	}
}

func TestCritSpearman(t *testing.T) {
	for _, tc := range []struct {
		xs, ys []float64
		want   float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{[]float64{1, 2, 3, 4}, []float64{1, 4, 9, 16}, 1}, // monotone, not linear
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		// Ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4): Pearson 0.9487 = 3/√10.
		{[]float64{0, 0, 1, 2}, []float64{5, 6, 7, 8}, 3 / math.Sqrt(10)},
	} {
		if got := critSpearman(tc.xs, tc.ys); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("critSpearman(%v, %v) = %g, want %g", tc.xs, tc.ys, got, tc.want)
		}
	}
	if got, want := critRanks([]float64{3, 1, 3, 2}), []float64{3.5, 1, 3.5, 2}; !slices.Equal(got, want) {
		t.Errorf("critRanks = %v, want %v", got, want)
	}
}

// TestCritCanonical: permuting hidden units and flipping their signs gives
// the same network function, the same loss and the same canonical form.
func TestCritCanonical(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	f := newCritProblem(4, 0.01)
	net := f.Net()
	theta := net.Init(rng)
	for i := range theta {
		theta[i] += 0.1 * rng.NormFloat64()
	}
	moved := net.Permute(theta, 0, []int{2, 0, 3, 1})
	// Flip the sign of unit 1: incoming weight, bias and outgoing weight.
	for _, i := range []int{net.WeightIndex(0, 1, 0), net.BiasIndex(0, 1), net.WeightIndex(1, 0, 1)} {
		moved[i] = -moved[i]
	}
	if a, b := f.Loss(theta), f.Loss(moved); math.Abs(a-b) > 1e-14 {
		t.Fatalf("the moved copy has loss %g, the original %g", b, a)
	}
	ca, cb := critCanonical(net, theta), critCanonical(net, moved)
	if d := critDistance(ca, cb); d > 1e-15 {
		t.Errorf("canonical forms differ by %g", d)
	}
	if a, b := f.Loss(theta), f.Loss(ca); math.Abs(a-b) > 1e-14 {
		t.Errorf("the canonical form has loss %g, the original %g", b, a)
	}
}
