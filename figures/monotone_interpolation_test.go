package figures

import "testing"

func TestMonotoneInterpolationDefaults(t *testing.T) {
	out := mustDraw(t, monotoneInterpolation, nil)
	if m, runs := valueOf(t, out, "monotone"), valueOf(t, out, "runs"); m+valueOf(t, out, "not-monotone") != runs {
		t.Errorf("%g monotone and %g other segments of %g", m, valueOf(t, out, "not-monotone"), runs)
	}
}

func TestMIRise(t *testing.T) {
	for _, c := range []struct {
		name string
		ls   []float64
		rise float64
		at   int
	}{
		{"falling", []float64{4, 3, 1, 0.5}, 0, 0},
		{"flat", []float64{2, 2, 2}, 0, 0},
		{"rises first", []float64{1, 1.25, 1.5, 0.5}, 0.5, 2},
		// The climb counts from the lowest point before it, not from the start.
		{"dips then climbs", []float64{4, 1, 3, 2, 0}, 2, 2},
		{"two bumps", []float64{5, 1, 1.5, 0.5, 2.5, 0}, 2, 4},
	} {
		rise, at := miRise(c.ls)
		if rise != c.rise || at != c.at {
			t.Errorf("%s: climb %g at %d, want %g at %d", c.name, rise, at, c.rise, c.at)
		}
		if got, want := (miRun{losses: c.ls, rise: rise}).monotone(), c.rise == 0; got != want {
			t.Errorf("%s: monotone() = %v", c.name, got)
		}
	}
}
