package nn

import (
	"fmt"
	"math"
	"slices"
)

// ShallowReLU is the training objective that ConvexReLU reformulates: a
// network f(x) = Σ_j α_j relu(a_j x + b_j) of m units on one-dimensional
// inputs, with the square loss summed (not averaged) and halved, plus weight
// decay on every weight:
//
//	J(θ) = ½ Σ_i (f(x_i) − y_i)² + (β/2) Σ_j (a_j² + b_j² + α_j²).
//
// θ holds a_1 … a_m, then b_1 … b_m, then α_1 … α_m. It implements
// Differentiable, with relu′(0) = 0 as elsewhere in the package. It keeps the
// last forward pass, because L-BFGS asks for the value and the gradient at
// the same point in turn, and so is not safe for concurrent use.
type ShallowReLU struct {
	x, y  []float64
	m     int
	beta  float64
	at    []float64 // θ of the cached pass; nil before the first
	pre   []float64 // a_j x_i + b_j, row i
	resid []float64 // f(x_i) − y_i
	value float64
}

// NewShallowReLU returns the objective of width m on the data (x, y) with
// weight decay beta ≥ 0.
func NewShallowReLU(x, y []float64, m int, beta float64) *ShallowReLU {
	if len(x) != len(y) || m < 1 || beta < 0 {
		panic(fmt.Sprintf("nn: shallow ReLU objective needs as many targets as inputs, m ≥ 1 and beta ≥ 0; got %d, %d, %d, %g", len(x), len(y), m, beta))
	}
	return &ShallowReLU{x: slices.Clone(x), y: slices.Clone(y), m: m, beta: beta,
		pre: make([]float64, m*len(x)), resid: make([]float64, len(x))}
}

// Dim returns 3m.
func (f *ShallowReLU) Dim() int { return 3 * f.m }

// Output returns the network's output at x.
func (f *ShallowReLU) Output(theta []float64, x float64) float64 {
	m := f.m
	out := 0.0
	for j := range m {
		out += theta[2*m+j] * math.Max(theta[j]*x+theta[m+j], 0)
	}
	return out
}

func (f *ShallowReLU) forward(theta []float64) {
	if f.at != nil && slices.Equal(f.at, theta) {
		return
	}
	m := f.m
	data := 0.0
	for i, x := range f.x {
		pre := f.pre[i*m : (i+1)*m]
		out := 0.0
		for j := range m {
			pre[j] = theta[j]*x + theta[m+j]
			if pre[j] > 0 {
				out += theta[2*m+j] * pre[j]
			}
		}
		f.resid[i] = out - f.y[i]
		data += f.resid[i] * f.resid[i]
	}
	f.at = append(f.at[:0], theta...)
	norm := 0.0
	for _, t := range theta {
		norm += t * t
	}
	f.value = data/2 + f.beta/2*norm
}

// Loss returns J(θ).
func (f *ShallowReLU) Loss(theta []float64) float64 {
	f.forward(theta)
	return f.value
}

// Grad writes ∇J(θ) into grad and returns J(θ).
func (f *ShallowReLU) Grad(theta, grad []float64) float64 {
	f.forward(theta)
	m := f.m
	for k, t := range theta {
		grad[k] = f.beta * t
	}
	for i, x := range f.x {
		r, pre := f.resid[i], f.pre[i*m:(i+1)*m]
		for j := range m {
			if pre[j] <= 0 {
				continue
			}
			grad[2*m+j] += r * pre[j]
			q := r * theta[2*m+j]
			grad[j] += q * x
			grad[m+j] += q
		}
	}
	return f.value
}

// Pack returns θ for the units with first-layer weights (a, b) and output
// weights alpha, which must have equal lengths m.
func (f *ShallowReLU) Pack(a, b, alpha []float64) []float64 {
	if len(a) != f.m || len(b) != f.m || len(alpha) != f.m {
		panic(fmt.Sprintf("nn: shallow ReLU of width %d packed with %d, %d, %d weights", f.m, len(a), len(b), len(alpha)))
	}
	return slices.Concat(a, b, alpha)
}
