package frames

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// wire is what a client received, write by write.
type wire struct {
	mu     sync.Mutex
	writes [][]byte
}

func (w *wire) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

func (w *wire) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.writes)
}

func (w *wire) all() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(bytes.Join(w.writes, nil))
}

func (w *wire) waitWrites(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for w.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes reached the client, want %d; got %q", w.count(), n, w.all())
		}
		time.Sleep(time.Millisecond)
	}
}

func view(s string) tea.View {
	v := tea.NewView(s)
	v.AltScreen = true
	v.WindowTitle = "owg"
	return v
}

// startFrames runs a frame writer whose coalescing gap is an hour, so the
// writes the test sees do not depend on the machine's speed: the first
// change after quiet goes out at once, everything after it waits for close.
func startFrames(t *testing.T) (*Frames, *wire, context.CancelFunc) {
	return startFramesGap(t, time.Hour)
}

// startFramesGap runs a frame writer with the given coalescing gap.
func startFramesGap(t *testing.T, gap time.Duration) (*Frames, *wire, context.CancelFunc) {
	w := &wire{}
	f := New(w, []string{"TERM=xterm-256color"}, colorprofile.ANSI256, 40, 5, gap)
	ctx, cancel := context.WithCancel(context.Background())
	go f.Run(ctx)
	t.Cleanup(cancel)
	return f, w, cancel
}

func TestFramesDrawOnDemandAndCoalesce(t *testing.T) {
	f, w, cancel := startFrames(t)
	// a view made before the model knows its size is not sent
	f.Offer(view("loading"))
	f.Resize(40, 5)
	f.Offer(view("Today\nOverdue contact (3)"))
	w.waitWrites(t, 1) // no tick: the change goes out as soon as it is offered
	first := w.all()
	if got := ansi.Strip(first); strings.Contains(got, "loading") || !strings.Contains(got, "Overdue contact (3)") {
		t.Fatalf("first frame %q => want the sized view only", got)
	}
	for _, seq := range []string{ansi.SetModeAltScreenSaveCursor, ansi.ResetModeTextCursorEnable, ansi.SetModeBracketedPaste, ansi.SetWindowTitle("owg")} {
		if !strings.Contains(first, seq) {
			t.Errorf("first frame lacks %q", seq)
		}
	}
	// the same view again sends nothing; a burst within the gap waits
	f.Offer(view("Today\nOverdue contact (3)"))
	for i := 4; i <= 50; i++ {
		f.Offer(view("Today\nOverdue contact (" + strconv.Itoa(i) + ")"))
	}
	time.Sleep(20 * time.Millisecond)
	if n := w.count(); n != 1 {
		t.Fatalf("%d writes within the gap => want 1 (the burst waits)", n)
	}
	cancel()
	f.Close()
	all := w.all()
	last := all[len(first):]
	if !strings.Contains(ansi.Strip(last), "50") || strings.Contains(ansi.Strip(last), "49") {
		t.Errorf("after close %q => want only the newest view of the burst", ansi.Strip(last))
	}
	if !strings.HasSuffix(all, ansi.ResetModeAltScreenSaveCursor+ansi.SetModeTextCursorEnable+ansi.ResetModeBracketedPaste) {
		t.Errorf("close left the terminal as %q => want main screen, cursor and paste mode back", all[max(0, len(all)-60):])
	}
}

func TestFramesIdleSendsNothing(t *testing.T) {
	f, w, _ := startFrames(t)
	f.Resize(40, 5)
	f.Offer(view("Today"))
	w.waitWrites(t, 1)
	for range 100 {
		f.Offer(view("Today")) // what every message without a change offers
	}
	time.Sleep(20 * time.Millisecond)
	if n := w.count(); n != 1 {
		t.Errorf("%d writes for an unchanged view => want 1", n)
	}
}

func TestFramesResizeRedrawsInFull(t *testing.T) {
	f, w, _ := startFramesGap(t, 0)
	f.Resize(40, 5)
	f.Offer(view("Today"))
	w.waitWrites(t, 1)
	n := w.count()
	f.Resize(60, 8)
	f.Offer(view("Today")) // same text at a new size: drawn again in full
	w.waitWrites(t, n+1)
	if got := ansi.Strip(w.all()); strings.Count(got, "Today") < 2 {
		t.Errorf("after a resize %q => want the view drawn again", got)
	}
}

func TestFramesProgramOutputNeverSplitsAFrame(t *testing.T) {
	f, w, _ := startFrames(t)
	f.Resize(40, 5)
	f.Offer(view(strings.Repeat("row\n", 4) + "end"))
	_, _ = f.ProgramOutput().Write([]byte(ansi.RequestBackgroundColor))
	w.waitWrites(t, 2)
	for _, wr := range w.writes {
		s := string(wr)
		if strings.Contains(s, ansi.RequestBackgroundColor) && s != ansi.RequestBackgroundColor {
			t.Errorf("a query was written inside a frame: %q", s)
		}
	}
}

func TestQueriesFollowTheTerminal(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want bool
	}{
		{[]string{"TERM=xterm-256color"}, true},
		{[]string{"TERM=dumb"}, false},
		{[]string{"TERM=xterm-256color", "TERM_PROGRAM=Apple_Terminal"}, false},
		{[]string{"TERM=xterm-kitty", "SSH_TTY=/dev/pts/1"}, true},
	} {
		if got := Queries(tc.env) != ""; got != tc.want {
			t.Errorf("Queries(%v) sent = %v => want %v", tc.env, got, tc.want)
		}
	}
}

func TestFrameBarrierEndsWhenOwnFrameIsSent(t *testing.T) {
	f, w, _ := startFramesGap(t, 0)
	f.barrierWait = time.Minute // only the frame ends the wait here
	f.Resize(40, 5)
	f.Offer(view("item 1 of 6"))
	w.waitWrites(t, 1)

	// an update whose view changes: the wait ends once that frame is out
	wait := f.Barrier()
	f.Offer(view("item 2 of 6"))
	wait()
	if got := ansi.Strip(w.all()); !strings.Contains(got, "2") {
		t.Errorf("the wait ended before the frame was sent; client has %q", got)
	}
	// an update whose view is unchanged: nothing to send, no wait
	wait = f.Barrier()
	f.Offer(view("item 2 of 6"))
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("an unchanged view kept the write waiting")
	}
}

func TestFirstFrameWaitsForASettledView(t *testing.T) {
	f, w, _ := startFrames(t)
	f.Resize(40, 5)
	f.OfferSettled(view("Today\n\n  loading…"), false)
	f.OfferSettled(view("Today\n\n  loading…\n! notice"), false)
	f.OfferSettled(view("Today\nOverdue contact (3)\n! notice"), true)
	w.waitWrites(t, 1)
	if got := ansi.Strip(w.all()); strings.Contains(got, "loading") || !strings.Contains(got, "Overdue contact (3)") {
		t.Errorf("first frame %q => want the settled view only", got)
	}
}

// A list that loses a row shifts the rows below it up, one that gains a
// row shifts them down: those lines are copied from the rows they were on
// (drawChanged), and what the client receives is what parsing each
// changed line again sends (the cells are checked against a fresh drawing
// of the whole frame by Verify as well).
func TestFramesCopiedLinesSendWhatAWholeFrameSends(t *testing.T) {
	seq := []string{
		todayScreen("(8)", 1, 2, 3, 4, 5, 6, 7, 8),
		todayScreen("(7)", 2, 3, 4, 5, 6, 7, 8),    // the first row went: the rest move up
		todayScreen("(8)", 2, 3, 9, 4, 5, 6, 7, 8), // a row came in the middle: the rest move down
		todayScreen("(8)", 2, 3, 9, 4, 4, 6, 7, 8), // a line twice
		todayScreen("(3)", 8, 7, 6),                // reordered and shorter
		"",
		todayScreen("(2)", 1, 2),
		todayScreen("(2)", 2, 1), // two rows swapped: one moves up, one down onto it
		todayScreen("(3)", 9, 2, 1, 3),
	}
	got, want := &wire{}, &wire{}
	inc := New(got, []string{"TERM=xterm-256color"}, colorprofile.ANSI256, 40, 10, 0)
	ref := New(want, []string{"TERM=xterm-256color"}, colorprofile.ANSI256, 40, 10, 0)
	ref.parseAll = true
	for i, s := range seq {
		for _, f := range []*Frames{inc, ref} {
			f.Resize(40, 10)
			f.Offer(view(s))
		}
		inc.drawOnce()
		ref.drawOnce()
		if g, w := got.all(), want.all(); g != w {
			t.Fatalf("frame %d: sent %q => want %q (as drawn whole)", i, g, w)
		}
	}
	if inc.copied == 0 {
		t.Error("no line was copied from another row => the test does not reach drawChanged's copies")
	}
}

// Sessions showing the same screens share the drawing of each change
// (Share): each still sends exactly what it would have sent drawing
// every frame itself, whichever of them draws a change first, after
// sharing some and drawing others (a stale renderer is brought up to date
// first), after a resize, and until it closes.
func TestSharedFramesSendWhatEachWouldHaveSent(t *testing.T) {
	type step struct {
		a, b    string // what each shows ("" : no new view)
		bFirst  bool   // b draws before a
		resizeB bool
	}
	s1, s2, s3 := todayScreen("(8)", 1, 2, 3, 4, 5, 6, 7, 8), todayScreen("(7)", 2, 3, 4, 5, 6, 7, 8), todayScreen("(6)", 3, 4, 5, 6, 7, 8)
	s4, s5 := todayScreen("(5)", 4, 5, 6, 7, 8), todayScreen("(6)", 4, 9, 5, 6, 7, 8)
	steps := []step{
		{a: s1, b: s1},                    // first frames: never shared
		{a: s2, b: s2},                    // a draws, b shares
		{a: s3, b: s3},                    // and again: b's renderer falls behind
		{a: s4, b: s4, bFirst: true},      // b draws (bringing its renderer up first), a shares
		{a: s5, b: todayScreen("(1)", 9)}, // they part: each draws its own
		{a: s4, b: s4},                    // and meet again from different screens: nothing shared
		{a: s5, b: s5},                    // shared again
		{a: s1, b: s1, resizeB: true},     // b is resized: drawn in full, by itself
		{a: s2, b: s2},
	}
	mk := func(w *wire, share *Share) *Frames {
		f := New(w, []string{"TERM=xterm-256color"}, colorprofile.ANSI256, 40, 10, 0)
		f.share = share
		return f
	}
	share := NewShare()
	var wa, wb, ra, rb wire
	a, b, refA, refB := mk(&wa, share), mk(&wb, share), mk(&ra, nil), mk(&rb, nil)
	shared := 0
	for i, st := range steps {
		for _, f := range []*Frames{a, refA} {
			f.Resize(40, 10)
			f.Offer(view(st.a))
		}
		for _, f := range []*Frames{b, refB} {
			if st.resizeB {
				f.Resize(44, 12)
			} else {
				f.Resize(f.width, f.height)
			}
			f.Offer(view(st.b))
		}
		order := []*Frames{a, b}
		if st.bFirst {
			order = []*Frames{b, a}
		}
		shared += drawShared(order, refA, refB)
		if g, w := wa.all(), ra.all(); g != w {
			t.Fatalf("step %d: a sent %q => want %q (drawing every frame itself)", i, g, w)
		}
		if g, w := wb.all(), rb.all(); g != w {
			t.Fatalf("step %d: b sent %q => want %q (drawing every frame itself)", i, g, w)
		}
	}
	for _, f := range []*Frames{a, b, refA, refB} {
		f.closed = true
		close(f.done) // no writer goroutine ran
		f.Close()
	}
	if g, w := wb.all(), rb.all(); g != w {
		t.Errorf("after close b sent %q => want %q", g, w)
	}
	if shared < 3 {
		t.Errorf("%d frames shared => want the test to share some", shared)
	}
}

// Sessions whose screens differ only in inert rows (maskInert: the same
// line before and after, with text found on no other row, as another
// user's name in the tab bar is) share the drawing of a change, and each
// client's screen (a terminal emulator fed what it was sent) is at every
// step the screen it shows when drawing every frame itself, and nothing
// of another session's rows reaches it. So are sessions showing the same
// screens. Random screens: rows that move up and down, come and go,
// repeat, are blank, differ from another only in style (the renderer's
// line hash sees text only), run past the screen's edge, and headers and
// middle rows that differ between the sessions, sometimes changing.
// (Not byte for byte: a renderer brought up to date after sharing can
// send a carriage return the other would not, where the cursor is at the
// line's start already.)
func TestSharedFramesMaskOnlyInertRows(t *testing.T) {
	const w, h = 40, 12
	row := func(i int) string {
		switch i % 7 {
		case 0:
			return "" // blank
		case 1:
			return "P-" + strconv.Itoa(1000+i/7) + "  plain " + strconv.Itoa(i/7) // same text as case 2
		case 2:
			return "\x1b[38;5;75mP-" + strconv.Itoa(1000+i/7) + "\x1b[m  plain " + strconv.Itoa(i/7)
		case 3:
			return "\x1b[1m" + strings.Repeat("wide row "+strconv.Itoa(i), 5) + "\x1b[m" // past the edge
		case 4:
			return "  名前 " + strconv.Itoa(i) + " \x1b[1mno contact\x1b[m"
		default:
			return "\x1b[38;5;75mP-" + strconv.Itoa(1000+i) + "\x1b[m  name " + strconv.Itoa(i)
		}
	}
	seeds := int64(100)
	if testing.Short() || raceDetector {
		seeds = 15 // (1,500 passed when it was written)
	}
	for _, users := range [][2]string{{"ann", "bob"}, {"ann", "ann"}} {
		total := 0
		for seed := int64(1); seed <= seeds; seed++ {
			total += shareRandomly(t, seed, users, w, h, row)
		}
		t.Logf("%s and %s: %d frames shared", users[0], users[1], total)
		if total < 5*int(seeds) {
			t.Errorf("%s and %s: %d frames shared in all => want the test to share many", users[0], users[1], total)
		}
	}
}

// shareRandomly runs one seed of TestSharedFramesMaskOnlyInertRows and
// returns how many frames were shared.
func shareRandomly(t *testing.T, seed int64, users [2]string, w, h int, row func(int) string) int {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	body := []int{}
	for range 3 + r.IntN(6) {
		body = append(body, r.IntN(40))
	}
	mid := 1 + r.IntN(4) // where the sessions' own middle row sits
	screen := func(user string, title int, own bool, body []int) string {
		lines := []string{"\x1b[1mToday\x1b[m (" + strconv.Itoa(title) + ")  user " + user}
		for i, id := range body {
			if own && i == mid {
				lines = append(lines, "my items for "+user)
			}
			lines = append(lines, row(id))
		}
		return strings.Join(lines[:min(len(lines), h)], "\n")
	}
	share := NewShare()
	ws := make([]*wire, 4) // a, b, and each drawing by itself
	fs := make([]*Frames, 4)
	emus := make([]*vt.Emulator, 4)
	fed := make([]int, 4)
	for i := range fs {
		ws[i] = &wire{}
		fs[i] = New(ws[i], []string{"TERM=xterm-256color"}, colorprofile.ANSI256, w, h, 0)
		if i < 2 {
			fs[i].share = share
		}
		emus[i] = vt.NewEmulator(w, h)
		go func() { _, _ = io.Copy(io.Discard, emus[i]) }() // its answers
	}
	defer func() {
		// (the emulators are left open: closing one races with the
		// reader of its answers, x/vt v0.1.0)
		for _, f := range fs {
			f.closed = true
			close(f.done)
			f.Close()
		}
	}()
	shared, title, own := 0, 0, false
	for step := range 40 {
		switch r.IntN(7) {
		case 0: // a row goes
			if len(body) > 1 {
				i := r.IntN(len(body))
				body = slices.Delete(slices.Clone(body), i, i+1)
			}
		case 1: // a row comes
			i := r.IntN(len(body) + 1)
			body = slices.Insert(slices.Clone(body), i, r.IntN(40))
		case 2: // two swap
			body = slices.Clone(body)
			i, j := r.IntN(len(body)), r.IntN(len(body))
			body[i], body[j] = body[j], body[i]
		case 3: // a row changes
			body = slices.Clone(body)
			body[r.IntN(len(body))] = r.IntN(40)
		case 4: // the header's count changes (not inert then)
			title++
		case 5: // the sessions' own middle rows come or go
			own = !own
		default: // the same row twice
			body = slices.Insert(slices.Clone(body), 0, body[r.IntN(len(body))])
		}
		if len(body) > h {
			body = body[:h]
		}
		for i, f := range fs {
			f.Resize(w, h)
			f.Offer(view(screen(users[i%2], title, own, body)))
		}
		order := []*Frames{fs[0], fs[1]}
		if r.IntN(2) == 0 {
			order = []*Frames{fs[1], fs[0]}
		}
		shared += drawShared(order, fs[2], fs[3])
		for i := range fs {
			all := ws[i].all()
			// as the session's pty sends it (charmbracelet/ssh maps \n
			// to \r\n, as a pty's ONLCR does)
			_, _ = emus[i].WriteString(strings.ReplaceAll(all[fed[i]:], "\n", "\r\n"))
			fed[i] = len(all)
		}
		for i := range 2 {
			if got, want := emus[i].Render(), emus[i+2].Render(); got != want {
				t.Fatalf("seed %d step %d: %s's screen\n%s\n=> want\n%s\n(drawing every frame by itself)", seed, step, users[i], got, want)
			}
		}
		if users[0] != users[1] && (strings.Contains(ws[0].all(), users[1]) || strings.Contains(ws[1].all(), users[0])) {
			t.Fatalf("seed %d step %d: one session's name reached the other", seed, step)
		}
	}
	return shared
}

// maskInert masks a row only where the renderer never draws it.
func TestMaskInert(t *testing.T) {
	const w, h = 20, 6
	for _, tc := range []struct {
		name             string
		prev, next, want string // want: next with "#" for each masked row
	}{
		{"unchanged unique rows", "head ann\nrow 1\nrow 2\nfoot", "head ann\nrow 2\nrow 3\nfoot", "#\nrow 2\nrow 3\n#"},
		{"between changed rows", "head\nrow 1\nmine\nrow 2", "head\nrow 3\nmine\nrow 4", "#\nrow 3\nmine\nrow 4"},
		{"a changed row stays", "head ann\nrow 1", "head bob\nrow 1", "head bob\n#"},
		{"text found elsewhere", "x\nrow 1\nrow 1", "x\nrow 1\nrow 2", "#\nrow 1\nrow 2"},
		{"same text in another style", "\x1b[1mrow 1\x1b[m\nrow 1", "\x1b[1mrow 1\x1b[m\nrow 1", "\x1b[1mrow 1\x1b[m\nrow 1"},
		{"trailing blanks are blank cells", "row 1  \nrow 1\nz", "row 1  \nrow 1\nz", "row 1  \nrow 1\n#"},
		{"blank rows", "\nrow 1", "\nrow 1", "\n#"},
		{"moved text", "a\nb\nc", "b\na\nc", "b\na\n#"},
		{"rows that go count as changed", "a\nb\nc", "a\nb", "#\n#"},
		{"wide characters within the edge", "名前名前名前名前\nrow 1", "名前名前名前名前\nrow 2", "#\nrow 2"},
		{"a row past the edge masks nothing", "head\n" + strings.Repeat("x", 21), "head\n" + strings.Repeat("x", 21), "head\n" + strings.Repeat("x", 21)},
		{"a style left open masks nothing", "head\n\x1b[1mrow", "head\n\x1b[1mrow", "head\n\x1b[1mrow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kp, kn := maskInert(tc.prev, tc.next, w, h, ansi.WcWidth)
			if got := strings.ReplaceAll(kn, inertMark, "#"); got != tc.want {
				t.Errorf("masked next = %q => want %q", got, tc.want)
			}
			if strings.Count(kp, inertMark) != strings.Count(kn, inertMark) {
				t.Errorf("prev %q and next %q mask different rows", kp, kn)
			}
		})
	}
}

// drawShared draws each of order (counting those that sent another's
// drawing) and then each reference, which draws by itself.
func drawShared(order []*Frames, refs ...*Frames) (shared int) {
	for _, f := range order {
		f.drawOnce()
		if f.stale {
			shared++
		}
	}
	for _, f := range refs {
		f.drawOnce()
	}
	return shared
}

// todayScreen is a Today-like screen: a title and a row per id, each
// styled and with wide characters.
func todayScreen(title string, ids ...int) string {
	lines := []string{"\x1b[1mToday\x1b[m " + title}
	for _, i := range ids {
		lines = append(lines, "\x1b[38;5;75m"+"P-"+strconv.Itoa(1000+i)+"\x1b[m  name 名前 "+strconv.Itoa(i)+" \x1b[1mno contact\x1b[m")
	}
	return strings.Join(lines, "\n")
}
