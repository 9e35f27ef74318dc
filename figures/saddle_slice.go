package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// saddleSlice is the second half of the first row of claim i of the brief:
// a picture of the loss on a plane through a point shows two of its many
// directions. The point is a saddle of a tanh network's loss, found by
// training from a start whose first two hidden units are identical: the
// loss treats the twins alike, so training keeps them identical and ends
// at the best network with twin units, where the gradient vanishes. Pulling
// the twins apart lowers the loss, so the point is not a minimum, yet a
// slice along two random filter-normalised directions shows a bowl with the
// point at its bottom.
var saddleSlice = &lab.Experiment{
	Name: "saddle-slice",
	Doc: "A 2-D slice of a tanh network's loss along two random filter-normalised directions through a saddle point, " +
		"beside the loss along the Hessian's eigenvector of most negative eigenvalue, which the slice barely contains.",
	Params: []lab.Param{
		lab.Int("hidden", 6, 3, 8, "the number of hidden tanh units h of the student, two of them twins; at most the teacher's 8, so that it cannot fit the teacher exactly").Costly(),
		lab.Int("inputs", 8, 2, 10, "the number of inputs d").Costly(),
		lab.Int("points", 200, 200, 250, "the number of training examples, inputs drawn from a standard normal distribution").Costly(),
		lab.Float("extent", 0.1, 0.02, 0.2, "the slice spans [−extent, extent] in both direction coefficients"),
		lab.Int("grid", 41, 11, 61, "the number of grid points along each axis of the slice").Costly(),
		lab.Int("chords", 400, 50, 1000, "the number of random chords in the slice tested for convexity").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Top: a contour map of the loss on a plane through the saddle point along two random directions; the contours are closed " +
			"ovals around the point, which sits at the bottom like a minimum. Bottom: the loss along lines through the point. Along the " +
			"plane's two directions it rises on both sides; along the eigenvector of the most negative Hessian eigenvalue it first falls " +
			"below the value at the point, on both sides, before rising."
	},
	Run: runSaddleSlice,
}

// ssNoise is the relative size below which a Hessian eigenvalue counts as
// zero: λ is negative only if λ < −ssNoise × max|λ|. The exact Hessian's
// eigenvalues are accurate to a few units of rounding relative to max|λ|,
// about 1e-15, so the margin is generous.
const ssNoise = 1e-8

// ssTeacherWidth is the width of the network that makes the targets.
const ssTeacherWidth = 8

// ssData draws n inputs of dimension d from a standard normal distribution
// and labels them with a random tanh network of ssTeacherWidth units whose
// weights are twice the usual initial scale, so that it bends clearly.
func ssData(rng *rand.Rand, d, n int) nn.Data {
	teacher := nn.New([]int{d, ssTeacherWidth, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	tw := teacher.Init(rng)
	floats.Scale(2, tw)
	x, y := mat.NewDense(n, d, nil), mat.NewDense(n, 1, nil)
	row := make([]float64, d)
	for i := range n {
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		x.SetRow(i, row)
		y.Set(i, 0, teacher.Forward(tw, row)[0])
	}
	return nn.Data{X: x, Y: y}
}

// ssTwinStart makes hidden unit 1 of theta a copy of unit 0: incoming
// weights, bias and outgoing weight.
func ssTwinStart(net *nn.Net, theta []float64) {
	w, b, v := net.W(theta, 0), net.B(theta, 0), net.W(theta, 1)
	for j := range net.In() {
		w.Set(1, j, w.At(0, j))
	}
	b[1] = b[0]
	v.Set(0, 1, v.At(0, 0))
}

// ssTwinGap returns the largest difference between the parameters of
// hidden units 0 and 1.
func ssTwinGap(net *nn.Net, theta []float64) float64 {
	w, b, v := net.W(theta, 0), net.B(theta, 0), net.W(theta, 1)
	gap := math.Max(math.Abs(b[1]-b[0]), math.Abs(v.At(0, 1)-v.At(0, 0)))
	for j := range net.In() {
		gap = math.Max(gap, math.Abs(w.At(1, j)-w.At(0, j)))
	}
	return gap
}

// ssRestricted returns the Hessian of obj at theta restricted to the plane
// of d1 and d2, [[d1ᵀHd1, d1ᵀHd2], [d2ᵀHd1, d2ᵀHd2]], and its eigenvalues,
// ascending: the curvature the slice shows.
func ssRestricted(obj *nn.Objective, theta, d1, d2 []float64) (h [2][2]float64, lo, hi float64) {
	hv := make([]float64, len(theta))
	ds := [2][]float64{d1, d2}
	for i, di := range ds {
		obj.HessianVec(theta, di, hv)
		for j, dj := range ds {
			h[i][j] = floats.Dot(hv, dj)
		}
	}
	// Symmetrise the rounding away, then the closed form for a 2×2 matrix.
	off := (h[0][1] + h[1][0]) / 2
	mean, half := (h[0][0]+h[1][1])/2, math.Hypot((h[0][0]-h[1][1])/2, off)
	return h, mean - half, mean + half
}

// ssBasis returns an orthonormal basis of the plane spanned by d1 and d2,
// by Gram–Schmidt.
func ssBasis(d1, d2 []float64) (q1, q2 []float64) {
	q1 = slices.Clone(d1)
	floats.Scale(1/floats.Norm(q1, 2), q1)
	q2 = slices.Clone(d2)
	floats.AddScaled(q2, -floats.Dot(q1, q2), q1)
	floats.Scale(1/floats.Norm(q2, 2), q2)
	return q1, q2
}

// ssInPlane returns the length of the projection of the unit vector v onto
// the plane with orthonormal basis q1, q2.
func ssInPlane(v, q1, q2 []float64) float64 {
	return math.Hypot(floats.Dot(v, q1), floats.Dot(v, q2))
}

// ssChordViolations draws n chords between random points of the square
// [−ext, ext]² and counts those along which f, at 9 interior points, rises
// above the straight line between its end values by more than tol.
func ssChordViolations(rng *rand.Rand, f func(a, b float64) float64, ext, tol float64, n int) int {
	count := 0
	for range n {
		a1, b1 := ext*(2*rng.Float64()-1), ext*(2*rng.Float64()-1)
		a2, b2 := ext*(2*rng.Float64()-1), ext*(2*rng.Float64()-1)
		f1, f2 := f(a1, b1), f(a2, b2)
		for k := 1; k < 10; k++ {
			t := float64(k) / 10
			if f((1-t)*a1+t*a2, (1-t)*b1+t*b2) > (1-t)*f1+t*f2+tol {
				count++
				break
			}
		}
	}
	return count
}

func runSaddleSlice(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, d, ext, n := args.Int("hidden"), args.Int("inputs"), args.Float("extent"), args.Int("grid")
	data := ssData(rng, d, args.Int("points"))
	net := nn.New([]int{d, h, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	obj := nn.NewObjective(net, nn.Square, data)
	start := net.Init(rng)
	ssTwinStart(net, start)
	res, err := nn.LBFGS(ctx, obj, start, nn.LBFGSConfig{MaxIters: 3000, GradTol: 1e-7})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(res.Theta) == 0 {
		return nil, fmt.Errorf("training failed: %w", err)
	}
	theta := res.Theta
	grad := make([]float64, len(theta))
	loss := obj.Grad(theta, grad)
	gradMax := floats.Norm(grad, math.Inf(1))

	var eig mat.EigenSym
	if !eig.Factorize(obj.Hessian(theta), true) {
		return nil, fmt.Errorf("eigendecomposition of the Hessian failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	v := mat.Col(nil, 0, &vecs)
	top := math.Max(math.Abs(vals[0]), math.Abs(vals[len(vals)-1]))
	negative := 0
	for _, l := range vals {
		if l < -ssNoise*top {
			negative++
		}
	}

	d1, d2 := nn.RandomDirection(rng, len(theta)), nn.RandomDirection(rng, len(theta))
	net.FilterNormalize(d1, theta)
	net.FilterNormalize(d2, theta)
	// The curvatures within the plane, per unit length as the Hessian's
	// eigenvalues are, range over the eigenvalues of the Hessian restricted
	// to an orthonormal basis of the plane.
	q1, q2 := ssBasis(d1, d2)
	_, rLo, rHi := ssRestricted(obj, theta, q1, q2)
	inPlane := ssInPlane(v, q1, q2)
	angle := math.Acos(math.Min(inPlane, 1)) * 180 / math.Pi

	point := make([]float64, len(theta))
	slice := func(a, b float64) float64 {
		for i := range point {
			point[i] = theta[i] + a*d1[i] + b*d2[i]
		}
		return obj.Loss(point)
	}
	g := lab.SampleGrid(slice, -ext, ext, -ext, ext, n)
	lo, hi := g.Range()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	violations := ssChordViolations(rng, slice, ext, 1e-12*hi, args.Int("chords"))

	// Lines through θ, in Euclidean distance, out to five times as far as
	// the slice reaches: along v the loss falls slowly, and may rise again
	// only well outside the slice.
	reach := 5 * ext * math.Max(floats.Norm(d1, 2), floats.Norm(d2, 2))
	lines := []struct {
		name string
		dir  []float64
	}{
		{"slice, along α", d1},
		{"slice, along β", d2},
		{"eigenvector v", v},
	}
	r := &lab.Result{Data: lab.Table{Header: []string{"series", "x", "y", "loss"}}}
	for row, b := range g.Ys {
		for col, a := range g.Xs {
			r.Data.Add("slice", a, b, g.Zs[row][col])
		}
	}
	const steps = 400
	profiles := make([]plotter.XYs, len(lines))
	dip, dipAt := loss, 0.0
	for k, l := range lines {
		unit := slices.Clone(l.dir)
		floats.Scale(1/floats.Norm(unit, 2), unit)
		for i := 0; i <= steps; i++ {
			s := reach * (2*float64(i)/steps - 1)
			floats.AddScaledTo(point, theta, s, unit)
			ls := obj.Loss(point)
			profiles[k] = append(profiles[k], plotter.XY{X: s, Y: ls})
			r.Data.Add(l.name, s, 0.0, ls)
			if k == 2 && ls < dip {
				dip, dipAt = ls, math.Abs(s)
			}
		}
	}

	r.Int("params", len(theta))
	r.Int("hidden", h)
	r.Int("negative", negative)
	r.Float("loss", "%.3g", loss)
	r.Float("grad-max", "%.1e", gradMax)
	r.Float("twin-gap", "%g", ssTwinGap(net, theta))
	r.Float("eig-min", "%.3g", vals[0])
	r.Float("eig-max", "%.3g", vals[len(vals)-1])
	r.Float("slice-curv-min", "%.3g", rLo)
	r.Float("slice-curv-max", "%.3g", rHi)
	r.Float("in-plane", "%.2f", inPlane)
	r.Float("angle", "%.0f°", angle)
	r.Float("dip", "%.2g", loss-dip)
	r.Float("dip-at", "%.2g", dipAt)
	r.Int("violations", violations)
	r.Int("chords", args.Int("chords"))
	r.Check("critical", "the gradient vanishes at the point: it is a critical point of the loss",
		gradMax <= 1e-6, "largest gradient entry %.1e, tolerance 1e-6, after %d L-BFGS iterations", gradMax, len(res.Loss)-1)
	r.Check("saddle", "the Hessian at the point has a negative eigenvalue, so the point is not a minimum",
		negative > 0, "%d of %d eigenvalues below −%.0e × max|λ|; smallest %.3g, largest %.3g", negative, len(vals), ssNoise, vals[0], vals[len(vals)-1])
	r.Check("slice-convex", "the Hessian restricted to the slice's plane is positive definite",
		rLo > 0, "its eigenvalues, the least and greatest curvature along a unit direction in the plane, are %.4g and %.4g", rLo, rHi)
	r.Check("slice-chords", "no chord of the slice passes below the surface",
		violations == 0, "%d of %d random chords in [−%g, %g]² rise above their chord at one of 9 interior points", violations, args.Int("chords"), ext, ext)
	r.Check("slice-bottom", "the point is the lowest point of the slice, as a minimum would be",
		lo >= loss-1e-12*hi, "lowest loss on the %d × %d grid %.6g, at the point %.6g", n, n, lo, loss)
	r.Check("outside-plane", "the eigenvector of the smallest eigenvalue lies nearly perpendicular to the slice's plane",
		inPlane < 0.3, "its projection onto the plane has length %.3f (angle %.1f°), bound 0.3", inPlane, angle)
	r.Check("descent", "along that eigenvector the loss falls below its value at the point",
		dip < loss, "lowest loss on the line %.6g at distance %.3g, at the point %.6g", dip, dipAt, loss)

	left := lab.NewPlot("", "α", "β")
	left.X.Min, left.X.Max, left.Y.Min, left.Y.Max = -ext, ext, -ext, ext
	levels := make([]float64, 0, 6)
	for _, f := range []float64{1.5, 2, 4, 8, 16, 32} {
		if loss*f < hi {
			levels = append(levels, loss*f)
		}
	}
	heat, contours := lab.Surface(g, lab.Sequential(), lo, hi, levels)
	center, err := lab.Points(plotter.XYs{{}}, 1)
	if err != nil {
		return nil, err
	}
	left.Add(heat, contours, center)

	right := lab.NewPlot("", "distance from the point", "loss")
	for k, xys := range profiles {
		line, err := lab.Series(xys, k, k == 2)
		if err != nil {
			return nil, err
		}
		right.Add(line)
		right.Legend.Add(lines[k].name, line)
	}
	// Show the line along v out to where it climbs back above the point;
	// the slice's lines leave the frame at once.
	span := math.Min(reach, 2.2*dipAt)
	ref, err := lab.Series(plotter.XYs{{X: -span, Y: loss}, {X: span, Y: loss}}, 7, true)
	if err != nil {
		return nil, err
	}
	ref.Color = lab.Gray
	right.Add(ref)
	right.Legend.Add("at the point", ref)
	right.X.Min, right.X.Max = -span, span
	right.Y.Min, right.Y.Max = dip-(loss-dip)*0.5, loss+(loss-dip)*8
	r.Plots = []*plot.Plot{left, right}
	r.Cols = 1
	r.Height = lab.PanelHeight * 1.1
	return r, nil
}
