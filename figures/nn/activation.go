package nn

import (
	"fmt"
	"math"
)

// Activation is the elementwise nonlinearity of a layer.
type Activation int

const (
	// Linear is the identity, for output layers and deep linear networks.
	Linear Activation = iota
	// Tanh is the hyperbolic tangent.
	Tanh
	// ReLU is max(x, 0), with relu'(0) = 0 and relu'' = 0 everywhere.
	ReLU
	// Sigmoid is the logistic function 1/(1+exp(-x)).
	Sigmoid
)

// String returns the activation's lower-case name.
func (a Activation) String() string {
	switch a {
	case Linear:
		return "linear"
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	case Sigmoid:
		return "sigmoid"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Eval returns the activation's value at x.
func (a Activation) Eval(x float64) float64 {
	v, _, _ := a.eval(x)
	return v
}

// Deriv returns the activation's first derivative at x.
func (a Activation) Deriv(x float64) float64 {
	_, d1, _ := a.eval(x)
	return d1
}

// Deriv2 returns the activation's second derivative at x; for Sigmoid it is
// s(1-s)(1-2s), extreme (±sqrt(3)/18 ≈ ±0.0962) at x = ∓ln(2+sqrt(3)) ≈ ∓1.3170.
func (a Activation) Deriv2(x float64) float64 {
	_, _, d2 := a.eval(x)
	return d2
}

// eval returns the value and both derivatives together because for tanh and
// sigmoid the derivatives are cheap polynomials in the value.
func (a Activation) eval(x float64) (v, d1, d2 float64) {
	switch a {
	case Linear:
		return x, 1, 0
	case Tanh:
		t := math.Tanh(x)
		s := 1 - t*t
		return t, s, -2 * t * s
	case ReLU:
		if x > 0 {
			return x, 1, 0
		}
		if x <= 0 {
			return 0, 0, 0
		}
		return x, x, x // NaN stays visible.
	case Sigmoid:
		// s(-x) = 1-s(x) computed directly keeps s(1-s) accurate in both
		// tails, where 1-s would cancel.
		s, c := sigmoid(x), sigmoid(-x)
		d := s * c
		return s, d, d * (c - s)
	}
	panic(fmt.Sprintf("nn: unknown activation %d", int(a)))
}

func (a Activation) valid() bool { return a >= Linear && a <= Sigmoid }

// sigmoid never evaluates exp of a large positive number, so it neither
// overflows nor loses the tiny tail values.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// softplus is log(1+exp(x)) without overflow for large x or underflow to 0
// for very negative x.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}
