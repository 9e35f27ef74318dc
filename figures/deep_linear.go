package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// deepLinearPlateau is the third row of claim h of the brief. Kawaguchi
// proved that a deep linear network trained with the square loss has no
// bad local minima: every local minimum is global and every other critical
// point is a saddle. The saddle at the origin changes character with depth.
// With two layers of weights its Hessian is indefinite, so the way down is
// visible at second order; with three or more every second derivative
// vanishes there (each one still carries a weight as a factor), and near
// the origin the gradient is of order ‖w‖^(depth−1). Gradient descent
// started near it therefore sits on a plateau that lengthens sharply with
// depth. The experiment measures that plateau for a chain of scalar weights
// (against the closed-form time of gradient flow) and for small random
// networks, and checks the Hessian at the origin against its closed form.
var deepLinearPlateau = &lab.Experiment{
	Name: "deep-linear-plateau",
	Doc: "Gradient descent from near the origin of deep linear networks of depth 2 to 5: the number of steps to escape the saddle " +
		"at the origin grows with depth, for a chain of scalar weights (with the closed-form gradient-flow time) and for random width-2 networks; " +
		"the Hessian at the origin is checked against its closed form, indefinite at depth 2 and zero from depth 3 on.",
	Params: []lab.Param{
		lab.Int("depth", 5, 3, 5, "the largest number of weight layers; depths from 2 up to this are run").Costly(),
		lab.Float("init", 0.2, 0.1, 0.3, "the initial scale s₀: the chain starts with every weight equal to s₀, the networks with weights drawn from N(0, s₀²/2), so that each layer shrinks a vector by about s₀"),
		lab.Float("step", 0.02, 0.01, 0.05, "the step size η of gradient descent"),
		lab.Int("runs", 9, 5, 25, "the number of random networks at each depth").Costly(),
	},
	Alt: func(a lab.Args) string {
		return fmt.Sprintf("Steps of gradient descent needed to escape the origin, on a logarithmic axis, against the number of weight layers from 2 to %d. "+
			"For the chain of scalar weights the points lie on the closed-form curve of gradient flow; for random networks of width 2 the median and range are shown. "+
			"Both rise steeply with depth: each extra layer multiplies the time spent on the plateau near the origin.", a.Int("depth"))
	},
	Run: runDeepLinearPlateau,
}

// deepWidth is the width of every layer of the random networks; their data
// are the two unit inputs with targets diag(2, 1) x.
const deepWidth = 2

// deepChain is the depth-layer chain of scalar weights fitted to (1, 1):
// loss (w₁⋯w_depth − 1)².
func deepChain(depth int) *nn.Objective {
	return deepNet(depth, 1, mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, []float64{1}))
}

// deepWideData are the inputs e₁, e₂ (as rows) and their targets 2e₁, e₂.
func deepWideData() (x, y *mat.Dense) {
	return mat.NewDense(2, 2, []float64{1, 0, 0, 1}), mat.NewDense(2, 2, []float64{2, 0, 0, 1})
}

// deepWide is the width-deepWidth linear network of the given depth on
// deepWideData.
func deepWide(depth int) *nn.Objective {
	x, y := deepWideData()
	return deepNet(depth, deepWidth, x, y)
}

func deepNet(depth, width int, x, y *mat.Dense) *nn.Objective {
	sizes := make([]int, depth+1)
	acts := make([]nn.Activation, depth)
	for i := range sizes {
		sizes[i] = width
	}
	for i := range acts {
		acts[i] = nn.Linear
	}
	net := nn.NewBiasFree(sizes, acts)
	return nn.NewObjective(net, nn.Square, nn.Data{X: x, Y: y})
}

// deepFlowTime is the time gradient flow takes the chain from every weight
// equal to s0 to the loss target: the weights stay equal to one s with
// ds/dt = 2(1 − s^d) s^(d−1), so T = ∫ ds / (2(1 − s^d) s^(d−1)) from s0 to
// the s* with (1 − s*^d)² = target. The integral is taken in t = ln s, where
// the integrand is smooth, by 256-point Gauss–Legendre quadrature.
func deepFlowTime(depth int, s0, target float64) float64 {
	d := float64(depth)
	sStar := math.Pow(1-math.Sqrt(target), 1/d)
	f := func(t float64) float64 {
		s := math.Exp(t)
		return 1 / (2 * (1 - math.Pow(s, d)) * math.Pow(s, d-2))
	}
	return quad.Fixed(f, math.Log(s0), math.Log(sStar), 256, quad.Legendre{}, 0)
}

// deepFlowTol is how far, in steps, gradient descent may fall behind the
// flow's time T/η: 1% and three steps.
func deepFlowTol(steps float64) float64 { return 3 + 0.01*steps }

// deepEscape runs gradient descent with step eta from theta0 until the loss
// is below target, and returns the number of steps, or −1 after maxSteps.
func deepEscape(ctx context.Context, obj *nn.Objective, theta0 []float64, eta, target float64, maxSteps int) (int, error) {
	theta := slices.Clone(theta0)
	grad := make([]float64, len(theta))
	for k := 0; k < maxSteps; k++ {
		if k%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		if obj.Grad(theta, grad) < target {
			return k, nil
		}
		for i := range theta {
			theta[i] -= eta * grad[i]
		}
	}
	if obj.Loss(theta) < target {
		return maxSteps, nil
	}
	return -1, nil
}

// deepOriginHessian compares the network's exact Hessian at the origin with
// the closed form: for depth 2, L = mean‖y − W₂W₁x‖² has the single
// second-order term −2 mean yᵀW₂W₁x, so ∂²L/∂(W₂)_ca ∂(W₁)_ab = −2 M_cb with
// M = mean y xᵀ, and every other entry is 0; for depth 3 and more every
// term of the loss is constant or of degree at least 3 in the weights, so
// the Hessian is zero. It returns the largest entry error and the
// eigenvalues.
func deepOriginHessian(obj *nn.Objective, x, y *mat.Dense) (float64, []float64, error) {
	net := obj.Net()
	n := net.NumParams()
	h := obj.Hessian(make([]float64, n))
	want := mat.NewSymDense(n, nil)
	if net.Layers() == 2 {
		rows, _ := x.Dims()
		var m mat.Dense
		m.Mul(y.T(), x)
		m.Scale(1/float64(rows), &m)
		hidden := net.Sizes()[1]
		for a := range hidden {
			for b := range net.In() {
				for c := range net.Out() {
					want.SetSym(net.WeightIndex(1, c, a), net.WeightIndex(0, a, b), -2*m.At(c, b))
				}
			}
		}
	}
	worst := 0.0
	for i := range n {
		for j := range n {
			worst = math.Max(worst, math.Abs(h.At(i, j)-want.At(i, j)))
		}
	}
	eig, err := nn.Eigenvalues(h)
	return worst, eig, err
}

func runDeepLinearPlateau(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	maxDepth, s0, eta, runs := args.Int("depth"), args.Float("init"), args.Float("step"), args.Int("runs")
	const target = 0.5 // of the loss at the origin, which is 1 for the chain
	r := &lab.Result{Data: lab.Table{Header: []string{"model", "depth", "run", "escape_steps", "flow_prediction_steps"}}}

	var depths, chain, flow, median, lo, hi []float64
	worstFlow, flowSlack := 0.0, math.Inf(1)
	hessErr := 0.0
	var eig2 []float64
	zeroFrom3 := 0.0
	for depth := 2; depth <= maxDepth; depth++ {
		d := float64(depth)
		depths = append(depths, d)
		// A cap well above the plateau: the chain's flow time, doubled.
		obj := deepChain(depth)
		t := deepFlowTime(depth, s0, target)
		maxSteps := int(4*t/eta) + 1000
		theta0 := make([]float64, depth)
		for i := range theta0 {
			theta0[i] = s0
		}
		k, err := deepEscape(ctx, obj, theta0, eta, target, maxSteps)
		if err != nil {
			return nil, err
		}
		if k < 0 {
			return nil, fmt.Errorf("the depth-%d chain did not escape in %d steps", depth, maxSteps)
		}
		chain = append(chain, float64(k))
		flow = append(flow, t/eta)
		// Gradient descent is Euler's method for the flow, which lags it by
		// a few steps during the final descent, whatever the plateau's length.
		diff := math.Abs(float64(k) - t/eta)
		worstFlow = math.Max(worstFlow, diff/(t/eta))
		flowSlack = math.Min(flowSlack, deepFlowTol(t/eta)-diff)
		r.Data.Add("chain", depth, "", k, t/eta)

		// Random width-2 networks: weights N(0, s₀²/2), which keeps the
		// norm of a vector passed through a layer about s₀ times its own;
		// escape when the loss falls below half its value at the origin.
		wide := deepWide(depth)
		x, y := deepWideData()
		l0 := wide.Loss(make([]float64, wide.Dim()))
		ks := make([]float64, runs)
		for j := range ks {
			theta := make([]float64, wide.Dim())
			for i := range theta {
				theta[i] = s0 / math.Sqrt(deepWidth) * rng.NormFloat64()
			}
			k, err := deepEscape(ctx, wide, theta, eta, target*l0, 50*maxSteps)
			if err != nil {
				return nil, err
			}
			if k < 0 {
				return nil, fmt.Errorf("a depth-%d network did not escape in %d steps", depth, 50*maxSteps)
			}
			ks[j] = float64(k)
			r.Data.Add("width 2", depth, j+1, k, "")
		}
		slices.Sort(ks)
		median = append(median, stat.Quantile(0.5, stat.Empirical, ks, nil))
		lo, hi = append(lo, ks[0]), append(hi, ks[len(ks)-1])

		// The Hessian at the origin of the wide network, against its
		// closed form.
		e, eig, err := deepOriginHessian(wide, x, y)
		if err != nil {
			return nil, err
		}
		hessErr = math.Max(hessErr, e)
		if depth == 2 {
			eig2 = eig
		} else {
			zeroFrom3 = math.Max(zeroFrom3, math.Max(-eig[0], eig[len(eig)-1]))
		}
	}
	chainHess := deepChain(2).Hessian([]float64{0, 0})

	rising := func(xs []float64) bool {
		for i := 1; i < len(xs); i++ {
			if !(xs[i] > xs[i-1]) {
				return false
			}
		}
		return true
	}
	n := len(depths)
	r.Float("s0", "%g", s0)
	r.Float("eta", "%g", eta)
	r.Int("runs", runs)
	r.Int("max-depth", maxDepth)
	r.Int("chain-2", int(chain[0]))
	r.Int("chain-3", int(chain[1]))
	r.Int("chain-max", int(chain[n-1]))
	r.Float("median-2", "%.0f", median[0])
	r.Float("median-max", "%.0f", median[n-1])
	r.Float("flow-error", "%.2g", worstFlow)
	r.Float("hessian-error", "%.2g", hessErr)
	r.Float("eig2-min", "%g", eig2[0])
	r.Float("eig2-max", "%g", eig2[len(eig2)-1])
	r.Float("chain2-h12", "%g", chainHess.At(0, 1))
	r.Float("zero-hessian", "%g", zeroFrom3)
	r.Check("chain-rises", "for the chain of scalar weights, the escape time increases with every added layer",
		rising(chain), "steps %s for depth 2 to %d", deepJoin(chain), maxDepth)
	r.Check("wide-rises", "for the random width-2 networks, the median escape time increases with every added layer",
		rising(median), "median steps %s over %d networks each", deepJoin(median), runs)
	r.Check("flow", "the chain's escape time matches the closed-form time of gradient flow, T/η, at every depth",
		flowSlack >= 0, "largest relative difference %.2g; every difference within 3 steps + 1%% of T/η", worstFlow)
	r.Check("hessian", "at the origin, the networks' exact Hessians equal the closed form: off-diagonal blocks −2 mean(y xᵀ) at depth 2, zero from depth 3 on",
		hessErr <= 1e-12, "largest entry error %.2g, tolerance 1e-12", hessErr)
	r.Check("indefinite-2", "at depth 2 the origin is a strict saddle, with Hessian eigenvalues of both signs",
		eig2[0] < -1e-9 && eig2[len(eig2)-1] > 1e-9, "eigenvalues from %g to %g", eig2[0], eig2[len(eig2)-1])
	r.Check("chain-2", "for the depth-2 chain the Hessian at the origin is [[0, −2], [−2, 0]]",
		chainHess.At(0, 0) == 0 && chainHess.At(1, 1) == 0 && math.Abs(chainHess.At(0, 1)+2) <= 1e-12,
		"H = [[%g, %g], [%g, %g]]", chainHess.At(0, 0), chainHess.At(0, 1), chainHess.At(1, 0), chainHess.At(1, 1))
	r.Check("flat-3", "from depth 3 on, every eigenvalue of the Hessian at the origin is zero",
		zeroFrom3 == 0, "largest |eigenvalue| %g", zeroFrom3)

	p, err := deepPlot(depths, chain, flow, median, lo, hi)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	return r, nil
}

// deepXYs pairs each x with its y.
func deepXYs(xs, ys []float64) plotter.XYs {
	xys := make(plotter.XYs, len(xs))
	for i := range xs {
		xys[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	return xys
}

// deepJoin lists whole numbers: "12, 40, 310".
func deepJoin(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(parts, ", ")
}

func deepPlot(depths, chain, flow, median, lo, hi []float64) (*plot.Plot, error) {
	p := lab.NewPlot("", "number of weight layers", "steps to escape")
	// The chain's marks a little left of each depth, the networks' right.
	left, right := make([]float64, len(depths)), make([]float64, len(depths))
	for i, d := range depths {
		left[i], right[i] = d-0.08, d+0.08
	}
	fl, err := lab.Series(deepXYs(left, flow), 7, true)
	if err != nil {
		return nil, err
	}
	fl.Color = lab.Gray
	cs, err := lab.Points(deepXYs(left, chain), 0)
	if err != nil {
		return nil, err
	}
	bars, ms, err := lab.MedianRange(right, median, lo, hi, 1)
	if err != nil {
		return nil, err
	}
	ms.Shape = draw.BoxGlyph{}
	p.Add(fl)
	p.Add(bars...)
	p.Add(cs, ms)
	p.Legend.Add("scalar chain, all weights s₀", cs)
	p.Legend.Add("closed form, gradient flow", fl)
	p.Legend.Add("width 2, random: median, range", ms)
	p.Legend.Left = true
	p.X.Min, p.X.Max = depths[0]-0.5, depths[len(depths)-1]+0.5
	p.X.Tick.Marker = lab.IntTicks(depths[0], depths[len(depths)-1])
	p.Y.Scale = plot.LogScale{}
	ymin := math.Min(slices.Min(chain), slices.Min(lo))
	ymax := math.Max(slices.Max(chain), slices.Max(hi))
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(ymin)))
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(ymax))+1) // a decade of headroom for the legend
	p.Y.Tick.Marker = lab.PowerTicks(int(math.Log10(p.Y.Min)), int(math.Log10(p.Y.Max)), 1)
	return p, nil
}
