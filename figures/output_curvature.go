package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file is claim a of the brief, the part of it that is true:
// cross-entropy is a convex function of the network's outputs. The curvature
// is computed by the nn toolkit's exact Hessian of a network whose output is
// its bias (input 0), so the plotted numbers are the very ones the training
// code would use, and the closed forms are checks on them.

var logisticCurvature = &lab.Experiment{
	Name: "logistic-curvature",
	Doc: "The logistic (binary cross-entropy) loss as a function of the logit z, for labels 1 and 0, " +
		"and its second derivative σ(z)(1−σ(z)), computed by the nn toolkit's exact Hessian.",
	Params: []lab.Param{
		lab.Float("zmax", 6, 1, 30, "the logit axis spans [−zmax, zmax]"),
		lab.Int("points", 241, 11, 10001, "the number of equally spaced logits at which the loss and its curvature are computed").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Two panels. Top: the loss for label 1 falls from about z at the left to 0 at the right, the loss for label 0 is its mirror image; " +
			"both are bowl-shaped, curving upward everywhere. Bottom: their common second derivative σ(z)(1−σ(z)) is a bell-shaped curve, " +
			"positive everywhere, peaking at 1/4 at z = 0 and falling towards 0 on both sides."
	},
	Run: runLogisticCurvature,
}

// logitLoss evaluates one example's logistic loss and its curvature in the
// logit through nn: a 1-1 linear net with input 0 outputs its bias.
type logitLoss struct {
	obj *nn.Objective
	b   int // position of the bias in theta
}

func newLogitLoss(y float64) *logitLoss {
	net := nn.New([]int{1, 1}, []nn.Activation{nn.Linear})
	obj := nn.NewObjective(net, nn.Logistic, nn.Data{X: mat.NewDense(1, 1, []float64{0}), Y: mat.NewDense(1, 1, []float64{y})})
	return &logitLoss{obj: obj, b: net.BiasIndex(0, 0)}
}

// at returns ℓ(z) and ℓ″(z), the latter as a Hessian-vector product.
func (l *logitLoss) at(z float64) (loss, curv float64) {
	theta, e, hv := make([]float64, 2), make([]float64, 2), make([]float64, 2)
	theta[l.b], e[l.b] = z, 1
	loss = l.obj.HessianVec(theta, e, hv)
	return loss, hv[l.b]
}

// logisticSigma is the sigmoid, written out so the closed form is
// independent of the toolkit it checks.
func logisticSigma(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// probCurvature is the second derivative in p of −y log p − (1−y) log(1−p).
func probCurvature(p, y float64) float64 { return y/(p*p) + (1-y)/((1-p)*(1-p)) }

func runLogisticCurvature(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	zmax, n := args.Float("zmax"), args.Int("points")
	pos, neg, soft := newLogitLoss(1), newLogitLoss(0), newLogitLoss(0.3)

	r := &lab.Result{Cols: 1, Data: lab.Table{Header: []string{"z", "loss_label_1", "loss_label_0", "curvature"}}}
	var l1, l0, curv plotter.XYs
	minCurv, maxCurv, argMax := math.Inf(1), math.Inf(-1), math.NaN()
	closedErr, labelErr := 0.0, 0.0
	for i := range n {
		z := -zmax + 2*zmax*float64(i)/float64(n-1)
		a, c := pos.at(z)
		b, c0 := neg.at(z)
		_, cs := soft.at(z)
		s := logisticSigma(z)
		closedErr = max(closedErr, math.Abs(c-s*(1-s)))
		labelErr = max(labelErr, math.Abs(c0-c), math.Abs(cs-c))
		if c < minCurv {
			minCurv = c
		}
		if c > maxCurv {
			maxCurv, argMax = c, z
		}
		r.Data.Add(z, a, b, c)
		l1 = append(l1, plotter.XY{X: z, Y: a})
		l0 = append(l0, plotter.XY{X: z, Y: b})
		curv = append(curv, plotter.XY{X: z, Y: c})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, c0 := pos.at(0)
	_, c4 := pos.at(4)

	// Finite differences of the loss itself, independent of both the
	// toolkit's Hessian and the closed form.
	fdErr := 0.0
	for _, z := range []float64{-4, -1, 0, 0.5, 2, 5} {
		f := func(z float64) float64 { l, _ := pos.at(z); return l }
		_, c := pos.at(z)
		fdErr = max(fdErr, math.Abs(fd.Derivative(f, z, &fd.Settings{Formula: fd.Central2nd, Step: 1e-3})-c))
	}

	// The same loss as a function of the probability p = σ(z).
	probMin, probFD := math.Inf(1), 0.0
	for _, y := range []float64{0, 0.3, 0.5, 1} {
		for i := 1; i < 100; i++ {
			p := float64(i) / 100
			c := probCurvature(p, y)
			probMin = min(probMin, c)
			f := func(p float64) float64 { return -y*math.Log(p) - (1-y)*math.Log(1-p) }
			got := fd.Derivative(f, p, &fd.Settings{Formula: fd.Central2nd, Step: 1e-3 * min(p, 1-p)})
			probFD = max(probFD, math.Abs(got-c)/c)
		}
	}

	gaussV, gaussNat := gaussianCurvatures()
	r.Float("gaussian-variance-curvature", "%.3g", gaussV)
	r.Float("gaussian-natural-min-eigenvalue", "%.2g", gaussNat)
	r.Check("gaussian-variance", "the Gaussian negative log-likelihood is not convex in the variance it is given: its second derivative there is negative at y = μ, v = 1",
		gaussV < 0, "∂²/∂v² = %.6g (closed form −1/2)", gaussV)
	r.Check("gaussian-natural", "in the Gaussian's natural parameters the same loss has a positive semidefinite Hessian at every point tried",
		gaussNat >= -1e-6, "smallest eigenvalue %.3g over 200 points", gaussNat)
	r.Float("max-curvature", "%.4g", maxCurv)
	r.Float("argmax", "%.3g", argMax+0) // +0 turns −0 into 0
	r.Float("curvature-at-4", "%.3f", c4)
	r.Float("p-at-4", "%.0f%%", 100*logisticSigma(4))
	r.Float("min-curvature", "%.2g", minCurv)
	r.Float("zmax", "%g", zmax)
	r.Float("closed-form-error", "%.1e", closedErr)
	r.Check("positive", "the second derivative in the logit is positive at every computed logit",
		minCurv > 0, "smallest value %.3g over %d logits in [−%g, %g]", minCurv, n, zmax, zmax)
	r.Check("quarter", "the second derivative at z = 0 is 1/4 and nowhere larger",
		math.Abs(c0-0.25) <= 1e-12 && maxCurv <= 0.25+1e-12, "ℓ″(0) = %.15g, largest value on the grid %.15g", c0, maxCurv)
	r.Check("closed-form", "the toolkit's exact second derivative equals σ(z)(1−σ(z))",
		closedErr <= 1e-12, "largest difference %.1e over %d logits, tolerance 10⁻¹²", closedErr, n)
	r.Check("label-free", "the curvature is the same for labels 1, 0 and 0.3",
		labelErr <= 1e-15, "largest difference between labels %.2g", labelErr)
	r.Check("finite-differences", "central second differences of the loss agree with the exact curvature",
		fdErr <= 1e-6, "largest difference %.1e at six logits, step 10⁻³", fdErr)
	r.Check("probability-form", "in the probability p the second derivative y/p² + (1−y)/(1−p)² is positive and matches finite differences",
		probMin > 0 && probFD <= 1e-5, "smallest value %.3g, largest relative difference from second differences %.1e, for y ∈ {0, 0.3, 0.5, 1} and p ∈ [0.01, 0.99]", probMin, probFD)

	top := lab.NewPlot("", "", "loss ℓ(z)")
	top.X.Min, top.X.Max = -zmax, zmax
	top.Y.Min, top.Y.Max = 0, zmax*1.6
	s1, err := lab.Series(l1, 0, false)
	if err != nil {
		return nil, err
	}
	s0, err := lab.Series(l0, 1, true)
	if err != nil {
		return nil, err
	}
	top.Add(s1, s0)
	top.Legend.Add("label y = 1: log(1 + e⁻ᶻ)", s1)
	top.Legend.Add("label y = 0: log(1 + eᶻ)", s0)
	top.Legend.Left = true
	top.Legend.YOffs = -vg.Points(4)
	// The two curves cross at log 2 in the middle; the legend sits above them.

	bottom := lab.NewPlot("", "logit z", "ℓ″(z) = σ(z)(1−σ(z))")
	bottom.X.Min, bottom.X.Max = -zmax, zmax
	bottom.Y.Min, bottom.Y.Max = 0, 0.3
	cs, err := lab.Series(curv, 2, false)
	if err != nil {
		return nil, err
	}
	ref, err := lab.Series(plotter.XYs{{X: -zmax, Y: 0.25}, {X: zmax, Y: 0.25}}, 7, true)
	if err != nil {
		return nil, err
	}
	ref.Color = lab.Gray
	ref.Width /= 2
	bottom.Add(ref, cs)
	bottom.Legend.Add("second derivative, both labels", cs)
	bottom.Legend.Add("1/4", ref)
	bottom.Legend.Left = true
	bottom.Legend.YOffs = -vg.Points(4)
	r.Plots = []*plot.Plot{top, bottom}
	return r, nil
}

var softmaxHessian = &lab.Experiment{
	Name: "softmax-hessian",
	Doc: "Eigenvalues of the Hessian of softmax cross-entropy with respect to the logits, diag(p) − ppᵀ, " +
		"for many random logit vectors, computed by the nn toolkit's exact Hessian.",
	Params: []lab.Param{
		lab.Int("classes", 4, 2, 10, "the number of classes K, the length of the logit vector").Costly(),
		lab.Int("draws", 300, 1, 5000, "the number of random logit vectors").Costly(),
		lab.Float("scale", 2, 0.1, 10, "the standard deviation of each random logit"),
	},
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("A scatter plot of the %d eigenvalues of the softmax cross-entropy Hessian in the logits for each of %d random logit vectors, "+
			"against the largest class probability. The smallest eigenvalue is always 0; the others are positive, never above 1/2, "+
			"and shrink towards 0 as the largest probability approaches 1.", a.Int("classes"), a.Int("draws"))
	},
	Run: runSoftmaxHessian,
}

// softmaxProbs returns softmax(z), shifted for stability.
func softmaxProbs(z []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, v)
	}
	p, s := make([]float64, len(z)), 0.0
	for i, v := range z {
		p[i] = math.Exp(v - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// softmaxObjective is softmax cross-entropy of K logits as an nn objective:
// a 1-K linear net whose input is 0 outputs its biases. The Hessian in the
// logits does not depend on the label, so the label is class 0.
func softmaxObjective(k int) *nn.Objective {
	net := nn.New([]int{1, k}, []nn.Activation{nn.Linear})
	return nn.NewObjective(net, nn.SoftmaxCE, nn.Data{X: mat.NewDense(1, 1, []float64{0}), Y: mat.NewDense(1, 1, []float64{0})})
}

// logitHessian returns the toolkit's exact Hessian of softmax cross-entropy
// in the logits z: the bias block of a 1-K linear net with input 0.
func logitHessian(obj *nn.Objective, z []float64) *mat.SymDense {
	net := obj.Net()
	theta := make([]float64, net.NumParams())
	for i, v := range z {
		theta[net.BiasIndex(0, i)] = v
	}
	full := obj.Hessian(theta)
	k := len(z)
	h := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			h.SetSym(i, j, full.At(net.BiasIndex(0, i), net.BiasIndex(0, j)))
		}
	}
	return h
}

func runSoftmaxHessian(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	k, draws, scale := args.Int("classes"), args.Int("draws"), args.Float("scale")
	obj := softmaxObjective(k)

	r := &lab.Result{Data: lab.Table{Header: []string{"draw", "max_probability", "rank", "eigenvalue"}}}
	byRank := make([]plotter.XYs, k)
	closedErr, nullErr := 0.0, 0.0
	minEig, maxEig := math.Inf(1), math.Inf(-1)
	z := make([]float64, k)
	for d := range draws {
		if d%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for i := range z {
			z[i] = scale * rng.NormFloat64()
		}
		p := softmaxProbs(z)
		h := logitHessian(obj, z)
		pmax := 0.0
		for i := range k {
			pmax = max(pmax, p[i])
			row := 0.0
			for j := range k {
				want := -p[i] * p[j]
				if i == j {
					want += p[i]
				}
				closedErr = max(closedErr, math.Abs(h.At(i, j)-want))
				row += h.At(i, j)
			}
			nullErr = max(nullErr, math.Abs(row))
		}
		eig, err := nn.Eigenvalues(h)
		if err != nil {
			return nil, err
		}
		minEig, maxEig = min(minEig, eig[0]), max(maxEig, eig[k-1])
		for rank, e := range eig {
			r.Data.Add(d, pmax, rank+1, e)
			byRank[rank] = append(byRank[rank], plotter.XY{X: pmax, Y: e})
		}
	}

	r.Int("draws", draws)
	r.Int("classes", k)
	r.Float("min-eigenvalue", "%.1e", minEig)
	r.Float("max-eigenvalue", "%.3f", maxEig)
	r.Float("closed-form-error", "%.1e", closedErr)
	r.Check("closed-form", "the toolkit's exact Hessian in the logits equals diag(p) − ppᵀ",
		closedErr <= 1e-15, "largest entry difference %.1e over %d draws", closedErr, draws)
	r.Check("psd", "every eigenvalue is non-negative, up to rounding",
		minEig >= -1e-12, "smallest eigenvalue %.2e over %d draws, tolerance −10⁻¹²", minEig, draws)
	r.Check("null-direction", "adding the same number to every logit leaves the loss flat: H·1 = 0",
		nullErr <= 1e-15, "largest |(H·1)ᵢ| = %.1e", nullErr)
	r.Check("at-most-half", "no eigenvalue exceeds 1/2",
		maxEig <= 0.5, "largest eigenvalue %.4f over %d draws", maxEig, draws)

	p := lab.NewPlot("", "largest class probability maxᵢ pᵢ", "eigenvalue of diag(p) − ppᵀ")
	p.X.Min, p.X.Max = 1/float64(k), 1
	p.Y.Min, p.Y.Max = -0.02, 0.75
	half, err := lab.Series(plotter.XYs{{X: 1 / float64(k), Y: 0.5}, {X: 1, Y: 0.5}}, 7, true)
	if err != nil {
		return nil, err
	}
	half.Color = lab.Gray
	half.Width /= 2
	p.Add(half)
	names := eigenRankNames(k)
	for rank := k - 1; rank >= 0; rank-- {
		s, err := lab.Points(byRank[rank], k-1-rank)
		if err != nil {
			return nil, err
		}
		s.Radius /= 1.5
		if rank == 0 {
			s.Color = lab.Palette[7]
		}
		p.Add(s)
		p.Legend.Add(names[rank], s)
	}
	p.Legend.Add("bound 1/2", half)
	r.Plots = []*plot.Plot{p}
	return r, nil
}

// eigenRankNames names the eigenvalues by rank, smallest first.
func eigenRankNames(k int) []string {
	names := make([]string, k)
	names[0] = "smallest"
	for i := 1; i < k; i++ {
		switch n := k - i; n {
		case 1:
			names[i] = "largest"
		case 2:
			names[i] = "2nd largest"
		case 3:
			names[i] = "3rd largest"
		default:
			names[i] = fmt.Sprintf("%dth largest", n)
		}
	}
	return names
}

// gaussianCurvatures tests "the cross-entropy of an exponential family is
// convex" on the Gaussian with unknown mean μ and variance v. The negative
// log-likelihood ½log(2πv) + (y − μ)²/(2v) has second derivative
// −1/(2v²) + (y − μ)²/v³ in v: negative at y = μ, v = 1. In the natural
// parameters η₁ = μ/v, η₂ = −1/(2v) it is A(η) − η₁y − η₂y² with the
// log-partition A(η) = −η₁²/(4η₂) − ½log(−2η₂) + ½log 2π, which is convex.
// It returns the first second derivative (by finite differences) and the
// smallest Hessian eigenvalue of the second over a grid of points.
func gaussianCurvatures() (inVariance, naturalMin float64) {
	const gap = 0.0 // y − μ: the prediction of the mean is exact
	nllV := func(v float64) float64 { return 0.5*math.Log(2*math.Pi*v) + gap*gap/(2*v) }
	inVariance = fd.Derivative(nllV, 1, &fd.Settings{Formula: fd.Central2nd, Step: 1e-3})
	naturalMin = math.Inf(1)
	for i := range 200 {
		y := -2 + 4*float64(i%20)/19
		eta2 := -0.05 - 2*float64(i/20)/9 // from −0.05 to −2.05
		nll := func(eta []float64) float64 {
			return -eta[0]*eta[0]/(4*eta[1]) - 0.5*math.Log(-2*eta[1]) + 0.5*math.Log(2*math.Pi) - eta[0]*y - eta[1]*y*y
		}
		h := mat.NewSymDense(2, nil)
		fd.Hessian(h, nll, []float64{0.7 * y, eta2}, &fd.Settings{Formula: fd.Central, Step: 1e-4})
		var es mat.EigenSym
		if es.Factorize(h, false) {
			naturalMin = math.Min(naturalMin, es.Values(nil)[0])
		}
	}
	return inVariance, naturalMin
}
