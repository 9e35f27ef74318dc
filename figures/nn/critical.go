package nn

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Curved is a Differentiable with an exact Hessian, the input of
// FindCritical. *Objective and *Decayed implement it.
type Curved interface {
	Differentiable
	// Hessian returns the Hessian at theta.
	Hessian(theta []float64) *mat.SymDense
}

// Decayed is an objective plus weight decay: Loss(θ) = f(θ) + (λ/2)‖θ‖²,
// with gradient ∇f + λθ and Hessian ∇²f + λI. The decay makes isolated
// critical points out of the flat directions a network's loss often has
// (a unit that contributes nothing can move freely without it).
type Decayed struct {
	*Objective
	Lambda float64 // λ ≥ 0
}

// Loss returns f(θ) + (λ/2)‖θ‖².
func (d *Decayed) Loss(theta []float64) float64 {
	return d.Objective.Loss(theta) + d.Lambda/2*floats.Dot(theta, theta)
}

// Grad writes ∇f(θ) + λθ into grad and returns the loss.
func (d *Decayed) Grad(theta, grad []float64) float64 {
	l := d.Objective.Grad(theta, grad)
	floats.AddScaled(grad, d.Lambda, theta)
	return l + d.Lambda/2*floats.Dot(theta, theta)
}

// Hessian returns ∇²f(θ) + λI, exact.
func (d *Decayed) Hessian(theta []float64) *mat.SymDense {
	h := d.Objective.Hessian(theta)
	for i := range theta {
		h.SetSym(i, i, h.At(i, i)+d.Lambda)
	}
	return h
}

// CriticalConfig configures FindCritical; zero fields take the defaults.
type CriticalConfig struct {
	MaxIters int     // Levenberg–Marquardt iterations; default 200
	GradTol  float64 // stop when ‖∇f‖ falls below; default 1e-12
}

// Critical is the outcome of FindCritical.
type Critical struct {
	Theta    []float64 // the last iterate (a fresh slice)
	Loss     float64   // f there
	GradNorm float64   // ‖∇f‖ there, Euclidean
	Iters    int       // iterations taken
}

// FindCritical looks for a point where the gradient of f vanishes, starting
// from theta0 (not modified). Minimising f would only find minima; instead
// it solves ∇f(θ) = 0 as a nonlinear system, by Levenberg–Marquardt on the
// residual ∇f, whose Jacobian is the Hessian H:
//
//	(H² + μI) δ = −H ∇f,
//
// accepting the step when it shrinks ‖∇f‖ (and then trusting the Newton
// model more, μ ← μ/3), else rejecting it (μ ← 4μ). Near a nondegenerate
// critical point of any index this is Newton's method, δ = −H⁻¹∇f, which
// converges quadratically to saddles as readily as to minima; this is how
// Dauphin et al. (2014) located the critical points of small networks.
//
// The search can also end at a local minimum of ‖∇f‖² that is not
// critical (where H ∇f = 0), so callers must check GradNorm; the search
// stops when the gradient is below GradTol, after MaxIters iterations, or
// when μ grows so large that no step shrinks the gradient any more. It
// returns an error only when ctx is done.
func FindCritical(ctx context.Context, f Curved, theta0 []float64, cfg CriticalConfig) (Critical, error) {
	if cfg.MaxIters == 0 {
		cfg.MaxIters = 200
	}
	if cfg.GradTol == 0 {
		cfg.GradTol = 1e-12
	}
	if cfg.MaxIters < 0 || !(cfg.GradTol > 0) {
		panic(fmt.Sprintf("nn: invalid critical-point configuration %+v", cfg))
	}
	theta, grad := start(f, theta0)
	n := len(theta)
	trial, tgrad := make([]float64, n), make([]float64, n)
	hg, step := mat.NewVecDense(n, nil), mat.NewVecDense(n, nil)
	var h2 mat.SymDense
	var chol mat.Cholesky

	loss := f.Grad(theta, grad)
	norm := floats.Norm(grad, 2)
	mu := 1e-3
	it := 0
	for ; it < cfg.MaxIters && norm > cfg.GradTol; it++ {
		if err := poll(ctx, it, "critical-point search"); err != nil {
			return Critical{theta, loss, norm, it}, err
		}
		h := f.Hessian(theta)
		h2.SymOuterK(1, h) // H Hᵀ = H², H being symmetric
		hg.MulVec(h, mat.NewVecDense(n, grad))
		// μ is relative to the scale of H², so that it means the same for
		// a steep and a flat loss.
		scale := 0.0
		for i := range n {
			scale = math.Max(scale, h2.At(i, i))
		}
		if scale == 0 {
			scale = 1
		}
		accepted := false
		for !accepted && mu < 1e12 {
			a := mat.NewSymDense(n, nil)
			a.CopySym(&h2)
			for i := range n {
				a.SetSym(i, i, a.At(i, i)+mu*scale)
			}
			if !chol.Factorize(a) {
				mu *= 4
				continue
			}
			if err := chol.SolveVecTo(step, hg); err != nil {
				mu *= 4
				continue
			}
			for i := range n {
				trial[i] = theta[i] - step.AtVec(i)
			}
			tloss := f.Grad(trial, tgrad)
			if tnorm := floats.Norm(tgrad, 2); tnorm < norm && !math.IsNaN(tloss) {
				copy(theta, trial)
				copy(grad, tgrad)
				loss, norm = tloss, tnorm
				mu = math.Max(mu/3, 1e-15)
				accepted = true
			} else {
				mu *= 4
			}
		}
		if !accepted {
			break
		}
	}
	return Critical{theta, loss, norm, it}, nil
}

// Inertia counts the eigenvalues of a Hessian that are negative, zero and
// positive, where zero means at most tol × max|λ| in magnitude: exact
// Hessians carry rounding errors of a few ulps of their largest
// eigenvalue, so a count without a tolerance would be decided by noise.
func Inertia(eig []float64, tol float64) (neg, zero, pos int) {
	scale := 0.0
	for _, e := range eig {
		scale = math.Max(scale, math.Abs(e))
	}
	for _, e := range eig {
		switch {
		case e < -tol*scale:
			neg++
		case e > tol*scale:
			pos++
		default:
			zero++
		}
	}
	return neg, zero, pos
}

// HessianError compares f's Hessian at theta with central finite
// differences of its gradient and returns the largest entry difference
// relative to the Hessian's largest entry: about 1e-10 for an exact
// Hessian, much more for a wrong one.
func HessianError(f Curved, theta []float64) float64 {
	n := len(theta)
	jac := mat.NewDense(n, n, nil)
	fd.Jacobian(jac, func(g, x []float64) { f.Grad(x, g) }, theta, &fd.JacobianSettings{Formula: fd.Central})
	h := f.Hessian(theta)
	diff, scale := 0.0, 0.0
	for i := range n {
		for j := range n {
			diff = math.Max(diff, math.Abs(h.At(i, j)-jac.At(i, j)))
			scale = math.Max(scale, math.Abs(h.At(i, j)))
		}
	}
	return diff / scale
}
