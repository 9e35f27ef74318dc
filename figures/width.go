package figures

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file holds the first experiment of claim g of the brief: train the
// same small regression problem many times at several widths and look at
// where every run ends. Narrow networks often stop in a local minimum far
// above the best one found; wide ones, on this problem, do not.

// widthWidths are the hidden-layer widths compared.
var widthWidths = []int{2, 4, 8, 16}

var widthSweep = &lab.Experiment{
	Name: "width-sweep",
	Doc: "Trains 1-h-1 tanh networks on points of sin(2.5x) from many random starts at the widths h = 2, 4, 8 and 16, " +
		"and shows the final loss of every run: narrow networks often end in local minima far above the best run, " +
		"wide ones do not.",
	Params: []lab.Param{
		lab.Int("runs", 24, 4, 32, "the number of training runs, from independent random starts, at each width").Costly(),
		lab.Int("points", 60, 30, 90, "the number of training points, equally spaced on [−π, π]").Costly(),
		lab.Float("decay", 1e-4, 1e-5, 0.01, "the weight decay λ: the loss is the mean square error plus (λ/2)‖θ‖², which keeps minima at finite weights"),
		lab.Float("margin", 0.05, 0.01, 0.2, "how far above the best final loss at its width a run must end to count as stuck"),
		lab.Int("iterations", 500, 200, 750, "the most L-BFGS iterations a run may take").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "A strip plot of the final training loss of every run, on a logarithmic axis, at widths 2, 4, 8 and 16. " +
			"At width 2 the runs end at a few distinct values, many of them far above the best; at width 4 most runs end near the best, " +
			"and any that do not are marked; at widths 8 and 16 every run ends in one narrow band at the bottom, below the threshold marked for each width."
	},
	Run: runWidthSweep,
}

// waveData returns n points x equally spaced on [−π, π] with y = sin(2.5x):
// five half-waves, more than a few tanh units can follow.
func waveData(n int) (xs, ys []float64) {
	for i := range n {
		x := -math.Pi + 2*math.Pi*float64(i)/float64(n-1)
		xs = append(xs, x)
		ys = append(ys, math.Sin(2.5*x))
	}
	return xs, ys
}

// tanhFit is the loss of a 1-h-1 tanh network on (xs, ys): the mean square
// error plus (λ/2)‖θ‖², with θ in nn's layout (w, b, v, c) for
// f(x) = c + Σ v_j tanh(w_j x + b_j). It computes exactly what an
// nn.Objective plus the penalty computes, specialised to this shape and
// remembering the last forward pass, because the optimiser asks for the
// value and the gradient at the same point in turn. Training a hundred
// networks takes a good part of the experiment's budget, and this makes
// it several times cheaper.
type tanhFit struct {
	h      int
	lambda float64
	xs, ys []float64
	at     []float64 // the θ of the cached pass, nil before the first
	t      []float64 // tanh(w_j x_i + b_j), row i
	r      []float64 // dLoss/df(x_i) of the mean square error
	loss   float64
}

func newTanhFit(h int, xs, ys []float64, lambda float64) *tanhFit {
	return &tanhFit{h: h, lambda: lambda, xs: xs, ys: ys, t: make([]float64, h*len(xs)), r: make([]float64, len(xs))}
}

func (f *tanhFit) Dim() int { return 3*f.h + 1 }

// forward evaluates the network at every input, unless θ is the cached one.
func (f *tanhFit) forward(theta []float64) {
	if f.at != nil && slices.Equal(f.at, theta) {
		return
	}
	h, n := f.h, float64(len(f.xs))
	w, b, v, c := theta[:h], theta[h:2*h], theta[2*h:3*h], theta[3*h]
	mse := 0.0
	for i, x := range f.xs {
		t := f.t[i*h : (i+1)*h]
		out := c
		for j := range h {
			t[j] = math.Tanh(w[j]*x + b[j])
			out += v[j] * t[j]
		}
		d := out - f.ys[i]
		mse += d * d
		f.r[i] = 2 * d / n
	}
	f.at = append(f.at[:0], theta...)
	f.loss = mse/n + f.lambda/2*floats.Dot(theta, theta)
}

func (f *tanhFit) Loss(theta []float64) float64 {
	f.forward(theta)
	return f.loss
}

func (f *tanhFit) Grad(theta, grad []float64) float64 {
	f.forward(theta)
	h := f.h
	v := theta[2*h : 3*h]
	clear(grad)
	for i, x := range f.xs {
		r, t := f.r[i], f.t[i*h:(i+1)*h]
		grad[3*h] += r
		for j := range h {
			grad[2*h+j] += r * t[j]
			q := r * v[j] * (1 - t[j]*t[j])
			grad[j] += q * x
			grad[h+j] += q
		}
	}
	for k, th := range theta {
		grad[k] += f.lambda * th
	}
	return f.loss
}

// mse returns the mean square error at theta, the loss without its penalty.
func (f *tanhFit) mse(theta []float64) float64 {
	return f.Loss(theta) - f.lambda/2*floats.Dot(theta, theta)
}

// widthInit draws a starting point: incoming weights and biases from
// N(0, 1), outgoing weights from N(0, 1/h), output bias 0. The biases are
// random on purpose: with zero biases the starting network is an odd
// function, the data are odd too, and the gradient then never moves the
// biases, so every run would be confined to odd networks.
func widthInit(rng *rand.Rand, h int) []float64 {
	theta := make([]float64, 3*h+1)
	for j := range h {
		theta[j] = rng.NormFloat64()
		theta[h+j] = rng.NormFloat64()
		theta[2*h+j] = rng.NormFloat64() / math.Sqrt(float64(h))
	}
	return theta
}

// widthRun is where one training run ended.
type widthRun struct {
	theta     []float64
	loss, mse float64
	grad      float64 // largest gradient entry at the end
	stuck     bool
}

// widthTrain runs L-BFGS from start. A stalled line search ends a run as
// converged, as in nn; cancellation and divergence are errors.
func widthTrain(ctx context.Context, f *tanhFit, start []float64, iters int) (widthRun, error) {
	res, err := nn.LBFGS(ctx, f, start, nn.LBFGSConfig{MaxIters: iters, GradTol: 1e-8})
	if ctx.Err() != nil {
		return widthRun{}, ctx.Err()
	}
	if errors.Is(err, nn.ErrDiverged) || len(res.Theta) == 0 {
		return widthRun{}, fmt.Errorf("training diverged: %w", err)
	}
	g := make([]float64, len(res.Theta))
	loss := f.Grad(res.Theta, g)
	return widthRun{theta: res.Theta, loss: loss, mse: f.mse(res.Theta), grad: maxAbs(g)}, nil
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// widthCheckMinimum judges the end of a run by the exact Hessian of the
// penalised loss at theta (nn's R-operator Hessian of the mean square
// error, plus λI); see minimumTest.
func widthCheckMinimum(obj *nn.Decayed, theta []float64) (lo, hi, decrement float64, err error) {
	g := make([]float64, len(theta))
	obj.Grad(theta, g)
	return minimumTest(obj.Hessian(theta), g)
}

// widthNorm returns the Euclidean length of v.
func widthNorm(v []float64) float64 { return math.Sqrt(floats.Dot(v, v)) }

// widthCanonical flips every hidden unit of a 1-h-1 tanh network whose
// outgoing weight is negative (w, b and v together), which leaves the
// function unchanged because tanh is odd.
func widthCanonical(h int, theta []float64) []float64 {
	c := slices.Clone(theta)
	for j := range h {
		if c[2*h+j] < 0 {
			c[j], c[h+j], c[2*h+j] = -c[j], -c[h+j], -c[2*h+j]
		}
	}
	return c
}

// widthAlign returns the copy of b, among those that sign flips and
// relabelling of hidden units reach, that lies closest to a (both with
// normalised signs): weight matching, solved exactly by nn.
func widthAlign(net *nn.Net, a, b []float64) []float64 {
	h := net.Sizes()[1]
	a, b = widthCanonical(h, a), widthCanonical(h, b)
	return net.PermuteAll(b, net.Match(a, b))
}

func runWidthSweep(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	runs, lambda, margin, iters := args.Int("runs"), args.Float("decay"), args.Float("margin"), args.Int("iterations")
	xs, ys := waveData(args.Int("points"))
	r := &lab.Result{Data: lab.Table{Header: []string{"width", "run", "loss", "mse", "gradient_max", "stuck"}}}

	ends := make([][]widthRun, len(widthWidths))
	for wi, h := range widthWidths {
		f := newTanhFit(h, xs, ys, lambda)
		for range runs {
			run, err := widthTrain(ctx, f, widthInit(rng, h), iters)
			if err != nil {
				return nil, err
			}
			ends[wi] = append(ends[wi], run)
		}
	}

	// A run that ends far above the best of its width may only be slow:
	// narrow networks can crawl along a ravine for thousands of steps.
	// Before calling it stuck, let it run ten times longer.
	for wi, h := range widthWidths {
		f := newTanhFit(h, xs, ys, lambda)
		best := math.Inf(1)
		for _, e := range ends[wi] {
			best = math.Min(best, e.loss)
		}
		for i, e := range ends[wi] {
			if e.loss <= best+margin {
				continue
			}
			run, err := widthTrain(ctx, f, e.theta, 10*iters)
			if err != nil {
				return nil, err
			}
			ends[wi][i] = run
		}
	}

	// Classify, and confirm that each stuck run sits at a local minimum:
	// a negligible gradient and a positive semidefinite Hessian.
	best := make([]float64, len(widthWidths))
	stuck := make([]int, len(widthWidths))
	spread := make([]float64, len(widthWidths))
	stuckDec, stuckEig, stuckGrad := 0.0, math.Inf(1), 0.0
	allGrad := 0.0
	for wi, h := range widthWidths {
		losses := make([]float64, runs)
		for i, e := range ends[wi] {
			losses[i] = e.loss
			allGrad = math.Max(allGrad, e.grad)
		}
		best[wi] = slices.Min(losses)
		spread[wi] = slices.Max(losses) - best[wi]
		net := nn.New([]int{1, h, 1}, []nn.Activation{nn.Tanh, nn.Linear})
		obj := &nn.Decayed{Objective: nn.NewObjective(net, nn.Square, nn.Data{X: mat.NewDense(len(xs), 1, slices.Clone(xs)), Y: mat.NewDense(len(ys), 1, slices.Clone(ys))}), Lambda: lambda}
		for i := range ends[wi] {
			e := &ends[wi][i]
			e.stuck = e.loss > best[wi]+margin
			if !e.stuck {
				continue
			}
			stuck[wi]++
			lo, _, dec, err := widthCheckMinimum(obj, e.theta)
			if err != nil {
				return nil, err
			}
			stuckGrad, stuckEig, stuckDec = math.Max(stuckGrad, e.grad), math.Min(stuckEig, lo), math.Max(stuckDec, dec/e.loss)
		}
		for i, e := range ends[wi] {
			r.Data.Add(h, i+1, e.loss, e.mse, e.grad, e.stuck)
		}
	}

	// At the narrowest width, runs that end at the same loss should have
	// found the same minimum: after normalising signs and matching units,
	// their weights coincide, either directly or after mirroring (the data
	// are odd, so the mirror image x ↦ −f(−x) of a network fits them
	// exactly as well).
	narrow := widthWidths[0]
	net := nn.New([]int{1, narrow, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	order := make([]int, runs)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ends[0][a].loss, ends[0][b].loss) })
	sorted := make([]float64, runs)
	for i, k := range order {
		sorted[i] = ends[0][k].loss
	}
	starts := distinctLevels(sorted, 1e-6)
	pairs, relabelled, mirrored, worst := 0, 0, 0, 0.0
	for g, s := range starts {
		e := runs
		if g+1 < len(starts) {
			e = starts[g+1]
		}
		ref := widthCanonical(narrow, ends[0][order[s]].theta)
		scale := widthNorm(ref)
		for _, k := range order[s+1 : e] {
			theta := ends[0][k].theta
			d := floats.Distance(ref, widthAlign(net, ref, theta), 2) / scale
			m := floats.Distance(ref, widthAlign(net, ref, widthMirror(narrow, theta)), 2) / scale
			pairs++
			worst = math.Max(worst, math.Min(d, m))
			switch {
			case d <= 1e-4:
				relabelled++
			case m <= 1e-4:
				mirrored++
			}
		}
	}

	for wi, h := range widthWidths {
		r.Int(fmt.Sprintf("stuck-%d", h), stuck[wi])
		r.Float(fmt.Sprintf("best-%d", h), "%.2g", best[wi])
		r.Float(fmt.Sprintf("spread-%d", h), "%.2g", spread[wi])
	}
	last := len(widthWidths) - 1
	r.Int("runs", runs)
	r.Int("iterations", iters)
	r.Int("trainings", runs*len(widthWidths))
	r.Int("levels-narrow", len(starts))
	r.Int("pairs-narrow", pairs)
	r.Int("relabelled-narrow", relabelled)
	r.Int("mirrored-narrow", mirrored)
	r.Float("threshold-narrow", "%.2g", best[0]+margin)
	r.Float("margin", "%g", margin)
	r.Float("worst-narrow", "%.3g", sorted[runs-1])
	r.Float("grad-max", "%.0e", allGrad)
	r.Float("spread-ratio", "%.0f", spread[0]/spread[last])
	if stuckGrad > 0 {
		r.Float("stuck-grad", "%.0e", stuckGrad)
		r.Float("stuck-eig", "%.1e", stuckEig)
		if math.IsInf(stuckDec, 1) {
			// A stuck run whose Hessian is not positive definite has no
			// Newton decrement; the stuck-are-minima check says so.
			r.Text("stuck-decrement", "∞")
		} else {
			r.Float("stuck-decrement", "%.0e", stuckDec)
		}
	}

	wideClean := true
	for wi, h := range widthWidths {
		if h >= 8 && stuck[wi] > 0 {
			wideClean = false
		}
	}
	nonIncreasing := true
	for wi := 1; wi < len(widthWidths); wi++ {
		nonIncreasing = nonIncreasing && stuck[wi] <= stuck[wi-1]
	}
	counts := fmt.Sprintf("stuck runs of %d at widths 2, 4, 8, 16: %d, %d, %d, %d", runs, stuck[0], stuck[1], stuck[2], stuck[3])
	r.Check("narrow-stuck", "some runs of the narrowest network end far above its best run",
		stuck[0] > 0, "%s; at width 2 the best run ends at %.3g, the threshold is %.3g", counts, best[0], best[0]+margin)
	r.Check("wide-clean", "no run at width 8 or 16 ends far above the best run of its width",
		wideClean, "%s (a run is stuck when its loss exceeds the best of its width by more than %g)", counts, margin)
	r.Check("fewer-with-width", "the number of stuck runs never grows with the width",
		nonIncreasing, "%s", counts)
	r.Check("stuck-are-minima", "every stuck run ends at a local minimum: a positive definite Hessian, and a gradient so small "+
		"that the quadratic model predicts no further fall worth the name",
		stuckEig > 0 && stuckDec <= 1e-6, "smallest Hessian eigenvalue %.3g; largest Newton decrement ½gᵀH⁻¹g %.1e of the run's loss "+
			"(tolerance 1e-6); largest gradient entry %.1e", stuckEig, stuckDec, stuckGrad)
	r.Check("band-narrows", "the final losses of the widest networks lie in a band less than a tenth as wide as the narrowest networks'",
		spread[last] < spread[0]/10, "spread (highest minus lowest final loss) %.3g at width %d, %.3g at width %d",
		spread[0], widthWidths[0], spread[last], widthWidths[last])
	r.Check("copies-narrow", "at width 2, runs that end at the same loss found the same minimum, up to relabelling units and mirroring",
		relabelled+mirrored == pairs && pairs > 0, "%d of %d runs share their loss with an earlier run; after sign normalisation and weight matching, "+
			"%d coincide with it and %d with its mirror image (largest relative distance %.1e, tolerance 1e-4); %d distinct final losses",
		pairs, runs, relabelled, mirrored, worst, len(starts))

	p, err := widthPlot(ends, best, margin)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	r.Height = 280
	return r, nil
}

// widthMirror returns the network x ↦ −f(−x) of a 1-h-1 network θ = (w, b,
// v, c): the same incoming and outgoing weights with b and c negated, since
// tanh is odd.
func widthMirror(h int, theta []float64) []float64 {
	m := slices.Clone(theta)
	for j := h; j < 2*h; j++ {
		m[j] = -m[j]
	}
	m[3*h] = -m[3*h]
	return m
}

// widthPlot draws every run's final loss against its width, spread
// sideways by run number so that equal losses stay visible, with the
// stuck threshold of each width as a short dashed line.
func widthPlot(ends [][]widthRun, best []float64, margin float64) (*plot.Plot, error) {
	p := lab.NewPlot("", "hidden units h", "final loss (log scale)")
	p.Y.Scale = plot.LogScale{}
	var fine, bad plotter.XYs
	lo, hi := math.Inf(1), 0.0
	for wi, runs := range ends {
		for i, e := range runs {
			x := float64(wi) + 0.6*(float64(i)/float64(max(len(runs)-1, 1))-0.5)
			if e.stuck {
				bad = append(bad, plotter.XY{X: x, Y: e.loss})
			} else {
				fine = append(fine, plotter.XY{X: x, Y: e.loss})
			}
			lo, hi = math.Min(lo, e.loss), math.Max(hi, e.loss)
		}
	}
	var ticks []plot.Tick
	for wi, h := range widthWidths {
		ticks = append(ticks, plot.Tick{Value: float64(wi), Label: fmt.Sprint(h)})
		th := best[wi] + margin
		line, err := lab.Series(plotter.XYs{{X: float64(wi) - 0.4, Y: th}, {X: float64(wi) + 0.4, Y: th}}, 7, true)
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = lab.Gray, vg.Points(1.25)
		p.Add(line)
		if wi == 0 {
			p.Legend.Add("stuck threshold: best of its width + "+lab.Typeset(fmt.Sprint(margin)), line)
		}
		hi = math.Max(hi, th)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(widthWidths))-0.5
	if err := lab.Outcomes(p, fine, "run ending near the best of its width", bad, "stuck run, far above the best"); err != nil {
		return nil, err
	}
	p.Y.Tick.Marker = lab.Ticks{Ticker: plot.LogTicks{Prec: -1}}
	// Room above the highest run keeps the legend, top right, clear.
	p.Y.Min, p.Y.Max = lo/2, hi*8
	return p, nil
}
