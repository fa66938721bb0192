package frames

import (
	"bytes"
	"sync"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// Share is the frame work sessions showing the same screen share
// (issue 16): the renderer's diff of one screen against the next, from
// one cursor position, comes out the same bytes for every such session,
// so the first to draw a change draws it and the others send its bytes.
// Nothing is shared but what a session's own screens determine: an entry
// is found only by the exact screen a session showed and the exact one it
// shows next, both made by its own model through its own viewer's rules;
// sessions whose screens differ in any cell (another user's name in the
// tab bar) share nothing. One per server; it keeps the newest few.
type Share struct {
	mu      sync.Mutex
	entries map[shareKey]*shareEntry
	order   []shareKey // oldest first
}

// sharedFrames is how many changes a Share keeps.
const sharedFrames = 32

// shareWait caps how long a session waits for another's drawing of the
// same change before drawing it itself.
const shareWait = 100 * time.Millisecond

// shareKey is everything a frame's bytes depend on.
type shareKey struct {
	prev, next string
	w, h       int
	term       string
	profile    colorprofile.Profile
	method     ansi.Method
	x, y       int // the cursor before
}

// shareEntry is one change's bytes, once drawn.
type shareEntry struct {
	done chan struct{}
	out  []byte
	x, y int // the cursor after
	ok   bool
}

func NewShare() *Share {
	return &Share{entries: map[shareKey]*shareEntry{}}
}

// claim returns k's entry and whether the caller is the first to ask (it
// must then publish it).
func (s *Share) claim(k shareKey) (*shareEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[k]; ok {
		return e, false
	}
	e := &shareEntry{done: make(chan struct{})}
	s.entries[k] = e
	s.order = append(s.order, k)
	if len(s.order) > sharedFrames {
		delete(s.entries, s.order[0])
		s.order = s.order[1:]
	}
	return e, true
}

// publish gives the entry its bytes (copied) and the cursor after them.
func (e *shareEntry) publish(out []byte, x, y int) {
	e.out, e.x, e.y, e.ok = bytes.Clone(out), x, y, true
	close(e.done)
}

// wait reports whether the entry was drawn (within shareWait).
func (e *shareEntry) wait() bool {
	t := time.NewTimer(shareWait)
	defer t.Stop()
	select {
	case <-e.done:
		return e.ok
	case <-t.C:
		return false
	}
}
