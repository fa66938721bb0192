// Package frames draws a bubbletea program's views on a terminal as soon
// as the program makes them: the SSH server's sessions and the local TUI
// both draw through it.
package frames

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Frames draws a session's screen on demand (issue 16): bubbletea v2's
// renderer only writes on its frame tick, so a keystroke or a change waited
// up to a tick (8 ms at its highest rate) before it was sent, and every
// session compared its whole frame on every tick while idle. The program
// runs without a renderer; each view it produces is handed here, and a
// writer goroutine diffs it against what the client has (ultraviolet's
// TerminalRenderer, the one bubbletea uses) and sends the difference at
// once. Bursts are coalesced: after a frame goes out the next waits at
// least gap, and only the newest view is drawn. Nothing is sent while the
// view does not change.
//
// The program's own output (terminal queries) goes through the same lock,
// so a query never lands inside a frame.
type Frames struct {
	out         io.Writer
	gap         time.Duration
	env         []string
	barrierWait time.Duration

	wmu sync.Mutex // serializes writes to out

	mu       sync.Mutex
	content  string
	title    string
	width    int
	height   int
	resized  bool
	dirty    bool
	syncd    bool // the terminal has synchronized output (mode 2026)
	grapheme bool // the terminal measures graphemes (mode 2027)
	closed   bool
	changes  int           // views that differed from the one before
	settled  bool          // the newest view is not a placeholder
	offers   int           // views offered
	sent     int           // the newest offer the client has (or that needed nothing)
	sentCh   chan struct{} // closed when sent advances
	told     bool          // the model is being told the window size
	sized    bool          // the model has drawn a view knowing the window size

	wake chan struct{}
	done chan struct{}

	// the writer goroutine's own state
	scr    *uv.TerminalRenderer
	buf    bytes.Buffer
	cells  uv.ScreenBuffer
	drawn  string
	lines  []string       // drawn, line by line
	alone  bool           // every one of lines stands alone (linesStandAlone)
	inert  inertMemo      // the rows of the screens last keyed for the share
	was    map[string]int // drawChanged's scratch: the rows of the last frame's lines
	from   []int          // and where each row's line comes from
	uses   []int          // and how many rows want each old row's line
	copied int            // rows copied from another row so far (tests)
	// parseAll parses every changed line, copying none (tests compare)
	parseAll bool
	dtitle   string
	started  bool
	method   ansi.Method
	profile  colorprofile.Profile
	term     string
	sink     redirect
	// share, when set, is the server's shared frame work (Share); a
	// frame it gave this session leaves scr behind what the client has
	// (stale: scr is brought up to date before it next draws), and curX,
	// curY are where the client's cursor is after the last frame.
	share      *Share
	mapNewline bool // the terminal turns a line feed into CR LF
	stale      bool
	curX, curY int
}

// New returns the frames of an SSH session writing to out, a terminal of
// width x height that the client's pty shows (its line feeds return the
// carriage too); after a frame goes out the next waits at least gap.
func New(out io.Writer, env []string, profile colorprofile.Profile, width, height int, gap time.Duration) *Frames {
	return newFrames(out, env, profile, width, height, gap, true)
}

// NewLocal returns the frames of a local terminal in raw mode (its output
// processing off: a line feed only moves down).
func NewLocal(out io.Writer, env []string, profile colorprofile.Profile, width, height int, gap time.Duration) *Frames {
	return newFrames(out, env, profile, width, height, gap, false)
}

// UseShare has the frames share their drawing with the other sessions
// drawing through s (the server's one Share).
func (f *Frames) UseShare(s *Share) { f.share = s }

func newFrames(out io.Writer, env []string, profile colorprofile.Profile, width, height int, gap time.Duration, mapNewline bool) *Frames {
	f := &Frames{out: out, gap: gap, env: env, width: width, height: height, mapNewline: mapNewline,
		wake: make(chan struct{}, 1), done: make(chan struct{}), method: ansi.WcWidth,
		sentCh: make(chan struct{}), barrierWait: barrierWait}
	f.profile, f.term = profile, uv.Environ(env).Getenv("TERM")
	f.sink.to = &f.buf
	f.scr = f.newRenderer()
	f.cells = uv.NewScreenBuffer(width, height)
	return f
}

// newRenderer is a terminal renderer set up as every session's is,
// writing to f.sink.
func (f *Frames) newRenderer() *uv.TerminalRenderer {
	scr := uv.NewTerminalRenderer(&f.sink, f.env)
	scr.SetColorProfile(f.profile)
	scr.SetTabStops(-1)
	scr.SetBackspace(false)
	// The emulated pty turns every \n into \r\n (charmbracelet/ssh's
	// ptyWriter), so a line feed also returns the carriage; a local
	// terminal in raw mode does not.
	scr.SetMapNewline(f.mapNewline)
	scr.SetScrollOptim(true)
	scr.SetRelativeCursor(true)
	scr.SetFullscreen(false)
	return scr
}

// redirect is the renderer's writer: f.buf, or scratch while a renderer
// is brought up to date (prime).
type redirect struct{ to *bytes.Buffer }

func (r *redirect) Write(p []byte) (int, error) { return r.to.Write(p) }

// programOutput is the writer the program itself writes to (its terminal
// queries), under the frame lock.
func (f *Frames) ProgramOutput() io.Writer { return lockedWriter{f} }

type lockedWriter struct{ f *Frames }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.f.wmu.Lock()
	defer w.f.wmu.Unlock()
	return w.f.out.Write(p)
}

// offer hands the program's newest view over; the writer sends it when it
// differs from what the client has.
func (f *Frames) Offer(v tea.View) { f.OfferSettled(v, true) }

// offerSettled is offer with whether the view shows what its screen is for
// (false: a "loading…" placeholder, which the first frame waits out).
func (f *Frames) OfferSettled(v tea.View, settled bool) {
	f.mu.Lock()
	f.settled = settled
	if f.closed {
		f.mu.Unlock()
		return
	}
	// this view is the model's answer to the size it was told
	f.sized = f.sized || f.told
	f.offers++
	if v.Content != f.content || v.WindowTitle != f.title || f.resized {
		f.content, f.title, f.dirty = v.Content, v.WindowTitle, true
		f.changes++
	}
	wake := f.dirty && f.sized
	if !f.dirty {
		f.markSent(f.offers) // the client already has this view
	}
	f.mu.Unlock()
	if wake {
		f.poke()
	}
}

// markSent notes that the client has every view up to offer n; f.mu held.
func (f *Frames) markSent(n int) {
	if n > f.sent {
		f.sent = n
		close(f.sentCh)
		f.sentCh = make(chan struct{})
	}
}

// barrierWait caps how long a write waits for its session's frame.
const barrierWait = 50 * time.Millisecond

// barrier is called while the model handles an update (the view of it is
// the next offer); the wait it returns ends once that view has been sent,
// the frames closed, or barrierWait passed.
func (f *Frames) Barrier() func() {
	f.mu.Lock()
	want := f.offers + 1
	f.mu.Unlock()
	return func() {
		deadline := time.NewTimer(f.barrierWait)
		defer deadline.Stop()
		for {
			f.mu.Lock()
			if f.sent >= want || f.closed {
				f.mu.Unlock()
				return
			}
			ch := f.sentCh
			f.mu.Unlock()
			select {
			case <-ch:
			case <-f.done:
				return
			case <-deadline.C:
				return
			}
		}
	}
}

func (f *Frames) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// resize notes the window size the model is about to be told; the next
// view offered is drawn in full at that size.
func (f *Frames) Resize(width, height int) {
	f.mu.Lock()
	if width != f.width || height != f.height {
		f.width, f.height, f.resized = width, height, true
	}
	// the view the model makes after this size is the first worth drawing
	// (it always follows: View runs after every Update)
	f.told = true
	f.mu.Unlock()
}

// modes takes the terminal's answers to the mode queries sent at start.
func (f *Frames) Modes(msg tea.ModeReportMsg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch msg.Mode {
	case ansi.ModeSynchronizedOutput:
		if msg.Value == ansi.ModeReset {
			f.syncd = true
		}
	case ansi.ModeUnicodeCore:
		if msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet {
			f.grapheme, f.resized = true, true
		}
	}
}

// queries is what to ask the terminal at start (bubbletea's renderer asks
// the same): synchronized output and grapheme widths, where the terminal
// is known to answer or ignore the question.
func Queries(env []string) string {
	e := uv.Environ(env)
	term := e.Getenv("TERM")
	prog, hasProg := e.LookupEnv("TERM_PROGRAM")
	_, hasTTY := e.LookupEnv("SSH_TTY")
	_, hasWT := e.LookupEnv("WT_SESSION")
	ask := (!hasProg && !hasTTY) || hasWT || (hasProg && !strings.Contains(prog, "Apple") && !hasTTY)
	for _, t := range []string{"ghostty", "wezterm", "alacritty", "kitty", "rio"} {
		ask = ask || strings.Contains(term, t)
	}
	if !ask || term == "dumb" {
		return ""
	}
	return ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore
}

// run is the writer goroutine: it ends with ctx, and close waits for it.
func (f *Frames) Run(ctx context.Context) {
	defer close(f.done)
	t := time.NewTimer(0)
	if !t.Stop() {
		<-t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
		}
		if !f.started && !f.holdFirst(ctx, t) {
			return
		}
		for f.drawOnce() {
			// coalesce what arrives within gap of the frame just sent
			t.Reset(f.gap)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}
}

// A session's first view is usually its "loading…" placeholder and the
// data follows within milliseconds: sent at once, it costs a second full
// frame on the link. So the first frame waits until the model says its
// view is settled (tui's Settled), and at most firstHold.
const firstHold = time.Second

// holdFirst waits for the first settled view; false when ctx ended.
func (f *Frames) holdFirst(ctx context.Context, t *time.Timer) bool {
	deadline := time.Now().Add(firstHold)
	for {
		f.mu.Lock()
		settled := f.settled
		f.mu.Unlock()
		left := time.Until(deadline)
		if settled || left <= 0 {
			return true
		}
		t.Reset(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
			return true
		case <-f.wake:
			if !t.Stop() {
				<-t.C
			}
		}
	}
}

// drawOnce sends the newest view if it changed; it reports whether it sent
// anything.
func (f *Frames) drawOnce() bool {
	f.mu.Lock()
	if !f.dirty || !f.sized {
		// (a view made before the model knows its size is not worth sending)
		f.mu.Unlock()
		return false
	}
	content, title, w, h := f.content, f.title, f.width, f.height
	resized, syncd, grapheme := f.resized, f.syncd, f.grapheme
	f.dirty, f.resized = false, false
	upTo := f.offers
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.markSent(upTo)
		f.mu.Unlock()
	}()

	// a change to a screen drawn before at the same size and modes is the
	// same work for every session showing that screen (Share)
	shareable := f.share != nil && f.started && !resized && f.cells.Width() == w && f.cells.Height() == h &&
		!(grapheme && f.method != ansi.GraphemeWidth) && f.drawn != ""
	if !f.started {
		f.started = true
		f.scr.WriteString(ansi.SetModeBracketedPaste)
		f.scr.WriteString(ansi.SetModifyOtherKeys2 + ansi.PushKittyKeyboard(1))
		f.scr.EnterAltScreen()
		f.scr.WriteString(ansi.ResetModeTextCursorEnable)
		f.scr.Resize(w, h)
	}
	if f.stale && !shareable {
		// drawn by itself from here (a resize, a mode): bring the renderer
		// up to the client's screen first
		f.prime()
	}
	if grapheme && f.method != ansi.GraphemeWidth {
		f.method = ansi.GraphemeWidth
		f.scr.WriteString(ansi.SetModeUnicodeCore)
		f.scr.SetGraphemeWidth(true)
	}
	if resized || f.cells.Width() != w || f.cells.Height() != h {
		f.scr.Resize(w, h)
		f.scr.Erase()
		f.cells.Resize(w, h)
		f.cells.Touched = nil
	}
	if title != f.dtitle {
		f.dtitle = title
		f.scr.WriteString(ansi.SetWindowTitle(title))
	}
	if content != f.drawn || resized {
		f.render(content, resized, shareable)
	}
	_ = f.scr.Flush()
	if f.buf.Len() == 0 {
		return false
	}
	f.write(syncd)
	return true
}

// render draws content into the cell buffer and has the renderer queue
// what the client needs to show it. When it is shareable and another
// session showing the same screen drew the same change from the same
// cursor position, its bytes are used as they are (they are what this
// session's renderer would have queued: the renderer's output is a
// function of the screen before, the screen after and the cursor).
func (f *Frames) render(content string, resized, shareable bool) {
	if strings.Contains(content, "\r") {
		content = strings.ReplaceAll(content, "\r\n", "\n") // as drawCells keeps it
	}
	if !shareable {
		f.cells.Method = f.method
		f.drawCells(content, resized)
		f.scr.Render(f.cells.RenderBuffer)
		f.curX, f.curY = f.scr.Position()
		return
	}
	k := shareKey{prev: f.drawn, next: content, w: f.cells.Width(), h: f.cells.Height(), term: f.term,
		profile: f.profile, method: f.method, x: f.curX, y: f.curY}
	k.prev, k.next = f.inert.mask(f.drawn, content, k.w, k.h, f.method)
	e, mine := f.share.claim(k)
	if !mine && e.wait() {
		_ = f.scr.Flush() // what is queued before the frame (its title)
		f.buf.Write(e.out)
		f.drawn, f.stale = content, true
		f.curX, f.curY = e.x, e.y
		return
	}
	if f.stale {
		f.prime()
	}
	_ = f.scr.Flush()
	n0 := f.buf.Len()
	f.cells.Method = f.method
	f.drawCells(content, false)
	f.scr.Render(f.cells.RenderBuffer)
	_ = f.scr.Flush()
	f.curX, f.curY = f.scr.Position()
	if mine {
		e.publish(f.buf.Bytes()[n0:], f.curX, f.curY)
	}
}

// prime brings a stale renderer (and cell buffer) up to what the client
// shows: a new renderer draws f.drawn whole into scratch, and is told
// where the client's cursor is.
func (f *Frames) prime() {
	_ = f.scr.Flush() // what the old one has queued goes out
	var scratch bytes.Buffer
	f.sink.to = &scratch
	defer func() { f.sink.to = &f.buf }()
	w, h := f.cells.Width(), f.cells.Height()
	scr := f.newRenderer()
	scr.EnterAltScreen()
	scr.Resize(w, h)
	if f.method == ansi.GraphemeWidth {
		scr.SetGraphemeWidth(true)
	}
	cells := uv.NewScreenBuffer(w, h)
	cells.Method = f.method
	drawn := strings.ReplaceAll(f.drawn, "\r\n", "\n")
	uv.NewStyledString(drawn).Draw(cells, cells.Bounds())
	scr.Render(cells.RenderBuffer)
	_ = scr.Flush()
	scr.SetPosition(f.curX, f.curY)
	f.scr, f.cells, f.stale = scr, cells, false
	f.lines = strings.Split(drawn, "\n")
	f.alone = linesStandAlone(f.lines)
}

// drawCells puts content into the cell buffer. Only the lines that differ
// from the last frame are parsed again (a meeting step changes a few of a
// screen's lines), when every line of both frames stands alone: it ends
// with its styles reset, so no style runs on into the next line. A line
// that differs from the one above it last time but was somewhere else on
// the screen (a list that lost or gained a row shifts the rows below it)
// is copied from where it was, not parsed again. Anything else is drawn
// whole.
func (f *Frames) drawCells(content string, resized bool) {
	if strings.Contains(content, "\r") {
		content = strings.ReplaceAll(content, "\r\n", "\n")
	}
	lines := strings.Split(content, "\n")
	alone := linesStandAlone(lines)
	whole := resized || f.lines == nil || !alone || !f.alone
	if whole {
		f.cells.Clear()
		uv.NewStyledString(content).Draw(f.cells, f.cells.Bounds())
	} else {
		f.drawChanged(lines)
	}
	if Verify && !whole {
		full := uv.NewScreenBuffer(f.cells.Width(), f.cells.Height())
		full.Method = f.method
		uv.NewStyledString(content).Draw(full, full.Bounds())
		for y := 0; y < full.Height(); y++ {
			for x := 0; x < full.Width(); x++ {
				a, b := full.CellAt(x, y), f.cells.CellAt(x, y)
				if (a == nil) != (b == nil) || (a != nil && !a.Equal(b)) {
					panic(fmt.Sprintf("frames: line-by-line drawing differs from the whole frame at %d,%d", x, y))
				}
			}
		}
	}
	f.drawn, f.lines, f.alone = content, lines, alone
}

// drawChanged draws the lines that differ from the last frame's (both
// frames' lines stand alone). A standalone line's cells do not depend on
// its row, so a line the last frame had on another row is copied from
// there: rows moving up are copied top down and rows moving down bottom
// up, so no row is read after it was written (a row whose source was
// written already is parsed instead); the rows parsed come last.
func (f *Frames) drawChanged(lines []string) {
	w, h := f.cells.Width(), f.cells.Height()
	line := func(ls []string, y int) string {
		if y < len(ls) {
			return ls[y]
		}
		return ""
	}
	// where each of the last frame's lines was (the first row holding it)
	if f.was == nil {
		f.was = make(map[string]int, h)
	}
	clear(f.was)
	for y := 0; y < h && y < len(f.lines); y++ {
		if _, ok := f.was[f.lines[y]]; !ok {
			f.was[f.lines[y]] = y
		}
	}
	if cap(f.from) < h {
		f.from = make([]int, h)
	}
	from := f.from[:h]
	const unchanged, parse = -1, -2
	for y := range from {
		from[y] = unchanged
		now := line(lines, y)
		if now == line(f.lines, y) {
			continue
		}
		from[y] = parse
		if k, ok := f.was[now]; ok && !f.parseAll && len(f.cells.Line(k)) == w {
			from[y] = k
		}
	}
	if cap(f.uses) < h {
		f.uses = make([]int, h)
	}
	uses := f.uses[:h]
	clear(uses)
	for _, k := range from {
		if k >= 0 {
			uses[k]++
		}
	}
	copyRow := func(y, k int) {
		if from[k] != unchanged && uses[k] == 1 {
			// k's own line changes and y is the only row that wants its
			// old one: trade the rows' cells instead of copying them (k
			// is written after, and compared whole)
			f.cells.Lines[y], f.cells.Lines[k] = f.cells.Lines[k], f.cells.Lines[y]
			f.cells.TouchLine(0, k, w)
		} else {
			copy(f.cells.Line(y), f.cells.Line(k))
		}
		f.cells.TouchLine(0, y, w)
		f.copied++
	}
	for y := 0; y < h; y++ { // moving up: the source is below, not written yet
		if k := from[y]; k > y {
			copyRow(y, k)
		}
	}
	for y := h - 1; y >= 0; y-- { // moving down: the source is above
		k := from[y]
		if k < 0 || k >= y {
			continue
		}
		if from[k] > k {
			// its row was written moving up: parse this one (a row to be
			// parsed is not yet, and one moving down is written after)
			from[y] = parse
			continue
		}
		copyRow(y, k)
	}
	for y := 0; y < h; y++ {
		if from[y] == parse {
			// Draw clears its area first
			uv.NewStyledString(line(lines, y)).Draw(f.cells, uv.Rect(0, y, w, 1))
		}
	}
}

// Verify makes every line-by-line drawing check itself against the
// whole frame drawn afresh (tests set it).
var Verify = false

// linesStandAlone reports whether no line leaves a style (or a link) set
// for the next: each one's last control sequence, if any, is a reset.
func linesStandAlone(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "\x1b]") { // OSC: hyperlinks and titles run on
			return false
		}
		i := strings.LastIndex(l, "\x1b[")
		if i < 0 {
			continue
		}
		rest := l[i:]
		if !strings.HasPrefix(rest, "\x1b[m") && !strings.HasPrefix(rest, "\x1b[0m") {
			return false
		}
	}
	return true
}

// write sends what the renderer queued, as one synchronized update where
// the terminal has them.
func (f *Frames) write(syncd bool) {
	var out []byte
	if syncd {
		out = make([]byte, 0, f.buf.Len()+len(ansi.SetModeSynchronizedOutput)+len(ansi.ResetModeSynchronizedOutput))
		out = append(out, ansi.SetModeSynchronizedOutput...)
		out = append(out, f.buf.Bytes()...)
		out = append(out, ansi.ResetModeSynchronizedOutput...)
	} else {
		out = f.buf.Bytes()
	}
	f.wmu.Lock()
	_, _ = f.out.Write(out)
	f.wmu.Unlock()
	f.buf.Reset()
}

// close stops drawing after the last view and gives the client its
// terminal back (main screen, cursor, paste and keyboard modes).
func (f *Frames) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	<-f.done
	if !f.started {
		return
	}
	f.drawOnce()
	if f.stale {
		f.scr.SetPosition(f.curX, f.curY) // all MoveTo needs
	}
	f.scr.MoveTo(0, max(0, f.cells.Height()-1))
	f.scr.WriteString(ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1))
	f.scr.ExitAltScreen()
	f.scr.WriteString(ansi.SetModeTextCursorEnable + ansi.ResetModeBracketedPaste)
	_ = f.scr.Flush()
	f.write(false)
}
