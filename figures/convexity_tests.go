package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
)

// oneVariableTests holds four functions of one variable that calibrate the
// tests for convexity before they meet a network (claim l of the brief, and
// the definitions the seed threads argue about):
//
//   - −|x| has a second derivative of 0 wherever it has one, yet is not
//     convex: the second-derivative test needs a twice-differentiable
//     function, and ReLU networks are not;
//   - e^{−x} is convex with f″ > 0 everywhere and has no minimum at all:
//     gradient descent walks off to infinity;
//   - x² takes equal values at −2 and 2, as a convex function may: what
//     convexity forbids is a rise above the chord, not a repeated value;
//   - a "shelf" that is quasiconvex (falls, then rises) and still has local
//     minima that are not global, on its flat steps.
var oneVariableTests = &lab.Experiment{
	Name: "one-variable-tests",
	Doc: "Four functions of one variable that test the definitions: −|x| (second derivative 0 wherever it exists, not convex), " +
		"e^(−x) (convex, no minimum), x² (equal values at two points, convex) and a quasiconvex shelf with local minima that are not global.",
	Params: []lab.Param{
		lab.Int("steps", 40, 10, 10000, "the number of gradient-descent steps on e^(−x)").Costly(),
		lab.Float("step", 1, 0.1, 4, "the step size of gradient descent on e^(−x)"),
		lab.Int("chords", 2000, 100, 100000, "the number of random chords (and segments) tested for each function").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Four panels, one above the other. First: the tent −|x| with a dashed chord from x = −1 to x = 1 lying below its peak. " +
			"Second: e^(−x) falling towards 0, with the iterates of gradient descent marching to the right without stopping. " +
			"Third: the parabola x² with a dashed chord between x = −2 and x = 2, above the curve. " +
			"Fourth: a valley with flat shelves on both sides, where the function stays constant for a while before rising again."
	},
	Run: runOneVariableTests,
}

// shelf falls like |x| to 0, stays at 1 for 1 ≤ |x| ≤ 2, then rises again:
// nowhere increasing left of 0 or decreasing right of it, so every
// sublevel set is an interval (quasiconvex), yet every point of the open
// shelves is a local minimum of value 1 above the global minimum 0.
func shelf(x float64) float64 {
	a := math.Abs(x)
	switch {
	case a <= 1:
		return a
	case a <= 2:
		return 1
	default:
		return a - 1
	}
}

// secondDifference is (f(x+h) − 2f(x) + f(x−h))/h².
func secondDifference(f func(float64) float64, x, h float64) float64 {
	return (f(x+h) - 2*f(x) + f(x-h)) / (h * h)
}

// quasiViolations counts random segments [a, b] of [lo, hi] on which f at a
// point between exceeds the larger end value (beyond tol): a quasiconvex f
// has none.
func quasiViolations(rng *rand.Rand, f func(float64) float64, lo, hi float64, n int, tol float64) int {
	count := 0
	for range n {
		a, b, t := lo+(hi-lo)*rng.Float64(), lo+(hi-lo)*rng.Float64(), rng.Float64()
		if f((1-t)*a+t*b) > math.Max(f(a), f(b))+tol {
			count++
		}
	}
	return count
}

// chordRises counts random chords of f on [lo, hi] that f rises above
// (beyond tol).
func chordRises(rng *rand.Rand, f func(float64) float64, lo, hi float64, n int, tol float64) int {
	count := 0
	for range n {
		a, b, t := lo+(hi-lo)*rng.Float64(), lo+(hi-lo)*rng.Float64(), rng.Float64()
		if f((1-t)*a+t*b) > (1-t)*f(a)+t*f(b)+tol {
			count++
		}
	}
	return count
}

func runOneVariableTests(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	steps, step, chords := args.Int("steps"), args.Float("step"), args.Int("chords")
	r := &lab.Result{Cols: 1, Data: lab.Table{Header: []string{"panel", "x", "f"}}}
	tent := func(x float64) float64 { return -math.Abs(x) }
	exp := func(x float64) float64 { return math.Exp(-x) }
	sq := func(x float64) float64 { return x * x }

	// −|x|: second differences vanish away from the kink, chords fail.
	const h = 1e-3
	maxSecond := 0.0
	for i := range 301 {
		x := -1.5 + 3*float64(i)/300
		if math.Abs(x) > 2*h {
			maxSecond = math.Max(maxSecond, math.Abs(secondDifference(tent, x, h)))
		}
	}
	tentRises := chordRises(rng, tent, -1.5, 1.5, chords, 1e-12)
	r.Float("tent-mid", "%g", tent(0)+0) // +0 turns −0 into 0
	r.Float("tent-chord", "%g", (tent(-1)+tent(1))/2)
	r.Int("tent-rises", tentRises)
	r.Check("tent-second-derivative", "the second derivative of −|x| is 0 wherever it exists (every grid point off the kink)",
		maxSecond <= 1e-9, "largest |second difference| %.2g over the grid points with |x| > %g", maxSecond, 2*h)
	r.Check("tent-not-convex", "yet −|x| is not convex: its value at 0 lies above the chord from −1 to 1",
		tent(0) > (tent(-1)+tent(1))/2 && tentRises > 0, "f(0) = %g > chord %g; %d of %d random chords violated", tent(0)+0, (tent(-1)+tent(1))/2, tentRises, chords)

	// e^{−x}: convex, and gradient descent never arrives anywhere.
	x := 0.0
	walk := plotter.XYs{{X: x, Y: exp(x)}}
	decreasing := true
	for k := range steps {
		if k%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		next := x + step*exp(x) // x − step·f′(x), with f′(x) = −e^{−x}
		decreasing = decreasing && exp(next) < exp(x)
		x = next
		walk = append(walk, plotter.XY{X: x, Y: exp(x)})
	}
	expRises := chordRises(rng, exp, -1, 6, chords, 1e-12)
	r.Float("exp-x-end", "%.3g", x)
	r.Float("exp-f-end", "%.2g", exp(x))
	r.Float("exp-slope-end", "%.2g", -exp(x))
	r.Int("exp-steps", steps)
	r.Float("exp-step", "%g", step)
	r.Check("exp-convex", "e^(−x) passes the chord test",
		expRises == 0, "%d of %d random chords on [−1, 6] violated", expRises, chords)
	r.Check("exp-no-minimum", "gradient descent on e^(−x) lowers the loss at every step and never stops: the slope stays negative",
		decreasing && -exp(x) < 0 && exp(x) > 0, "after %d steps x = %.4g, f = %.3g, f′ = %.3g", steps, x, exp(x), -exp(x))

	// x²: equal values at ±2, chord above the curve.
	sqRises := chordRises(rng, sq, -2.5, 2.5, chords, 1e-12)
	r.Float("square-ends", "%g", sq(2))
	r.Float("square-mid", "%g", sq(0))
	r.Check("square-equal-ends", "x² takes the same value at −2 and 2 and stays below that value between them",
		sq(-2) == sq(2) && sq(0) < sq(2) && sqRises == 0, "f(−2) = f(2) = %g, f(0) = %g; %d of %d random chords violated", sq(2), sq(0), sqRises, chords)

	// The shelf: quasiconvex, with local minima that are not global.
	quasi := quasiViolations(rng, shelf, -3, 3, chords, 1e-12)
	localMin := true
	for _, d := range []float64{-0.4, -0.1, 0.1, 0.4} {
		localMin = localMin && shelf(1.5+d) >= shelf(1.5)
	}
	shelfRises := chordRises(rng, shelf, -3, 3, chords, 1e-12)
	r.Float("shelf-local", "%g", shelf(1.5))
	r.Float("shelf-global", "%g", shelf(0))
	r.Check("shelf-quasiconvex", "the shelf is quasiconvex: on no tested segment does it exceed the larger end value",
		quasi == 0, "%d of %d random segments of [−3, 3] violated", quasi, chords)
	r.Check("shelf-local-minimum", "it has a local minimum that is not global: at x = 1.5 the value 1 is the lowest nearby, above the global minimum 0",
		localMin && shelf(1.5) > shelf(0), "f(1.5) = %g, f(1.5 ± 0.1) = %g and %g, f(0) = %g", shelf(1.5), shelf(1.4), shelf(1.6), shelf(0))
	r.Check("shelf-not-convex", "and it is not convex", shelfRises > 0, "%d of %d random chords violated", shelfRises, chords)

	// Regularisers: |w|^½ (the ℓ_p penalty of one weight with p < 1) rises
	// above its chord from 0 to 1; |w|, the ℓ₁ penalty, never does.
	root := func(w float64) float64 { return math.Sqrt(math.Abs(w)) }
	rootRises := chordRises(rng, root, -1, 1, chords, 1e-12)
	absRises := chordRises(rng, math.Abs, -1, 1, chords, 1e-12)
	r.Float("root-quarter", "%g", root(0.25))
	r.Check("root-not-convex", "the penalty |w|^½ is not convex, while |w| is",
		root(0.25) > 0.25 && rootRises > 0 && absRises == 0,
		"|¼|^½ = %g above the chord value ¼ from 0 to 1; %d of %d random chords of |w|^½ violated, %d of |w|", root(0.25), rootRises, chords, absRises)

	// Drawing: four small panels.
	curve := func(f func(float64) float64, lo, hi float64, name string) plotter.XYs {
		var xys plotter.XYs
		for i := range 241 {
			x := lo + (hi-lo)*float64(i)/240
			xys = append(xys, plotter.XY{X: x, Y: f(x)})
			r.Data.Add(name, x, f(x))
		}
		return xys
	}
	panel := func(title string, xys plotter.XYs, chord plotter.XYs, dots plotter.XYs) (*plot.Plot, error) {
		p := lab.NewPlot(title, "x", "")
		line, err := lab.Series(xys, 0, false)
		if err != nil {
			return nil, err
		}
		p.Add(line)
		if chord != nil {
			c, err := lab.Series(chord, 1, true)
			if err != nil {
				return nil, err
			}
			p.Add(c)
		}
		if dots != nil {
			d, err := lab.Points(dots, 1)
			if err != nil {
				return nil, err
			}
			p.Add(d)
		}
		p.X.Min, p.X.Max = xys[0].X, xys[len(xys)-1].X
		return p, nil
	}
	a, err := panel("−|x|: f″ = 0 off the kink, not convex", curve(tent, -1.5, 1.5, "-|x|"), plotter.XYs{{X: -1, Y: -1}, {X: 1, Y: -1}}, plotter.XYs{{X: 0, Y: 0}})
	if err != nil {
		return nil, err
	}
	shown := walk
	if len(shown) > 60 {
		shown = shown[:60]
	}
	b, err := panel("e⁻ˣ: convex, no minimum", curve(exp, -1, 6, "exp(-x)"), nil, shown)
	if err != nil {
		return nil, err
	}
	b.Y.Min = 0
	c, err := panel("x²: equal values at ±2, convex", curve(sq, -2.5, 2.5, "x^2"), plotter.XYs{{X: -2, Y: 4}, {X: 2, Y: 4}}, plotter.XYs{{X: -2, Y: 4}, {X: 2, Y: 4}})
	if err != nil {
		return nil, err
	}
	d, err := panel("a shelf: quasiconvex, not convex", curve(shelf, -3, 3, "shelf"), nil, plotter.XYs{{X: 1.5, Y: 1}, {X: -1.5, Y: 1}})
	if err != nil {
		return nil, err
	}
	for _, p := range []*plot.Plot{a, b, c, d} {
		p.Title.TextStyle.Font.Size = p.X.Label.TextStyle.Font.Size
	}
	r.Plots = []*plot.Plot{a, b, c, d}
	r.Height = lab.PanelHeight * 0.6
	if len(walk) != steps+1 {
		return nil, fmt.Errorf("gradient descent took %d steps, want %d", len(walk)-1, steps)
	}
	return r, nil
}
