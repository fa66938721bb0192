package snapshot

import (
	"sync"
)

// Derived values are what every session would otherwise compute alike
// from the whole site (the meeting's referral ranking and caseloads, read
// from the store, 100 ms at 2,000 participants): the first session to ask
// after a change computes it, and the others share the result until the
// next change of any kind.

type derived struct {
	mu      sync.Mutex
	entries map[string]*derivedEntry
}

type derivedEntry struct {
	at   uint64        // the changes observed when its computation began
	done chan struct{} // closed when val and err are set
	val  any
	err  error
}

// maxDerived bounds the values kept (keys carry a date: old ones go).
const maxDerived = 64

// Derived returns what compute returns, computed once for every caller
// between two changes observed (Observe, Invalidate): a change observed
// while it was computed makes the next caller compute it again. An error
// is returned to the callers waiting for it and not kept. The value is
// shared: callers must not modify it.
func (s *Snapshot) Derived(key string, compute func() (any, error)) (any, error) {
	for {
		at := s.changes()
		d := &s.derived
		d.mu.Lock()
		e := d.entries[key]
		if e == nil || e.at != at {
			if d.entries == nil || len(d.entries) >= maxDerived {
				d.entries = map[string]*derivedEntry{}
			}
			e = &derivedEntry{at: at, done: make(chan struct{})}
			d.entries[key] = e
			d.mu.Unlock()
			e.val, e.err = compute()
			if e.err != nil {
				d.mu.Lock()
				if d.entries[key] == e {
					delete(d.entries, key)
				}
				d.mu.Unlock()
			}
			close(e.done)
			return e.val, e.err
		}
		d.mu.Unlock()
		<-e.done
		if e.err == nil {
			return e.val, nil
		}
		// the computation this caller waited for failed (its asker's
		// session may have ended): compute again, for this caller
	}
}

// changes counts the changes observed (and invalidations).
func (s *Snapshot) changes() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.observed
}
