package nn

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// HessianVec writes H v into hv, where H is the Hessian of the mean loss at
// theta, and returns the mean loss. It is exact: Pearlmutter's R-operator
// differentiates the forward and backward passes along v in forward mode,
// at the cost of about two gradients. hv must not alias theta or v.
func (o *Objective) HessianVec(theta, v, hv []float64) float64 {
	o.net.checkTheta(theta)
	if len(v) != len(theta) || len(hv) != len(theta) {
		panic(fmt.Sprintf("nn: direction and product need length %d, got %d and %d", len(theta), len(v), len(hv)))
	}
	clear(hv)
	last := o.net.Layers() - 1
	ws := &o.ws
	total := 0.0
	for i := range o.n {
		x, y := o.example(i)
		o.forwardR(theta, v, x)
		out := ws.a[last]
		total += o.loss.grad(out, y, ws.da[last], ws.p)
		o.loss.hessVec(out, ws.p, ws.ra[last], ws.rda[last])
		o.backwardR(theta, v, x, hv)
	}
	floats.Scale(1/float64(o.n), hv)
	return total / float64(o.n)
}

// forwardR is forward plus the directional derivatives
// Rz = V_W a_in + W R(a_in) + V_b and Ra = a'(z) Rz, where R(x) = 0.
func (o *Objective) forwardR(theta, v, x []float64) {
	ws := &o.ws
	for l, ly := range o.net.layers {
		in := o.input(l, x)
		ly.forward(theta, in, ws.z[l], ws.a[l], ws.d1[l], ws.d2[l], o.net.bias)
		vw := v[ly.w : ly.w+ly.out*ly.in]
		w := theta[ly.w : ly.w+ly.out*ly.in]
		rz, ra := ws.rz[l], ws.ra[l]
		for j := range ly.out {
			s := floats.Dot(vw[j*ly.in:(j+1)*ly.in], in)
			if l > 0 {
				s += floats.Dot(w[j*ly.in:(j+1)*ly.in], ws.ra[l-1])
			}
			if o.net.bias {
				s += v[ly.b+j]
			}
			rz[j] = s
			ra[j] = ws.d1[l][j] * s
		}
	}
}

// backwardR runs backpropagation together with its R-derivative:
//
//	dz  = a'(z) da            R(dz)  = a''(z) Rz da + a'(z) R(da)
//	gW  = dz a_in^T           R(gW)  = R(dz) a_in^T + dz R(a_in)^T
//	da_in = W^T dz            R(da_in) = V_W^T dz + W^T R(dz)
//
// adding this example's R(gradient) = H v into hv.
func (o *Objective) backwardR(theta, v, x, hv []float64) {
	ws := &o.ws
	for l := len(o.net.layers) - 1; l >= 0; l-- {
		ly := o.net.layers[l]
		in := o.input(l, x)
		da, rda, d1, d2, rz := ws.da[l], ws.rda[l], ws.d1[l], ws.d2[l], ws.rz[l]
		dz, rdz := ws.dz[l], ws.rdz[l]
		for j := range ly.out {
			dz[j] = d1[j] * da[j]
			rdz[j] = d2[j]*rz[j]*da[j] + d1[j]*rda[j]
		}
		hw := hv[ly.w : ly.w+ly.out*ly.in]
		for j := range ly.out {
			row := hw[j*ly.in : (j+1)*ly.in]
			floats.AddScaled(row, rdz[j], in)
			if l > 0 {
				floats.AddScaled(row, dz[j], ws.ra[l-1])
			}
		}
		if o.net.bias {
			floats.Add(hv[ly.b:ly.b+ly.out], rdz)
		}
		if l > 0 {
			w := theta[ly.w : ly.w+ly.out*ly.in]
			vw := v[ly.w : ly.w+ly.out*ly.in]
			transMul(ws.da[l-1], w, dz)
			transMul(ws.rda[l-1], vw, dz)
			addTransMul(ws.rda[l-1], w, rdz)
		}
	}
}

// Hessian returns the exact Hessian of the mean loss at theta, one
// Hessian-vector product per unit vector, symmetrised as (H + H^T)/2 so that
// rounding cannot make it asymmetric.
func (o *Objective) Hessian(theta []float64) *mat.SymDense {
	n := o.Dim()
	cols := make([]float64, n*n) // column i of H in cols[i*n:(i+1)*n]
	e := make([]float64, n)
	for i := range n {
		e[i] = 1
		o.HessianVec(theta, e, cols[i*n:(i+1)*n])
		e[i] = 0
	}
	h := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			h.SetSym(i, j, (cols[i*n+j]+cols[j*n+i])/2)
		}
	}
	return h
}

// errEigen reports a failed eigendecomposition, which LAPACK only signals for
// matrices with non-finite entries or pathological convergence failure.
var errEigen = errors.New("nn: symmetric eigendecomposition did not converge")

// Eigenvalues returns the eigenvalues of h in ascending order.
func Eigenvalues(h mat.Symmetric) ([]float64, error) {
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		return nil, errEigen
	}
	return es.Values(nil), nil
}

// Eigen returns the eigenvalues of h in ascending order and the orthonormal
// eigenvectors as the matching columns of a matrix.
func Eigen(h mat.Symmetric) ([]float64, *mat.Dense, error) {
	var es mat.EigenSym
	if !es.Factorize(h, true) {
		return nil, nil, errEigen
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	return es.Values(nil), &vecs, nil
}
