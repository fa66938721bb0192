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
// (TestSharedFramesMaskOnlyInertRows feeds each client's bytes to a
// terminal emulator and compares its screen with the one drawing every
// frame itself, on random screens, and looks for the other's rows).
func maskInert(prev, next string, w, h int, method ansi.Method) (string, string) {
	var m inertMemo
	return m.mask(prev, next, w, h, method)
}

// inertMemo keeps the rows of the last screens maskInert looked at: a
// session's next screen is its previous one at its next change.
type inertMemo struct {
	seen [2]screenRows
	next int // the entry to replace
}

// screenRows is one screen's rows and their text (ok: every line stands
// alone, holds no sequence but CSI ones, and fits the screen's width).
type screenRows struct {
	screen string
	w      int
	method ansi.Method
	lines  []string
	texts  []string
	ok     bool
}

// rows returns screen's rows (a copy: the next call may reuse the entry).
func (m *inertMemo) rows(screen string, w int, method ansi.Method) screenRows {
	for i := range m.seen {
		if e := m.seen[i]; e.lines != nil && e.w == w && e.method == method && e.screen == screen {
			return e
		}
	}
	e := &m.seen[m.next]
	m.next = (m.next + 1) % len(m.seen)
	*e = screenRows{screen: screen, w: w, method: method, lines: strings.Split(screen, "\n"), ok: true}
	e.texts = make([]string, len(e.lines))
	for y, l := range e.lines {
		t, ok := rowText(l)
		// a cell takes at least a byte: a text of at most w bytes fits
		if !ok || (len(t) > w && method.StringWidth(t) > w) {
			e.ok = false
			break
		}
		e.texts[y] = t
	}
	e.ok = e.ok && linesStandAlone(e.lines)
	return *e
}

// rowText is a line's text as uv's line hash sees the row's cells (its
// characters; trailing blanks are blank cells either way), for a line
// whose sequences are all CSI ones (ok false otherwise).
func rowText(l string) (string, bool) {
	if !strings.Contains(l, "\x1b") {
		return strings.TrimRight(l, " "), true
	}
	var b strings.Builder
	b.Grow(len(l))
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c != 0x1b {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(l) || l[i+1] != '[' {
			return "", false
		}
		j := i + 2
		for j < len(l) && (l[j] < 0x40 || l[j] > 0x7e) {
			j++
		}
		if j >= len(l) {
			return "", false
		}
		i = j
	}
	return strings.TrimRight(b.String(), " "), true
}

// mask is maskInert, with the rows of screens seen before kept.
func (m *inertMemo) mask(prev, next string, w, h int, method ansi.Method) (string, string) {
	if strings.Contains(prev, "\r") || strings.Contains(next, "\r") {
		return prev, next
	}
	p, n := m.rows(prev, w, method), m.rows(next, w, method)
	pl, nl := p.lines, n.lines
	if len(pl) > h || len(nl) > h {
		return prev, next
	}
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
	rows := min(len(pl), len(nl))
	if (first == 0 && last >= rows-1) || !p.ok || !n.ok {
		return prev, next // no row outside them, or rows not understood
	}
	seen := make(map[string]int, len(pl)+len(nl))
	for _, ts := range [][]string{p.texts, n.texts} {
		for _, t := range ts {
			seen[t]++
		}
	}
	masked := false
	var mp, mn []string
	for y := range rows {
		if pl[y] != nl[y] || (first >= 0 && y >= first && y <= last) {
			continue
		}
		t := p.texts[y]
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
