package figures

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// rebasinWidth is the re-basin row of claim b of the brief (Entezari et al.
// 2022; Ainsworth et al. 2023): part of the barrier between two trained
// networks is an artefact of the order in which their hidden units happen
// to be listed. Weight matching relabels one network's units to line up
// with the other's, and the barrier that remains, as a fraction of the one
// before, shrinks as the networks get wider.
var rebasinWidth = &lab.Experiment{
	Name: "rebasin-width",
	Doc: "For 2-h-1 ReLU networks of widths h = 4, 16 and 64 trained in pairs on the wave task, the loss barrier on the straight " +
		"segment between the two networks of a pair, before and after weight matching aligns their hidden units.",
	Params: []lab.Param{
		lab.Int("pairs", 3, 3, 4, "the number of independently trained pairs of networks at each width").Costly(),
		lab.Int("iters", 500, 100, 1000, "the largest number of L-BFGS iterations for each network").Costly(),
		lab.Int("steps", 100, 10, 500, "the number of intervals at which each segment is evaluated").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Bars for three widths, 4, 16 and 64 hidden units: the mean loss barrier on the straight segment between two " +
			"independently trained networks, before and after weight matching, on a logarithmic scale, with each pair's barriers as dots. " +
			"Matching lowers the barrier at every width, and the wider the networks, the larger the fraction of the barrier it removes."
	},
	Run: runRebasinWidth,
}

// rbWidths are the widths compared.
var rbWidths = []int{4, 16, 64}

// rbPair is one pair of trained networks and its barriers.
type rbPair struct {
	naive, aligned float64
	outputDiff     float64 // how much alignment changed the second network's outputs
}

func rbTrainPair(ctx context.Context, net *nn.Net, obj *nn.Objective, rng *rand.Rand, iters, steps int) (rbPair, error) {
	a, err := landTrain(ctx, obj, net.Init(rng), iters)
	if err != nil {
		return rbPair{}, err
	}
	b, err := landTrain(ctx, obj, net.Init(rng), iters)
	if err != nil {
		return rbPair{}, err
	}
	aligned := net.PermuteAll(b, net.Match(a, b))
	p := rbPair{naive: rbBarrier(obj, a, b, steps), aligned: rbBarrier(obj, a, aligned, steps)}
	x := []float64{0, 0}
	for i := range landSide * landSide {
		x[0], x[1] = -1+2*float64(i%landSide)/(landSide-1), -1+2*float64(i/landSide)/(landSide-1)
		p.outputDiff = math.Max(p.outputDiff, math.Abs(net.Forward(b, x)[0]-net.Forward(aligned, x)[0]))
	}
	return p, nil
}

func rbBarrier(f nn.Differentiable, a, b []float64, steps int) float64 {
	h, _ := nn.Barrier(landSegment(f, a, b, steps))
	return h
}

func runRebasinWidth(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	pairs, iters, steps := args.Int("pairs"), args.Int("iters"), args.Int("steps")
	results := make([][]rbPair, len(rbWidths))
	naive, aligned, ratio := make([]float64, len(rbWidths)), make([]float64, len(rbWidths)), make([]float64, len(rbWidths))
	worstDiff := 0.0
	r := &lab.Result{Data: lab.Table{Header: []string{"hidden", "pair", "barrier_naive", "barrier_aligned"}}}
	for w, h := range rbWidths {
		net, obj := landProblem(h, nn.ReLU)
		for k := range pairs {
			p, err := rbTrainPair(ctx, net, obj, rng, iters, steps)
			if err != nil {
				return nil, err
			}
			results[w] = append(results[w], p)
			naive[w] += p.naive / float64(pairs)
			aligned[w] += p.aligned / float64(pairs)
			worstDiff = math.Max(worstDiff, p.outputDiff)
			r.Data.Add(h, k+1, p.naive, p.aligned)
		}
		ratio[w] = aligned[w] / naive[w]
	}

	falls := true
	for w := 1; w < len(rbWidths); w++ {
		falls = falls && ratio[w] < ratio[w-1]
	}
	lower := true
	for w := range rbWidths {
		lower = lower && aligned[w] < naive[w]
	}
	r.Int("pairs", pairs)
	for w, h := range rbWidths {
		r.Float(fmt.Sprintf("naive-%d", h), "%.3g", naive[w])
		r.Float(fmt.Sprintf("aligned-%d", h), "%.2g", aligned[w])
		r.Float(fmt.Sprintf("ratio-%d", h), "%.2f", ratio[w])
		r.Float(fmt.Sprintf("removed-%d", h), "%.0f%%", 100*(1-ratio[w]))
	}
	r.Float("output-diff", "%.1e", worstDiff)
	r.Check("same-function", "weight matching leaves every network's function unchanged",
		worstDiff <= 1e-12, "largest output difference %.1e on the training inputs, tolerance 1e-12", worstDiff)
	r.Check("lower", "at every width, matching lowers the mean barrier",
		lower, "mean barriers before → after: %s", rbList(naive, aligned))
	r.Check("ratio-falls", "the fraction of the barrier left after matching falls as the width grows",
		falls, "after/before at h = 4, 16, 64: %.3f, %.3f, %.3f", ratio[0], ratio[1], ratio[2])
	p, err := rbPlot(results, naive, aligned)
	if err != nil {
		return nil, err
	}
	r.Plots = []*plot.Plot{p}
	return r, nil
}

func rbList(before, after []float64) string {
	s := ""
	for w, h := range rbWidths {
		if w > 0 {
			s += "; "
		}
		s += fmt.Sprintf("h = %d: %.3g → %.3g", h, before[w], after[w])
	}
	return s
}

// rbPlot draws the mean barriers as bars, two per width, and each pair's
// barriers as dots on its bar.
func rbPlot(results [][]rbPair, naive, aligned []float64) (*plot.Plot, error) {
	p := lab.NewPlot("", "hidden units h", "barrier on the segment")
	hi := 0.0
	for w := range results {
		for _, pr := range results[w] {
			hi = math.Max(hi, pr.naive)
		}
	}
	// Headroom keeps the legend, top right, clear of the bars.
	p.Y.Min, p.Y.Max = 0, hi*1.35
	width := vg.Points(22)
	for i, means := range [][]float64{naive, aligned} {
		bars, err := plotter.NewBarChart(plotter.Values(means), width)
		if err != nil {
			return nil, err
		}
		colour := 1 - i // naive in vermilion, aligned in blue, as on the segment plots
		bars.Color = lab.Palette[colour]
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(2*i-1) * width / 2
		p.Add(bars)
		p.Legend.Add([]string{"straight segment", "after weight matching"}[i], bars)
		var dots plotter.XYs
		for w := range results {
			for _, pr := range results[w] {
				v := pr.naive
				if i == 1 {
					v = pr.aligned
				}
				dots = append(dots, plotter.XY{X: float64(w), Y: v})
			}
		}
		// Bar w is drawn at x = w shifted by an offset in points, which
		// data coordinates cannot express, so the glyphs carry the shift.
		s, err := plotter.NewScatter(dots)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: lab.Palette[7], Radius: vg.Points(2), Shape: rbShifted{draw.CircleGlyph{}, bars.Offset}}
		p.Add(s)
	}
	names := make([]string, len(rbWidths))
	for w, h := range rbWidths {
		names[w] = fmt.Sprint(h)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(rbWidths))-0.4
	p.Legend.Top, p.Legend.Left = true, false
	return p, nil
}

// rbShifted draws a glyph shifted horizontally by dx, to sit on a bar that
// a bar chart offsets in points.
type rbShifted struct {
	draw.GlyphDrawer
	dx vg.Length
}

func (s rbShifted) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	s.GlyphDrawer.DrawGlyph(c, sty, vg.Point{X: pt.X + s.dx, Y: pt.Y})
}
