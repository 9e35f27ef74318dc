package figures

import (
	"math"
	"math/rand/v2"
	"testing"
)

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
