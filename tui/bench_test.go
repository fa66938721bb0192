package tui

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
)

// countingWriter counts what the renderer writes.
type countingWriter struct {
	mu   sync.Mutex
	n    int
	last time.Time
	text strings.Builder
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(p)
	w.last = time.Now()
	w.text.Write(p)
	return len(p), nil
}

// take returns the bytes written since the last take.
func (w *countingWriter) take() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, s := w.n, w.text.String()
	w.n = 0
	w.text.Reset()
	return n, s
}

// settle waits until something was written and then nothing for quiet.
func (w *countingWriter) settle(tb testing.TB, want string) {
	tb.Helper()
	const quiet = 40 * time.Millisecond
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		w.mu.Lock()
		ok := w.n > 0 && time.Since(w.last) > quiet && (want == "" || strings.Contains(ansi.Strip(w.text.String()), want))
		w.mu.Unlock()
		if ok {
			return
		}
	}
	tb.Fatalf("renderer never settled (waiting for %q)", want)
}

// settleOrNone is settle for a key that may write nothing (the end of a
// list): it gives up quietly after wait.
func (w *countingWriter) settleOrNone(wait time.Duration) {
	const quiet = 40 * time.Millisecond
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		w.mu.Lock()
		ok := w.n > 0 && time.Since(w.last) > quiet
		w.mu.Unlock()
		if ok {
			return
		}
	}
}

// blockingReader is a terminal input that never sends anything.
type blockingReader struct{ done chan struct{} }

func (r blockingReader) Read([]byte) (int, error) { <-r.done; return 0, io.EOF }

// rig is one program at 80x24 writing to a byte counter.
type rig struct {
	p   *tea.Program
	out *countingWriter
}

// startRig runs the root model for opts with profile prof; it stops with tb.
func startRig(tb testing.TB, opts Options, prof colorprofile.Profile) *rig {
	tb.Helper()
	r := &rig{out: &countingWriter{}}
	in := blockingReader{done: make(chan struct{})}
	r.p = tea.NewProgram(New(opts), tea.WithInput(in), tea.WithOutput(r.out),
		tea.WithWindowSize(80, 24), tea.WithColorProfile(prof), tea.WithoutSignals())
	done := make(chan struct{})
	go func() { _, _ = r.p.Run(); close(done) }()
	tb.Cleanup(func() { r.p.Quit(); close(in.done); <-done })
	return r
}

// keys sends keys ("\r" enter, "\x1b" esc) and waits for the screen to
// settle with want on it; it returns the bytes written.
func (r *rig) keys(tb testing.TB, keys, want string) int {
	tb.Helper()
	for _, k := range keys {
		switch k {
		case '\r':
			r.p.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case '\x1b':
			r.p.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		default:
			r.p.Send(tea.KeyPressMsg{Code: k, Text: string(k)})
		}
	}
	r.out.settle(tb, want)
	n, _ := r.out.take()
	return n
}

// demoSite fills an in-memory store with the demo site as of the test day.
func demoSite(tb testing.TB) store.Store {
	tb.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		tb.Fatalf("open memory store: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := demo.Fill(context.Background(), db, day(0), demo.DefaultSeed); err != nil {
		tb.Fatalf("demo: %v", err)
	}
	return db
}

func median(xs []int) float64 {
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

var profiles = []struct {
	name string
	p    colorprofile.Profile
}{{"ANSI256", colorprofile.ANSI256}, {"ASCII", colorprofile.ASCII}}

// BenchmarkRenderBytes counts the bytes the renderer writes at 80x24 on
// the demo site for the first frame (terminal setup included), a cursor
// move in every list (median and largest of a walk down and back inside
// one page) and a move across a page boundary (the list scrolls).
func BenchmarkRenderBytes(b *testing.B) {
	lists := []struct {
		name  string
		actor store.Actor
		open  string // keys that open the list
		want  string // on screen once open
		walk  int    // moves down inside the first page
	}{
		{"today", store.Actor{User: "keisha", Role: store.RoleSupervisor}, "", "capacity", 4},
		{"caseload", store.Actor{User: "dana", Role: store.RolePM}, "2", "URGENT", 6},
		{"referrals", store.Actor{User: "dana", Role: store.RolePM}, "3", "score", 4},
		{"cases", store.Actor{User: "dana", Role: store.RolePM}, "4", "POSITION", 6},
		{"myreferrals", store.Actor{User: "reyes", Role: store.RolePolice, Agency: "Metro PD"}, "\x1b3", "outcome", 2},
	}
	for _, prof := range profiles {
		for _, l := range lists {
			b.Run(prof.name+"/"+l.name, func(b *testing.B) {
				s := demoSite(b)
				r := startRig(b, testOptions(s, l.actor), prof.p)
				landing := "Today"
				if l.actor.Role == store.RolePolice {
					landing = "referral"
				}
				if l.open == "" {
					landing = l.want
				}
				r.out.settle(b, landing)
				first, _ := r.out.take()
				if l.open != "" {
					r.keys(b, l.open, l.want)
				}
				var moves []int
				page := 0
				for b.Loop() {
					moves = moves[:0]
					for range l.walk {
						moves = append(moves, r.keys(b, "j", ""))
					}
					for range l.walk {
						moves = append(moves, r.keys(b, "k", ""))
					}
				}
				b.StopTimer()
				// page boundary: keep going down until the list scrolls;
				// the largest move is the one across the boundary
				for range 24 {
					r.p.Send(tea.KeyPressMsg{Code: 'j', Text: "j"})
					r.out.settleOrNone(300 * time.Millisecond)
					n, _ := r.out.take()
					page = max(page, n)
				}
				b.ReportMetric(float64(first), "B-first-frame")
				b.ReportMetric(median(moves), "B/move-median")
				b.ReportMetric(float64(slices.Max(moves)), "B/move-max")
				b.ReportMetric(float64(page), "B/page-boundary")
			})
		}
	}
}
