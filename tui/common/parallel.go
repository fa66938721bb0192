package common

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelMin is the fewest items worth splitting over the CPUs.
var parallelMin atomic.Int64

func init() { parallelMin.Store(512) }

// SplitFrom sets the fewest items Parallel splits (tests: 1 splits every
// range) and returns the function that puts it back.
func SplitFrom(n int) (restore func()) {
	was := parallelMin.Swap(int64(n))
	return func() { parallelMin.Store(was) }
}

// Parallel calls fn over [0, n) in contiguous ranges, one a CPU, when n is
// large enough to be worth it (a whole site's rows at a start), else once
// over all of it. fn must only write what belongs to its own range.
func Parallel(n int, fn func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if int64(n) < parallelMin.Load() || w < 2 || n < 2 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		lo, hi := k*n/w, (k+1)*n/w
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}
