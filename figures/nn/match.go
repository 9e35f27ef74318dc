package nn

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// maxMatchSweeps bounds the coordinate ascent for deep nets; each sweep
// strictly improves a bounded objective over a finite set, so the bound is a
// guard, not an expected stopping rule.
const maxMatchSweeps = 100

// Match returns, for each hidden layer l, the permutation perms[l] of b's
// units that best aligns network b to network a (same architecture), so that
// PermuteAll(b, perms) is the copy of b's function whose theta is closest to
// a. Units are compared by the inner product of their concatenated incoming
// weights, bias and outgoing weights, and the total over units is maximised,
// which, as permuting keeps norms, minimises the Euclidean distance (weight
// matching, Ainsworth et al. 2022, "Git Re-Basin").
//
// With one hidden layer the answer is the exact optimum of one linear
// assignment problem, solved by Assign. With several hidden layers the joint
// problem is NP-hard, and Match is a coordinate ascent in which every step is
// exact: a first sweep from input to output aligns each layer by its
// incoming weights and bias alone (already aligned by then, since the layers
// below were matched first), which recovers a planted permutation exactly;
// then sweeps solve each layer's full assignment with the others fixed until
// a sweep changes nothing. A permutation only changes when that strictly
// improves the objective, so ties keep the current order and the sweeps
// cannot cycle.
func (n *Net) Match(a, b []float64) [][]int {
	n.checkTheta(a)
	n.checkTheta(b)
	hidden := len(n.layers) - 1
	perms := make([][]int, hidden)
	for l := range perms {
		perms[l] = identity(n.layers[l].out)
	}
	cur := append([]float64(nil), b...)
	for sweep := range maxMatchSweeps {
		changed := false
		for l := range hidden {
			q, ok := n.matchLayer(a, cur, l, sweep > 0 || hidden == 1)
			if !ok {
				continue
			}
			changed = true
			cur = n.Permute(cur, l, q)
			// Applying p then q moves old unit p[q[i]] to position i.
			p := perms[l]
			composed := make([]int, len(q))
			for i, qi := range q {
				composed[i] = p[qi]
			}
			perms[l] = composed
		}
		if sweep > 0 && !changed || hidden == 1 {
			break
		}
	}
	return perms
}

// matchLayer solves the assignment for hidden layer l of b against a, with
// b's other layers as they are, counting outgoing weights only if outgoing
// is set. It reports whether the optimum strictly beats b's current order.
func (n *Net) matchLayer(a, b []float64, l int, outgoing bool) ([]int, bool) {
	ly, next := n.layers[l], n.layers[l+1]
	k := ly.out
	// sim[i][j] is the similarity of a's unit i and b's unit j; Assign
	// minimises, so the cost is its negative.
	cost := mat.NewDense(k, k, nil)
	col := func(theta []float64, j int, dst []float64) {
		for r := range next.out {
			dst[r] = theta[next.w+r*next.in+j]
		}
	}
	ca := make([]float64, next.out)
	cb := make([]float64, next.out)
	for i := range k {
		rowA := a[ly.w+i*ly.in : ly.w+(i+1)*ly.in]
		col(a, i, ca)
		for j := range k {
			s := floats.Dot(rowA, b[ly.w+j*ly.in:ly.w+(j+1)*ly.in])
			if n.bias {
				s += a[ly.b+i] * b[ly.b+j]
			}
			if outgoing {
				col(b, j, cb)
				s += floats.Dot(ca, cb)
			}
			cost.Set(i, j, -s)
		}
	}
	perm, best := Assign(cost)
	current := 0.0
	for i := range k {
		current += cost.At(i, i)
	}
	// The tolerance absorbs the rounding in summing the same products in
	// another order, so a tie is not mistaken for an improvement.
	scale := 0.0
	for i := range k {
		for j := range k {
			scale = max(scale, math.Abs(cost.At(i, j)))
		}
	}
	if slices.Equal(perm, identity(k)) || best >= current-1e-12*float64(k)*scale {
		return nil, false
	}
	return perm, true
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}
