package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Interpolate returns (1-t) a + t b, the point at t on the segment from a to
// b (t outside [0, 1] extrapolates).
func Interpolate(a, b []float64, t float64) []float64 {
	return InterpolateTo(make([]float64, len(a)), a, b, t)
}

// InterpolateTo is Interpolate writing into dst, for sweeps along a segment
// without allocation. It returns dst.
func InterpolateTo(dst, a, b []float64, t float64) []float64 {
	if len(a) != len(b) || len(dst) != len(a) {
		panic(fmt.Sprintf("nn: interpolating vectors of lengths %d, %d into %d", len(a), len(b), len(dst)))
	}
	// (1-t)a + tb rather than a + t(b-a) so both endpoints are reproduced
	// exactly.
	for i := range dst {
		dst[i] = (1-t)*a[i] + t*b[i]
	}
	return dst
}

// checkHidden returns layer l and the next one, panicking unless l's outputs
// are a hidden layer.
func (n *Net) checkHidden(l int) (layer, layer) {
	if l < 0 || l >= len(n.layers)-1 {
		panic(fmt.Sprintf("nn: %d is not a hidden layer; hidden layers are 0..%d", l, len(n.layers)-2))
	}
	return n.layers[l], n.layers[l+1]
}

// Permute returns a copy of theta with the units of hidden layer l
// reordered so that new unit i is old unit perm[i]: rows of W_l, entries of
// b_l and columns of W_{l+1} move together, so the function is unchanged.
func (n *Net) Permute(theta []float64, l int, perm []int) []float64 {
	n.checkTheta(theta)
	out := append([]float64(nil), theta...)
	n.permuteInto(out, theta, l, perm)
	return out
}

// PermuteAll applies one permutation per hidden layer (perms[l] for hidden
// layer l, as Match returns them). A nil entry leaves that layer alone.
func (n *Net) PermuteAll(theta []float64, perms [][]int) []float64 {
	n.checkTheta(theta)
	if len(perms) != len(n.layers)-1 {
		panic(fmt.Sprintf("nn: %d permutations for %d hidden layers", len(perms), len(n.layers)-1))
	}
	out := append([]float64(nil), theta...)
	tmp := make([]float64, len(theta))
	for l, p := range perms {
		if p == nil {
			continue
		}
		copy(tmp, out)
		n.permuteInto(out, tmp, l, p)
	}
	return out
}

// permuteInto writes the permuted parameters of hidden layer l from src into
// dst, which must already equal src elsewhere.
func (n *Net) permuteInto(dst, src []float64, l int, perm []int) {
	ly, next := n.checkHidden(l)
	checkPerm(perm, ly.out)
	for i, p := range perm {
		copy(dst[ly.w+i*ly.in:ly.w+(i+1)*ly.in], src[ly.w+p*ly.in:ly.w+(p+1)*ly.in])
		if n.bias {
			dst[ly.b+i] = src[ly.b+p]
		}
		for r := range next.out {
			dst[next.w+r*next.in+i] = src[next.w+r*next.in+p]
		}
	}
}

func checkPerm(perm []int, n int) {
	if len(perm) != n {
		panic(fmt.Sprintf("nn: permutation of length %d for %d units", len(perm), n))
	}
	seen := make([]bool, n)
	for _, p := range perm {
		if p < 0 || p >= n || seen[p] {
			panic(fmt.Sprintf("nn: %v is not a permutation of 0..%d", perm, n-1))
		}
		seen[p] = true
	}
}

// Rescale returns a copy of theta with the incoming weights and biases of
// hidden layer l multiplied by c and the outgoing weights (W_{l+1}) by 1/c.
// For c > 0 this leaves a ReLU network's function unchanged, by positive
// homogeneity; for a Linear layer any c != 0 does. It panics if c is 0.
func (n *Net) Rescale(theta []float64, l int, c float64) []float64 {
	ly, _ := n.checkHidden(l)
	cs := make([]float64, ly.out)
	for i := range cs {
		cs[i] = c
	}
	return n.RescaleUnits(theta, l, cs)
}

// RescaleUnits is Rescale with its own factor c[i] for each unit i of hidden
// layer l, the full per-neuron rescaling symmetry of ReLU networks.
func (n *Net) RescaleUnits(theta []float64, l int, c []float64) []float64 {
	n.checkTheta(theta)
	ly, next := n.checkHidden(l)
	if len(c) != ly.out {
		panic(fmt.Sprintf("nn: %d factors for %d units", len(c), ly.out))
	}
	out := append([]float64(nil), theta...)
	for i, ci := range c {
		if ci == 0 || math.IsNaN(ci) || math.IsInf(ci, 0) {
			panic(fmt.Sprintf("nn: rescaling factor %v is not finite and nonzero", ci))
		}
		floats.Scale(ci, out[ly.w+i*ly.in:ly.w+(i+1)*ly.in])
		if n.bias {
			out[ly.b+i] *= ci
		}
		for r := range next.out {
			out[next.w+r*next.in+i] /= ci
		}
	}
	return out
}

// RandomDirection returns a vector of n independent standard normal entries
// drawn from rng.
func RandomDirection(rng *rand.Rand, n int) []float64 {
	d := make([]float64, n)
	for i := range d {
		d[i] = rng.NormFloat64()
	}
	return d
}

// FilterNormalize rescales dir in place for plots of the loss along dir
// (Li et al. 2018, "Visualizing the loss landscape of neural nets"): each
// unit's row of incoming weights in dir is scaled to the Euclidean norm of
// the same row of theta, so the plot does not depend on the per-neuron scale
// that ReLU networks are invariant to. As in Li et al.'s default, bias
// entries of dir are set to zero. A zero row of dir stays zero.
func (n *Net) FilterNormalize(dir, theta []float64) {
	n.checkTheta(theta)
	n.checkTheta(dir)
	for _, ly := range n.layers {
		for i := range ly.out {
			d := dir[ly.w+i*ly.in : ly.w+(i+1)*ly.in]
			dn := floats.Norm(d, 2)
			if dn == 0 {
				continue
			}
			floats.Scale(floats.Norm(theta[ly.w+i*ly.in:ly.w+(i+1)*ly.in], 2)/dn, d)
		}
		if n.bias {
			clear(dir[ly.b : ly.b+ly.out])
		}
	}
}
