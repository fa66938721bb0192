package common

import (
	"sync"
	"sync/atomic"
)

// DraftWrites orders one form's draft writes (saves and deletes). Each
// write takes a ticket when it is decided (on the program's goroutine, or
// at the flush after the program ended) and runs on its own goroutine; a
// write whose ticket is older than one already written is skipped. So a
// periodic save still in flight when the connection drops can never land
// after the flush of the newer input, nor bring back a draft deleted
// because the form was sent. The zero value is ready to use.
type DraftWrites struct {
	next atomic.Uint64
	mu   sync.Mutex
	done uint64 // the newest ticket written
}

// Ticket returns the ticket of a write decided now.
func (w *DraftWrites) Ticket() uint64 { return w.next.Add(1) }

// Write runs fn for ticket t unless a newer write has run; it reports
// whether fn ran (nil when it was skipped).
func (w *DraftWrites) Write(t uint64, fn func() error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t < w.done {
		return nil // stale: newer input is already written
	}
	w.done = t
	return fn()
}
