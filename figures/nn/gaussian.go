package nn

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
)

// ArcCosine returns E[relu(u·x) relu(v·x)] for x drawn from the standard
// Gaussian N(0, I): the first-order arc-cosine kernel of Cho and Saul,
//
//	|u| |v| (sin θ + (π − θ) cos θ) / (2π),
//
// where θ is the angle between u and v. It is |u|²/2 when v = u and 0 when
// v = −u. A zero vector gives 0.
func ArcCosine(u, v []float64) float64 {
	nu, nv, dot := norms(u, v)
	if nu == 0 || nv == 0 {
		return 0
	}
	theta, sin := angle(dot, nu, nv)
	return (nu*nv*sin + (math.Pi-theta)*dot) / (2 * math.Pi)
}

// norms returns |u|, |v| and u·v.
func norms(u, v []float64) (nu, nv, dot float64) {
	if len(u) != len(v) {
		panic(fmt.Sprintf("nn: vectors of lengths %d and %d", len(u), len(v)))
	}
	for i := range u {
		nu += u[i] * u[i]
		nv += v[i] * v[i]
		dot += u[i] * v[i]
	}
	return math.Sqrt(nu), math.Sqrt(nv), dot
}

// angle returns the angle between two vectors with the given inner
// product and norms, and its sine; rounding may push the cosine a hair
// past ±1, which is clamped.
func angle(dot, nu, nv float64) (theta, sin float64) {
	c := max(-1, min(1, dot/(nu*nv)))
	return math.Acos(c), math.Sqrt(1 - c*c)
}

// GaussianTeacher is the population square loss of a two-layer ReLU
// student learning a two-layer ReLU teacher from standard Gaussian inputs
// (the setting of Safran & Shamir 2018, "Spurious local minima are common in
// two-layer ReLU neural networks"):
//
//	F(w) = ½ E[(Σ_i relu(w_i·x) − Σ_j relu(v_j·x))²],  x ~ N(0, I_d),
//
// where the student's k weight vectors w_i ∈ R^d are the parameters, stored
// one after another in theta (length k·d), and the teacher's vectors v_j are
// fixed. Both output layers are fixed to ones. Expanding the square turns
// the expectation into a sum of [ArcCosine] kernels over pairs of vectors,
// so F and its gradient are exact closed forms, with no sampling. F is 0 at
// the teacher and at its relabellings when k equals the number of teacher
// units.
//
// The gradient uses ∂/∂u of the kernel, ((π − θ) v + |v| sin θ u/|u|)/(2π).
// F is smooth except where a student vector is zero or parallel to another
// vector, which random starts do not meet; at a zero student vector, where F
// has no gradient, Grad leaves out the kernels of that unit (their value
// is 0 there). Like an Objective, it keeps scratch space and the last
// point evaluated, so it is not safe for concurrent use.
type GaussianTeacher struct {
	k, d        int
	teacher     [][]float64
	teacherNorm []float64 // |v_j|
	base        float64   // ½ Σ_{j,l} kernel(v_j, v_l), the loss of a zero student
	norm        []float64 // scratch: |w_i|

	// The last point evaluated, its loss and gradient: optimisers ask for
	// the value and the gradient at one point in turn, and the kernels'
	// arc cosines dominate the cost.
	at, grad []float64
	loss     float64
}

// NewGaussianTeacher returns the loss of a student with k units learning
// the teacher whose unit vectors are the given rows (all of one length d,
// the input dimension). It panics on k < 1, no rows, ragged rows or a zero
// row.
func NewGaussianTeacher(k int, teacher [][]float64) *GaussianTeacher {
	if k < 1 || len(teacher) == 0 {
		panic(fmt.Sprintf("nn: a Gaussian teacher needs k >= 1 and a teacher unit, got k = %d and %d units", k, len(teacher)))
	}
	d := len(teacher[0])
	g := &GaussianTeacher{k: k, d: d, norm: make([]float64, k)}
	for _, v := range teacher {
		if len(v) != d {
			panic(fmt.Sprintf("nn: teacher rows of lengths %d and %d", d, len(v)))
		}
		g.teacher = append(g.teacher, append([]float64(nil), v...))
		g.teacherNorm = append(g.teacherNorm, math.Sqrt(floats.Dot(v, v)))
		if g.teacherNorm[len(g.teacherNorm)-1] == 0 {
			panic("nn: a teacher unit is the zero vector")
		}
	}
	for _, v := range g.teacher {
		for _, u := range g.teacher {
			g.base += ArcCosine(v, u) / 2
		}
	}
	return g
}

// Dim returns k·d.
func (g *GaussianTeacher) Dim() int { return g.k * g.d }

// Units returns the number of student units k and the input dimension d.
func (g *GaussianTeacher) Units() (k, d int) { return g.k, g.d }

// Loss returns F at theta.
func (g *GaussianTeacher) Loss(theta []float64) float64 {
	g.eval(theta)
	return g.loss
}

// Grad writes the gradient of F at theta into grad and returns F.
func (g *GaussianTeacher) Grad(theta, grad []float64) float64 {
	if len(grad) != g.Dim() {
		panic(fmt.Sprintf("nn: Gaussian teacher of dimension %d given a gradient of length %d", g.Dim(), len(grad)))
	}
	g.eval(theta)
	copy(grad, g.grad)
	return g.loss
}

// eval computes the loss and gradient at theta, unless theta is the point
// evaluated last.
func (g *GaussianTeacher) eval(theta []float64) {
	if len(theta) != g.Dim() {
		panic(fmt.Sprintf("nn: Gaussian teacher of dimension %d given theta of length %d", g.Dim(), len(theta)))
	}
	if g.at != nil && slices.Equal(g.at, theta) {
		return
	}
	if g.grad == nil {
		g.grad = make([]float64, g.Dim())
	}
	g.loss = g.compute(theta, g.grad)
	g.at = append(g.at[:0], theta...)
}

// compute writes the gradient at theta into grad and returns the loss.
func (g *GaussianTeacher) compute(theta, grad []float64) float64 {
	const twoPi = 2 * math.Pi
	k, d := g.k, g.d
	clear(grad)
	loss := g.base
	unit := func(i int) []float64 { return theta[i*d : (i+1)*d] }
	for i := range k {
		w := unit(i)
		n := math.Sqrt(floats.Dot(w, w))
		g.norm[i] = n
		// The pair (i, i) contributes ½ |w_i|²/2, with gradient w_i/2.
		loss += n * n / 4
		for a, x := range w {
			grad[i*d+a] += x / 2
		}
	}
	for i := range k {
		wi, gi, ni := unit(i), grad[i*d:(i+1)*d], g.norm[i]
		// Student pairs (i, j) and (j, i): ½ + ½ of the kernel, once.
		for j := i + 1; j < k; j++ {
			wj, gj, nj := unit(j), grad[j*d:(j+1)*d], g.norm[j]
			if ni == 0 || nj == 0 {
				continue
			}
			dot := floats.Dot(wi, wj)
			theta, sin := angle(dot, ni, nj)
			loss += (ni*nj*sin + (math.Pi-theta)*dot) / twoPi
			p := (math.Pi - theta) / twoPi
			qi, qj := nj*sin/(ni*twoPi), ni*sin/(nj*twoPi)
			for a := range d {
				gi[a] += p*wj[a] + qi*wi[a]
				gj[a] += p*wi[a] + qj*wj[a]
			}
		}
		if ni == 0 {
			continue
		}
		// Cross terms with the teacher: −Σ_j kernel(w_i, v_j).
		for j, v := range g.teacher {
			nv, dot := g.teacherNorm[j], floats.Dot(wi, v)
			theta, sin := angle(dot, ni, nv)
			loss -= (ni*nv*sin + (math.Pi-theta)*dot) / twoPi
			p, q := (math.Pi-theta)/twoPi, nv*sin/(ni*twoPi)
			for a := range d {
				gi[a] -= p*v[a] + q*wi[a]
			}
		}
	}
	return loss
}

// Output returns the student's output minus the teacher's at input x,
// Σ relu(w_i·x) − Σ relu(v_j·x), for Monte Carlo checks of the closed form.
func (g *GaussianTeacher) Output(theta, x []float64) float64 {
	relu := func(u []float64) float64 { return max(floats.Dot(u, x), 0) }
	s := 0.0
	for i := range g.k {
		s += relu(theta[i*g.d : (i+1)*g.d])
	}
	for _, v := range g.teacher {
		s -= relu(v)
	}
	return s
}
