package nn

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// This file is the convex program of Pilanci and Ergen (ICML 2020) for a
// two-layer ReLU network with weight decay, specialised to one-dimensional
// inputs with a bias, where everything it needs can be computed exactly.
//
// The network f(x) = Σ_j α_j relu(a_j x + b_j) is trained on examples
// (x_i, y_i) by minimising
//
//	J = ½ Σ_i (f(x_i) − y_i)² + (β/2) Σ_j (a_j² + b_j² + α_j²).
//
// Write x̃ = (x, 1) and u_j = (a_j, b_j). On the data, a unit is linear in
// u_j as long as the set of examples it is active on, its pattern D, stays
// put: relu(X̃u) = D X̃ u for every u in the cone K_D = {u : (2D − I) X̃ u ≥ 0}.
// In one dimension the patterns are the sets of the k largest inputs and the
// sets of the k smallest, 2n − 1 of them that are not empty. The program
//
//	minimise ½‖Σ_i D_i X̃ (v_i − w_i) − y‖² + β Σ_i (‖v_i‖ + ‖w_i‖)
//	subject to v_i, w_i ∈ K_{D_i}
//
// is convex, and its optimal value p* is the least value J can take at any
// width: every network gives a feasible point of the program whose objective
// is at most J (units with the same pattern add up; β|α|‖u‖ ≤ (β/2)(‖u‖² +
// α²)), and every point of the program gives a network with one unit per
// nonzero block (u = v/√‖v‖, α = √‖v‖; negative α for the w blocks) whose J
// equals the program's objective.

// A ReLUPattern is one activation pattern of a unit on the data set.
type ReLUPattern struct {
	// On says which examples the unit is active on (the diagonal of D).
	On []bool
	// Rays are unit vectors spanning the cone K_D of first-layer weights
	// u = (a, b) with this pattern: K_D = {p Rays[0] + q Rays[1] : p, q ≥ 0}.
	Rays [2][2]float64
}

// ConvexReLU is the convex program of a two-layer ReLU network with weight
// decay on one-dimensional inputs with a bias. Its variable is one vector
// θ of length 4P for P patterns: the blocks v_1 … v_P, then w_1 … w_P, each
// a pair (a, b).
type ConvexReLU struct {
	x, y     []float64
	beta     float64
	patterns []ReLUPattern
	lip      float64   // largest eigenvalue of AᵀA, A the program's linear map
	res      []float64 // scratch: a residual
}

// NewConvexReLU returns the program for inputs x (distinct), targets y and
// weight decay beta > 0. It enumerates the patterns.
func NewConvexReLU(x, y []float64, beta float64) *ConvexReLU {
	n := len(x)
	if n < 2 || len(y) != n || !(beta > 0) {
		panic(fmt.Sprintf("nn: convex ReLU program needs at least two examples, as many targets and beta > 0; got %d, %d, %g", n, len(y), beta))
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return cmp.Compare(x[i], x[j]) })
	for k := 1; k < n; k++ {
		if x[order[k]] == x[order[k-1]] {
			panic(fmt.Sprintf("nn: convex ReLU program needs distinct inputs; %g appears twice", x[order[k]]))
		}
	}
	p := &ConvexReLU{x: slices.Clone(x), y: slices.Clone(y), beta: beta, res: make([]float64, n)}
	// The k largest inputs, k = n … 1, then the k smallest, k = 1 … n−1
	// (all n of them would repeat the first pattern).
	add := func(on []bool) {
		rows := make([][2]float64, n)
		for i := range n {
			s := -1.0
			if on[i] {
				s = 1
			}
			rows[i] = [2]float64{s * x[i], s}
		}
		rays, ok := coneRays(rows)
		if !ok {
			panic("nn: an activation pattern of distinct inputs has no cone")
		}
		p.patterns = append(p.patterns, ReLUPattern{On: on, Rays: rays})
	}
	for k := n; k >= 1; k-- {
		on := make([]bool, n)
		for _, i := range order[n-k:] {
			on[i] = true
		}
		add(on)
	}
	for k := 1; k < n; k++ {
		on := make([]bool, n)
		for _, i := range order[:k] {
			on[i] = true
		}
		add(on)
	}
	p.lip = p.lipschitz()
	return p
}

// coneRays returns unit vectors spanning the cone {u ∈ R² : r·u ≥ 0 for
// every row r}, assuming it has an interior and an angle below π. Its edges
// are perpendicular to some of the rows, so the candidates are the two
// perpendiculars of every row; the edges are the two feasible candidates
// farthest apart.
func coneRays(rows [][2]float64) ([2][2]float64, bool) {
	var cands [][2]float64
	for _, r := range rows {
		l := math.Hypot(r[0], r[1])
		if l == 0 {
			continue
		}
		for _, c := range [][2]float64{{-r[1] / l, r[0] / l}, {r[1] / l, -r[0] / l}} {
			feasible := true
			for _, s := range rows {
				if s[0]*c[0]+s[1]*c[1] < -1e-12*math.Hypot(s[0], s[1]) {
					feasible = false
					break
				}
			}
			if feasible {
				cands = append(cands, c)
			}
		}
	}
	best, found := 2.0, false
	var rays [2][2]float64
	for i, c := range cands {
		for _, d := range cands[i+1:] {
			if dot := c[0]*d[0] + c[1]*d[1]; dot < best {
				best, found, rays = dot, true, [2][2]float64{c, d}
			}
		}
	}
	// Two rays pointing apart (dot −1) span a half-plane, not a cone
	// with an angle below π; nearly equal rays span no interior.
	return rays, found && best > -1+1e-12 && best < 1-1e-12
}

// Patterns returns the activation patterns, in the order of θ's blocks.
func (p *ConvexReLU) Patterns() []ReLUPattern { return p.patterns }

// Dim returns the length of θ: four numbers per pattern.
func (p *ConvexReLU) Dim() int { return 4 * len(p.patterns) }

// Beta returns the weight decay.
func (p *ConvexReLU) Beta() float64 { return p.beta }

// block returns the pattern of θ's k-th block (k < 2P) and its sign: +1
// for v blocks, −1 for w blocks.
func (p *ConvexReLU) block(k int) (ReLUPattern, float64) {
	if k < len(p.patterns) {
		return p.patterns[k], 1
	}
	return p.patterns[k-len(p.patterns)], -1
}

// Fit writes Σ_i D_i X̃ (v_i − w_i), the network's outputs on the data,
// into out and returns it.
func (p *ConvexReLU) Fit(theta, out []float64) []float64 {
	clear(out)
	for k := range 2 * len(p.patterns) {
		pat, s := p.block(k)
		a, b := theta[2*k], theta[2*k+1]
		if a == 0 && b == 0 {
			continue
		}
		for i, on := range pat.On {
			if on {
				out[i] += s * (a*p.x[i] + b)
			}
		}
	}
	return out
}

// adjoint writes Aᵀr, the gradient of ½‖Aθ − y‖² when r = Aθ − y.
func (p *ConvexReLU) adjoint(r, grad []float64) {
	for k := range 2 * len(p.patterns) {
		pat, s := p.block(k)
		ga, gb := 0.0, 0.0
		for i, on := range pat.On {
			if on {
				ga += r[i] * p.x[i]
				gb += r[i]
			}
		}
		grad[2*k], grad[2*k+1] = s*ga, s*gb
	}
}

// lipschitz returns the largest eigenvalue of A Aᵀ = 2 Σ_i D_i X̃ X̃ᵀ D_i,
// the Lipschitz constant of the gradient of the data term.
func (p *ConvexReLU) lipschitz() float64 {
	n := len(p.x)
	m := mat.NewSymDense(n, nil)
	for _, pat := range p.patterns {
		for i := range n {
			for j := i; j < n; j++ {
				if pat.On[i] && pat.On[j] {
					m.SetSym(i, j, m.At(i, j)+2*(p.x[i]*p.x[j]+1))
				}
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(m, false) {
		panic("nn: eigenvalues of the convex ReLU program's Gram matrix did not converge")
	}
	return slices.Max(eig.Values(nil))
}

// Objective returns ½‖Aθ − y‖² + β Σ ‖block‖. It does not check that
// θ is feasible.
func (p *ConvexReLU) Objective(theta []float64) float64 {
	p.Fit(theta, p.res)
	data := 0.0
	for i, f := range p.res {
		data += (f - p.y[i]) * (f - p.y[i])
	}
	norms := 0.0
	for k := range 2 * len(p.patterns) {
		norms += math.Hypot(theta[2*k], theta[2*k+1])
	}
	return data/2 + p.beta*norms
}

// Feasible reports the largest violation of the cone constraints by θ,
// relative to each block's length: 0 when every block lies in its cone.
func (p *ConvexReLU) Feasible(theta []float64) float64 {
	worst := 0.0
	for k := range 2 * len(p.patterns) {
		pat, _ := p.block(k)
		a, b := theta[2*k], theta[2*k+1]
		l := math.Hypot(a, b)
		if l == 0 {
			continue
		}
		for i, on := range pat.On {
			z := (a*p.x[i] + b) / (l * math.Hypot(p.x[i], 1))
			if !on {
				z = -z
			}
			worst = max(worst, -z)
		}
	}
	return worst
}

// projectCone returns the point of the cone spanned by rays nearest z.
func projectCone(rays [2][2]float64, z [2]float64) [2]float64 {
	if cr, cs := coneCoefficients(rays, z); cr >= 0 && cs >= 0 {
		return z
	}
	// Outside the cone the nearest point lies on one of its edges.
	best, bestDist := [2]float64{}, math.Inf(1)
	for _, e := range rays {
		t := max(0, z[0]*e[0]+z[1]*e[1])
		q := [2]float64{t * e[0], t * e[1]}
		if d := (z[0]-q[0])*(z[0]-q[0]) + (z[1]-q[1])*(z[1]-q[1]); d < bestDist {
			best, bestDist = q, d
		}
	}
	return best
}

// proxBlock returns argmin over u in the cone of ½‖u − z‖² + t‖u‖: the
// projection onto the cone, shrunk towards 0 by t (and 0 if it is shorter
// than t). Both terms are invariant under positive scaling, which is why
// projecting first and shrinking second is exact.
func proxBlock(rays [2][2]float64, z [2]float64, t float64) [2]float64 {
	q := projectCone(rays, z)
	l := math.Sqrt(q[0]*q[0] + q[1]*q[1])
	if l <= t {
		return [2]float64{}
	}
	return [2]float64{q[0] * (1 - t/l), q[1] * (1 - t/l)}
}

// DualBound returns a lower bound on the program's optimal value, and so
// on J at every width, from a candidate dual vector r ∈ Rⁿ (best: the
// residual y − Aθ at a near-optimal θ). It scales r into the dual's
// feasible set {λ : ‖P_K(±X̃ᵀDλ)‖ ≤ β for every pattern} and returns the
// dual objective λᵀy − ½‖λ‖², which weak duality puts below every primal
// value.
func (p *ConvexReLU) DualBound(r []float64) float64 {
	worst := 0.0
	for _, pat := range p.patterns {
		g := [2]float64{}
		for i, on := range pat.On {
			if on {
				g[0] += r[i] * p.x[i]
				g[1] += r[i]
			}
		}
		for _, s := range []float64{1, -1} {
			q := projectCone(pat.Rays, [2]float64{s * g[0], s * g[1]})
			worst = max(worst, math.Hypot(q[0], q[1]))
		}
	}
	smax := 1.0
	if worst > p.beta {
		smax = p.beta / worst
	}
	// The best multiple s·r, s in [0, smax], for the concave dual objective.
	rr, ry := floats.Dot(r, r), floats.Dot(r, p.y)
	s := 0.0
	if rr > 0 {
		s = min(max(ry/rr, 0), smax)
	}
	return s*ry - s*s*rr/2
}

// ConvexReLUSolution is the outcome of ConvexReLU.Solve.
type ConvexReLUSolution struct {
	Theta  []float64 // the minimiser found
	Primal float64   // the program's objective at Theta: an upper bound on p*
	Dual   float64   // a certified lower bound on p* (DualBound at the residual)
	Iters  int       // iterations taken
}

// Gap returns the relative duality gap (Primal − Dual)/Primal, which bounds
// how far Primal can be above the optimum p*.
func (s ConvexReLUSolution) Gap() float64 { return (s.Primal - s.Dual) / s.Primal }

// Solve minimises the program by accelerated proximal gradient (FISTA,
// restarted whenever the momentum points uphill), whose proximal step is
// exact here: for each block, project onto its two-dimensional cone, then
// shrink. Once the duality gap is below 10⁻³ it also tries, now and then,
// to finish on the face of the feasible set the iterate has found (see
// polish). It stops when the relative duality gap falls below tol or after
// maxIters iterations, and polls ctx.
func (p *ConvexReLU) Solve(ctx context.Context, tol float64, maxIters int) (ConvexReLUSolution, error) {
	dim := p.Dim()
	x, xPrev, z := make([]float64, dim), make([]float64, dim), make([]float64, dim)
	grad := make([]float64, dim)
	fit := make([]float64, len(p.x))
	step := 1 / p.lip
	t := 1.0
	// Polishing costs a few Newton solves; after a failed attempt the
	// next waits twice as long.
	nextPolish, wait := 0, 256
	sol := ConvexReLUSolution{Primal: math.Inf(1), Dual: math.Inf(-1)}
	// gap returns the primal value at θ and the best dual bound so far.
	gap := func(theta []float64) (primal, dual float64) {
		p.Fit(theta, fit)
		for i := range fit {
			fit[i] = p.y[i] - fit[i]
		}
		return p.Objective(theta), max(sol.Dual, p.DualBound(fit))
	}
	for it := range maxIters {
		if it%64 == 0 {
			if err := ctx.Err(); err != nil {
				return sol, fmt.Errorf("nn: convex ReLU program stopped at iteration %d: %w", it, err)
			}
			sol.Primal, sol.Dual = gap(x)
			if sol.Primal-sol.Dual <= tol*sol.Primal {
				sol.Theta, sol.Iters = slices.Clone(x), it
				return sol, nil
			}
			if sol.Primal-sol.Dual <= 1e-3*sol.Primal && it >= nextPolish {
				nextPolish, wait = it+wait, 2*wait
				if q, ok := p.polish(x); ok {
					if primal, dual := gap(q); primal < sol.Primal {
						sol.Primal, sol.Dual = primal, dual
						if primal-dual <= tol*primal {
							sol.Theta, sol.Iters = q, it
							return sol, nil
						}
						copy(x, q)
						copy(z, q)
						t = 1
					}
				}
			}
		}
		p.Fit(z, fit)
		for i := range fit {
			fit[i] -= p.y[i]
		}
		p.adjoint(fit, grad)
		copy(xPrev, x)
		for k := range dim / 2 {
			pat, _ := p.block(k)
			u := proxBlock(pat.Rays, [2]float64{z[2*k] - step*grad[2*k], z[2*k+1] - step*grad[2*k+1]}, step*p.beta)
			x[2*k], x[2*k+1] = u[0], u[1]
		}
		// Restart the momentum when it works against the gradient step
		// (O'Donoghue and Candès's gradient test).
		up := 0.0
		for i := range x {
			up += (z[i] - x[i]) * (x[i] - xPrev[i])
		}
		if up > 0 {
			t = 1
		}
		tNext := (1 + math.Sqrt(1+4*t*t)) / 2
		for i := range z {
			z[i] = x[i] + (t-1)/tNext*(x[i]-xPrev[i])
		}
		t = tNext
	}
	sol.Primal, sol.Dual = gap(x)
	sol.Theta, sol.Iters = slices.Clone(x), maxIters
	return sol, nil
}

// Network returns the two-layer network rebuilt from a point θ of the
// program: one unit per nonzero block, u = block/√‖block‖ and α = ±√‖block‖
// (+ for v blocks, − for w blocks), in θ's block order. Blocks that point
// the same way with the same sign (a unit whose kink sits exactly on a data
// point belongs to two neighbouring patterns) become one unit, which changes
// nothing in the objective because their norms add. The network's objective
// J equals the program's objective at θ when θ is feasible.
func (p *ConvexReLU) Network(theta []float64) (a, b, alpha []float64) {
	type unit struct {
		v    [2]float64
		sign float64
	}
	var units []unit
next:
	for k := range 2 * len(p.patterns) {
		_, s := p.block(k)
		v := [2]float64{theta[2*k], theta[2*k+1]}
		l := math.Hypot(v[0], v[1])
		if l == 0 {
			continue
		}
		for i, u := range units {
			lu := math.Hypot(u.v[0], u.v[1])
			if u.sign == s && math.Abs(u.v[0]*v[1]-u.v[1]*v[0]) <= 1e-12*lu*l && u.v[0]*v[0]+u.v[1]*v[1] > 0 {
				units[i].v = [2]float64{u.v[0] + v[0], u.v[1] + v[1]}
				continue next
			}
		}
		units = append(units, unit{v, s})
	}
	for _, u := range units {
		r := math.Sqrt(math.Hypot(u.v[0], u.v[1]))
		a = append(a, u.v[0]/r)
		b = append(b, u.v[1]/r)
		alpha = append(alpha, u.sign*r)
	}
	return a, b, alpha
}
