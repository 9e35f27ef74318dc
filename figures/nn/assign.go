package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Assign solves the linear assignment problem for the square cost matrix c:
// it returns the permutation perm minimising sum_i c[i][perm[i]] (row i is
// assigned column perm[i]) and that minimum. It is the Hungarian
// (Kuhn–Munkres) method in its O(n^3) shortest-augmenting-path form, exact up
// to floating-point rounding. To maximise, negate c. It panics if c is not
// square or has a non-finite entry.
func Assign(c mat.Matrix) (perm []int, total float64) {
	n, m := c.Dims()
	if n != m {
		panic(fmt.Sprintf("nn: assignment needs a square cost matrix, got %dx%d", n, m))
	}
	cost := make([]float64, n*n)
	for i := range n {
		for j := range n {
			v := c.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				panic(fmt.Sprintf("nn: assignment cost (%d, %d) is %v", i, j, v))
			}
			cost[i*n+j] = v
		}
	}
	perm = hungarian(n, cost)
	for i, j := range perm {
		total += cost[i*n+j]
	}
	return perm, total
}

// hungarian adds rows one at a time. Dual potentials u (rows) and v (columns)
// keep every reduced cost c[i][j] - u[i] - v[j] non-negative and zero on
// matched pairs; adding a row is a Dijkstra search over reduced costs for the
// cheapest alternating path to a free column, after which the path is flipped.
// Columns are numbered from 1 so that 0 can stand for the new row's virtual
// starting column.
func hungarian(n int, cost []float64) []int {
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	owner := make([]int, n+1) // owner[j]: 1-based row matched to column j, 0 if free
	prev := make([]int, n+1)  // prev[j]: column before j on the shortest path
	dist := make([]float64, n+1)
	done := make([]bool, n+1)
	for row := 1; row <= n; row++ {
		owner[0] = row
		for j := range dist {
			dist[j] = math.Inf(1)
			done[j] = false
		}
		j0 := 0
		for owner[j0] != 0 {
			done[j0] = true
			i0 := owner[j0]
			delta, next := math.Inf(1), 0
			for j := 1; j <= n; j++ {
				if done[j] {
					continue
				}
				if r := cost[(i0-1)*n+j-1] - u[i0] - v[j]; r < dist[j] {
					dist[j], prev[j] = r, j0
				}
				if dist[j] < delta {
					delta, next = dist[j], j
				}
			}
			// Shifting the potentials by delta makes the edge to next tight
			// while keeping tight edges in the search tree tight.
			for j := 0; j <= n; j++ {
				if done[j] {
					u[owner[j]] += delta
					v[j] -= delta
				} else {
					dist[j] -= delta
				}
			}
			j0 = next
		}
		// Flip the alternating path ending at the free column j0.
		for j0 != 0 {
			p := prev[j0]
			owner[j0] = owner[p]
			j0 = p
		}
	}
	perm := make([]int, n)
	for j := 1; j <= n; j++ {
		perm[owner[j]-1] = j - 1
	}
	return perm
}
