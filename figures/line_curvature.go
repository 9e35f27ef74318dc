package figures

import (
	"context"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// line-curvature is claim a of the brief seen from the weights: it splits
// the second derivative of the loss along a line in weight space into the
// teacher's term ℓ″(z)(dz/ds)² ≥ 0 and the term ℓ′(z) d²z/ds² that the
// teacher's argument leaves out.

var lineCurvature = &lab.Experiment{
	Name: "line-curvature",
	Doc: "The loss along a random line in weight space and its second derivative, split into the teacher's term " +
		"ℓ″(z)(dz/ds)², never negative, and the term ℓ′(z)d²z/ds², which vanishes when the logit is affine in the weights.",
	Params: []lab.Param{
		lab.Choice("model", "tanh", []string{"tanh", "logistic"}, "the model: a one-hidden-layer tanh network or logistic regression, both with the logistic loss"),
		lab.Int("hidden", 8, 1, 16, "the width of the tanh network's hidden layer").Costly(),
		lab.Float("span", 2, 0.1, 10, "the line runs from s = −span to s = span"),
		lab.Int("steps", 200, 10, 1000, "the number of equal steps along the line").Costly(),
		lab.Int("points", 80, 4, 400, "the number of points in the toy data set (two half-moons)").Costly(),
	},
	Alt: func(a lab.Args) string {
		if a.Choice("model") == "logistic" {
			return "Two panels against the position s on a random line in the weights of logistic regression. Top: the loss, a convex curve. " +
				"Bottom: its second derivative is positive everywhere and equals the teacher's term, while the other term is identically zero."
		}
		return "Two panels against the position s on a random line in the weights of a one-hidden-layer tanh network. Top: the loss, which bends down in places. " +
			"Bottom: its second derivative dips below zero; the teacher's term stays non-negative throughout, and the term from the curvature of the logit is what pulls the total below zero."
	},
	Run: runLineCurvature,
}

// logitAlongLine returns a network's logit z at input x and its first and
// second derivatives along dir, at theta, for a logistic-regression net (one
// linear layer) or a net with one hidden layer and a linear output.
func logitAlongLine(net *nn.Net, theta, dir, x []float64) (z, dz, d2z float64) {
	if net.Layers() == 1 {
		b := net.BiasIndex(0, 0)
		z, dz = theta[b], dir[b]
		for j, xj := range x {
			k := net.WeightIndex(0, 0, j)
			z += theta[k] * xj
			dz += dir[k] * xj
		}
		return z, dz, 0 // affine in theta: no second derivative
	}
	act := net.Activations()[0]
	c := net.BiasIndex(1, 0)
	z, dz = theta[c], dir[c]
	for i := range net.Sizes()[1] {
		// Unit i: pre-activation u, its rate du, outgoing weight v, rate dv.
		bi := net.BiasIndex(0, i)
		u, du := theta[bi], dir[bi]
		for j, xj := range x {
			k := net.WeightIndex(0, i, j)
			u += theta[k] * xj
			du += dir[k] * xj
		}
		vi := net.WeightIndex(1, 0, i)
		v, dv := theta[vi], dir[vi]
		h, h1, h2 := act.Eval(u), act.Deriv(u), act.Deriv2(u)
		z += v * h
		dz += dv*h + v*h1*du
		d2z += 2*dv*h1*du + v*h2*du*du
	}
	return z, dz, d2z
}

// lineTerms returns the mean logistic loss at theta and the two terms of
// its second derivative along dir: Σ ℓ″(z)(dz/ds)² and Σ ℓ′(z) d²z/ds²,
// averaged over the examples.
func lineTerms(net *nn.Net, d nn.Data, theta, dir []float64) (loss, teacher, rest float64) {
	n, _ := d.X.Dims()
	x := make([]float64, net.In())
	for i := range n {
		mat.Row(x, i, d.X)
		y := d.Y.At(i, 0)
		z, dz, d2z := logitAlongLine(net, theta, dir, x)
		s := 1 / (1 + math.Exp(-z))
		loss += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y*z
		teacher += s * (1 - s) * dz * dz
		rest += (s - y) * d2z
	}
	return loss / float64(n), teacher / float64(n), rest / float64(n)
}

func runLineCurvature(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	d := moonsData(rng, args.Int("points"), moonsNoise)
	var net *nn.Net
	if args.Choice("model") == "tanh" {
		net = nn.New([]int{2, args.Int("hidden"), 1}, []nn.Activation{nn.Tanh, nn.Linear})
	} else {
		net = nn.New([]int{2, 1}, []nn.Activation{nn.Linear})
	}
	obj := nn.NewObjective(net, nn.Logistic, d)
	// A random point and a random direction, entries standard normal, as
	// the ends of the chords in random-chords with scale=1.
	theta0 := nn.RandomDirection(rng, net.NumParams())
	dir := nn.RandomDirection(rng, net.NumParams())

	span, steps := args.Float("span"), args.Int("steps")
	r := &lab.Result{Cols: 1, Data: lab.Table{Header: []string{"s", "loss", "curvature", "teacher_term", "logit_curvature_term"}}}
	var lossXY, totalXY, teacherXY, restXY plotter.XYs
	theta, hv := make([]float64, len(theta0)), make([]float64, len(theta0))
	hessErr, lossErr, maxRest := 0.0, 0.0, 0.0
	minTotal, minTeacher, argMin := math.Inf(1), math.Inf(1), 0.0
	var atMin [2]float64
	negative := 0
	for i := range steps + 1 {
		if i%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s := -span + 2*span*float64(i)/float64(steps)
		for k := range theta {
			theta[k] = theta0[k] + s*dir[k]
		}
		loss, teacher, rest := lineTerms(net, d, theta, dir)
		total := teacher + rest
		// The toolkit's exact Hessian along dir, independent of the split.
		l := obj.HessianVec(theta, dir, hv)
		exact := floats.Dot(dir, hv)
		hessErr = max(hessErr, math.Abs(exact-total)/max(1, math.Abs(exact)))
		lossErr = max(lossErr, math.Abs(l-loss))
		maxRest = max(maxRest, math.Abs(rest))
		minTeacher = min(minTeacher, teacher)
		if total < minTotal {
			minTotal, argMin, atMin = total, s, [2]float64{teacher, rest}
		}
		if total < 0 {
			negative++
		}
		r.Data.Add(s, loss, total, teacher, rest)
		lossXY = append(lossXY, plotter.XY{X: s, Y: loss})
		totalXY = append(totalXY, plotter.XY{X: s, Y: total})
		teacherXY = append(teacherXY, plotter.XY{X: s, Y: teacher})
		restXY = append(restXY, plotter.XY{X: s, Y: rest})
	}

	r.Float("min-curvature", "%.3g", minTotal)
	r.Float("argmin", "%.2f", argMin)
	r.Float("teacher-at-min", "%.3g", atMin[0])
	r.Float("rest-at-min", "%.3g", atMin[1])
	r.Float("negative-percent", "%.0f%%", 100*float64(negative)/float64(steps+1))
	r.Float("max-rest", "%.3g", maxRest)
	r.Float("hessian-error", "%.1e", hessErr)
	r.Int("params", net.NumParams())
	r.Check("matches-hessian", "the two terms add up to the toolkit's exact second derivative along the line",
		hessErr <= 1e-10 && lossErr <= 1e-12, "largest relative difference %.1e over %d points (loss: %.1e)", hessErr, steps+1, lossErr)
	r.Check("teacher-term", "the teacher's term ℓ″(z)(dz/ds)² is never negative",
		minTeacher >= 0, "smallest value %.3g", minTeacher)
	if args.Choice("model") == "tanh" {
		r.Check("bends-down", "the loss bends downward somewhere along the line, so it is not convex",
			minTotal < -1e-6, "smallest second derivative %.4g at s = %.3f (teacher's term %.4g, logit-curvature term %.4g)", minTotal, argMin, atMin[0], atMin[1])
	} else {
		r.Check("affine-logit", "the logit-curvature term is exactly zero, the logit being affine in the weights",
			maxRest == 0, "largest |ℓ′(z) d²z/ds²| = %g", maxRest)
		r.Check("convex-along-line", "the loss curves upward everywhere along the line",
			minTotal >= 0, "smallest second derivative %.4g", minTotal)
	}

	top := lab.NewPlot("", "", "loss L(θ₀ + s d)")
	top.X.Min, top.X.Max = -span, span
	top.Y.Min = 0
	ls, err := lab.Series(lossXY, 0, false)
	if err != nil {
		return nil, err
	}
	top.Add(ls)
	maxLoss := 0.0
	for _, xy := range lossXY {
		maxLoss = max(maxLoss, xy.Y)
	}
	top.Y.Max = maxLoss * 1.1

	bottom := lab.NewPlot("", "s, position along the line", "d²L/ds²")
	bottom.X.Min, bottom.X.Max = -span, span
	zero, err := lab.Series(plotter.XYs{{X: -span, Y: 0}, {X: span, Y: 0}}, 7, false)
	if err != nil {
		return nil, err
	}
	zero.Color = lab.Gray
	zero.Width /= 2
	bottom.Add(zero)
	ylo, yhi := 0.0, 0.0
	for i, c := range []struct {
		xys    plotter.XYs
		colour int
		dashed bool
		name   string
	}{
		{totalXY, 0, false, "d²L/ds², the total"},
		{teacherXY, 2, true, "ℓ″(z) (dz/ds)², the teacher's term"},
		{restXY, 1, true, "ℓ′(z) d²z/ds², the logit's own curvature"},
	} {
		s, err := lab.Series(c.xys, c.colour, c.dashed)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			s.Width /= 1.25
		}
		if i == 2 {
			s.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
		}
		bottom.Add(s)
		bottom.Legend.Add(c.name, s)
		for _, xy := range c.xys {
			ylo, yhi = min(ylo, xy.Y), max(yhi, xy.Y)
		}
	}
	// Headroom above the curves for the legend.
	bottom.Y.Min, bottom.Y.Max = ylo-0.05*(yhi-ylo), yhi+0.6*(yhi-ylo)
	r.Plots = []*plot.Plot{top, bottom}
	return r, nil
}
