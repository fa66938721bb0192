package frames

import (
	"bytes"
	"slices"
	"strings"
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
// is found only by the screen a session showed and the one it shows next,
// both made by its own model through its own viewer's rules, exactly but
// for rows the renderer never draws (maskInert: another user's name in
// the tab bar); sessions whose screens differ in any row it draws share
// nothing. One per server; it keeps the newest few.
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

// maskInert returns the two screens (rows separated by "\n", h rows of
// w cells) with each inert row replaced by the same mark, for a share
// key: sessions whose screens differ only in inert rows (another user's
// name in the tab bar) then share a change's drawing. A row is inert
// when it is the same line in both screens, has text, its text is on no
// other row of either screen, and it is above the first row that changes
// or below the last; and only where every line of both screens stands
// alone (linesStandAlone: a row's cells are then its line's alone, and
// the frames draw only the rows that changed) and none is wider than the
// screen (cut, rows would be alike to the renderer that differ here).
// Such a row is one the renderer never draws: it is not touched; the
// scroll optimizer, which matches rows by their text (uv's line hash is
// of the cells' content), finds it only where it was, and a region it
// scrolls runs from a row that changes to another (an unchanged row in
// between is scrolled over and drawn again: the test found that one);
// it is not blank, so no clear-to-bottom reaches it. Every comparison
// the renderer makes of it comes out the same for any such row, so the
// bytes drawn for one session are the bytes the other's renderer would
// draw and hold nothing of the rows masked
// (TestSharedFramesMaskOnlyInertRows compares them byte for byte with
// each session's own drawing, on random screens).
func maskInert(prev, next string, w, h int) (string, string) {
	if strings.Contains(prev, "\r") || strings.Contains(next, "\r") {
		return prev, next
	}
	pl, nl := strings.Split(prev, "\n"), strings.Split(next, "\n")
	if len(pl) > h || len(nl) > h || !linesStandAlone(pl) || !linesStandAlone(nl) {
		return prev, next
	}
	// a row's text as the line hash sees it (trailing blanks are blank
	// cells either way); a row wider than the screen is cut, and rows
	// whose text differs past the cut would be alike to the renderer
	seen := make(map[string]int, len(pl)+len(nl))
	for _, ls := range [][]string{pl, nl} {
		for _, l := range ls {
			t := strings.TrimRight(ansi.Strip(l), " ")
			if max(ansi.StringWidth(t), ansi.StringWidthWc(t)) > w {
				return prev, next
			}
			seen[t]++
		}
	}
	text := func(l string) string { return strings.TrimRight(ansi.Strip(l), " ") }
	// the rows that change, first to last
	line := func(ls []string, y int) string {
		if y < len(ls) {
			return ls[y]
		}
		return ""
	}
	first, last := -1, -1
	for y := range max(len(pl), len(nl)) {
		if line(pl, y) != line(nl, y) {
			if first < 0 {
				first = y
			}
			last = y
		}
	}
	masked := false
	var mp, mn []string
	for y := range min(len(pl), len(nl)) {
		if pl[y] != nl[y] || (first >= 0 && y >= first && y <= last) {
			continue
		}
		t := text(pl[y])
		if strings.TrimSpace(t) == "" || seen[t] != 2 {
			continue
		}
		if !masked {
			masked = true
			mp, mn = slices.Clone(pl), slices.Clone(nl)
		}
		mp[y], mn[y] = inertMark, inertMark
	}
	if !masked {
		return prev, next
	}
	return strings.Join(mp, "\n"), strings.Join(mn, "\n")
}

// inertMark stands for an inert row in a share key (no drawn line holds
// a NUL: text reaching a screen is stripped of control characters).
const inertMark = "\x00inert\x00"
