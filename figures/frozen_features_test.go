package figures

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestFrozenFeatures(t *testing.T) {
	mustDraw(t, frozenFeatures, nil)
	for _, params := range []map[string]string{
		{"points": "20", "draws": "4"},
		{"points": "200", "draws": "50"},
		{"seed": "5"},
	} {
		mustDraw(t, frozenFeatures, params)
	}
}

func TestRandomFeaturesFit(t *testing.T) {
	x, _ := frozenData(30)
	a := []float64{1, -1, 2, 0.5}
	b := []float64{0.2, 0.3, -1, 0.9}
	// Targets the features can represent exactly are fitted exactly.
	y := make([]float64, len(x))
	for i, xi := range x {
		for j, c := range []float64{1, -2, 0.5, 3} {
			y[i] += c * math.Max(a[j]*xi+b[j], 0)
		}
	}
	if mse, orth := randomFeaturesFit(x, y, a, b); mse > 1e-25 || orth > 1e-12 {
		t.Errorf("representable targets: mse %g, orthogonality %g", mse, orth)
	}
	// Otherwise the fit is the least-squares one: compare with QR.
	_, y = frozenData(30)
	mse, _ := randomFeaturesFit(x, y, a, b)
	phi := mat.NewDense(len(x), len(a), nil)
	for i, xi := range x {
		for j := range a {
			phi.Set(i, j, math.Max(a[j]*xi+b[j], 0))
		}
	}
	var alpha, fit mat.Dense
	if err := alpha.Solve(phi, mat.NewDense(len(y), 1, y)); err != nil {
		t.Fatal(err)
	}
	fit.Mul(phi, &alpha)
	want := 0.0
	for i := range y {
		want += (fit.At(i, 0) - y[i]) * (fit.At(i, 0) - y[i]) / float64(len(y))
	}
	if math.Abs(mse-want) > 1e-12*want {
		t.Errorf("mse %.15g, by QR %.15g", mse, want)
	}
	// Features that are off everywhere give the zero fit.
	if mse, _ := randomFeaturesFit(x, y, []float64{1}, []float64{-5}); math.Abs(mse-meanSquare(y)) > 1e-15 {
		t.Errorf("dead feature: mse %g, want the mean square of y %g", mse, meanSquare(y))
	}
}

func meanSquare(y []float64) float64 {
	s := 0.0
	for _, v := range y {
		s += v * v
	}
	return s / float64(len(y))
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %g, want %g", c.xs, got, c.want)
		}
	}
}
