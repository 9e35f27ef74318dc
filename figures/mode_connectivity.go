package figures

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// modeConnectivity is the mode-connectivity row of claims b and i of the
// brief (Garipov et al. 2018; Draxler et al. 2018): two networks trained
// from different starts are separated by a hill on the straight segment
// between them, yet joined by a curved path along which the loss stays
// low. The path is a quadratic Bézier curve whose middle control point is
// trained to minimise the mean loss along the curve.
var modeConnectivity = &lab.Experiment{
	Name: "mode-connectivity",
	Doc: "Trains two 2-h-1 ReLU networks on the wave task from different starts, then compares the loss along the straight " +
		"segment between them with the loss along a quadratic Bézier curve whose control point is trained.",
	Params: []lab.Param{
		lab.Int("hidden", 16, 2, 32, "the number of hidden ReLU units h").Costly(),
		lab.Int("nodes", 16, 2, 32, "the number of Gauss–Legendre nodes in t that estimate the mean loss along the curve while it is trained").Costly(),
		lab.Int("steps", 200, 20, 1000, "the number of intervals in t at which both paths are evaluated").Costly(),
		lab.Int("grid", 41, 11, 61, "the number of grid points along each axis of the map of the plane through the three points").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "Top: a contour map of the loss on the plane through the two trained networks and the curve's control point. " +
			"The straight segment between the networks crosses a ridge of high loss; the trained curve bends around it through a valley. " +
			"Bottom: the loss along both paths on a logarithmic scale. On the segment it climbs by orders of magnitude in the middle; " +
			"on the curve it stays close to the loss of the two ends."
	},
	Run: runModeConnectivity,
}

// mcPlane returns an orthonormal basis (u, w) of the plane through a, b and
// m, with u along b − a, and the coordinates of a point p in that basis,
// measured from a.
func mcPlane(a, b, m []float64) (u, w []float64, coords func(p []float64) (float64, float64)) {
	u = slices.Clone(b)
	floats.Sub(u, a)
	floats.Scale(1/floats.Norm(u, 2), u)
	w = slices.Clone(m)
	floats.Sub(w, a)
	floats.AddScaled(w, -floats.Dot(w, u), u)
	floats.Scale(1/floats.Norm(w, 2), w)
	d := make([]float64, len(a))
	return u, w, func(p []float64) (float64, float64) {
		floats.SubTo(d, p, a)
		return floats.Dot(d, u), floats.Dot(d, w)
	}
}

func runModeConnectivity(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	h, steps, n := args.Int("hidden"), args.Int("steps"), args.Int("grid")
	net, obj := landProblem(h, nn.ReLU)
	a, err := landTrain(ctx, obj, net.Init(rng), 500)
	if err != nil {
		return nil, err
	}
	b, err := landTrain(ctx, obj, net.Init(rng), 500)
	if err != nil {
		return nil, err
	}
	// Garipov et al. start the control point at the segment's midpoint,
	// where the curve is the segment itself.
	curveLoss := nn.NewCurveLoss(obj, a, b, args.Int("nodes"))
	m, err := landTrain(ctx, curveLoss, nn.Interpolate(a, b, 0.5), 500)
	if err != nil {
		return nil, err
	}

	ts, straight := landSegment(obj, a, b, steps)
	_, curved := nn.Along(obj, steps, func(dst []float64, t float64) { nn.BezierTo(dst, a, m, b, t) })
	lin, linAt := nn.Barrier(ts, straight)
	cur, curAt := nn.Barrier(ts, curved)
	la, lb := straight[0], straight[steps]

	r := &lab.Result{Data: lab.Table{Header: []string{"series", "t", "u", "w", "loss"}}}
	u, w, coords := mcPlane(a, b, m)
	pt := make([]float64, len(a))
	var segXY, curveXY plotter.XYs
	for i, t := range ts {
		x, y := coords(nn.InterpolateTo(pt, a, b, t))
		segXY = append(segXY, plotter.XY{X: x, Y: y})
		r.Data.Add("segment", t, x, y, straight[i])
	}
	for i, t := range ts {
		x, y := coords(nn.BezierTo(pt, a, m, b, t))
		curveXY = append(curveXY, plotter.XY{X: x, Y: y})
		r.Data.Add("curve", t, x, y, curved[i])
	}
	mx, my := coords(m)
	length := segXY[steps].X
	x0, x1 := -0.2*length, 1.2*length
	y0, y1 := math.Min(0, my)-0.25*length, math.Max(0, my)+0.25*length
	for _, xy := range curveXY {
		y0, y1 = math.Min(y0, xy.Y-0.15*length), math.Max(y1, xy.Y+0.15*length)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := lab.SampleGrid(func(x, y float64) float64 {
		floats.AddScaledTo(pt, a, x, u)
		floats.AddScaled(pt, y, w)
		return obj.Loss(pt)
	}, x0, x1, y0, y1, n)
	for row, y := range g.Ys {
		for col, x := range g.Xs {
			r.Data.Add("plane", "", x, y, g.Zs[row][col])
		}
	}

	r.Int("hidden", h)
	r.Float("loss-a", "%.2g", la)
	r.Float("loss-b", "%.2g", lb)
	r.Float("linear-barrier", "%.3g", lin)
	r.Float("linear-peak-t", "%.2f", ts[linAt])
	r.Float("curve-barrier", "%.2g", cur)
	r.Float("curve-peak-t", "%.2f", ts[curAt])
	r.Float("curve-max", "%.2g", slices.Max(curved))
	r.Float("segment-max", "%.3g", slices.Max(straight))
	r.Float("ratio", "%.2g", cur/lin)
	r.Float("distance", "%.3g", floats.Distance(a, b, 2))
	r.Float("bend", "%.3g", math.Abs(my))
	r.Check("linear-barrier", "the straight segment between the two networks rises far above both ends",
		lin > 10*math.Max(la, lb), "barrier %.4g, end losses %.3g and %.3g", lin, la, lb)
	r.Check("curve-low", "the trained curve's barrier is less than a tenth of the segment's",
		cur < 0.1*lin, "barrier %.3g on the curve, %.4g on the segment: ratio %.3g", cur, lin, cur/lin)
	// The set of weights with loss at most the curve's highest loss holds
	// both networks and the curve between them, so it is connected; if the
	// segment leaves it, the set is not convex, and the loss is not even
	// quasiconvex (every sublevel set of a quasiconvex function is convex).
	curveTop, segTop := slices.Max(curved), slices.Max(straight)
	r.Check("sublevel-not-convex", "the set where the loss is at most the curve's highest value contains both networks but not the segment between them",
		segTop > curveTop, "highest loss %.3g on the curve, %.4g on the segment", curveTop, segTop)
	return mcDraw(r, g, segXY, curveXY, mx, my, ts, straight, curved)
}

// mcDraw draws the plane through the three points with both paths, above
// the loss along each path.
func mcDraw(r *lab.Result, g *lab.Grid, segXY, curveXY plotter.XYs, mx, my float64, ts, straight, curved []float64) (*lab.Result, error) {
	top := lab.NewPlot("", "along the segment", "across it")
	x0, x1 := g.Xs[0], g.Xs[len(g.Xs)-1]
	y0, y1 := g.Ys[0], g.Ys[len(g.Ys)-1]
	top.X.Min, top.X.Max, top.Y.Min, top.Y.Max = x0, x1, y0, y1
	logs := logGrid(g)
	lo, hi := logs.Range()
	var levels []float64
	for d := math.Ceil(lo*2) / 2; d <= hi; d += 0.5 {
		levels = append(levels, d)
	}
	heat, contours := lab.Surface(logs, lab.Sequential(), lo, hi, levels)
	seg, err := lab.Series(segXY, 1, false)
	if err != nil {
		return nil, err
	}
	curve, err := lab.Series(curveXY, 0, false)
	if err != nil {
		return nil, err
	}
	ends, err := lab.Points(plotter.XYs{segXY[0], segXY[len(segXY)-1]}, 7)
	if err != nil {
		return nil, err
	}
	control, err := lab.Points(plotter.XYs{{X: mx, Y: my}}, 0)
	if err != nil {
		return nil, err
	}
	// The bottom panel's legend names the two paths; a legend over the
	// map would hide part of it.
	top.Add(heat, contours, seg, curve, ends, control)
	top.X.Tick.Label.Color, top.Y.Tick.Label.Color = lab.Gray, lab.Gray

	bottom := lab.NewPlot("", "t, position along the path", "loss (logarithmic scale)")
	bottom.Y.Scale = plot.LogScale{}
	bottom.Y.Tick.Marker = lab.Ticks{Ticker: plot.LogTicks{}}
	bottom.X.Min, bottom.X.Max = 0, 1
	for i, ls := range [][]float64{straight, curved} {
		xys := make(plotter.XYs, len(ts))
		for k := range ts {
			xys[k] = plotter.XY{X: ts[k], Y: ls[k]}
		}
		line, err := lab.Series(xys, 1-i, false)
		if err != nil {
			return nil, err
		}
		bottom.Add(line)
		bottom.Legend.Add([]string{"straight segment", "trained curve"}[i], line)
	}
	bottom.Y.Max = slices.Max(straight) * 20
	bottom.Y.Min = math.Min(slices.Min(curved), slices.Min(straight)) / 2
	r.Plots = []*plot.Plot{top, bottom}
	r.Cols = 1
	return r, nil
}
