package common

import "testing"

// Parallel covers every index exactly once, split or not.
func TestParallelCoversEachIndexOnce(t *testing.T) {
	min := int(parallelMin.Load())
	for _, n := range []int{0, 1, min - 1, min, 3*min + 7} {
		seen := make([]int, n)
		Parallel(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d seen %d times => want 1", n, i, c)
			}
		}
	}
}
