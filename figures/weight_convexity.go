package figures

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file is claim f of the brief seen from the weights: the same loss,
// on the same toy data set (two interleaved half-moons, moons.go), is convex
// in the weights of models whose output is affine in the trained weights,
// and not convex once a hidden layer trains. Two experiments share the
// models and the chord test:
//
//   - random-chords draws random chords (Jensen's inequality) for several
//     models and counts the ones the loss rises above;
//   - chord-segment draws the worst chord of the tanh network in full, and
//     the same chord with the hidden layer frozen.

// chordTolerance is the relative tolerance of the chord test: a chord counts
// as violated only if the loss exceeds it by more than this fraction of its
// height, far above rounding (about 10⁻¹⁶ per operation) and far below any
// genuine violation.
const chordTolerance = 1e-9

// A chordModel is a model, a loss and a choice of which parameters train.
type chordModel struct {
	key, label string
	short      string  // the label in a legend; label is for sentences
	net        *nn.Net // the network; nil for the RBF models
	obj        interface{ Loss(theta []float64) float64 }
	base       []float64 // the values of frozen parameters
	free       []bool    // which parameters train
	convex     bool      // what the composition argument predicts
}

// chordModelSets lists the models of each set, in plotting order.
var chordModelSets = map[string][]string{
	"main":      {"logistic", "features", "tanh", "relu"},
	"no-hidden": {"linear", "logistic", "softmax", "sigmoid-square"},
	"layers":    {"features", "first-layer", "tanh"},
	"rbf":       {"rbf-output", "rbf-centres"},
}

// chordModelKeys numbers every model once. A model's chords are drawn from
// a random stream of its own, numbered by its place here, so that a model
// gets the same chords in every set it belongs to (the tanh network of the
// sets main and layers, say), whatever the models before it consume.
var chordModelKeys = []string{"linear", "logistic", "softmax", "features", "first-layer", "tanh", "relu", "sigmoid-square", "rbf-output", "rbf-centres"}

// newChordModel builds the model named key on data d. Frozen parameters are
// drawn from rng with standard deviation scale, like the trained ones.
func newChordModel(key string, d nn.Data, hidden int, scale float64, rng *rand.Rand) *chordModel {
	if key == "rbf-output" || key == "rbf-centres" {
		return newRBFChordModel(key, d, hidden, scale, rng)
	}
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
	case "sigmoid-square":
		net, loss = nn.New([]int{2, 1}, []nn.Activation{nn.Sigmoid}), nn.Square
		m.label, m.short = "a single sigmoid neuron with the square loss", "sigmoid neuron, square loss"
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
	m.net, m.obj = net, nn.NewObjective(net, loss, d)
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

// rbfWidth is the fixed width s of the Gaussian units of the RBF models,
// about a third of the spread of the half-moons.
const rbfWidth = 0.5

// rbfObjective is the mean square loss of a Gaussian RBF network with k
// units of the fixed width rbfWidth on two-dimensional inputs,
//
//	f(x) = b + Σⱼ vⱼ exp(−‖x − cⱼ‖² / (2s²)),
//
// with parameters θ = (c₁, …, c_k, v₁, …, v_k, b), each centre two numbers.
type rbfObjective struct {
	k    int
	data nn.Data
}

func (r rbfObjective) Loss(theta []float64) float64 {
	n, _ := r.data.X.Dims()
	centres, v, b := theta[:2*r.k], theta[2*r.k:3*r.k], theta[3*r.k]
	sum := 0.0
	for i := range n {
		x0, x1 := r.data.X.At(i, 0), r.data.X.At(i, 1)
		f := b
		for j := range r.k {
			d0, d1 := x0-centres[2*j], x1-centres[2*j+1]
			f += v[j] * math.Exp(-(d0*d0+d1*d1)/(2*rbfWidth*rbfWidth))
		}
		e := f - r.data.Y.At(i, 0)
		sum += e * e
	}
	return sum / float64(n)
}

// newRBFChordModel builds an RBF network of hidden units on d. With key
// rbf-output only the output layer trains, the centres frozen at random,
// and the output is affine in what trains; with rbf-centres the centres
// train as well, the widths still fixed.
func newRBFChordModel(key string, d nn.Data, hidden int, scale float64, rng *rand.Rand) *chordModel {
	obj := rbfObjective{k: hidden, data: d}
	m := &chordModel{key: key, obj: obj, base: make([]float64, 3*hidden+1), free: make([]bool, 3*hidden+1)}
	trainFrom := 0
	if key == "rbf-output" {
		m.convex, trainFrom = true, 2*hidden
		m.label, m.short = "the RBF network with fixed centres and widths", "RBF, output layer trains"
	} else {
		m.label, m.short = "the RBF network whose centres train (widths fixed)", "RBF, centres train too"
	}
	for i := range m.base {
		m.free[i] = i >= trainFrom
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

// runChords draws n random chords of m's loss.
func runChords(ctx context.Context, m *chordModel, n int, scale float64, rng *rand.Rand) (*chordTest, error) {
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
		lab.Int("chords", 1000, 100, 2000, "the number of random chords per model").Costly(),
		lab.Int("hidden", 8, 1, 16, "the width of the hidden layer").Costly(),
		lab.Float("scale", 1, 0.1, 10, "the standard deviation of every parameter at the ends of a chord, and of the frozen ones"),
		lab.Int("points", 80, 4, 120, "the number of points in the toy data set (two half-moons)").Costly(),
	}
}

// runChordSet draws the data set, then runs the chord test of each model
// of the named set in turn, each from its own random stream (see
// chordModelKeys). If only is not empty, it runs the test of that model
// alone.
func runChordSet(ctx context.Context, args lab.Args, set, only string, rng *rand.Rand) ([]*chordTest, error) {
	d := moonsData(rng, args.Int("points"), moonsNoise)
	stream := rng.Uint64()
	var tests []*chordTest
	for _, key := range chordModelSets[set] {
		if only != "" && only != key {
			continue
		}
		mrng := rand.New(rand.NewPCG(stream, uint64(slices.Index(chordModelKeys, key))))
		m := newChordModel(key, d, args.Int("hidden"), args.Float("scale"), mrng)
		res, err := runChords(ctx, m, args.Int("chords"), args.Float("scale"), mrng)
		if err != nil {
			return nil, err
		}
		tests = append(tests, res)
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
		lab.Choice("models", "main", []string{"main", "no-hidden", "layers", "rbf"},
			"which models: main (logistic regression, random features, tanh and ReLU networks), no-hidden (linear, logistic and softmax regression, and a sigmoid neuron with the square loss), "+
				"layers (which layer of a tanh network trains) or rbf (a Gaussian RBF network with fixed widths, training its output layer only or its centres too)"),
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
			// The count is a binomial sample: another draw of n chords
			// would differ from it by about this many percentage points.
			r.Float("stderr-"+m.key, "%.1f", 100*math.Sqrt(pct/100*(1-pct/100)/float64(n)))
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
		lab.Int("steps", 200, 10, 1000, "the number of equal steps in t along the segment").Costly(),
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
	out := m.net.WeightIndex(1, 0, 0)
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
