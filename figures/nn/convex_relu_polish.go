package nn

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Proximal gradient finds which blocks of the optimum are zero, which lie
// on an edge of their cone and which inside it long before it finds their
// values to many digits: the blocks' columns are nearly parallel (two
// patterns that differ in one example), which makes the last digits slow.
// polish finishes the job on that face of the feasible set, where the
// objective is smooth, with gonum's Newton method. Whatever it returns is
// judged by the duality gap like any other point, so a wrong guess of the
// face costs time, never correctness.

// A face is a guess of the optimum's face: the blocks that are not zero,
// and for each whether it lies inside its cone (two free numbers) or on one
// edge (one number ≥ 0 times the edge's unit vector).
type face []faceBlock

type faceBlock struct {
	k    int        // the block's index in θ
	edge [2]float64 // its edge, or the zero vector for an interior block
}

func (b faceBlock) interior() bool { return b.edge == [2]float64{} }

// starts returns where each block's numbers start in the reduced vector,
// and its length.
func (f face) starts() ([]int, int) {
	st, dim := make([]int, len(f)), 0
	for i, b := range f {
		st[i] = dim
		if b.interior() {
			dim += 2
		} else {
			dim++
		}
	}
	return st, dim
}

// faceOf returns the face of θ: a block is on an edge when its other
// coefficient in the cone's basis of edges is below tol times the larger.
// Two neighbouring patterns share an edge (a unit whose kink sits on the
// data point where they differ), and on it their columns coincide; a block
// on an edge that an earlier block of the same sign already uses is left
// out, since the earlier one can carry both.
func (p *ConvexReLU) faceOf(theta []float64, tol float64) face {
	var f face
	for k := range 2 * len(p.patterns) {
		v := [2]float64{theta[2*k], theta[2*k+1]}
		if v[0] == 0 && v[1] == 0 {
			continue
		}
		pat, _ := p.block(k)
		cr, cs := coneCoefficients(pat.Rays, v)
		var e [2]float64
		switch {
		case cs <= tol*cr:
			e = pat.Rays[0]
		case cr <= tol*cs:
			e = pat.Rays[1]
		}
		f = f.with(p, faceBlock{k, e})
	}
	return f
}

// with returns f with b added, unless b lies on an edge that a block of
// the same sign in f already uses.
func (f face) with(p *ConvexReLU, b faceBlock) face {
	if !b.interior() {
		_, sign := p.block(b.k)
		for _, c := range f {
			_, s := p.block(c.k)
			if s == sign && math.Abs(c.edge[0]-b.edge[0]) <= 1e-14 && math.Abs(c.edge[1]-b.edge[1]) <= 1e-14 {
				return f
			}
		}
	}
	return append(f, b)
}

// coneCoefficients returns the coefficients of v in the basis of the
// cone's edges: v = cr·rays[0] + cs·rays[1].
func coneCoefficients(rays [2][2]float64, v [2]float64) (cr, cs float64) {
	r, s := rays[0], rays[1]
	det := r[0]*s[1] - r[1]*s[0]
	return (v[0]*s[1] - v[1]*s[0]) / det, (r[0]*v[1] - r[1]*v[0]) / det
}

// expand returns the θ that the reduced vector z stands for on face f.
func (p *ConvexReLU) expand(f face, z []float64) []float64 {
	theta := make([]float64, p.Dim())
	st, _ := f.starts()
	for i, b := range f {
		j, k := st[i], b.k
		if b.interior() {
			theta[2*k], theta[2*k+1] = z[j], z[j+1]
		} else {
			theta[2*k], theta[2*k+1] = z[j]*b.edge[0], z[j]*b.edge[1]
		}
	}
	return theta
}

// polish minimises the objective over the faces of θ found with edge
// tolerances from 10⁻⁹ to 10⁻², correcting each guess as an active-set
// method does, and returns the best feasible point found, or false if
// there is none.
func (p *ConvexReLU) polish(theta []float64) ([]float64, bool) {
	var best []float64
	var tried []face
	bestValue := math.Inf(1)
	var faces []face
	for _, tol := range []float64{1e-9, 1e-6, 1e-4, 1e-2} {
		faces = append(faces, p.faceOf(theta, tol))
	}
	for _, f := range faces {
		if slices.ContainsFunc(tried, func(g face) bool { return slices.Equal(f, g) }) {
			continue
		}
		tried = append(tried, f)
		if q, ok := p.activeSet(f, theta); ok {
			if v := p.Objective(q); v < bestValue {
				best, bestValue = q, v
			}
		}
	}
	return best, best != nil
}

// activeSet minimises over face f from θ; where the minimiser leaves the
// feasible set, it moves the offending blocks to the boundary they crossed
// (an interior block to the edge beyond which it went, an edge block to
// zero) and minimises again, from the minimiser pulled back inside.
func (p *ConvexReLU) activeSet(f face, theta []float64) ([]float64, bool) {
	for range 2 * len(p.patterns) {
		if len(f) == 0 {
			return nil, false
		}
		q, ok := p.minimiseOnFace(f, theta)
		if !ok {
			return nil, false
		}
		var next face
		changed := false
		for _, b := range f {
			pat, _ := p.block(b.k)
			v := [2]float64{q[2*b.k], q[2*b.k+1]}
			cr, cs := coneCoefficients(pat.Rays, v)
			switch {
			case !b.interior() && !(v[0]*b.edge[0]+v[1]*b.edge[1] > 0):
				changed = true // left at zero
			case b.interior() && cr < 0 && cs < 0:
				changed = true
			case b.interior() && cr < 0:
				next, changed = next.with(p, faceBlock{b.k, pat.Rays[1]}), true
			case b.interior() && cs < 0:
				next, changed = next.with(p, faceBlock{b.k, pat.Rays[0]}), true
			default:
				next = next.with(p, b)
			}
		}
		if !changed {
			return q, true
		}
		f, theta = next, q
	}
	return nil, false
}

// minimiseOnFace minimises the objective over face f, starting from θ's
// projection onto it, and returns the minimiser as a full θ. It does not
// check feasibility.
func (p *ConvexReLU) minimiseOnFace(f face, theta []float64) ([]float64, bool) {
	n := len(p.x)
	st, dim := f.starts()
	// B maps the reduced vector to the fit: one column per number.
	B := mat.NewDense(n, dim, nil)
	for i, b := range f {
		pat, s := p.block(b.k)
		j := st[i]
		for r, on := range pat.On {
			if !on {
				continue
			}
			if b.interior() {
				B.Set(r, j, s*p.x[r])
				B.Set(r, j+1, s)
			} else {
				B.Set(r, j, s*(b.edge[0]*p.x[r]+b.edge[1]))
			}
		}
	}
	var BtB mat.SymDense
	BtB.SymOuterK(1, B.T())
	y := mat.NewVecDense(n, p.y)
	resid := mat.NewVecDense(n, nil)
	fitOf := func(z []float64) {
		resid.MulVec(B, mat.NewVecDense(dim, z))
		resid.SubVec(resid, y)
	}
	value := func(z []float64) float64 {
		fitOf(z)
		v := mat.Dot(resid, resid) / 2
		for i, b := range f {
			j := st[i]
			if b.interior() {
				v += p.beta * math.Sqrt(z[j]*z[j]+z[j+1]*z[j+1])
			} else {
				v += p.beta * z[j]
			}
		}
		return v
	}
	grad := func(g, z []float64) {
		fitOf(z)
		gv := mat.NewVecDense(dim, g)
		gv.MulVec(B.T(), resid)
		for i, b := range f {
			j := st[i]
			if b.interior() {
				l := math.Sqrt(z[j]*z[j] + z[j+1]*z[j+1])
				g[j] += p.beta * z[j] / l
				g[j+1] += p.beta * z[j+1] / l
			} else {
				g[j] += p.beta
			}
		}
	}
	hess := func(h *mat.SymDense, z []float64) {
		h.CopySym(&BtB)
		for i, b := range f {
			if !b.interior() {
				continue
			}
			j := st[i]
			a, c := z[j], z[j+1]
			l := math.Sqrt(a*a + c*c)
			w := p.beta / (l * l * l)
			// β(I/‖v‖ − vvᵀ/‖v‖³) = (β/‖v‖³)(‖v‖²I − vvᵀ).
			h.SetSym(j, j, h.At(j, j)+w*c*c)
			h.SetSym(j, j+1, h.At(j, j+1)-w*a*c)
			h.SetSym(j+1, j+1, h.At(j+1, j+1)+w*a*a)
		}
	}
	// The start: θ's blocks, those on an edge projected onto it (and
	// kept positive, where the norm is smooth).
	z0 := make([]float64, dim)
	for i, b := range f {
		j, k := st[i], b.k
		if b.interior() {
			z0[j], z0[j+1] = theta[2*k], theta[2*k+1]
			if z0[j] == 0 && z0[j+1] == 0 {
				pat, _ := p.block(k)
				z0[j], z0[j+1] = 1e-3*(pat.Rays[0][0]+pat.Rays[1][0]), 1e-3*(pat.Rays[0][1]+pat.Rays[1][1])
			}
		} else {
			z0[j] = max(theta[2*k]*b.edge[0]+theta[2*k+1]*b.edge[1], 1e-3)
		}
	}
	res, err := optimize.Minimize(optimize.Problem{Func: value, Grad: grad, Hess: hess}, z0,
		&optimize.Settings{GradientThreshold: 1e-13, MajorIterations: 100},
		&optimize.Newton{Linesearcher: &optimize.Backtracking{}})
	if res == nil || err != nil && !(res.F <= value(z0)) {
		return nil, false
	}
	return p.expand(f, res.X), true
}
