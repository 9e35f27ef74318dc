package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// filterNormalization is the first half of claim i of the brief: pictures of
// the loss along random directions depend on how the weights happen to be
// scaled, unless the directions are filter-normalised (Li et al. 2018).
// A ReLU network and its copy with the hidden layer's incoming weights
// multiplied by c and its outgoing weights divided by c compute the same
// function, yet the same random directions draw different pictures around
// them; rescaled to each unit's weights, the directions draw the same one.
var filterNormalization = &lab.Experiment{
	Name: "filter-normalization",
	Doc: "Loss of a trained 2-h-1 ReLU network on a 2-D slice through its weights along two random directions, " +
		"beside the same slice through an equivalent network whose hidden layer is rescaled, with raw and with filter-normalised directions.",
	Params: []lab.Param{
		lab.Int("hidden", 16, 2, 48, "the number of hidden ReLU units h").Costly(),
		lab.Float("scale", 10, 1, 1000, "the factor c: the copy's hidden layer has its incoming weights and biases multiplied by c and its outgoing weights divided by c"),
		lab.Float("extent", 1, 0.1, 2, "each slice spans [−extent, extent] in both direction coefficients"),
		lab.Int("grid", 61, 11, 81, "the number of grid points along each axis of a slice").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Four contour maps of the logarithm of the loss, in a two-by-two grid, around a trained ReLU network (left) and around " +
			"the same function written with its hidden layer rescaled (right). Top row, raw random directions: the two maps differ, " +
			"the rescaled network's valley being much narrower. Bottom row, filter-normalised directions: the two maps are identical."
	},
	Run: runFilterNormalization,
}

// fnSlice returns the loss at center + α d1 + β d2 on a grid of n × n
// values of α and β spanning [−ext, ext].
func fnSlice(f nn.Differentiable, center, d1, d2 []float64, ext float64, n int) *lab.Grid {
	theta := make([]float64, len(center))
	return lab.SampleGrid(func(a, b float64) float64 {
		for i := range theta {
			theta[i] = center[i] + a*d1[i] + b*d2[i]
		}
		return f.Loss(theta)
	}, -ext, ext, -ext, ext, n)
}

// fnMaxDiff returns the largest difference between two grids of the same
// shape, and the largest value of the first.
func fnMaxDiff(a, b *lab.Grid) (diff, top float64) {
	for r := range a.Zs {
		for c := range a.Zs[r] {
			diff = math.Max(diff, math.Abs(a.Zs[r][c]-b.Zs[r][c]))
			top = math.Max(top, math.Abs(a.Zs[r][c]))
		}
	}
	return diff, top
}

func runFilterNormalization(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, c, ext, n := args.Int("hidden"), args.Float("scale"), args.Float("extent"), args.Int("grid")
	net, obj := landProblem(h, nn.ReLU)
	theta, err := landTrain(ctx, obj, net.Init(rng), 500)
	if err != nil {
		return nil, err
	}
	scaled := net.Rescale(theta, 0, c)
	d1, d2 := nn.RandomDirection(rng, len(theta)), nn.RandomDirection(rng, len(theta))

	// The same two random directions, raw and filter-normalised to each
	// network's weights.
	normalised := func(center []float64) (e1, e2 []float64) {
		e1, e2 = slices.Clone(d1), slices.Clone(d2)
		net.FilterNormalize(e1, center)
		net.FilterNormalize(e2, center)
		return e1, e2
	}
	type panel struct {
		name   string
		title  string // the panel's, short
		center []float64
		e1, e2 []float64
		grid   *lab.Grid
	}
	f1, f2 := normalised(theta)
	g1, g2 := normalised(scaled)
	panels := []*panel{
		{name: "raw directions, θ", title: "raw, θ", center: theta, e1: d1, e2: d2},
		{name: fmt.Sprintf("raw directions, rescaled by %g", c), title: fmt.Sprintf("raw, ×%g", c), center: scaled, e1: d1, e2: d2},
		{name: "filter-normalised, θ", title: "normalised, θ", center: theta, e1: f1, e2: f2},
		{name: fmt.Sprintf("filter-normalised, rescaled by %g", c), title: fmt.Sprintf("normalised, ×%g", c), center: scaled, e1: g1, e2: g2},
	}
	for _, p := range panels {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.grid = fnSlice(obj, p.center, p.e1, p.e2, ext, n)
	}

	// Filter normalisation undoes a factor shared by a layer's units. ReLU
	// networks are just as blind to a different factor for each unit,
	// which it does not undo: the same function with unit-by-unit factors
	// between 1/c and c draws a different picture.
	factors := make([]float64, h)
	for i := range factors {
		factors[i] = math.Pow(c, 2*rng.Float64()-1)
	}
	byUnit := net.RescaleUnits(theta, 0, factors)
	u1, u2 := normalised(byUnit)
	unitDiff, _ := fnMaxDiff(panels[2].grid, fnSlice(obj, byUnit, u1, u2, ext, n))

	outDiff, outTop := 0.0, 0.0
	x := make([]float64, 2)
	for i := range landSide * landSide {
		x[0], x[1] = -1+2*float64(i%landSide)/(landSide-1), -1+2*float64(i/landSide)/(landSide-1)
		a := net.Forward(theta, x)[0]
		for _, other := range [][]float64{scaled, byUnit} {
			outDiff = math.Max(outDiff, math.Abs(a-net.Forward(other, x)[0]))
		}
		outTop = math.Max(outTop, math.Abs(a))
	}
	rawDiff, rawTop := fnMaxDiff(panels[0].grid, panels[1].grid)
	fnDiff, fnTop := fnMaxDiff(panels[2].grid, panels[3].grid)
	rawLo, rawHi := panels[0].grid.Range()
	scLo, scHi := panels[1].grid.Range()

	r := &lab.Result{Data: lab.Table{Header: []string{"panel", "alpha", "beta", "loss"}}}
	for _, p := range panels {
		for row, b := range p.grid.Ys {
			for col, a := range p.grid.Xs {
				r.Data.Add(p.name, a, b, p.grid.Zs[row][col])
			}
		}
	}
	r.Int("hidden", h)
	r.Int("params", len(theta))
	r.Float("scale", "%g", c)
	r.Float("loss", "%.2g", obj.Loss(theta))
	r.Float("output-diff", "%.1e", outDiff/outTop)
	r.Float("raw-max", "%.3g", rawHi)
	r.Float("raw-scaled-max", "%.3g", scHi)
	r.Float("raw-diff", "%.3g", rawDiff/rawTop)
	r.Float("fn-diff", "%.1e", fnDiff/fnTop)
	r.Float("fn-max", "%.3g", fnTop)
	r.Float("unit-diff", "%.2g", unitDiff/fnTop)
	r.Check("same-function", "the rescaled networks compute the same outputs as the trained one",
		outDiff <= 1e-12*outTop, "largest output difference %.1e relative to the largest output, on the %d training inputs; tolerance 1e-12",
		outDiff/outTop, landSide*landSide)
	r.Check("raw-differ", "with raw directions the two slices differ by more than the first slice's own largest loss",
		rawDiff > rawTop, "largest difference %.4g; losses span [%.3g, %.4g] around θ and [%.3g, %.4g] around the rescaled copy",
		rawDiff, rawLo, rawHi, scLo, scHi)
	r.Check("fn-identical", "with filter-normalised directions the two slices are identical to rounding",
		fnDiff <= 1e-9*fnTop, "largest difference %.1e relative to the largest loss %.4g; tolerance 1e-9", fnDiff/fnTop, fnTop)
	r.Check("unit-differ", "with a different factor for each hidden unit, the filter-normalised slices differ",
		unitDiff > 1e-3*fnTop, "largest difference %.3g relative to the largest loss %.4g", unitDiff/fnTop, fnTop)

	// One colour scale for all four maps, in decades of the loss.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range panels {
		l, u := logGrid(p.grid).Range()
		lo, hi = math.Min(lo, l), math.Max(hi, u)
	}
	var levels []float64
	for d := math.Ceil(lo); d <= hi; d++ {
		levels = append(levels, d)
	}
	for _, p := range panels {
		pl := lab.NewPlot("", "α", "β")
		// Four panels share the width of one, so that their text stays
		// legible on a phone; their titles are short, the caption says
		// the rest.
		setTitle(pl, p.title, 12)
		pl.X.Min, pl.X.Max, pl.Y.Min, pl.Y.Max = -ext, ext, -ext, ext
		heat, lines := lab.Surface(logGrid(p.grid), lab.Sequential(), lo, hi, levels)
		heat.Label = "log₁₀ of the loss"
		center, err := lab.Points(plotter.XYs{{}}, 1)
		if err != nil {
			return nil, err
		}
		pl.Add(heat, lines, center)
		r.Plots = append(r.Plots, pl)
	}
	r.Cols = 2
	r.Width, r.Height = lab.PanelWidth/2, lab.PanelWidth/2+12
	return r, nil
}
