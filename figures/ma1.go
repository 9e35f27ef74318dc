package figures

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
)

// This file holds claim k of the brief: non-convexity from symmetry is not
// peculiar to neural networks. A moving-average model of order q writes an
// observation as white noise filtered by the polynomial
// θ(z) = (1 + a₁z)…(1 + a_q z); replacing a root factor's a by 1/a and the
// noise variance σ² by a²σ² leaves every autocovariance, and so the whole
// Gaussian likelihood, unchanged.
//
//   - ma1-likelihood: the exact profile likelihood of an MA(1) model on a
//     simulated series, with its two minima at θ̂ and 1/θ̂.
//   - ma-root-flips: the 2^q equivalent parameter points of an MA(q) model.

// maSimulate draws n observations of x_t = ε_t + a₁ε_{t−1} + … + a_qε_{t−q}
// (coefficients psi = (1, a₁, …)) with standard normal ε from rng.
func maSimulate(rng *rand.Rand, psi []float64, n int) []float64 {
	q := len(psi) - 1
	eps := make([]float64, n+q)
	for i := range eps {
		eps[i] = rng.NormFloat64()
	}
	x := make([]float64, n)
	for t := range x {
		for j, c := range psi {
			x[t] += c * eps[t+q-j]
		}
	}
	return x
}

// maInnovations returns log det R and xᵀR⁻¹x for the covariance R of an
// MA(1) series with parameter theta and unit noise variance (diagonal
// 1 + θ², off-diagonals θ), by the innovations algorithm: the one-step
// prediction errors e_t have variances r_t, with log det R = Σ log r_t and
// xᵀR⁻¹x = Σ e_t²/r_t. It is exact, and takes O(n) operations.
func maInnovations(x []float64, theta float64) (logDet, quad float64) {
	g0, g1 := 1+theta*theta, theta
	r := g0
	e := x[0]
	logDet, quad = math.Log(r), e*e/r
	for t := 1; t < len(x); t++ {
		c := g1 / r // the weight of the previous prediction error
		r = g0 - c*c*r
		e = x[t] - c*e
		logDet += math.Log(r)
		quad += e * e / r
	}
	return logDet, quad
}

// maDense returns log det R and xᵀR⁻¹x for the covariance R of an MA(q)
// series with coefficients psi (psi[0] = 1) and unit noise variance, by a
// Cholesky factorisation of the full n×n matrix.
func maDense(x, psi []float64) (logDet, quad float64, err error) {
	n := len(x)
	gamma := maAutocov(psi)
	r := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n && j-i < len(gamma); j++ {
			r.SetSym(i, j, gamma[j-i])
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(r) {
		return 0, 0, errors.New("MA covariance matrix is not positive definite")
	}
	xv := mat.NewVecDense(n, append([]float64(nil), x...))
	var sol mat.VecDense
	if err := chol.SolveVecTo(&sol, xv); err != nil {
		return 0, 0, err
	}
	return chol.LogDet(), mat.Dot(xv, &sol), nil
}

// maAutocov returns γ(0), …, γ(q) of an MA(q) series with coefficients psi
// and unit noise variance: γ(h) = Σ_j ψ_j ψ_{j+h}.
func maAutocov(psi []float64) []float64 {
	g := make([]float64, len(psi))
	for h := range psi {
		for j := 0; j+h < len(psi); j++ {
			g[h] += psi[j] * psi[j+h]
		}
	}
	return g
}

// maProfileNLL returns the Gaussian negative log-likelihood with the noise
// variance replaced by its maximum-likelihood value σ̂² = xᵀR⁻¹x / n, and σ̂².
func maProfileNLL(n int, logDet, quad float64) (nll, sigma2 float64) {
	fn := float64(n)
	sigma2 = quad / fn
	return fn/2*(math.Log(2*math.Pi)+1+math.Log(sigma2)) + logDet/2, sigma2
}

// maNLL is the MA(1) profile negative log-likelihood of x at theta.
func maNLL(x []float64, theta float64) (nll, sigma2 float64) {
	ld, q := maInnovations(x, theta)
	return maProfileNLL(len(x), ld, q)
}

// maMinimize returns the minimiser of f on [lo, hi] in log θ: the best of a
// grid of 400 points, refined by golden-section search between its neighbours.
func maMinimize(f func(float64) float64, lo, hi float64) float64 {
	const n = 400
	a, b := math.Log(lo), math.Log(hi)
	best, bestU := math.Inf(1), a
	for i := 0; i <= n; i++ {
		u := a + (b-a)*float64(i)/n
		if v := f(math.Exp(u)); v < best {
			best, bestU = v, u
		}
	}
	step := (b - a) / n
	a, b = math.Max(a, bestU-step), math.Min(b, bestU+step)
	g := (math.Sqrt(5) - 1) / 2
	c, d := b-g*(b-a), a+g*(b-a)
	fc, fd := f(math.Exp(c)), f(math.Exp(d))
	for b-a > 1e-12 {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - g*(b-a)
			fc = f(math.Exp(c))
		} else {
			a, c, fc = c, d, fd
			d = a + g*(b-a)
			fd = f(math.Exp(d))
		}
	}
	return math.Exp((a + b) / 2)
}

var ma1Likelihood = &lab.Experiment{
	Name: "ma1-likelihood",
	Doc: "The exact Gaussian negative log-likelihood, noise variance profiled out, of an MA(1) model on a simulated " +
		"series, as a function of θ on a logarithmic axis: two minima of equal height at θ̂ and 1/θ̂.",
	Params: []lab.Param{
		lab.Float("theta", 0.5, 0.05, 0.95, "the parameter θ of the simulated series x_t = ε_t + θε_{t−1}"),
		lab.Int("n", 200, 50, 2000, "the length of the simulated series").Costly(),
		lab.Int("points", 401, 51, 2001, "the number of values of θ, equally spaced in log θ over [0.1, 10]").Costly(),
	},
	Alt: func(a lab.Args) string {
		return "The negative log-likelihood of an MA(1) model against θ from 0.1 to 10 on a logarithmic axis. " +
			"The curve is a mirror image of itself about θ = 1: it has two minima of equal height, one below 1 and one at its reciprocal above 1, " +
			"separated by a hump at θ = 1."
	},
	Run: runMA1Likelihood,
}

func runMA1Likelihood(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	theta0, n, points := args.Float("theta"), args.Int("n"), args.Int("points")
	x := maSimulate(rng, []float64{1, theta0}, n)
	nll := func(t float64) float64 { v, _ := maNLL(x, t); return v }

	// The two minima are searched for separately, on either side of 1:
	// nothing below assumes the symmetry that the checks then test.
	lo := maMinimize(nll, 0.01, 1)
	hi := maMinimize(nll, 1, 100)
	nLo, s2Lo := maNLL(x, lo)
	nHi, s2Hi := maNLL(x, hi)
	nOne, _ := maNLL(x, 1)
	midTheta := (lo + hi) / 2
	nMid, _ := maNLL(x, midTheta)
	ldLo, qLo, err := maDense(x, []float64{1, lo})
	if err != nil {
		return nil, err
	}
	denseLo, _ := maProfileNLL(n, ldLo, qLo)

	r := &lab.Result{Data: lab.Table{Header: []string{"theta", "nll", "nll_reciprocal"}}}
	var curve plotter.XYs
	asym := 0.0
	for i := range points {
		if i%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		t := math.Pow(10, -1+2*float64(i)/float64(points-1))
		v, w := nll(t), nll(1/t)
		asym = math.Max(asym, math.Abs(v-w)/math.Abs(v))
		r.Data.Add(t, v, w)
		curve = append(curve, plotter.XY{X: t, Y: v - nLo})
	}

	relGap := math.Abs(nLo-nHi) / math.Abs(nLo)
	r.Float("theta-true", "%g", theta0)
	r.Int("n", n)
	r.Float("theta-lo", "%.4f", lo)
	r.Float("theta-hi", "%.4f", hi)
	r.Float("inverse-lo", "%.4f", 1/lo)
	r.Float("product", "%.9f", lo*hi)
	r.Float("nll-lo", "%.6f", nLo)
	r.Float("nll-hi", "%.6f", nHi)
	r.Float("gap", "%.1e", relGap)
	r.Float("barrier", "%.3g", nOne-nLo)
	r.Float("mid-theta", "%.3f", midTheta)
	r.Float("mid-rise", "%.3g", nMid-nLo)
	r.Float("sigma2-lo", "%.4f", s2Lo)
	r.Float("sigma2-hi", "%.4f", s2Hi)
	r.Float("asymmetry", "%.1e", asym)
	r.Float("dense-error", "%.1g", math.Abs(denseLo-nLo)/math.Abs(nLo))
	r.Check("equal-minima", "the two minima have the same height",
		relGap <= 1e-9, "NLL = %.10f at θ = %.6f and %.10f at θ = %.6f, relative difference %.1e, tolerance 1e-9", nLo, lo, nHi, hi, relGap)
	r.Check("reciprocal", "the minimum above 1 is the reciprocal of the minimum below 1",
		math.Abs(lo*hi-1) <= 1e-5, "minima at θ = %.8f and θ = %.8f, product %.9f, tolerance 1e-5", lo, hi, lo*hi)
	// σ̂²(1/θ) = θ²σ̂²(θ) holds exactly at every θ, so it is checked to
	// rounding at the minimum above 1 and its exact reciprocal. Comparing
	// with the minimum below 1 instead would mix in the precision of the
	// two searches, which the reciprocal check measures on its own.
	_, s2Recip := maNLL(x, 1/hi)
	r.Check("noise-variance", "the noise variances at the two minima differ by the factor θ², for θ the minimum below 1",
		math.Abs(s2Hi-s2Recip/(hi*hi)) <= 1e-9*s2Hi, "σ̂² = %.8f at θ = %.4f, and %.6f² × %.8f = %.8f at θ = %.6f",
		s2Hi, hi, 1/hi, s2Recip, s2Recip/(hi*hi), 1/hi)
	r.Check("barrier", "the likelihood at θ = 1, between the two minima, is worse than at either",
		nOne > nLo && nOne > nHi, "NLL(1) exceeds the lower minimum by %.4g", nOne-nLo)
	r.Check("above-chord", "at the midpoint of the segment joining the two minima the likelihood is worse than at both ends, which convexity in θ forbids",
		nMid > nLo && nMid > nHi, "NLL exceeds the minima by %.4g at θ = %.4f, halfway between %.4f and %.4f", nMid-nLo, midTheta, lo, hi)
	r.Check("symmetric", "NLL(θ) = NLL(1/θ) at every plotted θ",
		asym <= 1e-9, "largest relative difference %.1e over %d values of θ, tolerance 1e-9", asym, points)
	r.Check("dense-agrees", "the innovations algorithm agrees with a Cholesky factorisation of the full covariance matrix",
		math.Abs(denseLo-nLo) <= 1e-10*math.Abs(nLo), "NLL(%.6f) = %.12f by innovations and %.12f by Cholesky", lo, nLo, denseLo)

	p := lab.NewPlot("", "θ (logarithmic scale)", "NLL(θ) − min NLL")
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, maTicks{}
	p.X.Min, p.X.Max = 0.1, 10
	line, err := lab.Series(curve, 0, false)
	if err != nil {
		return nil, err
	}
	minima, err := lab.Points(plotter.XYs{{X: lo, Y: 0}, {X: hi, Y: nHi - nLo}}, 1)
	if err != nil {
		return nil, err
	}
	one, err := lab.Series(plotter.XYs{{X: 1, Y: 0}, {X: 1, Y: nOne - nLo}}, 7, true)
	if err != nil {
		return nil, err
	}
	one.Color = lab.Gray
	p.Add(line, one, minima)
	p.Legend.Add("exact NLL", line)
	p.Legend.Add(fmt.Sprintf("minima: %.3f, 1/%.3f", lo, lo), minima)
	p.Legend.Add(fmt.Sprintf("θ = 1 (peak %.0f)", nOne-nLo), one)
	p.Legend.Left = true
	// The peak at θ = 1 is narrow and tall; the axis is cut at four times
	// the curve's height at the ends, so that the two minima stay visible.
	ends := math.Max(curve[0].Y, curve[len(curve)-1].Y)
	p.Y.Min, p.Y.Max = 0, math.Min(4*ends, (nOne-nLo)*1.1)
	r.Plots = []*plot.Plot{p}
	return r, nil
}

// maTicks labels 1, 2 and 5 times the powers of ten.
type maTicks struct{}

func (maTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, e)
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			label := ""
			if m == 1 || m == 2 || m == 5 {
				label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: label})
		}
	}
	return ticks
}

var maRootFlips = &lab.Experiment{
	Name: "ma-root-flips",
	Doc: "For an MA(q) model with real root factors (1 + a_k z), replaces every subset of the a_k by their reciprocals " +
		"(and scales the noise variance to match) and compares autocovariances and exact likelihoods at the 2^q points.",
	Params: []lab.Param{
		lab.Int("q", 3, 1, 4, "the order q of the model; its factors are a = 0.5, −0.7, 0.3, 0.8, in that order, truncated to q").Costly(),
		lab.Int("n", 200, 20, 400, "the length of the simulated series on which the likelihoods are compared").Costly(),
	},
	Run: runMARootFlips,
}

// maFactors are the root factors a_k of the MA polynomial ∏(1 + a_k z).
var maFactors = []float64{0.5, -0.7, 0.3, 0.8}

// maPoly returns the coefficients of ∏(1 + a_k z), constant term first.
func maPoly(a []float64) []float64 {
	psi := []float64{1}
	for _, ak := range a {
		next := make([]float64, len(psi)+1)
		for j, c := range psi {
			next[j] += c
			next[j+1] += ak * c
		}
		psi = next
	}
	return psi
}

func runMARootFlips(ctx context.Context, args lab.Args, rng *rand.Rand) (*lab.Result, error) {
	q, n := args.Int("q"), args.Int("n")
	a := maFactors[:q]
	psi := maPoly(a)
	x := maSimulate(rng, psi, n)
	base := maAutocov(psi)

	r := &lab.Result{}
	maxCov, maxNLL := 0.0, 0.0
	var nll0 float64
	var points []string
	for mask := range 1 << q {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Flip the factors in mask: a → 1/a, and σ² → a²σ² for each.
		b := make([]float64, q)
		scale := 1.0
		for k, ak := range a {
			b[k] = ak
			if mask&(1<<k) != 0 {
				b[k], scale = 1/ak, scale*ak*ak
			}
		}
		pk := maPoly(b)
		g := maAutocov(pk)
		for h := range g {
			maxCov = math.Max(maxCov, math.Abs(scale*g[h]-base[h])/base[0])
		}
		ld, quad, err := maDense(x, pk)
		if err != nil {
			return nil, err
		}
		v, _ := maProfileNLL(n, ld, quad)
		if mask == 0 {
			nll0 = v
		}
		maxNLL = math.Max(maxNLL, math.Abs(v-nll0)/math.Abs(nll0))
		coef := make([]string, len(pk)-1)
		for i, c := range pk[1:] {
			coef[i] = lab.Typeset(strconv.FormatFloat(c, 'f', 4, 64))
		}
		points = append(points, "("+strings.Join(coef, ", ")+")")
	}
	r.Int("q", q)
	r.Int("points", 1<<q)
	r.Text("factors", lab.Typeset(strings.Trim(strings.ReplaceAll(fmt.Sprint(a), " ", ", "), "[]")))
	r.Text("first", points[0])
	r.Text("flipped-all", points[len(points)-1])
	r.Float("cov-error", "%.1g", maxCov)
	r.Float("nll-error", "%.1g", maxNLL)
	r.Check("same-autocovariances", fmt.Sprintf("all %d parameter points have the same autocovariances", 1<<q),
		maxCov <= 1e-12, "largest difference %.1e relative to γ(0), tolerance 1e-12", maxCov)
	r.Check("same-likelihood", fmt.Sprintf("all %d parameter points have the same exact likelihood on a simulated series", 1<<q),
		maxNLL <= 1e-9, "largest relative difference in the profile NLL %.1e, tolerance 1e-9, series of length %d", maxNLL, n)
	seen := make(map[string]bool)
	for _, pt := range points {
		seen[pt] = true
	}
	distinct := len(seen)
	r.Check("distinct", "the points are distinct parameter vectors", distinct == len(points),
		"%d distinct coefficient vectors among %d", distinct, len(points))
	return r, nil
}
