package nn

import (
	"fmt"
	"math"
	"slices"
)

// ICNN is the architecture of a fully input-convex neural network (Amos,
// Xu and Kolter, ICML 2017): hidden layers
//
//	z₁ = g(W₀ʸ x + b₀),   z_{l+1} = g(W_lᶻ z_l + W_lʸ x + b_l),
//
// and a linear output f(x) = w_Lᶻ · z_L + w_Lʸ · x + b_L, where g is convex
// and non-decreasing (ReLU or softplus). When every entry of every Wᶻ is
// non-negative, f is convex in x: an affine function of x is convex, a
// non-negative combination of convex functions is convex, and a convex
// non-decreasing g of a convex function is convex. The passthrough weights
// Wʸ and the biases are free.
//
// Like a Net, an ICNN is an architecture only; the weights are a vector θ.
// Layer by layer, θ stores Wᶻ (out × previous width, row-major; none for
// the first layer), then Wʸ (out × in), then b. Nothing in the type keeps
// Wᶻ non-negative: the same architecture with Wᶻ of both signs is an
// ordinary network with passthrough connections, which is the comparison
// the explainer makes. [ICNN.Constrained] marks the Wᶻ entries and
// [ICNN.Project] clips them.
type ICNN struct {
	in       int
	hidden   []int
	softplus bool
	offsets  [][3]int // per layer: where Wᶻ, Wʸ and b start in θ
	size     int
}

// NewICNN returns the architecture with the given input size and hidden
// widths, with softplus activations if softplus is set and ReLU otherwise.
func NewICNN(in int, hidden []int, softplus bool) *ICNN {
	if in < 1 || len(hidden) == 0 || slices.Min(hidden) < 1 {
		panic(fmt.Sprintf("nn: ICNN needs inputs and at least one hidden layer, got %d, %v", in, hidden))
	}
	c := &ICNN{in: in, hidden: slices.Clone(hidden), softplus: softplus}
	prev := 0
	for l := range len(hidden) + 1 {
		out := 1
		if l < len(hidden) {
			out = hidden[l]
		}
		wz := c.size
		c.size += out * prev
		wy := c.size
		c.size += out * in
		b := c.size
		c.size += out
		c.offsets = append(c.offsets, [3]int{wz, wy, b})
		prev = out
	}
	return c
}

// NumParams returns the length of θ.
func (c *ICNN) NumParams() int { return c.size }

// In returns the input size.
func (c *ICNN) In() int { return c.in }

// Hidden returns the hidden widths.
func (c *ICNN) Hidden() []int { return slices.Clone(c.hidden) }

// width returns the output size of layer l (1 for the output layer) and
// the size of its z input (0 for the first layer).
func (c *ICNN) width(l int) (out, prev int) {
	out = 1
	if l < len(c.hidden) {
		out = c.hidden[l]
	}
	if l > 0 {
		prev = c.hidden[l-1]
	}
	return out, prev
}

// Constrained reports, for each entry of θ, whether it belongs to a Wᶻ,
// the weights that must be non-negative for input convexity.
func (c *ICNN) Constrained() []bool {
	mask := make([]bool, c.size)
	for _, o := range c.offsets {
		for i := o[0]; i < o[1]; i++ {
			mask[i] = true
		}
	}
	return mask
}

// Project sets the negative Wᶻ entries of θ to zero, in place, and returns θ.
func (c *ICNN) Project(theta []float64) []float64 {
	for i, con := range c.Constrained() {
		if con && theta[i] < 0 {
			theta[i] = 0
		}
	}
	return theta
}

// WZ returns the index in θ of Wᶻ entry (unit i, previous unit j) of layer
// l ≥ 1; WY and B locate passthrough weights and biases likewise.
func (c *ICNN) WZ(l, i, j int) int {
	_, prev := c.width(l)
	return c.offsets[l][0] + i*prev + j
}

// WY returns the index of Wʸ entry (unit i, input j) of layer l.
func (c *ICNN) WY(l, i, j int) int { return c.offsets[l][1] + i*c.in + j }

// B returns the index of the bias of unit i of layer l.
func (c *ICNN) B(l, i int) int { return c.offsets[l][2] + i }

// act returns g(u) and g′(u).
func (c *ICNN) act(u float64) (g, dg float64) {
	if c.softplus {
		if u > 0 {
			e := math.Exp(-u)
			return u + math.Log1p(e), 1 / (1 + e)
		}
		e := math.Exp(u)
		return math.Log1p(e), e / (1 + e)
	}
	if u > 0 {
		return u, 1
	}
	return 0, 0
}

// Forward returns f(x).
func (c *ICNN) Forward(theta, x []float64) float64 {
	var z []float64
	for l := range len(c.hidden) + 1 {
		out, prev := c.width(l)
		next := make([]float64, out)
		for i := range out {
			u := theta[c.B(l, i)]
			for j := range prev {
				u += theta[c.WZ(l, i, j)] * z[j]
			}
			for j, xj := range x {
				u += theta[c.WY(l, i, j)] * xj
			}
			if l < len(c.hidden) {
				u, _ = c.act(u)
			}
			next[i] = u
		}
		z = next
	}
	return z[0]
}

// ICNNFit is the mean square error of an ICNN on a data set, with its
// gradient by backpropagation: L(θ) = (1/N) Σ (f(xᵢ) − yᵢ)². It implements
// Differentiable.
type ICNNFit struct {
	Net   *ICNN
	X     [][]float64
	Y     []float64
	slope [][]float64 // g′ at the pre-activations of the current example, per layer
	post  [][]float64 // activations
	back  [][]float64 // dL/d(pre-activation)
}

// NewICNNFit returns the objective of net on inputs X and targets Y.
func NewICNNFit(net *ICNN, X [][]float64, Y []float64) *ICNNFit {
	if len(X) != len(Y) || len(X) == 0 {
		panic(fmt.Sprintf("nn: ICNN fit needs as many targets as inputs, at least one; got %d, %d", len(X), len(Y)))
	}
	f := &ICNNFit{Net: net, X: X, Y: Y}
	for l := range len(net.hidden) + 1 {
		out, _ := net.width(l)
		f.slope = append(f.slope, make([]float64, out))
		f.post = append(f.post, make([]float64, out))
		f.back = append(f.back, make([]float64, out))
	}
	return f
}

// Dim returns the number of weights.
func (f *ICNNFit) Dim() int { return f.Net.size }

// forward fills pre and post for input x and returns f(x).
func (f *ICNNFit) forward(theta, x []float64) float64 {
	c := f.Net
	for l := range len(c.hidden) + 1 {
		out, prev := c.width(l)
		for i := range out {
			u := theta[c.B(l, i)]
			for j := range prev {
				u += theta[c.WZ(l, i, j)] * f.post[l-1][j]
			}
			for j, xj := range x {
				u += theta[c.WY(l, i, j)] * xj
			}
			if l < len(c.hidden) {
				u, f.slope[l][i] = c.act(u)
			}
			f.post[l][i] = u
		}
	}
	return f.post[len(c.hidden)][0]
}

// Loss returns the mean square error.
func (f *ICNNFit) Loss(theta []float64) float64 {
	s := 0.0
	for i, x := range f.X {
		d := f.forward(theta, x) - f.Y[i]
		s += d * d
	}
	return s / float64(len(f.X))
}

// Grad writes the gradient into grad and returns the loss.
func (f *ICNNFit) Grad(theta, grad []float64) float64 {
	c := f.Net
	clear(grad)
	s, n := 0.0, float64(len(f.X))
	last := len(c.hidden)
	for k, x := range f.X {
		d := f.forward(theta, x) - f.Y[k]
		s += d * d
		f.back[last][0] = 2 * d / n
		for l := last; l >= 0; l-- {
			out, prev := c.width(l)
			if l < last {
				// Through the activation: dL/du = dL/dz · g′(u).
				for i := range out {
					f.back[l][i] *= f.slope[l][i]
				}
			}
			if l > 0 {
				clear(f.back[l-1])
			}
			for i := range out {
				bi := f.back[l][i]
				grad[c.B(l, i)] += bi
				for j, xj := range x {
					grad[c.WY(l, i, j)] += bi * xj
				}
				for j := range prev {
					grad[c.WZ(l, i, j)] += bi * f.post[l-1][j]
					f.back[l-1][j] += bi * theta[c.WZ(l, i, j)]
				}
			}
		}
	}
	return s / n
}

// PermuteUnits returns θ with units i and j of hidden layer l swapped:
// their incoming Wᶻ rows, Wʸ rows and biases, and the matching columns of
// the next layer's Wᶻ. The network computes the same function, and the
// swapped θ satisfies the same constraints.
func (c *ICNN) PermuteUnits(theta []float64, l, i, j int) []float64 {
	t := slices.Clone(theta)
	_, prev := c.width(l)
	for k := range prev {
		a, b := c.WZ(l, i, k), c.WZ(l, j, k)
		t[a], t[b] = t[b], t[a]
	}
	for k := range c.in {
		a, b := c.WY(l, i, k), c.WY(l, j, k)
		t[a], t[b] = t[b], t[a]
	}
	t[c.B(l, i)], t[c.B(l, j)] = t[c.B(l, j)], t[c.B(l, i)]
	next, _ := c.width(l + 1)
	for r := range next {
		a, b := c.WZ(l+1, r, i), c.WZ(l+1, r, j)
		t[a], t[b] = t[b], t[a]
	}
	return t
}
