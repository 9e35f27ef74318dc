package figures

import (
	"context"
	"math"
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// sigmoidCurvature is the first part of claim e of the brief: the sigmoid
// is convex left of 0 and concave right of it, so it is neither. Its second
// derivative σ(1−σ)(1−2σ) changes sign at 0 and is extreme, ±√3/18, at
// x = ∓ln(2+√3).
var sigmoidCurvature = &lab.Experiment{
	Name: "sigmoid-curvature",
	Doc: "The sigmoid and its second derivative, with the extremes of the second derivative found " +
		"numerically and a chord that passes under the sigmoid.",
	Params: []lab.Param{
		lab.Float("xmax", 6, 3, 12, "the plots span x from −xmax to xmax"),
		lab.Int("points", 241, 21, 10001, "the number of equally spaced values of x").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Two stacked panels. Top: the sigmoid σ(x), rising from 0 to 1, with a chord from x = 0 to x = 4 that lies below the curve. " +
			"Bottom: its second derivative σ″(x), positive for x < 0 and negative for x > 0, crossing zero at the origin, " +
			"with a maximum of about 0.096 near x = −1.32 and a minimum of about −0.096 near x = 1.32."
	},
	Run: runSigmoidCurvature,
}

// sigmoid3 returns the third derivative of the sigmoid. With d = σ(1−σ),
// σ″ = d(1−2σ) and σ‴ = d(1−2σ)² − 2d² = d(1 − 6d), because (1−2σ)² = 1 − 4d.
func sigmoid3(x float64) float64 {
	d := nn.Sigmoid.Deriv(x)
	return d * (1 - 6*d)
}

// bisectRoot returns the root of f in [a, b], where f(a) and f(b) have opposite
// signs, to the last bit that halving can resolve.
func bisectRoot(f func(float64) float64, a, b float64) float64 {
	fa := f(a)
	for {
		m := a + (b-a)/2
		if m == a || m == b {
			return m
		}
		if fm := f(m); (fm > 0) == (fa > 0) {
			a, fa = m, fm
		} else {
			b = m
		}
	}
}

func runSigmoidCurvature(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	xmax, n := args.Float("xmax"), args.Int("points")
	s, s2 := nn.Sigmoid.Eval, nn.Sigmoid.Deriv2

	// The extremes of σ″ are the zeros of σ‴, one on each side of 0.
	xHi := bisectRoot(sigmoid3, -xmax, 0) // σ″ is largest here
	xLo := bisectRoot(sigmoid3, 0, xmax)  // and smallest here
	hi, lo := s2(xHi), s2(xLo)
	xStar, vStar := math.Log(2+math.Sqrt(3)), math.Sqrt(3)/18
	locErr := math.Max(math.Abs(xHi+xStar), math.Abs(xLo-xStar))
	valErr := math.Max(math.Abs(hi-vStar), math.Abs(lo+vStar))

	r := &lab.Result{Data: lab.Table{Header: []string{"x", "sigma", "sigma2"}}}
	var sig, curv plotter.XYs
	signOK := s2(0) == 0
	for i := range n {
		if i%512 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		x := -xmax + 2*xmax*float64(i)/float64(n-1)
		y, c := s(x), s2(x)
		r.Data.Add(x, y, c)
		sig = append(sig, plotter.XY{X: x, Y: y})
		curv = append(curv, plotter.XY{X: x, Y: c})
		if x < 0 && !(c > 0) || x > 0 && !(c < 0) {
			signOK = false
		}
	}

	// A chord over the concave half: it lies under the graph.
	a, b := 0.0, 4.0
	mid, chord := s((a+b)/2), (s(a)+s(b))/2

	r.Float("x-max", "%.4f", xHi)
	r.Float("x-min", "%.4f", xLo)
	r.Float("max", "%.4f", hi)
	r.Float("min", "%.4f", lo)
	r.Float("x-star", "%.6f", xStar)
	r.Float("v-star", "%.6f", vStar)
	r.Float("location-error", "%.2g", locErr)
	r.Float("value-error", "%.2g", valErr)
	r.Float("sigma-mid", "%.4f", mid)
	r.Float("chord-mid", "%.4f", chord)
	r.Int("points", n)
	r.Check("sign-change", "σ″ is positive at every grid point left of 0, negative at every one right of 0, and zero at 0",
		signOK, "σ″(0) = %g; %d grid points on [−%g, %g]", s2(0), n, xmax, xmax)
	r.Check("extremes", "the extremes of σ″, found by bisection on σ‴, lie at ∓ln(2+√3) with values ±√3/18",
		locErr <= 1e-9 && valErr <= 1e-9,
		"found x = %.12f and %.12f, σ″ = %.12f and %.12f; closed form ∓%.12f and ±%.12f; largest errors %.2g (location) and %.2g (value), tolerance 1e-9",
		xHi, xLo, hi, lo, xStar, vStar, locErr, valErr)
	r.Check("above-chord", "the sigmoid at x = 2 lies above the chord from x = 0 to x = 4, which a convex function forbids",
		mid > chord, "σ(2) = %.6f > (σ(0) + σ(4))/2 = %.6f", mid, chord)

	top := lab.NewPlot("", "x", "σ(x)")
	sigLine, err := lab.Series(sig, 0, false)
	if err != nil {
		return nil, err
	}
	chordLine, err := lab.Series(plotter.XYs{{X: a, Y: s(a)}, {X: b, Y: s(b)}}, 7, true)
	if err != nil {
		return nil, err
	}
	chordLine.Color = lab.Gray
	chordDots, err := lab.Points(plotter.XYs{{X: (a + b) / 2, Y: mid}, {X: (a + b) / 2, Y: chord}}, 1)
	if err != nil {
		return nil, err
	}
	top.Add(sigLine, chordLine, chordDots)
	top.X.Min, top.X.Max = -xmax, xmax
	top.Y.Min, top.Y.Max = -0.05, 1.45 // headroom for the legend
	top.Y.Tick.Marker = lab.TicksAt(0, 0.5, 1)
	top.Legend.Add("σ(x)", sigLine)
	top.Legend.Add("chord from x = 0 to x = 4", chordLine)
	top.Legend.Add("σ(2) and the chord at x = 2", chordDots)
	top.Legend.Left = true

	bottom := lab.NewPlot("", "x", "σ″(x)")
	zero, err := lab.Series(plotter.XYs{{X: -xmax, Y: 0}, {X: xmax, Y: 0}}, 7, false)
	if err != nil {
		return nil, err
	}
	zero.Color, zero.Width = lab.Gray, zero.Width/2
	curvLine, err := lab.Series(curv, 2, false)
	if err != nil {
		return nil, err
	}
	ext, err := lab.Points(plotter.XYs{{X: xHi, Y: hi}, {X: xLo, Y: lo}}, 1)
	if err != nil {
		return nil, err
	}
	bottom.Add(zero, curvLine, ext)
	bottom.X.Min, bottom.X.Max = -xmax, xmax
	bottom.Y.Min, bottom.Y.Max = -0.12, 0.165 // headroom for the legend
	bottom.Y.Tick.Marker = lab.TicksAt(-0.1, -0.05, 0, 0.05, 0.1)
	bottom.Legend.Add("σ″(x) = σ(1−σ)(1−2σ)", curvLine)
	bottom.Legend.Add("extremes ±√3/18 at ∓ln(2+√3)", ext)
	r.Plots = []*plot.Plot{top, bottom}
	r.Cols = 1
	return r, nil
}
