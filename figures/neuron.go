package figures

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file holds the third experiment of claim g of the brief, after Auer,
// Herbster & Warmuth (1996): a single sigmoid neuron with one weight and no
// hidden layer. With the square loss its training loss has several local
// minima; with cross-entropy, exactly one. The difference is whether the
// loss is convex in the logit z = w x, which is linear in the weight.

var singleNeuron = &lab.Experiment{
	Name: "single-neuron",
	Doc: "The training loss of one sigmoid neuron σ(w x) with a single weight w, on a few examples whose inputs span many " +
		"orders of magnitude, as a function of w: several local minima with the square loss, exactly one with cross-entropy.",
	Params: []lab.Param{
		lab.Int("examples", 4, 3, 6, "the number of training examples; their labels alternate 1, 0, 1, …").Costly(),
		lab.Float("ratio", 100, 30, 300, "the ratio between consecutive inputs: the inputs are ratioⁿ⁻¹, …, ratio, 1"),
		lab.Int("points", 1201, 201, 20001, "grid points per sign of w at which the loss is drawn and its slope inspected").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Two panels against log₁₀|w|, one curve for positive and one for negative weights in each. " +
			"Top, the square loss: a staircase of plateaus joined by steep steps, with dips between the steps, several of them local minima. " +
			"Bottom, cross-entropy: a single valley on the positive side, the negative side rising throughout."
	},
	Run: runSingleNeuron,
}

// neuronData returns the examples: inputs ratio^(n−1), …, ratio, 1 with
// labels alternating 1, 0, 1, …, largest input first.
func neuronData(n int, ratio float64) (xs, ys []float64) {
	for t := range n {
		xs = append(xs, math.Pow(ratio, float64(n-1-t)))
		ys = append(ys, float64(1-t%2))
	}
	return xs, ys
}

// neuronLoss is the training loss of the neuron, summed over the examples,
// with its first two derivatives in w, in closed form. Labels are 0 or 1,
// which lets σ(z) − y be computed without cancellation as σ(z) or −σ(−z):
// on the plateaus the slope is far below the rounding error of σ itself,
// and its sign is what decides where the minima are.
type neuronLoss struct {
	xs, ys []float64
	square bool // square loss (σ − y)²; otherwise cross-entropy
}

// at returns L(w), L′(w) and L″(w).
func (l neuronLoss) at(w float64) (v, d1, d2 float64) {
	for i, x := range l.xs {
		z := w * x
		// σ(z) and σ(−z) each accurate in its tail, as nn computes them.
		s, c := nn.Sigmoid.Eval(z), nn.Sigmoid.Eval(-z)
		sd, e := s*c, s // σ′, and σ − y for y = 0
		if l.ys[i] == 1 {
			e = -c
		}
		if l.square {
			v += e * e
			d1 += 2 * e * sd * x
			d2 += 2 * x * x * (sd*sd + e*sd*(1-2*s))
		} else {
			v += nn.Logistic.Value([]float64{z}, []float64{l.ys[i]})
			d1 += e * x
			d2 += sd * x * x
		}
	}
	return v, d1, d2
}

// bottom returns where the slope of l crosses zero between a < b, where it
// is negative at a and positive at b, by bisection to the last bit.
func (l neuronLoss) bottom(a, b float64) float64 {
	for {
		m := a + (b-a)/2
		if m == a || m == b {
			return m
		}
		if _, d, _ := l.at(m); d < 0 {
			a = m
		} else {
			b = m
		}
	}
}

// neuronMinimum is a local minimum found on the grid and refined.
type neuronMinimum struct {
	w, loss, curvature float64
}

// neuronGrid returns the weights at which the loss is inspected, in
// increasing order: points values of −|w| and of +|w| with log₁₀|w| evenly
// spaced on [lo, hi], and 0 between them.
func neuronGrid(lo, hi float64, points int) []float64 {
	ws := make([]float64, 0, 2*points+1)
	for i := range points {
		ws = append(ws, -math.Pow(10, hi-(hi-lo)*float64(i)/float64(points-1)))
	}
	ws = append(ws, 0)
	for i := range points {
		ws = append(ws, math.Pow(10, lo+(hi-lo)*float64(i)/float64(points-1)))
	}
	return ws
}

// neuronMinima finds every local minimum of l inside the grid: each place
// where the slope changes sign from negative to positive between
// neighbouring grid points, refined by bisection on the slope. Exact zeros
// of the slope (where it underflows on a plateau) carry no sign and are
// skipped, so a flat stretch is never mistaken for a minimum.
func neuronMinima(l neuronLoss, ws []float64) []neuronMinimum {
	var found []neuronMinimum
	prevW, prevSign := 0.0, 0
	for _, w := range ws {
		_, d, _ := l.at(w)
		sign := 0
		switch {
		case d > 0:
			sign = 1
		case d < 0:
			sign = -1
		}
		if sign == 0 {
			continue
		}
		if prevSign == -1 && sign == 1 {
			wm := l.bottom(prevW, w)
			v, _, c := l.at(wm)
			found = append(found, neuronMinimum{wm, v, c})
		}
		prevW, prevSign = w, sign
	}
	return found
}

// neuronDownhill follows the slope of l downhill from w0, through the
// grid points in the falling direction, to where the slope turns, and
// refines that point by bisection: the end of gradient descent with steps
// small enough to follow the curve. It returns ±Inf if the loss keeps
// falling to the end of the grid.
func neuronDownhill(l neuronLoss, ws []float64, w0 float64) float64 {
	_, d0, _ := l.at(w0)
	i, _ := slices.BinarySearch(ws, w0)
	step := 1 // the loss falls towards larger w
	if d0 > 0 {
		step, i = -1, i-1
	}
	prev := w0
	for ; i >= 0 && i < len(ws); i += step {
		w := ws[i]
		if _, d, _ := l.at(w); d*float64(step) > 0 {
			return l.bottom(min(prev, w), max(prev, w)) // the slope turned
		}
		prev = w
	}
	return math.Inf(step)
}

func runSingleNeuron(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	n, ratio, points := args.Int("examples"), args.Float("ratio"), args.Int("points")
	xs, ys := neuronData(n, ratio)
	// From a tenth of the scale of the largest input's step to well past
	// the smallest's: every step of the staircase, and its plateaus.
	lo, hi := -math.Log10(xs[0])-2, 2.0
	ws := neuronGrid(lo, hi, points)
	sq, ce := neuronLoss{xs, ys, true}, neuronLoss{xs, ys, false}
	sqMin, ceMin := neuronMinima(sq, ws), neuronMinima(ce, ws)

	r := &lab.Result{Cols: 1, Data: lab.Table{Header: []string{"w", "log10_abs_w", "square_loss", "cross_entropy"}}}
	minCECurv, gridLow := math.Inf(1), math.Inf(1)
	for _, w := range ws {
		a, _, _ := sq.at(w)
		gridLow = math.Min(gridLow, a)
		b, _, c := ce.at(w)
		minCECurv = math.Min(minCECurv, c)
		u := "" // log₁₀|0| has no value
		if w != 0 {
			u = fmt.Sprint(math.Log10(math.Abs(w)))
		}
		r.Data.Add(w, u, a, b)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	// The loss of one example against label 0, as a function of the logit:
	// g(z) = σ(z)², with g″(z) = 2σ²(1 − σ)(2 − 3σ), which changes sign
	// where σ = 2/3, that is at z = ln 2.
	bend := neuronBend()

	verified := true
	var where, detail []string
	for i, m := range sqMin {
		verified = verified && m.curvature > 0
		where = append(where, fmt.Sprintf("%.3g", m.w))
		detail = append(detail, fmt.Sprintf("w = %.3g: L = %.4f, L″ = %.3g", m.w, m.loss, m.curvature))
		r.Float(fmt.Sprintf("w-%d", i+1), "%.2g", m.w)
		r.Float(fmt.Sprintf("loss-%d", i+1), "%.3f", m.loss)
	}
	r.Int("examples", n)
	r.Float("ratio", "%g", ratio)
	r.Float("largest", "%.0e", xs[0])
	r.Int("minima-square", len(sqMin))
	r.Int("minima-ce", len(ceMin))
	if len(ceMin) == 1 {
		r.Float("w-ce", "%.2g", ceMin[0].w)
		r.Float("loss-ce", "%.3f", ceMin[0].loss)
	}
	r.Float("bend", "%.4f", bend)

	// Where a descent ends depends on where it starts: one start in the
	// basin of each of the first three minima, if there are three.
	starts := []float64{-1e-2, 1e-5, 1e-2}
	var descents []string
	distinct, landed := map[float64]bool{}, true
	for _, w0 := range starts {
		end := neuronDownhill(sq, ws, w0)
		descents = append(descents, fmt.Sprintf("from w = %g to %.3g", w0, end))
		distinct[end] = true
		onMinimum := false
		for _, m := range sqMin {
			onMinimum = onMinimum || math.Abs(end-m.w) <= 1e-9*math.Abs(m.w)
		}
		landed = landed && onMinimum
	}
	if len(sqMin) == 3 {
		r.Check("descents", "descending from three different starting weights ends in three different local minima",
			landed && len(distinct) == 3, "%s", strings.Join(descents, "; "))
	}
	r.Check("square-several", "with the square loss, the single weight has several local minima",
		len(sqMin) >= 2, "%d local minima, at w = %s", len(sqMin), strings.Join(where, ", "))
	r.Check("square-verified", "each of them is a strict minimum: the slope changes sign from − to + and the second derivative is positive",
		verified && len(sqMin) > 0, "%s", strings.Join(detail, "; "))
	if len(sqMin) > 0 {
		lowest := slices.MinFunc(sqMin, func(a, b neuronMinimum) int { return cmp.Compare(a.loss, b.loss) })
		r.Check("square-global", "the lowest of these minima is the lowest loss anywhere on the grid",
			lowest.loss <= gridLow, "lowest minimum %.6f at w = %.3g; lowest grid value %.6f", lowest.loss, lowest.w, gridLow)
	}
	ceDetail := "none found"
	if len(ceMin) > 0 {
		ceDetail = fmt.Sprintf("%d, the first at w = %.3g with L = %.4f", len(ceMin), ceMin[0].w, ceMin[0].loss)
	}
	r.Check("ce-one", "with cross-entropy there is exactly one local minimum, and the second derivative is positive at every grid point",
		len(ceMin) == 1 && minCECurv > 0, "minima: %s; smallest second derivative on the grid %.2g", ceDetail, minCECurv)
	r.Check("bend", "the square loss of σ(z) against label 0 is not convex in z: its second derivative changes sign at z = ln 2",
		math.Abs(bend-math.Ln2) <= 1e-12, "sign change found at z = %.15f; ln 2 = %.15f", bend, math.Ln2)

	top, err := neuronPanel(sq, ws, sqMin, "square loss Σ(σ(wx) − y)²")
	if err != nil {
		return nil, err
	}
	bottom, err := neuronPanel(ce, ws, ceMin, "cross-entropy")
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{top, bottom}
	r.Height = 220
	return r, nil
}

// neuronBend returns where d²/dz² σ(z)² changes sign, found by bisection on
// its closed form 2σ²(1 − σ)(2 − 3σ) over [0, 3].
func neuronBend() float64 {
	g2 := func(z float64) float64 {
		s := nn.Sigmoid.Eval(z)
		return 2 * s * s * (1 - s) * (2 - 3*s)
	}
	a, b := 0.0, 3.0
	for b-a > 1e-15 {
		m := (a + b) / 2
		if g2(m) > 0 {
			a = m
		} else {
			b = m
		}
	}
	return (a + b) / 2
}

// neuronPanel draws the loss against log₁₀|w| for positive weights (solid)
// and negative weights (dashed), with the local minima marked.
func neuronPanel(l neuronLoss, ws []float64, minima []neuronMinimum, yLabel string) (*plot.Plot, error) {
	p := lab.NewPlot("", "log₁₀|w|", yLabel)
	var pos, neg, mins plotter.XYs
	top := 0.0
	for _, w := range ws {
		if w == 0 {
			continue
		}
		v, _, _ := l.at(w)
		top = math.Max(top, v)
		xy := plotter.XY{X: math.Log10(math.Abs(w)), Y: v}
		if w > 0 {
			pos = append(pos, xy)
		} else {
			neg = append(neg, xy)
		}
	}
	for _, m := range minima {
		if m.w != 0 {
			mins = append(mins, plotter.XY{X: math.Log10(math.Abs(m.w)), Y: m.loss})
		}
	}
	a, err := lab.Series(pos, 0, false)
	if err != nil {
		return nil, err
	}
	b, err := lab.Series(neg, 1, true)
	if err != nil {
		return nil, err
	}
	p.Add(a, b)
	p.Legend.Add("w > 0", a)
	p.Legend.Add("w < 0", b)
	if len(mins) > 0 {
		dots, err := lab.Points(mins, 7)
		if err != nil {
			return nil, err
		}
		p.Add(dots)
		p.Legend.Add("local minimum", dots)
	}
	p.Legend.Left = true
	p.X.Min, p.X.Max = pos[0].X, pos[len(pos)-1].X
	var ticks []float64
	for u := math.Ceil(p.X.Min); u <= p.X.Max; u++ {
		if int(u)%2 == 0 {
			ticks = append(ticks, u)
		}
	}
	p.X.Tick.Marker = lab.TicksAt(ticks...)
	p.Y.Min, p.Y.Max = 0, top*1.45
	if !l.square {
		// Cross-entropy grows without bound, by orders of magnitude over
		// the axis; cut it at twice its value at w = 0 so that the valley
		// shows. Lines are clipped at the edge of the panel.
		at0, _, _ := l.at(0)
		p.Y.Max = 2 * at0
		p.Y.Tick.Marker = lab.IntTicks(0, p.Y.Max)
		p.Legend.Left = false // the right half is empty: both curves left the panel
	}
	return p, nil
}
