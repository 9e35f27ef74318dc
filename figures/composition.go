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

// This file holds the composition half of claim e of the brief: convex
// pieces combined in ways the composition rules do not allow. reluSum adds
// ReLUs with weights of both signs; doubleWell feeds a convex function into
// a convex function that is not monotone.

var reluSum = &lab.Experiment{
	Name: "relu-sum",
	Doc: "h(s) = relu(−s) + relu(s−1) − 2 relu(s−2) + 2 relu(s−2.5), the output of a 1-4-1 ReLU network along a line in its weights: its minima and maxima found on a grid, " +
		"a gradient-descent run that stops in the spurious minimum, and a random-chord convexity test.",
	Params: []lab.Param{
		lab.Float("start", 3, 2.1, 3.5, "where gradient descent starts, to the right of the bump at s = 2"),
		lab.Float("step", 0.01, 0.005, 0.1, "the step size of gradient descent"),
		lab.Int("iters", 300, 200, 10000, "the number of gradient-descent steps").Costly(),
		lab.Int("chords", 2000, 100, 100000, "the number of random chords in the convexity test").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "A piecewise-linear curve h(s) for s from −1 to 3.5: it falls to a flat global minimum of 0 on [0, 1], rises to a peak of 1 at s = 2, " +
			"falls to a local minimum of 0.5 at s = 2.5 and rises again. Gradient descent started to the right of the peak walks down into the local minimum at 2.5 and stays there. " +
			"A dashed curve shows the same sum without its negative term, which is convex and has no second minimum."
	},
	Run: runReluSum,
}

func reluAt(x float64) float64 { return math.Max(x, 0) }

// reluSumAt returns h(w), and, with the negative term dropped, the convex
// part relu(−w) + relu(w−1) + 2 relu(w−2.5).
func reluSumAt(w float64) (h, convex float64) {
	convex = reluAt(-w) + reluAt(w-1) + 2*reluAt(w-2.5)
	return convex - 2*reluAt(w-2), convex
}

// reluSumObjective is h as a function of a one-element theta, with the
// derivative convention of nn (relu′(0) = 0), for nn's trainers.
type reluSumObjective struct{}

func (reluSumObjective) Dim() int                     { return 1 }
func (reluSumObjective) Loss(theta []float64) float64 { h, _ := reluSumAt(theta[0]); return h }
func (reluSumObjective) Grad(theta, grad []float64) float64 {
	w, d := theta[0], nn.ReLU.Deriv
	grad[0] = -d(-w) + d(w-1) - 2*d(w-2) + 2*d(w-2.5)
	return reluSumObjective{}.Loss(theta)
}

// reluSumNetwork returns a 1-4-1 ReLU network, one example (x = 1, label
// 0) with the logistic loss, a point θ₀ and a direction e in its weights,
// chosen so that the network's output at θ₀ + s·e is h(s): e moves only the
// four incoming weights, in the directions (−1, 1, 1, 1); the biases are
// (0, −1, −2, −2.5) and the outgoing weights (1, 1, −2, 2). The loss along
// the line is then softplus(h(s)).
func reluSumNetwork() (obj *nn.Objective, theta0, dir []float64) {
	net := nn.New([]int{1, 4, 1}, []nn.Activation{nn.ReLU, nn.Linear})
	one := mat.NewDense(1, 1, []float64{1})
	obj = nn.NewObjective(net, nn.Logistic, nn.Data{X: one, Y: mat.NewDense(1, 1, []float64{0})})
	theta0 = make([]float64, net.NumParams())
	dir = make([]float64, net.NumParams())
	for j, d := range []float64{-1, 1, 1, 1} {
		dir[net.WeightIndex(0, j, 0)] = d
	}
	copy(net.B(theta0, 0), []float64{0, -1, -2, -2.5})
	w2 := net.W(theta0, 1)
	for j, v := range []float64{1, 1, -2, 2} {
		w2.Set(0, j, v)
	}
	return obj, theta0, dir
}

// reluSumNetworkLine evaluates the network's loss along its line at the
// points xs, and returns its largest difference from softplus(h), the loss
// at the spurious minimum s and a hundredth either side of it, and the loss
// at the point g of the global minimum.
func reluSumNetworkLine(xs []float64, s, g float64) (gap, atS, atG, left, right float64) {
	obj, theta0, dir := reluSumNetwork()
	theta := make([]float64, len(theta0))
	at := func(w float64) float64 {
		for i := range theta {
			theta[i] = theta0[i] + w*dir[i]
		}
		return obj.Loss(theta)
	}
	for _, w := range xs {
		h, _ := reluSumAt(w)
		gap = math.Max(gap, math.Abs(at(w)-math.Log1p(math.Exp(h)))) // softplus; h is small here
	}
	return gap, at(s), at(g), at(s - 0.01), at(s + 0.01)
}

// An gridExtremum is a run of equal grid values, [Lo, Hi] in x, strictly
// below (a minimum) or above (a maximum) both neighbouring grid values.
type gridExtremum struct {
	Lo, Hi, Value float64
	Min           bool
}

// findGridExtrema returns the interior local minima and maxima of the samples
// z at xs, treating values within tol of each other as equal, so that a
// flat stretch counts as one gridExtremum.
func findGridExtrema(xs, z []float64, tol float64) []gridExtremum {
	var out []gridExtremum
	for i := 1; i < len(z)-1; {
		j := i
		for j+1 < len(z) && math.Abs(z[j+1]-z[i]) <= tol {
			j++
		}
		if j+1 >= len(z) {
			break
		}
		below := z[i-1] > z[i]+tol && z[j+1] > z[i]+tol
		above := z[i-1] < z[i]-tol && z[j+1] < z[i]-tol
		if below || above {
			out = append(out, gridExtremum{Lo: xs[i], Hi: xs[j], Value: z[i], Min: below})
		}
		i = j + 1
	}
	return out
}

// countChordViolations draws n random chords of f over [lo, hi] and counts those
// whose graph rises above the chord by more than tol at a random point,
// which no convex function allows. It also returns the largest rise.
func countChordViolations(rng *rand.Rand, f func(float64) float64, lo, hi float64, n int, tol float64) (count int, worst float64) {
	for range n {
		a, b, t := lo+(hi-lo)*rng.Float64(), lo+(hi-lo)*rng.Float64(), rng.Float64()
		rise := f((1-t)*a+t*b) - ((1-t)*f(a) + t*f(b))
		worst = math.Max(worst, rise)
		if rise > tol {
			count++
		}
	}
	return count, worst
}

func runReluSum(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	start, step, iters, chords := args.Float("start"), args.Float("step"), args.Int("iters"), args.Int("chords")
	const lo, hi, perUnit = -1.0, 3.5, 1000
	n := int((hi-lo)*perUnit) + 1
	xs, zs := make([]float64, n), make([]float64, n)
	r := &lab.Result{Data: lab.Table{Header: []string{"series", "w", "h"}}}
	var curve, convex plotter.XYs
	for i := range n {
		w := lo + float64(i)/perUnit // exact at the kinks, which are multiples of 1/2
		h, c := reluSumAt(w)
		xs[i], zs[i] = w, h
		if i%10 == 0 {
			r.Data.Add("h", w, h)
			r.Data.Add("convex part", w, c)
			curve = append(curve, plotter.XY{X: w, Y: h})
			convex = append(convex, plotter.XY{X: w, Y: c})
		}
	}

	hOnly := func(w float64) float64 { v, _ := reluSumAt(w); return v }

	// Classify the grid's extrema; refine each isolated minimum by
	// golden-section search between its grid neighbours.
	ext := findGridExtrema(xs, zs, 1e-12)
	var mins, maxs []gridExtremum
	for _, e := range ext {
		if e.Min {
			if e.Lo == e.Hi {
				x := GoldenMin(hOnly, e.Lo-1.0/perUnit, e.Hi+1.0/perUnit, 1e-12)
				e.Lo, e.Hi, e.Value = x, x, hOnly(x)
			}
			mins = append(mins, e)
		} else {
			maxs = append(maxs, e)
		}
	}
	if len(mins) != 2 || len(maxs) != 1 {
		return nil, fmt.Errorf("found %d minima and %d maxima, want 2 and 1", len(mins), len(maxs))
	}
	global, spurious, bump := mins[0], mins[1], maxs[0]

	res, err := nn.GradientDescent(ctx, reluSumObjective{}, []float64{start}, nn.GDConfig{Step: step, Iters: iters})
	if err != nil {
		return nil, err
	}
	end := res.Theta[0]
	endLoss := res.Loss[len(res.Loss)-1]
	// The same walk step by step, for drawing; it must end where nn's did.
	walk := []float64{start}
	grad := []float64{0}
	for range iters {
		w := walk[len(walk)-1]
		reluSumObjective{}.Grad([]float64{w}, grad)
		walk = append(walk, w-step*grad[0])
	}
	if walk[iters] != end {
		return nil, fmt.Errorf("the replayed descent ends at %g, gradient descent at %g", walk[iters], end)
	}

	cOnly := func(w float64) float64 { _, c := reluSumAt(w); return c }
	viol, worst := countChordViolations(rng, hOnly, lo, hi, chords, 1e-12)
	cViol, cWorst := countChordViolations(rng, cOnly, lo, hi, chords, 1e-12)

	// h is also the loss of a real network along a real line in its weight
	// space, up to a strictly increasing map, which keeps every minimum.
	netGap, netSpurious, netGlobal, netLeft, netRight := reluSumNetworkLine(xs, spurious.Lo, (global.Lo+global.Hi)/2)
	r.Float("net-spurious", "%.4g", netSpurious)
	r.Float("net-global", "%.4g", netGlobal)
	r.Check("network-line", "along a line in the weights of a 1-4-1 ReLU network, its cross-entropy on one example is softplus(h), to rounding",
		netGap <= 1e-12, "largest difference %.2g over %d points", netGap, len(xs))
	r.Check("network-spurious", "that loss has a spurious local minimum at the same place as h",
		netSpurious < netLeft && netSpurious < netRight && netSpurious > netGlobal,
		"loss %.6g at s = %.4g, %.6g and %.6g a step either side, global minimum %.6g", netSpurious, spurious.Lo, netLeft, netRight, netGlobal)
	r.Float("global-min", "%.3g", global.Value)
	r.Float("global-lo", "%.3g", global.Lo)
	r.Float("global-hi", "%.3g", global.Hi)
	r.Float("bump", "%.3g", bump.Value)
	r.Float("bump-at", "%.3g", bump.Lo)
	r.Float("spurious", "%.3g", spurious.Value)
	r.Float("spurious-at", "%.4g", spurious.Lo)
	r.Float("start", "%g", start)
	r.Float("step", "%g", step)
	r.Int("iters", iters)
	r.Float("gd-end", "%.3f", end)
	r.Float("gd-loss", "%.3f", endLoss)
	r.Int("chords", chords)
	r.Int("violations", viol)
	r.Float("worst-rise", "%.3g", worst)
	r.Int("convex-violations", cViol)
	r.Check("global", "the global minimum is 0, attained on the whole interval [0, 1]",
		global.Value == 0 && global.Lo == 0 && global.Hi == 1,
		"flat minimum %g on [%g, %g] of the grid", global.Value, global.Lo, global.Hi)
	r.Check("bump", "between the two minima h rises to a maximum of 1 at s = 2",
		bump.Value == 1 && bump.Lo == 2 && bump.Hi == 2, "grid maximum %g at s = %g", bump.Value, bump.Lo)
	r.Check("spurious", "h has a second, spurious local minimum of value 0.5 at s = 2.5",
		math.Abs(spurious.Value-0.5) <= 1e-9 && math.Abs(spurious.Lo-2.5) <= 1e-9,
		"golden-section search: h(%.12f) = %.12f", spurious.Lo, spurious.Value)
	r.Check("descent-stuck", fmt.Sprintf("gradient descent from s = %g ends in the spurious minimum, not the global one", start),
		math.Abs(end-2.5) <= step+1e-12 && endLoss >= 0.5 && endLoss <= 0.5+step+1e-12,
		"after %d steps of size %g: s = %.6f, h(s) = %.6f", iters, step, end, endLoss)
	r.Check("not-convex", "random chords of h pass below its graph, while chords of the convex sum c never do",
		viol > 0 && cViol == 0, "%d of %d chords of h violate convexity (largest rise %.3g); %d of c (largest rise %.2g)",
		viol, chords, worst, cViol, cWorst)

	p := lab.NewPlot("", "s, position along the line in weight space", "network output h(s)")
	cLine, err := lab.Series(convex, 7, true)
	if err != nil {
		return nil, err
	}
	cLine.Color = lab.Gray
	hLine, err := lab.Series(curve, 0, false)
	if err != nil {
		return nil, err
	}
	flat, err := lab.Series(plotter.XYs{{X: global.Lo, Y: 0}, {X: global.Hi, Y: 0}}, 2, false)
	if err != nil {
		return nil, err
	}
	flat.Width = vg.Points(5)
	marks, err := lab.Points(plotter.XYs{{X: bump.Lo, Y: bump.Value}, {X: spurious.Lo, Y: spurious.Value}}, 1)
	if err != nil {
		return nil, err
	}
	// The iterates while gradient descent walks down to the spurious
	// minimum, about ten of them; afterwards it hops across 2.5.
	descent := int(math.Ceil((start - 2.5) / step))
	var path plotter.XYs
	for k := 0; k <= descent && k < len(walk); k += max(1, descent/10) {
		path = append(path, plotter.XY{X: walk[k], Y: hOnly(walk[k])})
	}
	steps, err := lab.Points(path, 4)
	if err != nil {
		return nil, err
	}
	steps.Radius = vg.Points(2)
	p.Add(cLine, flat, hLine, steps, marks)
	// After Add, which widens the axes to the data: the convex part climbs
	// off the top, and the headroom keeps the legend clear of h.
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = -0.1, 2.9
	p.X.Tick.Marker = lab.TicksAt(-1, 0, 1, 2, 2.5, 3)
	p.Y.Tick.Marker = lab.TicksAt(0, 0.5, 1, 1.5, 2)
	p.Legend.Add("h(s), the network's output", hLine)
	p.Legend.Add("c(s), the sum without −2 relu(s−2): convex", cLine)
	p.Legend.Add("global minimum, flat on [0, 1]", flat)
	p.Legend.Add("bump and spurious minimum", marks)
	p.Legend.Add("gradient descent from s = "+fmt.Sprint(start), steps)
	p.Legend.Left = true
	r.Plots = []*plot.Plot{p}
	return r, nil
}

var doubleWell = &lab.Experiment{
	Name: "double-well",
	Doc: "(x² − 1)² as the convex outer function u² applied to the convex inner function u = x² − 1: two minima, " +
		"a midpoint above the chord, and a random-chord test against the monotone outer function max(u, 0)².",
	Params: []lab.Param{
		lab.Float("xmax", 1.6, 1.2, 3, "the plot spans x from −xmax to xmax"),
		lab.Int("points", 161, 21, 10001, "the number of equally spaced values of x").Costly(),
		lab.Int("chords", 2000, 100, 100000, "the number of random chords in the convexity test").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Two stacked panels. Top: the double well (x² − 1)² with minima of 0 at x = −1 and x = 1 and a local maximum of 1 at x = 0, " +
			"above the chord joining the minima, together with the convex inner function u = x² − 1, which is negative between −1 and 1. " +
			"Bottom: the outer functions of u: u², which falls while u is negative and rises after, and max(u, 0)², which never falls."
	},
	Run: runDoubleWell,
}

// The double well, its inner function and its two candidate outer functions.
func wellInner(x float64) float64 { return x*x - 1 }
func wellOuter(u float64) float64 { return u * u }
func wellMono(u float64) float64  { v := reluAt(u); return v * v }

func runDoubleWell(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	xmax, n, chords := args.Float("xmax"), args.Int("points"), args.Int("chords")
	g := func(x float64) float64 { return wellOuter(wellInner(x)) }
	gMono := func(x float64) float64 { return wellMono(wellInner(x)) }

	r := &lab.Result{Data: lab.Table{Header: []string{"series", "x", "y"}}}
	xs, zs := make([]float64, n), make([]float64, n)
	var well, inner plotter.XYs
	for i := range n {
		if i%512 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		x := -xmax + 2*xmax*float64(i)/float64(n-1)
		xs[i], zs[i] = x, g(x)
		r.Data.Add("(x²−1)²", x, zs[i])
		r.Data.Add("u = x²−1", x, wellInner(x))
		well = append(well, plotter.XY{X: x, Y: zs[i]})
		inner = append(inner, plotter.XY{X: x, Y: wellInner(x)})
	}
	uLo, uHi := -1.0, wellInner(xmax)
	var outer, mono plotter.XYs
	for i := range 101 {
		u := uLo + (uHi-uLo)*float64(i)/100
		r.Data.Add("u²", u, wellOuter(u))
		r.Data.Add("max(u,0)²", u, wellMono(u))
		outer = append(outer, plotter.XY{X: u, Y: wellOuter(u)})
		mono = append(mono, plotter.XY{X: u, Y: wellMono(u)})
	}

	// The minima, from the grid and then golden-section search.
	var mins []float64
	var maxs []gridExtremum
	for _, e := range findGridExtrema(xs, zs, 0) {
		if e.Min {
			step := 2 * xmax / float64(n-1)
			mins = append(mins, GoldenMin(g, e.Lo-step, e.Hi+step, 1e-10))
		} else {
			maxs = append(maxs, e)
		}
	}
	if len(mins) != 2 {
		return nil, fmt.Errorf("found %d minima, want 2", len(mins))
	}
	minErr := math.Max(math.Abs(mins[0]+1), math.Abs(mins[1]-1))
	minVal := math.Max(g(mins[0]), g(mins[1]))
	mid, chord := g(0), (g(-1)+g(1))/2
	curv := fd.Derivative(g, 0, &fd.Settings{Formula: fd.Central2nd, Step: 1e-4})
	slope := fd.Derivative(wellOuter, -0.5, &fd.Settings{Formula: fd.Central})
	innerCurv := fd.Derivative(wellInner, 0.3, &fd.Settings{Formula: fd.Central2nd, Step: 1e-4})
	viol, worst := countChordViolations(rng, g, -xmax, xmax, chords, 1e-12)
	mViol, mWorst := countChordViolations(rng, gMono, -xmax, xmax, chords, 1e-12)

	r.Float("min-left", "%.6f", mins[0])
	r.Float("min-right", "%.6f", mins[1])
	r.Float("min-value", "%.2g", minVal)
	r.Float("midpoint", "%g", mid)
	r.Float("chord", "%g", chord)
	r.Float("curvature", "%.4g", curv)
	r.Float("inner-curvature", "%.4g", innerCurv)
	r.Float("outer-slope", "%.4g", slope)
	r.Int("chords", chords)
	r.Int("violations", viol)
	r.Float("worst-rise", "%.3g", worst)
	r.Int("mono-violations", mViol)
	r.Check("minima", "(x² − 1)² has exactly two local minima, at x = −1 and x = 1, both of value 0",
		minErr <= 1e-6 && minVal <= 1e-12, "golden-section search: x = %.9f and %.9f, largest value %.2g", mins[0], mins[1], minVal)
	r.Check("above-chord", "the midpoint x = 0 of the two minima lies above the chord joining them",
		mid > chord, "g(0) = %g > (g(−1) + g(1))/2 = %g", mid, chord)
	r.Check("curvature", "the second derivative at x = 0 is −4, as 12x² − 4 says",
		math.Abs(curv+4) <= 1e-6, "central difference %.9f", curv)
	r.Check("ingredients", "the inner function is convex and the outer function u² falls where u is negative",
		math.Abs(innerCurv-2) <= 1e-6 && slope < 0, "u″ = %.9f; d(u²)/du at u = −½ is %.9f", innerCurv, slope)
	r.Check("monotone-outer", "random chords of (x² − 1)² pass below its graph, while those of max(x² − 1, 0)² never do",
		viol > 0 && mViol == 0, "%d of %d chords of (x² − 1)² violate convexity (largest rise %.3g); %d of max(x² − 1, 0)² (largest rise %.2g)",
		viol, chords, worst, mViol, mWorst)

	top := lab.NewPlot("", "x", "value")
	innerLine, err := lab.Series(inner, 2, true)
	if err != nil {
		return nil, err
	}
	wellLine, err := lab.Series(well, 0, false)
	if err != nil {
		return nil, err
	}
	chordLine, err := lab.Series(plotter.XYs{{X: -1, Y: 0}, {X: 1, Y: 0}}, 7, true)
	if err != nil {
		return nil, err
	}
	chordLine.Color = lab.Gray
	dots, err := lab.Points(plotter.XYs{{X: mins[0], Y: g(mins[0])}, {X: 0, Y: mid}, {X: mins[1], Y: g(mins[1])}}, 1)
	if err != nil {
		return nil, err
	}
	top.Add(innerLine, chordLine, wellLine, dots)
	top.X.Min, top.X.Max = -xmax, xmax
	top.Y.Min, top.Y.Max = -1.1, math.Max(g(xmax), wellInner(xmax))*1.6
	top.Y.Tick.Marker = lab.IntTicks(-1, top.Y.Max)
	top.X.Tick.Marker = lab.IntTicks(-xmax, xmax)
	top.Legend.Add("g(x) = (x² − 1)²", wellLine)
	top.Legend.Add("inner u = x² − 1", innerLine)
	top.Legend.Add("chord between the minima", chordLine)

	bottom := lab.NewPlot("", "u", "outer function of u")
	outerLine, err := lab.Series(outer, 0, false)
	if err != nil {
		return nil, err
	}
	monoLine, err := lab.Series(mono, 1, true)
	if err != nil {
		return nil, err
	}
	bottom.Add(outerLine, monoLine)
	bottom.X.Min, bottom.X.Max = uLo, uHi
	bottom.Y.Min, bottom.Y.Max = -0.05, uHi*uHi*1.6
	bottom.Y.Tick.Marker = lab.IntTicks(0, bottom.Y.Max)
	bottom.X.Tick.Marker = lab.IntTicks(-1, uHi)
	bottom.Legend.Add("u²: convex, falls for u < 0", outerLine)
	bottom.Legend.Add("max(u, 0)²: convex, never falls", monoLine)
	bottom.Legend.Left = true
	r.Plots = []*plot.Plot{top, bottom}
	r.Cols = 1
	return r, nil
}
