package figures

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file holds the second experiment of claim g of the brief, a
// miniature of Safran & Shamir (2018): a two-layer ReLU student learns a
// teacher of n units whose weight vectors are the standard basis of R^n,
// from Gaussian inputs, so that the loss is an exact closed form
// (nn.GaussianTeacher) and a run's end is not blurred by sampling. With as
// many student units as teacher units, runs from random starts end in
// spurious local minima more often as n grows; one extra student unit
// removes almost all of them.

// teacherSizes are the teacher widths n compared.
var teacherSizes = []int{6, 8, 10, 12}

var spuriousMinima = &lab.Experiment{
	Name: "spurious-minima",
	Doc: "Trains two-layer ReLU students on the exact Gaussian population loss of a teacher with n orthonormal units, " +
		"n = 6 to 12, from many random starts, with k = n student units and with one or more extra units, and counts the runs " +
		"that end in spurious local minima (loss clearly above zero, zero gradient, positive definite Hessian).",
	Params: []lab.Param{
		lab.Int("runs", 50, 10, 60, "the number of training runs, from independent random starts, for each size").Costly(),
		lab.Int("extra", 1, 1, 3, "the number of extra student units in the over-parameterised comparison").Costly(),
		lab.Float("threshold", 1e-3, 1e-4, 1e-2, "the loss above which a run that has stopped counts as ending in a spurious minimum"),
	},
	Alt: func(a lab.Args) string {
		return "The percentage of training runs that end in a spurious local minimum, against the number of teacher units n from 6 to 12. " +
			"With as many student as teacher units the percentage climbs steeply with n; with extra student units it stays at or near zero."
	},
	Run: runSpuriousMinima,
}

// teacherIdentity returns the n standard basis vectors of R^n.

// teacherSamples is the number of Gaussian inputs over which the build
// averages the loss at a spurious minimum, against its closed form.
const teacherSamples = 20000

func teacherIdentity(n int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, n)
		rows[i][i] = 1
	}
	return rows
}

// teacherRun is where one training run ended.
type teacherRun struct {
	theta []float64
	loss  float64
}

// teacherTrain minimises f by L-BFGS from start until the gradient's
// largest entry is below tol.
func teacherTrain(ctx context.Context, f nn.Differentiable, start []float64, tol float64, iters int) (teacherRun, error) {
	res, err := nn.LBFGS(ctx, f, start, nn.LBFGSConfig{MaxIters: iters, GradTol: tol})
	if ctx.Err() != nil {
		return teacherRun{}, ctx.Err()
	}
	if errors.Is(err, nn.ErrDiverged) || len(res.Theta) == 0 {
		return teacherRun{}, fmt.Errorf("training diverged: %w", err)
	}
	return teacherRun{res.Theta, res.Loss[len(res.Loss)-1]}, nil
}

// teacherHessian returns the Hessian of f at theta as central differences
// of its exact gradient, symmetrised. The loss has no closed-form Hessian
// in nn; differencing an exact gradient is accurate to about 1e-7 here,
// far finer than the curvatures it is used to judge.
func teacherHessian(f nn.Differentiable, theta []float64) *mat.SymDense {
	n := len(theta)
	jac := mat.NewDense(n, n, nil)
	fd.Jacobian(jac, func(g, x []float64) { f.Grad(x, g) }, theta, &fd.JacobianSettings{Formula: fd.Central})
	h := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			h.SetSym(i, j, (jac.At(i, j)+jac.At(j, i))/2)
		}
	}
	return h
}

// teacherMinimum judges the end of a run by its Hessian; see minimumTest.
func teacherMinimum(f nn.Differentiable, theta []float64) (lo, hi, decrement float64, err error) {
	g := make([]float64, len(theta))
	f.Grad(theta, g)
	return minimumTest(teacherHessian(f, theta), g)
}

// teacherSize is the outcome of all runs for one (n, k).
type teacherSize struct {
	n, k     int
	losses   []float64
	spurious int
	example  []float64 // the first spurious end, if any
}

func runSpuriousMinima(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	runs, extra, threshold := args.Int("runs"), args.Int("extra"), args.Float("threshold")
	r := &lab.Result{Data: lab.Table{Header: []string{"teacher_units", "student_units", "run", "loss", "spurious"}}}

	var sizes []*teacherSize
	for _, k := range []int{0, extra} {
		for _, n := range teacherSizes {
			sizes = append(sizes, &teacherSize{n: n, k: n + k})
		}
	}
	// Every run first stops at a loose tolerance, enough to tell a run
	// that is heading for zero loss from one that is not; the runs that
	// stop above the threshold are then polished until the gradient is
	// negligible, and judged by their Hessian.
	eigLo, eigRatio, decMax, spuriousLow := math.Inf(1), math.Inf(1), 0.0, math.Inf(1)
	cleanHigh := 0.0
	var levels []float64
	for _, s := range sizes {
		f := nn.NewGaussianTeacher(s.k, teacherIdentity(s.n))
		sd := 1 / math.Sqrt(float64(s.n))
		for run := range runs {
			start := make([]float64, f.Dim())
			for i := range start {
				start[i] = sd * rng.NormFloat64()
			}
			end, err := teacherTrain(ctx, f, start, 1e-6, 1000)
			if err != nil {
				return nil, err
			}
			spurious := false
			if end.loss > threshold {
				if end, err = teacherTrain(ctx, f, end.theta, 1e-11, 2000); err != nil {
					return nil, err
				}
			}
			if end.loss > threshold {
				lo, hi, dec, err := teacherMinimum(f, end.theta)
				if err != nil {
					return nil, err
				}
				spurious = true
				eigLo, eigRatio = math.Min(eigLo, lo), math.Min(eigRatio, lo/hi)
				decMax = math.Max(decMax, dec/end.loss)
				spuriousLow = math.Min(spuriousLow, end.loss)
				levels = append(levels, end.loss)
				s.spurious++
				if s.example == nil {
					s.example = end.theta
				}
			} else {
				cleanHigh = math.Max(cleanHigh, end.loss)
			}
			s.losses = append(s.losses, end.loss)
			r.Data.Add(s.n, s.k, run+1, end.loss, spurious)
		}
	}

	// The closed form, checked where it matters: at the first spurious
	// minimum found, against a Monte Carlo estimate of the expectation.
	mcOK, mcDetail := true, "no spurious minimum to check"
	for _, s := range sizes {
		if s.example == nil {
			continue
		}
		f := nn.NewGaussianTeacher(s.k, teacherIdentity(s.n))
		mean, se := teacherMonteCarlo(rng, f, s.example, teacherSamples)
		closed := f.Loss(s.example)
		mcOK = math.Abs(closed-mean) <= 4*se
		mcDetail = fmt.Sprintf("at a spurious minimum for n = %d: closed form %.5f, Monte Carlo over %d Gaussian inputs %.5f ± %.5f (4 standard errors allowed)",
			s.n, closed, teacherSamples, mean, se)
		r.Float("mc-closed", "%.4f", closed)
		r.Float("mc-mean", "%.4f", mean)
		r.Float("mc-se", "%.1g", se)
		break
	}
	atTeacher := nn.NewGaussianTeacher(teacherSizes[0], teacherIdentity(teacherSizes[0])).Loss(flatten(teacherIdentity(teacherSizes[0])))

	half := len(teacherSizes)
	exact, over := sizes[:half], sizes[half:]
	totalExact, totalOver, perSize := 0, 0, true
	for i := range exact {
		totalExact += exact[i].spurious
		totalOver += over[i].spurious
		perSize = perSize && over[i].spurious <= exact[i].spurious
		r.Int(fmt.Sprintf("spurious-%d", exact[i].n), exact[i].spurious)
		r.Int(fmt.Sprintf("spurious-over-%d", over[i].n), over[i].spurious)
		r.Float(fmt.Sprintf("rate-%d", exact[i].n), "%.0f%%", 100*float64(exact[i].spurious)/float64(runs))
		r.Float(fmt.Sprintf("rate-over-%d", over[i].n), "%.0f%%", 100*float64(over[i].spurious)/float64(runs))
	}
	slices.Sort(levels)
	distinct := len(distinctLevels(levels, 1e-6))
	r.Int("runs", runs)
	r.Int("mc-inputs", teacherSamples)
	r.Int("extra", extra)
	r.Int("spurious-total", totalExact)
	r.Int("spurious-over-total", totalOver)
	r.Int("spurious-levels", distinct)
	r.Float("threshold", "%g", threshold)
	r.Float("clean-high", "%.0e", cleanHigh)
	if totalExact+totalOver > 0 {
		r.Float("spurious-lowest", "%.3f", spuriousLow)
		r.Float("spurious-highest", "%.3f", levels[len(levels)-1])
		r.Float("eig-lowest", "%.2g", eigLo)
	}

	first, last := exact[0], exact[half-1]
	counts := func(ss []*teacherSize) string {
		s := ""
		for i, x := range ss {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("%d", x.spurious)
		}
		return s
	}
	r.Check("rises", "with as many student as teacher units, spurious minima are reached more often by the largest network than by the smallest",
		last.spurious > first.spurious, "spurious ends out of %d runs for n = k = 6, 8, 10, 12: %s", runs, counts(exact))
	spare := "one extra student unit"
	if extra > 1 {
		spare = fmt.Sprintf("%d extra student units", extra)
	}
	r.Check("extra-unit", "with "+spare+", no size reaches spurious minima more often, and fewer are reached in all",
		perSize && totalOver < totalExact, "spurious ends for k = n: %s (total %d); for k = n + %d: %s (total %d)",
		counts(exact), totalExact, extra, counts(over), totalOver)
	r.Check("are-minima", "every run counted as spurious ends at a local minimum: positive definite Hessian, negligible Newton decrement",
		totalExact+totalOver > 0 && eigLo > 0 && decMax <= 1e-9,
		"smallest Hessian eigenvalue %.3g (smallest ratio to the largest %.2g); largest Newton decrement ½gᵀH⁻¹g %.1e of the loss, tolerance 1e-9",
		eigLo, eigRatio, decMax)
	r.Check("separated", "every other run ends at a loss far below the threshold, so no run is hard to classify",
		cleanHigh <= threshold/100, "highest loss of a run not counted as spurious %.1e; lowest spurious loss %.4f; threshold %g",
		cleanHigh, spuriousLow, threshold)
	r.Check("closed-form", "the closed-form loss agrees with Monte Carlo sampling, and is zero at the teacher",
		mcOK && math.Abs(atTeacher) <= 1e-14, "%s; loss at the teacher %.1e", mcDetail, atTeacher)

	p, err := teacherPlot(exact, over, runs, extra)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	return r, nil
}

// teacherMonteCarlo estimates the loss at theta by sampling n Gaussian
// inputs, returning the mean and its standard error.
func teacherMonteCarlo(rng *rand.Rand, f *nn.GaussianTeacher, theta []float64, n int) (mean, se float64) {
	_, d := f.Units()
	x := make([]float64, d)
	var s, s2 float64
	for range n {
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		e := f.Output(theta, x)
		s += e * e / 2
		s2 += e * e * e * e / 4
	}
	mean = s / float64(n)
	return mean, math.Sqrt((s2/float64(n) - mean*mean) / float64(n))
}

func flatten(rows [][]float64) []float64 {
	var v []float64
	for _, r := range rows {
		v = append(v, r...)
	}
	return v
}

// teacherPlot draws the percentage of spurious ends against n for k = n
// and for k = n + extra.
func teacherPlot(exact, over []*teacherSize, runs, extra int) (*plot.Plot, error) {
	p := lab.NewPlot("", "teacher units n", "runs ending in a spurious minimum")
	top := 0.0
	for i, set := range []struct {
		sizes []*teacherSize
		name  string
		shape draw.GlyphDrawer
	}{
		{exact, "k = n student units", draw.CircleGlyph{}},
		{over, fmt.Sprintf("k = n + %d student units", extra), draw.PyramidGlyph{}},
	} {
		var xys plotter.XYs
		for _, s := range set.sizes {
			pct := 100 * float64(s.spurious) / float64(runs)
			xys = append(xys, plotter.XY{X: float64(s.n), Y: pct})
			top = math.Max(top, pct)
		}
		line, err := lab.Series(xys, i, i == 1)
		if err != nil {
			return nil, err
		}
		pts, err := lab.Points(xys, i)
		if err != nil {
			return nil, err
		}
		pts.Shape = set.shape
		p.Add(line, pts)
		p.Legend.Add(set.name, line, pts)
	}
	p.Legend.Left = true
	p.X.Tick.Marker = lab.TicksAt(6, 8, 10, 12)
	p.X.Min, p.X.Max = 5.5, 12.5
	p.Y.Min, p.Y.Max = 0, math.Max(10, 1.35*top)
	p.Y.Tick.Marker = lab.Ticks{Ticker: percentTicks{}}
	return p, nil
}

// percentTicks labels a percentage axis: 0%, 10%, ... with a step that
// gives four to eight ticks.
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 10.0
	for _, s := range []float64{5, 10, 20, 25, 50} {
		if (hi-lo)/s <= 8 {
			step = s
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+1e-9; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%g%%", v)})
	}
	return ts
}
