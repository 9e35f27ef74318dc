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

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// productSurface is the first half of claim d of the brief: a product of
// two parameters is not convex. xy is a saddle at the origin; x²y² is never
// negative, yet it is zero on both axes and positive between them, so the
// chord between two of its zeros passes under its graph.
var productSurface = &lab.Experiment{
	Name: "product-surface",
	Doc: "Contour map of a product of two parameters, xy or x²y², with its Hessian computed by " +
		"finite differences and a chord that a convex function could not have.",
	Params: []lab.Param{
		lab.Choice("function", "xy", []string{"xy", "x2y2"}, "the function drawn: the product xy or its square x²y²"),
		lab.Float("extent", 1.5, 1, 4, "the map spans [−extent, extent] in both coordinates"),
		lab.Int("grid", 101, 21, 201, "the number of grid points along each axis of the map").Costly(),
	},
	Alt: func(a lab.Args) string {
		if a.Choice("function") == "xy" {
			return "A contour map of f(x, y) = xy: positive (red) in the first and third quadrants, negative (blue) in the second and fourth, " +
				"zero on both axes. The origin is a saddle: along the diagonal y = x the surface curves up, along y = −x it curves down."
		}
		return "A contour map of f(x, y) = x²y²: zero (lightest) along both axes and rising between them. " +
			"A straight segment joins the zeros at (1, 0) and (0, 1); its midpoint (1/2, 1/2) lies where the function is positive."
	},
	Run: runProductSurface,
}

// productFunc returns f for the choice "xy" or "x2y2".
func productFunc(name string) func(x, y float64) float64 {
	if name == "xy" {
		return func(x, y float64) float64 { return x * y }
	}
	return func(x, y float64) float64 { return x * x * y * y }
}

// hessianByDifferences returns the Hessian of f at (x, y) by central differences of
// central differences (error of order step², here about 1e-8) and its
// eigenvalues in ascending order.
func hessianByDifferences(f func(x, y float64) float64, x, y float64) (*mat.SymDense, []float64) {
	h := mat.NewSymDense(2, nil)
	fd.Hessian(h, func(p []float64) float64 { return f(p[0], p[1]) }, []float64{x, y}, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		panic("figures: eigendecomposition of a 2×2 Hessian failed")
	}
	return h, es.Values(nil)
}

func runProductSurface(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	name, ext, n := args.Choice("function"), args.Float("extent"), args.Int("grid")
	f := productFunc(name)
	g := lab.SampleGrid(f, -ext, ext, -ext, ext, n)
	r := &lab.Result{Data: g.Table("x", "y", "f")}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := lab.NewPlot("", "x", "y")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -ext, ext, -ext, ext

	if name == "xy" {
		h, eig := hessianByDifferences(f, 0, 0)
		r.Float("eig-min", "%.3g", eig[0])
		r.Float("eig-max", "%.3g", eig[1])
		r.Float("h12", "%.3g", h.At(0, 1))
		r.Float("fd-error", "%.2g", math.Max(math.Abs(eig[0]+1), math.Abs(eig[1]-1)))
		r.Check("hessian-eigenvalues", "the Hessian of xy at the origin has eigenvalues −1 and +1",
			math.Abs(eig[0]+1) <= 1e-6 && math.Abs(eig[1]-1) <= 1e-6,
			"finite-difference eigenvalues %.9f and %.9f, tolerance 1e-6", eig[0], eig[1])
		// The saddle, seen along the two eigenvectors: up along y = x, down along y = −x.
		d := 0.5
		up, down := f(d, d), f(d, -d)
		r.Check("saddle", "xy rises along the diagonal y = x and falls along y = −x",
			up > 0 && down < 0, "f(½, ½) = %g and f(½, −½) = %g around f(0, 0) = 0", up, down)
		// Not even quasiconvex: a quasiconvex function never exceeds the
		// larger of its two end values on a segment. On the plane the
		// midpoint of (1, −1) and (−1, 1) breaks that; so does the
		// midpoint of (1, 4) and (4, 1) in the positive quadrant alone.
		m1, e1 := f(0, 0), math.Max(f(1, -1), f(-1, 1))
		m2, e2 := f(2.5, 2.5), math.Max(f(1, 4), f(4, 1))
		r.Float("quasi-mid", "%g", m1)
		r.Float("quasi-ends", "%g", e1)
		r.Float("quasi-mid-positive", "%g", m2)
		r.Float("quasi-ends-positive", "%g", e2)
		r.Check("not-quasiconvex", "xy is not quasiconvex, on the plane or on the positive quadrant: a midpoint exceeds both ends",
			m1 > e1 && m2 > e2, "f(0, 0) = %g > max(f(1, −1), f(−1, 1)) = %g; f(2.5, 2.5) = %g > max(f(1, 4), f(4, 1)) = %g", m1, e1, m2, e2)

		heat, lines := lab.Surface(g, lab.Diverging(), -ext*ext, ext*ext, []float64{-2, -1, -0.5, -0.25, 0.25, 0.5, 1, 2})
		rise, err := lab.Series(plotter.XYs{{X: -ext, Y: -ext}, {X: ext, Y: ext}}, 7, false)
		if err != nil {
			return nil, err
		}
		fall, err := lab.Series(plotter.XYs{{X: -ext, Y: ext}, {X: ext, Y: -ext}}, 7, true)
		if err != nil {
			return nil, err
		}
		origin, err := lab.Points(plotter.XYs{{}}, 7)
		if err != nil {
			return nil, err
		}
		p.Add(heat, lines, rise, fall, origin)
	} else {
		// Zero on the axes, positive off them.
		axisMax, offMin := 0.0, math.Inf(1)
		for row, y := range g.Ys {
			for col, x := range g.Xs {
				z := g.Zs[row][col]
				if x == 0 || y == 0 {
					axisMax = math.Max(axisMax, math.Abs(z))
				} else {
					offMin = math.Min(offMin, z)
				}
			}
		}
		a, b := [2]float64{1, 0}, [2]float64{0, 1}
		fa, fb := f(a[0], a[1]), f(b[0], b[1])
		mid := f(0.5, 0.5)
		chord := (fa + fb) / 2
		_, eig := hessianByDifferences(f, 0.5, 0.5)
		r.Float("ends", "%g", fa)
		r.Float("midpoint", "%.4g", mid)
		r.Float("chord", "%g", chord)
		r.Float("eig-min", "%.3g", eig[0])
		r.Float("eig-max", "%.3g", eig[1])
		r.Check("zero-on-axes", "x²y² is zero on both axes and positive everywhere else on the grid",
			axisMax == 0 && offMin > 0, "largest |f| on the axes %g; smallest f off them %.3g", axisMax, offMin)
		r.Check("above-chord", "the midpoint of the zeros (1, 0) and (0, 1) lies above the chord joining them",
			mid > chord, "f(½, ½) = %g > (f(1, 0) + f(0, 1))/2 = %g", mid, chord)
		r.Check("indefinite", "the Hessian of x²y² at (½, ½) has eigenvalues −½ and 3/2, of both signs",
			math.Abs(eig[0]+0.5) <= 1e-6 && math.Abs(eig[1]-1.5) <= 1e-6,
			"finite-difference eigenvalues %.9f and %.9f, tolerance 1e-6", eig[0], eig[1])

		// Contours at 1/64 and 1/16 make the rise visible on the map: the
		// segment crosses the first on its way up and touches the second at
		// its midpoint, where f = 1/16. The colours saturate at 1/2, so that
		// the low ground near the axes is not all one shade, and follow the
		// square root of f, which sets small values apart from zero.
		heat, lines := lab.Surface(g, lab.Sequential(), 0, 0.5, []float64{1.0 / 64, 1.0 / 16, 0.25, 0.5, 1, 2})
		heat.Scale = lab.PowerScale(0.5)
		heat.Label = "x²y²"
		seg, err := lab.Series(plotter.XYs{{X: a[0], Y: a[1]}, {X: b[0], Y: b[1]}}, 1, false)
		if err != nil {
			return nil, err
		}
		ends, err := lab.Points(plotter.XYs{{X: a[0], Y: a[1]}, {X: b[0], Y: b[1]}}, 1)
		if err != nil {
			return nil, err
		}
		midDot, err := lab.Points(plotter.XYs{{X: 0.5, Y: 0.5}}, 7)
		if err != nil {
			return nil, err
		}
		p.Add(heat, lines, seg, ends, midDot)

		// The same segment as a profile: f((1 − t, t)) against t.
		prof := lab.NewPlot("", "t, position on the segment from (1, 0) to (0, 1)", "x²y² on the segment")
		var along plotter.XYs
		peak := 0.0
		for i := range 101 {
			t := float64(i) / 100
			v := f(1-t, t)
			along = append(along, plotter.XY{X: t, Y: v})
			peak = math.Max(peak, v)
		}
		r.Float("profile-peak", "%.4g", peak)
		line, err := lab.Series(along, 1, false)
		if err != nil {
			return nil, err
		}
		chordLine, err := lab.Series(plotter.XYs{{X: 0, Y: fa}, {X: 1, Y: fb}}, 7, true)
		if err != nil {
			return nil, err
		}
		chordLine.Color = lab.Gray
		top, err := lab.Points(plotter.XYs{{X: 0.5, Y: mid}}, 7)
		if err != nil {
			return nil, err
		}
		prof.Add(chordLine, line, top)
		prof.Legend.Add("x²y² along the segment", line)
		prof.Legend.Add("the chord", chordLine)
		prof.Legend.Top = true
		prof.X.Min, prof.X.Max = 0, 1
		prof.Y.Min, prof.Y.Max = -0.01, 1.6*peak
		r.Plots = []*plot.Plot{p, prof}
		r.Cols = 1
		r.Width, r.Height = lab.PanelWidth, lab.PanelWidth*0.85
		return r, nil
	}
	r.Plots = []*plot.Plot{p}
	r.Width, r.Height = lab.PanelWidth, lab.PanelWidth*0.85
	return r, nil
}

// linearTwoLayer is the second half of claim d: the linear network
// y = w₂w₁x, fitted to the single example (1, 1), has loss (w₁w₂ − 1)².
// Its function class is linear, its loss in the weights is not convex.
var linearTwoLayer = &lab.Experiment{
	Name: "linear-two-layer",
	Doc: "Contour map of the loss (w₁w₂ − 1)² of a two-layer linear network on one example, with its " +
		"hyperbola of minima and the segment from (1, 1) to (−1, −1), computed by the network.",
	Params: []lab.Param{
		lab.Float("extent", 2, 1.25, 4, "the map spans [−extent, extent] in both weights"),
		lab.Int("grid", 101, 21, 201, "the number of grid points along each axis of the map").Costly(),
		lab.Int("points", 201, 3, 10001, "the number of equally spaced values of t on the segment").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "A contour map of the loss (w₁w₂ − 1)² over the plane of the two weights. The loss is zero on the two branches of the hyperbola w₁w₂ = 1, " +
			"one in the first quadrant and one in the third, and equals 1 on both axes, which separate the branches. " +
			"The straight segment from (1, 1) to (−1, −1) crosses from one branch to the other through the origin, where the loss is 1."
	},
	Run: runLinearTwoLayer,
}

// linearChain returns the bias-free linear network with depth one-unit
// layers, fitted by square loss to the single example x = 1, y = 1, so that
// its objective is (w₁w₂⋯w_depth − 1)².
func linearChain(depth int) *nn.Objective {
	sizes := make([]int, depth+1)
	acts := make([]nn.Activation, depth)
	for i := range sizes {
		sizes[i] = 1
	}
	for i := range acts {
		acts[i] = nn.Linear
	}
	net := nn.NewBiasFree(sizes, acts)
	one := mat.NewDense(1, 1, []float64{1})
	return nn.NewObjective(net, nn.Square, nn.Data{X: one, Y: one})
}

func runLinearTwoLayer(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	ext, n, m := args.Float("extent"), args.Int("grid"), args.Int("points")
	obj := linearChain(2)
	loss := func(w1, w2 float64) float64 { return obj.Loss([]float64{w1, w2}) }
	g := lab.SampleGrid(loss, -ext, ext, -ext, ext, n)
	r := &lab.Result{Data: lab.Table{Header: []string{"series", "w1", "w2", "t", "loss"}}}
	for row, w2 := range g.Ys {
		for col, w1 := range g.Xs {
			r.Data.Add("map", w1, w2, "", g.Zs[row][col])
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// The Hessian at the origin, from the network, against [[0, −2], [−2, 0]].
	h := obj.Hessian([]float64{0, 0})
	want := mat.NewSymDense(2, []float64{0, -2, -2, 0})
	hErr := 0.0
	for i := range 2 {
		for j := range 2 {
			hErr = math.Max(hErr, math.Abs(h.At(i, j)-want.At(i, j)))
		}
	}
	eig, err := nn.Eigenvalues(h)
	if err != nil {
		return nil, err
	}

	// The segment from (1, 1) to (−1, −1) against 16t²(1−t)².
	a, b := []float64{1, 1}, []float64{-1, -1}
	theta := make([]float64, 2)
	segErr, segMax := 0.0, 0.0
	var segment plotter.XYs
	for i := range m {
		t := float64(i) / float64(m-1)
		nn.InterpolateTo(theta, a, b, t)
		l := obj.Loss(theta)
		segErr = math.Max(segErr, math.Abs(l-16*t*t*(1-t)*(1-t)))
		segMax = math.Max(segMax, l)
		r.Data.Add("segment", theta[0], theta[1], t, l)
		segment = append(segment, plotter.XY{X: theta[0], Y: theta[1]})
	}
	mid := obj.Loss(nn.Interpolate(a, b, 0.5))

	// Minima on both branches of w₁w₂ = 1, and the barrier between them:
	// the product w₁w₂ is continuous, so a path from one branch to the
	// other meets w₁w₂ ≤ 0, where the loss is at least 1.
	var branchMax float64
	var branches [2]plotter.XYs
	for i := range 61 {
		s := 1 / ext * math.Pow(ext*ext, float64(i)/60) // w₁ from 1/ext to ext, log-spaced
		for k, sign := range []float64{1, -1} {
			w1, w2 := sign*s, sign/s
			l := loss(w1, w2)
			branchMax = math.Max(branchMax, l)
			branches[k] = append(branches[k], plotter.XY{X: w1, Y: w2})
			r.Data.Add(fmt.Sprintf("branch%d", k+1), w1, w2, "", l)
		}
	}
	barrier := math.Inf(1)
	for row, w2 := range g.Ys {
		for col, w1 := range g.Xs {
			if w1*w2 <= 0 {
				barrier = math.Min(barrier, g.Zs[row][col])
			}
		}
	}

	r.Float("h12", "%.3g", h.At(0, 1))
	r.Float("h11", "%.3g", h.At(0, 0))
	r.Float("eig-min", "%.3g", eig[0])
	r.Float("eig-max", "%.3g", eig[1])
	r.Float("hessian-error", "%.2g", hErr)
	r.Float("segment-error", "%.2g", segErr)
	r.Float("midpoint", "%.4g", mid)
	r.Float("branch-max", "%.2g", branchMax)
	r.Float("barrier", "%.4g", barrier)
	r.Int("points", m)
	r.Check("hessian", "the network's Hessian at the origin is [[0, −2], [−2, 0]], with eigenvalues −2 and +2",
		hErr <= 1e-12 && math.Abs(eig[0]+2) <= 1e-12 && math.Abs(eig[1]-2) <= 1e-12,
		"largest entry error %.2g, eigenvalues %.15g and %.15g, tolerance 1e-12", hErr, eig[0], eig[1])
	r.Check("segment", "the loss along the segment from (1, 1) to (−1, −1) equals 16t²(1−t)²",
		segErr <= 1e-12, "largest difference %.2g over %d points, tolerance 1e-12", segErr, m)
	r.Check("midpoint", "the loss at the midpoint of the segment is 1, above the chord at 0",
		math.Abs(mid-1) <= 1e-12 && loss(1, 1) == 0 && loss(-1, -1) == 0,
		"L(0, 0) = %g, L(1, 1) = %g, L(−1, −1) = %g", mid, loss(1, 1), loss(-1, -1))
	r.Check("two-branches", "the loss is zero on both branches of the hyperbola w₁w₂ = 1",
		branchMax <= 1e-12, "largest loss at %d points on each branch: %.2g", len(branches[0]), branchMax)
	r.Check("barrier", "every grid point with w₁w₂ ≤ 0, which any path between the branches must cross, has loss at least 1",
		barrier >= 1, "smallest loss there %g", barrier)
	// Breaking the sign symmetry (keeping w₁ > 0) leaves one branch, and
	// the loss is still not convex on it: the chord between two of its
	// points, (1, 1) and (2, ½), passes under the loss at its midpoint.
	onBranch := loss(1.5, 0.75)
	r.Float("branch-midpoint", "%.4g", onBranch)
	r.Check("one-branch", "with w₁ > 0 only, the midpoint of the zeros (1, 1) and (2, ½) has a positive loss",
		onBranch > 0 && loss(1, 1) == 0 && loss(2, 0.5) == 0, "L(1.5, 0.75) = %g, L(1, 1) = %g, L(2, ½) = %g", onBranch, loss(1, 1), loss(2, 0.5))

	heat, lines := lab.Surface(g, lab.Sequential(), 0, 4, []float64{0.05, 0.25, 0.5, 2, 4})
	p := lab.NewPlot("", "w₁", "w₂")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -ext, ext, -ext, ext
	p.Add(heat, lines)
	for k := range branches {
		l, err := lab.Series(branches[k], 1, false)
		if err != nil {
			return nil, err
		}
		p.Add(l)
	}
	seg, err := lab.Series(segment, 7, true)
	if err != nil {
		return nil, err
	}
	ends, err := lab.Points(plotter.XYs{{X: 1, Y: 1}, {X: -1, Y: -1}}, 1)
	if err != nil {
		return nil, err
	}
	origin, err := lab.Points(plotter.XYs{{}}, 7)
	if err != nil {
		return nil, err
	}
	p.Add(seg, ends, origin)
	r.Plots = []*plot.Plot{p}
	r.Width, r.Height = lab.PanelWidth, lab.PanelWidth*0.85
	return r, nil
}

// linearThreeLayer is the depth-3 end of claim d: the loss
// (w₁w₂w₃ − 1)² has zero gradient and zero Hessian at the origin, yet the
// origin is a saddle; the third-order term −2s³ along (s, s, s) shows it.
var linearThreeLayer = &lab.Experiment{
	Name: "linear-three-layer",
	Doc: "The loss (w₁w₂w₃ − 1)² of a three-layer linear network along the line w₁ = w₂ = w₃ = s, " +
		"with its second- and third-order models at the origin, where the Hessian is zero.",
	Params: []lab.Param{
		lab.Float("smax", 1.25, 1, 1.5, "the plot spans s from −1 to smax"),
		lab.Int("points", 226, 3, 10001, "the number of equally spaced values of s").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "The loss along the line w₁ = w₂ = w₃ = s falls steadily from 4 at s = −1 through 1 at the origin to 0 at s = 1, then rises again. " +
			"The second-order model at the origin is the flat line at 1; the third-order model 1 − 2s³ follows the loss near the origin."
	},
	Run: runLinearThreeLayer,
}

// thirdDerivativeAtZero returns the third derivative of f at 0 by the central
// difference (f(2h) − 2f(h) + 2f(−h) − f(−2h)) / 2h³, which is exact for
// polynomials of degree at most 4, apart from rounding.
func thirdDerivativeAtZero(f func(s float64) float64, h float64) float64 {
	return (f(2*h) - 2*f(h) + 2*f(-h) - f(-2*h)) / (2 * h * h * h)
}

func runLinearThreeLayer(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	smax, m := args.Float("smax"), args.Int("points")
	obj := linearChain(3)
	along := func(s float64) float64 { return obj.Loss([]float64{s, s, s}) }

	origin := []float64{0, 0, 0}
	grad := make([]float64, 3)
	l0 := obj.Grad(origin, grad)
	gradNorm := math.Sqrt(mat.Dot(mat.NewVecDense(3, grad), mat.NewVecDense(3, grad)))
	eig, err := nn.Eigenvalues(obj.Hessian(origin))
	if err != nil {
		return nil, err
	}
	eigMax := math.Max(math.Abs(eig[0]), math.Abs(eig[2]))
	// The third derivative along (s, s, s): (s³ − 1)² = 1 − 2s³ + s⁶ gives −12.
	d3 := thirdDerivativeAtZero(along, 1e-2)
	delta := 0.1
	before, after := along(-delta), along(delta)

	r := &lab.Result{Data: lab.Table{Header: []string{"series", "s", "loss"}}}
	var loss, cubic plotter.XYs
	lineErr := 0.0
	for i := range m {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s := -1 + (smax+1)*float64(i)/float64(m-1)
		l := along(s)
		c := s*s*s - 1
		lineErr = math.Max(lineErr, math.Abs(l-c*c))
		r.Data.Add("loss", s, l)
		loss = append(loss, plotter.XY{X: s, Y: l})
	}
	for i := range 101 {
		s := -0.85 + 1.65*float64(i)/100
		c := 1 - 2*s*s*s
		r.Data.Add("third-order model", s, c)
		cubic = append(cubic, plotter.XY{X: s, Y: c})
	}

	r.Float("loss-origin", "%g", l0)
	r.Float("grad-norm", "%g", gradNorm)
	r.Float("eig-max", "%.1g", eigMax)
	r.Float("third-derivative", "%.4g", d3)
	r.Float("delta", "%g", delta)
	r.Float("before", "%.6f", before)
	r.Float("after", "%.6f", after)
	r.Float("line-error", "%.2g", lineErr)
	r.Check("critical", "the gradient at the origin is zero",
		gradNorm == 0, "|∇L(0)| = %g", gradNorm)
	r.Check("zero-hessian", "every eigenvalue of the network's Hessian at the origin is zero",
		eigMax <= 1e-12, "eigenvalues %g, %g, %g", eig[0], eig[1], eig[2])
	r.Check("line", "the loss the network computes along w₁ = w₂ = w₃ = s equals (s³ − 1)²",
		lineErr <= 1e-12, "largest difference %.2g over %d points, tolerance 1e-12", lineErr, m)
	r.Check("saddle", "the loss is higher just before the origin and lower just after it along that line",
		before > l0 && l0 > after, "L at s = −%g, 0, %g: %.9f, %g, %.9f", delta, delta, before, l0, after)
	r.Check("third-order", "the third derivative along the line at the origin is −12, the term −2s³ that the Hessian cannot see",
		math.Abs(d3+12) <= 1e-6, "central difference %.12g, closed form −12", d3)

	p := lab.NewPlot("", "s, with w₁ = w₂ = w₃ = s", "loss L(s, s, s)")
	flat, err := lab.Series(plotter.XYs{{X: -1, Y: 1}, {X: smax, Y: 1}}, 7, true)
	if err != nil {
		return nil, err
	}
	flat.Color = lab.Gray
	curve, err := lab.Series(loss, 0, false)
	if err != nil {
		return nil, err
	}
	model, err := lab.Series(cubic, 1, true)
	if err != nil {
		return nil, err
	}
	dot, err := lab.Points(plotter.XYs{{X: 0, Y: l0}}, 7)
	if err != nil {
		return nil, err
	}
	p.Add(flat, model, curve, dot)
	p.X.Min, p.X.Max = -1, smax
	p.Y.Min, p.Y.Max = -0.2, 5.4 // headroom for the legend
	p.Y.Tick.Marker = lab.TicksAt(0, 1, 2, 3, 4)
	p.X.Tick.Marker = lab.TicksAt(-1, -0.5, 0, 0.5, 1)
	p.Legend.Add("loss (s³ − 1)², computed by the network", curve)
	p.Legend.Add("third-order model 1 − 2s³", model)
	p.Legend.Add("second-order model: flat at 1", flat)
	r.Plots = []*plot.Plot{p}
	return r, nil
}
