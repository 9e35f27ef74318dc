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

// This file is the second half of claim j of the brief: a two-layer ReLU
// network trained with weight decay hides a convex problem (Pilanci and
// Ergen 2020). On a one-dimensional data set the experiment solves that
// convex program exactly (nn.ConvexReLU, with a certified duality gap),
// rebuilds a network from its solution, and trains networks of several
// widths many times from random starts with L-BFGS, the ordinary,
// non-convex way. No run can end below the convex optimum; the best runs
// reach it; others stop above it.

// reformWidths are the hidden-layer widths trained.
var reformWidths = []int{2, 4, 8, 16, 32}

// reformReach is how close to p* (relatively) a run must end to count as
// reaching it. Where the optimum puts a kink exactly on a data point, the
// objective has a kink there too, and gradient methods approach it slowly
// (to a relative 10⁻³ or 10⁻⁴); elsewhere the best runs end within rounding
// of p*. The threshold allows for the first case and stays well below the
// gaps of runs that stop elsewhere, and the prose quotes the best gap
// itself.
const reformReach = 1e-2

var convexReformulation = &lab.Experiment{
	Name: "convex-reformulation",
	Doc: "Solves Pilanci and Ergen's convex program for a two-layer ReLU network with weight decay on a one-dimensional data set, " +
		"certifies its optimum p* with a dual bound, rebuilds a network from the solution, and trains networks of widths 2 to 32 " +
		"many times from random starts with L-BFGS: no run ends below p*, the best reach it, others stop above it.",
	Params: []lab.Param{
		lab.Int("points", 12, 4, 16, "the number of training points, inputs spread over [−1, 1], targets sin(3x) plus noise").Costly(),
		lab.Float("decay", 0.05, 0.05, 1, "the weight decay β: the objective is ½ Σ (f(xᵢ) − yᵢ)² + (β/2) times the sum of all squared weights"),
		lab.Int("runs", 20, 4, 40, "the number of training runs, from independent random starts, at each width").Costly(),
	},
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("Two panels. Top: %d data points, the piecewise-linear fit of the network rebuilt from the convex program's solution, "+
			"one kink per unit, and the fit of one training run that stopped above the optimum. "+
			"Bottom: the final objective of every training run at widths 2, 4, 8, 16 and 32, on a logarithmic axis, with the convex optimum p* as a dashed line: "+
			"no run lies below the line; at narrow widths most runs lie above it, at the wider ones many runs sit on it and some stop above.", a.Int("points"))
	},
	Run: runConvexReformulation,
}

// reformData returns n points with inputs spread evenly over [−1, 1],
// each jittered within its slot so that they stay distinct and sorted,
// and targets sin(3x) plus Gaussian noise of standard deviation 0.1.
func reformData(rng *rand.Rand, n int) (x, y []float64) {
	for i := range n {
		xi := -1 + 2*(float64(i)+0.5+0.3*(2*rng.Float64()-1))/float64(n)
		x = append(x, xi)
		y = append(y, math.Sin(3*xi)+0.1*rng.NormFloat64())
	}
	return x, y
}

// reformInit draws a starting point of width m: first-layer weights and
// biases from N(0, 1), output weights from N(0, 1/m).
func reformInit(rng *rand.Rand, m int) []float64 {
	theta := make([]float64, 3*m)
	for k := range theta {
		theta[k] = rng.NormFloat64()
		if k >= 2*m {
			theta[k] /= math.Sqrt(float64(m))
		}
	}
	return theta
}

// reformTrain minimises f from start with L-BFGS. Where the line search
// gives up at a kink, it starts L-BFGS afresh from there (its memory of
// curvature is what misleads it), until a restart no longer lowers the
// objective.
func reformTrain(ctx context.Context, f *nn.ShallowReLU, start []float64) ([]float64, float64, error) {
	theta, loss := start, f.Loss(start)
	for range 50 {
		res, err := nn.LBFGS(ctx, f, theta, nn.LBFGSConfig{MaxIters: 2000, GradTol: 1e-12})
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		if len(res.Theta) == 0 {
			return nil, 0, fmt.Errorf("training: %w", err)
		}
		next := f.Loss(res.Theta)
		if !(next < loss-1e-15*loss) {
			break
		}
		theta, loss = res.Theta, next
	}
	return theta, loss, nil
}

// reformRun is where one training run ended.
type reformRun struct {
	width int
	theta []float64
	loss  float64
}

func runConvexReformulation(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	n, beta, runs := args.Int("points"), args.Float("decay"), args.Int("runs")
	x, y := reformData(rng, n)

	prog := nn.NewConvexReLU(x, y, beta)
	sol, err := prog.Solve(ctx, 1e-12, 400_000)
	if err != nil {
		return nil, err
	}
	pstar := sol.Primal
	a, b, alpha := prog.Network(sol.Theta)
	mstar := len(a)
	rebuilt := nn.NewShallowReLU(x, y, mstar, beta)
	rebuiltTheta := rebuilt.Pack(a, b, alpha)
	rebuiltLoss := rebuilt.Loss(rebuiltTheta)
	// Where the rebuilt units bend: a data point, or between two.
	onPoint := 0
	for j := range a {
		kink := -b[j] / a[j]
		for _, xi := range x {
			if math.Abs(kink-xi) <= 1e-9 {
				onPoint++
				break
			}
		}
	}

	ends := make([][]reformRun, len(reformWidths))
	for wi, m := range reformWidths {
		f := nn.NewShallowReLU(x, y, m, beta)
		for range runs {
			theta, loss, err := reformTrain(ctx, f, reformInit(rng, m))
			if err != nil {
				return nil, err
			}
			ends[wi] = append(ends[wi], reformRun{width: m, theta: theta, loss: loss})
		}
	}

	r := &lab.Result{Data: lab.Table{Header: []string{"series", "width", "run", "x", "value"}}}
	lowest, lowestWidth := math.Inf(1), 0
	best := math.Inf(1)
	reached := make([]int, len(reformWidths))
	stuckWide, stuckWorst := 0, 0.0
	var stuckExample *reformRun
	for wi, m := range reformWidths {
		for i := range ends[wi] {
			e := &ends[wi][i]
			gap := (e.loss - pstar) / pstar
			if e.loss < lowest {
				lowest, lowestWidth = e.loss, m
			}
			best = min(best, gap)
			if gap <= reformReach {
				reached[wi]++
			}
			if m >= mstar && gap > reformReach {
				stuckWide++
				if gap > stuckWorst {
					stuckWorst, stuckExample = gap, e
				}
			}
			r.Data.Add("final objective", m, i+1, "", e.loss)
		}
	}

	r.Float("p-star", "%.6f", pstar)
	r.Float("dual", "%.6f", sol.Dual)
	r.Float("gap", "%.0e", max(sol.Gap(), 1e-16))
	r.Int("iterations", sol.Iters)
	r.Int("patterns", len(prog.Patterns()))
	r.Int("variables", prog.Dim())
	r.Int("m-star", mstar)
	r.Int("kinks-on-points", onPoint)
	r.Int("points", n)
	r.Int("runs", runs)
	r.Int("trainings", runs*len(reformWidths))
	r.Float("decay", "%g", beta)
	// The best run may end a rounding error below p*: quote its distance.
	r.Float("best-gap", "%.0e", max(math.Abs(best), 1e-16))
	r.Float("lowest", "%.6f", lowest)
	r.Int("stuck-wide", stuckWide)
	r.Float("stuck-worst", "%.0f%%", 100*stuckWorst)
	r.Float("reach", "%.0f%%", 100*reformReach)
	for wi, m := range reformWidths {
		r.Int(fmt.Sprintf("reached-%d", m), reached[wi])
	}
	r.Float("rebuilt", "%.6f", rebuiltLoss)

	r.Check("certified", "the convex program is solved to within a relative 10⁻⁶ of its optimum, certified by a dual bound",
		sol.Gap() <= 1e-6, "objective %.12g, dual lower bound %.12g, relative gap %.1e after %d iterations", pstar, sol.Dual, sol.Gap(), sol.Iters)
	r.Check("none-below", "no training run, at any width, ends below the convex optimum",
		lowest >= sol.Dual*(1-1e-12), "lowest final objective %.12g (width %d); certified lower bound %.12g", lowest, lowestWidth, sol.Dual)
	total := 0
	for _, k := range reached {
		total += k
	}
	r.Check("best-reach", fmt.Sprintf("the best training runs reach the convex optimum, to within %g%%", 100*reformReach),
		best <= reformReach && total > 0, "best relative gap %.1e; %d of %d runs within %g%%", best, total, runs*len(reformWidths), 100*reformReach)
	r.Check("rebuilt", "the network rebuilt from the convex solution attains the convex optimum as a network objective",
		math.Abs(rebuiltLoss-pstar) <= 1e-12*pstar && prog.Feasible(sol.Theta) <= 1e-12,
		"rebuilt network of %d units: J = %.15g; convex optimum %.15g; cone constraints violated by %.2g", mstar, rebuiltLoss, pstar, prog.Feasible(sol.Theta))
	r.Check("still-stuck", fmt.Sprintf("some runs of networks at least as wide as the rebuilt one (%d units) stop more than %g%% above the optimum",
		mstar, 100*reformReach),
		stuckWide > 0, "%d such runs; the worst ends %.1f%% above p*", stuckWide, 100*stuckWorst)

	// The left panel: the data, the rebuilt network, and one stuck run.
	fits := lab.NewPlot("", "x", "y")
	lo, hi := -1.05, 1.05
	// Each fit is piecewise linear: drawn through its kinks and the ends
	// of the panel, it is exact.
	curve := func(f *nn.ShallowReLU, theta []float64) plotter.XYs {
		m := f.Dim() / 3
		xs := []float64{lo, hi}
		for j := range m {
			if k := -theta[m+j] / theta[j]; lo < k && k < hi {
				xs = append(xs, k)
			}
		}
		slices.Sort(xs)
		var xys plotter.XYs
		for _, xv := range xs {
			xys = append(xys, plotter.XY{X: xv, Y: f.Output(theta, xv)})
		}
		return xys
	}
	optimum := curve(rebuilt, rebuiltTheta)
	for _, xy := range optimum {
		r.Data.Add("rebuilt network", mstar, 0, xy.X, xy.Y)
	}
	line, err := lab.Series(optimum, 0, false)
	if err != nil {
		return nil, err
	}
	fits.Add(line)
	fits.Legend.Add(fmt.Sprintf("rebuilt from the convex solution (%d units)", mstar), line)
	if stuckExample != nil {
		f := nn.NewShallowReLU(x, y, stuckExample.width, beta)
		stuck := curve(f, stuckExample.theta)
		for _, xy := range stuck {
			r.Data.Add("stopped run", stuckExample.width, 0, xy.X, xy.Y)
		}
		sl, err := lab.Series(stuck, 1, true)
		if err != nil {
			return nil, err
		}
		fits.Add(sl)
		fits.Legend.Add(fmt.Sprintf("a run of width %d that stopped above p*", stuckExample.width), sl)
	}
	var pts plotter.XYs
	for i := range x {
		pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
		r.Data.Add("data", 0, i+1, x[i], y[i])
	}
	dots, err := lab.Points(pts, 7)
	if err != nil {
		return nil, err
	}
	dots.Radius = vg.Points(2.5)
	fits.Add(dots)
	fits.Legend.Add("data", dots)
	fits.X.Min, fits.X.Max = lo, hi
	ylo, yhi := slices.Min(y), slices.Max(y)
	fits.Y.Min, fits.Y.Max = ylo-0.3, yhi+0.4*(yhi-ylo)+0.3

	strip, err := reformStrip(ends, pstar)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{fits, strip}
	r.Cols, r.Height = 1, 260
	return r, nil
}

// reformStrip draws every run's final objective against its width, spread
// sideways by run number, with p* as a dashed line.
func reformStrip(ends [][]reformRun, pstar float64) (*plot.Plot, error) {
	p := lab.NewPlot("", "hidden units m", "final objective J (log scale)")
	p.Y.Scale = plot.LogScale{}

	var on, above plotter.XYs
	hi := pstar
	for wi, runs := range ends {
		for i, e := range runs {
			xv := float64(wi) + 0.6*(float64(i)/float64(max(len(runs)-1, 1))-0.5)
			if (e.loss-pstar)/pstar <= reformReach {
				on = append(on, plotter.XY{X: xv, Y: e.loss})
			} else {
				above = append(above, plotter.XY{X: xv, Y: e.loss})
			}
			hi = max(hi, e.loss)
		}
	}
	opt, err := lab.Series(plotter.XYs{{X: -0.5, Y: pstar}, {X: float64(len(ends)) - 0.5, Y: pstar}}, 7, true)
	if err != nil {
		return nil, err
	}
	opt.Color, opt.Width = lab.Gray, vg.Points(1.25)
	p.Add(opt)
	p.Legend.Add("convex optimum p*", opt)
	if err := lab.Outcomes(p, on, "run that reached p*", above, "run that stopped above"); err != nil {
		return nil, err
	}
	var ticks []plot.Tick
	for wi, m := range reformWidths {
		ticks = append(ticks, plot.Tick{Value: float64(wi), Label: fmt.Sprint(m)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(ends))-0.5
	p.Y.Min, p.Y.Max = pstar/1.5, hi*3
	var marks []float64
	for e := -3; e <= 3; e++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow10(e); p.Y.Min <= v && v <= p.Y.Max {
				marks = append(marks, v)
			}
		}
	}
	p.Y.Tick.Marker = lab.TicksAt(marks...)
	return p, nil
}
