package nn

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Differentiable is a scalar function of theta with an exact gradient, the
// input of the trainers. *Objective implements it; experiments can wrap one
// to add, say, a penalty.
type Differentiable interface {
	// Dim returns the length of theta.
	Dim() int
	// Loss returns the value at theta.
	Loss(theta []float64) float64
	// Grad writes the gradient at theta into grad and returns the value.
	Grad(theta, grad []float64) float64
}

// Result is the outcome of a training run.
type Result struct {
	// Theta is the final parameter vector (a fresh slice).
	Theta []float64
	// Loss is the history: Loss[0] at the starting point, then one value
	// per iteration (per major iteration for L-BFGS); the last entry is the
	// loss at Theta. A run stopped by an error keeps the history up to the
	// stop, which may be empty.
	Loss []float64
}

// ErrDiverged is wrapped by trainers' errors when the loss stops being
// finite, typically because the step is too large.
var ErrDiverged = errors.New("nn: loss is not finite")

// checkEvery is how many iterations pass between context checks: often
// enough to stop within microseconds on these problem sizes, rarely enough
// that the check never shows in a profile.
const checkEvery = 16

// GDConfig configures GradientDescent.
type GDConfig struct {
	Step  float64 // fixed step size, > 0
	Iters int     // number of steps, >= 0
}

// GradientDescent runs Iters steps of theta <- theta - Step grad(theta)
// from theta0 (which it does not modify). On cancellation of ctx or a
// non-finite loss it returns the run so far with an error wrapping
// ctx.Err() or ErrDiverged.
func GradientDescent(ctx context.Context, f Differentiable, theta0 []float64, cfg GDConfig) (Result, error) {
	if !(cfg.Step > 0) || cfg.Iters < 0 {
		panic(fmt.Sprintf("nn: gradient descent needs Step > 0 and Iters >= 0, got %+v", cfg))
	}
	theta, grad := start(f, theta0)
	hist := make([]float64, 0, cfg.Iters+1)
	for it := range cfg.Iters {
		if err := poll(ctx, it, "gradient descent"); err != nil {
			return Result{theta, hist}, err
		}
		loss := f.Grad(theta, grad)
		hist = append(hist, loss)
		if !finite(loss) {
			return Result{theta, hist}, fmt.Errorf("nn: gradient descent at iteration %d: %w", it, ErrDiverged)
		}
		for i, g := range grad {
			theta[i] -= cfg.Step * g
		}
	}
	return finish(f, theta, hist, "gradient descent")
}

// AdamConfig configures Adam; zero fields other than Step and Iters take
// the usual defaults Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8.
type AdamConfig struct {
	Step         float64 // learning rate, > 0
	Beta1, Beta2 float64 // decay rates of the first and second moment estimates
	Eps          float64 // added to the root of the second moment
	Iters        int     // number of steps, >= 0
}

// Adam runs full-batch Adam (Kingma & Ba 2015, with bias correction) from
// theta0, which it does not modify. Errors are as for GradientDescent.
func Adam(ctx context.Context, f Differentiable, theta0 []float64, cfg AdamConfig) (Result, error) {
	if cfg.Beta1 == 0 {
		cfg.Beta1 = 0.9
	}
	if cfg.Beta2 == 0 {
		cfg.Beta2 = 0.999
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-8
	}
	if !(cfg.Step > 0) || cfg.Iters < 0 || !(cfg.Beta1 > 0 && cfg.Beta1 < 1) || !(cfg.Beta2 > 0 && cfg.Beta2 < 1) || !(cfg.Eps > 0) {
		panic(fmt.Sprintf("nn: invalid Adam configuration %+v", cfg))
	}
	theta, grad := start(f, theta0)
	m := make([]float64, len(theta))
	v := make([]float64, len(theta))
	hist := make([]float64, 0, cfg.Iters+1)
	p1, p2 := 1.0, 1.0 // Beta1^t, Beta2^t
	for it := range cfg.Iters {
		if err := poll(ctx, it, "adam"); err != nil {
			return Result{theta, hist}, err
		}
		loss := f.Grad(theta, grad)
		hist = append(hist, loss)
		if !finite(loss) {
			return Result{theta, hist}, fmt.Errorf("nn: adam at iteration %d: %w", it, ErrDiverged)
		}
		p1 *= cfg.Beta1
		p2 *= cfg.Beta2
		c1, c2 := 1/(1-p1), 1/(1-p2)
		for i, g := range grad {
			m[i] = cfg.Beta1*m[i] + (1-cfg.Beta1)*g
			v[i] = cfg.Beta2*v[i] + (1-cfg.Beta2)*g*g
			theta[i] -= cfg.Step * (m[i] * c1) / (math.Sqrt(v[i]*c2) + cfg.Eps)
		}
	}
	return finish(f, theta, hist, "adam")
}

// LBFGSConfig configures LBFGS; zero fields take the defaults.
type LBFGSConfig struct {
	MaxIters int     // major iterations, counting the start as gonum does (so at most MaxIters−1 steps); default 1000
	GradTol  float64 // stop when the gradient's max-norm is below; default 1e-10
	Store    int     // curvature pairs remembered; default 15 (gonum's)
}

// LBFGS minimises f from theta0 (not modified) with gonum's limited-memory
// BFGS and its default strong-Wolfe line search. It stops at GradTol,
// MaxIters, or when the loss has not improved by 1e-10 in 100 iterations
// (gonum's default convergence test); a line search that can make no more
// progress in floating point, or that fails where the gradient is already
// negligible (max-norm below 1e-6), also counts as converged. On
// cancellation it
// returns the best point so far with an error wrapping ctx.Err(); other
// optimizer failures are wrapped too.
func LBFGS(ctx context.Context, f Differentiable, theta0 []float64, cfg LBFGSConfig) (Result, error) {
	if cfg.MaxIters == 0 {
		cfg.MaxIters = 1000
	}
	if cfg.GradTol == 0 {
		cfg.GradTol = 1e-10
	}
	if cfg.MaxIters < 0 || !(cfg.GradTol > 0) || cfg.Store < 0 {
		panic(fmt.Sprintf("nn: invalid L-BFGS configuration %+v", cfg))
	}
	theta, _ := start(f, theta0)
	rec := &recorder{ctx: ctx}
	prob := optimize.Problem{
		Func: f.Loss,
		Grad: func(grad, x []float64) { f.Grad(x, grad) },
	}
	settings := &optimize.Settings{
		GradientThreshold: cfg.GradTol,
		MajorIterations:   cfg.MaxIters,
		Recorder:          rec,
		Concurrent:        1,
	}
	method := &optimize.LBFGS{Store: cfg.Store, GradStopThreshold: cfg.GradTol}
	res, err := optimize.Minimize(prob, theta, settings, method)
	if res != nil {
		copy(theta, res.X)
	}
	switch {
	case err == nil || errors.Is(err, optimize.ErrNoProgress):
	case rec.stopped != nil:
		return Result{theta, rec.hist}, rec.stopped
	case errors.Is(err, optimize.ErrLinesearcherFailure) && negligibleGradient(f, theta):
	default:
		return Result{theta, rec.hist}, fmt.Errorf("nn: l-bfgs: %w", err)
	}
	// The history ends at the last accepted iterate; make the promise that
	// its last entry is the loss at Theta hold even if gonum returned an
	// earlier best point.
	if loss := f.Loss(theta); len(rec.hist) == 0 || rec.hist[len(rec.hist)-1] != loss {
		rec.hist = append(rec.hist, loss)
	}
	if !finite(rec.hist[len(rec.hist)-1]) {
		return Result{theta, rec.hist}, fmt.Errorf("nn: l-bfgs: %w", ErrDiverged)
	}
	return Result{theta, rec.hist}, nil
}

// negligibleGradient reports whether the gradient at theta is so small
// that a failed line search there means rounding, not a bad direction.
func negligibleGradient(f Differentiable, theta []float64) bool {
	grad := make([]float64, len(theta))
	f.Grad(theta, grad)
	for _, g := range grad {
		if math.Abs(g) > 1e-6 {
			return false
		}
	}
	return true
}

// recorder collects the loss at each major iteration and aborts the run
// when the context is done; gonum checks a Recorder's error after every
// operation, which is the only hook it offers for stopping from outside.
type recorder struct {
	ctx     context.Context
	hist    []float64
	stopped error
}

func (r *recorder) Init() error { return nil }

func (r *recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op != optimize.InitIteration && op != optimize.MajorIteration {
		return nil
	}
	// Each major iteration costs several evaluations, so check every one.
	if err := r.ctx.Err(); err != nil {
		r.stopped = fmt.Errorf("nn: l-bfgs stopped at iteration %d: %w", max(len(r.hist)-1, 0), err)
		return r.stopped
	}
	if op == optimize.MajorIteration {
		r.hist = append(r.hist, loc.F)
	}
	return nil
}

// start validates theta0 and returns a working copy and a gradient buffer.
func start(f Differentiable, theta0 []float64) (theta, grad []float64) {
	if len(theta0) != f.Dim() {
		panic(fmt.Sprintf("nn: starting point has length %d, objective needs %d", len(theta0), f.Dim()))
	}
	return append([]float64(nil), theta0...), make([]float64, len(theta0))
}

// poll returns a wrapped ctx.Err() on every checkEvery-th iteration.
func poll(ctx context.Context, it int, who string) error {
	if it%checkEvery != 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nn: %s stopped at iteration %d: %w", who, it, err)
	}
	return nil
}

// finish appends the loss at the final theta to the history.
func finish(f Differentiable, theta, hist []float64, who string) (Result, error) {
	loss := f.Loss(theta)
	hist = append(hist, loss)
	if !finite(loss) {
		return Result{theta, hist}, fmt.Errorf("nn: %s at the final iterate: %w", who, ErrDiverged)
	}
	return Result{theta, hist}, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
