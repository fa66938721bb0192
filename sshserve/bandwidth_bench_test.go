package sshserve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// Issue 6's bandwidth budget, measured over SSH on the demo site: a real
// server, x/crypto/ssh clients with an 80x24 pty, in ANSI256 and in ASCII
// (NO_COLOR). "B/..." metrics are terminal bytes (what the program wrote
// to the session); "wire-B/..." are the bytes the client's TCP connection
// received, SSH framing and MACs included. Goals:
//
//	TCP connect to first full frame (wire, handshake included)  <= 4096 B
//	  (with the classic curve25519 exchange, Config.ClassicKex; the
//	  default post-quantum exchange adds about 1.1 KB)
//	cursor move in a list, median                                <= 150 B
//	cursor move at a page boundary                               <= 300 B
//	agenda advance, follower's view                              <= 1536 B
//	another attendee's new note, follower's view                 <= 400 B
//	idle                                                         0 B
//
// Every benchmark finishes in a few seconds with -benchtime=1x.

// landing waits for want on a new session and for the screen to settle.
func landing(tb testing.TB, c *client, want string) {
	tb.Helper()
	c.out.waitFor(tb, 0, want, waitLong)
	c.out.settle(2*actionQuiet, 3*time.Second)
}

func medianInt(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}

// BenchmarkSSHFirstFrame: bytes from the TCP connect to the first full
// frame of the Today screen (supervisor keisha), SSH handshake included.
// The default server offers mlkem768x25519-sha256 first, which x/crypto
// (and OpenSSH 9.9+) clients choose; the -ClassicKex runs are a server
// with Config.ClassicKex (owg serve --classic-kex): curve25519-sha256 only,
// issue 6's 4 KB budget.
func BenchmarkSSHFirstFrame(b *testing.B) {
	e, keys := newDemoEnv(b, nil)
	classic, classicKeys := newDemoEnv(b, func(c *Config) { c.ClassicKex = true })
	var modes []profileMode
	for _, m := range profileModes() {
		modes = append(modes, m, profileMode{name: m.name + "-ClassicKex", env: m.env})
	}
	for _, mode := range modes {
		b.Run(mode.name, func(b *testing.B) {
			e, keys := e, keys
			if strings.HasSuffix(mode.name, "-ClassicKex") {
				e, keys = classic, classicKeys
			}
			var wire, sent, term int
			for b.Loop() {
				c, err := e.openCounted(keys["keisha"], "xterm-256color", mode.env)
				if err != nil {
					b.Fatal(err)
				}
				landing(b, c.client, "capacity")
				wire, sent, term = int(c.wire.read.Load()), int(c.wire.written.Load()), c.out.len()
				c.close()
			}
			b.ReportMetric(float64(wire), "wire-B/first-frame")
			b.ReportMetric(float64(term), "B/first-frame")
			b.ReportMetric(float64(sent), "wire-B-sent/first-frame")
		})
	}
}

// listMoves is what a walk in one list measured.
type listMoves struct {
	moves, wires   []int // inside the first page, down and back
	page, pageWire int   // the largest move on down past the page
}

// walkList opens user's session, opens the list with the keys open (none:
// the landing screen; want on screen once open) and walks it: walk moves down and back inside the
// first page, then on down across the page boundary, where the largest
// move is the one that scrolls the list.
func walkList(e *testEnv, key gossh.Signer, env map[string]string, open, want string, walk int) (listMoves, error) {
	var r listMoves
	c, err := e.openCounted(key, "xterm-256color", env)
	if err != nil {
		return r, err
	}
	defer c.close()
	if err := c.out.await(0, "Today", waitLong); err != nil {
		return r, err
	}
	c.out.settle(2*actionQuiet, 3*time.Second)
	mark := 0
	if open != "" {
		mark = c.out.len()
		c.send(open)
	}
	if err := c.out.await(mark, want, waitLong); err != nil {
		return r, err
	}
	c.out.settle(2*actionQuiet, 3*time.Second)
	for _, k := range []string{"j", "k"} {
		for range walk {
			t, w := c.measure(func() { c.send(k) }, time.Second)
			r.moves, r.wires = append(r.moves, t), append(r.wires, w)
		}
	}
	idle := 0
	for range 24 {
		t, w := c.measure(func() { c.send("j") }, 400*time.Millisecond)
		if t > r.page {
			r.page, r.pageWire = t, w
		}
		if t == 0 {
			if idle++; idle == 2 {
				break // the end of the list
			}
		}
	}
	return r, nil
}

// BenchmarkSSHCursorMove: a cursor move (j/k) in each list (Today,
// Caseload, Referrals, Cases; one session each, walked at the same time):
// the median and largest move of a walk down and back inside the first
// page, and the largest move of a walk on down across the page boundary.
// Metrics are per list ("today-B/move-median") and over all four.
func BenchmarkSSHCursorMove(b *testing.B) {
	lists := []struct {
		name, user, open, want string
		walk                   int
	}{
		{"today", "keisha", "", "capacity", 4},
		{"caseload", "dana", "2", "URGENT", 6},
		{"referrals", "dana", "3", "score", 4},
		{"cases", "dana", "4", "POSITION", 6},
	}
	e, keys := newDemoEnv(b, nil)
	for _, mode := range profileModes() {
		b.Run(mode.name, func(b *testing.B) {
			res := make([]listMoves, len(lists))
			for b.Loop() {
				errs := make([]error, len(lists))
				var wg sync.WaitGroup
				for i, l := range lists {
					wg.Go(func() { res[i], errs[i] = walkList(e, keys[l.user], mode.env, l.open, l.want, l.walk) })
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						b.Fatalf("%s: %v", lists[i].name, err)
					}
				}
			}
			var all []int
			worstPage := 0
			for i, l := range lists {
				r := res[i]
				b.ReportMetric(medianInt(r.moves), l.name+"-B/move-median")
				b.ReportMetric(float64(r.page), l.name+"-B/page-boundary")
				b.ReportMetric(medianInt(r.wires), l.name+"-wire-B/move-median")
				all = append(all, r.moves...)
				worstPage = max(worstPage, r.page)
			}
			b.ReportMetric(medianInt(all), "B/move-median")
			b.ReportMetric(float64(slices.Max(all)), "B/move-max")
			b.ReportMetric(float64(worstPage), "B/page-boundary-max")
		})
	}
}

// demoFollower opens a case manager's session (tomas) that joins the open
// demo meeting and follows it.
func demoFollower(tb testing.TB, e *testEnv, key gossh.Signer, env map[string]string) *wireClient {
	tb.Helper()
	c, err := e.openCounted(key, "xterm-256color", env)
	if err != nil {
		tb.Fatal(err)
	}
	landing(tb, c.client, "Today")
	c.send("5")
	c.out.waitFor(tb, 0, "join and follow", waitLong)
	c.send("\r")
	c.out.waitFor(tb, 0, "following", waitLong)
	c.out.settle(2*actionQuiet, 3*time.Second)
	return c
}

// BenchmarkSSHMeetingFollower: what a follower's link carries when the
// facilitator advances one agenda item (the demo agenda: referrals,
// pending cases, goal reviews), and when another attendee adds a note to
// the item on screen.
func BenchmarkSSHMeetingFollower(b *testing.B) {
	e, keys := newDemoEnv(b, nil)
	mt := startDemoMeeting(b, e)
	ctx := context.Background()
	for _, mode := range profileModes() {
		b.Run(mode.name, func(b *testing.B) {
			c := demoFollower(b, e, keys["tomas"], mode.env)
			defer c.close()
			setCurrent := func(cur int) {
				if _, err := e.db.MutateMeeting(ctx, demoPM(), mt.ID, func(m *store.Meeting) error {
					m.Current = cur
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			var adv, advWire, note, noteWire []int
			for b.Loop() {
				cur := -1 // unknown: the previous run may have moved it
				for _, to := range advanceTargets(mt) {
					if cur != to-1 {
						setCurrent(to - 1)
						if waitGrowth(c.out, c.out.len(), time.Second) {
							c.out.settle(actionQuiet, 3*time.Second)
						}
					}
					t, w := c.measure(func() { setCurrent(to) }, waitLong)
					cur = to
					if t == 0 {
						b.Fatal("the follower's screen did not change on advance")
					}
					adv, advWire = append(adv, t), append(advWire, w)
				}
				for i := range 3 {
					t, w := c.measure(func() {
						if _, err := e.db.MutateMeeting(ctx, store.Actor{User: "mei", Role: store.RoleCaseManager}, mt.ID, func(m *store.Meeting) error {
							it := &m.Items[m.Current]
							it.Notes = append(it.Notes, store.Note{Time: testNow, Author: "mei",
								Text: fmt.Sprintf("called the shelter, bed %d held until Friday", i+1), Sensitivity: store.General})
							return nil
						}); err != nil {
							b.Fatal(err)
						}
					}, waitLong)
					if t == 0 {
						b.Fatal("the follower's screen did not show the note")
					}
					note, noteWire = append(note, t), append(noteWire, w)
				}
			}
			b.ReportMetric(medianInt(adv), "B/advance-median")
			b.ReportMetric(float64(slices.Max(adv)), "B/advance-max")
			b.ReportMetric(medianInt(advWire), "wire-B/advance-median")
			b.ReportMetric(medianInt(note), "B/note-median")
			b.ReportMetric(float64(slices.Max(note)), "B/note-max")
			b.ReportMetric(medianInt(noteWire), "wire-B/note-median")
		})
	}
}

// advanceTargets are the items the follower benchmark advances to: the
// first two of each kind on the agenda (actions, referrals, cases, goal
// reviews), each from the item before it.
func advanceTargets(mt store.Meeting) []int {
	seen := map[store.ItemKind]int{}
	var out []int
	for i := 1; i < len(mt.Items); i++ {
		k := mt.Items[i].Kind
		if seen[k] < 2 {
			seen[k]++
			out = append(out, i)
		}
	}
	return out
}

// idleWindow is how long the idle benchmark and test listen.
const idleWindow = 2 * time.Second

// BenchmarkSSHIdle: bytes received with nothing happening, on the Today
// screen and as a meeting follower, over idleWindow.
func BenchmarkSSHIdle(b *testing.B) {
	e, keys := newDemoEnv(b, nil)
	startDemoMeeting(b, e)
	for _, mode := range profileModes() {
		b.Run(mode.name, func(b *testing.B) {
			today, err := e.openCounted(keys["keisha"], "xterm-256color", mode.env)
			if err != nil {
				b.Fatal(err)
			}
			defer today.close()
			landing(b, today.client, "capacity")
			follower := demoFollower(b, e, keys["tomas"], mode.env)
			defer follower.close()
			var term, wire int
			for b.Loop() {
				t0, w0 := today.out.len()+follower.out.len(), today.wire.read.Load()+follower.wire.read.Load()
				time.Sleep(idleWindow)
				term = today.out.len() + follower.out.len() - t0
				wire = int(today.wire.read.Load() + follower.wire.read.Load() - w0)
			}
			b.ReportMetric(float64(term), "B/idle-2s")
			b.ReportMetric(float64(wire), "wire-B/idle-2s")
		})
	}
}
