package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// saddleEscape is the second half of Dauphin et al.'s point: a saddle slows
// gradient descent down without stopping it. The saddle is a real network's:
// the origin of the two-layer linear network y = w₂w₁x on the example
// (1, 1), whose loss (w₁w₂ − 1)² has Hessian eigenvalues ±2 there. Write
// u = (w₁ + w₂)/√2 and v = (w₁ − w₂)/√2. The line u = 0 (w₁ = −w₂) is the
// saddle's stable manifold: gradient descent started on it runs into the
// saddle. Started at (u, v) = (ε, 1), it first slides down to the saddle,
// then waits there while u grows by the factor 1 + 2η a step; the wait
// lasts about ln(1/ε)/(2η) steps. Gradient flow is solvable in closed form
// here, since it conserves uv (equivalently w₁² − w₂², the balance of the
// two layers), and the experiment checks the measured escape against it.
var saddleEscape = &lab.Experiment{
	Name: "saddle-escape",
	Doc: "Gradient descent near the saddle at the origin of the two-layer linear network (w₁w₂ − 1)²: " +
		"started at distance ε from the saddle's stable manifold, it takes about ln(1/ε)/(2η) steps to escape, as the closed form " +
		"of gradient flow predicts; a little noise in each step shortens the wait.",
	Params: []lab.Param{
		lab.Float("step", 0.01, 0.002, 0.1, "the step size η of gradient descent"),
		lab.Int("decades", 8, 6, 12, "the smallest starting offset ε is 10 to the minus this").Costly(),
		lab.Float("noise", 1e-4, 1e-5, 1e-3, "the standard deviation σ of the Gaussian noise added to each weight at each step of perturbed gradient descent"),
		lab.Int("runs", 25, 3, 100, "the number of perturbed runs at each ε").Costly(),
	},
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("Two panels. Top: the loss against the step of gradient descent for starts at distance 10⁻² to 10⁻%d from the stable manifold of the saddle at loss 1: "+
			"each run falls towards 1, stays on a plateau at 1, then drops to 0; the smaller the offset, the longer the plateau. "+
			"Bottom: the number of steps to escape (loss below ½) against the offset on a logarithmic axis. Without noise the points lie on a straight line, "+
			"the closed-form prediction of gradient flow, rising by about %.0f steps per factor of ten. With noise of size %g the escape time stops growing once the offset is smaller than the noise.",
			a.Int("decades"), math.Log(10)/math.Log(1+2*a.Float("step")), a.Float("noise"))
	},
	Run: runSaddleEscape,
}

// escTarget is the loss below which a run has escaped: halfway from the
// saddle's loss, 1, to the minimum, 0.
const escTarget = 0.5

// escStart is the distance of every start from the saddle along the stable
// manifold, the v coordinate.
const escStart = 1.0

// escWeights returns (w₁, w₂) for the coordinates (u, v).
func escWeights(u, v float64) []float64 {
	return []float64{(u + v) / math.Sqrt2, (u - v) / math.Sqrt2}
}

// escFlowTime is the closed-form time gradient flow takes from (u, v) =
// (ε, a) to the loss escTarget. Along the flow uv = c stays fixed and
// q = u² obeys dq/dt = −2(q² − 2q − c²), whose roots are r± = 1 ± √(1 + c²);
// separating variables,
//
//	T = ln[(q* − r₋)(r₊ − q₀) / ((r₊ − q*)(q₀ − r₋))] / (4√(1 + c²)),
//
// from q₀ = ε² to the q* at which w₁w₂ = (q − c²/q)/2 reaches 1 − √L*.
func escFlowTime(eps, a float64) float64 {
	c := eps * a
	s := math.Sqrt(1 + c*c)
	rp, rm := 1+s, -c*c/(1+s) // 1 − s, without the cancellation
	p := 1 - math.Sqrt(escTarget)
	qs := p + math.Sqrt(p*p+c*c)
	q0 := eps * eps
	return math.Log((qs-rm)*(rp-q0)/((rp-qs)*(q0-rm))) / (4 * s)
}

// escFlowTol is how far, in steps, gradient descent may drift from the
// flow's T/η: each step multiplies u by 1 + 2η where the flow's factor is
// e^(2η), which makes descent slower by a relative η or so, and the step
// count is a whole number.
func escFlowTol(steps, eta float64) float64 { return 1.5*eta*steps + 3 }

// escDescent is gradient descent on obj with step eta, plus, when sigma is
// positive, Gaussian noise of standard deviation sigma drawn from rng and
// added to every weight at every step (perturbed gradient descent).
type escDescent struct {
	obj        *nn.Objective
	eta, sigma float64
	rng        *rand.Rand
}

// run takes at most maxSteps steps from theta0, stopping early once the
// loss falls below stop. It returns the number of steps taken, or −1 if the
// loss never fell below stop, and the loss before the first step and after
// each one.
func (d escDescent) run(ctx context.Context, theta0 []float64, maxSteps int, stop float64) (int, []float64, error) {
	theta := slices.Clone(theta0)
	grad := make([]float64, len(theta))
	hist := []float64{d.obj.Loss(theta)}
	for k := 1; k <= maxSteps; k++ {
		if k%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, nil, err
			}
		}
		d.obj.Grad(theta, grad)
		for i := range theta {
			theta[i] -= d.eta * grad[i]
			if d.sigma > 0 {
				theta[i] += d.sigma * d.rng.NormFloat64()
			}
		}
		hist = append(hist, d.obj.Loss(theta))
		if hist[k] < stop {
			return k, hist, nil
		}
	}
	return -1, hist, nil
}

// escape returns the number of steps from theta0 until the loss falls below
// escTarget, or an error if that takes more than maxSteps.
func (d escDescent) escape(ctx context.Context, theta0 []float64, maxSteps int) (int, error) {
	k, _, err := d.run(ctx, theta0, maxSteps, escTarget)
	if err == nil && k < 0 {
		err = fmt.Errorf("gradient descent with noise %g did not escape in %d steps", d.sigma, maxSteps)
	}
	return k, err
}

func runSaddleEscape(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	eta, decades, sigma, runs := args.Float("step"), args.Int("decades"), args.Float("noise"), args.Int("runs")
	obj := linearNet2()
	plain, perturbed := escDescent{obj, eta, 0, nil}, escDescent{obj, eta, sigma, rng}
	// A generous cap: ten times the linear-regime estimate at the smallest ε.
	maxSteps := int(10 * (float64(decades)*math.Log(10) + 5) / math.Log(1+2*eta))

	// Offsets ε = 10^(−e/2) for e = 2, 3, …, 2·decades: two per decade.
	var eps []float64
	for e := 2; e <= 2*decades; e++ {
		eps = append(eps, math.Pow(10, -float64(e)/2))
	}
	r := &lab.Result{Cols: 1, Data: lab.Table{Header: []string{"series", "epsilon", "step", "loss", "escape_steps", "flow_prediction_steps"}}}
	steps := make([]float64, len(eps))
	flow := make([]float64, len(eps))
	noisy := make([]float64, len(eps))
	var noisyLo, noisyHi []float64
	worstRel, slack := 0.0, math.Inf(1)
	for i, e := range eps {
		k, err := plain.escape(ctx, escWeights(e, escStart), maxSteps)
		if err != nil {
			return nil, err
		}
		steps[i] = float64(k)
		flow[i] = escFlowTime(e, escStart) / eta
		worstRel = math.Max(worstRel, math.Abs(steps[i]-flow[i])/flow[i])
		slack = math.Min(slack, escFlowTol(flow[i], eta)-math.Abs(steps[i]-flow[i]))
		ks := make([]float64, runs)
		for j := range ks {
			k, err := perturbed.escape(ctx, escWeights(e, escStart), maxSteps)
			if err != nil {
				return nil, err
			}
			ks[j] = float64(k)
		}
		slices.Sort(ks)
		noisy[i] = stat.Quantile(0.5, stat.Empirical, ks, nil)
		noisyLo = append(noisyLo, ks[0])
		noisyHi = append(noisyHi, ks[len(ks)-1])
		r.Data.Add("escape", e, "", "", k, flow[i])
		for _, k := range ks {
			r.Data.Add("escape with noise", e, "", "", k, "")
		}
	}

	// Escape time grows without bound as ε → 0: it rises at every step
	// down in ε, by ln(10)/ln(1 + 2η) per decade once the start is deep in
	// the linear regime (the per-step growth of u is then exactly 1 + 2η).
	increasing := true
	for i := 1; i < len(steps); i++ {
		increasing = increasing && steps[i] > steps[i-1]
	}
	n := len(eps)
	perDecade := steps[n-1] - steps[n-3] // two points per decade
	wantPerDecade := math.Log(10) / math.Log(1+2*eta)

	// On the stable manifold itself, gradient descent never leaves.
	stuckSteps := maxSteps
	_, stuckHist, err := plain.run(ctx, escWeights(0, escStart), stuckSteps, 0)
	if err != nil {
		return nil, err
	}
	stuckLoss := stuckHist[len(stuckHist)-1]

	r.Float("eta", "%g", eta)
	r.Text("sigma", escSigma(sigma))
	r.Int("runs", runs)
	r.Text("eps-min", lab.Power10(-decades))
	r.Text("eps-max", lab.Power10(-1))
	r.Int("steps-max-eps", int(steps[0]))
	r.Int("steps-min-eps", int(steps[n-1]))
	r.Float("flow-min-eps", "%.1f", flow[n-1])
	r.Float("flow-error", "%.2g", worstRel)
	r.Float("per-decade", "%.0f", perDecade)
	r.Float("per-decade-closed", "%.1f", wantPerDecade)
	r.Float("noisy-min-eps", "%.0f", noisy[n-1])
	r.Float("speedup", "%.1f", steps[n-1]/noisy[n-1])
	r.Int("stuck-steps", stuckSteps)
	r.Float("stuck-loss", "%.12f", stuckLoss)
	r.Check("increasing", "the escape time grows at every step down in ε, from the largest offset to the smallest",
		increasing, "from %d steps at ε = %s to %d steps at ε = %s", int(steps[0]), lab.Power10(-1), int(steps[n-1]), lab.Power10(-decades))
	r.Check("flow", "the escape time matches the closed form of gradient flow, T(ε)/η, at every ε",
		slack >= 0, "largest relative difference %.2g; every difference within 1.5η = %g of T/η, plus 3 steps", worstRel, 1.5*eta)
	r.Check("per-decade", "deep in the plateau each factor of ten in ε costs ln 10 / ln(1 + 2η) more steps",
		math.Abs(perDecade-wantPerDecade) <= 1, "%.0f steps from ε = %s to %s, closed form %.2f, tolerance 1 step", perDecade, lab.Power10(1-decades), lab.Power10(-decades), wantPerDecade)
	r.Check("noise-helps", "with noise the median escape from the smallest offset is faster than without",
		noisy[n-1] < steps[n-1], "median %.0f steps over %d perturbed runs against %d steps at ε = %s", noisy[n-1], runs, int(steps[n-1]), lab.Power10(-decades))
	r.Check("stuck", "started exactly on the stable manifold (ε = 0), gradient descent converges to the saddle and stays at loss 1",
		math.Abs(stuckLoss-1) <= 1e-9, "loss %.12f after %d steps, tolerance 1e-9", stuckLoss, stuckSteps)

	top, err := escCurves(ctx, r, plain, perturbed, decades, maxSteps)
	if err != nil {
		return nil, err
	}
	bottom, err := escScatter(eps, steps, flow, noisy, noisyLo, noisyHi, sigma)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{top, bottom}
	return r, nil
}

// linearNet2 is the two-layer linear chain y = w₂w₁x fitted to the example
// (1, 1) by square loss: (w₁w₂ − 1)².
func linearNet2() *nn.Objective {
	net := nn.NewBiasFree([]int{1, 1, 1}, []nn.Activation{nn.Linear, nn.Linear})
	one := mat.NewDense(1, 1, []float64{1})
	return nn.NewObjective(net, nn.Square, nn.Data{X: one, Y: one})
}

// escCurves plots the loss along runs from ε = 10⁻², the middle offset and
// the smallest, and one perturbed run from the smallest, each for a little
// longer than the slowest takes to escape, so that the drop to 0 shows.
func escCurves(ctx context.Context, r *lab.Result, plain, perturbed escDescent, decades, maxSteps int) (*plot.Plot, error) {
	p := lab.NewPlot("", "step of gradient descent", "loss")
	exps := []int{2, (2 + decades) / 2, decades}
	last, err := plain.escape(ctx, escWeights(math.Pow(10, -float64(decades)), escStart), maxSteps)
	if err != nil {
		return nil, err
	}
	steps := last + last/6
	for i, e := range exps {
		_, hist, err := plain.run(ctx, escWeights(math.Pow(10, -float64(e)), escStart), steps, 0)
		if err != nil {
			return nil, err
		}
		l, err := escLine(r, hist, fmt.Sprintf("gd eps=1e-%d", e), i, false)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add("ε = "+lab.Power10(-e), l)
	}
	_, hist, err := perturbed.run(ctx, escWeights(math.Pow(10, -float64(decades)), escStart), steps, 0)
	if err != nil {
		return nil, err
	}
	l, err := escLine(r, hist, fmt.Sprintf("perturbed gd eps=1e-%d", decades), 3, true)
	if err != nil {
		return nil, err
	}
	p.Add(l)
	p.Legend.Add("ε = "+lab.Power10(-decades)+" with noise", l)
	p.X.Min, p.X.Max = 0, float64(steps)
	p.Y.Min, p.Y.Max = 0, 3.3
	p.Y.Tick.Marker = lab.TicksAt(0, 0.5, 1, 1.5, 2)
	return p, nil
}

// escLine draws one loss history (thinned to at most 400 points for the
// drawing; the CSV has every step) and records it in the data.
func escLine(r *lab.Result, hist []float64, name string, i int, dashed bool) (*plotter.Line, error) {
	stride := max(1, len(hist)/400)
	var xys plotter.XYs
	for k, l := range hist {
		r.Data.Add(name, "", k, l, "", "")
		if k%stride == 0 || k == len(hist)-1 {
			xys = append(xys, plotter.XY{X: float64(k), Y: l})
		}
	}
	return lab.Series(xys, i, dashed)
}

// escScatter plots escape steps against ε on a logarithmic axis.
func escScatter(eps, steps, flow, noisy, lo, hi []float64, sigma float64) (*plot.Plot, error) {
	p := lab.NewPlot("", "offset ε from the stable manifold (logarithmic)", "steps to escape")
	var fxy, sxy plotter.XYs
	for i, e := range eps {
		fxy = append(fxy, plotter.XY{X: e, Y: flow[i]})
		sxy = append(sxy, plotter.XY{X: e, Y: steps[i]})
	}
	line, err := lab.Series(fxy, 7, true)
	if err != nil {
		return nil, err
	}
	line.Color = lab.Gray
	gd, err := lab.Points(sxy, 0)
	if err != nil {
		return nil, err
	}
	bars, pgd, err := lab.MedianRange(eps, noisy, lo, hi, 1)
	if err != nil {
		return nil, err
	}
	p.Add(line)
	p.Add(bars...)
	p.Add(gd, pgd)
	p.Legend.Add("gradient descent", gd)
	p.Legend.Add("closed form, gradient flow", line)
	p.Legend.Add(fmt.Sprintf("with noise σ = %s: median, range", escSigma(sigma)), pgd)
	p.Legend.Left = true
	p.X.Scale = plot.LogScale{}
	p.X.Min, p.X.Max = eps[len(eps)-1]/2, eps[0]*2
	lowest := int(math.Round(math.Log10(eps[len(eps)-1])))
	every := 1
	if lowest < -5 {
		every = 2
	}
	p.X.Tick.Marker = lab.PowerTicks(lowest, -1, every)
	top := slices.Max(append(slices.Clone(steps), hi...))
	p.Y.Min, p.Y.Max = 0, top*1.45 // headroom for the legend
	return p, nil
}

// escSigma writes the noise level as the legend shows it: 10⁻⁴ for a power
// of ten, 3 × 10⁻⁴ otherwise.
func escSigma(sigma float64) string {
	e := math.Round(math.Log10(sigma))
	if math.Abs(sigma-math.Pow(10, e)) <= 1e-12*sigma {
		return lab.Power10(int(e))
	}
	return lab.Typeset(fmt.Sprintf("%.2g", sigma))
}
