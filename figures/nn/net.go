package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Net is an MLP architecture: layer widths, one activation per layer and
// whether layers have biases. It holds no parameters and is immutable.
type Net struct {
	sizes   []int
	acts    []Activation
	bias    bool
	layers  []layer
	nparams int
	maxW    int // widest layer, for scratch buffers
}

// layer caches the offsets of one layer's parameters in theta.
type layer struct {
	in, out int
	w, b    int // offsets of W (out*in values) and b (out values, or none)
	act     Activation
}

// New returns the architecture with widths sizes (input first, output last)
// and activation acts[l] on the outputs of layer l; every layer has a bias.
// It panics unless len(acts) == len(sizes)-1 >= 1 and all widths are
// positive.
func New(sizes []int, acts []Activation) *Net { return newNet(sizes, acts, true) }

// NewBiasFree is like New but without biases, for models such as the deep
// linear y = w2 w1 x whose parameter vector is (w1, w2).
func NewBiasFree(sizes []int, acts []Activation) *Net { return newNet(sizes, acts, false) }

func newNet(sizes []int, acts []Activation, bias bool) *Net {
	if len(sizes) < 2 || len(acts) != len(sizes)-1 {
		panic(fmt.Sprintf("nn: %d sizes need %d activations, got %d", len(sizes), len(sizes)-1, len(acts)))
	}
	n := &Net{
		sizes: append([]int(nil), sizes...),
		acts:  append([]Activation(nil), acts...),
		bias:  bias,
	}
	off := 0
	for l, a := range acts {
		in, out := sizes[l], sizes[l+1]
		if in <= 0 || out <= 0 {
			panic(fmt.Sprintf("nn: layer widths must be positive, got %v", sizes))
		}
		if !a.valid() {
			panic(fmt.Sprintf("nn: unknown activation %d for layer %d", int(a), l))
		}
		ly := layer{in: in, out: out, w: off, act: a}
		off += in * out
		ly.b = off
		if bias {
			off += out
		}
		n.layers = append(n.layers, ly)
		n.maxW = max(n.maxW, in, out)
	}
	n.nparams = off
	return n
}

// String describes the architecture, e.g. "2-5-1 tanh,linear".
func (n *Net) String() string {
	var b strings.Builder
	for i, s := range n.sizes {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(s))
	}
	for i, a := range n.acts {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(a.String())
	}
	if !n.bias {
		b.WriteString(" bias-free")
	}
	return b.String()
}

// Sizes returns a copy of the layer widths, input first.
func (n *Net) Sizes() []int { return append([]int(nil), n.sizes...) }

// Activations returns a copy of the per-layer activations.
func (n *Net) Activations() []Activation { return append([]Activation(nil), n.acts...) }

// HasBias reports whether the layers have biases.
func (n *Net) HasBias() bool { return n.bias }

// Layers returns the number of weight layers (len(Sizes())-1).
func (n *Net) Layers() int { return len(n.layers) }

// In returns the input dimension.
func (n *Net) In() int { return n.sizes[0] }

// Out returns the output dimension.
func (n *Net) Out() int { return n.sizes[len(n.sizes)-1] }

// NumParams returns the length of a parameter vector.
func (n *Net) NumParams() int { return n.nparams }

func (n *Net) checkTheta(theta []float64) {
	if len(theta) != n.nparams {
		panic(fmt.Sprintf("nn: parameter vector has length %d, net %v needs %d", len(theta), n, n.nparams))
	}
}

func (n *Net) checkLayer(l int) layer {
	if l < 0 || l >= len(n.layers) {
		panic(fmt.Sprintf("nn: layer %d out of range [0, %d)", l, len(n.layers)))
	}
	return n.layers[l]
}

// W returns layer l's weights as an out x in matrix sharing theta's storage,
// so writes through it change theta.
func (n *Net) W(theta []float64, l int) *mat.Dense {
	n.checkTheta(theta)
	ly := n.checkLayer(l)
	return mat.NewDense(ly.out, ly.in, theta[ly.w:ly.w+ly.out*ly.in:ly.w+ly.out*ly.in])
}

// B returns layer l's bias, a subslice of theta, or nil for a bias-free net.
func (n *Net) B(theta []float64, l int) []float64 {
	n.checkTheta(theta)
	ly := n.checkLayer(l)
	if !n.bias {
		return nil
	}
	return theta[ly.b : ly.b+ly.out : ly.b+ly.out]
}

// WeightIndex returns the position in theta of W_l[i][j], the weight from
// input j to unit i of layer l.
func (n *Net) WeightIndex(l, i, j int) int {
	ly := n.checkLayer(l)
	if i < 0 || i >= ly.out || j < 0 || j >= ly.in {
		panic(fmt.Sprintf("nn: weight (%d, %d) out of range for %dx%d layer %d", i, j, ly.out, ly.in, l))
	}
	return ly.w + i*ly.in + j
}

// BiasIndex returns the position in theta of b_l[i]; it panics for a
// bias-free net.
func (n *Net) BiasIndex(l, i int) int {
	ly := n.checkLayer(l)
	if !n.bias {
		panic("nn: bias-free net has no biases")
	}
	if i < 0 || i >= ly.out {
		panic(fmt.Sprintf("nn: bias %d out of range for layer %d of width %d", i, l, ly.out))
	}
	return ly.b + i
}

// Init returns a fresh parameter vector with zero biases and weights drawn
// layer by layer, row-major, from N(0, gain/fan_in), where gain is 2 for
// ReLU layers (He) and 1 otherwise (LeCun/Glorot-style), so activations keep
// roughly unit scale with depth. The result depends only on rng's state.
func (n *Net) Init(rng *rand.Rand) []float64 {
	theta := make([]float64, n.nparams)
	for _, ly := range n.layers {
		gain := 1.0
		if ly.act == ReLU {
			gain = 2
		}
		sd := math.Sqrt(gain / float64(ly.in))
		for k := range ly.out * ly.in {
			theta[ly.w+k] = sd * rng.NormFloat64()
		}
	}
	return theta
}

// forward computes one layer for one example: z = W x + b, then the
// activation's value and derivatives, into the given buffers (d1, d2 may be
// nil when not needed).
func (ly layer) forward(theta, x, z, a, d1, d2 []float64, bias bool) {
	w := theta[ly.w : ly.w+ly.out*ly.in]
	for i := range ly.out {
		s := floats.Dot(w[i*ly.in:(i+1)*ly.in], x)
		if bias {
			s += theta[ly.b+i]
		}
		z[i] = s
		v, g1, g2 := ly.act.eval(s)
		a[i] = v
		if d1 != nil {
			d1[i], d2[i] = g1, g2
		}
	}
}

// Forward returns the network output for one input x. It allocates; use
// Predict for many inputs.
func (n *Net) Forward(theta, x []float64) []float64 {
	out := make([]float64, n.Out())
	n.forwardInto(theta, x, out, make([]float64, 3*n.maxW))
	return out
}

// forwardInto evaluates the net on x into out using scratch of length at
// least 3*maxW, ping-ponging two activation buffers.
func (n *Net) forwardInto(theta, x, out, scratch []float64) {
	n.checkTheta(theta)
	if len(x) != n.In() {
		panic(fmt.Sprintf("nn: input has length %d, net %v needs %d", len(x), n, n.In()))
	}
	m := n.maxW
	z, bufs := scratch[:m], [2][]float64{scratch[m : 2*m], scratch[2*m : 3*m]}
	in := x
	for l, ly := range n.layers {
		a := bufs[l%2][:ly.out]
		if l == len(n.layers)-1 {
			a = out
		}
		ly.forward(theta, in, z[:ly.out], a, nil, nil, n.bias)
		in = a
	}
}

// Predict returns the outputs for the rows of X, one row per input.
func (n *Net) Predict(theta []float64, X mat.Matrix) *mat.Dense {
	r, c := X.Dims()
	if c != n.In() {
		panic(fmt.Sprintf("nn: X has %d columns, net %v needs %d", c, n, n.In()))
	}
	out := mat.NewDense(r, n.Out(), nil)
	scratch := make([]float64, 3*n.maxW)
	x := make([]float64, c)
	for i := range r {
		mat.Row(x, i, X)
		n.forwardInto(theta, x, out.RawRowView(i), scratch)
	}
	return out
}
