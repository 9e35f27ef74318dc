package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestModeConnectivityDefaults(t *testing.T) {
	out := mustDraw(t, modeConnectivity, nil)
	if r := valueOf(t, out, "ratio"); !(r > 0) {
		t.Errorf("curve barrier / segment barrier = %g, want a positive ratio", r)
	}
}

func TestMCPlane(t *testing.T) {
	a, b, m := []float64{1, 1, 1}, []float64{4, 5, 1}, []float64{0, 0, 3}
	u, w, coords := mcPlane(a, b, m)
	if math.Abs(floats.Norm(u, 2)-1) > 1e-15 || math.Abs(floats.Norm(w, 2)-1) > 1e-15 || math.Abs(floats.Dot(u, w)) > 1e-15 {
		t.Errorf("basis u = %v, w = %v is not orthonormal", u, w)
	}
	for _, c := range []struct {
		name string
		p    []float64
		x, y float64
	}{
		{"a", a, 0, 0},
		{"b", b, 5, 0}, // |b − a| = |(3, 4, 0)| = 5
	} {
		if x, y := coords(c.p); math.Abs(x-c.x) > 1e-14 || math.Abs(y-c.y) > 1e-14 {
			t.Errorf("%s at (%g, %g), want (%g, %g)", c.name, x, y, c.x, c.y)
		}
	}
	// m lies in the plane: its coordinates rebuild it.
	x, y := coords(m)
	back := make([]float64, 3)
	for i := range back {
		back[i] = a[i] + x*u[i] + y*w[i]
	}
	if !floats.EqualApprox(back, m, 1e-14) {
		t.Errorf("m rebuilt from (%g, %g) as %v", x, y, back)
	}
}
