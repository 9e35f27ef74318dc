package figures

import (
	"context"
	"fmt"
	"image/color"
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

// This file is claims a and f of the brief seen from the weights: the same
// cross-entropy, on the same toy data set (two interleaved half-moons), is
// convex in the weights of models whose logit is affine in the trained
// weights, and not convex once a hidden layer trains. Three experiments
// share the data, the models and the chord test:
//
//   - line-curvature splits the second derivative of the loss along a line
//     in weight space into the teacher's term ℓ″(z)(dz/ds)² ≥ 0 and the
//     term ℓ′(z) d²z/ds² that the teacher's argument leaves out;
//   - random-chords draws random chords (Jensen's inequality) for several
//     models and counts the ones the loss rises above;
//   - chord-segment draws the worst chord of the tanh network in full, and
//     the same chord with the hidden layer frozen.

// chordTolerance is the relative tolerance of the chord test: a chord counts
// as violated only if the loss exceeds it by more than this fraction of its
// height, far above rounding (about 10⁻¹⁶ per operation) and far below any
// genuine violation.
const chordTolerance = 1e-9

// moonsData returns n points of two interleaved half-moons in the plane,
// labels alternating 0 and 1, with Gaussian noise of the given size. The
// moons interleave, so a straight line separates them at best roughly.
func moonsData(rng *rand.Rand, n int, noise float64) nn.Data {
	X := mat.NewDense(n, 2, nil)
	Y := mat.NewDense(n, 1, nil)
	for i := range n {
		c := i % 2
		a := math.Pi * rng.Float64()
		x, y := math.Cos(a), math.Sin(a)
		if c == 1 {
			x, y = 1-x, 0.5-y
		}
		X.Set(i, 0, x+noise*rng.NormFloat64())
		X.Set(i, 1, y+noise*rng.NormFloat64())
		Y.Set(i, 0, float64(c))
	}
	return nn.Data{X: X, Y: Y}
}

// moonsNoise is the noise of the toy data set.
const moonsNoise = 0.2

// A chordModel is a network, a loss and a choice of which parameters train.
type chordModel struct {
	key, label string
	short      string // the label in a legend; label is for sentences
	obj        *nn.Objective
	base       []float64 // the values of frozen parameters
	free       []bool    // which parameters train
	convex     bool      // what the composition argument predicts
}

// chordModelSets lists the models of each set, in plotting order.
var chordModelSets = map[string][]string{
	"main":      {"logistic", "features", "tanh", "relu"},
	"no-hidden": {"linear", "logistic", "softmax"},
	"layers":    {"features", "first-layer", "tanh"},
}

// newChordModel builds the model named key on data d. Frozen parameters are
// drawn from rng with standard deviation scale, like the trained ones.
func newChordModel(key string, d nn.Data, hidden int, scale float64, rng *rand.Rand) *chordModel {
	lin := []nn.Activation{nn.Linear}
	tanhNet := func() *nn.Net { return nn.New([]int{2, hidden, 1}, []nn.Activation{nn.Tanh, nn.Linear}) }
	m := &chordModel{key: key}
	var net *nn.Net
	loss := nn.Logistic
	freeFrom, freeTo := 0, -1 // the range of trained parameters; -1: to the end
	switch key {
	case "linear":
		net, loss, m.convex = nn.New([]int{2, 1}, lin), nn.Square, true
		m.label, m.short = "linear regression", "linear regression"
	case "logistic":
		net, m.convex = nn.New([]int{2, 1}, lin), true
		m.label, m.short = "logistic regression", "logistic regression"
	case "softmax":
		net, loss, m.convex = nn.New([]int{2, 2}, lin), nn.SoftmaxCE, true
		m.label, m.short = "softmax regression", "softmax regression"
	case "features":
		net, m.convex = tanhNet(), true
		m.label, m.short = "the tanh network with its hidden layer frozen", "random features (last layer trains)"
		freeFrom = net.WeightIndex(1, 0, 0)
	case "first-layer":
		net = tanhNet()
		m.label, m.short = "the tanh network with its output layer frozen", "first layer trains, last frozen"
		freeTo = net.WeightIndex(1, 0, 0)
	case "tanh":
		net = tanhNet()
		m.label, m.short = "the one-hidden-layer tanh network", "tanh network, all weights train"
	case "relu":
		net = nn.New([]int{2, hidden, 1}, []nn.Activation{nn.ReLU, nn.Linear})
		m.label, m.short = "the one-hidden-layer ReLU network", "ReLU network, all weights train"
	default:
		panic("figures: unknown chord model " + key)
	}
	if freeTo < 0 {
		freeTo = net.NumParams()
	}
	m.obj = nn.NewObjective(net, loss, d)
	m.base = make([]float64, net.NumParams())
	m.free = make([]bool, net.NumParams())
	for i := range m.base {
		m.free[i] = freeFrom <= i && i < freeTo
		if !m.free[i] {
			m.base[i] = scale * rng.NormFloat64()
		}
	}
	return m
}

// draw returns a random parameter vector: frozen entries from base, trained
// ones normal with standard deviation scale.
func (m *chordModel) draw(rng *rand.Rand, scale float64) []float64 {
	theta := slices.Clone(m.base)
	for i, free := range m.free {
		if free {
			theta[i] = scale * rng.NormFloat64()
		}
	}
	return theta
}

// A chord is one instance of Jensen's inequality: the ends, the point t
// between them, the loss there and the chord's height there.
type chord struct {
	a, b        []float64
	t           float64
	loss, chord float64
}

// ratio is the loss at θₜ over the chord's height there; convexity says it
// is at most 1.
func (c chord) ratio() float64 { return c.loss / c.chord }

// violated reports whether the loss rises above the chord beyond rounding.
func (c chord) violated() bool { return c.loss-c.chord > chordTolerance*c.chord }

// chordTest is the outcome of the chord test of one model.
type chordTest struct {
	model      *chordModel
	ratios     []float64 // sorted
	violations int
	minExcess  float64 // the smallest ratio − 1 among the violated chords
	worst      chord   // the chord with the largest ratio
}

// runChords draws n random chords of m's loss. With evaluate false it only
// draws them, consuming the random source exactly as a full test would, so
// that a later model of the same set sees the same random numbers.
func runChords(ctx context.Context, m *chordModel, n int, scale float64, rng *rand.Rand, evaluate bool) (*chordTest, error) {
	res := &chordTest{model: m, ratios: make([]float64, 0, n), minExcess: math.Inf(1)}
	theta := make([]float64, len(m.base))
	for k := range n {
		if k%200 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		a, b := m.draw(rng, scale), m.draw(rng, scale)
		t := rng.Float64()
		if !evaluate {
			continue
		}
		c := chord{a: a, b: b, t: t}
		c.loss = m.obj.Loss(nn.InterpolateTo(theta, a, b, t))
		c.chord = (1-t)*m.obj.Loss(a) + t*m.obj.Loss(b)
		res.ratios = append(res.ratios, c.ratio())
		if c.violated() {
			res.violations++
			res.minExcess = min(res.minExcess, c.ratio()-1)
		}
		if k == 0 || c.ratio() > res.worst.ratio() {
			res.worst = c
		}
	}
	slices.Sort(res.ratios)
	return res, nil
}

// chordArgs are the parameters random-chords and chord-segment share, so
// that chord-segment can replay exactly the test of a random-chords figure.
func chordArgs() []lab.Param {
	return []lab.Param{
		lab.Int("chords", 1000, 10, 100000, "the number of random chords per model"),
		lab.Int("hidden", 8, 1, 64, "the width of the hidden layer"),
		lab.Float("scale", 1, 0.1, 10, "the standard deviation of every parameter at the ends of a chord, and of the frozen ones"),
		lab.Int("points", 80, 4, 2000, "the number of points in the toy data set (two half-moons)"),
	}
}

// runChordSet draws the data set, then runs the chord test of each model
// of the named set in turn. If only is not empty, it evaluates the chords
// of that model alone, and returns its test alone.
func runChordSet(ctx context.Context, args lab.Args, set, only string, rng *rand.Rand) ([]*chordTest, error) {
	d := moonsData(rng, args.Int("points"), moonsNoise)
	var tests []*chordTest
	for _, key := range chordModelSets[set] {
		m := newChordModel(key, d, args.Int("hidden"), args.Float("scale"), rng)
		evaluate := only == "" || only == key
		res, err := runChords(ctx, m, args.Int("chords"), args.Float("scale"), rng, evaluate)
		if err != nil {
			return nil, err
		}
		if evaluate {
			tests = append(tests, res)
		}
	}
	return tests, nil
}

// minViolationPercent is the share of violated chords the build demands of
// a model with a training hidden layer before it calls the violations many.
const minViolationPercent = 5.0

var randomChords = &lab.Experiment{
	Name: "random-chords",
	Doc: "Jensen's inequality on random chords of the loss in weight space, for models with and without a " +
		"training hidden layer on the same toy data set: the loss at a point between two random parameter vectors " +
		"against the chord joining their losses.",
	Params: append([]lab.Param{
		lab.Choice("models", "main", []string{"main", "no-hidden", "layers"},
			"which models: main (logistic regression, random features, tanh and ReLU networks), no-hidden (linear, logistic and softmax regression) or layers (which layer of a tanh network trains)"),
	}, chordArgs()...),
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("Sorted ratios of the loss at a random point of a chord to the chord's height, %d chords per model, with the region above ratio 1 shaded. "+
			"The curves of the models whose logit is affine in the trained weights stay below 1 everywhere; the curves of networks whose hidden layer trains cross above 1 for a sizeable fraction of chords.", a.Int("chords"))
	},
	Run: runRandomChords,
}

// quantiles returns the sorted values at k+1 equally spaced fractions.
func quantiles(sorted []float64, k int) plotter.XYs {
	xys := make(plotter.XYs, k+1)
	for i := range k + 1 {
		q := float64(i) / float64(k)
		xys[i] = plotter.XY{X: q, Y: sorted[int(math.Round(q*float64(len(sorted)-1)))]}
	}
	return xys
}

func runRandomChords(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	n := args.Int("chords")
	tests, err := runChordSet(ctx, args, args.Choice("models"), "", rng)
	if err != nil {
		return nil, err
	}
	r := &lab.Result{Data: lab.Table{Header: []string{"series", "fraction_of_chords", "ratio"}}}
	p := lab.NewPlot("", "fraction of chords, sorted by ratio", "L(θₜ) ÷ height of the chord")
	p.X.Min, p.X.Max = 0, 1
	hi := 1.0
	for _, res := range tests {
		hi = max(hi, res.ratios[n-1])
	}
	// The legend sits top left, where every curve is below 1; it takes
	// the top third of the panel.
	p.Y.Min, p.Y.Max = 0, max(1.1*hi, 2)
	above, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 1}, {X: 1, Y: p.Y.Max}, {X: 0, Y: p.Y.Max}})
	if err != nil {
		return nil, err
	}
	above.Color = color.NRGBA{0xD5, 0x5E, 0x00, 0x14}
	above.LineStyle.Width = 0
	p.Add(above)
	one, err := lab.Series(plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 1}}, 7, true)
	if err != nil {
		return nil, err
	}
	one.Color = lab.Gray
	one.Width /= 2
	p.Add(one)
	for i, res := range tests {
		m := res.model
		pct := 100 * float64(res.violations) / float64(n)
		r.Int("violations-"+m.key, res.violations)
		r.Float("percent-"+m.key, "%.0f%%", pct)
		if m.convex {
			r.Float("max-ratio-"+m.key, "%.6g", res.worst.ratio())
			r.Check("convex-"+m.key, fmt.Sprintf("the loss of %s never rises above any of the %d chords", m.label, n),
				res.violations == 0, "%d violations; largest ratio %.6g (a violation needs more than 1 + 10⁻⁹)", res.violations, res.worst.ratio())
		} else {
			r.Float("max-ratio-"+m.key, "%.3g", res.worst.ratio())
			if res.violations > 0 {
				r.Float("min-excess-"+m.key, "%.1e", res.minExcess)
				r.Check("clear-"+m.key, fmt.Sprintf("every violation by %s exceeds its chord by more than a thousand times the tolerance", m.label),
					res.minExcess > 1e3*chordTolerance, "smallest excess %.2e of the chord's height, tolerance 10⁻⁹", res.minExcess)
			}
			r.Check("nonconvex-"+m.key, fmt.Sprintf("the loss of %s rises above at least %g%% of the %d chords", m.label, minViolationPercent, n),
				pct >= minViolationPercent, "%d violations (%.1f%%); largest ratio %.4g", res.violations, pct, res.worst.ratio())
		}
		xys := quantiles(res.ratios, 400)
		for _, xy := range xys {
			r.Data.Add(m.key, xy.X, xy.Y)
		}
		line, err := lab.Series(xys, i, !m.convex)
		if err != nil {
			return nil, err
		}
		p.Add(line)
		p.Legend.Add(m.short, line)
	}
	p.Legend.Add("ratio 1: loss on the chord", one)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(6)
	r.Plots = []*plot.Plot{p}

	r.Int("chords", n)
	r.Int("points", args.Int("points"))
	r.Float("rule-of-three", "%.2g%%", 300/float64(n))
	r.Values = append(r.Values, lab.Value{Name: "tolerance", Text: "10⁻⁹", Number: chordTolerance})
	return r, nil
}

var chordSegment = &lab.Experiment{
	Name: "chord-segment",
	Doc: "The loss along the worst of the random chords of a network whose hidden layer trains, " +
		"and along the same chord with the hidden layer frozen at one end's values, so that only the last layer moves.",
	Params: append([]lab.Param{
		lab.Choice("model", "tanh", []string{"tanh", "relu"}, "whose worst chord: the tanh or the ReLU network of random-chords with models=main"),
		lab.Int("steps", 200, 10, 5000, "the number of equal steps in t along the segment"),
	}, chordArgs()...),
	Alt: func(a lab.Args) string {
		return "The loss along two segments against t from 0 to 1, each with its chord dashed. When all weights move, the loss climbs far above its chord in the middle of the segment. " +
			"When the hidden layer stays frozen and only the output weights move, the loss sags below its chord all the way."
	},
	Run: runChordSegment,
}

func runChordSegment(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	tests, err := runChordSet(ctx, args, "main", args.Choice("model"), rng)
	if err != nil {
		return nil, err
	}
	m, w := tests[0].model, tests[0].worst
	// The frozen variant keeps θa's hidden layer at both ends and takes
	// θb's output layer: a chord of the random-features model.
	out := m.obj.Net().WeightIndex(1, 0, 0)
	bFrozen := slices.Concat(w.a[:out], w.b[out:])

	steps := args.Int("steps")
	r := &lab.Result{Data: lab.Table{Header: []string{"series", "t", "loss", "chord"}}}
	var full, fullChord, frozen, frozenChord plotter.XYs
	theta := make([]float64, len(w.a))
	la, lb, lbf := m.obj.Loss(w.a), m.obj.Loss(w.b), m.obj.Loss(bFrozen)
	peak, frozenGap, frozenSag := 0.0, math.Inf(-1), 0.0
	for i := range steps + 1 {
		t := float64(i) / float64(steps)
		l := m.obj.Loss(nn.InterpolateTo(theta, w.a, w.b, t))
		c := (1-t)*la + t*lb
		lf := m.obj.Loss(nn.InterpolateTo(theta, w.a, bFrozen, t))
		cf := (1-t)*la + t*lbf
		peak = max(peak, l)
		if 0 < i && i < steps {
			frozenGap = max(frozenGap, (lf-cf)/cf)
			frozenSag = max(frozenSag, (cf-lf)/cf)
		}
		r.Data.Add("all weights", t, l, c)
		r.Data.Add("hidden layer frozen", t, lf, cf)
		full = append(full, plotter.XY{X: t, Y: l})
		fullChord = append(fullChord, plotter.XY{X: t, Y: c})
		frozen = append(frozen, plotter.XY{X: t, Y: lf})
		frozenChord = append(frozenChord, plotter.XY{X: t, Y: cf})
	}
	replay := m.obj.Loss(nn.Interpolate(w.a, w.b, w.t))

	r.Float("ratio", "%.3g", w.ratio())
	r.Float("t", "%.2f", w.t)
	r.Float("loss-at-t", "%.3g", w.loss)
	r.Float("chord-at-t", "%.3g", w.chord)
	r.Float("peak", "%.3g", peak)
	r.Float("end-a", "%.3g", la)
	r.Float("end-b", "%.3g", lb)
	r.Float("frozen-end-b", "%.3g", lbf)
	r.Float("frozen-max-gap", "%.2g", frozenGap)
	r.Float("frozen-max-sag", "%.1f%%", 100*frozenSag)
	r.Check("above-chord", "the loss of the network at the tested point lies above the chord",
		w.violated() && replay == w.loss, "L(θₜ) = %.4g > chord %.4g at t = %.3f, ratio %.4g", w.loss, w.chord, w.t, w.ratio())
	r.Check("frozen-below-chord", "with the hidden layer frozen, the loss stays on or below its chord along the whole segment",
		frozenGap <= chordTolerance, "largest (L − chord)/chord = %.3g over the %d points strictly between the ends, tolerance 10⁻⁹", frozenGap, steps-1)

	p := lab.NewPlot("", "t, position on the segment", "loss L")
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min = 0
	lines := []struct {
		xys    plotter.XYs
		colour int
		dashed bool
		name   string
	}{
		{full, 1, false, "all weights move"},
		{fullChord, 1, true, "its chord"},
		{frozen, 0, false, "hidden layer frozen"},
		{frozenChord, 0, true, "its chord"},
	}
	for _, l := range lines {
		s, err := lab.Series(l.xys, l.colour, l.dashed)
		if err != nil {
			return nil, err
		}
		if l.dashed {
			s.Width /= 1.5
		}
		p.Add(s)
		p.Legend.Add(l.name, s)
	}
	dot, err := lab.Points(plotter.XYs{{X: w.t, Y: w.loss}}, 7)
	if err != nil {
		return nil, err
	}
	p.Add(dot)
	p.Legend.Add("the tested point", dot)
	p.Y.Max = max(peak, la, lb, lbf) * 1.6
	r.Plots = []*plot.Plot{p}
	return r, nil
}

var lineCurvature = &lab.Experiment{
	Name: "line-curvature",
	Doc: "The loss along a random line in weight space and its second derivative, split into the teacher's term " +
		"ℓ″(z)(dz/ds)², never negative, and the term ℓ′(z)d²z/ds², which vanishes when the logit is affine in the weights.",
	Params: []lab.Param{
		lab.Choice("model", "tanh", []string{"tanh", "logistic"}, "the model: a one-hidden-layer tanh network or logistic regression, both with the logistic loss"),
		lab.Int("hidden", 8, 1, 64, "the width of the tanh network's hidden layer"),
		lab.Float("span", 2, 0.1, 10, "the line runs from s = −span to s = span"),
		lab.Int("steps", 200, 10, 5000, "the number of equal steps along the line"),
		lab.Int("points", 80, 4, 2000, "the number of points in the toy data set (two half-moons)"),
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
