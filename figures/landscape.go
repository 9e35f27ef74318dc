package figures

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/nn"
)

// This file holds what the landscape experiments share (the articles on
// pictures of the loss and on connected minima). Their task, which the
// articles call the wave task, is a network with two inputs, one hidden
// layer and one linear output, fitted by mean square error to a wave
// sampled on a grid: small enough to train in milliseconds, hard enough
// that a few hidden units cannot fit it exactly.

// landSide is the number of grid points along each input axis.
const landSide = 8

// landTarget is the function the networks learn.
func landTarget(x1, x2 float64) float64 { return math.Sin(3*x1) * math.Cos(2*x2) }

// landData returns the inputs of a landSide × landSide grid on [−1, 1]²
// and their targets.
func landData() nn.Data {
	n := landSide * landSide
	x, y := mat.NewDense(n, 2, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		x1 := -1 + 2*float64(i%landSide)/(landSide-1)
		x2 := -1 + 2*float64(i/landSide)/(landSide-1)
		x.Set(i, 0, x1)
		x.Set(i, 1, x2)
		y.Set(i, 0, landTarget(x1, x2))
	}
	return nn.Data{X: x, Y: y}
}

// landProblem returns a 2-h-1 network with the given hidden activation and
// its mean-square objective on the wave.
func landProblem(hidden int, act nn.Activation) (*nn.Net, *nn.Objective) {
	net := nn.New([]int{2, hidden, 1}, []nn.Activation{act, nn.Linear})
	return net, nn.NewObjective(net, nn.Square, landData())
}

// landTrain minimises f by L-BFGS from theta0 for at most iters iterations.
// Stopping at the cap is not an error: the landscape experiments need
// networks that fit the data well, not exact minima. Only cancellation and
// divergence are errors.
func landTrain(ctx context.Context, f nn.Differentiable, theta0 []float64, iters int) ([]float64, error) {
	res, err := nn.LBFGS(ctx, f, theta0, nn.LBFGSConfig{MaxIters: iters})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if errors.Is(err, nn.ErrDiverged) || len(res.Theta) == 0 {
		return nil, fmt.Errorf("training diverged: %w", err)
	}
	return res.Theta, nil
}

// landSegment returns the losses at n+1 equally spaced points of the
// straight segment from a to b.
func landSegment(f nn.Differentiable, a, b []float64, n int) (ts, ls []float64) {
	return nn.Along(f, n, func(dst []float64, t float64) { nn.InterpolateTo(dst, a, b, t) })
}

// logGrid returns the grid of log₁₀ of g's values, for colouring losses
// that span decades.
func logGrid(g *lab.Grid) *lab.Grid {
	out := &lab.Grid{Xs: g.Xs, Ys: g.Ys, Zs: make([][]float64, len(g.Zs))}
	for r, row := range g.Zs {
		out.Zs[r] = make([]float64, len(row))
		for c, z := range row {
			out.Zs[r][c] = math.Log10(z)
		}
	}
	return out
}

// setTitle gives p a title in the house font at the given size in points.
// gonum/plot draws a title's top one font descent above its canvas, which
// clips it when the plot is a panel at the top of a figure; the title is
// aligned that much lower to stay inside.
func setTitle(p *plot.Plot, title string, size float64) {
	p.Title.Text = title
	p.Title.TextStyle.Font = lab.Font(size)
	h := p.Title.TextStyle.Height(title)
	d := p.Title.TextStyle.FontExtents().Descent
	p.Title.TextStyle.YAlign = text.YTop - text.YAlignment(d/h)
}
