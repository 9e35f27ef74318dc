package figures

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file holds claim b of the brief, permutation symmetry, in three
// experiments that share one small problem: a 1-h-1 tanh network fitted to
// points of sin(2.5x) by L-BFGS, with a little weight decay so that the
// minima are finite points rather than escapes to infinite weights.
//
//   - permutation-barrier: the loss along the segment from a trained network
//     to a copy with hidden units swapped rises above both ends.
//   - weight-matching: the Hungarian assignment of hidden units undoes a
//     permutation (and aligns two independent runs), flattening the segment.
//   - orbit-average: Jensen's inequality over all h! copies would bound a
//     wide network's loss below by a width-1 network's, and the data refute it.

// symParams are the parameters of the shared problem.
func symParams() []lab.Param {
	return []lab.Param{
		lab.Int("hidden", 4, 2, 8, "the number of hidden tanh units h").Costly(),
		lab.Int("points", 40, 20, 60, "the number of training points, equally spaced on [−2, 2]").Costly(),
		lab.Float("decay", 1e-4, 1e-5, 0.01, "the weight decay λ: the loss is the mean square error plus (λ/2)‖θ‖²; at least 10⁻⁵, which keeps the minima isolated points"),
	}
}

// symProblem is the shared problem: a 1-h-1 tanh net, its data and its loss.
type symProblem struct {
	net    *nn.Net
	xs, ys []float64
	loss   *symDecayed
}

func newSymProblem(hidden, points int, decay float64) *symProblem {
	p := &symProblem{net: nn.New([]int{1, hidden, 1}, []nn.Activation{nn.Tanh, nn.Linear})}
	p.xs, p.ys = symData(points)
	x := mat.NewDense(points, 1, slices.Clone(p.xs))
	y := mat.NewDense(points, 1, slices.Clone(p.ys))
	p.loss = &symDecayed{nn.NewObjective(p.net, nn.Square, nn.Data{X: x, Y: y}), decay}
	return p
}

// symData returns n points x equally spaced on [−2, 2] with y = sin(2.5x),
// a curve with four turning points that no monotone function can follow.
func symData(n int) (xs, ys []float64) {
	for i := range n {
		x := -2 + 4*float64(i)/float64(n-1)
		xs = append(xs, x)
		ys = append(ys, math.Sin(2.5*x))
	}
	return xs, ys
}

// symDecayed is a mean-square objective plus weight decay (λ/2)‖θ‖². The
// penalty is convex and blind to the order of hidden units, so it neither
// creates the non-convexity studied here nor breaks the symmetry.
type symDecayed struct {
	obj    *nn.Objective
	lambda float64
}

func (d *symDecayed) Dim() int { return d.obj.Dim() }

func (d *symDecayed) Loss(theta []float64) float64 {
	return d.obj.Loss(theta) + d.lambda/2*symSquaredNorm(theta)
}

func (d *symDecayed) Grad(theta, grad []float64) float64 {
	l := d.obj.Grad(theta, grad)
	for i, t := range theta {
		grad[i] += d.lambda * t
	}
	return l + d.lambda/2*symSquaredNorm(theta)
}

func symSquaredNorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return s
}

// train runs L-BFGS from a fresh initialisation drawn from rng. A line search
// that stalls in floating point ends a run as converged, as it does in nn;
// only cancellation and divergence are errors.
func (p *symProblem) train(ctx context.Context, rng *rand.Rand) ([]float64, error) {
	res, err := nn.LBFGS(ctx, p.loss, p.net.Init(rng), nn.LBFGSConfig{MaxIters: 3000})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if errors.Is(err, nn.ErrDiverged) || len(res.Theta) == 0 {
		return nil, fmt.Errorf("training diverged: %w", err)
	}
	return res.Theta, nil
}

// gradMax returns the largest entry of the loss gradient's magnitude at theta.
func (p *symProblem) gradMax(theta []float64) float64 {
	g := make([]float64, len(theta))
	p.loss.Grad(theta, g)
	m := 0.0
	for _, v := range g {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// symSegment returns the loss at n+1 equally spaced points of the segment
// from a to b, and the barrier: the highest loss on it minus the higher end.
func symSegment(f nn.Differentiable, a, b []float64, n int) (ts, ls []float64, barrier float64) {
	theta := make([]float64, len(a))
	top := math.Inf(-1)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		l := f.Loss(nn.InterpolateTo(theta, a, b, t))
		ts, ls = append(ts, t), append(ls, l)
		top = math.Max(top, l)
	}
	return ts, ls, top - math.Max(ls[0], ls[n])
}

// symDerangement draws a uniformly random permutation of n ≥ 2 items that
// moves every item, by rejection (about e draws on average).
func symDerangement(rng *rand.Rand, n int) []int {
	for {
		p := rng.Perm(n)
		fixed := false
		for i, v := range p {
			fixed = fixed || i == v
		}
		if !fixed {
			return p
		}
	}
}

// symInverse returns the inverse permutation.
func symInverse(p []int) []int {
	q := make([]int, len(p))
	for i, v := range p {
		q[v] = i
	}
	return q
}

// symPermText writes a permutation as 1-based unit numbers, "(2, 3, 1)".
func symPermText(p []int) string {
	s := make([]string, len(p))
	for i, v := range p {
		s[i] = strconv.Itoa(v + 1)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// symMaxOutputDiff returns the largest difference between the outputs of
// two parameter vectors of net on the inputs xs.
func symMaxOutputDiff(net *nn.Net, a, b, xs []float64) float64 {
	d := 0.0
	for _, x := range xs {
		d = math.Max(d, math.Abs(net.Forward(a, []float64{x})[0]-net.Forward(b, []float64{x})[0]))
	}
	return d
}

// symFactorial returns n!.
func symFactorial(n int) int {
	f := 1
	for i := 2; i <= n; i++ {
		f *= i
	}
	return f
}

// symSegmentPlot draws loss-along-segment curves with their ends marked.
func symSegmentPlot(names []string, ts []float64, curves [][]float64, dashed []bool) (*plot.Plot, error) {
	p := lab.NewPlot("", "t, position on the segment", "loss L(θ(t))")
	p.X.Min, p.X.Max, p.Y.Min = 0, 1, 0
	top := 0.0
	for i, ls := range curves {
		xys := make(plotter.XYs, len(ts))
		for j := range ts {
			xys[j] = plotter.XY{X: ts[j], Y: ls[j]}
			top = math.Max(top, ls[j])
		}
		line, err := lab.Series(xys, i, dashed[i])
		if err != nil {
			return nil, err
		}
		if i == 2 {
			line.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
		}
		ends, err := lab.Points(plotter.XYs{xys[0], xys[len(xys)-1]}, i)
		if err != nil {
			return nil, err
		}
		p.Add(line, ends)
		p.Legend.Add(names[i], line)
	}
	// Headroom keeps the legend, top right, clear of the curves.
	p.Y.Max = top * (1.25 + 0.15*float64(len(curves)))
	return p, nil
}

var permutationBarrier = &lab.Experiment{
	Name: "permutation-barrier",
	Doc: "Trains a 1-h-1 tanh network on points of sin(2.5x), swaps two hidden units, and computes the loss " +
		"along the straight segment between the two equivalent networks; repeats the training over several runs.",
	Params: append(symParams(),
		lab.Int("runs", 8, 1, 16, "the number of independent training runs whose segments are checked; the figure shows the first").Costly(),
		lab.Int("steps", 200, 10, 1000, "the number of intervals into which the segment is divided").Costly(),
	),
	Alt: func(a lab.Args) string {
		return "The loss along the straight segment from a trained network (t = 0) to the same network with hidden units 1 and 2 swapped (t = 1). " +
			"Both ends have the same small loss; in between the loss rises far above it, peaking near the middle, so the segment crosses a barrier."
	},
	Run: runPermutationBarrier,
}

func runPermutationBarrier(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, runs, steps := args.Int("hidden"), args.Int("runs"), args.Int("steps")
	prob := newSymProblem(h, args.Int("points"), args.Float("decay"))
	swap := make([]int, h)
	for i := range swap {
		swap[i] = i
	}
	swap[0], swap[1] = 1, 0

	r := &lab.Result{Data: lab.Table{Header: []string{"run", "t", "loss"}}}
	var first struct {
		theta, copy []float64
		ts, ls      []float64
		barrier     float64
	}
	// A run can stop where units 1 and 2 coincide (at a point where all
	// units collapsed into one, say); there the swap moves nothing and no
	// barrier can exist, so such runs are counted apart.
	minBarrier, distinct, positive := math.Inf(1), 0, 0
	for run := range runs {
		theta, err := prob.train(ctx, rng)
		if err != nil {
			return nil, err
		}
		copy := prob.net.Permute(theta, 0, swap)
		ts, ls, barrier := symSegment(prob.loss, theta, copy, steps)
		for i := range ts {
			r.Data.Add(run+1, ts[i], ls[i])
		}
		if symDistance(theta, copy) > 1e-6 {
			distinct++
			minBarrier = math.Min(minBarrier, barrier)
			if barrier > 1e-9 {
				positive++
			}
		}
		if run == 0 {
			first.theta, first.copy, first.ts, first.ls, first.barrier = theta, copy, ts, ls, barrier
		}
	}

	ends := first.ls[0]
	peak, tPeak := ends, 0.0
	for i, l := range first.ls {
		if l > peak {
			peak, tPeak = l, first.ts[i]
		}
	}
	outDiff := symMaxOutputDiff(prob.net, first.theta, first.copy, prob.xs)
	r.Int("hidden", h)
	r.Int("copies", symFactorial(h))
	r.Int("runs", runs)
	r.Int("runs-distinct", distinct)
	r.Int("runs-positive", positive)
	r.Float("loss-end", "%.2g", ends)
	r.Float("loss-copy", "%.2g", first.ls[len(first.ls)-1])
	r.Float("peak", "%.3g", peak)
	r.Float("t-peak", "%.3g", tPeak)
	r.Float("barrier", "%.3g", first.barrier)
	r.Float("min-barrier", "%.2g", minBarrier)
	r.Float("output-diff", "%.1e", outDiff)
	r.Float("grad-max", "%.1e", prob.gradMax(first.theta))
	r.Check("same-function", "the swapped network computes the same outputs as the trained one",
		outDiff <= 1e-12, "largest output difference %.1e on the %d training inputs, tolerance 1e-12", outDiff, len(prob.xs))
	r.Check("barrier", "the loss rises above both ends somewhere on the segment",
		first.barrier > 1e-9, "highest loss %.4g at t = %.3g, ends %.4g and %.4g", peak, tPeak, ends, first.ls[len(first.ls)-1])
	r.Check("all-runs", "the segment has a barrier in every training run whose units 1 and 2 differ",
		positive == distinct && distinct > 0, "%d of %d runs end with units 1 and 2 distinct; %d of these have a barrier above 1e-9, the smallest %.3g",
		distinct, runs, positive, minBarrier)

	p, err := symSegmentPlot([]string{"trained θ to θ with units 1 and 2 swapped"}, first.ts, [][]float64{first.ls}, []bool{false})
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	return r, nil
}

var weightMatching = &lab.Experiment{
	Name: "weight-matching",
	Doc: "Aligns the hidden units of a second network to a trained one by weight matching (a linear assignment " +
		"solved by the Hungarian method) and compares the loss along the segment before and after alignment.",
	Params: append(symParams(),
		lab.Choice("partner", "copy", []string{"copy", "independent"},
			"the second network: a copy of the first with its hidden units shuffled, or an independent training run").Costly(),
		lab.Int("pairs", 8, 1, 16, "for partner=independent, the number of pairs of runs summarised in the values").Costly(),
		lab.Int("steps", 200, 10, 1000, "the number of intervals into which the segment is divided").Costly(),
	),
	Alt: func(a lab.Args) string {
		if a.Choice("partner") == "copy" {
			return "Two curves of the loss along a segment. From a trained network to a copy with shuffled hidden units, the loss rises to a high barrier. " +
				"After weight matching undoes the shuffle, the segment joins the network to itself and the loss stays flat at its small end value."
		}
		return "Curves of the loss along segments between independently trained networks. The straight segment crosses a high barrier; " +
			"after signs are normalised and hidden units matched, the barrier disappears when both runs found the same minimum. " +
			"A dotted curve shows a pair of runs that ended in different minima, where a barrier remains after matching."
	},
	Run: runWeightMatching,
}

// symCanonicalSigns flips the sign of every hidden tanh unit whose outgoing
// weight is negative (incoming weights, bias and outgoing weight together),
// which leaves the function unchanged because tanh is odd.
func symCanonicalSigns(net *nn.Net, theta []float64) []float64 {
	theta = slices.Clone(theta)
	w, b, v := net.W(theta, 0), net.B(theta, 0), net.W(theta, 1)
	for i := range b {
		if v.At(0, i) < 0 {
			for j := range net.In() {
				w.Set(i, j, -w.At(i, j))
			}
			b[i] = -b[i]
			v.Set(0, i, -v.At(0, i))
		}
	}
	return theta
}

// symClosestUnits returns the smallest distance between the parameters
// (incoming weights, bias, outgoing weight) of two hidden units.
func symClosestUnits(net *nn.Net, theta []float64) float64 {
	w, b, v := net.W(theta, 0), net.B(theta, 0), net.W(theta, 1)
	closest := math.Inf(1)
	for i := range b {
		for j := range i {
			d := (b[i]-b[j])*(b[i]-b[j]) + (v.At(0, i)-v.At(0, j))*(v.At(0, i)-v.At(0, j))
			for k := range net.In() {
				d += (w.At(i, k) - w.At(j, k)) * (w.At(i, k) - w.At(j, k))
			}
			closest = math.Min(closest, math.Sqrt(d))
		}
	}
	return closest
}

func symDistance(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

func runWeightMatching(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, steps := args.Int("hidden"), args.Int("steps")
	prob := newSymProblem(h, args.Int("points"), args.Float("decay"))
	r := &lab.Result{Data: lab.Table{Header: []string{"series", "t", "loss"}}}
	a, err := prob.train(ctx, rng)
	if err != nil {
		return nil, err
	}

	var b, aligned []float64
	if args.Choice("partner") == "copy" {
		// Units that coincide can be matched in either order; the checks
		// below then fail, and this value says why.
		r.Float("closest-units", "%.1e", symClosestUnits(prob.net, a))
		applied := symDerangement(rng, h)
		b = prob.net.Permute(a, 0, applied)
		recovered := prob.net.Match(a, b)[0]
		aligned = prob.net.Permute(b, 0, recovered)
		// b's unit i is a's unit applied[i]; matching must send a's unit i
		// back from b's unit recovered[i], so recovered = applied⁻¹.
		want := symInverse(applied)
		r.Text("applied", symPermText(applied))
		r.Text("recovered", symPermText(recovered))
		r.Check("recovers-permutation", "weight matching recovers the permutation that was applied",
			slices.Equal(recovered, want), "units of the copy matched to units 1…%d: %s; the inverse of the applied %s is %s",
			h, symPermText(recovered), symPermText(applied), symPermText(want))
		d := symDistance(a, aligned)
		r.Float("aligned-distance", "%g", d)
		r.Check("aligned-equals-original", "the aligned copy is the original parameter vector",
			d == 0, "‖θ_A − P θ_B‖ = %g", d)
	} else {
		b, err = prob.train(ctx, rng)
		if err != nil {
			return nil, err
		}
		aligned = symAlign(prob.net, a, b)
		if diff := symMaxOutputDiff(prob.net, b, aligned, prob.xs); diff > 1e-12 {
			return nil, fmt.Errorf("alignment changed the function by %g", diff)
		}
		a = symCanonicalSigns(prob.net, a)
	}

	ts, naive, before := symSegment(prob.loss, a, b, steps)
	_, flat, after := symSegment(prob.loss, a, aligned, steps)
	for i := range ts {
		r.Data.Add("naive", ts[i], naive[i])
	}
	for i := range ts {
		r.Data.Add("aligned", ts[i], flat[i])
	}
	r.Int("hidden", h)
	r.Float("loss-a", "%.3g", naive[0])
	r.Float("loss-b", "%.3g", naive[len(naive)-1])
	r.Float("barrier-before", "%.3g", before)
	r.Float("barrier-after", "%.2g", after)
	r.Float("distance-before", "%.3g", symDistance(a, b))
	r.Float("distance-after", "%.3g", symDistance(a, aligned))
	r.Check("barrier-before", "the straight segment before alignment crosses a barrier",
		before > 1e-3, "barrier %.4g", before)

	names := []string{"straight segment", "after weight matching"}
	curves, dashed := [][]float64{naive, flat}, []bool{false, true}
	if args.Choice("partner") == "copy" {
		r.Check("barrier-after", "the aligned segment has no barrier",
			after <= 1e-12, "barrier %.2g after alignment, tolerance 1e-12", after)
		return symCopyFigure(ctx, r, prob, a, b, ts, naive, rng)
	} else {
		r.Check("barrier-after", "after alignment the segment has no barrier",
			after <= 1e-9, "barrier %.4g before and %.2g after alignment, tolerance 1e-9", before, after)
		apart, err := symPairs(ctx, r, prob, args.Int("pairs"), steps, rng)
		if err != nil {
			return nil, err
		}
		if apart != nil {
			names = append(names, "aligned, runs in different minima")
			curves = append(curves, apart)
			dashed = append(dashed, true)
			for i := range ts {
				r.Data.Add("aligned-different-minima", ts[i], apart[i])
			}
		}
	}

	p, err := symSegmentPlot(names, ts, curves, dashed)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	return r, nil
}

// symOrbitLimit is the most relabellings symCopyFigure walks to; beyond
// it (h ≥ 7) it draws that many at random.
const symOrbitLimit = 720

// symCopyFigure draws the figure of partner=copy: the segment from a to its
// shuffled copy b (ts, naive), and, for every relabelling of b's units, the
// distance of the relabelled copy from a against the barrier on the segment
// to it. Weight matching picks the nearest relabelling without trying them
// all; the figure shows that it is the nearest, and what the others cost.
func symCopyFigure(ctx context.Context, r *lab.Result, prob *symProblem, a, b, ts, naive []float64, rng *rand.Rand) (*lab.Result, error) {
	h := prob.net.Sizes()[1]
	var perms [][]int
	if symFactorial(h) <= symOrbitLimit {
		for p := range nn.Permutations(h) {
			perms = append(perms, slices.Clone(p))
		}
	} else {
		for range symOrbitLimit {
			perms = append(perms, rng.Perm(h))
		}
	}
	matched := prob.net.Match(a, b)[0]
	type point struct{ dist, barrier float64 }
	pts := make([]point, 0, len(perms)+1)
	nearest, others := math.Inf(1), 0
	lowest, farthestLow := math.Inf(1), 0.0
	for i, q := range append(perms, matched) {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c := prob.net.Permute(b, 0, q)
		_, _, bar := symSegment(prob.loss, a, c, 50)
		pt := point{symDistance(a, c), math.Max(bar, 0)}
		if i == len(perms) {
			r.Float("matched-distance", "%g", pt.dist)
			r.Check("matching-is-nearest", "the relabelling weight matching chooses is the nearest of all those tried",
				pt.dist <= nearest, "its distance %.3g; the nearest of the %d relabellings tried %.3g", pt.dist, len(perms), nearest)
			break
		}
		nearest = math.Min(nearest, pt.dist)
		if pt.dist > 0 {
			others++
			if pt.barrier < lowest {
				lowest, farthestLow = pt.barrier, pt.dist
			}
		}
		pts = append(pts, pt)
		r.Data.Add("relabelling", pt.dist, pt.barrier)
	}
	xs, ys := make([]float64, 0, len(pts)), make([]float64, 0, len(pts))
	for _, pt := range pts {
		if pt.dist > 0 {
			xs, ys = append(xs, pt.dist), append(ys, pt.barrier)
		}
	}
	r.Int("relabellings", len(perms))
	r.Int("other-relabellings", others)
	r.Float("lowest-other-barrier", "%.3g", lowest)
	r.Float("lowest-other-distance", "%.3g", farthestLow)
	if len(xs) >= 3 {
		corr := stat.Correlation(xs, ys, nil)
		r.Float("correlation", "%.2f", corr)
		r.Check("distance-poor-guide", "among the other relabellings, a nearer one does not reliably have a lower barrier (correlation of distance and barrier below 0.5)",
			corr < 0.5, "Pearson correlation %.3f over %d relabellings", corr, len(xs))
	} else {
		r.Text("correlation", "undefined (fewer than three other relabellings)")
	}
	r.Check("others-have-barriers", "the segment to every other relabelling crosses a barrier",
		lowest > 1e-6, "lowest barrier %.3g, at distance %.3g, among %d relabellings", lowest, farthestLow, others)

	top, err := symSegmentPlot([]string{"θ to its shuffled copy"}, ts, [][]float64{naive}, []bool{false})
	if err != nil {
		return nil, err
	}
	bottom := lab.NewPlot("", "distance ‖θ − Qθ′‖ of a relabelling Qθ′ of the copy", "barrier on the segment")
	all := make(plotter.XYs, 0, len(pts))
	for _, pt := range pts {
		all = append(all, plotter.XY{X: pt.dist, Y: pt.barrier})
	}
	dots, err := lab.Points(all, 7)
	if err != nil {
		return nil, err
	}
	dots.Color = lab.Gray
	chosen, err := lab.Points(plotter.XYs{{X: 0, Y: 0}}, 0)
	if err != nil {
		return nil, err
	}
	shuffled, err := lab.Points(plotter.XYs{{X: symDistance(a, b), Y: naive[len(naive)/2] - naive[0]}}, 1)
	if err != nil {
		return nil, err
	}
	shuffled.XYs[0].Y = math.Max(0, slices.Max(naive)-math.Max(naive[0], naive[len(naive)-1]))
	bottom.Add(dots, chosen, shuffled)
	bottom.Legend.Add("a relabelling of the copy", dots)
	bottom.Legend.Add("the shuffled copy as given", shuffled)
	bottom.Legend.Add("chosen by weight matching", chosen)
	bottom.Legend.Top, bottom.Legend.Left = true, true
	maxY := 0.0
	for _, pt := range pts {
		maxY = math.Max(maxY, pt.barrier)
	}
	bottom.Y.Min, bottom.Y.Max = 0, 1.5*maxY
	bottom.X.Min = 0
	r.Cols = 1
	r.Plots = []*plot.Plot{top, bottom}
	return r, nil
}

// symAlign returns b with normalised signs and its hidden units matched to
// those of a (also with normalised signs): the copy of b's function whose
// weights lie closest to a's among those the two symmetries reach.
func symAlign(net *nn.Net, a, b []float64) []float64 {
	a, b = symCanonicalSigns(net, a), symCanonicalSigns(net, b)
	return net.PermuteAll(b, net.Match(a, b))
}

// symPairs trains further pairs of networks after the first. Two runs that
// end at the same loss have, on this problem, found the same minimum up to
// symmetry, and alignment must then remove the barrier; runs that end at
// different losses sit in different minima, and a barrier remains.
// It returns the aligned segment of the first pair that ended at different
// losses, or nil if there was none.
func symPairs(ctx context.Context, r *lab.Result, prob *symProblem, pairs, steps int, rng *rand.Rand) ([]float64, error) {
	var apart []float64
	same, flat, other := 0, 0, 0
	highest := 0.0
	for range pairs {
		a, err := prob.train(ctx, rng)
		if err != nil {
			return nil, err
		}
		b, err := prob.train(ctx, rng)
		if err != nil {
			return nil, err
		}
		_, ls, after := symSegment(prob.loss, symCanonicalSigns(prob.net, a), symAlign(prob.net, a, b), steps)
		la, lb := prob.loss.Loss(a), prob.loss.Loss(b)
		if math.Abs(la-lb) <= 1e-8*math.Max(la, lb) {
			same++
			if after <= 1e-9 {
				flat++
			}
		} else {
			other++
			highest = math.Max(highest, after)
			if apart == nil {
				apart = ls
			}
		}
	}
	r.Int("pairs", pairs)
	r.Int("pairs-same", same)
	r.Int("pairs-other", other)
	r.Float("pairs-highest", "%.2g", highest)
	r.Check("pairs-flat", "every further pair of runs that ends at the same loss is joined by a flat segment after alignment",
		flat == same, "%d of %d pairs end at equal losses (to 1e-8 relative), %d of them with no barrier left (below 1e-9); "+
			"%d end at different losses, highest remaining barrier %.3g", same, pairs, flat, other, highest)
	return apart, nil
}

var orbitAverage = &lab.Experiment{
	Name: "orbit-average",
	Doc: "Averages a trained 1-h-1 tanh network over all h! permutations of its hidden units, which gives a " +
		"network of identical units (a width-1 network in disguise), and compares its loss with the trained network's " +
		"and with the best loss any width-1 network can reach.",
	Params: symParams(),
	Alt: func(a lab.Args) string {
		return "The training points of sin(2.5x), the fit of the trained wide network, which follows them closely, " +
			"the fit of the average of all its permuted copies, and the best fit of a single-unit network; " +
			"the last two are monotone curves that cannot follow the wave."
	},
	Run: runOrbitAverage,
}

// symOrbitMean returns the average of theta over all permutations of the
// hidden units of a one-hidden-layer net, enumerated by Heap's algorithm,
// and the number of permutations.
func symOrbitMean(net *nn.Net, theta []float64) ([]float64, int) {
	h := net.Sizes()[1]
	mean := make([]float64, len(theta))
	perm := make([]int, h)
	for i := range perm {
		perm[i] = i
	}
	count := 0
	add := func() {
		for i, v := range net.Permute(theta, 0, perm) {
			mean[i] += v
		}
		count++
	}
	// Heap's algorithm, iterative form: each step is one transposition.
	c := make([]int, h)
	add()
	for i := 0; i < h; {
		if c[i] < i {
			if i%2 == 0 {
				perm[0], perm[i] = perm[i], perm[0]
			} else {
				perm[c[i]], perm[i] = perm[i], perm[c[i]]
			}
			add()
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	for i := range mean {
		mean[i] /= float64(count)
	}
	return mean, count
}

// symMergeUnits returns the width-1 network (w, b, v, c) that computes the
// same function as a one-hidden-layer net whose units are all equal to
// unit 0 of theta: its one unit carries the h outgoing weights at once.
func symMergeUnits(net *nn.Net, theta []float64) []float64 {
	h := net.Sizes()[1]
	w, b, v := net.W(theta, 0).At(0, 0), net.B(theta, 0)[0], net.W(theta, 1).At(0, 0)
	return []float64{w, b, float64(h) * v, net.B(theta, 1)[0]}
}

// symUnitSpread returns the largest difference between any parameter of a
// hidden unit (incoming weight, bias, outgoing weight) and unit 0's.
func symUnitSpread(net *nn.Net, theta []float64) float64 {
	w, b, v := net.W(theta, 0), net.B(theta, 0), net.W(theta, 1)
	d := 0.0
	for i := range b {
		d = math.Max(d, math.Abs(w.At(i, 0)-w.At(0, 0)))
		d = math.Max(d, math.Abs(b[i]-b[0]))
		d = math.Max(d, math.Abs(v.At(0, i)-v.At(0, 0)))
	}
	return d
}

// symIsotonicMSE returns the smallest mean square error of a non-decreasing
// sequence fitted to ys, by pool-adjacent-violators: merge neighbouring
// blocks whose means are out of order until none are.
func symIsotonicMSE(ys []float64) float64 {
	type block struct {
		sum float64
		n   int
	}
	var blocks []block
	for _, y := range ys {
		blocks = append(blocks, block{y, 1})
		for k := len(blocks) - 1; k > 0 && blocks[k-1].sum/float64(blocks[k-1].n) > blocks[k].sum/float64(blocks[k].n); k-- {
			blocks[k-1].sum += blocks[k].sum
			blocks[k-1].n += blocks[k].n
			blocks = blocks[:k]
		}
	}
	sse, i := 0.0, 0
	for _, bl := range blocks {
		m := bl.sum / float64(bl.n)
		for range bl.n {
			sse += (ys[i] - m) * (ys[i] - m)
			i++
		}
	}
	return sse / float64(len(ys))
}

// symMonotoneBound returns the smallest mean square error of any monotone
// (non-decreasing or non-increasing) function on the data, which bounds the
// loss of every width-1 tanh network from below: c + v tanh(wx + b) is
// monotone in x, and the weight decay only adds to the error.
func symMonotoneBound(ys []float64) float64 {
	neg := make([]float64, len(ys))
	for i, y := range ys {
		neg[i] = -y
	}
	return math.Min(symIsotonicMSE(ys), symIsotonicMSE(neg))
}

// symBestWidthOne searches the width-1 network's loss for its global
// minimum: on a grid of (w, b), the output weights (v, c) that minimise the
// loss solve a 2×2 linear system, and the best grid points are polished by
// L-BFGS.
func symBestWidthOne(ctx context.Context, one *symProblem) ([]float64, float64, error) {
	type cand struct {
		theta []float64
		loss  float64
	}
	var cands []cand
	n, lam := float64(len(one.xs)), one.loss.lambda
	const side = 61
	for i := range side {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		for j := range side {
			w, b := -6+12*float64(i)/(side-1), -6+12*float64(j)/(side-1)
			var st, stt, sy, sty float64
			for k, x := range one.xs {
				t := math.Tanh(w*x + b)
				st, stt, sy, sty = st+t/n, stt+t*t/n, sy+one.ys[k]/n, sty+t*one.ys[k]/n
			}
			// ∂/∂v and ∂/∂c of mean (vt + c − y)² + (λ/2)(v² + c²), halved.
			a11, a12, a22 := stt+lam/2, st, 1+lam/2
			det := a11*a22 - a12*a12
			v, c := (sty*a22-a12*sy)/det, (a11*sy-a12*sty)/det
			theta := []float64{w, b, v, c}
			cands = append(cands, cand{theta, one.loss.Loss(theta)})
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(x.loss, y.loss) })
	best := cand{loss: math.Inf(1)}
	for _, c := range cands[:8] {
		res, _ := nn.LBFGS(ctx, one.loss, c.theta, nn.LBFGSConfig{MaxIters: 500})
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if l := one.loss.Loss(res.Theta); l < best.loss {
			best = cand{res.Theta, l}
		}
	}
	return best.theta, best.loss, nil
}

func runOrbitAverage(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, points, decay := args.Int("hidden"), args.Int("points"), args.Float("decay")
	wide := newSymProblem(h, points, decay)
	one := newSymProblem(1, points, decay)
	theta, err := wide.train(ctx, rng)
	if err != nil {
		return nil, err
	}
	mean, count := symOrbitMean(wide.net, theta)
	merged := symMergeUnits(wide.net, mean)
	best, bestLoss, err := symBestWidthOne(ctx, one)
	if err != nil {
		return nil, err
	}

	lWide, lMean := wide.loss.Loss(theta), wide.loss.Loss(mean)
	bound := symMonotoneBound(wide.ys)
	spread := symUnitSpread(wide.net, mean)
	var sameFn float64
	for _, x := range wide.xs {
		sameFn = math.Max(sameFn, math.Abs(wide.net.Forward(mean, []float64{x})[0]-one.net.Forward(merged, []float64{x})[0]))
	}

	r := &lab.Result{Data: lab.Table{Header: []string{"series", "x", "y"}}}
	r.Int("hidden", h)
	r.Int("copies", count)
	r.Float("loss-wide", "%.2g", lWide)
	r.Float("loss-mean", "%.3g", lMean)
	r.Float("loss-one", "%.3g", bestLoss)
	r.Float("bound", "%.3g", bound)
	r.Float("unit-spread", "%.1e", spread)
	r.Float("same-function", "%.1e", sameFn)
	r.Check("identical-units", "every hidden unit of the orbit average is the same unit",
		spread <= 1e-12, "largest difference between units %.1e over %d permutations, tolerance 1e-12", spread, count)
	r.Check("width-one", "the orbit average computes the same function as a single tanh unit with h times its outgoing weight",
		sameFn <= 1e-12, "largest output difference %.1e, tolerance 1e-12", sameFn)
	r.Check("jensen-fails", "the orbit average has a higher loss than the network, which a convex loss forbids",
		lMean > lWide, "L(mean over %d copies) = %.4g > L(θ) = %.3g", count, lMean, lWide)
	// The same inequality for the mean square error alone, without the
	// penalty: the chord argument needs no weight decay.
	mseWide, mseMean := wide.loss.obj.Loss(theta), wide.loss.obj.Loss(mean)
	r.Float("mse-wide", "%.2g", mseWide)
	r.Float("mse-mean", "%.3g", mseMean)
	r.Check("jensen-fails-mse", "without the weight-decay term too, the orbit average has a higher mean square error than the network",
		mseMean > mseWide, "MSE(mean over %d copies) = %.4g > MSE(θ) = %.3g", count, mseMean, mseWide)
	r.Check("beats-width-one", "the wide network's loss is below the smallest loss any width-1 network can reach",
		lWide < bound, "L(θ) = %.3g < %.4g, the least mean square error of any monotone fit", lWide, bound)
	r.Check("bound-consistent", "the best width-1 network found respects the monotone bound",
		bestLoss >= bound, "best width-1 loss %.5g ≥ bound %.5g", bestLoss, bound)

	p := lab.NewPlot("", "x", "y")
	var dots plotter.XYs
	for i, x := range wide.xs {
		dots = append(dots, plotter.XY{X: x, Y: wide.ys[i]})
		r.Data.Add("data", x, wide.ys[i])
	}
	curves := []struct {
		name   string
		net    *nn.Net
		theta  []float64
		dashed bool
	}{
		{fmt.Sprintf("trained, %d units", h), wide.net, theta, false},
		{"average of all permuted copies", wide.net, mean, true},
		{"best single unit", one.net, best, true},
	}
	lo, hi := -1.0, 1.0
	for i, c := range curves {
		var xys plotter.XYs
		for k := range 161 {
			x := -2 + 4*float64(k)/160
			y := c.net.Forward(c.theta, []float64{x})[0]
			xys = append(xys, plotter.XY{X: x, Y: y})
			r.Data.Add(c.name, x, y)
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
		line, err := lab.Series(xys, i, c.dashed)
		if err != nil {
			return nil, err
		}
		p.Add(line)
		p.Legend.Add(c.name, line)
	}
	data, err := lab.Points(dots, 7)
	if err != nil {
		return nil, err
	}
	data.Radius = 2.2
	p.Add(data)
	p.Legend.Add("training points", data)
	p.X.Min, p.X.Max = -2, 2
	p.Y.Min, p.Y.Max = lo-0.1, hi+0.5*(hi-lo)+0.2
	r.Plots = []*plot.Plot{p}
	return r, nil
}
