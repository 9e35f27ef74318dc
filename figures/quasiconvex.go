package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// quasiconvexBump is the second half of claim l of the brief: an indefinite
// Hessian proves a function is not convex, but not that it is hard to
// minimise. f(x, y) = −exp(−(x² + y²)) has one minimum and sublevel sets
// that are discs (it is quasiconvex), yet outside the circle r = 1/√2 its
// Hessian has a negative eigenvalue: −2/e and +2/e at (1, 0).
var quasiconvexBump = &lab.Experiment{
	Name: "quasiconvex-bump",
	Doc: "Contour map of f(x, y) = −exp(−(x² + y²)), a function with one minimum and disc-shaped sublevel sets " +
		"whose Hessian is indefinite outside the circle r = 1/√2.",
	Params: []lab.Param{
		lab.Float("x0", 1, 0, 2, "the x coordinate of the point (x0, 0) where the Hessian is evaluated"),
		lab.Float("extent", 2.5, 1.5, 4, "the map spans [−extent, extent] in both coordinates"),
		lab.Int("grid", 121, 41, 201, "the number of grid points along each axis of the map").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "A contour map of f(x, y) = −exp(−(x² + y²)): concentric circular contours around a single minimum at the origin, " +
			"darkest at the centre. A dashed circle of radius 1/√2 marks where the Hessian stops being positive definite: " +
			"outside it the surface curves down along the radius and up around the circle. A dot marks the point (1, 0), with short " +
			"segments along its two curvature directions."
	},
	Run: runQuasiconvexBump,
}

// qcBump returns f(x, y) = −exp(−(x² + y²)).
func qcBump(x, y float64) float64 { return -math.Exp(-(x*x + y*y)) }

// qcHessian returns the exact Hessian of qcBump at (x, y):
// e^{−r²} [[2 − 4x², −4xy], [−4xy, 2 − 4y²]].
func qcHessian(x, y float64) *mat.SymDense {
	e := math.Exp(-(x*x + y*y))
	return mat.NewSymDense(2, []float64{(2 - 4*x*x) * e, -4 * x * y * e, -4 * x * y * e, (2 - 4*y*y) * e})
}

// qcEigen returns the closed-form eigenvalues of the Hessian at distance r
// from the origin, ascending: 2(1 − 2r²)e^{−r²} along the radius and
// 2e^{−r²} around the circle.
func qcEigen(r float64) (radial, tangential float64) {
	e := math.Exp(-r * r)
	return 2 * (1 - 2*r*r) * e, 2 * e
}

// qcRadialMonotone reports whether f increases strictly along each of n
// rays from the origin, sampled at m points out to radius rmax. Together
// with f's rotational symmetry that makes every sublevel set a disc.
func qcRadialMonotone(n, m int, rmax float64) (bool, float64) {
	worst := math.Inf(1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		prev := qcBump(0, 0)
		for i := 1; i <= m; i++ {
			r := rmax * float64(i) / float64(m)
			v := qcBump(r*math.Cos(a), r*math.Sin(a))
			worst = math.Min(worst, v-prev)
			prev = v
		}
	}
	return worst > 0, worst
}

func runQuasiconvexBump(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	x0, ext, n := args.Float("x0"), args.Float("extent"), args.Int("grid")
	g := lab.SampleGrid(qcBump, -ext, ext, -ext, ext, n)
	r := &lab.Result{Data: g.Table("x", "y", "f")}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	h := qcHessian(x0, 0)
	eig, err := nn.Eigenvalues(h)
	if err != nil {
		return nil, err
	}
	wantLo, wantHi := qcEigen(x0)
	if wantLo > wantHi {
		wantLo, wantHi = wantHi, wantLo
	}
	eigErr := math.Max(math.Abs(eig[0]-wantLo), math.Abs(eig[1]-wantHi))
	hfd := mat.NewSymDense(2, nil)
	fd.Hessian(hfd, func(p []float64) float64 { return qcBump(p[0], p[1]) }, []float64{x0, 0}, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	fdErr := 0.0
	for i := range 2 {
		for j := range 2 {
			fdErr = math.Max(fdErr, math.Abs(hfd.At(i, j)-h.At(i, j)))
		}
	}
	monotone, rise := qcRadialMonotone(72, 400, 4)
	// A chord that passes below the graph: from (x0, 0) out to (x0 + 2, 0).
	fa, fb, fm := qcBump(x0, 0), qcBump(x0+2, 0), qcBump(x0+1, 0)
	chord := (fa + fb) / 2

	r.Float("eig-min", "%.6f", eig[0])
	r.Float("eig-max", "%.6f", eig[1])
	r.Float("two-over-e", "%.6f", 2/math.E)
	r.Float("eig-error", "%.1g", eigErr)
	r.Float("fd-error", "%.1e", fdErr)
	r.Float("x0", "%g", x0)
	r.Float("radius", "%.4f", 1/math.Sqrt2)
	r.Float("chord-a", "%.3g", fa)
	r.Float("chord-b", "%.3g", fb)
	r.Float("chord-mid", "%.3g", fm)
	r.Float("chord", "%.3g", chord)
	at := fmt.Sprintf("(%g, 0)", x0)
	r.Check("eigenvalues", "the Hessian's eigenvalues at "+at+" equal their closed forms 2(1 − 2r²)exp(−r²) and 2 exp(−r²) with r = "+fmt.Sprint(x0),
		eigErr <= 1e-12, "eigenvalues %.15f and %.15f, largest error %.1g, tolerance 1e-12", eig[0], eig[1], eigErr)
	if x0 == 1 {
		r.Check("plus-minus-two-over-e", "at (1, 0) the eigenvalues are −2/e and +2/e",
			math.Abs(eig[0]+2/math.E) <= 1e-12 && math.Abs(eig[1]-2/math.E) <= 1e-12,
			"%.15f and %.15f; 2/e = %.15f", eig[0], eig[1], 2/math.E)
	}
	r.Check("matches-fd", "the closed-form Hessian agrees with finite differences of f",
		fdErr <= 1e-6, "largest difference %.1e, tolerance 1e-6", fdErr)
	r.Check("sublevel-discs", "f rises strictly along every ray from the origin, so every sublevel set is convex (a disc, the whole plane or empty) and the origin is the only minimum",
		monotone, "smallest rise between neighbouring samples %.1e on 72 rays of 400 samples out to r = 4", rise)
	r.Check("not-convex", fmt.Sprintf("the chord from %s to (%g, 0) passes below the graph", at, x0+2),
		fm > chord, "f(%g, 0) = %.4f > (f(%g, 0) + f(%g, 0))/2 = %.4f", x0+1, fm, x0, x0+2, chord)

	p := lab.NewPlot("", "x", "y")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -ext, ext, -ext, ext
	heat, lines := lab.Surface(g, lab.Sequential(), -1, 0, []float64{-0.9, -0.7, -0.5, -0.3, -0.1, -0.02})
	// Sequential runs light to dark with the value; reverse it so the
	// minimum, the lowest value, is the darkest.
	heat.Palette = lab.Reversed(lab.Sequential())
	var circle plotter.XYs
	for k := 0; k <= 120; k++ {
		a := 2 * math.Pi * float64(k) / 120
		circle = append(circle, plotter.XY{X: math.Cos(a) / math.Sqrt2, Y: math.Sin(a) / math.Sqrt2})
	}
	ring, err := lab.Series(circle, 7, true)
	if err != nil {
		return nil, err
	}
	ring.Color = lab.Palette[4]
	d := 0.45
	down, err := lab.Series(plotter.XYs{{X: x0 - d, Y: 0}, {X: x0 + d, Y: 0}}, 1, false)
	if err != nil {
		return nil, err
	}
	up, err := lab.Series(plotter.XYs{{X: x0, Y: -d}, {X: x0, Y: d}}, 0, false)
	if err != nil {
		return nil, err
	}
	for _, l := range []*plotter.Line{down, up} {
		l.Width = vg.Points(3)
	}
	dot, err := lab.Points(plotter.XYs{{X: x0, Y: 0}}, 7)
	if err != nil {
		return nil, err
	}
	p.Add(heat, lines, ring, down, up, dot)
	p.Legend.Add("r = 1/√2: Hessian indefinite outside", ring)
	p.Legend.Add("curves down (radial)", down)
	p.Legend.Add("curves up (around)", up)
	p.Legend.Top, p.Legend.Left = true, false
	p.X.Tick.Marker, p.Y.Tick.Marker = lab.IntTicks(-ext, ext), lab.IntTicks(-ext, ext)
	r.Plots = []*plot.Plot{p}
	r.Width = lab.PanelWidth
	r.Height = lab.SquareHeight(p, lab.PanelWidth)
	return r, nil
}
