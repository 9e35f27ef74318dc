package nn_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nonconvex/explainer/figures/nn"
)

// sinProblem is a 1-8-1 tanh regression of sin on [-π, π].
func sinProblem() (*nn.Objective, []float64) {
	const n = 40
	X := mat.NewDense(n, 1, nil)
	Y := mat.NewDense(n, 1, nil)
	for i := range n {
		x := -math.Pi + 2*math.Pi*float64(i)/(n-1)
		X.Set(i, 0, x)
		Y.Set(i, 0, math.Sin(x))
	}
	net := nn.New([]int{1, 8, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	return nn.NewObjective(net, nn.Square, nn.Data{X: X, Y: Y}), net.Init(rand.New(rand.NewPCG(1, 0)))
}

type trainer struct {
	name string
	run  func(context.Context, nn.Differentiable, []float64) (nn.Result, error)
	// reduce is the factor by which the loss must at least fall.
	reduce float64
}

var trainers = []trainer{
	{"gd", func(ctx context.Context, f nn.Differentiable, th []float64) (nn.Result, error) {
		return nn.GradientDescent(ctx, f, th, nn.GDConfig{Step: 0.05, Iters: 3000})
	}, 50},
	{"adam", func(ctx context.Context, f nn.Differentiable, th []float64) (nn.Result, error) {
		return nn.Adam(ctx, f, th, nn.AdamConfig{Step: 0.02, Iters: 2000})
	}, 1000},
	{"lbfgs", func(ctx context.Context, f nn.Differentiable, th []float64) (nn.Result, error) {
		return nn.LBFGS(ctx, f, th, nn.LBFGSConfig{MaxIters: 300})
	}, 1000},
}

func TestTrainersReduceLossDeterministically(t *testing.T) {
	for _, tr := range trainers {
		t.Run(tr.name, func(t *testing.T) {
			obj, theta0 := sinProblem()
			keep := append([]float64(nil), theta0...)
			res, err := tr.run(context.Background(), obj, theta0)
			if err != nil {
				t.Fatal(err)
			}
			if !vecEqual(theta0, keep) {
				t.Error("trainer modified its starting point")
			}
			first, last := res.Loss[0], res.Loss[len(res.Loss)-1]
			closeTo(t, "Loss[0]", first, obj.Loss(theta0), 0)
			closeTo(t, "last Loss", last, obj.Loss(res.Theta), 0)
			if last > first/tr.reduce {
				t.Errorf("loss went from %g to %g, want a %g-fold reduction", first, last, tr.reduce)
			}
			t.Logf("loss %g -> %g in %d iterations", first, last, len(res.Loss)-1)

			obj2, theta2 := sinProblem()
			res2, err := tr.run(context.Background(), obj2, theta2)
			if err != nil {
				t.Fatal(err)
			}
			if !vecEqual(res.Theta, res2.Theta) || !vecEqual(res.Loss, res2.Loss) {
				t.Error("two runs from the same seed differ")
			}
		})
	}
}

// cancelAfter cancels its context after a number of gradient evaluations,
// so a cancellation mid-run is reproducible without clocks or goroutines.
type cancelAfter struct {
	nn.Differentiable
	left   int
	cancel context.CancelFunc
}

func (c *cancelAfter) Grad(theta, grad []float64) float64 {
	if c.left--; c.left == 0 {
		c.cancel()
	}
	return c.Differentiable.Grad(theta, grad)
}

func TestTrainersStopOnCancel(t *testing.T) {
	for _, tr := range trainers {
		t.Run(tr.name, func(t *testing.T) {
			obj, theta0 := sinProblem()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			res, err := tr.run(ctx, obj, theta0)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("pre-cancelled run: err = %v, want context.Canceled", err)
			}
			if !vecEqual(res.Theta, theta0) {
				t.Error("pre-cancelled run moved theta")
			}

			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			f := &cancelAfter{Differentiable: obj, left: 40, cancel: cancel}
			res, err = tr.run(ctx, f, theta0)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("run cancelled mid-way: err = %v, want context.Canceled", err)
			}
			if f.left < -40 {
				t.Errorf("%d gradient evaluations after cancelling", -f.left)
			}
			if len(res.Theta) != len(theta0) || len(res.Loss) == 0 {
				t.Errorf("cancelled run returned theta of length %d and %d losses", len(res.Theta), len(res.Loss))
			}
		})
	}
}

func TestGradientDescentReportsDivergence(t *testing.T) {
	obj, theta0 := sinProblem()
	res, err := nn.GradientDescent(context.Background(), obj, theta0, nn.GDConfig{Step: 50, Iters: 1000})
	if !errors.Is(err, nn.ErrDiverged) {
		t.Fatalf("err = %v, want ErrDiverged", err)
	}
	if len(res.Loss) == 0 || len(res.Loss) > 1000 {
		t.Errorf("diverged run has %d losses", len(res.Loss))
	}
}

func TestLBFGSSolvesCounterexample(t *testing.T) {
	// From near theta1 L-BFGS reaches the zero-loss minimum.
	_, obj, theta1, _ := counterexample()
	start := append([]float64(nil), theta1...)
	start[0] += 0.2
	start[4] -= 0.1
	res, err := nn.LBFGS(context.Background(), obj, start, nn.LBFGSConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Loss[len(res.Loss)-1]; l > 1e-20 {
		t.Errorf("final loss %g", l)
	}
}
