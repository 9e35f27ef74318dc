package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// counterexample is claim c of the brief: the smallest network whose loss
// is provably not convex. One input, two ReLU hidden units, one linear
// output; data (1, 1) and (−1, −1). θ₁ computes f(x) = a²x, θ₂ is θ₁ with
// its hidden units swapped, and along θ(t) = (1−t)θ₁ + tθ₂ the network is
// f(x) = a²(1−2t)²x, so the loss has a closed form in t. With move=rescale
// θ₂ is θ₁ with its first unit rescaled instead (incoming weight times c,
// outgoing weight divided by c), the continuous symmetry of ReLU units.
var counterexample = &lab.Experiment{
	Name: "smallest-counterexample",
	Doc: "The loss of a 1-2-1 ReLU network along the straight segment between a network and an equivalent one " +
		"(its hidden-unit swap, or a rescaling of one unit), computed by the network and compared with its closed form.",
	Params: []lab.Param{
		lab.Choice("loss", "square", []string{"square", "cross-entropy"}, "the loss: mean square error on targets ±1, or logistic loss on labels 1 and 0"),
		lab.Float("a", 1, 0.25, 4, "the weight magnitude: θ₁ has hidden weights (a, −a) and output weights (a, −a); with the square loss the midpoint rises above the chord only for a < √2"),
		lab.Int("points", 201, 3, 10001, "the number of equally spaced values of t in [0, 1]").Costly(),
		lab.Choice("move", "swap", []string{"swap", "rescale"}, "the equivalent network θ₂: θ₁ with its hidden units swapped, or with unit 1's incoming weight multiplied and its outgoing weight divided by c"),
		lab.Float("c", 4, 1.25, 16, "for move=rescale, the factor c"),
	},
	Alt: func(a lab.Args) string {
		if a.Choice("move") == "rescale" {
			return "The loss along the straight segment from a zero-loss network to the same network with one hidden unit rescaled (incoming weight times c, outgoing weight divided by c). " +
				"Both ends compute the same function and have zero loss; in between the loss rises above zero, on the closed-form curve, above the flat chord."
		}
		if a.Choice("loss") == "square" {
			return "The loss along the straight segment between two zero-loss networks starts at 0, rises to 1 at the midpoint and falls back to 0. " +
				"The values computed by the network lie on the curve 16t²(1−t)², and the chord between the two ends lies below the curve."
		}
		return "The cross-entropy along the straight segment between a network and its hidden-unit swap rises from its value at the ends to log 2 at the midpoint, " +
			"above the chord joining the ends; the values computed by the network lie on the closed-form curve."
	},
	Run: runCounterexample,
}

// segmentLoss returns the closed form of the loss along the swap segment,
// its value at the midpoint and its second derivative there.
func segmentLoss(loss string, a float64) (l func(t float64) float64, mid, curvature float64) {
	a2 := a * a
	if loss == "square" {
		// Both examples have error a²(1−2t)² − 1.
		return func(t float64) float64 {
			s := 1 - 2*t
			e := a2*s*s - 1
			return e * e
		}, 1, -16 * a2
	}
	// Both examples have margin a²(1−2t)², so each loses softplus(−margin).
	return func(t float64) float64 {
		s := 1 - 2*t
		return softplus(-a2 * s * s)
	}, math.Ln2, -4 * a2
}

// rescaleGain is the factor g(t) = ((1−t) + tc)((1−t) + t/c) by which
// unit 1's contribution is multiplied at t on the rescale segment: its
// incoming weight has grown by (1−t) + tc, its outgoing one by (1−t) + t/c.
// It is 1 at both ends and (2 + c + 1/c)/4 > 1 at the midpoint when c ≠ 1.
func rescaleGain(c, t float64) float64 { return ((1 - t) + t*c) * ((1 - t) + t/c) }

// rescaleLoss returns the closed form of the loss along the rescale
// segment. Only unit 1 is active at x = 1, only unit 2 at x = −1, so the
// first example's output is a²g(t) and the second's stays −a².
func rescaleLoss(loss string, a, c float64) func(t float64) float64 {
	a2 := a * a
	if loss == "square" {
		return func(t float64) float64 {
			e := a2*rescaleGain(c, t) - 1
			return (e*e + (1-a2)*(1-a2)) / 2
		}
	}
	return func(t float64) float64 { return (softplus(-a2*rescaleGain(c, t)) + softplus(-a2)) / 2 }
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// counterexampleNet returns the network, its objective and the two ends of
// the swap segment.
func counterexampleNet(loss string, a float64) (*nn.Objective, []float64, []float64) {
	net := nn.New([]int{1, 2, 1}, []nn.Activation{nn.ReLU, nn.Linear})
	x := mat.NewDense(2, 1, []float64{1, -1})
	y := mat.NewDense(2, 1, []float64{1, -1})
	kind := nn.Square
	if loss == "cross-entropy" {
		y, kind = mat.NewDense(2, 1, []float64{1, 0}), nn.Logistic
	}
	obj := nn.NewObjective(net, kind, nn.Data{X: x, Y: y})
	// Layout: W₁ (2×1), b₁, W₂ (1×2), b₂.
	theta1 := []float64{a, -a, 0, 0, a, -a, 0}
	theta2 := net.Permute(theta1, 0, []int{1, 0})
	return obj, theta1, theta2
}

func runCounterexample(ctx context.Context, args lab.Args, _ *rand.Rand) (*lab.Result, error) {
	loss, a, n := args.Choice("loss"), args.Float("a"), args.Int("points")
	obj, theta1, theta2 := counterexampleNet(loss, a)
	closed, wantMid, wantCurv := segmentLoss(loss, a)
	rescale := args.Choice("move") == "rescale"
	if rescale {
		c := args.Float("c")
		theta2 = obj.Net().RescaleUnits(theta1, 0, []float64{c, 1})
		closed = rescaleLoss(loss, a, c)
		wantMid = closed(0.5)
	}

	r := &lab.Result{Data: lab.Table{Header: []string{"t", "loss_network", "loss_closed_form"}}}
	var network, formula plotter.XYs
	theta := make([]float64, len(theta1))
	maxErr := 0.0
	for i := range n {
		t := float64(i) / float64(n-1)
		got := obj.Loss(nn.InterpolateTo(theta, theta1, theta2, t))
		want := closed(t)
		maxErr = max(maxErr, math.Abs(got-want))
		r.Data.Add(t, got, want)
		formula = append(formula, plotter.XY{X: t, Y: want})
		if i%max(1, (n-1)/20) == 0 || i == n-1 {
			network = append(network, plotter.XY{X: t, Y: got})
		}
	}
	ends := obj.Loss(theta1)
	mid := obj.Loss(nn.Interpolate(theta1, theta2, 0.5))
	chord := (ends + obj.Loss(theta2)) / 2

	// The midpoint θ = 0 sits on every ReLU kink, where the Hessian is
	// undefined; the curvature of the segment is its limit from one side.
	dir := make([]float64, len(theta1))
	for i := range dir {
		dir[i] = theta2[i] - theta1[i]
	}
	hv := make([]float64, len(dir))
	obj.HessianVec(nn.Interpolate(theta1, theta2, 0.5-1e-7), dir, hv)
	curv := mat.Dot(mat.NewVecDense(len(dir), dir), mat.NewVecDense(len(hv), hv))

	// The ends compute the same function; were the outputs affine in the
	// weights, the midpoint would compute the average of the ends' outputs,
	// which is that same function again, and could not lose more.
	net, xs := obj.Net(), []float64{1, -1}
	midTheta := nn.Interpolate(theta1, theta2, 0.5)
	sameFn, gap := 0.0, 0.0
	for _, x := range xs {
		f1, f2 := net.Forward(theta1, []float64{x})[0], net.Forward(theta2, []float64{x})[0]
		sameFn = max(sameFn, math.Abs(f1-f2))
		gap = max(gap, math.Abs(net.Forward(midTheta, []float64{x})[0]-(f1+f2)/2))
	}
	r.Float("mid-output", "%.4g", net.Forward(midTheta, []float64{1})[0])
	r.Float("end-output", "%.4g", net.Forward(theta1, []float64{1})[0])
	r.Check("same-function", "the two ends compute the same function",
		sameFn <= 1e-14, "largest difference of their outputs %.2g", sameFn)
	r.Check("not-affine", "the midpoint's output is not the average of the ends' outputs, so the outputs are not affine in the weights",
		gap > 1e-6, "largest gap %.4g at the inputs ±1", gap)
	r.Float("midpoint", "%.4g", mid)
	r.Float("ends", "%.3g", ends)
	r.Float("chord", "%.3g", chord)
	r.Float("max-error", "%.1e", maxErr)
	r.Int("dots", len(network))
	r.Float("curvature", "%.4g", curv)
	r.Float("a", "%g", a)
	r.Check("matches-closed-form", "the loss computed by the network equals the closed form along the segment",
		maxErr <= 1e-12, "largest difference %.1e over %d points, tolerance 1e-12", maxErr, n)
	r.Check("above-chord", "the midpoint lies above the chord joining the ends, which a convex function forbids",
		mid > chord, "L(1/2) = %.4g > (L(0) + L(1))/2 = %.4g", mid, chord)
	if rescale {
		c := args.Float("c")
		r.Float("c", "%g", c)
		r.Float("gain", "%.4g", rescaleGain(c, 0.5))
		r.Check("midpoint-closed-form", "the loss at the midpoint equals the closed form",
			math.Abs(mid-wantMid) <= 1e-12, "L(1/2) = %.15g, closed form %.15g", mid, wantMid)
	} else {
		r.Check("midpoint", fmt.Sprintf("the loss at the midpoint is %s", map[string]string{"square": "1", "cross-entropy": "log 2"}[loss]),
			math.Abs(mid-wantMid) <= 1e-12, "L(1/2) = %.15g", mid)
		r.Check("curvature", "the loss curves downward at the midpoint",
			math.Abs(curv-wantCurv) <= 1e-6*math.Abs(wantCurv), "d²L/dt² = %.6g beside t = 1/2, closed form %g", curv, wantCurv)
	}

	p := lab.NewPlot("", "t, position on the segment from θ₁ to θ₂", "loss L(θ(t))")
	if rescale {
		p.X.Label.Text = "t, position on the segment from θ₁ to its rescaling"
	}
	p.Y.Min = 0
	p.X.Min, p.X.Max = 0, 1
	name := "closed form 16t²(1−t)²"
	if rescale {
		name = "closed form"
	} else if loss == "square" && a != 1 {
		name = "closed form (a²(1−2t)² − 1)²"
	} else if loss == "cross-entropy" {
		name = "closed form log(1 + exp(−a²(1−2t)²))"
	}
	curve, err := lab.Series(formula, 0, false)
	if err != nil {
		return nil, err
	}
	chordLine, err := lab.Series(plotter.XYs{{X: 0, Y: ends}, {X: 1, Y: obj.Loss(theta2)}}, 7, true)
	if err != nil {
		return nil, err
	}
	chordLine.Color = lab.Gray
	dots, err := lab.Points(network, 1)
	if err != nil {
		return nil, err
	}
	p.Add(curve, chordLine, dots)
	p.Legend.Add(name, curve)
	p.Legend.Add("computed by the network", dots)
	p.Legend.Add("chord between the ends", chordLine)
	// Headroom above the peak keeps the legend off the data.
	p.Y.Max = math.Max(mid, chord) * 1.55
	r.Plots = []*plot.Plot{p}
	return r, nil
}
