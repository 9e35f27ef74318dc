package nn

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Data is a data set: row i of X is an input, row i of Y its target (layout
// per Loss).
type Data struct {
	X, Y mat.Matrix
}

// Objective is the mean loss of a network over a fixed data set, as a
// function of theta. It owns workspaces, so it does not allocate per call and
// must not be used by two goroutines at once.
type Objective struct {
	net   *Net
	loss  Loss
	n     int
	x, y  []float64 // row-major copies, so later edits to the caller's data cannot leak in
	ycols int
	ws    workspace
}

// workspace holds, per layer and for the current example, the forward
// quantities, their adjoints, and the R-operator (directional derivative)
// of each, so one example is processed without allocating.
type workspace struct {
	z, a, d1, d2     [][]float64
	da, dz           [][]float64 // d loss / d a, d loss / d z
	rz, ra, rda, rdz [][]float64 // R{.} of z, a, da, dz along v
	p                []float64   // softmax probabilities of the output
}

// NewObjective returns the mean-loss objective of net on d. It copies the
// data, and panics if the shapes do not fit the net and loss or a label is
// invalid for the loss.
func NewObjective(net *Net, loss Loss, d Data) *Objective {
	if d.X == nil || d.Y == nil {
		panic("nn: data needs both X and Y")
	}
	n, c := d.X.Dims()
	ny, cy := d.Y.Dims()
	if n == 0 {
		panic("nn: data set has no examples")
	}
	if c != net.In() {
		panic(fmt.Sprintf("nn: X has %d columns, net %v needs %d", c, net, net.In()))
	}
	want := loss.targetWidth(net.Out())
	if ny != n || cy != want {
		panic(fmt.Sprintf("nn: Y is %dx%d, %v loss on %d examples needs %dx%d", ny, cy, loss, n, n, want))
	}
	o := &Objective{
		net:   net,
		loss:  loss,
		n:     n,
		x:     make([]float64, n*c),
		y:     make([]float64, n*cy),
		ycols: cy,
	}
	for i := range n {
		mat.Row(o.x[i*c:(i+1)*c], i, d.X)
		yi := o.y[i*cy : (i+1)*cy]
		mat.Row(yi, i, d.Y)
		loss.checkTarget(yi, net.Out())
	}
	ws := &o.ws
	fields := []*[][]float64{&ws.z, &ws.a, &ws.d1, &ws.d2, &ws.da, &ws.dz, &ws.rz, &ws.ra, &ws.rda, &ws.rdz}
	units := 0
	for _, ly := range net.layers {
		units += ly.out
	}
	buf := make([]float64, len(fields)*units) // one allocation for all buffers
	for _, f := range fields {
		*f = make([][]float64, net.Layers())
		for l, ly := range net.layers {
			(*f)[l], buf = buf[:ly.out:ly.out], buf[ly.out:]
		}
	}
	ws.p = make([]float64, net.Out())
	return o
}

// Net returns the objective's architecture.
func (o *Objective) Net() *Net { return o.net }

// Dim returns the number of parameters, the dimension of the domain.
func (o *Objective) Dim() int { return o.net.nparams }

// Len returns the number of examples.
func (o *Objective) Len() int { return o.n }

func (o *Objective) example(i int) (x, y []float64) {
	c := o.net.In()
	return o.x[i*c : (i+1)*c], o.y[i*o.ycols : (i+1)*o.ycols]
}

// input returns what layer l reads: the example for l = 0, otherwise the
// previous layer's activations.
func (o *Objective) input(l int, x []float64) []float64 {
	if l == 0 {
		return x
	}
	return o.ws.a[l-1]
}

// forward runs the network on x, keeping every layer's z, a and both
// derivatives of the activation.
func (o *Objective) forward(theta, x []float64) {
	ws := &o.ws
	for l, ly := range o.net.layers {
		ly.forward(theta, o.input(l, x), ws.z[l], ws.a[l], ws.d1[l], ws.d2[l], o.net.bias)
	}
}

// Loss returns the mean loss at theta.
func (o *Objective) Loss(theta []float64) float64 {
	o.net.checkTheta(theta)
	// The output gradient that grad computes on the way is discarded: one
	// formula for the value keeps Loss, Grad and HessianVec bitwise equal.
	last := o.net.Layers() - 1
	g := o.ws.da[last]
	total := 0.0
	for i := range o.n {
		x, y := o.example(i)
		o.forward(theta, x)
		total += o.loss.grad(o.ws.a[last], y, g, o.ws.p)
	}
	return total / float64(o.n)
}

// Grad writes the exact gradient of the mean loss at theta into grad and
// returns the mean loss. grad must not alias theta.
func (o *Objective) Grad(theta, grad []float64) float64 {
	o.net.checkTheta(theta)
	if len(grad) != len(theta) {
		panic(fmt.Sprintf("nn: gradient has length %d, want %d", len(grad), len(theta)))
	}
	clear(grad)
	last := o.net.Layers() - 1
	total := 0.0
	for i := range o.n {
		x, y := o.example(i)
		o.forward(theta, x)
		total += o.loss.grad(o.ws.a[last], y, o.ws.da[last], o.ws.p)
		o.backward(theta, x, grad)
	}
	floats.Scale(1/float64(o.n), grad)
	return total / float64(o.n)
}

// backward propagates ws.da of the last layer down the network, adding this
// example's gradient into grad.
func (o *Objective) backward(theta, x, grad []float64) {
	ws := &o.ws
	for l := len(o.net.layers) - 1; l >= 0; l-- {
		ly := o.net.layers[l]
		in := o.input(l, x)
		dz := ws.dz[l]
		floats.MulTo(dz, ws.da[l], ws.d1[l])
		gw := grad[ly.w : ly.w+ly.out*ly.in]
		for i, d := range dz {
			floats.AddScaled(gw[i*ly.in:(i+1)*ly.in], d, in)
		}
		if o.net.bias {
			floats.Add(grad[ly.b:ly.b+ly.out], dz)
		}
		if l > 0 {
			transMul(ws.da[l-1], theta[ly.w:ly.w+ly.out*ly.in], dz)
		}
	}
}

// transMul sets dst = W^T v for W row-major len(v) x len(dst).
func transMul(dst, w, v []float64) {
	clear(dst)
	addTransMul(dst, w, v)
}

// addTransMul adds W^T v to dst.
func addTransMul(dst, w, v []float64) {
	m := len(dst)
	for i, vi := range v {
		floats.AddScaled(dst, vi, w[i*m:(i+1)*m])
	}
}
