package sshserve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
)

// The scale benchmarks (issue 16) run the real server and TUI over a demo
// site of 200 or 2,000 active participants (owg demo --participants N) in
// an on-disk store with SyncWrites, with x/crypto/ssh clients in the same
// process: the CPU figures are the whole process's (server and clients;
// the clients only read bytes). The 2,000 sizes are skipped with -short.

// siteBackups holds one backup per site size, so each benchmark restores a
// filled on-disk store in a second instead of writing it transaction by
// transaction (test-only state).
var siteBackups sync.Map // int -> []byte

func siteBackup(tb testing.TB, n int) []byte {
	if b, ok := siteBackups.Load(n); ok {
		return b.([]byte)
	}
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return testNow })
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.FillN(context.Background(), db, testNow, demo.DefaultSeed, n); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := db.Backup(&buf); err != nil {
		tb.Fatal(err)
	}
	siteBackups.Store(n, buf.Bytes())
	return buf.Bytes()
}

// newScaleEnv serves the real TUI over an on-disk store holding the demo
// site of n participants, with a supervisor user "sup" holding key.
func newScaleEnv(tb testing.TB, n int) (*testEnv, gossh.Signer) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "data")
	if err := badgerstore.Restore(dir, bytes.NewReader(siteBackup(tb, n)), nil); err != nil {
		tb.Fatal(err)
	}
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := Config{
		Listen: "127.0.0.1:0", HostKeyPath: filepath.Join(tb.TempDir(), "host_key"),
		Store: db, Protocol: store.DefaultProtocol(), Logger: log.New(io.Discard),
		RatePerSecond: 1000, RateBurst: 1000, MaxSessions: 200,
		Now: func() time.Time { return testNow },
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	// a benchmark's clients drop and sign the same users in again: each
	// starts afresh, not where the last one was
	_, srv.noResume = tb.(*testing.B)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	e := &testEnv{tb: tb, srv: srv, db: db, addr: ln.Addr().String(), served: make(chan error, 1)}
	go func() { e.served <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = db.Close()
	})
	key := newKey(tb)
	if _, err := db.CreateUser(context.Background(), store.SystemActor, store.User{Name: "sup", Role: store.RoleSupervisor,
		Agency: "LEAD Case Management", Active: true,
		Keys: []string{strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey())))}}); err != nil {
		tb.Fatal(err)
	}
	return e, key
}

// cpuTime is this process's user+system CPU so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// overdue lists active participants past the protocol's contact days,
// most overdue first: a contact for one changes every supervisor's Today
// ("Overdue contact (N)").
func overdue(tb testing.TB, db *badgerstore.DB) []store.Participant {
	ps, err := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	days := store.DefaultProtocol().OverdueContactDays
	var out []store.Participant
	for _, p := range ps {
		last := p.LastContact
		if last.IsZero() {
			last = p.EnrolledOn
		}
		if store.DaysBetween(last, store.Today(testNow)) > days {
			out = append(out, p)
		}
	}
	return out
}

func scaleSizes() []int {
	if testing.Short() {
		return []int{200}
	}
	return []int{200, 2000}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkContactFanout: CPU per logged contact and the time until the
// last session's screen changed, with 1, 10 and 50 supervisors on Today.
func BenchmarkContactFanout(b *testing.B) {
	for _, n := range scaleSizes() {
		for _, sessions := range []int{1, 10, 50} {
			b.Run(fmt.Sprintf("participants=%d/sessions=%d", n, sessions), func(b *testing.B) {
				e, key := newScaleEnv(b, n)
				cs := make([]*client, sessions)
				for i := range cs {
					c, err := e.openTerm(key, "xterm-256color", nil, false)
					if err != nil {
						b.Fatal(err)
					}
					defer c.close()
					cs[i] = c
				}
				for _, c := range cs {
					c.out.waitFor(b, 0, "Overdue", 60*time.Second)
				}
				for _, c := range cs {
					c.out.settle(200*time.Millisecond, 10*time.Second)
				}
				todo := overdue(b, e.db)
				// the idle cost of the sessions (their frame tick), to take
				// out of the per-contact figure
				c0, t0 := cpuTime(), time.Now()
				time.Sleep(500 * time.Millisecond)
				idle := float64(cpuTime()-c0) / float64(time.Since(t0))
				var cpu, last []time.Duration
				missed := 0
				i := 0
				for b.Loop() {
					if i >= len(todo) {
						b.Fatalf("only %d overdue participants to contact", len(todo))
					}
					p := todo[i]
					i++
					before := make([]int, len(cs))
					for j, c := range cs {
						before[j] = c.out.len()
					}
					c0, t0 := cpuTime(), time.Now()
					if _, err := e.db.CreateContact(context.Background(), store.Actor{User: p.CaseManager, Role: store.RoleCaseManager},
						store.Contact{ParticipantID: p.ID, Date: testNow.Add(-time.Hour), Kind: store.ContactPhone, Note: "bench call",
							Author: p.CaseManager, Sensitivity: store.General}); err != nil {
						b.Fatal(err)
					}
					var lastAt time.Time
					for j, c := range cs {
						if waitGrowth(c.out, before[j], 5*time.Second) {
							lastAt = time.Now()
						} else {
							missed++
							if testing.Verbose() {
								b.Logf("session %d of %d did not repaint after a contact for %s", j, len(cs), p.ID)
							}
						}
					}
					last = append(last, lastAt.Sub(t0))
					time.Sleep(30 * time.Millisecond) // the frames they started
					used := cpuTime() - c0
					cpu = append(cpu, used-time.Duration(idle*float64(time.Since(t0))))
				}
				b.ReportMetric(percentile(cpu, 0.5).Seconds()*1000, "cpu-ms/contact")
				b.ReportMetric(idle*1000, "idle-cpu-ms/s")
				b.ReportMetric(percentile(last, 0.5).Seconds()*1000, "ms-to-last-repaint")
				b.ReportMetric(float64(missed)/float64(b.N), "sessions-not-repainted/op")
			})
		}
	}
}

// BenchmarkSignIn: CPU and time from dialling to the full Today frame of
// one supervisor, and the heap each connected session keeps (20 at once).
func BenchmarkSignIn(b *testing.B) {
	for _, n := range scaleSizes() {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			e, key := newScaleEnv(b, n)
			var cpu, wall []time.Duration
			for b.Loop() {
				c0, t0 := cpuTime(), time.Now()
				c, err := e.openTerm(key, "xterm-256color", nil, false)
				if err != nil {
					b.Fatal(err)
				}
				c.out.waitFor(b, 0, "Overdue", 60*time.Second)
				wall = append(wall, time.Since(t0))
				cpu = append(cpu, cpuTime()-c0)
				c.close()
			}
			b.ReportMetric(percentile(cpu, 0.5).Seconds()*1000, "cpu-ms/signin")
			b.ReportMetric(percentile(wall, 0.5).Seconds()*1000, "ms-to-frame")
			const held = 20
			before := heapInUse()
			cs := make([]*client, held)
			for i := range cs {
				c, err := e.openTerm(key, "xterm-256color", nil, true)
				if err != nil {
					b.Fatal(err)
				}
				defer c.close()
				cs[i] = c
			}
			for _, c := range cs {
				deadline := time.Now().Add(60 * time.Second)
				for c.out.len() < 1500 && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
			}
			time.Sleep(200 * time.Millisecond)
			b.ReportMetric(float64(heapInUse()-before)/held/(1<<20), "heap-MiB/session")
			runtime.KeepAlive(cs)
		})
	}
}
