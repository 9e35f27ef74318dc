package figures

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// criticalPoints is the first row of claim h of the brief, in miniature:
// Dauphin et al. (2014) located critical points of small networks with a
// Newton-type method, which converges to saddles as readily as to minima,
// and found that the index (the fraction of negative Hessian eigenvalues)
// rises with the loss: low critical points are minima, high ones are
// saddles with many directions of descent. Here the network is a 1-h-1
// tanh regression net with weight decay, which keeps critical points
// isolated. Starting points are taken along gradient-descent runs from
// random initialisations, the places training actually visits.
var criticalPoints = &lab.Experiment{
	Name: "critical-points",
	Doc: "Critical points of a small tanh network with weight decay, found by Levenberg–Marquardt on the gradient from points along " +
		"training runs, each classified by its exact Hessian: loss against index, the fraction of negative eigenvalues (Dauphin et al. 2014).",
	Params: []lab.Param{
		lab.Int("hidden", 5, 3, 6, "the number of hidden tanh units h").Costly(),
		lab.Float("decay", 0.01, 0.01, 0.03, "the weight decay λ: the loss is the mean square error plus (λ/2)‖θ‖²"),
		lab.Int("runs", 10, 6, 24, "the number of training runs from random initialisations whose points start the search").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "A scatter plot of the loss against the index, the fraction of the Hessian's eigenvalues that are negative, " +
			"for every distinct critical point found of a small tanh network. The points rise from lower left to upper right: " +
			"the lowest losses belong to minima (index 0), and the higher the loss, the more directions lead down from the critical point."
	},
	Run: runCriticalPoints,
}

// critPoints is the size of the data set: x evenly spaced in [−2, 2],
// y = sin(πx/2), one period of a sine that a few tanh units can fit.
const critPoints = 16

// critEigTol: an eigenvalue counts as zero below this fraction of the
// largest in magnitude, as in the other Hessian experiments.
const critEigTol = 1e-8

// critGradTol is the gradient norm, relative to the loss of the zero
// network, below which a point counts as critical.
const critGradTol = 1e-10

// critSnapshots are the numbers of gradient-descent steps after which a
// training run's point starts a search: early points are on the plateaus
// training crosses, late ones near where it settles. One more search starts
// where the run ends, after L-BFGS has trained it to convergence.
var critSnapshots = []int{0, 10, 30, 70, 150, 310, 630, 1270, 2550}

func newCritProblem(hidden int, decay float64) *nn.Decayed {
	x, y := mat.NewDense(critPoints, 1, nil), mat.NewDense(critPoints, 1, nil)
	for i := range critPoints {
		xi := -2 + 4*float64(i)/float64(critPoints-1)
		x.Set(i, 0, xi)
		y.Set(i, 0, math.Sin(math.Pi*xi/2))
	}
	net := nn.New([]int{1, hidden, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	return &nn.Decayed{Objective: nn.NewObjective(net, nn.Square, nn.Data{X: x, Y: y}), Lambda: decay}
}

// critCanonical returns the representative of theta's symmetry class for a
// 1-h-1 tanh net: each hidden unit's signs flipped so that its outgoing
// weight is non-negative (tanh is odd, so flipping the incoming weight, the
// bias and the outgoing weight together changes nothing), then the units
// sorted by outgoing weight, incoming weight and bias.
func critCanonical(net *nn.Net, theta []float64) []float64 {
	h := net.Sizes()[1]
	type unit struct{ w, b, v float64 }
	w0, b0, w1 := net.W(theta, 0), net.B(theta, 0), net.W(theta, 1)
	units := make([]unit, h)
	for j := range h {
		u := unit{w0.At(j, 0), b0[j], w1.At(0, j)}
		if u.v < 0 || u.v == 0 && u.w < 0 {
			u = unit{-u.w, -u.b, -u.v}
		}
		units[j] = u
	}
	slices.SortFunc(units, func(a, b unit) int {
		return cmp.Or(cmp.Compare(a.v, b.v), cmp.Compare(a.w, b.w), cmp.Compare(a.b, b.b))
	})
	out := slices.Clone(theta)
	cw0, cb0, cw1 := net.W(out, 0), net.B(out, 0), net.W(out, 1)
	for j, u := range units {
		cw0.Set(j, 0, u.w)
		cb0[j] = u.b
		cw1.Set(0, j, u.v)
	}
	return out
}

// critPoint is one distinct critical point.
type critPoint struct {
	theta          []float64 // canonical
	loss, gradNorm float64
	neg, zero      int
	index          float64 // neg / number of parameters
	found          int     // how many searches ended here
}

// critSearch runs the searches: for each training run, Levenberg–Marquardt
// from each snapshot. It returns the distinct critical points, sorted by
// loss, and the number of searches that ended elsewhere.
func critSearch(ctx context.Context, f *nn.Decayed, runs int, rng *rand.Rand) ([]*critPoint, int, error) {
	net := f.Net()
	scale := f.Objective.Loss(make([]float64, net.NumParams())) // the zero network's loss
	var pts []*critPoint
	failed := 0
	for range runs {
		theta := net.Init(rng)
		done := 0
		for i := 0; i <= len(critSnapshots); i++ {
			switch {
			case i == len(critSnapshots):
				res, err := nn.LBFGS(ctx, f, theta, nn.LBFGSConfig{})
				if err != nil {
					return nil, 0, err
				}
				theta = res.Theta
			case critSnapshots[i] > done:
				k := critSnapshots[i]
				res, err := nn.GradientDescent(ctx, f, theta, nn.GDConfig{Step: 0.05, Iters: k - done})
				if err != nil {
					return nil, 0, err
				}
				theta, done = res.Theta, k
			}
			c, err := nn.FindCritical(ctx, f, theta, nn.CriticalConfig{MaxIters: 60})
			if err != nil {
				return nil, 0, err
			}
			if c.GradNorm > critGradTol*scale {
				failed++
				continue
			}
			canon := critCanonical(net, c.Theta)
			i := slices.IndexFunc(pts, func(p *critPoint) bool {
				return critDistance(p.theta, canon) <= 1e-6*(1+floats.Norm(canon, 2))
			})
			if i >= 0 {
				pts[i].found++
				continue
			}
			eig, err := nn.Eigenvalues(f.Hessian(c.Theta))
			if err != nil {
				return nil, 0, err
			}
			neg, zero, _ := nn.Inertia(eig, critEigTol)
			pts = append(pts, &critPoint{canon, c.Loss, c.GradNorm, neg, zero, float64(neg) / float64(len(eig)), 1})
		}
	}
	slices.SortStableFunc(pts, func(a, b *critPoint) int { return cmp.Compare(a.loss, b.loss) })
	return pts, failed, nil
}

func critDistance(a, b []float64) float64 { return floats.Distance(a, b, 2) }

// critSpearman returns Spearman's rank correlation of xs and ys: the Pearson
// correlation of their ranks, tied values sharing the mean of their ranks.
func critSpearman(xs, ys []float64) float64 {
	return stat.Correlation(critRanks(xs), critRanks(ys), nil)
}

// critRanks returns the 1-based ranks of xs, ties averaged.
func critRanks(xs []float64) []float64 {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(xs[i], xs[j]) })
	ranks := make([]float64, len(xs))
	for i := 0; i < len(order); {
		j := i
		for j+1 < len(order) && xs[order[j+1]] == xs[order[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			ranks[order[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return ranks
}

func runCriticalPoints(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	hidden, decay, runs := args.Int("hidden"), args.Float("decay"), args.Int("runs")
	f := newCritProblem(hidden, decay)
	pts, failed, err := critSearch(ctx, f, runs, rng)
	if err != nil {
		return nil, err
	}
	if len(pts) < 3 {
		return nil, fmt.Errorf("only %d distinct critical points found; a rank correlation needs more", len(pts))
	}

	r := &lab.Result{Data: lab.Table{Header: []string{"loss", "index", "negative_eigenvalues", "zero_eigenvalues", "grad_norm", "searches_ending_here"}}}
	var losses, indices []float64
	minima, worstGrad := 0, 0.0
	for _, p := range pts {
		r.Data.Add(p.loss, p.index, p.neg, p.zero, p.gradNorm, p.found)
		losses = append(losses, p.loss)
		indices = append(indices, p.index)
		if p.neg == 0 {
			minima++
		}
		worstGrad = math.Max(worstGrad, p.gradNorm)
	}
	rho := critSpearman(indices, losses)
	lowest, highest := pts[0], pts[len(pts)-1]
	fdErr := nn.HessianError(f, highest.theta)
	searches := runs * (len(critSnapshots) + 1)

	// The zero network is a critical point of every such problem: with all
	// weights zero, each partial derivative carries a factor that vanishes
	// (an outgoing weight, tanh(0), or the mean target, 0 for this odd
	// data set).
	zero := make([]float64, f.Dim())
	zgrad := make([]float64, f.Dim())
	zloss := f.Grad(zero, zgrad)
	zeig, err := nn.Eigenvalues(f.Hessian(zero))
	if err != nil {
		return nil, err
	}
	zneg, _, _ := nn.Inertia(zeig, critEigTol)

	r.Int("hidden", hidden)
	r.Float("decay", "%g", decay)
	r.Int("runs", runs)
	r.Int("snapshots", len(critSnapshots))
	r.Int("params", f.Dim())
	r.Int("points", critPoints)
	r.Int("searches", searches)
	r.Int("failed", failed)
	r.Int("distinct", len(pts))
	r.Int("minima", minima)
	r.Int("saddles", len(pts)-minima)
	r.Float("spearman", "%.2f", rho)
	r.Float("lowest-loss", "%.4f", lowest.loss)
	r.Float("highest-loss", "%.3f", highest.loss)
	r.Float("highest-index", "%.2f", highest.index)
	r.Int("highest-negative", highest.neg)
	r.Float("max-index", "%.2f", slices.Max(indices))
	r.Float("grad-max", "%.1g", worstGrad)
	r.Float("fd-error", "%.1g", fdErr)
	r.Float("zero-loss", "%.3f", zloss)
	r.Int("zero-negative", zneg)
	r.Float("zero-index", "%.2f", float64(zneg)/float64(f.Dim()))
	r.Check("spearman", "the index and the loss of the critical points found are positively rank-correlated, with Spearman's ρ at least 0.5",
		rho >= 0.5, "ρ = %.3f over %d distinct critical points", rho, len(pts))
	r.Check("lowest-is-minimum", "the lowest critical point found is a minimum: its Hessian has no negative eigenvalue",
		lowest.neg == 0, "loss %.6f, %d negative eigenvalues of %d", lowest.loss, lowest.neg, f.Dim())
	r.Check("both-kinds", "the search finds saddles as well as minima",
		minima > 0 && minima < len(pts), "%d minima and %d saddles", minima, len(pts)-minima)
	r.Check("zero-network", "the zero network is a critical point, a saddle at least as high as every critical point found",
		floats.Norm(zgrad, 2) <= critGradTol*zloss && zneg > 0 && zloss >= highest.loss*(1-1e-12),
		"‖∇L(0)‖ = %.2g, %d negative eigenvalues, loss %.9g against the highest found, %.9g", floats.Norm(zgrad, 2), zneg, zloss, highest.loss)
	r.Check("hessian-fd", "the exact Hessian agrees with finite differences of the exact gradient at the highest critical point",
		fdErr <= 1e-6, "largest difference %.2g relative to the largest entry, tolerance 1e-6", fdErr)

	p, err := critPlot(pts)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	r.Height = lab.PanelWidth * 0.8
	return r, nil
}

// critPlot draws loss against index, minima and saddles apart.
func critPlot(pts []*critPoint) (*plot.Plot, error) {
	p := lab.NewPlot("", "index: fraction of negative Hessian eigenvalues", "loss")
	var mins, sads plotter.XYs
	for _, c := range pts {
		xy := plotter.XY{X: c.index, Y: c.loss}
		if c.neg == 0 {
			mins = append(mins, xy)
		} else {
			sads = append(sads, xy)
		}
	}
	if len(mins) > 0 {
		s, err := lab.Points(mins, 0)
		if err != nil {
			return nil, err
		}
		p.Add(s)
		p.Legend.Add("minimum", s)
	}
	if len(sads) > 0 {
		s, err := lab.Points(sads, 1)
		if err != nil {
			return nil, err
		}
		s.Shape = draw.PyramidGlyph{}
		p.Add(s)
		p.Legend.Add("saddle", s)
	}
	p.Legend.Left = true
	maxIndex := 0.0
	for _, c := range pts {
		maxIndex = math.Max(maxIndex, c.index)
	}
	top := math.Max(0.4, math.Ceil(maxIndex*10+0.5)/10)
	p.X.Min, p.X.Max = -0.02, top
	var xt []float64
	for x := 0.0; x <= top+1e-9; x += 0.1 {
		xt = append(xt, math.Round(x*10)/10)
	}
	p.X.Tick.Marker = lab.TicksAt(xt...)
	p.Y.Min, p.Y.Max = 0, pts[len(pts)-1].loss*1.3 // room for the legend
	var yt []float64
	for y := 0.0; y <= p.Y.Max; y += 0.1 {
		yt = append(yt, math.Round(y*10)/10)
	}
	p.Y.Tick.Marker = lab.TicksAt(yt...)
	return p, nil
}
