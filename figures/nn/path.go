package nn

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/integrate/quad"
)

// Along returns the loss of f at n+1 equally spaced values of t in [0, 1]
// on a path, where point writes the path's point at t into dst.
func Along(f Differentiable, n int, point func(dst []float64, t float64)) (ts, ls []float64) {
	if n < 1 {
		panic(fmt.Sprintf("nn: a path needs at least 1 interval, got %d", n))
	}
	theta := make([]float64, f.Dim())
	ts, ls = make([]float64, n+1), make([]float64, n+1)
	for i := range ts {
		ts[i] = float64(i) / float64(n)
		point(theta, ts[i])
		ls[i] = f.Loss(theta)
	}
	return ts, ls
}

// Barrier returns how far the losses ls along a path, sampled at the
// increasing values ts from 0 to 1, rise above the chord between the two
// end losses: the largest ls[i] − ((1−t_i) ls[0] + t_i ls[n]), never below
// 0, and the index where it is reached. On a straight segment a convex loss
// has barrier 0, so a positive barrier there proves non-convexity; this is
// the barrier of Entezari et al. (2022) in "The role of permutation
// invariance in linear mode connectivity of neural networks".
func Barrier(ts, ls []float64) (height float64, at int) {
	if len(ts) != len(ls) || len(ts) < 2 {
		panic(fmt.Sprintf("nn: barrier of %d losses at %d positions", len(ls), len(ts)))
	}
	first, last := ls[0], ls[len(ls)-1]
	for i, t := range ts {
		if rise := ls[i] - ((1-t)*first + t*last); rise > height {
			height, at = rise, i
		}
	}
	return height, at
}

// Bezier returns the point at t of the quadratic Bézier curve from a to b
// with control point m: (1−t)² a + 2t(1−t) m + t² b. It starts at a, ends
// at b and bends towards m: at t = ½ it lies halfway between m and the
// midpoint of the segment from a to b.
func Bezier(a, m, b []float64, t float64) []float64 {
	return BezierTo(make([]float64, len(a)), a, m, b, t)
}

// BezierTo is Bezier writing into dst. It returns dst.
func BezierTo(dst, a, m, b []float64, t float64) []float64 {
	if len(a) != len(m) || len(a) != len(b) || len(dst) != len(a) {
		panic(fmt.Sprintf("nn: Bézier curve of vectors of lengths %d, %d, %d into %d", len(a), len(m), len(b), len(dst)))
	}
	wa, wm, wb := (1-t)*(1-t), 2*t*(1-t), t*t
	for i := range dst {
		dst[i] = wa*a[i] + wm*m[i] + wb*b[i]
	}
	return dst
}

// CurveLoss is the mean of a loss over the quadratic Bézier curve from A to
// B, as a function of the curve's control point m:
//
//	C(m) = ∫₀¹ L(φ_m(t)) dt,   φ_m(t) = (1−t)² A + 2t(1−t) m + t² B.
//
// Minimising C over m finds a low path between A and B (Garipov et al.
// 2018, "Loss surfaces, mode connectivity, and fast ensembling of DNNs").
// Garipov et al. estimate the integral by drawing t at random in each step
// of stochastic gradient descent; CurveLoss computes it with a fixed
// Gauss–Legendre rule instead, so that C is an ordinary deterministic
// function that any of the trainers can minimise. Its gradient is
// ∫ 2t(1−t) ∇L(φ_m(t)) dt, by the same rule.
//
// A CurveLoss is not safe for concurrent use.
type CurveLoss struct {
	f        Differentiable
	a, b     []float64
	ts, ws   []float64 // quadrature nodes in [0, 1] and their weights
	pt, grad []float64
}

// NewCurveLoss returns the mean of f over the curves from a to b, computed
// with a Gauss–Legendre rule of the given number of nodes (exact when the
// loss along the curve is a polynomial in t of degree below 2 nodes). It
// copies a and b.
func NewCurveLoss(f Differentiable, a, b []float64, nodes int) *CurveLoss {
	if len(a) != f.Dim() || len(b) != f.Dim() {
		panic(fmt.Sprintf("nn: curve ends of lengths %d and %d for an objective of dimension %d", len(a), len(b), f.Dim()))
	}
	if nodes < 1 {
		panic(fmt.Sprintf("nn: a quadrature rule needs at least 1 node, got %d", nodes))
	}
	c := &CurveLoss{
		f: f, a: append([]float64(nil), a...), b: append([]float64(nil), b...),
		ts: make([]float64, nodes), ws: make([]float64, nodes),
		pt: make([]float64, len(a)), grad: make([]float64, len(a)),
	}
	quad.Legendre{}.FixedLocations(c.ts, c.ws, 0, 1)
	return c
}

// Dim returns the dimension of the control point.
func (c *CurveLoss) Dim() int { return len(c.a) }

// Loss returns the mean loss along the curve with control point m.
func (c *CurveLoss) Loss(m []float64) float64 {
	total := 0.0
	for k, t := range c.ts {
		total += c.ws[k] * c.f.Loss(BezierTo(c.pt, c.a, m, c.b, t))
	}
	return total
}

// Grad writes the gradient in m into grad and returns the mean loss.
func (c *CurveLoss) Grad(m, grad []float64) float64 {
	clear(grad)
	total := 0.0
	for k, t := range c.ts {
		total += c.ws[k] * c.f.Grad(BezierTo(c.pt, c.a, m, c.b, t), c.grad)
		floats.AddScaled(grad, c.ws[k]*2*t*(1-t), c.grad)
	}
	return total
}
