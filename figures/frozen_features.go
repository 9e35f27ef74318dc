package figures

import (
	"context"
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

// This file is what convexity by design costs: the same one-hidden-layer
// ReLU network fitted to the same points twice at each width, once with its
// hidden layer frozen at random values (random features: least squares in
// the output weights, a convex problem solved exactly) and once with every
// weight trained (non-convex, L-BFGS from random starts). The convex model
// cannot move its kinks to where the data need them.

// frozenTrained are the widths at which both models are fitted;
// frozenWidths adds wider random-feature models, cheap because least
// squares is.
var (
	frozenTrained = []int{2, 4, 8, 16}
	frozenWidths  = []int{2, 4, 8, 16, 32, 64}
)

var frozenFeatures = &lab.Experiment{
	Name: "frozen-features",
	Doc: "Fits f(x) = Σ αⱼ relu(aⱼx + bⱼ) to points of sin(3x) in two ways at each width: with (aⱼ, bⱼ) frozen at random values and only α fitted " +
		"(random features, a convex least-squares problem solved exactly), and with every weight trained by L-BFGS from random starts (non-convex).",
	Params: []lab.Param{
		lab.Int("points", 40, 20, 200, "the number of training points, equally spaced on [−1, 1], targets sin(3x)").Costly(),
		lab.Int("draws", 20, 4, 50, "the number of random draws of frozen features, and of training runs, at each width").Costly(),
	},
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("Training error against the number of hidden units, both on logarithmic axes, for %d points of sin(3x). "+
			"Random features, fitted exactly, improve slowly with width; networks whose hidden layer is trained reach a far smaller error with the same number of units, "+
			"smaller even than random features with many times as many.", a.Int("points"))
	},
	Run: runFrozenFeatures,
}

// frozenData returns n points equally spaced on [−1, 1] with y = sin(3x).
func frozenData(n int) (x, y []float64) {
	for i := range n {
		xi := -1 + 2*float64(i)/float64(n-1)
		x = append(x, xi)
		y = append(y, math.Sin(3*xi))
	}
	return x, y
}

// randomFeaturesFit fits α by least squares for frozen first-layer weights
// (a, b) and returns the mean square error and the largest entry of Φᵀr
// relative to ‖Φ‖‖y‖, which is zero at the least-squares solution (the
// residual is orthogonal to every feature).
func randomFeaturesFit(x, y, a, b []float64) (mse, orth float64) {
	n, m := len(x), len(a)
	phi := mat.NewDense(n, m, nil)
	for i, xi := range x {
		for j := range m {
			phi.Set(i, j, math.Max(a[j]*xi+b[j], 0))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(phi, mat.SVDThin) {
		return math.NaN(), math.NaN()
	}
	// Features that are off at every point make Φ rank-deficient, or zero.
	alpha := mat.NewDense(m, 1, nil)
	if rank := svd.Rank(1e-12); rank > 0 {
		svd.SolveTo(alpha, mat.NewVecDense(n, slices.Clone(y)), rank)
	}
	var fit mat.VecDense
	fit.MulVec(phi, alpha.ColView(0))
	r := mat.NewVecDense(n, nil)
	r.SubVec(mat.NewVecDense(n, slices.Clone(y)), &fit)
	var pr mat.VecDense
	pr.MulVec(phi.T(), r)
	norm := mat.Norm(phi, 2) * floats.Norm(y, 2)
	if norm > 0 {
		orth = mat.Norm(&pr, math.Inf(1)) / norm
	}
	return mat.Dot(r, r) / float64(n), orth
}

// frozenTrain trains every weight from start by L-BFGS, restarting it
// where its line search gives up at a kink, and returns the mean square
// error.
func frozenTrain(ctx context.Context, f *nn.ShallowReLU, start []float64, n int) (float64, error) {
	theta, loss := start, f.Loss(start)
	for range 20 {
		res, err := nn.LBFGS(ctx, f, theta, nn.LBFGSConfig{MaxIters: 1000, GradTol: 1e-12})
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if len(res.Theta) == 0 {
			return 0, fmt.Errorf("training: %w", err)
		}
		next := f.Loss(res.Theta)
		if !(next < loss-1e-12*loss) {
			break
		}
		theta, loss = res.Theta, next
	}
	// The objective is half the summed squares; the error is their mean.
	return 2 * loss / float64(n), nil
}

func runFrozenFeatures(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	n, draws := args.Int("points"), args.Int("draws")
	x, y := frozenData(n)
	r := &lab.Result{Data: lab.Table{Header: []string{"model", "width", "draw", "mse"}}}

	frozen := make([][]float64, len(frozenWidths))
	worstOrth := 0.0
	for wi, m := range frozenWidths {
		for d := range draws {
			a, b := make([]float64, m), make([]float64, m)
			for j := range m {
				a[j], b[j] = rng.NormFloat64(), rng.NormFloat64()
			}
			mse, orth := randomFeaturesFit(x, y, a, b)
			if math.IsNaN(mse) {
				return nil, fmt.Errorf("least squares for width %d did not converge", m)
			}
			frozen[wi] = append(frozen[wi], mse)
			worstOrth = max(worstOrth, orth)
			r.Data.Add("random features", m, d+1, mse)
		}
	}
	trained := make([][]float64, len(frozenTrained))
	for wi, m := range frozenTrained {
		f := nn.NewShallowReLU(x, y, m, 0)
		for d := range draws {
			start := make([]float64, 3*m)
			for k := range start {
				start[k] = rng.NormFloat64()
				if k >= 2*m {
					start[k] /= math.Sqrt(float64(m))
				}
			}
			mse, err := frozenTrain(ctx, f, start, n)
			if err != nil {
				return nil, err
			}
			trained[wi] = append(trained[wi], mse)
			r.Data.Add("trained", m, d+1, mse)
		}
	}

	// Compare at each common width: the best trained run against the best
	// and the median random draw.
	beatsBest, beatsMedian := 0, 0
	for wi, m := range frozenTrained {
		fi := slices.Index(frozenWidths, m)
		bestT := slices.Min(trained[wi])
		bestF, medF := slices.Min(frozen[fi]), median(frozen[fi])
		// The narrowest width fits the wave badly either way; the checks
		// start at the next.
		if wi > 0 && bestT < bestF {
			beatsBest++
		}
		if wi > 0 && median(trained[wi]) < medF {
			beatsMedian++
		}
		r.Float(fmt.Sprintf("trained-%d", m), "%.1e", median(trained[wi]))
		r.Float(fmt.Sprintf("trained-best-%d", m), "%.1e", bestT)
		r.Float(fmt.Sprintf("frozen-%d", m), "%.1e", medF)
		r.Float(fmt.Sprintf("frozen-best-%d", m), "%.1e", bestF)
	}
	for wi, m := range frozenWidths {
		if slices.Contains(frozenTrained, m) {
			continue
		}
		r.Float(fmt.Sprintf("frozen-%d", m), "%.1e", median(frozen[wi]))
	}
	// How wide must the random features be to match, in the median, the
	// trained network at a modest width?
	ref := frozenTrained[2]
	target := median(trained[2])
	match := 0
	for wi, m := range frozenWidths {
		if median(frozen[wi]) <= target {
			match = m
			break
		}
	}
	r.Int("reference-width", ref)
	r.Int("draws", draws)
	r.Int("points", n)
	r.Float("ratio-reference", "%.0f", median(frozen[slices.Index(frozenWidths, ref)])/target)
	r.Float("orthogonality", "%.0e", max(worstOrth, 1e-16))
	if match > 0 {
		r.Int("match-width", match)
	}
	r.Check("exact", "every random-features model is fitted exactly: its residual is orthogonal to all its features",
		worstOrth <= 1e-8, "largest |Φᵀr| / (‖Φ‖‖y‖) = %.1e", worstOrth)
	r.Check("trained-better", fmt.Sprintf("at widths %d to %d, the best trained network fits better than the best of the random-feature draws",
		frozenTrained[1], frozenTrained[len(frozenTrained)-1]),
		beatsBest == len(frozenTrained)-1, "the trained network is better at %d of these %d widths", beatsBest, len(frozenTrained)-1)
	r.Check("median-better", "at each of these widths the median trained network fits better than the median random-features model",
		beatsMedian == len(frozenTrained)-1, "better at %d of %d widths", beatsMedian, len(frozenTrained)-1)

	p, err := frozenPlot(frozen, trained)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	r.Height = 280
	return r, nil
}

// median returns the median of xs.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	k := len(s) / 2
	if len(s)%2 == 1 {
		return s[k]
	}
	return (s[k-1] + s[k]) / 2
}

// frozenPlot draws the median and range of each model's error per width.
// Both axes are logarithmic; the plot carries log₂ of the width and log₁₀
// of the error on linear axes, labelled with the numbers themselves (a log
// axis in gonum centres its label at the arithmetic middle of the range,
// which on a log scale is near the top).
func frozenPlot(frozen, trained [][]float64) (*plot.Plot, error) {
	p := lab.NewPlot("", "hidden units (log scale)", "mean square error (log scale)")
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, set := range []struct {
		widths []int
		errs   [][]float64
		name   string
		shift  float64
	}{
		{frozenWidths, frozen, "hidden layer frozen (random features, convex)", -0.05},
		{frozenTrained, trained, "all weights trained (not convex)", 0.05},
	} {
		var xs, med, mins, maxs []float64
		for wi, m := range set.widths {
			xs = append(xs, math.Log2(float64(m))+set.shift)
			med = append(med, math.Log10(median(set.errs[wi])))
			mins = append(mins, math.Log10(slices.Min(set.errs[wi])))
			maxs = append(maxs, math.Log10(slices.Max(set.errs[wi])))
		}
		bars, dots, err := lab.MedianRange(xs, med, mins, maxs, i)
		if err != nil {
			return nil, err
		}
		var line plotter.XYs
		for k := range xs {
			line = append(line, plotter.XY{X: xs[k], Y: med[k]})
		}
		l, err := lab.Series(line, i, i == 0)
		if err != nil {
			return nil, err
		}
		l.Width = vg.Points(1.25)
		p.Add(bars...)
		p.Add(l, dots)
		p.Legend.Add(set.name, l, dots)
		lo, hi = min(lo, slices.Min(mins)), max(hi, slices.Max(maxs))
	}
	var xt []plot.Tick
	for _, m := range frozenWidths {
		xt = append(xt, plot.Tick{Value: math.Log2(float64(m)), Label: fmt.Sprint(m)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.X.Min, p.X.Max = 0.6, math.Log2(float64(frozenWidths[len(frozenWidths)-1]))+0.4
	elo, ehi := int(math.Floor(lo)), int(math.Ceil(hi))+2
	var yt []plot.Tick
	for e := elo; e <= ehi; e++ {
		t := plot.Tick{Value: float64(e)}
		if e%2 == 0 {
			t.Label = lab.Power10(e)
		}
		yt = append(yt, t)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.Y.Min, p.Y.Max = float64(elo), float64(ehi)
	return p, nil
}
