package figures

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// linearAutoencoder is the second row of claim h of the brief: Baldi and
// Hornik's linear autoencoder x ↦ ABx, trained with the square loss on data
// whose second-moment matrix Σ has eigenvalues 4, 3, 2, 1, with p = 2 hidden
// units. Its critical points are known in closed form: for every set I of p
// eigenvectors u_i, A = U_I C and B = C⁻¹U_Iᵀ (any invertible C) project onto
// their span, with loss tr Σ − Σ_{i∈I} λ_i. Only the top pair is a minimum;
// the experiment builds every one, verifies that the network's gradient
// vanishes there, and reads off its Hessian's inertia.
var linearAutoencoder = &lab.Experiment{
	Name: "linear-autoencoder",
	Doc: "Every critical point of a linear autoencoder with 4 inputs and 2 hidden units (Baldi and Hornik): " +
		"built in closed form, confirmed by the network's exact gradient, and classified by its exact Hessian; loss against index.",
	Params: []lab.Param{
		lab.Bool("rotate", true, "express the data in a random orthonormal basis, so that the eigenvectors are not the coordinate axes"),
		lab.Bool("mix", true, "write each critical point as (AC, C⁻¹B) with a random invertible 2×2 matrix C, which changes neither the function nor the loss"),
	},
	Alt: func(a lab.Args) string {
		return "A scatter plot of loss against the number of negative Hessian eigenvalues for the critical points of a linear autoencoder " +
			"with data covariance eigenvalues 4, 3, 2, 1 and two hidden units. The six full-rank critical points, one for each pair of eigenvectors, " +
			"lie on a rising staircase: loss 3 with index 0 (the top two eigenvectors, the only minimum), 4 with index 1, two points at loss 5 with index 2, " +
			"6 with index 3 and 7 with index 4. The rank-deficient critical points, including the zero network at loss 10, are saddles with higher losses and indices."
	},
	Run: runLinearAutoencoder,
}

// aeEigen are the eigenvalues of the data's second-moment matrix, largest
// first; aeHidden is the number of hidden units p.
var aeEigen = []float64{4, 3, 2, 1}

const aeHidden = 2

// aeTol is the relative size below which a Hessian eigenvalue counts as
// zero; the exact Hessian is accurate to rounding, about 1e-15 of its scale.
const aeTol = 1e-9

// aeProblem is the autoencoder 4-2-4, linear and bias-free, with the square
// loss on four examples x_k = 2√λ_k u_k, whose mean x xᵀ is Σ = U Λ Uᵀ.
type aeProblem struct {
	net *nn.Net
	obj *nn.Objective
	u   *mat.Dense // eigenvectors of Σ in its columns, in the order of aeEigen
	x   *mat.Dense // the training inputs, one a row
}

func newAEProblem(u *mat.Dense) *aeProblem {
	n := len(aeEigen)
	x := mat.NewDense(n, n, nil)
	for k, l := range aeEigen {
		for j := range n {
			x.Set(k, j, 2*math.Sqrt(l)*u.At(j, k))
		}
	}
	net := nn.NewBiasFree([]int{n, aeHidden, n}, []nn.Activation{nn.Linear, nn.Linear})
	return &aeProblem{net, nn.NewObjective(net, nn.Square, nn.Data{X: x, Y: x}), u, x}
}

// aeOrthonormal returns a random orthonormal n×n matrix: the Q factor of a
// Gaussian matrix.
func aeOrthonormal(rng *rand.Rand, n int) *mat.Dense {
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// aeMixer returns a random invertible p×p matrix, drawn until its condition
// number is below 10 so that the mixed point is not numerically extreme.
func aeMixer(rng *rand.Rand) *mat.Dense {
	for {
		c := mat.NewDense(aeHidden, aeHidden, nil)
		for i := range aeHidden {
			for j := range aeHidden {
				c.Set(i, j, rng.NormFloat64())
			}
		}
		if mat.Cond(c, 2) < 10 {
			return c
		}
	}
}

// aePoint is a critical point given by the eigenvectors it keeps.
type aePoint struct {
	keep  []int // indices into aeEigen, ascending; fewer than p for a rank-deficient point
	theta []float64
}

// label names the kept eigenvectors 1-based, as the prose does: {1, 2}, or
// ∅ for none.
func (pt aePoint) label() string {
	if len(pt.keep) == 0 {
		return "∅"
	}
	parts := make([]string, len(pt.keep))
	for i, k := range pt.keep {
		parts[i] = fmt.Sprint(k + 1)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// closedFormLoss is tr Σ minus the kept eigenvalues.
func (pt aePoint) closedFormLoss() float64 {
	l := 0.0
	for _, e := range aeEigen {
		l += e
	}
	for _, k := range pt.keep {
		l -= aeEigen[k]
	}
	return l
}

// point builds the critical point keeping the eigenvectors keep: the hidden
// units j < len(keep) carry u_keep[j], the others are zero; then A ← AC and
// B ← C⁻¹B with c (nil for none).
func (p *aeProblem) point(keep []int, c *mat.Dense) aePoint {
	n := len(aeEigen)
	a, b := mat.NewDense(n, aeHidden, nil), mat.NewDense(aeHidden, n, nil)
	for j, k := range keep {
		for i := range n {
			a.Set(i, j, p.u.At(i, k))
			b.Set(j, i, p.u.At(i, k))
		}
	}
	if c != nil {
		var ci mat.Dense
		if err := ci.Inverse(c); err != nil {
			panic("figures: the mixing matrix is singular")
		}
		var ac, cb mat.Dense
		ac.Mul(a, c)
		cb.Mul(&ci, b)
		a, b = &ac, &cb
	}
	theta := make([]float64, p.net.NumParams())
	p.net.W(theta, 0).Copy(b) // layer 0 maps inputs to hidden units: B
	p.net.W(theta, 1).Copy(a) // layer 1 maps hidden units to outputs: A
	return aePoint{slices.Clone(keep), theta}
}

// aeSubsets returns every subset of {0, …, n−1} with exactly k elements, in
// lexicographic order.
func aeSubsets(n, k int) [][]int {
	if k == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for first := 0; first <= n-k; first++ {
		for _, rest := range aeSubsets(n-first-1, k-1) {
			s := []int{first}
			for _, r := range rest {
				s = append(s, first+1+r)
			}
			out = append(out, s)
		}
	}
	return out
}

// aeClass is what the experiment measures at one critical point.
type aeClass struct {
	loss, gradNorm float64
	neg, zero, pos int
	fdError        float64 // exact Hessian against differences of the exact gradient, relative
}

func (p *aeProblem) classify(theta []float64) (aeClass, error) {
	grad := make([]float64, len(theta))
	loss := p.obj.Grad(theta, grad)
	h := p.obj.Hessian(theta)
	eig, err := nn.Eigenvalues(h)
	if err != nil {
		return aeClass{}, err
	}
	neg, zero, pos := nn.Inertia(eig, aeTol)
	return aeClass{loss, mat.Norm(mat.NewVecDense(len(grad), grad), 2), neg, zero, pos, nn.HessianError(p.obj, theta)}, nil
}

func runLinearAutoencoder(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	n := len(aeEigen)
	u := mat.NewDense(n, n, nil)
	for i := range n {
		u.Set(i, i, 1)
	}
	if args.Bool("rotate") {
		u = aeOrthonormal(rng, n)
	}
	var c *mat.Dense
	if args.Bool("mix") {
		c = aeMixer(rng)
	}
	prob := newAEProblem(u)

	// The covariance the data realise, against U Λ Uᵀ.
	var sigma, want mat.Dense
	sigma.Mul(prob.x.T(), prob.x)
	sigma.Scale(1/float64(n), &sigma)
	want.Mul(u, mat.NewDiagDense(n, aeEigen))
	want.Mul(&want, u.T())
	covErr := 0.0
	for i := range n {
		for j := range n {
			covErr = math.Max(covErr, math.Abs(sigma.At(i, j)-want.At(i, j)))
		}
	}

	r := &lab.Result{Data: lab.Table{Header: []string{"eigenvectors", "rank", "loss", "closed_form_loss", "negative", "zero", "positive", "index_fraction", "grad_norm", "hessian_fd_error"}}}
	var full, deficient []aePoint
	var fullC, defC []aeClass
	worstGrad, worstLoss, worstFD := 0.0, 0.0, 0.0
	var invariant = true
	for rank := aeHidden; rank >= 0; rank-- {
		for _, keep := range aeSubsets(n, rank) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			mix := c
			if rank < aeHidden {
				mix = nil // C acts on the kept units only when all are kept
			}
			pt := prob.point(keep, mix)
			cl, err := prob.classify(pt.theta)
			if err != nil {
				return nil, err
			}
			// Sylvester's law of inertia: the change of variables by C does
			// not change the counts, nor does it change the loss.
			if mix != nil {
				plain, err := prob.classify(prob.point(keep, nil).theta)
				if err != nil {
					return nil, err
				}
				invariant = invariant && plain.neg == cl.neg && plain.zero == cl.zero &&
					math.Abs(plain.loss-cl.loss) <= 1e-12*cl.loss
			}
			worstGrad = math.Max(worstGrad, cl.gradNorm)
			worstLoss = math.Max(worstLoss, math.Abs(cl.loss-pt.closedFormLoss())/pt.closedFormLoss())
			worstFD = math.Max(worstFD, cl.fdError)
			dim := prob.net.NumParams()
			r.Data.Add(pt.label(), rank, cl.loss, pt.closedFormLoss(), cl.neg, cl.zero, cl.pos, float64(cl.neg)/float64(dim), cl.gradNorm, cl.fdError)
			if rank == aeHidden {
				full, fullC = append(full, pt), append(fullC, cl)
			} else {
				deficient, defC = append(deficient, pt), append(defC, cl)
			}
		}
	}

	// The six full-rank points sorted by loss, against the closed forms.
	order := make([]int, len(full))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(fullC[i].loss, fullC[j].loss) })
	var losses, indices, zeros []float64
	for _, i := range order {
		losses = append(losses, fullC[i].loss)
		indices = append(indices, float64(fullC[i].neg))
		zeros = append(zeros, float64(fullC[i].zero))
	}
	wantLoss, wantIndex := []float64{3, 4, 5, 5, 6, 7}, []float64{0, 1, 2, 2, 3, 4}
	lossOK := len(losses) == len(wantLoss)
	for i := range losses {
		lossOK = lossOK && math.Abs(losses[i]-wantLoss[i]) <= 1e-12*wantLoss[i]
	}
	indexOK := slices.Equal(indices, wantIndex)
	zerosOK := true
	for _, z := range zeros {
		zerosOK = zerosOK && z == aeHidden*aeHidden
	}
	minima, saddles := 0, 0
	minLabel := ""
	for i, cl := range append(slices.Clone(fullC), defC...) {
		if cl.neg == 0 {
			minima++
			minLabel = append(slices.Clone(full), deficient...)[i].label()
		} else {
			saddles++
		}
	}
	dim := prob.net.NumParams()

	r.Int("params", dim)
	r.Int("critical", len(full)+len(deficient))
	r.Int("full-rank", len(full))
	r.Text("losses", aeJoin(losses, "%.10g"))
	r.Text("indices", aeJoin(indices, "%g"))
	r.Int("zeros", int(zeros[0]))
	r.Int("saddles", saddles)
	r.Text("minimum", minLabel)
	r.Float("min-loss", "%g", losses[0])
	r.Float("max-index-fraction", "%.3g", indices[len(indices)-1]/float64(dim))
	r.Float("grad-max", "%.2g", worstGrad)
	r.Float("fd-error", "%.2g", worstFD)
	r.Float("covariance-error", "%.2g", covErr)
	r.Float("origin-loss", "%g", defC[len(defC)-1].loss)
	r.Int("origin-index", defC[len(defC)-1].neg)
	r.Check("covariance", "the four training examples have second-moment matrix Σ = U diag(4, 3, 2, 1) Uᵀ",
		covErr <= 1e-13, "largest entry error %.2g, tolerance 1e-13", covErr)
	r.Check("critical", "the network's exact gradient vanishes at every constructed point",
		worstGrad <= 1e-13, "largest gradient norm %.2g over %d points, tolerance 1e-13", worstGrad, len(full)+len(deficient))
	r.Check("losses", "the full-rank critical points have losses 3, 4, 5, 5, 6, 7, which is tr Σ = 10 minus the two kept eigenvalues",
		lossOK && worstLoss <= 1e-12, "losses %s, largest relative error against the closed form %.2g, tolerance 1e-12", aeJoin(losses, "%.15g"), worstLoss)
	r.Check("indices", "in the same order, their Hessians have 0, 1, 2, 2, 3 and 4 negative eigenvalues",
		indexOK, "negative eigenvalues %s (a magnitude below %g of the largest counts as zero)", aeJoin(indices, "%g"), aeTol)
	r.Check("zeros", "each full-rank critical point has exactly p² = 4 zero Hessian eigenvalues, the directions of (AC, C⁻¹B)",
		zerosOK, "zero eigenvalues %s", aeJoin(zeros, "%g"))
	r.Check("one-minimum", "exactly one critical point, the top two eigenvectors, has no negative eigenvalue; every other one, rank-deficient ones included, is a saddle",
		minima == 1 && minLabel == "{1, 2}" && saddles == len(full)+len(deficient)-1,
		"%d without negative eigenvalues (%s), %d saddles", minima, minLabel, saddles)
	r.Check("hessian-fd", "the exact Hessian agrees with finite differences of the exact gradient",
		worstFD <= 1e-7, "largest difference %.2g relative to the largest entry, tolerance 1e-7", worstFD)
	if c != nil {
		r.Check("invariant", "multiplying by C changes neither the loss nor the counts of negative and zero eigenvalues",
			invariant, "compared at all %d full-rank points with C = I", len(full))
	}

	p, err := aePlot(full, fullC, deficient, defC)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	r.Width, r.Height = lab.PanelWidth, lab.PanelWidth*0.8
	return r, nil
}

func aeJoin(xs []float64, format string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = lab.Typeset(fmt.Sprintf(format, x))
	}
	return strings.Join(parts, ", ")
}

// aePlot draws loss against the number of negative eigenvalues, labelling
// each point with the eigenvectors it keeps: full-rank points on the right,
// rank-deficient ones (which fall on the same staircase) on the left.
func aePlot(full []aePoint, fullC []aeClass, def []aePoint, defC []aeClass) (*plot.Plot, error) {
	p := lab.NewPlot("", "negative Hessian eigenvalues (index)", "loss")
	fs, fl, err := aeSeries(full, fullC, 0, draw.XLeft)
	if err != nil {
		return nil, err
	}
	fs.Radius = vg.Points(4)
	ds, dl, err := aeSeries(def, defC, 1, draw.XRight)
	if err != nil {
		return nil, err
	}
	ds.Shape = draw.PyramidGlyph{}
	p.Add(fs, ds, fl, dl)
	p.Legend.Add("full rank: two eigenvectors kept", fs)
	p.Legend.Add("rank deficient: fewer kept", ds)
	p.Legend.Left = true
	p.X.Min, p.X.Max = -0.5, 9.5
	p.Y.Min, p.Y.Max = 0, 13
	p.X.Tick.Marker = lab.IntTicks(0, 9)
	p.Y.Tick.Marker = lab.TicksAt(0, 2, 4, 6, 8, 10)
	return p, nil
}

// aeSeries returns the markers of pts in the palette's i-th colour and
// their labels, set beside them on the side align says; points at the same
// place share one label.
func aeSeries(pts []aePoint, cls []aeClass, i int, align draw.XAlignment) (*plotter.Scatter, *plotter.Labels, error) {
	var xys, lxys plotter.XYs
	var texts []string
	for j, cl := range cls {
		xy := plotter.XY{X: float64(cl.neg), Y: cl.loss}
		xys = append(xys, xy)
		k := slices.IndexFunc(lxys, func(o plotter.XY) bool { return o.X == xy.X && math.Abs(o.Y-xy.Y) <= 1e-9 })
		if k >= 0 {
			texts[k] += " and " + pts[j].label()
			continue
		}
		lxys = append(lxys, xy)
		texts = append(texts, pts[j].label())
	}
	s, err := lab.Points(xys, i)
	if err != nil {
		return nil, nil, err
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: lxys, Labels: texts})
	if err != nil {
		return nil, nil, err
	}
	for k := range l.TextStyle {
		l.TextStyle[k].Font = lab.Font(12)
		l.TextStyle[k].XAlign = align
		l.TextStyle[k].YAlign = draw.YCenter
	}
	l.Offset = vg.Point{X: vg.Points(7)}
	if align == draw.XRight {
		l.Offset.X = -l.Offset.X
	}
	return s, l, nil
}
