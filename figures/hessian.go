package figures

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file holds the first half of claim l of the brief: the Hessian of a
// network's loss in its weights has eigenvalues of both signs. The network
// is a 2-h-1 tanh classifier trained with cross-entropy (the loss the
// teacher in the question had in mind) on a small XOR-like set, where no
// linear model can succeed; a little weight decay keeps the minimum finite.
//
//   - hessian-spectrum: the exact Hessian's eigenvalues at the start of
//     training, a few steps in, at the trained network, and halfway between
//     the trained network and its copy with two hidden units swapped.
//   - hessian-along-training: the loss and the number of negative
//     eigenvalues along the L-BFGS path.

// hessNoise is the relative size below which an eigenvalue counts as zero:
// an eigenvalue λ is negative only if λ < −hessNoise × max|λ|. The exact
// Hessian and its eigenvalues are accurate to a few units of rounding
// relative to max|λ| (about 1e-15), so this margin is generous.
const hessNoise = 1e-8

func hessParams() []lab.Param {
	return []lab.Param{
		lab.Int("hidden", 4, 2, 8, "the number of hidden tanh units h").Costly(),
		lab.Int("points", 40, 8, 60, "the number of training points, drawn around the four corners (±1, ±1)").Costly(),
		lab.Float("decay", 1e-3, 1e-5, 0.1, "the weight decay λ: the loss is the mean cross-entropy plus (λ/2)‖θ‖²; at least 10⁻⁵, since without it the network separates the data and the loss has no minimum"),
	}
}

// hessProblem is a 2-h-1 tanh network with logistic loss on XOR-like data.
type hessProblem struct {
	net    *nn.Net
	obj    *nn.Objective
	lambda float64
}

// newHessProblem draws the data from rng: points cycle through the corners
// (±1, ±1), each with Gaussian scatter of standard deviation 0.4, labelled
// 1 where the two coordinates have the same sign.
func newHessProblem(rng *rand.Rand, hidden, points int, decay float64) *hessProblem {
	x, y := mat.NewDense(points, 2, nil), mat.NewDense(points, 1, nil)
	for i := range points {
		sx, sy := float64(2*(i%2)-1), float64(2*(i/2%2)-1)
		x.Set(i, 0, sx+0.4*rng.NormFloat64())
		x.Set(i, 1, sy+0.4*rng.NormFloat64())
		if sx*sy > 0 {
			y.Set(i, 0, 1)
		}
	}
	net := nn.New([]int{2, hidden, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	return &hessProblem{net, nn.NewObjective(net, nn.Logistic, nn.Data{X: x, Y: y}), decay}
}

func (p *hessProblem) Dim() int { return p.obj.Dim() }

func (p *hessProblem) Loss(theta []float64) float64 {
	return p.obj.Loss(theta) + p.lambda/2*hessDot(theta, theta)
}

func (p *hessProblem) Grad(theta, grad []float64) float64 {
	l := p.obj.Grad(theta, grad)
	for i, t := range theta {
		grad[i] += p.lambda * t
	}
	return l + p.lambda/2*hessDot(theta, theta)
}

// Hessian returns the exact Hessian: the network's, by the R-operator, plus
// λI from the weight decay.
func (p *hessProblem) Hessian(theta []float64) *mat.SymDense {
	h := p.obj.Hessian(theta)
	for i := range theta {
		h.SetSym(i, i, h.At(i, i)+p.lambda)
	}
	return h
}

func hessDot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// hessFDError returns the largest difference between the exact Hessian and
// central finite differences of the exact gradient, relative to the
// Hessian's largest entry.
func hessFDError(p *hessProblem, theta []float64) float64 {
	n := len(theta)
	jac := mat.NewDense(n, n, nil)
	fd.Jacobian(jac, func(g, x []float64) { p.Grad(x, g) }, theta, &fd.JacobianSettings{Formula: fd.Central})
	h := p.Hessian(theta)
	diff, scale := 0.0, 0.0
	for i := range n {
		for j := range n {
			diff = math.Max(diff, math.Abs(h.At(i, j)-jac.At(i, j)))
			scale = math.Max(scale, math.Abs(h.At(i, j)))
		}
	}
	return diff / scale
}

// hessSpectrum summarises the eigenvalues of a Hessian.
type hessSpectrum struct {
	eig      []float64 // ascending
	scale    float64   // max |λ|
	negative int       // λ < −hessNoise × scale
	positive int       // λ > hessNoise × scale
}

func hessSpectrumOf(h *mat.SymDense) (hessSpectrum, error) {
	eig, err := nn.Eigenvalues(h)
	if err != nil {
		return hessSpectrum{}, err
	}
	s := hessSpectrum{eig: eig, scale: math.Max(-eig[0], eig[len(eig)-1])}
	for _, e := range eig {
		switch {
		case e < -hessNoise*s.scale:
			s.negative++
		case e > hessNoise*s.scale:
			s.positive++
		}
	}
	return s, nil
}

// hessTrain runs at most iters L-BFGS iterations from theta0; as in nn, a
// line search that stalls in floating point ends the run as converged.
// gonum counts the evaluation of the starting point as the first of
// MaxIters major iterations, hence the + 1.
func hessTrain(ctx context.Context, p *hessProblem, theta0 []float64, iters int) (nn.Result, error) {
	res, err := nn.LBFGS(ctx, p, theta0, nn.LBFGSConfig{MaxIters: iters + 1})
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if errors.Is(err, nn.ErrDiverged) || len(res.Theta) == 0 {
		return res, fmt.Errorf("training diverged: %w", err)
	}
	return res, nil
}

var hessianSpectrum = &lab.Experiment{
	Name: "hessian-spectrum",
	Doc: "The eigenvalues of the exact Hessian of a small tanh classifier's cross-entropy loss, at four points: " +
		"the random start, a few L-BFGS steps in, the trained network, and the highest point of the segment to its copy with two hidden units swapped.",
	Params: append(hessParams(),
		lab.Int("early", 10, 1, 100, "the number of L-BFGS iterations after which the second spectrum is taken").Costly(),
	),
	Alt: func(a lab.Args) string {
		return "Four rows of dots on a signed logarithmic axis, one dot per Hessian eigenvalue, negative ones in vermilion. " +
			"At the random start many eigenvalues are negative; a few steps in, fewer; at the trained network none; " +
			"at the top of the barrier between the trained network and its swapped copy several are negative again."
	},
	Run: runHessianSpectrum,
}

func runHessianSpectrum(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, early := args.Int("hidden"), args.Int("early")
	prob := newHessProblem(rng, h, args.Int("points"), args.Float("decay"))
	start := prob.net.Init(rng)
	partial, err := hessTrain(ctx, prob, start, early)
	if err != nil {
		return nil, err
	}
	full, err := hessTrain(ctx, prob, start, 3000)
	if err != nil {
		return nil, err
	}
	trained := full.Theta
	swap := make([]int, h)
	for i := range swap {
		swap[i] = i
	}
	swap[0], swap[1] = 1, 0
	copy := prob.net.Permute(trained, 0, swap)
	tPeak := hessPeak(func(t float64) float64 { return prob.Loss(nn.Interpolate(trained, copy, t)) })
	mid := nn.Interpolate(trained, copy, tPeak)

	rows := []struct {
		key, label string
		theta      []float64
	}{
		{"start", "random start", start},
		{"early", fmt.Sprintf("%d steps", early), partial.Theta},
		{"trained", "trained", trained},
		{"peak", "barrier top", mid},
	}
	r := &lab.Result{Data: lab.Table{Header: []string{"point", "index", "eigenvalue"}}}
	specs := make([]hessSpectrum, len(rows))
	fdErr := 0.0
	for i, row := range rows {
		s, err := hessSpectrumOf(prob.Hessian(row.theta))
		if err != nil {
			return nil, err
		}
		specs[i] = s
		for k, e := range s.eig {
			r.Data.Add(row.key, k+1, e)
		}
		fdErr = math.Max(fdErr, hessFDError(prob, row.theta))
		r.Int(row.key+"-negative", s.negative)
		r.Float(row.key+"-min", "%.2g", s.eig[0])
		r.Float(row.key+"-max", "%.2g", s.eig[len(s.eig)-1])
		r.Float(row.key+"-loss", "%.3g", prob.Loss(row.theta))
	}
	// The curvature along the segment at its highest point, per unit length².
	dir := make([]float64, len(trained))
	for i := range dir {
		dir[i] = copy[i] - trained[i]
	}
	curv := hessQuadratic(prob.Hessian(mid), dir) / hessDot(dir, dir)
	grad := make([]float64, len(trained))
	prob.Grad(trained, grad)
	gradMax := 0.0
	for _, g := range grad {
		gradMax = math.Max(gradMax, math.Abs(g))
	}

	r.Int("params", prob.net.NumParams())
	r.Float("noise", "%.0e", hessNoise)
	r.Float("fd-error", "%.1e", fdErr)
	r.Int("early", early)
	r.Float("segment-curvature", "%.3g", curv)
	r.Float("t-peak", "%.3g", tPeak)
	r.Float("grad-max", "%.1e", gradMax)
	r.Check("matches-fd", "the exact Hessian agrees with finite differences of the exact gradient at all four points",
		fdErr <= 1e-6, "largest difference %.1e relative to the largest entry, tolerance 1e-6", fdErr)
	st, tr, pk := specs[0], specs[2], specs[3]
	r.Check("start-indefinite", "the Hessian at the random start has eigenvalues of both signs",
		st.negative > 0 && st.positive > 0, "%d negative and %d positive eigenvalues beyond ±%.0e × %.3g; smallest %.3g",
		st.negative, st.positive, hessNoise, st.scale, st.eig[0])
	r.Check("trained-psd", "the Hessian at the trained network has no negative eigenvalue, as a minimum requires",
		tr.negative == 0, "smallest eigenvalue %.3g, noise level %.0e × %.3g; gradient entries below %.1e",
		tr.eig[0], hessNoise, tr.scale, gradMax)
	r.Check("peak-indefinite", "the Hessian at the top of the barrier between the trained network and its swapped copy has eigenvalues of both signs",
		pk.negative > 0 && pk.positive > 0, "%d negative and %d positive eigenvalues beyond ±%.0e × %.3g at t = %.3g; smallest %.3g",
		pk.negative, pk.positive, hessNoise, pk.scale, tPeak, pk.eig[0])
	r.Check("segment-curves-down", "the loss curves downward along the segment at its highest point",
		curv < 0, "dᵀHd/‖d‖² = %.4g for d the direction of the segment", curv)

	labels := make([]string, len(rows))
	for i, row := range rows {
		labels[i] = row.label
	}
	p, err := hessSpectrumPlot(labels, specs)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	return r, nil
}

// hessPeak returns the t in [0, 1] where f is highest: the best of 201
// equally spaced points, refined by golden-section search on its two
// neighbouring intervals.
func hessPeak(f func(t float64) float64) float64 {
	const n = 200
	best, bestT := math.Inf(-1), 0.0
	for i := 0; i <= n; i++ {
		t := float64(i) / n
		if v := f(t); v > best {
			best, bestT = v, t
		}
	}
	a, b := math.Max(0, bestT-1.0/n), math.Min(1, bestT+1.0/n)
	return GoldenMin(func(t float64) float64 { return -f(t) }, a, b, 1e-9)
}

func hessQuadratic(h mat.Symmetric, v []float64) float64 {
	x := mat.NewVecDense(len(v), v)
	return mat.Inner(x, h, x)
}

// hessSymLog is a signed logarithmic scale, sign(x) log10(1 + |x|/c): linear
// within about c of zero, logarithmic beyond, so eigenvalues of both signs
// and many sizes share one axis.
type hessSymLog struct{ c float64 }

func (s hessSymLog) f(x float64) float64 {
	return math.Copysign(math.Log10(1+math.Abs(x)/s.c), x)
}

func (s hessSymLog) Normalize(min, max, x float64) float64 {
	return (s.f(x) - s.f(min)) / (s.f(max) - s.f(min))
}

// Ticks labels 0 and every other power of ten of either sign, with minor
// ticks at the others.
func (s hessSymLog) Ticks(min, max float64) []plot.Tick {
	ticks := []plot.Tick{{Value: 0, Label: "0"}}
	for k := int(math.Ceil(math.Log10(s.c))); k <= 6; k++ {
		v := math.Pow(10, float64(k))
		for _, x := range []float64{-v, v} {
			if x < min || x > max {
				continue
			}
			label := ""
			if k%2 == 0 {
				label = hessPowerLabel(x, k)
			}
			ticks = append(ticks, plot.Tick{Value: x, Label: label})
		}
	}
	return ticks
}

// hessPowerLabel writes ±10^k as "10⁻²", "−10⁻²", "1", "−1".
func hessPowerLabel(x float64, k int) string {
	sign := ""
	if x < 0 {
		sign = "−"
	}
	if k == 0 {
		return sign + "1"
	}
	return sign + lab.Typeset(fmt.Sprintf("1e%d", k))[len("1 × "):]
}

// hessAxisEnd returns where a signed logarithmic axis should end to show
// values up to v > 0: twice v, and at least the power of ten
// nearest v, so that the outermost labelled tick is on the axis.
func hessAxisEnd(v, c float64) float64 {
	v = math.Max(v, 10*c)
	return math.Max(2*v, math.Pow(10, math.Round(math.Log10(v))))
}

// hessSpectrumPlot draws one row of eigenvalues per point, negative ones in
// vermilion, on a signed logarithmic axis.
func hessSpectrumPlot(labels []string, specs []hessSpectrum) (*plot.Plot, error) {
	p := lab.NewPlot("", "Hessian eigenvalue λ (signed log scale)", "")
	lo, hi := 0.0, 0.0
	var neg, pos plotter.XYs
	for i, s := range specs {
		y := float64(len(specs) - 1 - i)
		for _, e := range s.eig {
			lo, hi = math.Min(lo, e), math.Max(hi, e)
			if e < -hessNoise*s.scale {
				neg = append(neg, plotter.XY{X: e, Y: y})
			} else {
				pos = append(pos, plotter.XY{X: e, Y: y})
			}
		}
	}
	c := 1e-4
	scale := hessSymLog{c}
	p.X.Scale, p.X.Tick.Marker = scale, scale
	// A margin of a tenth of a decade at both ends keeps the outermost dots
	// inside the axis.
	// A symmetric axis puts zero in the middle, and gonum, which places the
	// axis label at the data midpoint, then centres it.
	p.X.Max = math.Max(hessAxisEnd(-lo, c), hessAxisEnd(hi, c))
	p.X.Min = -p.X.Max
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(len(specs)) - 0.5}})
	if err != nil {
		return nil, err
	}
	zero.Color, zero.Width = lab.Gray, vg.Points(1)
	p.Add(zero)
	for i, pts := range []plotter.XYs{pos, neg} {
		if len(pts) == 0 {
			continue
		}
		s, err := lab.Points(pts, i)
		if err != nil {
			return nil, err
		}
		s.Radius = vg.Points(3.5)
		if i == 0 {
			s.Shape = draw.RingGlyph{}
			p.Legend.Add("positive or zero", s)
		} else {
			p.Legend.Add("negative", s)
		}
		p.Add(s)
	}
	names := make([]string, len(labels))
	for i, l := range labels {
		names[len(labels)-1-i] = l
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(specs))-0.1
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

var hessianAlongTraining = &lab.Experiment{
	Name: "hessian-along-training",
	Doc: "The loss and the number of negative eigenvalues of the exact Hessian of a small tanh classifier's " +
		"cross-entropy loss after each L-BFGS iteration.",
	Params: append(hessParams(),
		lab.Int("iters", 200, 5, 400, "the most L-BFGS iterations shown: the figure follows training until it converges or reaches this many").Costly(),
	),
	Alt: func(a lab.Args) string {
		return "Two stacked panels against the L-BFGS iteration. Top: the loss, falling on a logarithmic scale. " +
			"Bottom: the number of negative Hessian eigenvalues, high at the random start and falling to zero as training settles into a minimum."
	},
	Run: runHessianAlongTraining,
}

func runHessianAlongTraining(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	prob := newHessProblem(rng, args.Int("hidden"), args.Int("points"), args.Float("decay"))
	start := prob.net.Init(rng)
	done, err := hessTrain(ctx, prob, start, 3000)
	if err != nil {
		return nil, err
	}
	converged := len(done.Loss) - 1
	iters := min(converged, args.Int("iters"))
	r := &lab.Result{Data: lab.Table{Header: []string{"iteration", "loss", "negative", "min_eigenvalue", "max_eigenvalue"}}, Cols: 1}
	var losses, counts plotter.XYs
	var negs []int
	theta := start
	for k := 0; k <= iters; k++ {
		if k > 0 {
			// L-BFGS is deterministic, so a run capped at k iterations
			// ends at the k-th iterate of the uncapped run.
			res, err := hessTrain(ctx, prob, start, k)
			if err != nil {
				return nil, err
			}
			theta = res.Theta
		}
		s, err := hessSpectrumOf(prob.Hessian(theta))
		if err != nil {
			return nil, err
		}
		l := prob.Loss(theta)
		r.Data.Add(k, l, s.negative, s.eig[0], s.eig[len(s.eig)-1])
		losses = append(losses, plotter.XY{X: float64(k), Y: l})
		counts = append(counts, plotter.XY{X: float64(k), Y: float64(s.negative)})
		negs = append(negs, s.negative)
	}
	last := negs[len(negs)-1]
	final, err := hessSpectrumOf(prob.Hessian(done.Theta))
	if err != nil {
		return nil, err
	}
	lastNonzero := -1
	for k, n := range negs {
		if n > 0 {
			lastNonzero = k
		}
	}
	r.Int("params", prob.net.NumParams())
	r.Int("iters", iters)
	r.Int("start-negative", negs[0])
	r.Int("end-negative", last)
	r.Int("last-indefinite", lastNonzero)
	r.Float("start-loss", "%.3g", losses[0].Y)
	r.Float("end-loss", "%.3g", losses[len(losses)-1].Y)
	r.Check("start-negative", "the Hessian at the random start has negative eigenvalues",
		negs[0] > 0, "%d of %d eigenvalues below −%.0e × max|λ|", negs[0], prob.net.NumParams(), hessNoise)
	r.Int("converged-iters", converged)
	r.Int("converged-negative", final.negative)
	r.Float("converged-min", "%.2g", final.eig[0])
	r.Check("converged-psd", "the Hessian where training converges has no negative eigenvalue",
		final.negative == 0, "smallest eigenvalue %.3g after %d iterations", final.eig[0], converged)
	r.Check("whole-run", "the figure follows training to the iteration where it converges",
		iters == converged, "%d iterations drawn; training converges after %d", iters, converged)

	top := lab.NewPlot("", "", "loss")
	top.Y.Min = 0
	bottom := lab.NewPlot("", "L-BFGS iteration k", "negative eigenvalues")
	line, err := lab.Series(losses, 0, false)
	if err != nil {
		return nil, err
	}
	top.Add(line)
	steps, err := lab.Series(counts, 1, false)
	if err != nil {
		return nil, err
	}
	steps.StepStyle = plotter.PostStep
	bottom.Add(steps)
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Min, p.X.Max = 0, float64(iters)
	}
	bottom.Y.Min, bottom.Y.Max = 0, float64(negs[0])+1
	bottom.Y.Tick.Marker = hessIntegerTicks{}
	r.Height = lab.PanelHeight * 0.75
	r.Plots = []*plot.Plot{top, bottom}
	return r, nil
}

// hessIntegerTicks labels whole numbers only.
type hessIntegerTicks struct{}

func (hessIntegerTicks) Ticks(min, max float64) []plot.Tick {
	step := math.Max(1, math.Ceil((max-min)/6))
	var ticks []plot.Tick
	for v := math.Ceil(min); v <= max; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strings.TrimSuffix(fmt.Sprintf("%.0f", v), ".")})
	}
	return ticks
}
