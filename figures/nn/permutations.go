package nn

import (
	"iter"
	"slices"
)

// Permutations yields every permutation of 0, …, n−1 in lexicographic
// order, for brute-force checks of what Match and Assign find. The slice
// is reused between iterations: copy it to keep it.
func Permutations(n int) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		p := make([]int, n)
		for i := range p {
			p[i] = i
		}
		for {
			if !yield(p) {
				return
			}
			// Advance to the next permutation: find the last ascent,
			// swap it with the last element above it, reverse the tail.
			i := n - 2
			for i >= 0 && p[i] >= p[i+1] {
				i--
			}
			if i < 0 {
				return
			}
			j := n - 1
			for p[j] <= p[i] {
				j--
			}
			p[i], p[j] = p[j], p[i]
			slices.Reverse(p[i+1:])
		}
	}
}
