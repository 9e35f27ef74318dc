package figures

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// monotoneInterpolation is the second half of claim i of the brief:
// Goodfellow et al. (2015) found that the loss along the straight segment
// from a network's initial weights to its trained weights usually falls all
// the way, as it would for a convex loss; Lucas et al. (2021) showed that
// it need not. The experiment trains the wave task from several random
// starts and counts the segments on which the loss never rises.
var monotoneInterpolation = &lab.Experiment{
	Name: "monotone-interpolation",
	Doc: "Trains a 2-h-1 ReLU network on the wave task from several random starts and follows the loss along the straight " +
		"segment from each start to its trained weights, counting the segments on which the loss never rises.",
	Params: []lab.Param{
		lab.Int("hidden", 16, 2, 24, "the number of hidden ReLU units h").Costly(),
		lab.Int("runs", 12, 2, 16, "the number of training runs, each from its own random start").Costly(),
		lab.Choice("optimizer", "gd", []string{"gd", "adam"}, "the trainer: full-batch gradient descent with step 0.05, or Adam with step 0.01"),
		lab.Int("iters", 2000, 100, 3000, "the number of training steps").Costly(),
		lab.Float("init-scale", 1, 0.1, 2, "the factor applied to the usual random initial weights"),
	},
	Alt: func(a lab.Args) string {
		return "Two stacked panels of the loss along the straight segment from each run's initial weights (α = 0) to its trained " +
			"weights (α = 1), divided by the loss at the start. Top: every curve falls from 1 to near 0. Bottom: a close-up of the start of " +
			"the segments, where the curves drawn in a second colour rise a little above 1 before falling."
	},
	Run: runMonotoneInterpolation,
}

// miRun is one training run and the loss along its segment.
type miRun struct {
	losses   []float64 // at α = k/steps
	rise     float64   // the largest climb above an earlier sample
	riseAt   float64   // α at the top of that climb
	distance float64   // ‖θ_T − θ_0‖ / ‖θ_0‖
}

// monotone reports whether the loss never rises along the segment, beyond
// rounding relative to its value at the start.
func (m miRun) monotone() bool { return m.rise <= 1e-12*m.losses[0] }

// miRise returns the largest climb along ls: the most by which an entry
// exceeds the lowest entry before it, and its index; 0 and 0 if ls never
// increases.
func miRise(ls []float64) (rise float64, at int) {
	low := ls[0]
	for k, l := range ls {
		low = math.Min(low, l)
		if d := l - low; d > rise {
			rise, at = d, k
		}
	}
	return rise, at
}

func miTrain(ctx context.Context, f nn.Differentiable, theta0 []float64, optimizer string, iters int) ([]float64, error) {
	var res nn.Result
	var err error
	switch optimizer {
	case "gd":
		res, err = nn.GradientDescent(ctx, f, theta0, nn.GDConfig{Step: 0.05, Iters: iters})
	case "adam":
		res, err = nn.Adam(ctx, f, theta0, nn.AdamConfig{Step: 0.01, Iters: iters})
	default:
		return nil, fmt.Errorf("unknown optimizer %q", optimizer)
	}
	if errors.Is(err, nn.ErrDiverged) {
		return nil, fmt.Errorf("training diverged; try a smaller init-scale: %w", err)
	}
	return res.Theta, err
}

func runMonotoneInterpolation(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, runs, scale := args.Int("hidden"), args.Int("runs"), args.Float("init-scale")
	net, obj := landProblem(h, nn.ReLU)
	const steps = 200
	results := make([]miRun, runs)
	worstEnd := 0.0
	for i := range results {
		start := net.Init(rng)
		for k := range start {
			start[k] *= scale
		}
		end, err := miTrain(ctx, obj, start, args.Choice("optimizer"), args.Int("iters"))
		if err != nil {
			return nil, err
		}
		_, ls := landSegment(obj, start, end, steps)
		rise, at := miRise(ls)
		results[i] = miRun{losses: ls, rise: rise, riseAt: float64(at) / steps, distance: floats.Distance(end, start, 2) / floats.Norm(start, 2)}
		worstEnd = math.Max(worstEnd, ls[steps]/ls[0])
	}

	monotone, biggest, biggestAt, firstBumpy := 0, 0.0, 0.0, -1
	var moved [2]float64 // mean relative distance travelled: monotone runs, others
	for i, m := range results {
		if m.monotone() {
			monotone++
			moved[0] += m.distance
			continue
		}
		moved[1] += m.distance
		if firstBumpy < 0 {
			firstBumpy = i
		}
		if rel := m.rise / m.losses[0]; rel > biggest {
			biggest, biggestAt = rel, m.riseAt
		}
	}
	r := &lab.Result{Data: lab.Table{Header: []string{"run", "alpha", "loss", "loss_over_start", "monotone"}}}
	for i, m := range results {
		for k, l := range m.losses {
			r.Data.Add(i+1, float64(k)/steps, l, l/m.losses[0], m.monotone())
		}
	}
	r.Int("runs", runs)
	r.Int("hidden", h)
	r.Int("monotone", monotone)
	r.Int("not-monotone", runs-monotone)
	r.Float("largest-rise", "%.2g%%", 100*biggest)
	r.Float("largest-rise-at", "%.2f", biggestAt)
	r.Float("end-ratio", "%.2g", worstEnd)
	r.Float("moved-monotone", "%.2f", moved[0]/float64(max(monotone, 1)))
	r.Float("moved-other", "%.2f", moved[1]/float64(max(runs-monotone, 1)))
	r.Check("trained", "every run ends far below where it started",
		worstEnd < 0.1, "the highest final loss is %.3g of its starting loss", worstEnd)
	r.Check("most-monotone", "on most segments the loss falls all the way from start to end",
		2*monotone > runs, "%d of %d segments never rise between any two of %d equally spaced samples", monotone, runs, steps+1)
	r.Check("not-always", "on some segments the loss rises before it falls",
		monotone < runs, "%d of %d segments rise somewhere, the largest by %.2g%% of the starting loss", runs-monotone, runs, 100*biggest)

	top := lab.NewPlot("", "α, position from initial (0) to trained (1) weights", "loss / loss at α = 0")
	zoom := lab.NewPlot("", "α (close-up of the start)", "loss / loss at α = 0")
	top.X.Min, top.X.Max, top.Y.Min = 0, 1, 0
	zoom.X.Min, zoom.X.Max = 0, 0.3
	zoomHi := 1.0
	for i, m := range results {
		var all, start plotter.XYs
		for k, l := range m.losses {
			a := float64(k) / steps
			all = append(all, plotter.XY{X: a, Y: l / m.losses[0]})
			if a <= 0.3 {
				start = append(start, plotter.XY{X: a, Y: l / m.losses[0]})
				zoomHi = math.Max(zoomHi, l/m.losses[0])
			}
		}
		colour := 0
		if !m.monotone() {
			colour = 1
		}
		for _, pc := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{top, all}, {zoom, start}} {
			line, err := lab.Series(pc.xys, colour, false)
			if err != nil {
				return nil, err
			}
			line.Width = vg.Points(1.25)
			pc.p.Add(line)
			if i == 0 && m.monotone() || i == firstBumpy {
				name := "loss falls all the way"
				if !m.monotone() {
					name = "loss rises first"
				}
				if pc.p == top {
					pc.p.Legend.Add(name, line)
				}
			}
		}
	}
	top.Y.Max = 1.15
	zoom.Y.Min, zoom.Y.Max = 0.9, zoomHi+0.3*(zoomHi-0.9)
	// Ticks every 0.05, chosen here: gonum's default labels round to
	// significant digits and can print a tick at 1.15 as "1.1".
	var marks []float64
	for k := 0; 0.9+0.05*float64(k) <= zoom.Y.Max; k++ {
		marks = append(marks, math.Round((0.9+0.05*float64(k))*100)/100)
	}
	zoom.Y.Tick.Marker = lab.TicksAt(marks...)
	r.Plots = []*plot.Plot{top, zoom}
	r.Cols = 1
	r.Height = lab.PanelHeight * 0.9
	return r, nil
}
