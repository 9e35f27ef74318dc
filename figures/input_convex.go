package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file is the first half of claim j of the brief: an input-convex
// network (Amos, Xu and Kolter 2017) is convex in its input, which a
// midpoint test on random pairs of inputs confirms, while the same
// architecture with weights of both signs is not; and the training loss of
// an input-convex network is still not convex in its weights: a trained
// network and its copy with two hidden units swapped have the same loss,
// and the straight segment between them rises above it, although every
// network on the segment is input-convex.

// icnnTolerance is the relative tolerance of the midpoint test in input
// space: a pair counts as a violation only if the midpoint value exceeds
// the chord by more than this fraction of the values' size, far above
// rounding and far below the violations of the signed network.
const icnnTolerance = 1e-9

// icnnSpread is the standard deviation of the random inputs of the
// midpoint test, wide enough that segments cross many units' kinks.
const icnnSpread = 2

var inputConvex = &lab.Experiment{
	Name: "input-convex",
	Doc: "An input-convex neural network against the same architecture with weights of both signs: midpoint tests on random pairs of inputs, " +
		"and the training loss of the input-convex network along the straight segment between a trained network and its copy with two hidden units swapped.",
	Params: []lab.Param{
		lab.Int("hidden", 8, 2, 16, "the width of each of the two hidden layers").Costly(),
		lab.Choice("activation", "relu", []string{"relu", "softplus"}, "the activation, convex and non-decreasing: ReLU or softplus"),
		lab.Int("pairs", 2000, 100, 10000, "the number of random pairs of inputs in the midpoint test").Costly(),
		lab.Int("points", 40, 10, 80, "the number of training points, inputs standard normal in the plane, targets √(1 + ‖x‖²)").Costly(),
		lab.Int("steps", 3000, 500, 4000, "the number of full-batch steps of projected Adam that train the input-convex network").Costly(),
	},
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("Two panels. Top: the midpoint gaps of %d random pairs of inputs, sorted, for an input-convex network and for the same network with weights of both signs; "+
			"the input-convex network's curve never goes below zero, the other's does for a sizeable share of pairs. "+
			"Bottom: the training loss of the input-convex network along the straight segment from a trained network to its copy with two hidden units swapped; "+
			"both ends have the same loss, and the curve rises well above the flat chord between them.", a.Int("pairs"))
	},
	Run: runInputConvex,
}

// icnnInit draws weights for c: every weight normal with standard
// deviation 1/√(fan-in), the Wᶻ entries as absolute values so that they
// are non-negative.
func icnnInit(rng *rand.Rand, c *nn.ICNN) []float64 {
	theta := make([]float64, c.NumParams())
	hidden := c.Hidden()
	for l := range len(hidden) + 1 {
		out, prev := 1, 0
		if l < len(hidden) {
			out = hidden[l]
		}
		if l > 0 {
			prev = hidden[l-1]
		}
		s := 1 / math.Sqrt(float64(prev+c.In()))
		for i := range out {
			for j := range prev {
				theta[c.WZ(l, i, j)] = s * math.Abs(rng.NormFloat64())
			}
			for j := range c.In() {
				theta[c.WY(l, i, j)] = s * rng.NormFloat64()
			}
			theta[c.B(l, i)] = s * rng.NormFloat64()
		}
	}
	return theta
}

// icnnSigned returns θ with each Wᶻ entry's sign flipped with probability
// ½: the same magnitudes, no longer constrained.
func icnnSigned(rng *rand.Rand, c *nn.ICNN, theta []float64) []float64 {
	s := slices.Clone(theta)
	for i, con := range c.Constrained() {
		if con && rng.IntN(2) == 1 {
			s[i] = -s[i]
		}
	}
	return s
}

// midpointGaps returns, for each pair of inputs, the midpoint gap
// (f(x) + f(x′))/2 − f((x + x′)/2) divided by the size of the three values:
// convexity says it is never negative.
func midpointGaps(c *nn.ICNN, theta []float64, pairs [][2][]float64) []float64 {
	gaps := make([]float64, len(pairs))
	mid := make([]float64, c.In())
	for k, p := range pairs {
		for j := range mid {
			mid[j] = (p[0][j] + p[1][j]) / 2
		}
		fa, fb, fm := c.Forward(theta, p[0]), c.Forward(theta, p[1]), c.Forward(theta, mid)
		gaps[k] = ((fa+fb)/2 - fm) / ((math.Abs(fa)+math.Abs(fb))/2 + math.Abs(fm))
	}
	return gaps
}

// countViolations returns how many gaps fall below −icnnTolerance.
func countViolations(gaps []float64) int {
	n := 0
	for _, g := range gaps {
		if g < -icnnTolerance {
			n++
		}
	}
	return n
}

// icnnTrain minimises f from theta0 by full-batch Adam, projecting Wᶻ
// back onto the non-negative numbers after every step, as Amos et al.
// train their networks.
func icnnTrain(ctx context.Context, f *nn.ICNNFit, theta0 []float64, steps int) ([]float64, error) {
	const rate, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
	theta := slices.Clone(theta0)
	grad := make([]float64, len(theta))
	m, v := make([]float64, len(theta)), make([]float64, len(theta))
	p1, p2 := 1.0, 1.0
	for it := range steps {
		if it%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		f.Grad(theta, grad)
		p1, p2 = p1*b1, p2*b2
		for i, g := range grad {
			m[i] = b1*m[i] + (1-b1)*g
			v[i] = b2*v[i] + (1-b2)*g*g
			theta[i] -= rate * (m[i] / (1 - p1)) / (math.Sqrt(v[i]/(1-p2)) + eps)
		}
		f.Net.Project(theta)
	}
	return theta, nil
}

func runInputConvex(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, npairs := args.Int("hidden"), args.Int("pairs")
	c := nn.NewICNN(2, []int{h, h}, args.Choice("activation") == "softplus")

	// The midpoint test in input space.
	icnn := icnnInit(rng, c)
	signed := icnnSigned(rng, c, icnn)
	pairs := make([][2][]float64, npairs)
	for k := range pairs {
		for e := range 2 {
			pairs[k][e] = []float64{icnnSpread * rng.NormFloat64(), icnnSpread * rng.NormFloat64()}
		}
	}
	gapsICNN := midpointGaps(c, icnn, pairs)
	gapsSigned := midpointGaps(c, signed, pairs)
	violICNN, violSigned := countViolations(gapsICNN), countViolations(gapsSigned)

	// Train the input-convex network, then swap two units of its first
	// hidden layer: the pair whose segment's midpoint has the highest loss.
	var X [][]float64
	var Y []float64
	for range args.Int("points") {
		x := []float64{rng.NormFloat64(), rng.NormFloat64()}
		X = append(X, x)
		Y = append(Y, math.Sqrt(1+x[0]*x[0]+x[1]*x[1]))
	}
	fit := nn.NewICNNFit(c, X, Y)
	start := icnnInit(rng, c)
	trained, err := icnnTrain(ctx, fit, start, args.Int("steps"))
	if err != nil {
		return nil, err
	}
	end := fit.Loss(trained)
	var swapped []float64
	midLoss, pair := math.Inf(-1), [2]int{}
	for i := range h {
		for j := i + 1; j < h; j++ {
			s := c.PermuteUnits(trained, 0, i, j)
			if l := fit.Loss(nn.Interpolate(trained, s, 0.5)); l > midLoss {
				midLoss, pair, swapped = l, [2]int{i, j}, s
			}
		}
	}
	endSwapped := fit.Loss(swapped)
	minWZ := math.Inf(1)
	for i, con := range c.Constrained() {
		if con {
			minWZ = min(minWZ, trained[i])
		}
	}
	// Every network on the segment is input-convex; the midpoint one is
	// put to the same test as the random one.
	midNet := nn.Interpolate(trained, swapped, 0.5)
	violMid := countViolations(midpointGaps(c, midNet, pairs))

	r := &lab.Result{Cols: 1, Data: lab.Table{Header: []string{"series", "position", "value", "chord"}}}
	r.Int("pairs", npairs)
	r.Int("violations-icnn", violICNN)
	r.Int("violations-signed", violSigned)
	r.Float("percent-signed", "%.0f%%", 100*float64(violSigned)/float64(npairs))
	r.Float("min-gap-icnn", "%.1e", slices.Min(gapsICNN))
	r.Float("min-gap-signed", "%.2f", slices.Min(gapsSigned))
	r.Values = append(r.Values, lab.Value{Name: "tolerance", Text: "10⁻⁹", Number: icnnTolerance})
	r.Int("params", c.NumParams())
	r.Int("constrained", func() int {
		n := 0
		for _, con := range c.Constrained() {
			if con {
				n++
			}
		}
		return n
	}())
	r.Int("points", len(X))
	r.Int("steps", args.Int("steps"))
	r.Float("start-loss", "%.3f", fit.Loss(start))
	r.Float("end-loss", "%.4f", end)
	r.Float("mid-loss", "%.3f", midLoss)
	r.Float("rise", "%.0f", midLoss/end)
	r.Text("pair", fmt.Sprintf("%d and %d", pair[0]+1, pair[1]+1))
	r.Int("violations-midpoint-net", violMid)

	r.Check("icnn-convex", fmt.Sprintf("the input-convex network never rises above a chord in input space, in %d random pairs", npairs),
		violICNN == 0, "%d violations; smallest relative gap %.2g (a violation needs less than −10⁻⁹)", violICNN, slices.Min(gapsICNN))
	r.Check("signed-nonconvex", "the same architecture with weights of both signs rises above at least 5% of the chords",
		violSigned*20 >= npairs && slices.Min(gapsSigned) < -1e3*icnnTolerance,
		"%d violations of %d (%.1f%%); smallest relative gap %.3g", violSigned, npairs, 100*float64(violSigned)/float64(npairs), slices.Min(gapsSigned))
	r.Check("trained-feasible", "the trained network is input-convex: every weight on the z-path is non-negative",
		minWZ >= 0, "smallest z-path weight %.3g", minWZ)
	r.Check("ends-equal", "the trained network and its copy with two hidden units swapped have the same loss",
		math.Abs(endSwapped-end) <= 1e-12*end, "%.15g and %.15g", end, endSwapped)
	r.Check("midpoint-above", "the training loss at the midpoint of the segment between them exceeds the chord, by more than the loss at the ends",
		midLoss > 2*end, "loss %.4g at the ends, %.4g at the midpoint (units %d and %d swapped)", end, midLoss, pair[0]+1, pair[1]+1)
	r.Check("midpoint-net-convex", "the network at the midpoint is input-convex too",
		violMid == 0, "%d violations in the same %d pairs", violMid, npairs)

	// Top panel: the sorted midpoint gaps.
	top := lab.NewPlot("", "fraction of input pairs, sorted by gap", "midpoint gap ÷ size")
	top.X.Min, top.X.Max = 0, 1
	lo := 0.0
	for i, g := range []struct {
		gaps  []float64
		name  string
		key   string
		color int
	}{
		{gapsICNN, "input-convex network (Wᶻ ≥ 0)", "input-convex", 0},
		{gapsSigned, "same network, Wᶻ of both signs", "signed", 1},
	} {
		sorted := slices.Sorted(slices.Values(g.gaps))
		var xys plotter.XYs
		for k := range 201 {
			q := float64(k) / 200
			v := sorted[int(math.Round(q*float64(len(sorted)-1)))]
			xys = append(xys, plotter.XY{X: q, Y: v})
			r.Data.Add(g.key, q, v, "")
		}
		lo = min(lo, sorted[0])
		line, err := lab.Series(xys, g.color, i == 1)
		if err != nil {
			return nil, err
		}
		top.Add(line)
		top.Legend.Add(g.name, line)
	}
	zero, err := lab.Series(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}}, 7, false)
	if err != nil {
		return nil, err
	}
	zero.Color, zero.Width = lab.Gray, vg.Points(1)
	top.Add(zero)
	top.Legend.Top, top.Legend.Left = true, true
	top.Legend.XOffs = vg.Points(6)
	hi := max(slices.Max(gapsICNN), slices.Max(gapsSigned))
	top.Y.Min, top.Y.Max = lo-0.05*(hi-lo), hi+0.6*(hi-lo)

	// Bottom panel: the loss along the segment, with its chord.
	bottom := lab.NewPlot("", "t, from the trained network (0) to its swapped copy (1)", "training loss")
	var seg, chord plotter.XYs
	theta := make([]float64, len(trained))
	peak := 0.0
	for k := range 101 {
		t := float64(k) / 100
		l := fit.Loss(nn.InterpolateTo(theta, trained, swapped, t))
		ch := (1-t)*end + t*endSwapped
		seg = append(seg, plotter.XY{X: t, Y: l})
		chord = append(chord, plotter.XY{X: t, Y: ch})
		r.Data.Add("segment", t, l, ch)
		peak = max(peak, l)
	}
	sl, err := lab.Series(seg, 0, false)
	if err != nil {
		return nil, err
	}
	cl, err := lab.Series(chord, 1, true)
	if err != nil {
		return nil, err
	}
	ends, err := lab.Points(plotter.XYs{{X: 0, Y: end}, {X: 1, Y: endSwapped}}, 1)
	if err != nil {
		return nil, err
	}
	bottom.Add(cl, sl, ends)
	bottom.Legend.Add("loss along the segment", sl)
	bottom.Legend.Add("chord between the ends", cl)
	bottom.X.Min, bottom.X.Max = 0, 1
	bottom.Y.Min, bottom.Y.Max = 0, peak*1.45

	r.Plots = []*plot.Plot{top, bottom}
	return r, nil
}
