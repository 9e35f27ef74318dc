package nn_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/nonconvex/explainer/figures/nn"
)

// reluData returns n examples with distinct inputs in [−1, 1] and targets
// sin(3x) plus noise.
func reluData(rng *rand.Rand, n int) (x, y []float64) {
	for i := range n {
		xi := -1 + 2*(float64(i)+0.5)/float64(n) + 0.3/float64(n)*(2*rng.Float64()-1)
		x = append(x, xi)
		y = append(y, math.Sin(3*xi)+0.2*rng.NormFloat64())
	}
	// Shuffle, so that nothing depends on the inputs arriving sorted.
	rng.Shuffle(n, func(i, j int) { x[i], x[j] = x[j], x[i]; y[i], y[j] = y[j], y[i] })
	return x, y
}

func TestConvexReLUPatterns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := reluData(rng, 7)
	p := nn.NewConvexReLU(x, y, 0.1)
	if got, want := len(p.Patterns()), 2*7-1; got != want {
		t.Fatalf("%d patterns, want 2n − 1 = %d", got, want)
	}
	seen := map[string]bool{}
	for _, pat := range p.Patterns() {
		key := ""
		for _, on := range pat.On {
			key += map[bool]string{true: "1", false: "0"}[on]
		}
		if seen[key] {
			t.Errorf("pattern %s appears twice", key)
		}
		seen[key] = true
	}
	// Every nonzero first-layer weight (a, b) has one of the patterns
	// (or none, if the unit is off everywhere), and it lies in that
	// pattern's cone: a non-negative combination of its rays.
	for range 2000 {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		key := ""
		for _, xi := range x {
			key += map[bool]string{true: "1", false: "0"}[a*xi+b >= 0]
		}
		if !seen[key] {
			if key != "0000000" {
				t.Fatalf("(a, b) = (%g, %g) has pattern %s, not enumerated", a, b, key)
			}
			continue
		}
		for _, pat := range p.Patterns() {
			match := true
			for i, on := range pat.On {
				match = match && on == (a*x[i]+b >= 0)
			}
			if !match {
				continue
			}
			r, s := pat.Rays[0], pat.Rays[1]
			det := r[0]*s[1] - r[1]*s[0]
			cr, cs := (a*s[1]-b*s[0])/det, (r[0]*b-r[1]*a)/det
			if cr < -1e-12 || cs < -1e-12 {
				t.Fatalf("(a, b) = (%g, %g) with pattern %s is outside its cone: coefficients %g, %g", a, b, key, cr, cs)
			}
		}
	}
	// And the rays themselves have the pattern (up to the boundary).
	for _, pat := range p.Patterns() {
		for _, r := range pat.Rays {
			for i, on := range pat.On {
				if z := r[0]*x[i] + r[1]; on && z < -1e-12 || !on && z > 1e-12 {
					t.Errorf("ray %v of pattern %v has the wrong sign at x = %g", r, pat.On, x[i])
				}
			}
		}
	}
}

// barrierSolve solves the program a second way: an interior-point method
// with gonum's Newton solver on the log barrier of the epigraph form
//
//	minimise ½‖Aθ − y‖² + β Σ t_k  s.t.  ‖θ_k‖ ≤ t_k,  θ_k in its cone,
//
// following the central path down to mu = 1e−12. Its objective is within
// (4 · blocks) · mu of the optimum.
func barrierSolve(t *testing.T, p *nn.ConvexReLU, y []float64) float64 {
	t.Helper()
	n, dim := len(y), p.Dim()
	blocks := dim / 2
	// A column by column, through the program's own Fit.
	A := mat.NewDense(n, dim, nil)
	e, col := make([]float64, dim), make([]float64, n)
	for j := range dim {
		e[j] = 1
		p.Fit(e, col)
		e[j] = 0
		A.SetCol(j, col)
	}
	pats := p.Patterns()
	// Inward normals of each block's two cone edges.
	normals := make([][2][2]float64, blocks)
	for k := range blocks {
		rays := pats[k%len(pats)].Rays
		for i, r := range rays {
			c := [2]float64{-r[1], r[0]}
			other := rays[1-i]
			if c[0]*other[0]+c[1]*other[1] < 0 {
				c = [2]float64{r[1], -r[0]}
			}
			normals[k][i] = c
		}
	}
	return barrierPath(t, A, y, p, normals)
}

// barrierPath runs the central path for barrierSolve.
func barrierPath(t *testing.T, A *mat.Dense, y []float64, p *nn.ConvexReLU, normals [][2][2]float64) float64 {
	t.Helper()
	n, dim := A.Dims()
	blocks := dim / 2
	beta := p.Beta()
	var AtA mat.SymDense
	AtA.SymOuterK(1, A.T())
	nz := dim + blocks
	z := make([]float64, nz)
	for k := range blocks {
		c := normals[k]
		// Strictly inside the cone: along the sum of the edge directions,
		// which the normals rotate back to.
		d := [2]float64{c[0][1] - c[1][1], c[1][0] - c[0][0]}
		if d[0]*c[0][0]+d[1]*c[0][1] <= 0 || d[0]*c[1][0]+d[1]*c[1][1] <= 0 {
			d = [2]float64{-d[0], -d[1]}
		}
		l := math.Hypot(d[0], d[1])
		z[2*k], z[2*k+1] = 0.01*d[0]/l, 0.01*d[1]/l
		z[dim+k] = 1
	}
	resid := make([]float64, n)
	var mu float64
	residual := func(v []float64) {
		r := mat.NewVecDense(n, resid)
		r.MulVec(A, mat.NewVecDense(dim, v[:dim]))
		for i := range resid {
			resid[i] -= y[i]
		}
	}
	value := func(v []float64) float64 {
		residual(v)
		f := 0.0
		for _, r := range resid {
			f += r * r / 2
		}
		for k := range blocks {
			f += beta * v[dim+k]
		}
		bar := 0.0
		for k := range blocks {
			a, b, tk := v[2*k], v[2*k+1], v[dim+k]
			s := tk*tk - a*a - b*b
			c1 := normals[k][0][0]*a + normals[k][0][1]*b
			c2 := normals[k][1][0]*a + normals[k][1][1]*b
			if !(s > 0 && tk > 0 && c1 > 0 && c2 > 0) {
				return math.Inf(1)
			}
			bar -= math.Log(s) + math.Log(c1) + math.Log(c2)
		}
		return f/mu + bar
	}
	grad := func(g, v []float64) {
		residual(v)
		clear(g)
		var atr mat.VecDense
		atr.MulVec(A.T(), mat.NewVecDense(n, resid))
		for j := range dim {
			g[j] = atr.AtVec(j) / mu
		}
		for k := range blocks {
			a, b, tk := v[2*k], v[2*k+1], v[dim+k]
			s := tk*tk - a*a - b*b
			g[dim+k] += beta/mu - 2*tk/s
			g[2*k] += 2 * a / s
			g[2*k+1] += 2 * b / s
			for _, c := range normals[k] {
				cv := c[0]*a + c[1]*b
				g[2*k] -= c[0] / cv
				g[2*k+1] -= c[1] / cv
			}
		}
	}
	hess := func(h *mat.SymDense, v []float64) {
		for i := range nz {
			for j := i; j < nz; j++ {
				h.SetSym(i, j, 0)
			}
		}
		for i := range dim {
			for j := i; j < dim; j++ {
				h.SetSym(i, j, AtA.At(i, j)/mu)
			}
		}
		for k := range blocks {
			a, b, tk := v[2*k], v[2*k+1], v[dim+k]
			s := tk*tk - a*a - b*b
			// −log(zᵀJz), z = (t, a, b), J = diag(1, −1, −1):
			// Hessian −2J/s + 4 (Jz)(Jz)ᵀ/s².
			idx := []int{dim + k, 2 * k, 2*k + 1}
			jz := []float64{tk, -a, -b}
			jd := []float64{1, -1, -1}
			for p := range 3 {
				for q := p; q < 3; q++ {
					val := 4 * jz[p] * jz[q] / (s * s)
					if p == q {
						val -= 2 * jd[p] / s
					}
					i, j := idx[p], idx[q]
					if i > j {
						i, j = j, i
					}
					h.SetSym(i, j, h.At(i, j)+val)
				}
			}
			for _, c := range normals[k] {
				cv := c[0]*a + c[1]*b
				h.SetSym(2*k, 2*k, h.At(2*k, 2*k)+c[0]*c[0]/(cv*cv))
				h.SetSym(2*k, 2*k+1, h.At(2*k, 2*k+1)+c[0]*c[1]/(cv*cv))
				h.SetSym(2*k+1, 2*k+1, h.At(2*k+1, 2*k+1)+c[1]*c[1]/(cv*cv))
			}
		}
	}
	for mu = 1; mu >= 1e-12; mu /= 10 {
		res, err := optimize.Minimize(optimize.Problem{Func: value, Grad: grad, Hess: hess}, z,
			&optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 200},
			&optimize.Newton{Linesearcher: &optimize.Backtracking{}})
		if err != nil && res == nil {
			t.Fatalf("barrier at mu = %g: %v", mu, err)
		}
		copy(z, res.X)
	}
	return p.Objective(z[:dim])
}

func TestConvexReLUSolveAgreesWithBarrierMethod(t *testing.T) {
	for i, c := range []struct {
		n    int
		beta float64
	}{{3, 0.05}, {4, 0.2}, {5, 0.1}, {6, 0.5}, {6, 0.03}} {
		rng := rand.New(rand.NewPCG(7, uint64(i)))
		x, y := reluData(rng, c.n)
		p := nn.NewConvexReLU(x, y, c.beta)
		sol, err := p.Solve(context.Background(), 1e-12, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		if sol.Gap() > 1e-12 {
			t.Errorf("n = %d, β = %g: relative duality gap %.1e after %d iterations", c.n, c.beta, sol.Gap(), sol.Iters)
		}
		other := barrierSolve(t, p, y)
		if d := math.Abs(other-sol.Primal) / sol.Primal; d > 1e-8 {
			t.Errorf("n = %d, β = %g: proximal gradient gives %.12g, the barrier method %.12g (relative difference %.1e)", c.n, c.beta, sol.Primal, other, d)
		}
		if other < sol.Dual*(1-1e-12) {
			t.Errorf("n = %d, β = %g: barrier method's %.12g is below the certified lower bound %.12g", c.n, c.beta, other, sol.Dual)
		}
	}
}

func TestConvexReLUDualBoundIsALowerBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x, y := reluData(rng, 8)
	p := nn.NewConvexReLU(x, y, 0.1)
	sol, err := p.Solve(context.Background(), 1e-12, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	// Any dual vector gives a bound below the optimum, and no network of
	// any width, trained or random, goes below it.
	for range 200 {
		r := make([]float64, len(x))
		for i := range r {
			r[i] = 2 * rng.NormFloat64()
		}
		if d := p.DualBound(r); d > sol.Primal*(1+1e-12) {
			t.Fatalf("dual bound %.12g above the optimum %.12g", d, sol.Primal)
		}
	}
	for _, m := range []int{1, 3, 10} {
		f := nn.NewShallowReLU(x, y, m, 0.1)
		for range 200 {
			theta := make([]float64, 3*m)
			for k := range theta {
				theta[k] = rng.NormFloat64()
			}
			res, err := nn.LBFGS(context.Background(), f, theta, nn.LBFGSConfig{MaxIters: 200})
			if err != nil && len(res.Theta) == 0 {
				t.Fatal(err)
			}
			if l := f.Loss(res.Theta); l < sol.Dual*(1-1e-12) {
				t.Fatalf("a width-%d network reaches %.12g, below the certified bound %.12g", m, l, sol.Dual)
			}
		}
	}
}

func TestConvexReLUNetworkAttainsTheOptimum(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	x, y := reluData(rng, 12)
	for _, beta := range []float64{0.05, 0.3} {
		p := nn.NewConvexReLU(x, y, beta)
		sol, err := p.Solve(context.Background(), 1e-12, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		if v := p.Feasible(sol.Theta); v > 1e-14 {
			t.Errorf("β = %g: solution violates its cones by %.1e", beta, v)
		}
		a, b, alpha := p.Network(sol.Theta)
		f := nn.NewShallowReLU(x, y, len(a), beta)
		theta := f.Pack(a, b, alpha)
		if got := f.Loss(theta); math.Abs(got-sol.Primal) > 1e-13*sol.Primal {
			t.Errorf("β = %g: rebuilt network's objective %.15g, program's %.15g", beta, got, sol.Primal)
		}
		// The rebuilt network's outputs are the program's fit.
		fit := p.Fit(sol.Theta, make([]float64, len(x)))
		for i, xi := range x {
			if d := math.Abs(f.Output(theta, xi) - fit[i]); d > 1e-13 {
				t.Errorf("β = %g: output at %g differs from the program's fit by %.1e", beta, xi, d)
			}
		}
		// Balanced: each rebuilt unit has |α| = ‖u‖, which is what makes
		// the weight decay equal the group norm.
		for j := range a {
			if d := math.Abs(math.Hypot(a[j], b[j]) - math.Abs(alpha[j])); d > 1e-14 {
				t.Errorf("β = %g: unit %d is unbalanced by %.1e", beta, j, d)
			}
		}
	}
}

func TestShallowReLUGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x, y := reluData(rng, 9)
	f := nn.NewShallowReLU(x, y, 4, 0.3)
	for range 5 {
		theta := make([]float64, f.Dim())
		for k := range theta {
			theta[k] = rng.NormFloat64()
		}
		grad := make([]float64, len(theta))
		loss := f.Grad(theta, grad)
		if want := f.Loss(theta); loss != want {
			t.Errorf("Grad's value %g, Loss %g", loss, want)
		}
		want := fd.Gradient(nil, f.Loss, theta, &fd.Settings{Formula: fd.Central, Step: 1e-7})
		if d := maxRelDiff(grad, want); d > 1e-6 {
			t.Errorf("gradient differs from central differences by %g\n got %v\nwant %v", d, grad, want)
		}
	}
	// The objective by its definition, at one point.
	theta := []float64{1, -2, 0.5, 0.25, 0.5, -1, 2, 3, -1, 0.5, 1, 1}
	want := 0.0
	for i, xi := range x {
		out := 0.0
		for j := range 4 {
			out += theta[8+j] * math.Max(theta[j]*xi+theta[4+j], 0)
		}
		want += (out - y[i]) * (out - y[i]) / 2
	}
	for _, th := range theta {
		want += 0.3 / 2 * th * th
	}
	if got := f.Loss(theta); math.Abs(got-want) > 1e-13*want {
		t.Errorf("J = %.15g, by definition %.15g", got, want)
	}
}
