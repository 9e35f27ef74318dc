package figures

import (
	"math"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
)

func TestLandData(t *testing.T) {
	d := landData()
	n, cols := d.X.Dims()
	if n != landSide*landSide || cols != 2 {
		t.Fatalf("inputs %d×%d, want %d×2", n, cols, landSide*landSide)
	}
	corners := map[[2]float64]bool{}
	for i := range n {
		x1, x2 := d.X.At(i, 0), d.X.At(i, 1)
		if x1 < -1 || x1 > 1 || x2 < -1 || x2 > 1 {
			t.Errorf("input %d = (%g, %g) outside [−1, 1]²", i, x1, x2)
		}
		if math.Abs(x1) == 1 && math.Abs(x2) == 1 {
			corners[[2]float64{x1, x2}] = true
		}
		if y := d.Y.At(i, 0); y != math.Sin(3*x1)*math.Cos(2*x2) {
			t.Errorf("target %d = %g, want sin(3·%g)cos(2·%g)", i, y, x1, x2)
		}
	}
	if len(corners) != 4 {
		t.Errorf("the grid reaches %d of the 4 corners", len(corners))
	}
}

func TestLogGrid(t *testing.T) {
	g := &lab.Grid{Xs: []float64{0, 1}, Ys: []float64{0}, Zs: [][]float64{{0.01, 1000}}}
	l := logGrid(g)
	if lo, hi := l.Range(); lo != -2 || hi != 3 {
		t.Errorf("log range [%g, %g], want [−2, 3]", lo, hi)
	}
	if g.Zs[0][0] != 0.01 {
		t.Error("logGrid changed its input")
	}
}
