package nn

import (
	"fmt"
	"math"
)

// Loss selects the per-example loss l(f, y) of a network output f and a
// target row y; an Objective averages it over the examples.
type Loss int

const (
	// Square is sum_k (f_k - y_k)^2, with no factor 1/2; y has one entry
	// per output.
	Square Loss = iota
	// Logistic is binary cross-entropy on one logit f with label y in
	// [0, 1]: softplus(f) - y f.
	Logistic
	// SoftmaxCE is softmax cross-entropy, logsumexp(f) - f_c, with the class
	// index c stored as y[0]; it needs at least two outputs.
	SoftmaxCE
)

// String returns the loss's name.
func (l Loss) String() string {
	switch l {
	case Square:
		return "square"
	case Logistic:
		return "logistic"
	case SoftmaxCE:
		return "softmax-ce"
	}
	return fmt.Sprintf("Loss(%d)", int(l))
}

// targetWidth returns how many columns Y needs for a net with out outputs,
// panicking if the loss cannot be used with that many outputs.
func (l Loss) targetWidth(out int) int {
	switch l {
	case Square:
		return out
	case Logistic:
		if out != 1 {
			panic(fmt.Sprintf("nn: logistic loss needs 1 output, net has %d", out))
		}
		return 1
	case SoftmaxCE:
		if out < 2 {
			panic(fmt.Sprintf("nn: softmax cross-entropy needs at least 2 outputs, net has %d", out))
		}
		return 1
	}
	panic(fmt.Sprintf("nn: unknown loss %d", int(l)))
}

// checkTarget panics on a label the loss cannot take, so bad data fails at
// construction rather than as a silent NaN later.
func (l Loss) checkTarget(y []float64, out int) {
	switch l {
	case Square:
		return
	case Logistic:
		if !(y[0] >= 0 && y[0] <= 1) {
			panic(fmt.Sprintf("nn: logistic label %v outside [0, 1]", y[0]))
		}
	case SoftmaxCE:
		c := y[0]
		if c != math.Trunc(c) || c < 0 || c >= float64(out) {
			panic(fmt.Sprintf("nn: class label %v is not an index in [0, %d)", c, out))
		}
	}
}

// Value returns the per-example loss of output f against target row y (see
// the constants for the layout of y).
func (l Loss) Value(f, y []float64) float64 {
	if w := l.targetWidth(len(f)); len(y) != w {
		panic(fmt.Sprintf("nn: %v loss of %d outputs needs a target of length %d, got %d", l, len(f), w, len(y)))
	}
	l.checkTarget(y, len(f))
	g := make([]float64, len(f))
	p := make([]float64, len(f))
	return l.grad(f, y, g, p)
}

// grad returns the per-example loss and writes its gradient in f into g.
// For SoftmaxCE it also leaves softmax(f) in p for hessVec.
func (l Loss) grad(f, y, g, p []float64) float64 {
	switch l {
	case Square:
		s := 0.0
		for k, fk := range f {
			r := fk - y[k]
			s += r * r
			g[k] = 2 * r
		}
		return s
	case Logistic:
		// softplus(z) − yz and σ(z) − y, written so that nothing cancels:
		// a well-classified example (σ(z) near y) keeps a loss and a
		// gradient accurate to rounding relative to their own size, not
		// to 1, and Hessians near a minimum stay accurate with them.
		z, y := f[0], y[0]
		g[0] = (1-y)*sigmoid(z) - y*sigmoid(-z)
		return (1-y)*softplus(z) + y*softplus(-z)
	case SoftmaxCE:
		m := math.Inf(-1)
		for _, fk := range f {
			m = max(m, fk)
		}
		s := 0.0
		for k, fk := range f {
			p[k] = math.Exp(fk - m)
			s += p[k]
		}
		c := int(y[0])
		for k := range p {
			p[k] /= s
			g[k] = p[k]
		}
		g[c]--
		return m + math.Log(s) - f[c]
	}
	panic(fmt.Sprintf("nn: unknown loss %d", int(l)))
}

// hessVec writes the per-example loss Hessian in f, applied to r, into hr.
// p must hold softmax(f) from grad for SoftmaxCE.
func (l Loss) hessVec(f, p, r, hr []float64) {
	switch l {
	case Square:
		for k, rk := range r {
			hr[k] = 2 * rk
		}
	case Logistic:
		hr[0] = sigmoid(f[0]) * sigmoid(-f[0]) * r[0]
	case SoftmaxCE:
		pr := 0.0
		for k, pk := range p {
			pr += pk * r[k]
		}
		for k, pk := range p {
			hr[k] = pk * (r[k] - pr)
		}
	default:
		panic(fmt.Sprintf("nn: unknown loss %d", int(l)))
	}
}
